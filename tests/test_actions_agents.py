"""POST /api/v1/agents/{id}/status and GET /api/v1/agents against the simulator: each change in
Kazoo's agent state and confirmed from it, idempotence, tenancy, scopes, and the admin row."""

import pytest

from calls import agents
from calls.models import ActionRequest
from kazoo_zapier.kazoo.simulator.world import kazoo_id

pytestmark = pytest.mark.django_db

BOB = kazoo_id("user:bob")
CAROL = kazoo_id("user:carol")
SUPPORT = kazoo_id("queue:support")
CALLCENTRE = ["callcentre"]


def url(user_id: str = "me") -> str:
    return f"/api/v1/agents/{user_id}/status"


def status_in_sim(sim, agent_id: str = BOB) -> str:
    return sim.state.agent_status.get(sim.world.demo.id, {}).get(agent_id, "logged_out")


def queues_in_sim(sim, agent_id: str = BOB) -> list[str]:
    return sim.state.actions.agent_queues[sim.world.demo.id].get(agent_id, [])


def test_an_agent_logs_out_and_in_again_confirmed_from_kazoos_state(
    kazoo_sim, api_client, kazoo_user
):
    client = api_client(kazoo_user, CALLCENTRE)

    out = client.post(url(), {"action": "logout"}, format="json")

    assert out.status_code == 200, out.json()
    body = out.json()
    assert (body["status"], body["previous_status"], body["confirmed"], body["changed"]) == (
        "logged_out",
        "ready",
        True,
        True,
    )
    assert body["agent_name"] == "Bob Berger"
    assert status_in_sim(kazoo_sim) == "logged_out"

    back = client.post(url(), {"action": "login"}, format="json")
    assert back.status_code == 200, back.json()
    assert back.json()["status"] == "ready"
    assert back.json()["queues"] == [{"id": SUPPORT, "name": "Support"}]
    assert status_in_sim(kazoo_sim) == "ready"

    rows = list(ActionRequest.objects.order_by("id"))
    assert [(r.action, r.status, r.http_status, r.target_name) for r in rows] == [
        ("agent_logout", "done", 200, "Bob Berger"),
        ("agent_login", "done", 200, "Bob Berger"),
    ]
    assert rows[0].kazoo_response == "status update sent"  # Kazoo's fire-and-forget answer
    assert rows[0].user == kazoo_user


