"""One human sentence per event: "Incoming call from Bob Jones (+1 415-555-0100) answered by Alice Smith"."""

from typing import Any

from events.catalogue import EventType
from kazoo_zapier.display import phone_number

_RESULT_PHRASES = {
    "answered": "answered",
    "missed": "missed",
    "voicemail": "went to voicemail",
    "answered_elsewhere": "answered by a colleague",
    "busy": "busy",
    "no_answer": "not answered",
    "failed": "failed",
    "cancelled": "cancelled",
}
_KIND = {"inbound": "Incoming call", "outbound": "Outgoing call", "internal": "Internal call"}


def party(name: str | None, number: str | None, unknown: str = "an unknown caller") -> str:
    shown = phone_number(number)
    if name in (number, shown):
        name = None  # Kazoo fills a missing name with the number: show the number, formatted
    if name and shown:
        return f"{name} ({shown})"
    return name or shown or unknown


def duration(seconds: int) -> str:
    minutes, seconds = divmod(max(seconds, 0), 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


def call_summary(p: dict[str, Any], *, receiving: bool) -> str:
    """The sentence for a call.* event, from its filled-in payload; `receiving`: the user was rung."""
    type_ = p["type"]
    kind = _KIND.get(p["direction"] or "", "Call")
    caller = party(p["from_name"], p["from_number"])
    callee = party(p["to_name"], p["to_number"], unknown="an unknown number")
    user = p["user_name"] or p["user_extension"] or "the user"
    if type_ == EventType.CALL_RINGING:
        return f"{kind} from {caller} to {user}"
    if type_ == EventType.CALL_STARTED:
        return f"{kind} from {user} to {callee}"
    if type_ == EventType.CALL_ANSWERED:
        if receiving:
            return f"{kind} from {caller} answered by {user}"
        return f"{kind} from {user} to {callee} answered"
    if type_ == EventType.CALL_MISSED:
        tail = " (went to voicemail)" if p["result"] == "voicemail" else ""
        return f"Missed call from {caller} to {user}{tail}"
    if type_ == EventType.CALL_ENDED:
        phrase = _RESULT_PHRASES.get(p["result"], p["result"] or "ended")
        if p["answered"]:
            phrase = f"{phrase}, talked {duration(p['talk_seconds'] or 0)}"
        return f"{kind} from {caller} to {callee} ended ({phrase})"
    other = caller if receiving else callee
    if type_ == EventType.CALL_HELD:
        return f"{user} put the call with {other} on hold"
    if type_ == EventType.CALL_RESUMED:
        return f"{user} resumed the call with {other}"
    return f"{kind} from {caller} to {callee}"


def park_summary(p: dict[str, Any]) -> str:
    caller = party(p["from_name"], p["from_number"])
    slot = p["park_slot"]
    if p["type"] == EventType.CALL_PARKED:
        return f"Call from {caller} parked in slot {slot}"
    if p["type"] == EventType.CALL_RETRIEVED:
        return f"Parked call from {caller} retrieved from slot {slot}"
    return f"Parked call from {caller} in slot {slot} was abandoned"
