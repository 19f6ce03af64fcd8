"""Old events go after EVENTS_RETENTION_DAYS: Zapier's samples want recent ones only.

An event that another app still needs stays: the hooks app registers that an event with a pending
delivery stays until that delivery is settled (pruning must never take a delivery away from a hook
that is still waiting for it). The events app does not know who needs its rows; they say so here.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from events.models import Event

BATCH = 2000  # rows per DELETE: short transactions, so the listener's writes never wait long

# Each takes the events old enough to go and returns those that may go (excluding what it needs).
_keepers: list[Callable[[QuerySet[Event]], QuerySet[Event]]] = []


def keep_events(keeper: Callable[[QuerySet[Event]], QuerySet[Event]]) -> None:
    """Register a rule that keeps some old events (an app calls it from its ready())."""
    if keeper not in _keepers:
        _keepers.append(keeper)


def prune_events(*, now: datetime | None = None) -> int:
    """Delete old events (and their settled deliveries); returns how many events went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.EVENTS_RETENTION_DAYS)
    old = Event.objects.filter(created_at__lt=cutoff)
    for keeper in _keepers:
        old = keeper(old)
    deleted = 0
    while ids := list(old.values_list("id", flat=True)[:BATCH]):
        Event.objects.filter(id__in=ids).delete()
        deleted += len(ids)
    return deleted
