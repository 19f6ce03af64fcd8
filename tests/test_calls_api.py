"""POST /api/v1/calls against the simulator: validation, tenancy, Kazoo's failures in the user's
words, the scope, the rate limit, and the request log row behind every answer."""

import socket

import pytest
from django.core.cache import cache

from calls.models import CallRequest
from kazoo_zapier import display
from kazoo_zapier.kazoo.crossbar import get_crossbar
from kazoo_zapier.kazoo.simulator.scenarios.quickcall import ORIGINATE_FAILS_NUMBER
from kazoo_zapier.kazoo.simulator.world import kazoo_id

pytestmark = pytest.mark.django_db

URL = "/api/v1/calls"
WORLD_USERS = ("alice", "bob", "carol", "dave")


@pytest.fixture(autouse=True)
def fresh_call_quota():
    """The rate limit lives in the shared cache (Redis on the server profile): start from zero."""
    keys = [f"throttle_calls_{kazoo_id(f'user:{name}')}" for name in WORLD_USERS]
    cache.delete_many(keys)
    yield
    cache.delete_many(keys)


def device(name: str) -> str:
    return kazoo_id(f"device:{name}")


def only_row() -> CallRequest:
    rows = list(CallRequest.objects.all())
    assert len(rows) == 1, rows
    return rows[0]


