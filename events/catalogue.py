"""The event catalogue: every normalized event type, its Zapier title and its payload keys.

This is the one place event types are spelled (STYLE.md 3). The payload keys are the complete,
ordered list of keys of the flat payload of each type: a sample and a live payload of the same
type have exactly these keys, absent values are null (docs/events.md, "The payload").
"""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext, gettext_noop

# Every event starts with these keys ...
BASE_KEYS = ("id", "type", "occurred_at", "account_id", "account_name")
# ... and ends with these.
TAIL_KEYS = ("summary", "kazoo")

CALL_KEYS = (
    "call_id",
    "direction",
    "from_number",
    "from_name",
    "to_number",
    "to_name",
)
USER_KEYS = ("user_id", "user_name", "user_extension", "user_email")
DEVICE_KEYS = ("device_id", "device_name")
# call.missed carries them too: its `result` tells voicemail from a plain miss (docs/events.md, rule 5).
OUTCOME_KEYS = (
    "answered",
    "result",
    "ring_seconds",
    "talk_seconds",
    "duration_seconds",
    "hangup_cause",
)
PARK_KEYS = ("call_id", "from_number", "from_name", "to_number", "to_name", "park_slot")
QUEUE_KEYS = (
    "call_id",
    "from_number",
    "from_name",
    "queue_id",
    "queue_name",
    "agent_id",
    "agent_name",
    "wait_seconds",
    "talk_seconds",
    "abandon_reason",
)
AGENT_KEYS = ("agent_id", "agent_name", "agent_status", "queue_id", "queue_name")

# Written for each reader beside the stored key they follow (EventType.delivered_keys).
READER_KEYS = {
    "occurred_at": ("occurred_at_local", "timezone"),
    "from_number": ("from_number_display",),
    "to_number": ("to_number_display",),
}

# The raw Kazoo ids under `kazoo` (one level of nesting; Zapier shows them as kazoo__call_id).
KAZOO_KEYS = (
    "call_id",
    "other_leg_call_id",
    "bridge_id",
    "interaction_id",
    "owner_id",
    "authorizing_id",
    "authorizing_type",
    "event_name",
)

# The values `result` may take on call.ended (and call.missed).
RESULTS = (
    "answered",
    "missed",
    "voicemail",
    "answered_elsewhere",
    "busy",
    "no_answer",
    "failed",
    "cancelled",
)

_CALL = BASE_KEYS + CALL_KEYS + USER_KEYS + DEVICE_KEYS + TAIL_KEYS
_CALL_OUTCOME = BASE_KEYS + CALL_KEYS + USER_KEYS + DEVICE_KEYS + OUTCOME_KEYS + TAIL_KEYS
_PARK = BASE_KEYS + PARK_KEYS + TAIL_KEYS
_QUEUE = BASE_KEYS + QUEUE_KEYS + TAIL_KEYS
_AGENT = BASE_KEYS + AGENT_KEYS + USER_KEYS + TAIL_KEYS


