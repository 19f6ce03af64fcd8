"""One human sentence per event: "Incoming call from Bob Jones (+1 415-555-0100) answered by Alice Smith".

Written in the active language (issue 18): the normalizer stores the English sentence, and a
delivery renders it again in its reader's language and number format (events/localize.py) from
the same payload. Whole sentences are translated, never pieces glued together: word order and
grammar differ between the languages, so each direction of each event is a sentence of its own.
"""

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from events.catalogue import EventType
from kazoo_zapier.display import phone_number

NumberFormat = Callable[[str | None], str | None]


def result_phrase(result: str | None) -> str:
    """How a call.ended's `result` reads inside its sentence."""
    phrases = {
        "answered": pgettext("call result", "answered"),
        "missed": pgettext("call result", "missed"),
        "voicemail": pgettext("call result", "went to voicemail"),
        "answered_elsewhere": pgettext("call result", "answered by a colleague"),
        "busy": pgettext("call result", "busy"),
        "no_answer": pgettext("call result", "not answered"),
        "failed": pgettext("call result", "failed"),
        "cancelled": pgettext("call result", "cancelled"),
    }
    return phrases.get(result or "", result or pgettext("call result", "ended"))


def agent_status_words(status: str) -> str:
    words = {
        "logged_in": pgettext("agent status", "logged in"),
        "logged_out": pgettext("agent status", "logged out"),
        "ready": pgettext("agent status", "ready"),
        "connecting": pgettext("agent status", "being connected to a call"),
        "connected": pgettext("agent status", "on a queue call"),
        "wrapup": pgettext("agent status", "wrapping up"),
        "paused": pgettext("agent status", "paused"),
        "outbound": pgettext("agent status", "on an outbound call"),
    }
    return words.get(status, status.replace("_", " "))


def party(
    name: str | None,
    number: str | None,
    unknown: str | None = None,
    show: NumberFormat = phone_number,
) -> str:
    shown = show(number)
    if name in (number, shown, phone_number(number)):
        name = None  # Kazoo fills a missing name with the number: show the number, formatted
    if name and shown:
        return f"{name} ({shown})"
    return name or shown or (unknown if unknown is not None else _("an unknown caller"))


def duration(seconds: int) -> str:
    minutes, seconds = divmod(max(seconds, 0), 60)
    if minutes:
        return _("%(minutes)d min %(seconds)d s") % {"minutes": minutes, "seconds": seconds}
    return _("%(seconds)d s") % {"seconds": seconds}


def _by_direction(direction: str | None, inbound: str, outbound: str, internal: str, other: str):
    return {"inbound": inbound, "outbound": outbound, "internal": internal}.get(
        direction or "", other
    )


