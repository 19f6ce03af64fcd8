"""Old events are pruned; one still waiting for a delivery is kept."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from events.models import Event
from events.retention import prune_events
from hooks.fanout import create_deliveries
from hooks.models import Delivery

pytestmark = pytest.mark.django_db


def age(event: Event, days: int) -> None:
    Event.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_events_older_than_the_retention_go_with_their_settled_deliveries(
    settings, make_event, make_hook, kazoo_user
):
    settings.EVENTS_RETENTION_DAYS = 30
    make_hook(kazoo_user, "https://hooks.zapier.example/1/", event="call.ended")
    old, recent = make_event(kazoo_user, "call.ended"), make_event(kazoo_user, "call.ended")
    create_deliveries([old, recent])
    Delivery.objects.update(status=Delivery.Status.DELIVERED)
    age(old, 31)
    age(recent, 29)
    assert prune_events() == 1
    assert list(Event.objects.values_list("pk", flat=True)) == [recent.pk]
    assert Delivery.objects.filter(event_id=old.pk).count() == 0


def test_an_old_event_with_a_pending_delivery_stays(settings, make_event, make_hook, kazoo_user):
    make_hook(kazoo_user, "https://hooks.zapier.example/1/", event="call.ended")
    waiting = make_event(kazoo_user, "call.ended")
    create_deliveries([waiting])
    age(waiting, 365)
    assert prune_events() == 0
    assert Event.objects.filter(pk=waiting.pk).exists()


def test_pruning_runs_daily_and_from_manage_py(make_event, kazoo_user, capsys):
    assert Schedule.objects.filter(func="events.retention.prune_events").exists()
    age(make_event(kazoo_user, "call.missed"), 400)
    call_command("prune_events")
    assert "Deleted 1 events." in capsys.readouterr().out
