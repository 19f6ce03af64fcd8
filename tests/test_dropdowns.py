"""GET /api/v1/devices, /users, /queues: the choices for Zapier's dynamic dropdowns, from Kazoo."""

import socket

import pytest

from kazoo_zapier.kazoo.crossbar import get_crossbar
from kazoo_zapier.kazoo.simulator.world import kazoo_id

pytestmark = pytest.mark.django_db


def by_id(items: list[dict]) -> dict[str, dict]:
    return {item["id"]: item for item in items}


def test_a_user_sees_their_own_devices_with_registration(kazoo_sim, api_client, kazoo_colleague):
    response = api_client(kazoo_colleague, ["calls"]).get("/api/v1/devices")

    assert response.status_code == 200, response.json()
    devices = by_id(response.json())
    assert set(devices) == {kazoo_id("device:carol-desk"), kazoo_id("device:carol-mobile")}
    assert devices[kazoo_id("device:carol-desk")] == {
        "id": kazoo_id("device:carol-desk"),
        "name": "Carol Desk Phone",
        "type": "sip_device",
        "owner_id": kazoo_id("user:carol"),
        "registered": True,
    }
    assert devices[kazoo_id("device:carol-mobile")]["registered"] is False


def test_an_administrator_sees_every_device_of_their_account_only(
    kazoo_sim, api_client, kazoo_admin
):
    response = api_client(kazoo_admin, ["events"]).get("/api/v1/devices")

    assert response.status_code == 200
    ids = set(by_id(response.json()))
    assert ids == {d.id for d in kazoo_sim.world.demo.devices}
    assert kazoo_id("device:dave-desk") not in ids


def test_a_token_with_neither_scope_is_refused(kazoo_sim, api_client, kazoo_user):
    response = api_client(kazoo_user, []).get("/api/v1/devices")

    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    assert "events or calls" in response.json()["detail"]


def test_an_administrator_lists_the_accounts_users(kazoo_sim, api_client, kazoo_admin):
    response = api_client(kazoo_admin).get("/api/v1/users")

    assert response.status_code == 200, response.json()
    users = by_id(response.json())
    assert set(users) == {u.id for u in kazoo_sim.world.demo.users}
    assert users[kazoo_id("user:bob")] == {
        "id": kazoo_id("user:bob"),
        "name": "Bob Berger",
        "username": "bob",
        "email": "bob@demo.example.com",
        "extension": "202",
        "is_admin": False,
    }
    assert users[kazoo_id("user:alice")]["is_admin"] is True


def test_an_administrator_of_another_account_sees_only_theirs(kazoo_sim, api_client, outsider):
    users = api_client(outsider).get("/api/v1/users").json()
    assert [u["username"] for u in users] == ["dave"]
    assert api_client(outsider).get("/api/v1/queues").json() == []


def test_an_administrator_lists_the_accounts_queues(kazoo_sim, api_client, kazoo_admin):
    response = api_client(kazoo_admin, ["events"]).get("/api/v1/queues")

    assert response.status_code == 200
    assert response.json() == [
        {"id": kazoo_id("queue:support"), "name": "Support", "extension": "600"}
    ]


@pytest.mark.parametrize("path", ["/api/v1/users", "/api/v1/queues"])
def test_users_and_queues_are_for_administrators_only(kazoo_sim, api_client, kazoo_user, path):
    response = api_client(kazoo_user).get(path)

    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "admin_only"
    assert "Only administrators" in body["detail"]


def test_kazoo_unreachable_is_503(api_client, kazoo_user, settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.KAZOO_API_URL = f"http://127.0.0.1:{port}/v2"
    get_crossbar.cache_clear()
    try:
        response = api_client(kazoo_user).get("/api/v1/devices")
    finally:
        get_crossbar.cache_clear()
    assert response.status_code == 503
    assert response.json()["code"] == "kazoo_unreachable"