# --- success ------------------------------------------------------------------------------------
def test_a_call_rings_all_the_users_phones_and_returns_the_first_legs_call_id(
    kazoo_sim, api_client, kazoo_user
):
    response = api_client(kazoo_user, ["calls"]).post(URL, {"to": "030 123 4567"}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "placed"
    assert body["to"] == "+49301234567"  # national number in DEFAULT_PHONE_REGION (DE)
    assert body["is_extension"] is False
    assert body["device_id"] is None
    row = only_row()
    assert body["id"] == row.id
    assert body["call_id"] == row.call_id
    # Bob has a desk phone and a softphone: two legs, the call named after the first.
    assert len(row.leg_call_ids) == 2
    assert row.call_id == row.leg_call_ids[0]
    assert row.call_id.endswith("-quickcall")
    assert row.kazoo_response["custom_channel_vars"]["authorizing_type"] == "user"
    assert (row.status, row.http_status, row.kazoo_user_id) == (
        "placed",
        201,
        kazoo_user.kazoo.kazoo_id,
    )


def test_a_call_from_one_device_rings_that_device(kazoo_sim, api_client, kazoo_user):
    response = api_client(kazoo_user).post(
        URL,
        {"to": "+1 415 555 0123", "device_id": device("bob-soft"), "auto_answer": False},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["device_id"] == device("bob-soft")
    row = only_row()
    assert row.device_name == "Bob Softphone"
    assert row.auto_answer is False
    endpoints = row.kazoo_response["endpoints"]
    assert [e["endpoint_id"] for e in endpoints] == [device("bob-soft")]
    assert response.json()["call_id"] == endpoints[0]["outbound_call_id"]


def test_an_internal_extension_is_dialled_as_it_is(kazoo_sim, api_client, kazoo_user):
    response = api_client(kazoo_user).post(URL, {"to": "203"}, format="json")

    assert response.status_code == 201, response.json()
    assert (response.json()["to"], response.json()["is_extension"]) == ("203", True)
    assert only_row().kazoo_response["application_data"] == {"route": "203"}


def test_caller_id_reaches_kazoo(kazoo_sim, api_client, kazoo_user):
    response = api_client(kazoo_user).post(
        URL,
        {"to": "+4930123456", "caller_id_name": "Zap: new lead", "caller_id_number": "+4930999"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    answer = only_row().kazoo_response
    assert answer["outbound_callee_id_name"] == "Zap: new lead"
    assert answer["outbound_callee_id_number"] == "+4930999"


# --- the number ---------------------------------------------------------------------------------
@pytest.mark.parametrize("to", ["12ab", "+49 30", "call me", "*97"])
def test_an_invalid_number_is_refused_under_its_field(kazoo_sim, api_client, kazoo_user, to):
    response = api_client(kazoo_user).post(URL, {"to": to}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "is not a phone number" in body["to"][0]
    assert to in body["detail"]
    row = only_row()
    assert (row.status, row.http_status, row.to_requested) == ("invalid", 400, to)
    assert kazoo_sim.stats()["plays_running"] == 0


def test_a_missing_number_is_refused(kazoo_sim, api_client, kazoo_user):
    response = api_client(kazoo_user).post(URL, {}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "to" in response.json()


@pytest.mark.parametrize(
    ("to", "reason"),
    [
        ("+49 900 1234567", "premium-rate"),  # a German premium-rate range
        ("112", "emergency"),
    ],
)
def test_a_blocked_number_is_refused_with_the_reason(kazoo_sim, api_client, kazoo_user, to, reason):
    response = api_client(kazoo_user).post(URL, {"to": to}, format="json")

    assert response.status_code == 403, response.json()
    assert response.json()["code"] == "blocked_number"
    assert reason in response.json()["detail"]
    assert only_row().status == "blocked"


def test_the_operators_deny_list_blocks_by_prefix(kazoo_sim, api_client, kazoo_user, settings):
    settings.CALLS_BLOCKED_PREFIXES = ["0049 137"]
    client = api_client(kazoo_user)

    refused = client.post(URL, {"to": "+49 137 1234567"}, format="json")
    allowed = client.post(URL, {"to": "+49 30 1234567"}, format="json")

    assert refused.status_code == 403
    assert refused.json()["code"] == "blocked_number"
    assert "+49137" in refused.json()["detail"]
    assert allowed.status_code == 201


def test_premium_blocking_can_be_turned_off(kazoo_sim, api_client, kazoo_user, settings):
    settings.CALLS_BLOCK_PREMIUM_RATE = False
    response = api_client(kazoo_user).post(URL, {"to": "+49 900 1234567"}, format="json")
    assert response.status_code == 201, response.json()


# --- devices ------------------------------------------------------------------------------------
def test_another_users_device_answers_404(kazoo_sim, api_client, kazoo_user):
    response = api_client(kazoo_user).post(
        URL, {"to": "+4930123456", "device_id": device("carol-desk")}, format="json"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "device_not_found"
    assert only_row().status == "device_not_found"
    assert kazoo_sim.stats()["plays_running"] == 0


def test_an_administrator_may_ring_any_device_of_the_account(kazoo_sim, api_client, kazoo_admin):
    response = api_client(kazoo_admin).post(
        URL, {"to": "+4930123456", "device_id": device("carol-desk")}, format="json"
    )
    assert response.status_code == 201, response.json()


def test_an_administrator_may_not_ring_a_device_of_another_account(
    kazoo_sim, api_client, kazoo_admin
):
    response = api_client(kazoo_admin).post(
        URL, {"to": "+4930123456", "device_id": device("dave-desk")}, format="json"
    )
    assert response.status_code == 404


def test_an_unregistered_device_is_reported_as_not_registered(
    kazoo_sim, api_client, kazoo_colleague
):
    response = api_client(kazoo_colleague).post(
        URL, {"to": "+4930123456", "device_id": device("carol-mobile")}, format="json"
    )

    assert response.status_code == 409, response.json()
    body = response.json()
    assert body["code"] == "phone_not_registered"
    assert "Your phone 'Carol Mobile App' is not registered" in body["detail"]
    row = only_row()
    assert (row.status, row.kazoo_error) == ("not_registered", "DESTINATION_OUT_OF_ORDER")
    assert row.kazoo_response["error_message"] == "DESTINATION_OUT_OF_ORDER"


# --- Kazoo's failures ---------------------------------------------------------------------------
def test_kazoo_500_destination_out_of_order_for_a_registered_phone(
    kazoo_sim, api_client, kazoo_user
):
    # The simulator fails this number's originate although the phone is registered (stale).
    response = api_client(kazoo_user).post(
        URL, {"to": ORIGINATE_FAILS_NUMBER, "device_id": device("bob-desk")}, format="json"
    )

    assert response.status_code == 502, response.json()
    body = response.json()
    assert body["code"] == "call_failed"
    assert body["detail"].startswith("Kazoo could not reach the destination")
    assert "DESTINATION_OUT_OF_ORDER" in body["detail"]
    row = only_row()
    assert (row.status, row.http_status, row.kazoo_error) == (
        "failed",
        502,
        "DESTINATION_OUT_OF_ORDER",
    )


def test_kazoo_500_without_a_reason_is_a_502(kazoo_sim, api_client, kazoo_user):
    kazoo_sim.faults.fail_next(500, path_contains="/quickcall/")
    response = api_client(kazoo_user).post(URL, {"to": "+4930123456"}, format="json")

    assert response.status_code == 502
    assert response.json()["code"] == "kazoo_error"
    assert only_row().status == "failed"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_kazoo_unreachable_is_503(api_client, kazoo_user, settings):
    settings.KAZOO_API_URL = f"http://127.0.0.1:{closed_port()}/v2"
    get_crossbar.cache_clear()
    try:
        response = api_client(kazoo_user).post(URL, {"to": "+4930123456"}, format="json")
    finally:
        get_crossbar.cache_clear()

    assert response.status_code == 503
    assert response.json()["code"] == "kazoo_unreachable"
    row = only_row()
    assert (row.status, row.http_status) == ("kazoo_unreachable", 503)


# --- who may call, and how often ----------------------------------------------------------------
def test_a_token_without_the_calls_scope_is_refused(kazoo_sim, api_client, kazoo_user):
    response = api_client(kazoo_user, ["events"]).post(URL, {"to": "+4930123456"}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    assert "calls" in response.json()["detail"]
    assert not CallRequest.objects.exists()


def test_without_a_token_the_answer_is_401(client):
    assert client.post(URL, {"to": "+4930123456"}).status_code == 401


def test_the_rate_limit_answers_429_with_when_to_retry(
    kazoo_sim, api_client, kazoo_user, kazoo_colleague, settings
):
    settings.CALLS_RATE_LIMIT = "2/hour"
    bob = api_client(kazoo_user)
    for _ in range(2):
        assert bob.post(URL, {"to": "+4930123456"}, format="json").status_code == 201

    refused = bob.post(URL, {"to": "+4930123456"}, format="json")

    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "too_many_calls"
    assert "2 calls per hour" in body["detail"]
    retry_after = int(refused["Retry-After"])
    assert 0 < retry_after <= 3600
    assert f"Try again in {display.duration(retry_after)}." in body["detail"]
    throttled = CallRequest.objects.get(status="throttled")
    assert (throttled.kazoo_user_id, throttled.to_requested) == (
        kazoo_user.kazoo.kazoo_id,
        "+4930123456",
    )
    # The limit is per user: a colleague still calls.
    carol = api_client(kazoo_colleague)
    assert carol.post(URL, {"to": "+4930123456"}, format="json").status_code == 201


def test_the_call_id_is_the_first_registered_phones_leg(kazoo_sim, api_client, kazoo_colleague):
    """An unregistered phone gets no leg, so the call is named after the first phone that rings."""
    devices = kazoo_sim.world.demo.devices
    saved = list(devices)
    mobile = next(d for d in devices if d.id == device("carol-mobile"))
    devices.remove(mobile)
    devices.insert(0, mobile)  # carol's offline app is now her first endpoint
    try:
        response = api_client(kazoo_colleague).post(URL, {"to": "+4930123456"}, format="json")
    finally:
        devices[:] = saved

    assert response.status_code == 201, response.json()
    endpoints = only_row().kazoo_response["endpoints"]
    assert [e["endpoint_id"] for e in endpoints] == [device("carol-mobile"), device("carol-desk")]
    assert response.json()["call_id"] == endpoints[1]["outbound_call_id"]