def call_summary(p: dict[str, Any], *, receiving: bool, show: NumberFormat = phone_number) -> str:
    """The sentence for a call.* event, from its filled-in payload; `receiving`: the user was rung."""
    type_ = p["type"]
    words = {
        "caller": party(p["from_name"], p["from_number"], show=show),
        "callee": party(p["to_name"], p["to_number"], _("an unknown number"), show=show),
        "user": p["user_name"] or p["user_extension"] or _("the user"),
    }
    direction = p["direction"]
    if type_ == EventType.CALL_RINGING:
        sentence = _by_direction(
            direction,
            _("Incoming call from %(caller)s to %(user)s"),
            _("Outgoing call from %(caller)s to %(user)s"),
            _("Internal call from %(caller)s to %(user)s"),
            _("Call from %(caller)s to %(user)s"),
        )
    elif type_ == EventType.CALL_STARTED:
        sentence = _by_direction(
            direction,
            _("Incoming call from %(user)s to %(callee)s"),
            _("Outgoing call from %(user)s to %(callee)s"),
            _("Internal call from %(user)s to %(callee)s"),
            _("Call from %(user)s to %(callee)s"),
        )
    elif type_ == EventType.CALL_ANSWERED and receiving:
        sentence = _by_direction(
            direction,
            _("Incoming call from %(caller)s answered by %(user)s"),
            _("Outgoing call from %(caller)s answered by %(user)s"),
            _("Internal call from %(caller)s answered by %(user)s"),
            _("Call from %(caller)s answered by %(user)s"),
        )
    elif type_ == EventType.CALL_ANSWERED:
        sentence = _by_direction(
            direction,
            _("Incoming call from %(user)s to %(callee)s answered"),
            _("Outgoing call from %(user)s to %(callee)s answered"),
            _("Internal call from %(user)s to %(callee)s answered"),
            _("Call from %(user)s to %(callee)s answered"),
        )
    elif type_ == EventType.CALL_MISSED and p["result"] == "voicemail":
        sentence = _("Missed call from %(caller)s to %(user)s (went to voicemail)")
    elif type_ == EventType.CALL_MISSED:
        sentence = _("Missed call from %(caller)s to %(user)s")
    elif type_ == EventType.CALL_ENDED:
        words["result"] = result_phrase(p["result"])
        if p["answered"]:
            words["result"] = _("%(result)s, talked %(duration)s") % {
                "result": words["result"],
                "duration": duration(p["talk_seconds"] or 0),
            }
        sentence = _by_direction(
            direction,
            _("Incoming call from %(caller)s to %(callee)s ended (%(result)s)"),
            _("Outgoing call from %(caller)s to %(callee)s ended (%(result)s)"),
            _("Internal call from %(caller)s to %(callee)s ended (%(result)s)"),
            _("Call from %(caller)s to %(callee)s ended (%(result)s)"),
        )
    elif type_ in (EventType.CALL_HELD, EventType.CALL_RESUMED):
        words["other"] = words["caller"] if receiving else words["callee"]
        if type_ == EventType.CALL_HELD:
            sentence = _("%(user)s put the call with %(other)s on hold")
        else:
            sentence = _("%(user)s resumed the call with %(other)s")
    else:
        sentence = _("Call from %(caller)s to %(callee)s")
    return sentence % words


def park_summary(p: dict[str, Any], show: NumberFormat = phone_number) -> str:
    words = {"caller": party(p["from_name"], p["from_number"], show=show), "slot": p["park_slot"]}
    if p["type"] == EventType.CALL_PARKED:
        return _("Call from %(caller)s parked in slot %(slot)s") % words
    if p["type"] == EventType.CALL_RETRIEVED:
        return _("Parked call from %(caller)s retrieved from slot %(slot)s") % words
    return _("Parked call from %(caller)s in slot %(slot)s was abandoned") % words


def queue_summary(p: dict[str, Any], show: NumberFormat = phone_number) -> str:
    words = {
        "caller": party(p["from_name"], p["from_number"], _("An unknown caller"), show=show),
        "queue": p["queue_name"] or _("a queue"),
        "agent": p["agent_name"] or _("an agent"),
    }
    sentences = {
        EventType.QUEUE_CALL_WAITING: _("%(caller)s is waiting in %(queue)s"),
        EventType.QUEUE_CALL_ANSWERED: _("%(caller)s in %(queue)s answered by %(agent)s"),
        EventType.QUEUE_CALL_ABANDONED: _("%(caller)s left %(queue)s unanswered"),
        EventType.QUEUE_CALL_COMPLETED: _("%(caller)s's call in %(queue)s with %(agent)s is over"),
    }
    return sentences[EventType(p["type"])] % words


def agent_summary(p: dict[str, Any]) -> str:
    words = {
        "agent": p["agent_name"] or _("An agent"),
        "status": agent_status_words(p["agent_status"]),
    }
    return _("%(agent)s is now %(status)s") % words


def summarize(p: dict[str, Any], *, receiving: bool | None, show: NumberFormat = phone_number):
    """The sentence of any event, in the active language, from its payload (and, for calls,
    whether its user was the one rung: stored beside the event, Event.receiving)."""
    kind = EventType(p["type"])
    if kind in (EventType.CALL_PARKED, EventType.CALL_RETRIEVED, EventType.CALL_PARK_ABANDONED):
        return park_summary(p, show)
    if kind.is_call_centre and kind != EventType.AGENT_STATUS_CHANGED:
        return queue_summary(p, show)
    if kind == EventType.AGENT_STATUS_CHANGED:
        return agent_summary(p)
    return call_summary(p, receiving=bool(receiving), show=show)
