"""Find Recent Call: the most recent calls with a phone number, from Kazoo's CDRs, in the fields
of call.ended (call_id, direction, from/to, user, device, answered, result, durations).

Kazoo writes one CDR per leg (REFERENCE §8.4); legs of one call share an interaction id. A call
is named after its first leg, as the normalizer names the call's events, so a call found here
has the call_id its events had. The listing filters on when a CDR was written (the end of a leg),
at most 31 days apart.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone
from rest_framework.exceptions import ValidationError

from accounts.models import KazooUser
from calls import tenancy
from calls.directory import e164, searched_number
from kazoo_zapier.kazoo.crossbar import get_crossbar

GREGORIAN_OFFSET = 62167219200  # Kazoo's timestamps count seconds from year 0
DEFAULT_WINDOW = timedelta(days=7)
MAX_WINDOW = timedelta(days=31)
BUSY = {"USER_BUSY", "CALL_REJECTED"}


def gregorian(moment: datetime) -> int:
    return int(moment.timestamp()) + GREGORIAN_OFFSET


def _int(value: Any) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return 0


def _user_part(value: Any) -> str:
    return str(value or "").split("@", 1)[0]


def window(since: datetime | None, until: datetime | None) -> tuple[datetime, datetime]:
    until = until or timezone.now()
    since = since or until - DEFAULT_WINDOW
    if since >= until:
        raise ValidationError({"since": ["The start of the time window must be before its end."]})
    if until - since > MAX_WINDOW:
        raise ValidationError(
            {"since": ["Kazoo keeps call records searchable in windows of at most 31 days."]}
        )
    return since, until


def recent_calls(
    profile: KazooUser,
    number: str,
    *,
    user_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 10,
) -> list[dict[str, Any]]:
    wanted = searched_number(number)
    since, until = window(since, until)
    crossbar = get_crossbar()
    account_id = profile.account.kazoo_id
    span = (gregorian(since), gregorian(until))
    owner = None
    if user_id or not tenancy.may_see_account(profile):
        owner = tenancy.target_user(profile, user_id, doing="search the calls").id
    rows = crossbar.cdrs(account_id, *span)
    if owner is not None:
        mine = {_call_key(r) for r in crossbar.user_cdrs(account_id, owner, *span)}
        rows = [r for r in rows if _call_key(r) in mine]
    calls: dict[str, list[dict]] = {}
    for row in rows:
        calls.setdefault(_call_key(row), []).append(row)
    users = {u["id"]: u for u in crossbar.users(account_id) if u.get("id")}
    devices = {d["id"]: d for d in crossbar.devices(account_id) if d.get("id")}
    found = [
        _as_call_ended(profile, legs, users, devices)
        for legs in calls.values()
        if wanted in _numbers(legs)
    ]
    found.sort(key=lambda call: call["occurred_at"], reverse=True)
    return found[:limit]


def _call_key(row: dict[str, Any]) -> str:
    return str(row.get("interaction_id") or row.get("call_id") or "")


def _numbers(legs: list[dict[str, Any]]) -> set[str]:
    raw = set()
    for leg in legs:
        for key in ("caller_id_number", "callee_id_number", "dialed_number", "calling_from"):
            raw.add(leg.get(key))
        raw.update({_user_part(leg.get("to")), _user_part(leg.get("from"))})
    return {n for n in (e164(str(x)) for x in raw if x) if n}


def _iso(gregorian_seconds: int) -> str:
    moment = datetime.fromtimestamp(gregorian_seconds - GREGORIAN_OFFSET, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _as_call_ended(profile, legs, users, devices) -> dict[str, Any]:
    legs = sorted(legs, key=lambda r: (_int(r.get("timestamp")), r.get("direction") != "inbound"))
    first = legs[0]
    start = min(_int(r.get("timestamp")) for r in legs)
    end = max(_int(r.get("timestamp")) + _int(r.get("duration_seconds")) for r in legs)
    others = legs[1:]
    answered = next((r for r in others if _int(r.get("billing_seconds")) > 0), None)
    owned = [r for r in legs if r.get("owner_id")]
    if not first.get("owner_id"):
        direction = "inbound"
    elif any(not r.get("owner_id") for r in others):
        direction = "outbound"
    else:
        direction = "internal"
    if direction == "inbound":
        user_leg = (answered if answered and answered.get("owner_id") else None) or next(
            iter(owned), None
        )
    else:
        user_leg = first
    user = users.get((user_leg or {}).get("owner_id") or "")
    device = devices.get((user_leg or {}).get("authorizing_id") or "")
    causes = {r.get("hangup_cause") for r in legs}
    if answered:
        result = "answered"
    elif causes & BUSY:
        result = "busy"
    else:
        result = "missed" if direction == "inbound" else "no_answer"
    talk = _int(answered.get("billing_seconds")) if answered else 0
    to_number = first.get("dialed_number") or first.get("callee_id_number") or None
    return {
        "call_id": first.get("call_id") or "",
        "occurred_at": _iso(end),
        "started_at": _iso(start),
        "account_id": profile.account.kazoo_id,
        "account_name": profile.account.name,
        "direction": direction,
        "from_number": e164(first.get("caller_id_number")) or first.get("caller_id_number") or None,
        "from_name": first.get("caller_id_name") or None,
        "to_number": e164(to_number) or to_number,
        "to_name": (tenancy.display_name(user) if user and direction == "inbound" else None)
        or first.get("callee_id_name")
        or None,
        "user_id": user["id"] if user else None,
        "user_name": tenancy.display_name(user) if user else None,
        "user_extension": (user or {}).get("presence_id") or None,
        "user_email": (user or {}).get("email") or None,
        "device_id": device["id"] if device else None,
        "device_name": device.get("name") if device else None,
        "answered": answered is not None,
        "result": result,
        "ring_seconds": max(end - start - talk, 0),
        "talk_seconds": talk,
        "duration_seconds": max(end - start, 0),
        "hangup_cause": first.get("hangup_cause") or None,
    }
