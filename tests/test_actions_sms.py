"""POST /api/v1/sms and GET /api/v1/sms/numbers against the simulator: sent from one's own number
(administrators: any of the account's), numbers refused as for calls, each of Kazoo's
preconditions with its own error, SMS_ENABLED off -> 404 with the reason, the scope, the row."""

import pytest

from calls.models import ActionRequest

pytestmark = pytest.mark.django_db

SMS = ["sms"]
BOB_NUMBER = "+4930555012"
ALICE_NUMBER = "+4930555011"


@pytest.fixture(autouse=True)
def sms_on(settings):
    settings.SMS_ENABLED = True


def setup_of(sim):
    return sim.state.actions.sms_setup[sim.world.demo.id]


def test_a_user_sends_from_their_own_number(kazoo_sim, api_client, kazoo_user):
    response = api_client(kazoo_user, SMS).post(
        "/api/v1/sms", {"to": "+1 415 555 0100", "body": "Running late"}, format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["from"], body["to"], body["route_type"], body["status"]) == (
        BOB_NUMBER,
        "+14155550100",
        "offnet",
        "sent",
    )
    assert kazoo_sim.state.actions.sms_sent[-1]["body"] == "Running late"
    assert body["message_id"] == kazoo_sim.state.actions.sms_sent[-1]["message_id"]
    row = ActionRequest.objects.get()
    assert (row.action, row.status, row.http_status) == ("sms", "done", 201)
    assert row.requested["to"] == "+1 415 555 0100"


def test_a_user_may_not_send_from_a_colleagues_number(kazoo_sim, api_client, kazoo_user):
    response = api_client(kazoo_user, SMS).post(
        "/api/v1/sms", {"to": "+14155550100", "body": "hi", "from": ALICE_NUMBER}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_your_number"
    assert not kazoo_sim.state.actions.sms_sent


def test_an_administrator_sends_from_any_account_number(kazoo_sim, api_client, kazoo_admin):
    client = api_client(kazoo_admin, SMS)
    numbers = client.get("/api/v1/sms/numbers").json()
    assert BOB_NUMBER in [n["id"] for n in numbers]
    response = client.post(
        "/api/v1/sms", {"to": "+14155550100", "body": "hi", "from": "030 555012"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["from"] == BOB_NUMBER


def test_a_users_numbers_are_their_own(kazoo_sim, api_client, kazoo_user):
    numbers = api_client(kazoo_user, SMS).get("/api/v1/sms/numbers").json()
    assert [n["id"] for n in numbers] == [BOB_NUMBER]


@pytest.mark.parametrize(
    ("to", "status", "code"),
    [
        ("+49 30", 400, "invalid_number"),
        ("+49 900 1234567", 403, "blocked_number"),
        ("202", 400, "invalid_number"),
    ],
)
def test_numbers_are_refused_as_for_calls(kazoo_sim, api_client, kazoo_user, to, status, code):
    response = api_client(kazoo_user, SMS).post(
        "/api/v1/sms", {"to": to, "body": "hi"}, format="json"
    )
    assert response.status_code == status, response.json()
    assert response.json()["code"] == code
    assert not kazoo_sim.state.actions.sms_sent


def test_a_blocked_prefix_is_refused(kazoo_sim, api_client, kazoo_user, settings):
    settings.CALLS_BLOCKED_PREFIXES = ["+1415"]
    response = api_client(kazoo_user, SMS).post(
        "/api/v1/sms", {"to": "+14155550100", "body": "hi"}, format="json"
    )
    assert response.status_code == 403
    assert "blocked by your provider" in response.json()["detail"]


@pytest.mark.parametrize(
    ("switch", "status", "code"),
    [
        ("account_enabled", 403, "account_disabled"),
        ("sms_enabled", 403, "sms_not_enabled"),
        ("good_standing", 402, "account_not_in_good_standing"),
        ("reseller_sms_enabled", 503, "sms_not_enabled_reseller"),
        ("reseller_good_standing", 503, "reseller_not_in_good_standing"),
    ],
)
def test_each_of_kazoos_preconditions_has_its_own_error(
    kazoo_sim, api_client, kazoo_user, switch, status, code
):
    setattr(setup_of(kazoo_sim), switch, False)
    response = api_client(kazoo_user, SMS).post(
        "/api/v1/sms", {"to": "+14155550100", "body": "hi"}, format="json"
    )
    assert response.status_code == status, response.json()
    assert response.json()["code"] == code
    row = ActionRequest.objects.get()
    assert (row.error_code, row.http_status) == (code, status)
    assert not kazoo_sim.state.actions.sms_sent


def test_a_from_number_without_sms_and_another_accounts_number(kazoo_sim, api_client, kazoo_admin):
    client = api_client(kazoo_admin, SMS)
    setup_of(kazoo_sim).numbers_without_sms.add(BOB_NUMBER)
    no_sms = client.post(
        "/api/v1/sms", {"to": "+14155550100", "body": "hi", "from": BOB_NUMBER}, format="json"
    )
    assert no_sms.status_code == 409
    assert no_sms.json()["code"] == "number_without_sms"
    other = client.post(
        "/api/v1/sms", {"to": "+14155550100", "body": "hi", "from": "+4940555020"}, format="json"
    )
    assert other.status_code == 403
    assert other.json()["code"] == "not_an_account_number"
    unknown = client.post(
        "/api/v1/sms", {"to": "+14155550100", "body": "hi", "from": "+4989123456"}, format="json"
    )
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "unknown_number"


def test_the_body_is_one_to_700_characters(kazoo_sim, api_client, kazoo_user):
    client = api_client(kazoo_user, SMS)
    assert client.post("/api/v1/sms", {"to": "+14155550100", "body": ""}).status_code == 400
    long = client.post("/api/v1/sms", {"to": "+14155550100", "body": "x" * 701}, format="json")
    assert long.status_code == 400
    assert "body" in long.json()


def test_sms_needs_its_scope(kazoo_sim, api_client, kazoo_user):
    response = api_client(kazoo_user, ["events", "calls", "settings", "callcentre"]).post(
        "/api/v1/sms", {"to": "+14155550100", "body": "hi"}, format="json"
    )
    assert response.status_code == 403
    assert "sms" in response.json()["detail"]


def test_where_sms_is_off_the_api_answers_404_with_the_reason(
    kazoo_sim, api_client, kazoo_user, settings
):
    settings.SMS_ENABLED = False
    client = api_client(kazoo_user, SMS)
    for response in (
        client.post("/api/v1/sms", {"to": "+14155550100", "body": "hi"}, format="json"),
        client.get("/api/v1/sms/numbers"),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "sms_disabled"
        assert "not turned SMS on" in response.json()["detail"]
    assert not kazoo_sim.state.actions.sms_sent
