"""The event store: normalized events become rows, and their deliveries in the same transaction.

Nothing is sent before it is stored: the store announces the new rows (events.signals) inside its
transaction, the hooks app's fan-out writes their Delivery rows there, and it schedules their
sending once the transaction has committed.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from django.db import transaction

from events.models import Event
from events.signals import events_stored


class Normalized(Protocol):
    """What the normalizer hands over (events.normalizer.NormalizedEvent)."""

    payload: dict[str, Any]
    account_id: str
    user_id: str | None


def store_events(normalized: Iterable[Normalized]) -> list[Event]:
    """Store the events not stored yet and create their deliveries; returns the new rows.

    An event id seen before (Kazoo repeating a frame, a call replayed after a restart, the same
    event twice in one batch) is skipped: each event is delivered once.
    """
    by_id: dict[str, Normalized] = {}
    for item in normalized:
        by_id.setdefault(item.payload["id"], item)
    if not by_id:
        return []
    with transaction.atomic():
        known = set(Event.objects.filter(id__in=list(by_id)).values_list("id", flat=True))
        new = [_row(item) for event_id, item in by_id.items() if event_id not in known]
        Event.objects.bulk_create(new)
        events_stored.send(sender=Event, events=new)
    return new


def _row(item: Normalized) -> Event:
    payload = item.payload
    return Event(
        id=payload["id"],
        type=str(payload["type"]),
        account_id=item.account_id,
        user_id=item.user_id or "",
        call_id=payload.get("call_id") or "",
        occurred_at=datetime.fromisoformat(payload["occurred_at"]),
        payload=payload,
        receiving=getattr(item, "receiving", None),
    )
