"""The simulator's Crossbar, through real HTTP: Kazoo's envelope, tokens, errors, pagination,
faults, live state and quickcall."""

import base64
import json
import time

import pytest
import requests

from kazoo_zapier.kazoo.crossbar import md5_credentials
from kazoo_zapier.kazoo.simulator.world import DEMO_PASSWORD
from tests.paths import KAZOO_EXAMPLES

GREGORIAN_OFFSET = 62167219200
ENVELOPE_KEYS = {"auth_token", "status", "request_id", "node", "version", "timestamp", "revision"}
ERROR_KEYS = {"auth_token", "request_id", "node", "version", "timestamp", "status", "message"}


@pytest.fixture
def api(kazoo_sim):
    return kazoo_sim.api_url


@pytest.fixture
def demo(kazoo_sim):
    return kazoo_sim.world.demo


def api_token(api: str, key: str) -> str:
    response = requests.put(f"{api}/api_auth", json={"data": {"api_key": key}}, timeout=5)
    assert response.status_code == 201, response.text
    return response.json()["auth_token"]


@pytest.fixture
def token(kazoo_sim, api):
    return api_token(api, kazoo_sim.world.api_key)


def get(api: str, path: str, token: str | None, **kwargs) -> requests.Response:
    headers = {"X-Auth-Token": token} if token else {}
    headers.update(kwargs.pop("headers", {}))
    return requests.get(api + path, headers=headers, timeout=5, **kwargs)


def user_auth(api: str, account_name: str, username: str, password: str) -> requests.Response:
    payload = {
        "data": {
            "credentials": md5_credentials(username, password),
            "account_name": account_name,
            "method": "md5",
        }
    }
    return requests.put(f"{api}/user_auth", json=payload, timeout=5)


def claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def assert_kazoo_error(response: requests.Response, status: int, message: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body.keys() >= ERROR_KEYS
    assert body["status"] == "error"
    assert body["error"] == str(status)
    assert body["message"] == message
    return body


# --- authentication -----------------------------------------------------------------------------
def test_api_auth_answers_a_jwt_for_the_master_account_in_kazoos_envelope(kazoo_sim, api):
    response = requests.put(
        f"{api}/api_auth", json={"data": {"api_key": kazoo_sim.world.api_key}}, timeout=5
    )
    assert response.status_code == 201
    body = response.json()
    assert ENVELOPE_KEYS | {"data"} <= body.keys()
    assert body["status"] == "success"
    assert body["data"]["account_id"] == kazoo_sim.world.master.id
    token_claims = claims(body["auth_token"])
    assert token_claims["account_id"] == kazoo_sim.world.master.id
    assert token_claims["method"] == "cb_api_auth"
    assert 3500 < token_claims["exp"] - time.time() <= 3600


def test_api_auth_with_a_wrong_key_is_401_invalid_credentials(api):
    response = requests.put(f"{api}/api_auth", json={"data": {"api_key": "x" * 64}}, timeout=5)
    body = assert_kazoo_error(response, 401, "invalid_credentials")
    assert body["data"] == {"message": "invalid credentials"}


def test_user_auth_matches_the_example_response_and_names_the_user(api, demo):
    with open(KAZOO_EXAMPLES / "crossbar-PUT-user_auth-response.json") as f:
        example = json.load(f)
    response = user_auth(api, "demo company", "Bob", DEMO_PASSWORD)  # both case-insensitive
    assert response.status_code == 201, response.text
    body = response.json()
    assert example.keys() <= body.keys()
    assert example["data"].keys() <= body["data"].keys()
    assert body["data"]["account_id"] == demo.id
    assert body["data"]["owner_id"] == demo.user_by_username("bob").id
    assert claims(body["auth_token"])["owner_id"] == demo.user_by_username("bob").id


@pytest.mark.parametrize(
    ("account_name", "username", "password"),
    [
        ("Demo Company", "bob", "wrong"),
        ("Demo Company", "nobody", DEMO_PASSWORD),
        ("No Such Company", "bob", DEMO_PASSWORD),
        ("Other Ltd", "bob", DEMO_PASSWORD),  # right user, wrong account
    ],
)
def test_user_auth_refuses_bad_credentials_with_401(api, account_name, username, password):
    response = user_auth(api, account_name, username, password)
    assert_kazoo_error(response, 401, "invalid_credentials")


def test_a_token_is_accepted_from_the_header_and_the_query_string(api, token, demo):
    assert get(api, f"/accounts/{demo.id}", token).status_code == 200
    assert get(api, f"/accounts/{demo.id}", None, params={"auth_token": token}).status_code == 200


def test_token_auth_checks_a_token(api, token, kazoo_sim):
    response = get(api, "/token_auth", token)
    assert response.status_code == 200
    assert response.json()["data"]["account_id"] == kazoo_sim.world.master.id


def test_no_token_or_a_forged_one_is_401(api, token, demo):
    assert_kazoo_error(get(api, f"/accounts/{demo.id}", None), 401, "invalid_credentials")
    head, payload, _signature = token.split(".")
    forged = f"{head}.{payload}.AAAA"
    assert_kazoo_error(get(api, f"/accounts/{demo.id}", forged), 401, "invalid_credentials")


def test_expire_tokens_makes_every_issued_token_answer_token_expired(kazoo_sim, api, token, demo):
    kazoo_sim.faults.expire_tokens()
    body = assert_kazoo_error(get(api, f"/accounts/{demo.id}", token), 401, "invalid_credentials")
    assert body["data"]["message"] == "token expired"
    fresh = api_token(api, kazoo_sim.world.api_key)
    assert get(api, f"/accounts/{demo.id}", fresh).status_code == 200


def test_a_token_expires_after_its_ttl(kazoo_sim):
    from kazoo_zapier.kazoo.simulator import KazooSimulator

    # `exp` is whole seconds, as Kazoo's: a TTL of n lasts between n-1 and n seconds. Three
    # leave a loaded machine (CI) time to see the token valid first.
    sim = KazooSimulator(world=kazoo_sim.world, speed=0, token_ttl=3).start()
    try:
        short = api_token(sim.api_url, sim.world.api_key)
        assert get(sim.api_url, "/token_auth", short).status_code == 200
        deadline = time.monotonic() + 15
        while get(sim.api_url, "/token_auth", short).status_code == 200:
            assert time.monotonic() < deadline, "the token never expired"
            time.sleep(0.1)
        body = assert_kazoo_error(
            get(sim.api_url, "/token_auth", short), 401, "invalid_credentials"
        )
        assert body["data"]["message"] == "token expired"
    finally:
        sim.stop()


# --- authorization ------------------------------------------------------------------------------
def test_the_master_token_reaches_every_customer_account(kazoo_sim, api, token):
    for account in kazoo_sim.world.accounts:
        assert get(api, f"/accounts/{account.id}", token).json()["data"]["name"] == account.name


def test_a_user_token_acts_only_on_its_own_account(kazoo_sim, api, demo):
    bob_token = user_auth(api, "Demo Company", "bob", DEMO_PASSWORD).json()["auth_token"]
    assert get(api, f"/accounts/{demo.id}/users", bob_token).status_code == 200
    other = kazoo_sim.world.other
    assert_kazoo_error(get(api, f"/accounts/{other.id}", bob_token), 403, "forbidden")
    master = kazoo_sim.world.master
    assert_kazoo_error(get(api, f"/accounts/{master.id}", bob_token), 403, "forbidden")


def test_an_unknown_id_is_404_bad_identifier(api, token, demo):
    body = assert_kazoo_error(
        get(api, f"/accounts/{demo.id}/users/{'0' * 32}", token), 404, "bad_identifier"
    )
    assert body["data"]["cause"] == "0" * 32
    assert_kazoo_error(
        get(api, f"/accounts/{demo.id}/devices/{'1' * 32}", token), 404, "bad_identifier"
    )


def test_x_request_id_is_echoed_in_the_header_and_the_envelope(api, token, demo):
    response = get(api, f"/accounts/{demo.id}", token, headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"
    assert response.json()["request_id"] == "abc-123"
    error = get(api, f"/accounts/{demo.id}/users/nope", token, headers={"X-Request-ID": "e-1"})
    assert error.json()["request_id"] == "e-1"


# --- documents and pagination -------------------------------------------------------------------
def test_lists_paginate_with_page_size_and_next_start_key(api, token, demo):
    seen, params, pages = [], {"page_size": 2}, 0
    while True:
        body = get(api, f"/accounts/{demo.id}/devices", token, params=params).json()
        pages += 1
        assert body["page_size"] == len(body["data"]) <= 2
        seen.extend(item["id"] for item in body["data"])
        if "next_start_key" not in body:
            break
        params["start_key"] = body["next_start_key"]
    assert pages == 3  # six devices, two a page
    assert seen == [d.id for d in demo.devices]


def test_lists_default_to_pages_of_50_and_paginate_false_gives_everything(api, token, demo):
    body = get(api, f"/accounts/{demo.id}/users", token).json()
    assert body["page_size"] == len(demo.users)
    assert "next_start_key" not in body
    whole = get(api, f"/accounts/{demo.id}/users", token, params={"paginate": "false"}).json()
    assert "page_size" not in whole
    assert len(whole["data"]) == len(demo.users)


def test_user_and_device_documents_carry_kazoos_listing_fields(api, token, demo):
    users = get(api, f"/accounts/{demo.id}/users", token).json()["data"]
    assert {
        "id",
        "username",
        "email",
        "first_name",
        "last_name",
        "priv_level",
        "presence_id",
    } <= users[0].keys()
    devices = get(api, f"/accounts/{demo.id}/devices", token).json()["data"]
    assert {"id", "name", "username", "owner_id", "enabled", "device_type"} <= devices[0].keys()
    alice = demo.user_by_username("alice")
    mine = get(api, f"/accounts/{demo.id}/users/{alice.id}/devices", token).json()["data"]
    assert {d["id"] for d in mine} == {d.id for d in demo.devices_of(alice.id)}


def test_devices_status_lists_only_registered_devices(api, token, demo):
    status = get(api, f"/accounts/{demo.id}/devices/status", token).json()["data"]
    assert {item["device_id"] for item in status} == {d.id for d in demo.devices if d.registered}
    assert all(item["registered"] is True for item in status)


def test_queues_and_agent_statuses_come_from_the_world(api, token, demo):
    queues = get(api, f"/accounts/{demo.id}/queues", token).json()["data"]
    assert [q["id"] for q in queues] == [q.id for q in demo.queues]
    queue = get(api, f"/accounts/{demo.id}/queues/{demo.queues[0].id}", token).json()["data"]
    assert queue["agents"] == list(demo.queues[0].agent_ids)
    status = get(api, f"/accounts/{demo.id}/agents/status", token).json()["data"]
    assert set(status) == set(demo.queues[0].agent_ids)


# --- live state from published events -----------------------------------------------------------
def leg(kazoo_sim, call_id: str, **extra) -> dict:
    demo = kazoo_sim.world.demo
    device = demo.devices[0]
    return {
        "call_id": call_id,
        "call_direction": "outbound",
        "caller_id_name": "Caller",
        "caller_id_number": "+4930111",
        "callee_id_name": "Alice Admin",
        "callee_id_number": "201",
        "request": "201@demo.sip.example.net",
        "presence_id": "201@demo.sip.example.net",
        "timestamp": int(time.time()) + GREGORIAN_OFFSET,
        "custom_channel_vars": {
            "account_id": demo.id,
            "authorizing_id": device.id,
            "authorizing_type": "device",
            "owner_id": device.owner_id,
            "bridge_id": "a-leg-1",
            "username": device.sip_username,
        },
        **extra,
    }


def test_channels_follow_create_answer_and_destroy_and_a_cdr_remains(kazoo_sim, api, token, demo):
    kazoo_sim.publish(demo.id, "CHANNEL_CREATE", leg(kazoo_sim, "leg-1"))
    channels = get(api, f"/accounts/{demo.id}/channels", token).json()["data"]
    assert [(c["uuid"], c["answered"]) for c in channels] == [("leg-1", False)]
    assert channels[0]["owner_id"] == demo.devices[0].owner_id
    kazoo_sim.publish(demo.id, "CHANNEL_ANSWER", leg(kazoo_sim, "leg-1"))
    channels = get(api, f"/accounts/{demo.id}/channels", token).json()["data"]
    assert channels[0]["answered"] is True
    destroy = leg(
        kazoo_sim,
        "leg-1",
        hangup_cause="NORMAL_CLEARING",
        duration_seconds=42,
        billing_seconds=30,
        disposition="ANSWER",
    )
    kazoo_sim.publish(demo.id, "CHANNEL_DESTROY", destroy)
    assert get(api, f"/accounts/{demo.id}/channels", token).json()["data"] == []
    now = int(time.time()) + GREGORIAN_OFFSET
    cdrs = get(
        api,
        f"/accounts/{demo.id}/cdrs",
        token,
        params={"created_from": now - 3600, "created_to": now + 60},
    ).json()["data"]
    assert [c["call_id"] for c in cdrs] == ["leg-1"]
    cdr = cdrs[0]
    assert cdr["duration_seconds"] == "42"
    assert cdr["billing_seconds"] == "30"
    assert cdr["hangup_cause"] == "NORMAL_CLEARING"
    assert cdr["timestamp"] == str(destroy["timestamp"] - 42)
    assert cdr["owner_id"] == demo.devices[0].owner_id
    # The other account sees none of it.
    other = kazoo_sim.world.other
    assert get(api, f"/accounts/{other.id}/cdrs", token).json()["data"] == []


def test_a_cdr_range_over_31_days_and_an_hour_is_400_date_range(api, token, demo):
    now = int(time.time()) + GREGORIAN_OFFSET
    too_long = {"created_from": now - 31 * 86400 - 3601, "created_to": now}
    body = assert_kazoo_error(
        get(api, f"/accounts/{demo.id}/cdrs", token, params=too_long), 400, "validation error"
    )
    assert "date_range" in body["data"]["created_from"]
    just_fits = {"created_from": now - 31 * 86400 - 3600, "created_to": now}
    assert get(api, f"/accounts/{demo.id}/cdrs", token, params=just_fits).status_code == 200
    assert (
        get(api, f"/accounts/{demo.id}/acdc_call_stats", token, params=too_long).status_code == 400
    )


# --- faults -------------------------------------------------------------------------------------
def test_fail_next_fails_that_many_requests_with_kazoos_envelope_then_recovers(
    kazoo_sim, api, token, demo
):
    kazoo_sim.faults.fail_next(status=503, count=2)
    for _ in range(2):
        assert_kazoo_error(get(api, f"/accounts/{demo.id}", token), 503, "datastore_unreachable")
    assert get(api, f"/accounts/{demo.id}", token).status_code == 200


def test_fail_next_can_target_a_path(kazoo_sim, api, token, demo):
    kazoo_sim.faults.fail_next(status=500, count=1, path_contains="/channels")
    assert get(api, f"/accounts/{demo.id}", token).status_code == 200
    assert_kazoo_error(
        get(api, f"/accounts/{demo.id}/channels", token), 500, "internal_server_error"
    )
    assert get(api, f"/accounts/{demo.id}/channels", token).status_code == 200


def test_delay_makes_crossbar_slower_than_a_client_timeout(kazoo_sim, api, token, demo):
    kazoo_sim.faults.delay(2.0)
    with pytest.raises(requests.Timeout):
        requests.get(f"{api}/accounts/{demo.id}", headers={"X-Auth-Token": token}, timeout=0.3)
    kazoo_sim.faults.clear()
    assert get(api, f"/accounts/{demo.id}", token).status_code == 200


def test_requests_are_counted(kazoo_sim, api, token, demo):
    before = kazoo_sim.stats()["requests_served"]
    get(api, f"/accounts/{demo.id}", token)
    assert kazoo_sim.stats()["requests_served"] == before + 1


# --- quickcall ----------------------------------------------------------------------------------
def test_quickcall_get_answers_202_with_the_originate_request_of_the_example(api, token, demo):
    with open(KAZOO_EXAMPLES / "crossbar-quickcall-device-GET-202-response.json") as f:
        example = json.load(f)
    device = next(d for d in demo.devices if d.registered)
    response = get(
        api,
        f"/accounts/{demo.id}/devices/{device.id}/quickcall/+49 (30) 123-456",
        token,
        params={"cid-name": "Shop", "cid-number": "+4930999"},
    )
    assert response.status_code == 202, response.text
    body = response.json()
    assert example.keys() <= body.keys()
    data = body["data"]
    assert example["data"].keys() <= data.keys()
    endpoint = data["endpoints"][0]
    assert example["data"]["endpoints"][0].keys() <= endpoint.keys()
    assert (
        example["data"]["endpoints"][0]["custom_channel_vars"].keys()
        <= endpoint["custom_channel_vars"].keys()
    )
    call_id = endpoint["outbound_call_id"]
    assert call_id.endswith("-quickcall")
    assert len(call_id.removesuffix("-quickcall")) == 36
    assert data["application_data"] == {"route": "+4930123456"}  # number_filter
    assert data["outbound_callee_id_name"] == "Shop"
    assert data["outbound_callee_id_number"] == "+4930999"
    assert data["custom_channel_vars"]["authorizing_type"] == "device"


def test_quickcall_for_a_user_rings_the_users_devices(api, token, demo):
    with open(KAZOO_EXAMPLES / "crossbar-quickcall-user-GET-202-response.json") as f:
        example = json.load(f)
    alice = demo.user_by_username("alice")
    response = get(api, f"/accounts/{demo.id}/users/{alice.id}/quickcall/202", token)
    assert response.status_code == 202
    data = response.json()["data"]
    assert example["data"].keys() <= data.keys()
    assert data["custom_channel_vars"]["authorizing_type"] == "user"
    assert {e["endpoint_id"] for e in data["endpoints"]} == {
        d.id for d in demo.devices_of(alice.id)
    }


def test_quickcall_post_to_an_unregistered_device_fails_like_kazoo(api, token, demo):
    with open(KAZOO_EXAMPLES / "crossbar-quickcall-POST-failed-500-response.json") as f:
        example = json.load(f)
    offline = next(d for d in demo.devices if not d.registered)
    response = requests.post(
        f"{api}/accounts/{demo.id}/devices/{offline.id}/quickcall/+4930123456",
        headers={"X-Auth-Token": token},
        timeout=5,
    )
    body = assert_kazoo_error(response, 500, "quickcall initiation failed")
    assert example.keys() <= body.keys()
    assert body["data"]["error_message"] == "DESTINATION_OUT_OF_ORDER"


def test_quickcall_timeout_must_exceed_three_seconds(api, token, demo):
    device = next(d for d in demo.devices if d.registered)
    response = get(
        api, f"/accounts/{demo.id}/devices/{device.id}/quickcall/202", token, params={"timeout": 3}
    )
    assert_kazoo_error(response, 400, "validation error")


# --- the /sim/ control API ----------------------------------------------------------------------
def test_the_control_api_drives_faults_and_reports_stats(kazoo_sim, api, token, demo):
    root = api.removesuffix("/v2")
    response = requests.post(
        f"{root}/sim/faults", json={"action": "fail_next", "status": 429, "count": 1}, timeout=5
    )
    assert response.status_code == 200
    assert_kazoo_error(get(api, f"/accounts/{demo.id}", token), 429, "too_many_requests")
    stats = requests.get(f"{root}/sim/stats", timeout=5).json()
    assert {"connections", "subscriptions", "events_pushed", "requests_served"} <= stats.keys()
    bad = requests.post(f"{root}/sim/faults", json={"action": "explode"}, timeout=5)
    assert bad.status_code == 400


def test_the_control_api_refuses_an_unknown_scenario(api):
    root = api.removesuffix("/v2")
    response = requests.post(f"{root}/sim/play/no_such_scenario", json={}, timeout=5)
    assert response.status_code == 404
    assert "no_such_scenario" in response.json()["error"]
