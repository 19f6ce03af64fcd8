"""Channel events (legs) into call events for users: EVENTS.md rules 1 to 7.

One `Run` handles one incoming frame (or one expire/reconcile pass) against the CallState and
collects the events it produces in `out`. All call/leg/part records are plain dicts (state.py).

A "part" is one user's part in one call: role "receiver" (their devices are rung: call.ringing) or
"caller" (they dial out, or Crossbar's quickcall rings them first: call.started). Each part emits
ringing|started once, answered at most once, and ended exactly once (missed before it when
nobody picked up).
"""

import sys
from hashlib import md5
from typing import Any

from events.catalogue import EventType
from events.normalizer.directory import Directory
from events.normalizer.numbers import is_phone_number, normalize_number, real_name, user_part
from events.normalizer.payload import NormalizedEvent, base_payload, event_id, kazoo_ids
from events.normalizer.state import TOMBSTONE_SECONDS, CallState
from events.normalizer.summary import call_summary

CHANNEL_EVENTS = frozenset(
    {
        "CHANNEL_CREATE",
        "CHANNEL_ANSWER",
        "CHANNEL_BRIDGE",
        "CHANNEL_DESTROY",
        "CHANNEL_HOLD",
        "CHANNEL_UNHOLD",
    }
)

BUSY_CAUSES = frozenset({"USER_BUSY", "CALL_REJECTED"})
NO_ANSWER_CAUSES = frozenset(
    {
        "NO_ANSWER",
        "NO_USER_RESPONSE",
        "ALLOTTED_TIMEOUT",
        "RECOVERY_ON_TIMER_EXPIRE",
        "PROGRESS_TIMEOUT",
    }
)
# Causes that say nothing went wrong: the call was cleared, cancelled, lost a race or transferred.
ORDINARY_CAUSES = frozenset(
    {
        None,
        "NORMAL_CLEARING",
        "ORIGINATOR_CANCEL",
        "LOSE_RACE",
        "NORMAL_UNSPECIFIED",
        "PICKED_OFF",
        "ATTENDED_TRANSFER",
        "BLIND_TRANSFER",
        "MANAGER_REQUEST",
        "SUCCESS",
    }
)
USER_LEG_TYPES = frozenset({None, "device", "mobile", "user"})
ACDC_PREFIX = "acdc:"
ORIGINATE_WINDOW_SECONDS = 5
# A caller who hangs up after letting it ring this long was not answered; sooner, they cancelled.
GAVE_UP_AFTER_SECONDS = 8
QUICKCALL_CALLER_NAME = (
    "Device QuickCall"  # cb_quickcall's fixed Outbound-Caller-ID-Name (REFERENCE §5.4)
)


def text(value: Any) -> str | None:
    """A string field of Kazoo's JSON, or None if absent or of the wrong type."""
    return value if isinstance(value, str) and value else None


def shared(value: str | None) -> str | None:
    """One copy of a value that repeats across thousands of legs: ids of users and devices,
    directions, numbers and names (each frame's JSON makes its own copy otherwise)."""
    return sys.intern(value) if value is not None else None


def leg_device(leg: dict) -> str | None:
    """The device a leg belongs to: its Authorizing-ID, when that names a device or a mobile."""
    return leg["authorizing_id"] if leg["authorizing_type"] in ("device", "mobile") else None