class EventType(StrEnum):
    """A normalized event type; the value is what subscribers see in `type`."""

    title: str
    description: str
    admin_only: bool
    payload_keys: tuple[str, ...]

    def __new__(
        cls, value: str, title: str, description: str, admin_only: bool, keys: tuple[str, ...]
    ) -> "EventType":
        member = str.__new__(cls, value)
        member._value_ = value
        member.title = title
        member.description = description
        member.admin_only = admin_only
        member.payload_keys = keys
        return member

    CALL_RINGING = (
        "call.ringing",
        gettext_noop("New Incoming Call"),
        "A call starts ringing any device of the user (inbound or internal).",
        False,
        _CALL,
    )
    CALL_STARTED = (
        "call.started",
        gettext_noop("New Outgoing Call"),
        "The user places a call from one of their devices (including click-to-call).",
        False,
        _CALL,
    )
    CALL_ANSWERED = (
        "call.answered",
        gettext_noop("Call Answered"),
        "The user's side of the call is answered: they picked up, or the far end answered "
        "their outgoing call.",
        False,
        _CALL,
    )
    CALL_ENDED = (
        "call.ended",
        gettext_noop("Call Ended"),
        "The user's part in the call is over, answered or not.",
        False,
        _CALL_OUTCOME,
    )
    CALL_MISSED = (
        "call.missed",
        gettext_noop("Missed Call"),
        "An inbound or internal call rang the user and nobody picked it up, the user nor a "
        "colleague (voicemail counts as missed).",
        False,
        _CALL_OUTCOME,
    )
    CALL_HELD = (
        "call.held",
        gettext_noop("Call Put on Hold"),
        "The user's call is put on hold.",
        False,
        _CALL,
    )
    CALL_RESUMED = (
        "call.resumed",
        gettext_noop("Call Resumed"),
        "The user's call is taken off hold.",
        False,
        _CALL,
    )
    CALL_PARKED = (
        "call.parked",
        gettext_noop("Call Parked"),
        "A call is parked in a slot.",
        True,
        _PARK,
    )
    CALL_RETRIEVED = (
        "call.retrieved",
        gettext_noop("Parked Call Retrieved"),
        "A parked call is picked up.",
        True,
        _PARK,
    )
    CALL_PARK_ABANDONED = (
        "call.park_abandoned",
        gettext_noop("Parked Call Abandoned"),
        "The parked caller hangs up, or the park times out.",
        True,
        _PARK,
    )
    QUEUE_CALL_WAITING = (
        "queue.call_waiting",
        gettext_noop("Call Waiting in Queue"),
        "A caller enters a call-centre queue.",
        False,
        _QUEUE,
    )
    QUEUE_CALL_ANSWERED = (
        "queue.call_answered",
        gettext_noop("Queue Call Answered"),
        "An agent takes the queued call.",
        False,
        _QUEUE,
    )
    QUEUE_CALL_ABANDONED = (
        "queue.call_abandoned",
        gettext_noop("Queue Call Abandoned"),
        "The caller leaves the queue unanswered.",
        False,
        _QUEUE,
    )
    QUEUE_CALL_COMPLETED = (
        "queue.call_completed",
        gettext_noop("Queue Call Completed"),
        "The agent's queued call is over.",
        False,
        _QUEUE,
    )
    AGENT_STATUS_CHANGED = (
        "agent.status_changed",
        gettext_noop("Agent Status Changed"),
        "An agent logs in, out, pauses, becomes ready.",
        False,
        _AGENT,
    )

    @property
    def local_title(self) -> str:
        """The title in the active language, for pages (Zapier shows `title`, in English)."""
        return gettext(self.title)

    @property
    def delivered_keys(self) -> tuple[str, ...]:
        """What a subscriber receives: the stored keys and, beside them, those written for each
        reader (events/localize.py): the local time and zone after `occurred_at`, each number's
        display form after it."""
        keys: list[str] = []
        for key in self.payload_keys:
            keys.append(key)
            keys.extend(READER_KEYS.get(key, ()))
        return tuple(keys)

    def empty_payload(self) -> dict:
        """Every key of this type, all null: the shape both samples and live events share."""
        return dict.fromkeys(self.payload_keys)

    @property
    def is_call_centre(self) -> bool:
        """Queue and agent events: Kazoo reports them through ACDC, which the listener polls
        only for the accounts that want them."""
        return self in CALL_CENTRE_TYPES

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """For model and form fields: the value stored, the title users know from Zapier."""
        return [(kind.value, kind.title) for kind in cls]


CALL_CENTRE_TYPES = frozenset(
    {
        EventType.QUEUE_CALL_WAITING,
        EventType.QUEUE_CALL_ANSWERED,
        EventType.QUEUE_CALL_ABANDONED,
        EventType.QUEUE_CALL_COMPLETED,
        EventType.AGENT_STATUS_CHANGED,
    }
)


def title_of(kind: str) -> str:
    """'call.answered' -> 'Call Answered', as users know it from Zapier; an unknown type as is."""
    try:
        return EventType(kind).title
    except ValueError:
        return kind


# -- The documentation of the catalogue -----------------------------------------------------------
# docs/events.md is generated from what follows (events/reference.py, `manage.py events_reference`).
# A new type or payload key needs its entry here; tests/test_events_reference.py says which is
# missing, and regenerating the document is then one command.


@dataclass(frozen=True)
class TypeDoc:
    once_per: str  # what one event stands for: it fires once per ...
    # Who the event names: "user" (user_id is set: that user, and administrators with scope
    # account) or "account" (no user: administrators with scope account only; hooks.fanout).
    names: str
    note: str = ""


