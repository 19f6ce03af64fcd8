"""What follows an action in the event stream: logging an agent out through the API gives the
agent.status_changed event the listener's ACDC poll makes of Kazoo's state, and a forwarded call
rings the mobile instead of the desk phone in the simulated calls."""

import pytest

from events.models import Event
from kazoo_zapier.kazoo.simulator.world import kazoo_id
from tests.fixtures.hooks import wait_until
from tests.test_listener import crossbar, make_listener, settle  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db(transaction=True)

HOOK_URL = "https://hooks.zapier.example/hooks/standard/1/abc/"


def test_logging_an_agent_out_gives_its_agent_status_changed_event(
    kazoo_sim, make_listener, api_client, kazoo_user, make_hook  # noqa: F811 - the fixture imported above
):
    make_hook(kazoo_user, HOOK_URL, event="agent.status_changed")
    listener = make_listener(acdc_interval=0.05)
    settle(listener, accounts=1)
    listener.step()  # the baseline poll
    assert kazoo_sim.world.demo.id in listener.acdc_state

    response = api_client(kazoo_user, ["callcentre"]).post(
        "/api/v1/agents/me/status", {"action": "logout"}, format="json"
    )
    assert response.status_code == 200, response.json()

    def polled() -> bool:
        listener.step()
        return Event.objects.filter(type="agent.status_changed").exists()

    wait_until(polled, what="agent.status_changed")
    event = Event.objects.get(type="agent.status_changed")
    assert event.user_id == kazoo_user.kazoo.kazoo_id
    assert event.payload["agent_status"] == "logged_out"
    assert event.payload["summary"] == "Bob Berger is now logged out"


def test_a_forwarded_call_rings_the_mobile_not_the_desk_phone(kazoo_sim, api_client, kazoo_user):
    bob = kazoo_user.kazoo.kazoo_id

    response = api_client(kazoo_user, ["settings"]).put(
        "/api/v1/users/me/call-forwarding",
        {"enabled": True, "number": "+49 151 23456789", "keep_caller_id": True},
        format="json",
    )
    assert response.status_code == 200, response.json()

    result = kazoo_sim.play("inbound_to_user", wait=True, user_id=bob, from_number="+14155550100")
    assert result["forwarded_to"] == "+4915123456789"
    assert result["legs"]["b"] == {}  # no desk phone rang
    desk = kazoo_id("device:bob-desk")
    cdrs = kazoo_sim.state.cdrs[kazoo_sim.world.demo.id]
    legs = {row["call_id"]: row for row in cdrs if row["call_id"] in str(result["legs"])}
    mobile = legs[result["legs"]["forward"]]
    assert mobile["callee_id_number"] == "+4915123456789"
    assert mobile["caller_id_number"] == "+14155550100"  # keep_caller_id
    assert all(desk not in str(row) for row in legs.values())

    # Off again: the next call rings Bob's phones.
    api_client(kazoo_user, ["settings"]).put(
        "/api/v1/users/me/call-forwarding", {"enabled": False}, format="json"
    )
    result = kazoo_sim.play("inbound_to_user", wait=True, user_id=bob)
    assert result["forwarded_to"] is None
    assert set(result["legs"]["b"]) == {desk, kazoo_id("device:bob-soft")}
