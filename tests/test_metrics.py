"""/metrics: Prometheus' text format, read from the database, for a token, staff or loopback."""

from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from events.models import ListenerState
from hooks.delivery import process_due_deliveries
from hooks.fanout import create_deliveries
from hooks.models import Delivery

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hook_settings")]

TOKEN = "metrics-test-token-" + "m" * 20
ELSEWHERE = {"REMOTE_ADDR": "203.0.113.9"}


@pytest.fixture
def metrics_settings(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOW_LOOPBACK = True
    return settings


def scrape(client, **extra) -> dict[str, dict[tuple, float]]:
    """{sample name: {sorted label pairs: value}} of one scrape with a bearer token."""
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **ELSEWHERE, **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    samples: dict[str, dict[tuple, float]] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return samples


def test_refused_without_a_token_from_elsewhere_or_with_a_wrong_one(client, metrics_settings):
    response = client.get("/metrics", **ELSEWHERE)
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope", **ELSEWHERE)
    assert wrong.status_code == 401
    assert (
        client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **ELSEWHERE).status_code == 200
    )


def test_staff_sessions_and_development_loopback_may_scrape(
    client, metrics_settings, staff_user, kazoo_admin
):
    assert client.get("/metrics").status_code == 200  # the test client is 127.0.0.1
    metrics_settings.METRICS_ALLOW_LOOPBACK = False
    assert client.get("/metrics").status_code == 401
    client.force_login(kazoo_admin)  # a Kazoo administrator is not provider staff
    assert client.get("/metrics", **ELSEWHERE).status_code == 401
    client.force_login(staff_user)
    assert client.get("/metrics", **ELSEWHERE).status_code == 200


def test_production_never_allows_loopback_without_credentials(monkeypatch):
    import importlib

    import kazoo_zapier.settings as settings_module

    monkeypatch.setenv("DJANGO_ENV", "production")
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 50)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "example.test")
    monkeypatch.setenv("KAZOO_API_KEY", "k" * 64)
    monkeypatch.setenv("METRICS_ALLOW_LOOPBACK", "true")
    try:
        production = importlib.reload(settings_module)
        assert production.METRICS_ALLOW_LOOPBACK is False
    finally:
        monkeypatch.undo()
        importlib.reload(settings_module)


def test_listener_metrics_come_from_its_health_report(client, metrics_settings):
    ListenerState.objects.create(
        name="shard-a",
        heartbeat_at=timezone.now(),
        health={
            "connected": True,
            "accounts": 2,
            "bindings": 18,
            "lag_seconds": 0.5,
            "queued": 3,
            "reconnects": 1,
            "frames_received": 1000,
            "events_emitted": 40,
            "events_stored": 39,
            "frames_rejected": {"not_json": 2, "no_account": 1},
        },
    )
    ListenerState.objects.create(
        name="shard-b",
        heartbeat_at=timezone.now() - timedelta(minutes=5),
        health={"connected": True},
    )
    samples = scrape(client)
    a, b = (("listener", "shard-a"),), (("listener", "shard-b"),)
    assert samples["kazoo_listener_up"] == {a: 1.0, b: 0.0}  # b is silent, as /readyz says
    assert samples["kazoo_listener_bindings"][a] == 18
    assert samples["kazoo_listener_lag_seconds"][a] == 0.5
    assert samples["kazoo_listener_queued"][a] == 3
    assert samples["kazoo_listener_frames_received_total"][a] == 1000
    assert samples["kazoo_listener_events_stored_total"][a] == 39
    assert samples["kazoo_listener_reconnects_total"][a] == 1
    assert samples["kazoo_listener_frames_rejected_total"] == {
        (("listener", "shard-a"), ("reason", "no_account")): 1,
        (("listener", "shard-a"), ("reason", "not_json")): 2,
    }
    assert samples["kazoo_listener_heartbeat_age_seconds"][b] >= 300


def test_events_deliveries_latency_and_queue_depth(
    client, metrics_settings, receiver, make_hook, make_event, kazoo_user, kazoo_colleague
):
    make_hook(kazoo_user, receiver.url("/ok"))
    make_hook(kazoo_colleague, receiver.url("/error"))
    events = [make_event(kazoo_user) for _ in range(3)] + [
        make_event(kazoo_colleague) for _ in range(2)
    ]
    events.append(make_event(kazoo_user, "call.ended"))
    create_deliveries(events)
    process_due_deliveries()
    # One more due now (the workers have not seen it): the queue.
    create_deliveries([make_event(kazoo_user)])

    samples = scrape(client)
    assert samples["kazoo_zapier_events_recent"] == {
        (("type", "call.ended"),): 1,
        (("type", "call.ringing"),): 6,
    }
    assert samples["kazoo_zapier_deliveries"][(("status", "delivered"),)] == 3
    assert samples["kazoo_zapier_deliveries"][(("status", "pending"),)] == 3
    assert samples["kazoo_zapier_deliveries"][(("status", "failed"),)] == 0
    due = Delivery.objects.filter(status="pending", next_attempt_at__lte=timezone.now()).count()
    assert samples["kazoo_zapier_delivery_queue_depth"][()] == due >= 1
    outcomes = samples["kazoo_zapier_delivery_attempts_recent"]
    assert outcomes[(("outcome", "delivered"),)] == 3
    assert outcomes[(("outcome", "retry"),)] == 1
    buckets = samples["kazoo_zapier_delivery_latency_seconds_bucket"]
    assert buckets[(("le", "+Inf"),)] == 4
    values = [buckets[key] for key in sorted(buckets, key=lambda k: float(k[0][1]))]
    assert values == sorted(values)  # cumulative
    assert samples["kazoo_zapier_delivery_latency_seconds_gcount"][()] == 4
    assert samples["kazoo_zapier_hooks"][(("status", "active"),)] == 2


def test_an_empty_database_scrapes_cleanly(client, metrics_settings):
    samples = scrape(client)
    assert samples["kazoo_zapier_delivery_queue_depth"][()] == 0
    assert samples["kazoo_zapier_delivery_latency_seconds_bucket"][(("le", "+Inf"),)] == 0
    assert samples["kazoo_zapier_metrics_window_seconds"][()] == 300
