"""The local demo: `make run` seeds subscriptions whose deliveries the web process receives."""

import json
from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook

from accounts.demo import seed_demo
from events.catalogue import EventType
from hooks.models import Hook

pytestmark = pytest.mark.django_db


def test_the_demo_administrator_follows_every_event_type_once_however_often_it_is_seeded():
    seed_demo()
    seed_demo()
    hooks = Hook.objects.filter(owner__kazoo__username="alice")
    assert sorted(hooks.values_list("event", flat=True)) == sorted(k.value for k in EventType)
    for hook in hooks:
        assert hook.scope == Hook.Scope.ACCOUNT
        assert hook.target_url == f"http://127.0.0.1:8000/demo/receiver/{hook.pk}/"


def _signed(hook: Hook, body: dict, secret: str | None = None) -> tuple[bytes, dict]:
    raw = json.dumps(body).encode()
    now = datetime.now(UTC)
    signature = Webhook(secret or hook.secret).sign("msg_1", now, raw.decode())
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }
    return raw, headers


def test_the_demo_receiver_accepts_a_signed_delivery(client):
    seed_demo()
    hook = Hook.objects.filter(owner__kazoo__username="alice").first()
    raw, headers = _signed(hook, {"type": "call.ringing", "summary": "Incoming call"})
    response = client.post(
        f"/demo/receiver/{hook.pk}/",
        raw,
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 204


def test_the_demo_receiver_refuses_a_wrong_signature(client):
    seed_demo()
    hook = Hook.objects.filter(owner__kazoo__username="alice").first()
    other = "whsec_" + "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
    raw, headers = _signed(hook, {"type": "call.ringing", "summary": "x"}, secret=other)
    response = client.post(
        f"/demo/receiver/{hook.pk}/", raw, content_type="application/json", headers=headers
    )
    assert response.status_code == 400
