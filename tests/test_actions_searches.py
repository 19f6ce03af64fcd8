"""The searches against the simulator: Find User (extension, email, name, number; devices and
"on a call now"), Find Recent Call (CDRs in call.ended's fields), an empty list when nothing is
found, errors a Zapier user can act on, and tenancy."""

from datetime import UTC, datetime, timedelta

import pytest

from kazoo_zapier.kazoo.simulator.world import kazoo_id

pytestmark = pytest.mark.django_db

BOB = kazoo_id("user:bob")
# At speed 0 the simulator plays a call's minutes at once, so its CDRs are dated up to minutes
# ahead: the searches look until an hour from now.
LATER = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
CAROL = kazoo_id("user:carol")


def test_an_administrator_finds_a_user_each_way(kazoo_sim, api_client, kazoo_admin):
    client = api_client(kazoo_admin, ["events"])
    for query in ("extension=202", "email=BOB@demo.example.com", "name=berg", "number=030555012"):
        found = client.get(f"/api/v1/users/search?{query}")
        assert found.status_code == 200, (query, found.json())
        assert [u["id"] for u in found.json()] == [BOB], query
    bob = client.get("/api/v1/users/search?extension=202").json()[0]
    assert bob["name"] == "Bob Berger"
    assert bob["number"] == "+4930555012"
    assert bob["on_a_call"] is False
    assert sorted(d["name"] for d in bob["devices"]) == ["Bob Desk Phone", "Bob Softphone"]


def test_find_user_says_whether_they_are_on_a_call_now(kazoo_sim, api_client, kazoo_admin):
    # A call that rings Bob and is not over yet: his device legs are live channels.
    from kazoo_zapier.kazoo.simulator.scenarios import build_scenario

    scenario = build_scenario(
        "inbound_to_user",
        kazoo_sim.world,
        start=0,
        rng=__import__("random").Random(3),
        user_id=BOB,
    )
    for step in scenario.steps:
        if step.kind == "event" and step.name == "CHANNEL_DESTROY":
            break
        if step.kind == "event":
            kazoo_sim.publish(step.account_id, step.name, step.data)
    found = api_client(kazoo_admin, ["events"]).get("/api/v1/users/search?extension=202").json()
    assert found[0]["on_a_call"] is True


def test_nothing_found_is_an_empty_list(kazoo_sim, api_client, kazoo_admin):
    client = api_client(kazoo_admin, ["calls"])
    assert client.get("/api/v1/users/search?extension=999").json() == []
    assert client.get("/api/v1/users/search?number=%2B14155550100").json() == []


def test_find_user_needs_something_to_search_for_and_a_real_number(
    kazoo_sim, api_client, kazoo_admin
):
    client = api_client(kazoo_admin, ["events"])
    empty = client.get("/api/v1/users/search")
    assert empty.status_code == 400
    assert "Give an extension, an email, a name or a phone number" in empty.json()["detail"]
    bad = client.get("/api/v1/users/search?number=%2B49 30")
    assert bad.status_code == 400
    assert bad.json()["number"] == ["The number '+49 30' is not a phone number."]


def test_a_user_finds_only_themself(kazoo_sim, api_client, kazoo_user):
    client = api_client(kazoo_user, ["events"])
    assert [u["id"] for u in client.get("/api/v1/users/search?name=bob").json()] == [BOB]
    assert client.get("/api/v1/users/search?extension=203").json() == []


def test_searches_need_a_scope(kazoo_sim, api_client, kazoo_admin):
    client = api_client(kazoo_admin, ["sms"])
    assert client.get("/api/v1/users/search?extension=202").status_code == 403
    assert client.get("/api/v1/calls/recent?number=%2B14155550100").status_code == 403


# --- Find Recent Call ---------------------------------------------------------------------------
def test_the_latest_call_with_a_number_in_call_ended_fields(kazoo_sim, api_client, kazoo_admin):
    first = kazoo_sim.play("inbound_answered", wait=True, user_id=CAROL, from_number="+14155550100")
    kazoo_sim.play("inbound_answered", wait=True, user_id=CAROL, from_number="+442079460958")

    found = api_client(kazoo_admin, ["events"]).get(
        f"/api/v1/calls/recent?number=%2B1 (415) 555-0100&limit=5&until={LATER}"
    )

    assert found.status_code == 200, found.json()
    assert len(found.json()) == 1
    call = found.json()[0]
    assert call["call_id"] == first["call_id"]  # the call's events carry this call_id
    assert call["direction"] == "inbound"
    assert call["from_number"] == "+14155550100"
    assert (call["answered"], call["result"]) == (True, "answered")
    assert call["user_id"] == CAROL
    assert call["user_name"] == "Carol Clark"
    assert call["talk_seconds"] > 0
    assert call["duration_seconds"] >= call["talk_seconds"]


def test_recent_calls_of_one_user_and_none_in_the_window(kazoo_sim, api_client, kazoo_admin):
    kazoo_sim.play("inbound_answered", wait=True, user_id=CAROL, from_number="+14155550100")
    client = api_client(kazoo_admin, ["events"])
    assert (
        client.get(f"/api/v1/calls/recent?number=%2B14155550100&user_id={BOB}&until={LATER}").json()
        == []
    )
    assert len(
        client.get(
            f"/api/v1/calls/recent?number=%2B14155550100&user_id={CAROL}&until={LATER}"
        ).json()
    )
    old = client.get(
        "/api/v1/calls/recent?number=%2B14155550100"
        "&since=2020-01-01T00:00:00Z&until=2020-01-02T00:00:00Z"
    )
    assert old.json() == []


def test_a_user_sees_only_their_own_calls(kazoo_sim, api_client, kazoo_user):
    kazoo_sim.play("inbound_answered", wait=True, user_id=CAROL, from_number="+14155550100")
    client = api_client(kazoo_user, ["calls"])
    assert client.get(f"/api/v1/calls/recent?number=%2B14155550100&until={LATER}").json() == []
    colleague = client.get(
        f"/api/v1/calls/recent?number=%2B14155550100&user_id={CAROL}&until={LATER}"
    )
    assert colleague.status_code == 403


def test_recent_call_errors(kazoo_sim, api_client, kazoo_admin):
    client = api_client(kazoo_admin, ["events"])
    bad = client.get("/api/v1/calls/recent?number=12ab")
    assert bad.status_code == 400
    assert bad.json()["number"] == ["The number '12ab' is not a phone number."]
    wide = client.get(
        "/api/v1/calls/recent?number=%2B14155550100"
        "&since=2020-01-01T00:00:00Z&until=2020-03-01T00:00:00Z"
    )
    assert wide.status_code == 400
    assert "31 days" in wide.json()["detail"]
    assert client.get("/api/v1/calls/recent").status_code == 400
