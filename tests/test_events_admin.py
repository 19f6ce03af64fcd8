"""Provider staff see normalized events and the listener's health in the admin."""

import pytest
from django.utils import timezone

from events.models import ListenerState
from hooks.models import Delivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_events_are_listed_with_their_summary_and_filterable_by_type(
    staff_client, make_event, kazoo_user
):
    make_event(kazoo_user, "call.missed")
    make_event(kazoo_user, "call.ringing")
    page = staff_client.get("/admin/events/event/", {"type": "call.missed"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Missed Call (call.missed)" in body  # the filter speaks Zapier's titles
    assert body.count("test event") == 1


def test_an_event_page_shows_the_payload_as_delivered(staff_client, make_event, kazoo_user):
    event = make_event(kazoo_user, "call.ended")
    page = staff_client.get(f"/admin/events/event/{event.pk}/change/")
    assert page.status_code == 200
    assert "&quot;summary&quot;" in page.content.decode()


def test_staff_can_resend_an_event_to_its_hooks(staff_client, make_event, make_hook, kazoo_user):
    hook = make_hook(kazoo_user, "https://hooks.zapier.example/x/", event="call.ringing")
    event = make_event(kazoo_user, "call.ringing")
    response = staff_client.post(
        "/admin/events/event/",
        {"action": "resend_events_action", "_selected_action": [event.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert Delivery.objects.filter(event=event, hook=hook).count() == 1


def test_the_listeners_health_is_visible(staff_client):
    ListenerState.objects.create(
        name="default",
        health={"connected": True, "accounts": 3, "lag_seconds": 0.25, "calls_tracked": 4},
        heartbeat_at=timezone.now(),
    )
    page = staff_client.get("/admin/events/listenerstate/")
    assert page.status_code == 200
    assert "0.25" in page.content.decode()
    detail = staff_client.get("/admin/events/listenerstate/default/change/")
    assert "calls_tracked" in detail.content.decode()


def test_users_without_staff_rights_see_no_events(client, kazoo_user):
    client.force_login(kazoo_user)
    page = client.get("/admin/events/event/")
    assert page.status_code == 302
