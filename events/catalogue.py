"""The event catalogue: every normalized event type, its Zapier title and its payload keys.

This is the one place event types are spelled (STYLE.md 3). The payload keys are the complete,
ordered list of keys of the flat payload of each type: a sample and a live payload of the same
type have exactly these keys, absent values are null (EVENTS.md "The payload").
"""

from enum import StrEnum

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
# call.missed carries them too: its `result` tells voicemail from a plain miss (EVENTS.md rule 5).
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
        "New Incoming Call",
        "A call starts ringing any device of the user (inbound or internal).",
        False,
        _CALL,
    )
    CALL_STARTED = (
        "call.started",
        "New Outgoing Call",
        "The user places a call from one of their devices (including click-to-call).",
        False,
        _CALL,
    )
    CALL_ANSWERED = (
        "call.answered",
        "Call Answered",
        "The user's side of the call is answered: they picked up, or the far end answered "
        "their outgoing call.",
        False,
        _CALL,
    )
    CALL_ENDED = (
        "call.ended",
        "Call Ended",
        "The user's part in the call is over, answered or not.",
        False,
        _CALL_OUTCOME,
    )
    CALL_MISSED = (
        "call.missed",
        "Missed Call",
        "An inbound or internal call rang the user and nobody picked it up, the user nor a "
        "colleague (voicemail counts as missed).",
        False,
        _CALL_OUTCOME,
    )
    CALL_HELD = (
        "call.held",
        "Call Put on Hold",
        "The user's call is put on hold.",
        False,
        _CALL,
    )
    CALL_RESUMED = (
        "call.resumed",
        "Call Resumed",
        "The user's call is taken off hold.",
        False,
        _CALL,
    )
    CALL_PARKED = (
        "call.parked",
        "Call Parked",
        "A call is parked in a slot.",
        True,
        _PARK,
    )
    CALL_RETRIEVED = (
        "call.retrieved",
        "Parked Call Retrieved",
        "A parked call is picked up.",
        True,
        _PARK,
    )
    CALL_PARK_ABANDONED = (
        "call.park_abandoned",
        "Parked Call Abandoned",
        "The parked caller hangs up, or the park times out.",
        True,
        _PARK,
    )
    QUEUE_CALL_WAITING = (
        "queue.call_waiting",
        "Call Waiting in Queue",
        "A caller enters a call-centre queue.",
        False,
        _QUEUE,
    )
    QUEUE_CALL_ANSWERED = (
        "queue.call_answered",
        "Queue Call Answered",
        "An agent takes the queued call.",
        False,
        _QUEUE,
    )
    QUEUE_CALL_ABANDONED = (
        "queue.call_abandoned",
        "Queue Call Abandoned",
        "The caller leaves the queue unanswered.",
        False,
        _QUEUE,
    )
    QUEUE_CALL_COMPLETED = (
        "queue.call_completed",
        "Queue Call Completed",
        "The agent's queued call is over.",
        False,
        _QUEUE,
    )
    AGENT_STATUS_CHANGED = (
        "agent.status_changed",
        "Agent Status Changed",
        "An agent logs in, out, pauses, becomes ready.",
        False,
        _AGENT,
    )

    def empty_payload(self) -> dict:
        """Every key of this type, all null: the shape both samples and live events share."""
        return dict.fromkeys(self.payload_keys)