TYPE_DOCS: dict[EventType, TypeDoc] = {
    EventType.CALL_RINGING: TypeDoc(
        "call and user",
        "user",
        "A user whose desk phone, softphone and mobile ring together gets one event (rule 3).",
    ),
    EventType.CALL_STARTED: TypeDoc("call and user", "user"),
    EventType.CALL_ANSWERED: TypeDoc(
        "call and user",
        "user",
        "Not sent when the callflow itself answers (voicemail, IVR, a queue's music: rule 5).",
    ),
    EventType.CALL_ENDED: TypeDoc(
        "call and user", "user", "Exactly one for every call.ringing and call.started (rule 6)."
    ),
    EventType.CALL_MISSED: TypeDoc(
        "call and user",
        "user",
        "Sent just before that user's "
        "call.ended; not sent to ring-group members when a colleague "
        "answered (rule 4).",
    ),
    EventType.CALL_HELD: TypeDoc("hold", "user"),
    EventType.CALL_RESUMED: TypeDoc("hold", "user"),
    EventType.CALL_PARKED: TypeDoc("park", "account"),
    EventType.CALL_RETRIEVED: TypeDoc(
        "park", "account", "Kazoo sends PARK_RETRIEVED twice for one pickup: one event (rule 7)."
    ),
    EventType.CALL_PARK_ABANDONED: TypeDoc("park", "account"),
    EventType.QUEUE_CALL_WAITING: TypeDoc("queue call", "account"),
    EventType.QUEUE_CALL_ANSWERED: TypeDoc("queue call", "user", "The user is the agent."),
    EventType.QUEUE_CALL_ABANDONED: TypeDoc("queue call", "account"),
    EventType.QUEUE_CALL_COMPLETED: TypeDoc("queue call", "user", "The user is the agent."),
    EventType.AGENT_STATUS_CHANGED: TypeDoc(
        "change seen by a poll",
        "user",
        "The user is the "
        "agent. A poll sees where an agent is: several "
        "statuses between two polls make one event.",
    ),
}


@dataclass(frozen=True)
class FieldDoc:
    type: str  # the JSON type of a value that is not null
    present: str  # when the value is not null
    meaning: str


