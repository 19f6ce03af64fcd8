"""Old events go after EVENTS_RETENTION_DAYS: Zapier's samples want recent ones only.

An event that still has a pending delivery stays until that delivery is settled: pruning must
never take a delivery away from a hook that is still waiting for it.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from events.models import Event
from hooks.models import Delivery

BATCH = 2000  # rows per DELETE: short transactions, so the listener's writes never wait long


def prune_events(*, now: datetime | None = None) -> int:
    """Delete old events (and their settled deliveries); returns how many events went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.EVENTS_RETENTION_DAYS)
    old = Event.objects.filter(created_at__lt=cutoff).exclude(
        deliveries__status=Delivery.Status.PENDING
    )
    deleted = 0
    while ids := list(old.values_list("id", flat=True)[:BATCH]):
        Event.objects.filter(id__in=ids).delete()
        deleted += len(ids)
    return deleted
