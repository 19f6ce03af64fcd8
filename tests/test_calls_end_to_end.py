"""Click-to-call end to end: POST /api/v1/calls -> Kazoo's quickcall (the simulator) -> Blackhole
traffic -> the listener -> stored events carrying the call_id the API returned."""

import pytest
from django.core.cache import cache

from events.listener import ACCOUNT_BINDINGS, Listener
from events.models import Event
from kazoo_zapier.kazoo.crossbar import CrossbarClient
from kazoo_zapier.kazoo.simulator.scenarios.quickcall import TEST_NUMBER_OUTCOMES
from kazoo_zapier.kazoo.simulator.world import kazoo_id
from tests.fixtures.hooks import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/calls"
HOOK_URL = "https://hooks.zapier.example/hooks/standard/1/abc/"
NUMBER_OF = {outcome: number for number, outcome in TEST_NUMBER_OUTCOMES.items()}


@pytest.fixture(autouse=True)
def fresh_call_quota():
    keys = [f"throttle_calls_{kazoo_id(f'user:{name}')}" for name in ("alice", "bob", "carol")]
    cache.delete_many(keys)
    yield
    cache.delete_many(keys)


@pytest.fixture
def listening(kazoo_sim, make_hook, kazoo_user):
    """A listener subscribed to Demo Company (bob has a hook), stopped after the test."""
    make_hook(kazoo_user, HOOK_URL, event="call.ended")
    listener = Listener(
        crossbar=CrossbarClient(kazoo_sim.api_url, kazoo_sim.world.api_key),
        ws_url=kazoo_sim.ws_url,
        control_interval=0.1,
        snapshot_interval=0.2,
    )
    listener.start()

    def subscribed() -> bool:
        listener.step()
        states = listener.blackhole.snapshot().subscriptions.values()
        return len(states) == len(ACCOUNT_BINDINGS) and set(states) == {"active"}

    try:
        wait_until(subscribed, timeout=15, what="Blackhole subscriptions")
        yield listener
    finally:
        listener.shutdown()


def place(api_client, user, **body) -> str:
    response = api_client(user, ["calls"]).post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["call_id"]


def events_of(call_id: str) -> list[tuple[str, str]]:
    wait_until(
        lambda: Event.objects.filter(call_id=call_id, type="call.ended").exists(),
        what=f"call.ended of {call_id}",
    )
    return list(
        Event.objects.filter(call_id=call_id).order_by("occurred_at").values_list("type", "user_id")
    )


def test_a_call_from_one_device_is_started_answered_ended_under_the_returned_call_id(
    listening, api_client, kazoo_user
):
    bob = kazoo_user.kazoo.kazoo_id
    call_id = place(api_client, kazoo_user, to="+4930123456", device_id=kazoo_id("device:bob-desk"))

    assert events_of(call_id) == [
        ("call.started", bob),
        ("call.answered", bob),
        ("call.ended", bob),
    ]
    started = Event.objects.get(call_id=call_id, type="call.started").payload
    assert started["call_id"] == call_id
    assert started["direction"] == "outbound"
    assert started["to_number"] == "+4930123456"
    assert started["device_id"] == kazoo_id("device:bob-desk")
    ended = Event.objects.get(call_id=call_id, type="call.ended").payload
    assert (ended["result"], ended["answered"]) == ("answered", True)


def test_a_call_ringing_all_the_users_phones_is_one_call_under_the_returned_call_id(
    listening, api_client, kazoo_user
):
    bob = kazoo_user.kazoo.kazoo_id
    call_id = place(api_client, kazoo_user, to="030 1234567")

    assert events_of(call_id) == [
        ("call.started", bob),
        ("call.answered", bob),
        ("call.ended", bob),
    ]
    # Both of bob's phones rang: still one call, no event under the other leg's id.
    assert set(Event.objects.values_list("call_id", flat=True)) == {call_id}


@pytest.mark.parametrize(
    ("outcome", "result"), [("busy", "busy"), ("no_answer", "no_answer"), ("unreachable", "failed")]
)
def test_a_destination_that_does_not_answer_ends_the_call_with_why(
    listening, api_client, kazoo_user, outcome, result
):
    bob = kazoo_user.kazoo.kazoo_id
    call_id = place(api_client, kazoo_user, to=NUMBER_OF[outcome])

    assert events_of(call_id) == [("call.started", bob), ("call.ended", bob)]
    ended = Event.objects.get(call_id=call_id, type="call.ended").payload
    assert ended["result"] == result
    assert ended["to_number"] == NUMBER_OF[outcome]
