"""What changes hooks and deliveries: subscribe, unsubscribe, pause, resume, retry, resend.

The API, the admin and the commands call these; the errors carry messages a Zapier user or a
member of staff can act on.
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from rest_framework.exceptions import PermissionDenied, ValidationError

from events.models import Event
from hooks.fanout import hook_wants
from hooks.filters import FilterError, clean_filters
from hooks.models import Delivery, Hook
from hooks.rendering import bodies_for, rendering_key
from hooks.selectors import event_type, kazoo_profile, payload_keys, refusal
from hooks.tasks import request_delivery
from hooks.transport import TargetNotAllowed, check_target_url


def subscribe(
    *,
    user: Any,
    target_url: str,
    event: str,
    scope: str = Hook.Scope.USER,
    filters: Any = None,
    oauth_client_id: str = "",
) -> Hook:
    kind = event_type(event)
    if kind is None:
        raise ValidationError(
            {
                "event": [
                    _("'%(event)s' is not an event type; see GET /api/v1/event-types.")
                    % {"event": event}
                ]
            },
            code="unknown_event",
        )
    if scope not in Hook.Scope.values:
        raise ValidationError(
            {"scope": [_("The scope '%(scope)s' is not 'user' or 'account'.") % {"scope": scope}]},
            code="bad_scope",
        )
    if refused := refusal(user, scope=scope, kind=kind):
        raise PermissionDenied(refused.message, code=refused.code)
    profile = kazoo_profile(user)
    try:
        cleaned = clean_filters(filters, event_type=str(kind), payload_keys=payload_keys(event))
    except FilterError as exc:
        raise ValidationError({"filters": {exc.field: [exc.message]}}, code="bad_filter") from None
    if scope == Hook.Scope.USER and cleaned.get("user_id") not in (None, profile.kazoo_id):
        raise ValidationError(
            {
                "filters": {
                    "user_id": [
                        "With scope 'user' you receive only your own events; an administrator "
                        "can follow another user with scope 'account'."
                    ]
                }
            },
            code="bad_filter",
        )
    try:
        check_target_url(target_url)
    except TargetNotAllowed as exc:
        raise ValidationError({"target_url": [str(exc)]}, code="target_not_allowed") from None
    return Hook.objects.create(
        owner=user,
        account_id=profile.account.kazoo_id,
        kazoo_user_id=profile.kazoo_id,
        event=str(kind),
        scope=scope,
        filters=cleaned,
        target_url=target_url,
        oauth_client_id=oauth_client_id,  # its hooks stop when the user's grant to it goes
    )


@transaction.atomic
def unsubscribe(hook: Hook) -> None:
    """Zapier turned the Zap off: stop, and drop what was still waiting. The row stays for staff."""
    hook.stop(
        Hook.Status.UNSUBSCRIBED, "Unsubscribed through the API.", "The hook was unsubscribed."
    )


def pause(hooks: Iterable[Hook]) -> int:
    """Staff hold a hook: its deliveries wait, nothing is dropped."""
    count = 0
    for hook in hooks:
        if hook.status == Hook.Status.ACTIVE:
            hook.set_status(Hook.Status.PAUSED, gettext_noop("Paused by staff."))
            count += 1
    return count


def resume(hooks: Iterable[Hook]) -> int:
    """Back to active (from paused or disabled): what waited is sent, the failure clock restarts."""
    count = 0
    for hook in hooks:
        if hook.status in (Hook.Status.PAUSED, Hook.Status.DISABLED):
            hook.reactivate()
            count += 1
    if count:
        transaction.on_commit(request_delivery)
    return count


def retry_deliveries(deliveries: QuerySet[Delivery]) -> int:
    """Staff retry: failed, cancelled or waiting deliveries are due now. Delivered ones are not
    sent again (Zapier would run the Zap twice): resend the event for that."""
    sendable = [status for status in Hook.Status.values if Hook(status=status).can_send]
    count = (
        deliveries.exclude(status=Delivery.Status.DELIVERED)
        .filter(hook__status__in=sendable)  # a gone, unsubscribed or revoked hook never sends
        .update(
            status=Delivery.Status.PENDING, next_attempt_at=timezone.now(), first_attempt_at=None
        )
    )
    if count:
        transaction.on_commit(request_delivery)
    return count


@transaction.atomic
def resend_events(events: Iterable[Event]) -> int:
    """Staff resend: each event goes again to every active hook that wants it now, delivered
    before or not (a deliberate second delivery); returns the number of deliveries due.

    Each resend is a new delivery with the same webhook-id and body, pointing at the delivery it
    repeats (as a recovery's are); a hook that never had the event gets its first delivery.
    """
    now = timezone.now()
    wanted = []
    for event in events:
        hooks = Hook.objects.filter(
            status=Hook.Status.ACTIVE, account_id=event.account_id, event=event.type
        ).select_related("owner__kazoo__account")
        wanted += [(event, hook, rendering_key(hook)) for hook in hooks if hook_wants(hook, event)]
    if not wanted:
        return 0
    originals = {
        (event_id, hook_id): delivery_id
        for event_id, hook_id, delivery_id in Delivery.objects.filter(
            resend_of__isnull=True, event__in=[event for event, _, _ in wanted]
        ).values_list("event_id", "hook_id", "id")
    }
    bodies = bodies_for((event, key) for event, _, key in wanted)
    Delivery.objects.bulk_create(
        Delivery(
            event=event,
            hook=hook,
            payload=bodies[event.id, key],
            resend_of_id=originals.get((event.id, hook.id)),
            created_at=now,
            next_attempt_at=now,
        )
        for event, hook, key in wanted
    )
    transaction.on_commit(request_delivery)
    return len(wanted)
