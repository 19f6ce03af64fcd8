"""An event's delivery body: rendered once per event (and rendering), stored, sent as stored.

`rendering_key(hook)` says how a hook's owner reads events ("" today: everyone reads the stored
payload; languages and time zones will add keys). Hooks with the same key share one
DeliveryPayload row, so a call fanned out to a hundred hooks is encoded once, and every attempt,
retry and resend sends exactly the characters that were signed the first time.
"""

import json
from collections.abc import Iterable
from typing import Any

from events.catalogue import EventType
from events.models import Event
from hooks.models import DeliveryPayload, Hook


def rendering_key(hook: Hook) -> str:
    return ""


def ordered(event: Event) -> dict[str, Any]:
    """The payload in the catalogue's documented key order (PostgreSQL's jsonb keeps none);
    keys the catalogue does not know follow, in the order they came."""
    payload = event.payload or {}
    try:
        keys = EventType(event.type).payload_keys
    except ValueError:
        return dict(payload)
    first = {key: payload[key] for key in keys if key in payload}
    return first | {key: value for key, value in payload.items() if key not in first}


def encode(event: Event, key: str = "") -> str:
    """The exact text sent and signed for this event and rendering."""
    return json.dumps(ordered(event), separators=(",", ":"), ensure_ascii=False)


def new_bodies(pairs: Iterable[tuple[Event, str]]) -> dict[tuple[str, str], DeliveryPayload]:
    """The bodies of events that have none yet (the fan-out of just-stored events): one INSERT,
    no read."""
    wanted = {(event.id, key): event for event, key in pairs}
    rows = [
        DeliveryPayload(event=event, rendering=key, body=encode(event, key))
        for (_, key), event in wanted.items()
    ]
    DeliveryPayload.objects.bulk_create(rows)  # the ids come back (RETURNING)
    return {(row.event_id, row.rendering): row for row in rows}


def bodies_for(pairs: Iterable[tuple[Event, str]]) -> dict[tuple[str, str], DeliveryPayload]:
    """The stored body of each (event, rendering key), made for those that have none yet.

    Two writers making the same body (a resend beside the fan-out) both succeed: the second
    insert is ignored and both read the one row.
    """
    wanted = {(event.id, key): event for event, key in pairs}
    if not wanted:
        return {}
    found = _stored(wanted)
    missing = [
        DeliveryPayload(event=event, rendering=key, body=encode(event, key))
        for (event_id, key), event in wanted.items()
        if (event_id, key) not in found
    ]
    if missing:
        DeliveryPayload.objects.bulk_create(missing, ignore_conflicts=True)
        found = _stored(wanted)
    return found


def _stored(wanted: dict[tuple[str, str], Event]) -> dict[tuple[str, str], DeliveryPayload]:
    rows = DeliveryPayload.objects.filter(event_id__in={event_id for event_id, _ in wanted})
    return {
        (row.event_id, row.rendering): row
        for row in rows
        if (row.event_id, row.rendering) in wanted
    }
