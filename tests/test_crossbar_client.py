"""The Crossbar client against the simulator's real HTTP server."""

import time

import pytest

from kazoo_zapier.kazoo.crossbar import CrossbarClient, md5_credentials, token_expiry
from kazoo_zapier.kazoo.errors import (
    KazooAuthError,
    KazooNotFound,
    KazooRateLimited,
    KazooServerError,
    KazooUnreachable,
    KazooValidationError,
)
from kazoo_zapier.kazoo.simulator.world import DEMO_PASSWORD


@pytest.fixture
def client(kazoo_sim):
    return CrossbarClient(kazoo_sim.api_url, kazoo_sim.world.api_key, read_timeout=2.0)


@pytest.fixture
def demo(kazoo_sim):
    return kazoo_sim.world.demo


def test_md5_credentials_lower_cases_the_username():
    assert md5_credentials("Alice", "pw") == md5_credentials("alice", "pw")
    assert md5_credentials("alice", "pw") != md5_credentials("alice", "PW")


def test_token_expiry_reads_the_jwt_exp_claim_and_falls_back_to_an_hour():
    payload = "eyJleHAiOiAxMjM0NX0"  # base64url of {"exp": 12345}
    assert token_expiry(f"h.{payload}.s") == 12345
    assert token_expiry("not-a-jwt", now=1000.0) == 1000.0 + 3600


def test_api_auth_gives_a_token_for_the_providers_master_account(client, kazoo_sim):
    session = client.api_auth()
    assert session.account_id == kazoo_sim.world.master.id
    assert session.expires_at > time.time() + 3000


def test_the_service_token_is_cached(client, kazoo_sim):
    first = client.token()
    assert client.token() == first


def test_user_auth_checks_kazoo_credentials(client, demo):
    alice = demo.user_by_username("alice")
    session = client.user_auth("Demo Company", "Alice", DEMO_PASSWORD)
    assert session.account_id == demo.id
    assert session.owner_id == alice.id


def test_user_auth_with_a_wrong_password_is_an_auth_error_with_kazoos_words(client):
    with pytest.raises(KazooAuthError) as caught:
        client.user_auth("Demo Company", "alice", "wrong")
    assert caught.value.status == 401
    assert caught.value.kazoo_message


def test_a_user_token_reads_the_users_own_document(client, demo):
    session = client.user_auth("Demo Company", "bob", DEMO_PASSWORD)
    user = client.user(demo.id, session.owner_id, token=session.token)
    assert user["username"] == "bob"
    assert user["priv_level"] == "user"


def test_lists_follow_kazoos_pagination(client, kazoo_sim, demo):
    devices = client.devices(demo.id)
    assert {d["id"] for d in devices} == {d.id for d in demo.devices}
    users = client.get_all(f"/accounts/{demo.id}/users", params={"page_size": 1})
    assert {u["id"] for u in users} == {u.id for u in demo.users}


def test_device_status_says_which_devices_are_registered(client, demo):
    status = {item["device_id"]: item["registered"] for item in client.devices_status(demo.id)}
    offline = {d.id for d in demo.devices if not d.registered}
    assert offline
    assert not any(status.get(device_id, False) for device_id in offline)


def test_an_unknown_user_is_not_found(client, demo):
    with pytest.raises(KazooNotFound) as caught:
        client.user(demo.id, "0" * 32)
    assert caught.value.status == 404


def test_an_expired_service_token_is_renewed_once_on_401(client, kazoo_sim, demo):
    first = client.token()
    kazoo_sim.faults.expire_tokens()
    assert client.account(demo.id)["name"] == "Demo Company"
    assert client.token() != first


def test_a_token_about_to_expire_is_renewed_before_use(kazoo_sim, demo):
    # With a renewal margin longer than the token's life, every use asks for a new token.
    client = CrossbarClient(kazoo_sim.api_url, kazoo_sim.world.api_key, renew_before=10**6)
    first = client.token()
    time.sleep(1.1)  # Kazoo's JWTs carry whole seconds: let `exp` move on
    assert client.token() != first


def test_a_wrong_api_key_is_an_auth_error(kazoo_sim):
    client = CrossbarClient(kazoo_sim.api_url, "x" * 64)
    with pytest.raises(KazooAuthError):
        client.token()


def test_a_server_error_keeps_kazoos_status_and_message(client, kazoo_sim, demo):
    client.token()
    kazoo_sim.faults.fail_next(status=500, count=1)
    with pytest.raises(KazooServerError) as caught:
        client.account(demo.id)
    assert caught.value.status == 500
    # The fault was one request: the next one works.
    assert client.account(demo.id)["id"] == demo.id


def test_rate_limiting_is_its_own_error(client, kazoo_sim, demo):
    client.token()
    kazoo_sim.faults.fail_next(status=429, count=1)
    with pytest.raises(KazooRateLimited):
        client.account(demo.id)


def test_a_slow_kazoo_is_a_timeout_not_a_hang(kazoo_sim, demo):
    client = CrossbarClient(kazoo_sim.api_url, kazoo_sim.world.api_key, read_timeout=0.3)
    client.token()
    kazoo_sim.faults.delay(2.0)
    with pytest.raises(KazooUnreachable, match="did not answer in time"):
        client.account(demo.id)


def test_kazoo_down_is_unreachable():
    client = CrossbarClient("http://127.0.0.1:9/v2", "k" * 64, connect_timeout=0.5)
    with pytest.raises(KazooUnreachable, match="unreachable"):
        client.token()


def test_a_cdr_range_kazoo_refuses_is_a_validation_error(client, demo):
    gregorian_now = int(time.time()) + 62167219200
    with pytest.raises(KazooValidationError):
        client.cdrs(demo.id, gregorian_now - 40 * 86400, gregorian_now)


def test_quickcall_to_an_unregistered_device_reports_kazoos_reason(client, demo):
    offline = next(d for d in demo.devices if not d.registered)
    with pytest.raises(KazooServerError) as caught:
        client.quickcall(demo.id, "+4930123456", device_id=offline.id)
    assert caught.value.status == 500
    assert caught.value.data["error_message"]


def test_quickcall_rings_the_device_and_returns_the_originate_request(client, demo):
    device = next(d for d in demo.devices if d.registered)
    data = client.quickcall(demo.id, "+49 30 123-456", device_id=device.id)
    call_ids = [endpoint["outbound_call_id"] for endpoint in data["endpoints"]]
    assert call_ids
    assert all(call_id.endswith("-quickcall") for call_id in call_ids)


def test_the_service_token_cannot_reach_an_account_outside_the_providers_tree(kazoo_sim):
    client = CrossbarClient(kazoo_sim.api_url, kazoo_sim.world.api_key)
    with pytest.raises((KazooNotFound, KazooAuthError)):
        client.account("f" * 32)