def test_logging_in_an_agent_who_is_logged_in_answers_200_with_the_state(
    kazoo_sim, api_client, kazoo_user
):
    before = kazoo_sim.crossbar.requests_served
    response = api_client(kazoo_user, CALLCENTRE).post(url(), {"action": "login"}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ready"
    assert response.json()["changed"] is False
    assert "already" in response.json()["detail"]
    assert kazoo_sim.crossbar.requests_served > before  # it read the state: a real answer
    assert ActionRequest.objects.get().status == "done"


def test_a_pause_for_minutes_sends_a_number_and_resume_ends_it(kazoo_sim, api_client, kazoo_user):
    client = api_client(kazoo_user, CALLCENTRE)

    paused = client.post(url(), {"action": "pause", "minutes": 15}, format="json")

    assert paused.status_code == 200, paused.json()
    assert paused.json()["status"] == "paused"
    timer = kazoo_sim.state.actions.pause_timers[(kazoo_sim.world.demo.id, BOB)]
    # 15 minutes from now, in the simulator's loop time: Kazoo got 900 as a JSON number.
    assert 890 < timer.when() - kazoo_sim._loop.time() <= 900

    resumed = client.post(url(), {"action": "resume"}, format="json")
    assert resumed.status_code == 200, resumed.json()
    assert resumed.json()["status"] == "ready"
    assert (kazoo_sim.world.demo.id, BOB) not in kazoo_sim.state.actions.pause_timers


def test_a_pause_until_resumed_has_no_end(kazoo_sim, api_client, kazoo_user):
    response = api_client(kazoo_user, CALLCENTRE).post(url(), {"action": "pause"}, format="json")

    assert response.status_code == 200, response.json()
    assert status_in_sim(kazoo_sim) == "paused"
    assert not kazoo_sim.state.actions.pause_timers


def test_end_wrapup_makes_a_wrapping_up_agent_ready(kazoo_sim, api_client, kazoo_user):
    kazoo_sim._call(
        kazoo_sim.state.apply_agent_status,
        kazoo_sim.world.demo.id,
        {"agent_id": BOB, "status": "wrapup"},
    )
    response = api_client(kazoo_user, CALLCENTRE).post(
        url(), {"action": "end_wrapup"}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert (response.json()["previous_status"], response.json()["status"]) == ("wrapup", "ready")


def test_logging_out_of_one_queue_and_back_into_all(kazoo_sim, api_client, kazoo_user):
    client = api_client(kazoo_user, CALLCENTRE)

    out = client.post(url(), {"action": "logout", "queue_id": SUPPORT}, format="json")

    assert out.status_code == 200, out.json()
    assert out.json()["queues"] == []
    assert queues_in_sim(kazoo_sim) == []

    back = client.post(url(), {"action": "login"}, format="json")
    assert back.status_code == 200, back.json()
    assert queues_in_sim(kazoo_sim) == [SUPPORT]


def test_a_change_kazoo_does_not_show_is_answered_202_unconfirmed(
    kazoo_sim, api_client, kazoo_user, monkeypatch
):
    monkeypatch.setattr(agents, "CONFIRM_SECONDS", 0.3)
    kazoo_sim._call(
        kazoo_sim.state.apply_agent_status,
        kazoo_sim.world.demo.id,
        {"agent_id": BOB, "status": "connected"},
    )
    response = api_client(kazoo_user, CALLCENTRE).post(url(), {"action": "pause"}, format="json")

    assert response.status_code == 202, response.json()
    assert response.json()["confirmed"] is False
    assert "on a queue call" in response.json()["detail"]
    assert ActionRequest.objects.get().status == "unconfirmed"


def test_pausing_a_logged_out_agent_says_to_log_them_in_first(kazoo_sim, api_client, kazoo_user):
    client = api_client(kazoo_user, CALLCENTRE)
    client.post(url(), {"action": "logout"}, format="json")

    response = client.post(url(), {"action": "pause"}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "agent_logged_out"
    assert "log them in first" in response.json()["detail"]


def test_someone_in_no_queue_is_told_so(kazoo_sim, api_client, kazoo_admin):
    response = api_client(kazoo_admin, CALLCENTRE).post(url(), {"action": "login"}, format="json")

    assert response.status_code == 409
    assert response.json() == {
        "code": "not_an_agent",
        "detail": "Alice Admin is not an agent of a call-centre queue. Ask your administrator "
        "to add them to a queue first.",
    }
    row = ActionRequest.objects.get()
    assert (row.status, row.http_status, row.error_code) == ("refused", 409, "not_an_agent")


def test_an_administrator_changes_any_agent_of_the_account(kazoo_sim, api_client, kazoo_admin):
    response = api_client(kazoo_admin, CALLCENTRE).post(
        url(CAROL), {"action": "logout"}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert status_in_sim(kazoo_sim, CAROL) == "logged_out"
    row = ActionRequest.objects.get()
    assert (row.kazoo_user_id, row.target_id) == (kazoo_admin.kazoo.kazoo_id, CAROL)


def test_a_user_cannot_change_a_colleague(kazoo_sim, api_client, kazoo_user):
    response = api_client(kazoo_user, CALLCENTRE).post(
        url(CAROL), {"action": "logout"}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "not_your_user"
    assert "Carol Clark" in response.json()["detail"]
    assert status_in_sim(kazoo_sim, CAROL) == "ready"


def test_another_accounts_agent_is_404(kazoo_sim, api_client, outsider, kazoo_admin):
    response = api_client(kazoo_admin, CALLCENTRE).post(
        url(kazoo_id("user:dave")), {"action": "login"}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "user_not_found"
    # ...and the other way round: Dave administers Other Ltd, not Demo Company.
    response = api_client(outsider, CALLCENTRE).post(url(BOB), {"action": "logout"}, format="json")
    assert response.status_code == 404
    assert status_in_sim(kazoo_sim) == "ready"


def test_a_token_without_callcentre_is_refused_and_old_tokens_still_work(
    kazoo_sim, api_client, kazoo_user
):
    old = api_client(kazoo_user, ["events", "calls"])  # issued before the scope existed

    refused = old.post(url(), {"action": "logout"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "insufficient_scope"
    assert "callcentre" in refused.json()["detail"]
    assert old.get("/api/v1/devices").status_code == 200  # what it had, it keeps
    assert status_in_sim(kazoo_sim) == "ready"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "dance"}, "action"),
        ({"action": "pause", "minutes": 0}, "minutes"),
        ({"action": "resume", "minutes": 5}, "minutes"),
        ({"action": "pause", "queue_id": SUPPORT}, "queue_id"),
    ],
)
def test_bad_input_is_a_field_error(kazoo_sim, api_client, kazoo_user, body, field):
    response = api_client(kazoo_user, CALLCENTRE).post(url(), body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_an_unknown_queue_is_404_and_another_queue_409(kazoo_sim, api_client, kazoo_user):
    response = api_client(kazoo_user, CALLCENTRE).post(
        url(), {"action": "login", "queue_id": "f" * 32}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "queue_not_found"


def test_kazoo_down_is_503_and_a_row(kazoo_sim, api_client, kazoo_user):
    kazoo_sim.faults.fail_next(503, count=5, path_contains="/agents/")
    response = api_client(kazoo_user, CALLCENTRE).post(url(), {"action": "logout"}, format="json")
    assert response.status_code == 502
    assert ActionRequest.objects.get().status == "failed"


# --- listing and Find Agent ---------------------------------------------------------------------
def test_an_administrator_lists_and_finds_agents(kazoo_sim, api_client, kazoo_admin):
    client = api_client(kazoo_admin, CALLCENTRE)

    listed = client.get("/api/v1/agents")
    assert listed.status_code == 200
    assert [(a["name"], a["status"]) for a in listed.json()] == [
        ("Bob Berger", "ready"),
        ("Carol Clark", "ready"),
    ]
    assert listed.json()[0]["queues"] == [{"id": SUPPORT, "name": "Support"}]
    assert [a["id"] for a in client.get("/api/v1/agents?q=203").json()] == [CAROL]
    assert [a["id"] for a in client.get("/api/v1/agents?q=berg").json()] == [BOB]
    assert client.get("/api/v1/agents?q=nobody").json() == []


def test_a_user_finds_only_themself(kazoo_sim, api_client, kazoo_user):
    client = api_client(kazoo_user, CALLCENTRE)
    assert [a["id"] for a in client.get("/api/v1/agents").json()] == [BOB]
    assert client.get("/api/v1/agents?q=carol").json() == []
