"""What the console changes: a test event sent to one of a user's own subscriptions."""

import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from events.catalogue import EventType
from events.examples import example_payload
from events.models import Event
from hooks.models import Delivery, Hook
from hooks.selectors import hooks_of, kazoo_profile
from hooks.tasks import request_delivery

TEST_ID_PREFIX = "test-"


class NotYourHook(Exception):
    """The hook is not one of the user's active subscriptions."""


def send_test_event(*, user: Any, hook_id: int) -> Event:
    """Store a sample event of the hook's type, about this user, and deliver it to that hook only.

    It goes through the outbox like every event (stored, then sent by the workers, with its
    attempts visible to staff), so the test shows what a real event would meet. The values are
    the catalogue's dummy example, with the user's own ids; its id starts with `test-`.
    """
    profile = kazoo_profile(user)
    hook = (
        hooks_of(user).filter(id=hook_id, status=Hook.Status.ACTIVE).first()
        if profile is not None and profile.is_active
        else None
    )
    if hook is None:
        raise NotYourHook(hook_id)
    kind = EventType(hook.event)
    now = timezone.now().replace(microsecond=0)
    payload = example_payload(kind)
    payload.update(
        id=f"{TEST_ID_PREFIX}{uuid.uuid4().hex}",
        occurred_at=now.isoformat().replace("+00:00", "Z"),
        account_id=profile.account.kazoo_id,
        account_name=profile.account.name,
        summary=f"Test from {settings.BRANDING['name']}: {kind.title} (a sample, not a real call)",
    )
    if "user_id" in payload:
        payload.update(
            user_id=profile.kazoo_id,
            user_name=profile.name or profile.username,
            user_extension=profile.extension or None,
            user_email=profile.email or None,
        )
    with transaction.atomic():
        event = Event.objects.create(
            id=payload["id"],
            type=kind.value,
            account_id=profile.account.kazoo_id,
            user_id=profile.kazoo_id,
            call_id=payload.get("call_id") or "",
            occurred_at=now,
            payload=payload,
        )
        Delivery.objects.create(event=event, hook=hook)
        transaction.on_commit(request_delivery)
    return event
