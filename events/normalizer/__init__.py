"""The normalizer: Blackhole's pushed leg events in, the normalized events of EVENTS.md out.

Pure: no database, no network, no Django models; the state is passed in and mutated.

    state = CallState()                     # or CallState.from_json(saved)
    try:
        events = normalize(frame, state, directory, now=now, default_region="DE")
    except Rejected as rejected:
        count(rejected.reason)              # bad input: the state is untouched (rule 8)
    events += expire(state, now)            # now and then: calls that went silent, late verdicts
    events += reconcile(state, channels, cdrs, now)   # after a (re)connect (rule 6)
    save(state.to_json())
"""

from datetime import datetime
from typing import Any

from events.normalizer.calls import CHANNEL_EVENTS, Run, seconds, text
from events.normalizer.directory import DeviceInfo, Directory, StaticDirectory, UserInfo
from events.normalizer.parking import PARK_EVENTS, expire_parks, park_event
from events.normalizer.payload import NormalizedEvent, unix_from_gregorian
from events.normalizer.state import CallState

__all__ = [
    "CallState",
    "DeviceInfo",
    "Directory",
    "NormalizedEvent",
    "Rejected",
    "StaticDirectory",
    "UserInfo",
    "expire",
    "normalize",
    "reconcile",
]

KNOWN_EVENTS = CHANNEL_EVENTS | PARK_EVENTS.keys()
MAX_ID_LENGTH = 255  # Event.call_id's column; real Call-IDs are far shorter


class Rejected(ValueError):
    """A frame the normalizer will not take; `reason` is a short stable code to count by."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def normalize(
    message: Any,
    state: CallState,
    directory: Directory,
    *,
    now: datetime,
    default_region: str | None = None,
    account_id: str | None = None,
) -> list[NormalizedEvent]:
    """One pushed frame (the whole envelope, or its `data`) -> the events it makes, maybe none.

    `account_id`: the account whose subscription delivered the frame, when the caller knows it
    and passes only `data`. A carrier leg's CHANNEL_CREATE has no Account-ID among its CCVs
    (Kazoo finds the account by the dialled number, REFERENCE §1.6); the envelope's
    subscription_key names it too. Raises Rejected before touching the state when the frame is
    not a usable call event.
    """
    name, data, ccv, account_id, ts = _validate(message, account_id)
    run = Run(state, directory, default_region, now.timestamp())
    if ts is None:
        # Park frames carry no Timestamp (REFERENCE §3): they happened as they arrived. Whole
        # seconds here would date them up to a second early.
        ts = run.now
    if name in PARK_EVENTS:
        park_event(run, name, data, ccv, account_id, ts)
    else:
        run.channel_event(name, data, ccv, account_id, ts)
    return run.out


def expire(state: CallState, now: datetime) -> list[NormalizedEvent]:
    """End what went silent: calls without news for state.ttl_seconds end from what is known;
    users whose ringing ended while the caller stayed in the callflow longer than
    state.pending_seconds get their missed call. Call it every few seconds."""
    run = Run(state, _NO_DIRECTORY, None, now.timestamp())
    cutoff = run.now - state.ttl_seconds
    # `calls` is ordered by last news, oldest first (CallState.touch).
    while state.calls:
        oldest = state.calls[next(iter(state.calls))]
        if oldest["touched"] >= cutoff:
            break
        run.end_call(oldest)
    pending_cutoff = run.now - state.pending_seconds
    for call in list(state.calls.values()):
        for part in list(call["parts"].values()):
            if part["pending"] and part["pending_since"] <= pending_cutoff:
                run._end_part(call, part, run._unanswered_result(call, part), "EXPIRED")
        run._maybe_forget(call)
    for key, until in list(state.tombstones.items()):
        if until > run.now:
            break  # tombstones are ordered by expiry
        del state.tombstones[key]
    expire_parks(run)
    return run.out


def reconcile(
    state: CallState,
    live_channels: list[dict],
    cdrs: list[dict],
    now: datetime,
    directory: Directory | None = None,
) -> list[NormalizedEvent]:
    """After a restart or reconnect: legs Crossbar still lists (GET channels, REFERENCE §5.3)
    stay; legs that are gone end, with the CDR's numbers (REFERENCE §5.6) when there is one."""
    run = Run(state, directory or _NO_DIRECTORY, None, now.timestamp())
    live = {}
    for channel in live_channels:
        if isinstance(channel, dict) and text(channel.get("uuid")):
            live[channel["uuid"]] = channel
    by_call_id = {}
    for cdr in cdrs:
        if isinstance(cdr, dict) and text(cdr.get("call_id")):
            by_call_id[cdr["call_id"]] = cdr
    for call in list(state.calls.values()):
        # Non-user legs first: a user's verdict may depend on the far end having answered.
        for leg in sorted(call["legs"].values(), key=lambda x: x["user_id"] is not None):
            if leg["ended"] is not None or call["id"] not in state.calls:
                continue
            channel = live.get(leg["id"])
            if channel is not None:
                if channel.get("answered") is True and leg["answered"] is None:
                    run.leg_answered(call, leg, int(run.now), "RECONCILE")
                continue
            cdr = by_call_id.get(leg["id"])
            if cdr is not None:
                start = unix_from_gregorian(cdr.get("timestamp")) or leg["created"]
                duration = seconds(cdr.get("duration_seconds")) or 0
                run.leg_destroyed(
                    call,
                    leg,
                    max(start + duration, leg["created"]),
                    text(cdr.get("hangup_cause")),
                    seconds(cdr.get("billing_seconds")),
                    "RECONCILE",
                )
            else:
                run.leg_destroyed(
                    call, leg, call["last_ts"] or leg["created"], None, None, "RECONCILE"
                )
    return run.out


