"""An event's delivery body: rendered once per event and reader, stored, sent as stored.

`rendering_key(hook)` says how a hook's owner reads events: their language, time zone and
country (events/localize.py). Hooks whose owners read alike share one DeliveryPayload row, so a
call fanned out to a hundred German hooks is encoded once, and every attempt, retry and resend
sends exactly the characters that were signed the first time. The key "" is the stored payload
as it is (bodies made before readers had keys).
"""

import json
from collections.abc import Iterable
from typing import Any

from django.conf import settings

from accounts.preferences import language_region, supported_language
from accounts.services import kazoo_profile
from events.catalogue import EventType
from events.localize import Reader, localized, zone_country
from events.models import Event
from hooks.models import DeliveryPayload, Hook


def reader_of(user: Any) -> Reader:
    """How this user reads events: their Kazoo language (else the account's, else ours), their
    zone as Kazoo resolves it, and for numbers the country of that zone, else of their language."""
    profile = kazoo_profile(user)
    tag = profile.kazoo_language if profile else ""
    zone = profile.zone_name if profile else settings.TIME_ZONE
    return Reader(
        language=supported_language(tag) or settings.LANGUAGE_CODE,
        zone=zone,
        region=zone_country(zone) or language_region(tag) or settings.DEFAULT_PHONE_REGION,
    )


def rendering_key(hook: Hook) -> str:
    return reader_of(hook.owner).key


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


def for_reader(event: Event, reader: Reader | None) -> dict[str, Any]:
    """The payload as this reader receives it (None: as stored)."""
    if reader is None:
        return ordered(event)
    return localized(event.payload or {}, reader, receiving=event.receiving)


def encode(event: Event, key: str = "") -> str:
    """The exact text sent and signed for this event and rendering key."""
    reader = Reader(*key.split("|")) if key else None
    return json.dumps(for_reader(event, reader), separators=(",", ":"), ensure_ascii=False)


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
