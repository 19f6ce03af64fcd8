"""Recover (issue 15, item 7): a fixed Zap gets the events of a time window again, each as a new
delivery with the same webhook-id, visible with its attempts; staff from the admin, a user for
their own hooks through the API."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Event
from hooks.delivery import process_due_deliveries
from hooks.fanout import create_deliveries
from hooks.models import Delivery, Hook

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hook_settings")]


def broken_then_fixed(receiver, make_hook, make_event, kazoo_user, count=3):
    """A Zap that answered 400 (failed for good) for `count` events, then was fixed."""
    hook = make_hook(kazoo_user, receiver.url("/zap"))
    receiver.script("/zap", *["400"] * count)
    events = [make_event(kazoo_user) for _ in range(count)]
    create_deliveries(events)
    process_due_deliveries()
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.FAILED}
    receiver.script("/zap", "200")
    return hook, events


def test_a_user_recovers_their_own_hook_through_the_api(
    receiver, make_hook, make_event, kazoo_user, api_client
):
    hook, events = broken_then_fixed(receiver, make_hook, make_event, kazoo_user)
    since = (timezone.now() - timedelta(hours=1)).isoformat()
    answer = api_client(kazoo_user, ["events"]).post(
        f"/api/v1/hooks/{hook.id}/recover", {"since": since}, format="json"
    )
    assert answer.status_code == 202, answer.content
    assert answer.json() == {"deliveries": 3}
    assert process_due_deliveries() == 3

    resent = Delivery.objects.filter(hook=hook, resend_of__isnull=False).order_by("id")
    assert [d.status for d in resent] == [Delivery.Status.DELIVERED] * 3
    assert [d.event_id for d in resent] == [e.id for e in events]  # in the order they happened
    assert all(d.resend_of.status == Delivery.Status.FAILED for d in resent)
    got = receiver.requests("/zap")[-3:]
    assert [r.headers["webhook-id"] for r in got] == [e.id for e in events]  # the same ids
    assert all(d.attempt_log.count() == 1 for d in resent)  # visible with its attempts


def test_another_users_hook_cannot_be_recovered(
    receiver, make_hook, make_event, kazoo_user, kazoo_colleague, api_client
):
    hook, _ = broken_then_fixed(receiver, make_hook, make_event, kazoo_user, count=1)
    since = (timezone.now() - timedelta(hours=1)).isoformat()
    answer = api_client(kazoo_colleague, ["events"]).post(
        f"/api/v1/hooks/{hook.id}/recover", {"since": since}, format="json"
    )
    assert answer.status_code == 404


def test_a_window_too_long_or_a_hook_that_cannot_send_is_refused_clearly(
    receiver, make_hook, make_event, kazoo_user, api_client
):
    hook, _ = broken_then_fixed(receiver, make_hook, make_event, kazoo_user, count=1)
    client = api_client(kazoo_user, ["events"])
    long_ago = (timezone.now() - timedelta(days=30)).isoformat()
    answer = client.post(f"/api/v1/hooks/{hook.id}/recover", {"since": long_ago}, format="json")
    assert answer.status_code == 400 and "7 days" in answer.content.decode()
    Hook.objects.filter(id=hook.id).update(status=Hook.Status.GONE)  # it answered 410
    since = (timezone.now() - timedelta(hours=1)).isoformat()
    answer = client.post(f"/api/v1/hooks/{hook.id}/recover", {"since": since}, format="json")
    assert answer.status_code == 400 and "sends nothing" in answer.content.decode()


def test_staff_recover_the_last_day_from_the_admin(
    client, staff_user, receiver, make_hook, make_event, kazoo_user
):
    hook, events = broken_then_fixed(receiver, make_hook, make_event, kazoo_user, count=2)
    Event.objects.filter(id=events[0].id).update(occurred_at=timezone.now() - timedelta(days=2))
    client.force_login(staff_user)
    page = client.post(
        "/admin/hooks/hook/",
        {"action": "recover_last_day", "_selected_action": [str(hook.id)]},
        follow=True,
    )
    assert "1 event(s) will be sent again." in page.content.decode()
    assert process_due_deliveries() == 1
    (resent,) = Delivery.objects.filter(resend_of__isnull=False)
    assert resent.event_id == events[1].id and resent.status == Delivery.Status.DELIVERED