def _validate(message: Any, subscribed: str | None) -> tuple[str, dict, dict, str, int | None]:
    if not isinstance(message, dict):
        raise Rejected("not_a_dict", type(message).__name__)
    data = message
    if "args" in message and "name" in message:  # the pre-4.0 socket.io format (REFERENCE §1.5)
        if not isinstance(message["args"], dict):
            raise Rejected("wrong_type", "args")
        data = _lower_keys(message["args"])
    elif "action" in message or "subscription_key" in message:
        if message.get("action", "event") != "event":
            raise Rejected("not_an_event", str(message.get("action"))[:40])
        data = message.get("data")
        if not isinstance(data, dict):
            raise Rejected("wrong_type", "data")
    name = data.get("event_name") or message.get("name")
    if name is None:
        raise Rejected("missing_event_name")
    if not isinstance(name, str):
        raise Rejected("wrong_type", "event_name")
    if name not in KNOWN_EVENTS:
        raise Rejected("unknown_event_name", name[:60])
    call_id = data.get("call_id")
    if call_id is None or call_id == "":
        raise Rejected("missing_call_id")
    if not isinstance(call_id, str):
        raise Rejected("wrong_type", "call_id")
    if len(call_id) > MAX_ID_LENGTH:
        raise Rejected("call_id_too_long")
    ccv = data.get("custom_channel_vars")
    if ccv is None:
        ccv = {}
    elif not isinstance(ccv, dict):
        raise Rejected("wrong_type", "custom_channel_vars")
    account_id = (
        ccv.get("account_id")
        or data.get("account_id")
        or subscribed
        or _account_of_subscription(message.get("subscription_key"))
    )
    if account_id is None:
        raise Rejected("missing_account_id")
    if not isinstance(account_id, str) or not account_id:
        raise Rejected("wrong_type", "account_id")
    ts = None
    if data.get("timestamp") is not None:
        ts = unix_from_gregorian(data["timestamp"])
        if ts is None:
            raise Rejected("wrong_type", "timestamp")
    if name in PARK_EVENTS:
        slot = data.get("parking_slot")
        if slot is None or slot == "":
            raise Rejected("missing_parking_slot")
        if not isinstance(slot, str | int) or isinstance(slot, bool):
            raise Rejected("wrong_type", "parking_slot")
    return name, data, ccv, account_id, ts


def _account_of_subscription(key: Any) -> str | None:
    """'call.<AccountId>.<Event>.<CallId|*>' -> AccountId (REFERENCE §1.5; ids hold no dots)."""
    if isinstance(key, str) and key.startswith("call."):
        parts = key.split(".", 2)
        if len(parts) == 3 and parts[1] not in ("", "*"):
            return parts[1]
    return None


def _lower_keys(value: Any) -> Any:
    """Blackhole's key normalization: lower case, '-' -> '_', recursively (REFERENCE §1.5)."""
    if isinstance(value, dict):
        return {k.lower().replace("-", "_"): _lower_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lower_keys(v) for v in value]
    return value


class _NoDirectory:
    """For passes that only end calls: the names were captured when the calls began."""

    def account_name(self, account_id):
        return None

    def user(self, account_id, user_id):
        return None

    def device(self, account_id, device_id):
        return None

    def user_by_extension(self, account_id, extension):
        return None


_NO_DIRECTORY = _NoDirectory()
