"""The task layer: one drainer at a time is announced, and a drain sends everything due."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from hooks import tasks
from hooks.fanout import create_deliveries
from hooks.models import Delivery, Drainer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hook_settings")]


@pytest.fixture
def enqueued(monkeypatch):
    """The broker seam: what request_delivery hands to django-q2."""
    calls: list[str] = []
    monkeypatch.setattr("django_q.tasks.async_task", lambda func, **kw: calls.append(func))
    cache.delete(tasks.DELIVER_NOW_KEY)
    yield calls
    cache.delete(tasks.DELIVER_NOW_KEY)


def test_deliver_now_is_enqueued_once_per_window_and_not_while_a_drainer_runs(enqueued):
    tasks.request_delivery()
    tasks.request_delivery()  # coalesced
    assert enqueued == ["hooks.tasks.deliver_now"]

    cache.delete(tasks.DELIVER_NOW_KEY)
    Drainer.objects.create(id=tasks.DRAINER_ID, alive_until=timezone.now() + timedelta(seconds=5))
    tasks.request_delivery()
    assert enqueued == ["hooks.tasks.deliver_now"]  # the running drainer will see the rows

    Drainer.objects.filter(id=tasks.DRAINER_ID).update(alive_until=timezone.now())
    tasks.request_delivery()
    assert enqueued == ["hooks.tasks.deliver_now"] * 2


def test_a_drain_sends_everything_due_and_then_says_it_stopped(
    receiver, make_hook, make_event, kazoo_user, kazoo_colleague
):
    make_hook(kazoo_user, receiver.url("/ok"))
    make_hook(kazoo_colleague, receiver.url("/ok"))
    events = [make_event(kazoo_user) for _ in range(5)] + [make_event(kazoo_colleague)]
    create_deliveries(events)

    assert tasks.deliver_now() == 6
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.DELIVERED}
    assert sorted(r.json()["id"] for r in receiver.requests()) == sorted(e.id for e in events)
    assert not tasks.drainer_alive()


def test_the_prune_command_deletes_old_finished_deliveries(
    receiver, make_hook, make_event, kazoo_user, settings
):
    from django.core.management import call_command

    settings.HOOKS_RETENTION_DAYS = 1
    make_hook(kazoo_user, receiver.url("/ok"))
    create_deliveries([make_event(kazoo_user)])
    tasks.deliver_now()
    Delivery.objects.update(created_at=timezone.now() - timedelta(days=2))
    call_command("prune_deliveries")
    assert not Delivery.objects.exists()