def seconds(value: Any) -> int | None:
    """Kazoo's *_seconds: integers in 4.3, numeric strings in older releases (REFERENCE §2)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def is_originate(leg_id: str, data: dict, ccv: dict) -> bool:
    """Crossbar's quickcall / click-to-call rings the user's device first: that user is calling."""
    return (
        leg_id.endswith("-quickcall")
        or leg_id.startswith("c2c-")
        or data.get("caller_id_name") == QUICKCALL_CALLER_NAME
        or "auto_answer" in ccv
        or ccv.get("authorizing_type") == "clicktocall"
    )


class Run:
    """One pass of the normalizer over the state; events produced are appended to `out`."""

    def __init__(
        self, state: CallState, directory: Directory, region: str | None, now: float
    ) -> None:
        self.state = state
        self.directory = directory
        self.region = region
        self.now = now
        self.out: list[NormalizedEvent] = []

    # -- entry --------------------------------------------------------------------------------
    def channel_event(self, name: str, data: dict, ccv: dict, account_id: str, ts: int) -> None:
        leg_id = data["call_id"]
        state = self.state
        if state.is_buried(leg_id):
            return  # a frame of a call that is over (a repeat after a reconnect)
        call = state.call_of_leg(leg_id)
        if call is None:
            call = self._correlate(leg_id, data, ccv, account_id, create=name != "CHANNEL_DESTROY")
            if call is None:  # the end of a leg we never saw: nothing to end
                state.bury(leg_id, self.now + TOMBSTONE_SECONDS)
                return
        leg = call["legs"].get(leg_id)
        if leg is None:
            leg = self._new_leg(call, leg_id, data, ccv, ts)
            if name != "CHANNEL_DESTROY":
                self._join(call, leg, data, ccv, ts, name)
        else:
            self._refresh_leg(call, leg, data, ccv)
        if call["last_ts"] is None or ts > call["last_ts"]:
            call["last_ts"] = ts
        state.touch(call, self.now)

        if name == "CHANNEL_ANSWER":
            self.leg_answered(call, leg, ts, name)
        elif name == "CHANNEL_BRIDGE":
            self._bridged(call, leg, ts, name)
        elif name == "CHANNEL_DESTROY":
            self.leg_destroyed(
                call, leg, ts, text(data.get("hangup_cause")), seconds(data.get("billing_seconds"))
            )
        elif name == "CHANNEL_HOLD":
            self._hold(call, leg, ts, name, held=True)
        elif name == "CHANNEL_UNHOLD":
            self._hold(call, leg, ts, name, held=False)

    # -- correlation (rule 2) -----------------------------------------------------------------
    def _correlate(self, leg_id, data, ccv, account_id, *, create: bool) -> dict | None:
        state = self.state
        bridge_id = text(ccv.get("bridge_id"))
        other_leg = text(data.get("other_leg_call_id"))
        interaction = text(ccv.get("call_interaction_id"))
        call = None
        for candidate in (bridge_id, other_leg):
            if candidate and candidate != leg_id:
                found = state.call_of_leg(candidate)
                if found is not None and found["account_id"] == account_id:
                    call = found
                    break
        if call is None and len(leg_id) > 33 and leg_id[32] == "-":
            found = state.call_of_leg(ACDC_PREFIX + leg_id[:32])
            if found is not None and found["account_id"] == account_id:
                call = found
        if call is None and is_originate(leg_id, data, ccv):
            call = self._sibling_originate(account_id, text(ccv.get("owner_id")), data)
        if call is None and interaction:
            found = state.calls.get(state.interactions.get(interaction, ""))
            if found is not None and found["account_id"] == account_id:
                call = found
        if call is None:
            if not create:
                return None
            # Kazoo's Bridge-ID is the A-leg's Call-ID: key the call by it even before the A-leg
            # shows up, so that the call_id is the A-leg's in every event (rule 2).
            key = bridge_id if bridge_id and not state.is_buried(bridge_id) else leg_id
            if key in state.calls:
                key = leg_id
            account_name = self.directory.account_name(account_id) or text(ccv.get("account_name"))
            call = state.new_call(key, account_id, account_name, self.now)
            # ACDC rings an agent on a leg of its own, named md5(member Call-ID)-AgentId-Rnd
            # (acdc_agent_listener:outbound_call_id/2); nothing else ties it to the caller's call.
            state.alias(call, ACDC_PREFIX + md5(key.encode(), usedforsecurity=False).hexdigest())
            self._evict_overflow()
        state.alias(call, leg_id)
        state.alias(call, bridge_id)
        state.alias(call, other_leg)
        state.add_interaction(call, interaction)
        return call

    def _sibling_originate(self, account_id, owner_id, data) -> dict | None:
        """A quickcall to a user rings each of their devices on its own leg, with nothing to
        tie the legs together but the user and the moment: the same originate."""
        if not owner_id:
            return None
        for call in reversed(self.state.calls.values()):  # most recent news first
            if call["touched"] < self.now - ORIGINATE_WINDOW_SECONDS:
                break
            part = call["parts"].get(owner_id)
            if (
                call["account_id"] == account_id
                and part is not None
                and part["originate"]
                and part["answered"] is None
                and not part["done"]
                and part["to_number"]
                == normalize_number(text(data.get("caller_id_number")), self.region)
            ):
                return call
        return None

    def _evict_overflow(self) -> None:
        state = self.state
        while len(state.calls) > state.max_calls:
            oldest = state.calls[next(iter(state.calls))]
            self.end_call(oldest)

    # -- legs ---------------------------------------------------------------------------------
    def _new_leg(self, call, leg_id, data, ccv, ts) -> dict:
        # Twenty-one keys at most: a dict of 22 takes 832 bytes, one of 21 takes 464, and a
        # listener holds tens of thousands of legs (the device is derived: leg_device()).
        authorizing_type = shared(text(ccv.get("authorizing_type")))
        owner_id = shared(text(ccv.get("owner_id")))
        leg = {
            "id": leg_id,
            "switch_direction": shared(text(data.get("call_direction"))),
            # Only a leg with an Owner-ID is a user's device leg: quickcall exports
            # Authorizing-ID/-Type of the device onto the carrier leg too (REFERENCE §5.4).
            "user_id": owner_id if authorizing_type in USER_LEG_TYPES else None,
            "owner_id": owner_id,
            "authorizing_id": shared(text(ccv.get("authorizing_id"))),
            "authorizing_type": authorizing_type,
            "bridge_id": text(ccv.get("bridge_id")),
            "interaction_id": text(ccv.get("call_interaction_id")),
            "other_leg": text(data.get("other_leg_call_id")),
            "created": ts,
            "answered": None,
            "ended": None,
            "cause": None,
            "held": False,
            "caller_number": shared(text(data.get("caller_id_number"))),
            "caller_name": shared(text(data.get("caller_id_name"))),
            "callee_number": shared(text(data.get("callee_id_number"))),
            "callee_name": shared(text(data.get("callee_id_name"))),
            "destination": shared(user_part(text(data.get("request")) or text(data.get("to")))),
        }
        call["legs"][leg_id] = leg
        if leg_id == call["id"]:
            call["a_leg"] = leg_id
        return leg

    def _refresh_leg(self, call, leg, data, ccv) -> None:
        other_leg = text(data.get("other_leg_call_id"))
        if other_leg and other_leg != leg["other_leg"]:
            leg["other_leg"] = other_leg
            self.state.alias(call, other_leg)
        if leg["interaction_id"] is None:
            leg["interaction_id"] = text(ccv.get("call_interaction_id"))
            self.state.add_interaction(call, leg["interaction_id"])
        if leg["bridge_id"] is None:
            leg["bridge_id"] = text(ccv.get("bridge_id"))

    def _part_of(self, call, leg) -> dict | None:
        user_id = leg["user_id"]
        if user_id is None:
            return None
        part = call["parts"].get(user_id)
        return part if part is not None and leg["id"] in part["legs"] else None

    @staticmethod
    def _caller(call) -> dict | None:
        for part in call["parts"].values():
            if part["role"] == "caller":
                return part
        return None

    # -- who takes part (rules 1 and 3) -------------------------------------------------------
    def _join(self, call, leg, data, ccv, ts, name) -> None:
        user_id = leg["user_id"]
        if user_id is None:
            return
        part = call["parts"].get(user_id)
        if part is not None:
            if part["role"] == "caller":
                if part["originate"] and is_originate(leg["id"], data, ccv) and not part["done"]:
                    part["legs"].append(leg["id"])  # a user quickcall rings all their devices
                else:
                    leg["user_id"] = None  # the caller's call reaching the far end
            elif not part["done"]:
                part["legs"].append(leg["id"])  # another device of a ringing user: no new event
                if part["pending"]:
                    part["pending"] = False  # rung again (a ring group's next round)
            return
        originate = (
            leg["id"] == call["id"]
            and len(call["legs"]) == 1
            and is_originate(leg["id"], data, ccv)
        )
        if leg["switch_direction"] == "inbound" or originate:
            self._start_caller(call, leg, ts, name, originate)
        else:
            self._start_receiver(call, leg, ts, name)

    def _new_part(self, call, leg, role, ts) -> dict:
        part = {
            "user": leg["user_id"],
            "role": role,
            "direction": None,
            "legs": [leg["id"]],
            "device": leg_device(leg),
            "start": ts,
            "answered": None,
            "answered_leg": None,
            "ended": None,
            "done": False,
            "pending": False,
            "pending_since": None,
            "originate": False,
            "emitted": [],
            "from_number": None,
            "from_name": None,
            "to_number": None,
            "to_name": None,
        }
        call["parts"][leg["user_id"]] = part
        return part

    def _start_caller(self, call, leg, ts, name, originate: bool) -> None:
        part = self._new_part(call, leg, "caller", ts)
        part["originate"] = originate
        account_id = call["account_id"]
        user = self.directory.user(account_id, leg["user_id"])
        # Quickcall shows the number to be dialled as the caller id on the user's own phone.
        dialled = leg["caller_number"] if originate else leg["destination"] or leg["callee_number"]
        number = normalize_number(dialled, self.region)
        target = None
        if dialled and not is_phone_number(number):
            target = self.directory.user_by_extension(account_id, dialled)
        part["direction"] = "outbound" if is_phone_number(number) and target is None else "internal"
        part["from_number"] = (user and user.extension) or normalize_number(
            leg["caller_number"], self.region
        )
        part["from_name"] = (user and user.name) or leg["caller_name"]
        part["to_number"] = number
        part["to_name"] = target.name if target else (None if originate else leg["callee_name"])
        self._emit(EventType.CALL_STARTED, call, part, leg, name, ts)

    def _start_receiver(self, call, leg, ts, name) -> None:
        part = self._new_part(call, leg, "receiver", ts)
        account_id = call["account_id"]
        caller = self._caller(call)
        if caller is not None:
            part["direction"] = "internal"
            part["from_number"] = caller["from_number"]
            part["from_name"] = caller["from_name"]
        else:
            number = normalize_number(leg["caller_number"], self.region)
            colleague = None
            if number and not is_phone_number(number):
                colleague = self.directory.user_by_extension(account_id, number)
            part["direction"] = "internal" if colleague else "inbound"
            part["from_number"] = number
            part["from_name"] = real_name(leg["caller_name"], number) or (
                colleague.name if colleague else None
            )
        user = self.directory.user(account_id, leg["user_id"])
        part["to_number"] = (user and user.extension) or None
        part["to_name"] = (user and user.name) or None
        self._emit(EventType.CALL_RINGING, call, part, leg, name, ts)

    # -- answers (rules 4 and 5) --------------------------------------------------------------
    def leg_answered(self, call, leg, ts, name) -> None:
        if leg["answered"] is not None:
            return  # a repeated CHANNEL_ANSWER
        leg["answered"] = ts
        part = self._part_of(call, leg)
        if part is not None and part["role"] == "receiver":
            if part["done"]:
                return
            part["device"] = leg_device(leg) or part["device"]
            self._part_answered(call, part, leg, ts, name)
            if call["answered_by"] is None:
                call["answered_by"] = part["user"]
            caller = self._caller(call)
            if caller is not None and not caller["done"]:
                self._part_answered(call, caller, call["legs"].get(caller["legs"][0]), ts, name)
            for other in list(call["parts"].values()):
                if other["pending"]:
                    self._end_part(call, other, "answered_elsewhere", name)
        elif part is not None:  # the caller's own leg
            if part["originate"]:
                return  # the user picked up the quickcall: their call is only starting
            if call["answered_by"] is None and part["answered"] is None:
                self._answered_by_callflow(call, ts, name)
        elif leg["id"] == call["a_leg"]:
            if call["answered_by"] is None:
                self._answered_by_callflow(call, ts, name)
        else:  # a carrier (or other non-user) leg: the far end answered the caller
            caller = self._caller(call)
            if caller is not None and not caller["done"]:
                self._part_answered(call, caller, call["legs"].get(caller["legs"][0]), ts, name)

    def _answered_by_callflow(self, call, ts, name) -> None:
        """The A-leg answered with no user on it: IVR, voicemail, queue music (rule 5)."""
        if call["callflow_answered"] is None:
            call["callflow_answered"] = ts
        for part in list(call["parts"].values()):
            if part["pending"]:
                self._end_part(call, part, "voicemail", name)

    def _part_answered(self, call, part, leg, ts, name) -> None:
        if part["answered"] is not None:
            return
        part["answered"] = ts
        part["answered_leg"] = leg["id"] if leg else None
        self._emit(EventType.CALL_ANSWERED, call, part, leg, name, ts)

    def _bridged(self, call, leg, ts, name) -> None:
        # A bridge happens on answer; it stands in for an ANSWER we may not have seen. The
        # non-A-leg goes first so that the A-leg is not taken for the callflow answering.
        other = call["legs"].get(leg["other_leg"] or "")
        for candidate in sorted(filter(None, (leg, other)), key=lambda x: x["id"] == call["a_leg"]):
            if candidate["answered"] is None:
                self.leg_answered(call, candidate, ts, name)
        # The caller's leg bridged to a leg that is not theirs: someone is on the line, also when
        # that leg lives in another call (a parked call picked up, REFERENCE §3).
        part = self._part_of(call, leg)
        if (
            part is not None
            and part["role"] == "caller"
            and leg["other_leg"]
            and leg["other_leg"] not in part["legs"]
            and not part["done"]
        ):
            self._part_answered(call, part, leg, ts, name)

    # -- hangups (rules 3, 4, 5, 6) -----------------------------------------------------------
    def leg_destroyed(self, call, leg, ts, cause, billing_seconds, name="CHANNEL_DESTROY") -> None:
        if leg["ended"] is not None:
            return  # a repeated CHANNEL_DESTROY
        if leg["answered"] is None and billing_seconds:
            # Billed, so answered: the ANSWER frame was lost (a reconnect) or comes from a CDR.
            self.leg_answered(call, leg, ts - billing_seconds, name)
        leg["ended"] = ts
        leg["cause"] = cause
        part = self._part_of(call, leg)
        if part is not None and not part["done"]:
            legs = call["legs"]
            if all(legs[leg_id]["ended"] is not None for leg_id in part["legs"]):
                part["ended"] = ts
                self._part_over(call, part, name)
        if leg["id"] == call["a_leg"]:
            for other in list(call["parts"].values()):
                if other["pending"]:
                    self._end_part(call, other, self._unanswered_result(call, other), name)
        self._maybe_forget(call)

    def _part_over(self, call, part, name) -> None:
        if part["role"] == "caller":
            self._end_part(call, part, self._caller_result(call, part), name)
            return
        if part["answered"] is not None:
            self._end_part(call, part, "answered", name)
        elif call["answered_by"] is not None:
            self._end_part(call, part, "answered_elsewhere", name)
        elif self._reached_voicemail(call, part):
            self._end_part(call, part, "voicemail", name)
        elif self._a_leg_up(call):
            # The caller is still in the callflow: what comes next (voicemail answering, a
            # colleague picking up, the caller hanging up) decides how this ringing ended.
            part["pending"] = True
            part["pending_since"] = self.now
        else:
            self._end_part(call, part, self._unanswered_result(call, part), name)

    def _a_leg_up(self, call) -> bool:
        a_leg = call["legs"].get(call["a_leg"] or "")
        return a_leg is not None and a_leg["ended"] is None

    @staticmethod
    def _reached_voicemail(call, part) -> bool:
        answered = call["callflow_answered"]
        return call["answered_by"] is None and answered is not None and answered >= part["start"]

    def _unanswered_result(self, call, part) -> str:
        if call["answered_by"] is not None:
            return "answered_elsewhere"
        if self._reached_voicemail(call, part):
            return "voicemail"
        causes = [call["legs"][leg_id]["cause"] for leg_id in part["legs"]]
        if causes and all(cause in BUSY_CAUSES for cause in causes):
            return "busy"
        return "missed"

    def _caller_result(self, call, part) -> str:
        if part["answered"] is not None:
            return "answered"
        if part["direction"] == "internal" and self._reached_voicemail(call, part):
            return "voicemail"
        causes = {leg["cause"] for leg in call["legs"].values()}
        if causes & BUSY_CAUSES:
            return "busy"
        if causes & NO_ANSWER_CAUSES:
            return "no_answer"
        if causes - ORDINARY_CAUSES:
            return "failed"
        rang = (part["ended"] or call["last_ts"] or part["start"]) - part["start"]
        return "no_answer" if rang >= GAVE_UP_AFTER_SECONDS else "cancelled"

    def _end_part(self, call, part, result: str, name: str) -> None:
        if part["done"]:
            return
        part["done"] = True
        part["pending"] = False
        end = part["ended"] or call["last_ts"] or part["start"]
        part["ended"] = end
        legs = call["legs"]
        leg = legs.get(part["answered_leg"] or "") or max(
            (legs[leg_id] for leg_id in part["legs"] if leg_id in legs),
            key=lambda x: x["ended"] or 0,
            default=None,
        )
        answered = part["answered"]
        if part["role"] == "receiver" and answered is None and result != "answered_elsewhere":
            outcome = self._outcome(part, leg, result, end)
            self._emit(EventType.CALL_MISSED, call, part, leg, name, end, outcome=outcome)
        self._emit(
            EventType.CALL_ENDED,
            call,
            part,
            leg,
            name,
            end,
            outcome=self._outcome(part, leg, result, end),
        )

    @staticmethod
    def _outcome(part, leg, result, end) -> dict:
        start, answered = part["start"], part["answered"]
        return {
            "answered": answered is not None,
            "result": result,
            # round(): whole seconds in the payload even from sub-second timestamps.
            "ring_seconds": round(max((answered if answered is not None else end) - start, 0)),
            "talk_seconds": round(max(end - answered, 0)) if answered is not None else 0,
            "duration_seconds": round(max(end - start, 0)),
            "hangup_cause": leg["cause"] if leg else None,
        }

    def _maybe_forget(self, call) -> None:
        if all(leg["ended"] is not None for leg in call["legs"].values()) and all(
            part["done"] for part in call["parts"].values()
        ):
            self.state.forget_call(call, self.now)

    def end_call(self, call, name: str = "EXPIRED") -> None:
        """End every open part from what is known (rule 6), then forget the call."""
        for part in list(call["parts"].values()):
            if part["done"]:
                continue
            if part["role"] == "caller":
                self._end_part(call, part, self._caller_result(call, part), name)
            elif part["answered"] is not None:
                self._end_part(call, part, "answered", name)
            else:
                self._end_part(call, part, self._unanswered_result(call, part), name)
        self.state.forget_call(call, self.now)

    # -- hold ---------------------------------------------------------------------------------
    def _hold(self, call, leg, ts, name, *, held: bool) -> None:
        if leg["held"] == held:
            return  # a repeated frame, or an UNHOLD without a HOLD we saw
        leg["held"] = held
        part = self._part_of(call, leg)
        if part is not None:
            parts = [part]
        else:  # the far end's leg is held: it is the call of whoever is talking on it
            parts = [p for p in call["parts"].values() if p["answered"] is not None]
        type_ = EventType.CALL_HELD if held else EventType.CALL_RESUMED
        for part in parts:
            if not part["done"]:
                self._emit(type_, call, part, leg, name, ts, extra=f"{leg['id']}|{ts}")

    # -- payload ------------------------------------------------------------------------------
    def _emit(self, type_, call, part, leg, name, ts, *, extra="", outcome=None) -> None:
        if not extra:
            if type_.value in part["emitted"]:
                return
            part["emitted"].append(type_.value)
        account_id = call["account_id"]
        user_id = part["user"]
        user = self.directory.user(account_id, user_id)
        device_id = part["device"]
        device = self.directory.device(account_id, device_id) if device_id else None
        p = base_payload(
            type_,
            id=event_id(account_id, call["id"], user_id, type_, extra),
            occurred_at=ts,
            account_id=account_id,
            account_name=call["account_name"],
        )
        p["call_id"] = call["id"]
        p["direction"] = part["direction"]
        p["from_number"] = part["from_number"]
        p["from_name"] = part["from_name"]
        p["to_number"] = part["to_number"]
        p["to_name"] = part["to_name"]
        p["user_id"] = user_id
        if user is not None:
            p["user_name"] = user.name
            p["user_extension"] = user.extension
            p["user_email"] = user.email
        p["device_id"] = device_id
        p["device_name"] = device.name if device else None
        if outcome is not None:
            p.update(outcome)
        p["kazoo"] = kazoo_ids(leg, name)
        receiving = part["role"] == "receiver"
        p["summary"] = call_summary(p, receiving=receiving)
        self.out.append(NormalizedEvent(type_, p, account_id, user_id, receiving))
