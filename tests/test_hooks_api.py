"""The hooks API as the Zapier app uses it, and who may do what (the tenancy matrix)."""

import re

import pytest

from events.catalogue import EventType
from hooks.models import Delivery, Hook
from hooks.rendering import for_reader, reader_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hook_settings")]


def subscribe(client, url, event="call.ringing", **extra):
    return client.post(
        "/api/v1/hooks", {"target_url": url, "event": event, **extra}, format="json"
    )


def test_subscribe_returns_201_with_id_and_secret_then_lists_gets_and_deletes(
    api_client, kazoo_user, receiver
):
    client = api_client(kazoo_user, scopes=["events"])
    response = subscribe(client, receiver.url("/ok"), "call.missed", filters={"direction": "inbound"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secret"].startswith("whsec_")
    assert (body["event"], body["scope"], body["filters"], body["status"]) == (
        "call.missed",
        "user",
        {"direction": "inbound"},
        "active",
    )
    hook = Hook.objects.get(id=body["id"])
    assert hook.account_id == kazoo_user.kazoo.account.kazoo_id
    assert hook.kazoo_user_id == kazoo_user.kazoo.kazoo_id

    listed = client.get("/api/v1/hooks").json()
    assert [h["id"] for h in listed] == [hook.id]
    assert "secret" not in listed[0]
    assert listed[0]["delivered_count"] == 0
    assert client.get(f"/api/v1/hooks/{hook.id}").json()["target_url"] == receiver.url("/ok")

    assert client.delete(f"/api/v1/hooks/{hook.id}").status_code == 204
    hook.refresh_from_db()
    assert hook.status == Hook.Status.UNSUBSCRIBED
    assert client.get("/api/v1/hooks").json() == []
    assert client.get(f"/api/v1/hooks/{hook.id}").status_code == 404
    assert client.delete(f"/api/v1/hooks/{hook.id}").status_code == 404


def test_unsubscribing_cancels_what_was_waiting(api_client, kazoo_user, receiver, make_event):
    from hooks.fanout import create_deliveries

    client = api_client(kazoo_user, scopes=["events"])
    hook_id = subscribe(client, receiver.url("/ok")).json()["id"]
    (delivery,) = create_deliveries([make_event(kazoo_user)])
    client.delete(f"/api/v1/hooks/{hook_id}")
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.CANCELLED


@pytest.mark.parametrize(
    ("payload", "field", "words"),
    [
        ({"event": "call.exploded"}, "event", "not an event type"),
        ({"filters": {"colour": "red"}}, "filters", "Unknown filter 'colour'"),
        ({"filters": {"direction": "sideways"}}, "filters", "not one of inbound"),
        ({"filters": {"number": "12ab"}}, "filters", "not a phone number"),
        ({"filters": {"queue_id": "q1"}}, "filters", "does not apply to call.ringing"),
        ({"filters": {"user_id": "someone-else"}}, "filters", "only your own events"),
        ({"scope": "planet"}, "scope", "planet"),
        ({"target_url": "ftp://example.com/x"}, "target_url", "https://"),
        ({"target_url": "not a url"}, "target_url", "https://"),
        ({"target_url": "http://example.com/hook"}, "target_url", "plain http is not allowed"),
    ],
)
def test_bad_input_is_refused_with_a_reason_a_zapier_user_can_act_on(
    api_client, kazoo_user, receiver, payload, field, words
):
    client = api_client(kazoo_user, scopes=["events"])
    body = {"target_url": receiver.url("/ok"), "event": "call.ringing", **payload}
    response = client.post("/api/v1/hooks", body, format="json")
    assert response.status_code == 400, response.content
    data = response.json()
    assert field in data and words in str(data[field])
    assert data["code"] and words in data["detail"]
    assert not Hook.objects.exists()


def test_scope_account_is_for_administrators_only(api_client, kazoo_user, kazoo_admin, receiver):
    refused = subscribe(api_client(kazoo_user, ["events"]), receiver.url("/ok"), scope="account")
    assert refused.status_code == 403
    assert "administrators" in refused.json()["detail"]
    allowed = subscribe(api_client(kazoo_admin, ["events"]), receiver.url("/ok"), scope="account")
    assert allowed.status_code == 201


def test_admin_only_event_types_are_refused_to_users(api_client, kazoo_user, receiver):
    response = subscribe(api_client(kazoo_user, ["events"]), receiver.url("/ok"), "call.parked")
    assert response.status_code == 403
    assert "Call Parked" in response.json()["detail"]


def test_the_events_scope_is_required_and_a_token_is_required(api_client, kazoo_user, client):
    assert client.get("/api/v1/hooks").status_code == 401
    response = api_client(kazoo_user, scopes=["calls"]).get("/api/v1/hooks")
    assert response.status_code == 403
    assert "events" in response.json()["detail"]


def test_nobody_sees_or_deletes_another_users_hook(
    api_client, kazoo_user, kazoo_admin, outsider, receiver
):
    owner = api_client(kazoo_user, ["events"])
    hook_id = subscribe(owner, receiver.url("/ok")).json()["id"]
    for other in (kazoo_admin, outsider):  # not even the account's administrator
        client = api_client(other, ["events"])
        assert client.get("/api/v1/hooks").json() == []
        assert client.get(f"/api/v1/hooks/{hook_id}").status_code == 404
        assert client.delete(f"/api/v1/hooks/{hook_id}").status_code == 404
    assert Hook.objects.get(id=hook_id).status == Hook.Status.ACTIVE


def test_event_types_serves_the_catalogue(api_client, kazoo_user):
    types = api_client(kazoo_user, ["events"]).get("/api/v1/event-types").json()
    assert [t["type"] for t in types] == [t.value for t in EventType]
    parked = next(t for t in types if t["type"] == "call.parked")
    assert parked["admin_only"] is True and parked["title"] == "Call Parked"


def as_read_by(user, *events) -> list[dict]:
    """The events as a delivery to this user carries them (hooks/rendering.py)."""
    from events.models import Event

    reader = reader_of(user)
    return [for_reader(Event.objects.get(id=event.id), reader) for event in events]


def test_events_lists_the_callers_real_events_newest_first(
    api_client, kazoo_user, kazoo_colleague, make_event
):
    first = make_event(kazoo_user, "call.missed")
    second = make_event(kazoo_user, "call.missed")
    make_event(kazoo_user, "call.ringing")
    make_event(kazoo_colleague, "call.missed")  # not bob's
    from events.models import Event

    Event.objects.filter(id=first.id).update(occurred_at=second.occurred_at.replace(year=2020))
    items = api_client(kazoo_user, ["events"]).get("/api/v1/events?type=call.missed").json()
    assert [item["id"] for item in items] == [second.id, first.id]
    assert items == as_read_by(kazoo_user, second, first)  # the delivered shape, for bob
    assert list(items[0]) == list(EventType.CALL_MISSED.delivered_keys)

    one = api_client(kazoo_user, ["events"]).get("/api/v1/events?type=call.missed&limit=1").json()
    assert one == as_read_by(kazoo_user, second)


def test_events_without_any_yet_give_one_example_with_every_key(api_client, kazoo_user):
    items = api_client(kazoo_user, ["events"]).get("/api/v1/events?type=call.ended").json()
    assert len(items) == 1
    example = items[0]
    assert list(example) == list(EventType.CALL_ENDED.delivered_keys)
    assert all(value is not None for value in example.values())
    assert example["type"] == "call.ended" and example["id"].startswith("example")


def test_events_for_the_account_are_for_administrators(
    api_client, kazoo_user, kazoo_admin, outsider, make_event
):
    bobs = make_event(kazoo_user, "call.missed")
    admin_items = api_client(kazoo_admin, ["events"]).get(
        "/api/v1/events?type=call.missed&scope=account"
    )
    assert admin_items.json() == as_read_by(kazoo_admin, bobs)
    assert (
        api_client(kazoo_user, ["events"])
        .get("/api/v1/events?type=call.missed&scope=account")
        .status_code
        == 403
    )
    outsider_items = api_client(outsider, ["events"]).get(
        "/api/v1/events?type=call.missed&scope=account"
    ).json()
    assert outsider_items[0]["id"].startswith("example")  # nothing of Demo Company


def test_events_accept_the_hook_filters(api_client, kazoo_user, make_event):
    make_event(kazoo_user, "call.missed", direction="internal")
    inbound = make_event(kazoo_user, "call.missed", direction="inbound")
    client = api_client(kazoo_user, ["events"])
    assert client.get("/api/v1/events?type=call.missed&direction=inbound").json() == as_read_by(
        kazoo_user, inbound
    )
    assert client.get("/api/v1/events?type=nope").status_code == 400


def test_the_openapi_schema_covers_every_endpoint_and_the_docs_page_needs_no_cdn(client):
    schema = client.get("/api/schema/?format=json").json()
    for path in ("/api/v1/hooks", "/api/v1/hooks/{hook_id}", "/api/v1/event-types", "/api/v1/events"):
        assert path in schema["paths"], path
    page = client.get("/api/docs/").content.decode()
    assert "swagger" in page.lower()
    # Every script and stylesheet is served from here (the page embeds a random CSRF token, so
    # looking for the word "cdn" anywhere in it failed now and then).
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(asset.endswith(".js") for asset in assets), assets
    assert not [a for a in assets if a.startswith(("http://", "https://", "//"))], assets
