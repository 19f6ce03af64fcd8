"""Liveness and readiness, as an operator's probe sees them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import ListenerState
from kazoo_zapier.kazoo.crossbar import get_crossbar

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_checking_anything(client, settings):
    settings.KAZOO_API_URL = "http://127.0.0.1:9/v2"
    get_crossbar.cache_clear()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_readyz_is_ready_when_the_database_the_broker_and_kazoo_answer(client, kazoo_sim):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"] == {
        "database": "ok",
        "broker": "ok",
        "kazoo": "ok",
        "listener": "ok",
    }


def test_readyz_names_kazoo_when_it_is_unreachable(client, settings):
    settings.KAZOO_API_URL = "http://127.0.0.1:9/v2"
    settings.KAZOO_CONNECT_TIMEOUT_SECONDS = 0.5
    get_crossbar.cache_clear()
    try:
        response = client.get("/readyz")
    finally:
        get_crossbar.cache_clear()
    assert response.status_code == 503
    body = response.json()
    assert body["checks"] == {
        "database": "ok",
        "broker": "ok",
        "kazoo": "failing",
        "listener": "ok",
    }
    assert "details" not in body  # the public learns names and states only
    assert "127.0.0.1" not in response.content.decode()


def test_readyz_names_kazoo_when_it_answers_with_errors(client, kazoo_sim):
    get_crossbar().token()
    kazoo_sim.faults.fail_next(status=503, count=5)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["kazoo"] == "failing"


def test_readyz_names_a_listener_that_went_silent(client, kazoo_sim):
    ListenerState.objects.create(
        name="default",
        health={"connected": True},
        heartbeat_at=timezone.now() - timedelta(minutes=5),
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["listener"] == "failing"


def test_readyz_names_a_listener_without_its_socket(client, kazoo_sim):
    ListenerState.objects.create(
        name="default", health={"connected": False}, heartbeat_at=timezone.now()
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["listener"] == "failing"


def test_readyz_tells_staff_and_the_log_what_failed(client, kazoo_sim, staff_user, caplog):
    ListenerState.objects.create(
        name="default", health={"connected": False}, heartbeat_at=timezone.now()
    )
    client.force_login(staff_user)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "not connected" in response.json()["details"]["listener"]
    assert "not connected" in caplog.text
