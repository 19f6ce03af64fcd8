"""Recover: send a hook the events of a time window again, after a broken Zap is fixed.

As Svix's "recover failed messages": each event the hook wants in the window gets a new delivery
(the same `webhook-id`, which is the event's id, so a receiver that deduplicates still can), in
the order the events happened, pointing at the delivery it repeats. Staff do it from the admin,
a user for their own hooks through the API (`POST /api/v1/hooks/{id}/recover`).
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from events.models import Event
from hooks.fanout import hook_wants
from hooks.models import Delivery, Hook
from hooks.rendering import bodies_for, rendering_key
from hooks.tasks import request_delivery

# A window longer than this is refused: events are kept EVENTS_RETENTION_DAYS, and a Zap flooded
# with weeks of calls helps nobody.
MAX_WINDOW = timedelta(days=7)
MAX_EVENTS = 5_000


def recover(hook: Hook, since: datetime, until: datetime | None = None) -> int:
    """New deliveries of the window's events to this hook; returns how many are due now."""
    until = until or timezone.now()
    if not hook.can_send:
        raise ValidationError(
            {
                "hook": [
                    _("This subscription is %(status)s: it sends nothing.")
                    % {"status": hook.get_status_display()}
                ]
            },
            code="hook_cannot_send",
        )
    if since >= until:
        raise ValidationError(
            {"since": [_("'since' must be before 'until'.")]}, code="bad_window"
        )
    if until - since > MAX_WINDOW:
        raise ValidationError(
            {
                "since": [
                    _("At most %(days)d days can be sent again at once.")
                    % {"days": MAX_WINDOW.days}
                ]
            },
            code="window_too_long",
        )
    events = Event.objects.filter(
        account_id=hook.account_id, type=hook.event, occurred_at__gte=since, occurred_at__lt=until
    ).order_by("occurred_at", "id")[:MAX_EVENTS]
    originals = dict(
        Delivery.objects.filter(hook=hook, resend_of__isnull=True, event__in=events).values_list(
            "event_id", "id"
        )
    )
    now = timezone.now()
    key = rendering_key(hook)
    wanted = [event for event in events if hook_wants(hook, event)]
    with transaction.atomic():
        bodies = bodies_for((event, key) for event in wanted)  # as first sent, to the same reader
        rows = [
            Delivery(
                event=event,
                hook=hook,
                payload=bodies[event.id, key],
                resend_of_id=originals.get(event.id),
                created_at=now,
                next_attempt_at=now,
            )
            for event in wanted
        ]
        Delivery.objects.bulk_create(rows)
        if rows:
            transaction.on_commit(request_delivery)
    return len(rows)
