"""Who wants these events: one Delivery row per event x matching hook, sent after commit.

The body each sends is rendered once per event (and rendering) and stored with it (hooks/rendering.py).
"""

from django.db import transaction
from django.utils import timezone

from events.models import Event
from hooks.candidates import candidate_hooks
from hooks.filters import matches
from hooks.models import Delivery, Hook
from hooks.rendering import new_bodies, rendering_key
from hooks.selectors import covers, event_type, refusal
from hooks.wakeup import announce_deliveries


def create_deliveries(events: list[Event]) -> list[Delivery]:
    """Called by the event store inside its transaction; returns the new Delivery rows.

    The candidate hooks of the whole batch (its accounts x its types) come from
    hooks/candidates.py, held per (account, type) between batches; the rest
    of the matching (scope, administrator, filters) is done here on the rows in hand. Sending is
    requested only once the transaction commits, so a worker never sees an uncommitted event.
    """
    if not events:
        return []
    candidates = candidate_hooks({(event.account_id, event.type) for event in events})

    now = timezone.now()
    wanted = [
        (event, hook, rendering_key(hook))
        for event in events  # in the order given: a hook's first attempts follow it
        for hook in candidates.get((event.account_id, event.type), ())
        if hook_wants(hook, event)
    ]
    if not wanted:
        return []
    bodies = new_bodies((event, key) for event, _, key in wanted)  # one per event and key
    rows = [
        Delivery(
            event=event,
            hook=hook,
            payload=bodies[event.id, key],
            created_at=now,
            next_attempt_at=now,
        )
        for event, hook, key in wanted
    ]
    Delivery.objects.bulk_create(rows)
    announce_deliveries()  # wakes a listening drainer at commit
    from hooks.tasks import request_delivery  # the task module imports the engine, not us

    transaction.on_commit(request_delivery)
    return rows


def hook_wants(hook: Hook, event: Event) -> bool:
    """Whether this active hook of the event's account and type should receive it: the tenancy
    rule of hooks.selectors, asked again now, then the hook's filters."""
    if refusal(hook.owner, scope=hook.scope, kind=event_type(event.type)) is not None:
        return False
    if not covers(hook.owner, scope=hook.scope, event_user_id=event.user_id):
        return False
    return matches(hook.filters, event.payload)


def on_events_stored(sender, events: list[Event], **kwargs) -> None:
    """events.signals.events_stored: the events app's new rows get their deliveries."""
    create_deliveries(events)
