"""Example payloads: every key of a type, with values nobody could take for a real call.

Zapier's editor shows one when a user has no event yet (the events list), the console shows them
to staff; both must have exactly the keys a live event of the type has.
"""

from typing import Any

from django.utils.translation import gettext as _

from events.catalogue import KAZOO_KEYS, EventType


def example_payload(kind: EventType) -> dict[str, Any]:
    """Every key of the type, with values nobody could take for a real call."""
    payload = kind.empty_payload()
    for key in payload:
        payload[key] = _dummy(key, kind)
    return payload


def example_summary(kind: EventType) -> str:
    """In the active language; the event type's title stays as Zapier shows it."""
    return _("Example: %(title)s (a sample, not a real call)") % {"title": kind.title}


def _dummy(key: str, kind: EventType) -> Any:
    fixed: dict[str, Any] = {
        "id": f"example-{kind.value}-0001",
        "type": kind.value,
        "occurred_at": "2024-01-01T12:00:00Z",
        "direction": "inbound",
        "answered": True,
        "result": "answered",
        "hangup_cause": "NORMAL_CLEARING",
        "park_slot": "1",
        "agent_status": "ready",
        "abandon_reason": "caller_hangup",
        "summary": example_summary(kind),
        "kazoo": {k: f"example-{k.replace('_', '-')}" for k in KAZOO_KEYS},
    }
    if key in fixed:
        return fixed[key]
    if key.endswith("_number"):
        return "+15555550100"
    if key.endswith("_seconds"):
        return 42
    if key.endswith("_email"):
        return "jane.example@example.com"
    if key.endswith("_extension"):
        return "1001"
    if key.endswith("_name"):
        return "Example " + key.removesuffix("_name").replace("_", " ").title()
    if key.endswith("_id"):
        return f"example{key.removesuffix('_id').replace('_', '')}id0000000000000"[:32]
    return f"example {key}"