FIELD_DOCS: dict[str, FieldDoc] = {
    "id": FieldDoc(
        "string",
        "always",
        "The event's id: the same on every retry of its "
        "delivery, and for the same call, user and type on a replay.",
    ),
    "type": FieldDoc("string", "always", "The event type, from the catalogue above."),
    "occurred_at": FieldDoc(
        "string", "always", "When it happened, ISO 8601 in UTC (see the rules on dates)."
    ),
    "occurred_at_local": FieldDoc(
        "string",
        "always",
        "The same moment in the subscriber's time zone, ISO 8601 with its offset "
        "(`2026-12-03T14:05:09+01:00`): write 14:05 without a formatter step.",
    ),
    "timezone": FieldDoc(
        "string",
        "always",
        "The subscriber's time zone (IANA name, e.g. `Europe/Berlin`): their Kazoo user's, "
        "else their account's and its parents', else the service's.",
    ),
    "account_id": FieldDoc("string", "always", "The Kazoo account's id."),
    "account_name": FieldDoc(
        "string", "when the account's name is known", "The Kazoo account's name."
    ),
    "call_id": FieldDoc(
        "string",
        "always",
        "One id for the whole call, the same in all its "
        "events and across its legs: the A-leg's Call-ID (for queue events, "
        "the caller's).",
    ),
    "direction": FieldDoc(
        "string",
        "always",
        "`inbound` (from outside), `outbound` (to "
        "outside) or `internal` (between two users of the account), from "
        "the user's point of view.",
    ),
    "from_number": FieldDoc(
        "string",
        "when Kazoo names the caller",
        "Who called: in E.164 when it is a phone number, an extension as it is.",
    ),
    "from_number_display": FieldDoc(
        "string",
        "when Kazoo names the caller",
        "`from_number` as people write it in the subscriber's country: national for a number "
        "of that country (`030 1234567`), international otherwise (`+33 1 23 45 67 89`).",
    ),
    "from_name": FieldDoc(
        "string",
        "when Kazoo names the caller by name",
        "The caller's name (caller id name, or the colleague's name).",
    ),
    "to_number": FieldDoc(
        "string",
        "when known",
        "Whom the call is for: the number dialled "
        "for an outgoing call; for a call the user receives, the user's "
        "extension (not the number the caller dialled: rule 9).",
    ),
    "to_number_display": FieldDoc(
        "string",
        "when known",
        "`to_number` as people write it in the subscriber's country (as `from_number_display`).",
    ),
    "to_name": FieldDoc(
        "string",
        "when known",
        "The name of whom the call is for: the receiving user, or the colleague dialled.",
    ),
    "user_id": FieldDoc(
        "string",
        "when the event is about a user",
        "The Kazoo user this event is about (on agent events: the agent).",
    ),
    "user_name": FieldDoc("string", "when the user is known", "That user's name."),
    "user_extension": FieldDoc(
        "string", "when the user has an extension", "That user's extension (presence id)."
    ),
    "user_email": FieldDoc("string", "when the user has an email address", "That user's email."),
    "device_id": FieldDoc(
        "string", "when a device is known", "The device that rang, answered or dialled."
    ),
    "device_name": FieldDoc("string", "when the device is known by name", "That device's name."),
    "answered": FieldDoc(
        "boolean",
        "always",
        "Whether the user's side of the call was answered (by a person, not by voicemail).",
    ),
    "result": FieldDoc(
        "string",
        "always",
        "How the user's part of the call ended: one of the `result` values below.",
    ),
    "ring_seconds": FieldDoc(
        "integer",
        "always",
        "Seconds from the start of the user's part to the answer, or to the end when unanswered.",
    ),
    "talk_seconds": FieldDoc(
        "integer",
        "call events: always; queue events: call completed only",
        "Seconds talked: from the answer to the end (0 when not "
        "answered); for a queue call, the agent's talk time as Kazoo's "
        "call statistics give it.",
    ),
    "duration_seconds": FieldDoc(
        "integer", "always", "Seconds from the start of the user's part to its end."
    ),
    "hangup_cause": FieldDoc(
        "string",
        "when Kazoo gave one",
        "Kazoo's hangup cause of the user's leg, e.g. `NORMAL_CLEARING`, `USER_BUSY`.",
    ),
    "park_slot": FieldDoc("string", "always", "The parking slot, as a string."),
    "queue_id": FieldDoc(
        "string",
        "queue events: always; agent events: not yet (Kazoo's agent status names no queue)",
        "The call-centre queue's id.",
    ),
    "queue_name": FieldDoc(
        "string", "when queue_id is set and the queue is known", "The queue's name."
    ),
    "agent_id": FieldDoc(
        "string",
        "queue events: once an agent took the call; agent events: always",
        "The agent (a Kazoo user id).",
    ),
    "agent_name": FieldDoc("string", "when the agent is known", "The agent's name."),
    "wait_seconds": FieldDoc(
        "integer",
        "once Kazoo's statistics have it (answered, abandoned, completed)",
        "Seconds the caller waited in the queue.",
    ),
    "abandon_reason": FieldDoc(
        "string",
        "when Kazoo gives one (its listing has no such column in 4.3)",
        "Why the caller left the queue.",
    ),
    "agent_status": FieldDoc(
        "string",
        "always",
        "The agent's new status: `logged_in`, "
        "`logged_out`, `ready`, `connecting`, `connected`, `wrapup`, "
        "`paused`, `outbound`.",
    ),
    "summary": FieldDoc(
        "string",
        "always",
        "One human sentence that says what happened, in the subscriber's language (their "
        "Kazoo user's, else their account's; English, German, French, Dutch, Spanish, Italian).",
    ),
    "kazoo": FieldDoc(
        "object",
        "always",
        "Kazoo's raw ids, for power users (below). The only "
        "nested value: Zapier shows its keys as `kazoo__call_id` and so on.",
    ),
}

KAZOO_FIELD_DOCS: dict[str, str] = {
    "call_id": "the Call-ID of the leg this event was made from (`call_id` above is the call's)",
    "other_leg_call_id": "Kazoo's Other-Leg-Call-ID of that leg",
    "bridge_id": "Kazoo's Bridge-ID (custom channel variable)",
    "interaction_id": "Kazoo's Call-Interaction-ID (custom channel variable)",
    "owner_id": "the Owner-ID of the leg: the user whose device it is",
    "authorizing_id": "the Authorizing-ID of the leg: a device, a mobile, a resource",
    "authorizing_type": "what authorizing_id is: `device`, `mobile`, `resource`, …",
    "event_name": "the Kazoo event that made this event (CHANNEL_ANSWER, PARK_PARKED, …), "
    "`RECONCILE` or `EXPIRED` when it was learnt otherwise, or the queue call's or agent's status",
}
