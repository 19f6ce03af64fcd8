"""The body is stored once, exactly as signed and sent (issue 15): one DeliveryPayload per event
for every hook that reads it alike, in the catalogue's key order (PostgreSQL's jsonb keeps none),
and every retry and resend sends the very same characters."""

import json

import pytest
from standardwebhooks import Webhook

from events.catalogue import EventType
from events.models import Event
from hooks import services
from hooks.delivery import process_due_deliveries
from hooks.fanout import create_deliveries
from hooks.models import Delivery, DeliveryPayload, Hook

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hook_settings")]


def test_one_body_for_all_the_hooks_of_an_event_and_each_receives_exactly_it(
    receiver, make_hook, make_event, kazoo_user, kazoo_admin
):
    hooks = [make_hook(kazoo_user, receiver.url(f"/user/{n}")) for n in range(3)]
    hooks += [
        make_hook(kazoo_admin, receiver.url(f"/admin/{n}"), scope="account") for n in range(2)
    ]
    event = make_event(kazoo_user)
    create_deliveries([event])
    assert process_due_deliveries() == 5

    stored = DeliveryPayload.objects.get()  # encoded once, for the five
    assert set(Delivery.objects.values_list("payload_id", flat=True)) == {stored.id}
    for hook, request in zip(
        hooks,
        [receiver.requests(f"/user/{n}")[0] for n in range(3)]
        + [receiver.requests(f"/admin/{n}")[0] for n in range(2)],
        strict=True,
    ):
        assert request.body == stored.body.encode()
        Webhook(hook.secret).verify(request.body, request.headers)  # signed over those bytes


def test_the_body_keeps_the_documented_key_order_whatever_the_database_returns(
    receiver, make_hook, make_event, kazoo_user
):
    make_hook(kazoo_user, receiver.url("/zap"))
    # A payload whose keys come in no particular order, as jsonb gives them back.
    event = make_event(kazoo_user)
    shuffled = dict(sorted(event.payload.items(), reverse=True))
    Event.objects.filter(id=event.id).update(payload=shuffled)
    create_deliveries([Event.objects.get(id=event.id)])
    process_due_deliveries()

    sent = list(json.loads(receiver.requests("/zap")[0].body))
    documented = [key for key in EventType.CALL_RINGING.delivered_keys]
    assert sent[: len(documented)] == documented


def test_a_retry_and_a_resend_send_the_same_characters_as_the_first_attempt(
    receiver, make_hook, make_event, kazoo_user
):
    make_hook(kazoo_user, receiver.url("/zap"))
    receiver.script("/zap", "500", "200", "200")
    event = make_event(kazoo_user)
    create_deliveries([event])
    process_due_deliveries()
    Delivery.objects.update(next_attempt_at=Delivery.objects.get().created_at)  # due again now
    Hook.objects.update(retry_at=None)  # the hook's backoff waited out
    process_due_deliveries()
    # The stored event changes under it (a migration, a hand edit): what was signed is kept.
    Event.objects.filter(id=event.id).update(payload={**event.payload, "summary": "edited"})
    assert services.resend_events(Event.objects.filter(id=event.id)) == 1
    process_due_deliveries()

    bodies = [request.body for request in receiver.requests("/zap")]
    assert len(bodies) == 3 and len(set(bodies)) == 1
    assert DeliveryPayload.objects.count() == 1
    first, resend = Delivery.objects.order_by("id")
    assert resend.resend_of_id == first.id and resend.status == Delivery.Status.DELIVERED
