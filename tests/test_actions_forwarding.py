"""PUT /api/v1/users/{id}/call-forwarding and /do-not-disturb against the simulator: the user
document PATCHed (deep-merged), normalization and refusals of the number, tenancy, scopes, rows."""

import pytest

from calls.models import ActionRequest
from kazoo_zapier.kazoo.simulator.world import kazoo_id

pytestmark = pytest.mark.django_db

BOB = kazoo_id("user:bob")
CAROL = kazoo_id("user:carol")
SETTINGS = ["settings"]


def forwarding_url(user_id: str = "me") -> str:
    return f"/api/v1/users/{user_id}/call-forwarding"


def doc_in_sim(sim, user_id: str = BOB) -> dict:
    account = sim.world.demo
    user = account.user(user_id)
    from kazoo_zapier.kazoo.simulator.crossbar import user_document

    return sim._call(user_document, sim, account, user)


def test_forwarding_on_with_kazoos_options_then_off_keeps_the_number(
    kazoo_sim, api_client, kazoo_user
):
    client = api_client(kazoo_user, SETTINGS)

    on = client.put(
        forwarding_url(),
        {
            "enabled": True,
            "number": "0151 2345 6789",
            "keep_caller_id": False,
            "require_keypress": False,
            "direct_calls_only": True,
            "ring_phones_too": True,
        },
        format="json",
    )

    assert on.status_code == 200, on.json()
    assert on.json()["call_forward"] == {
        "enabled": True,
        "number": "+4915123456789",  # national, normalized in DEFAULT_PHONE_REGION (DE)
        "keep_caller_id": False,
        "require_keypress": False,
        "direct_calls_only": True,
        "ring_phones_too": True,
    }
    forward = doc_in_sim(kazoo_sim)["call_forward"]
    assert forward["substitute"] is False  # "ring the phones too" in Kazoo's words
    assert forward["ignore_early_media"] is True  # untouched keys survive the deep merge

    off = client.put(forwarding_url(), {"enabled": False}, format="json")
    assert off.status_code == 200, off.json()
    assert off.json()["call_forward"]["enabled"] is False
    assert off.json()["call_forward"]["number"] == "+4915123456789"
    assert off.json()["call_forward"]["direct_calls_only"] is True
    assert off.json()["detail"] == "Call forwarding for Bob Berger is off."

    rows = list(ActionRequest.objects.order_by("id"))
    assert [(r.action, r.status, r.target_id) for r in rows] == [
        ("call_forward", "done", BOB),
        ("call_forward", "done", BOB),
    ]
    assert rows[0].kazoo_response["number"] == "+4915123456789"
    assert rows[0].requested["number"] == "0151 2345 6789"


def test_forwarding_needs_a_number(kazoo_sim, api_client, kazoo_user):
    response = api_client(kazoo_user, SETTINGS).put(
        forwarding_url(), {"enabled": True}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["number"] == ["Call forwarding needs a number to forward to."]
    assert doc_in_sim(kazoo_sim)["call_forward"]["enabled"] is False
    assert ActionRequest.objects.get().status == "refused"


def test_a_bad_number_is_not_a_phone_number(kazoo_sim, api_client, kazoo_user):
    response = api_client(kazoo_user, SETTINGS).put(
        forwarding_url(), {"enabled": True, "number": "+49 30"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["number"][0].startswith("The number '+49 30' is not a phone number")


def test_premium_and_blocked_numbers_are_refused(kazoo_sim, api_client, kazoo_user, settings):
    settings.CALLS_BLOCKED_PREFIXES = ["+882"]
    client = api_client(kazoo_user, SETTINGS)
    premium = client.put(forwarding_url(), {"enabled": True, "number": "+49 900 1234567"})
    assert premium.status_code == 403, premium.json()
    assert "premium-rate" in premium.json()["detail"]
    blocked = client.put(forwarding_url(), {"enabled": True, "number": "+882 1234 5678"})
    assert blocked.status_code in (400, 403)
    assert doc_in_sim(kazoo_sim)["call_forward"]["enabled"] is False


def test_an_administrator_forwards_a_users_calls(kazoo_sim, api_client, kazoo_admin):
    response = api_client(kazoo_admin, SETTINGS).put(
        forwarding_url(CAROL), {"enabled": True, "number": "+14155550100"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert doc_in_sim(kazoo_sim, CAROL)["call_forward"]["number"] == "+14155550100"


def test_a_user_cannot_forward_a_colleagues_calls(kazoo_sim, api_client, kazoo_user):
    response = api_client(kazoo_user, SETTINGS).put(
        forwarding_url(CAROL), {"enabled": True, "number": "+14155550100"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"].startswith(
        "You may only change call forwarding for yourself, not for Carol Clark."
    )
    assert doc_in_sim(kazoo_sim, CAROL)["call_forward"]["enabled"] is False
    assert ActionRequest.objects.get().error_code == "not_your_user"


def test_another_accounts_user_is_404(kazoo_sim, api_client, outsider):
    response = api_client(outsider, SETTINGS).put(
        forwarding_url(BOB), {"enabled": False}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "user_not_found"


def test_settings_need_the_settings_scope(kazoo_sim, api_client, kazoo_user):
    response = api_client(kazoo_user, ["events", "calls", "callcentre"]).put(
        forwarding_url(), {"enabled": False}, format="json"
    )
    assert response.status_code == 403
    assert "settings" in response.json()["detail"]


def test_do_not_disturb_on_and_off(kazoo_sim, api_client, kazoo_user):
    client = api_client(kazoo_user, SETTINGS)

    on = client.put("/api/v1/users/me/do-not-disturb", {"enabled": True}, format="json")
    assert on.status_code == 200, on.json()
    assert on.json()["do_not_disturb"] is True
    assert doc_in_sim(kazoo_sim)["do_not_disturb"] == {"enabled": True}

    off = client.put("/api/v1/users/me/do-not-disturb", {"enabled": False}, format="json")
    assert off.json()["do_not_disturb"] is False
    assert [r.action for r in ActionRequest.objects.all()] == ["do_not_disturb"] * 2


def test_do_not_disturb_needs_enabled(kazoo_sim, api_client, kazoo_user):
    response = api_client(kazoo_user, SETTINGS).put(
        "/api/v1/users/me/do-not-disturb", {}, format="json"
    )
    assert response.status_code == 400
    assert "enabled" in response.json()


def test_kazoos_validation_error_is_told(kazoo_sim, crossbar_client):
    """The simulator validates the merged document as Kazoo does (a 40-character number)."""
    from kazoo_zapier.kazoo.errors import KazooValidationError

    with pytest.raises(KazooValidationError) as caught:
        crossbar_client.patch_user(
            kazoo_sim.world.demo.id, BOB, {"call_forward": {"number": "1" * 40}}
        )
    assert "maxLength" in caught.value.data["call_forward.number"]


@pytest.fixture
def crossbar_client(kazoo_sim):
    from kazoo_zapier.kazoo.crossbar import CrossbarClient

    return CrossbarClient(kazoo_sim.api_url, kazoo_sim.world.api_key)


def test_staff_read_every_change_in_the_admin_and_cannot_edit_it(
    kazoo_sim, api_client, kazoo_user, client, staff_user
):
    api_client(kazoo_user, SETTINGS).put(
        forwarding_url(), {"enabled": True, "number": "+14155550100"}, format="json"
    )
    api_client(kazoo_user, SETTINGS).put(
        forwarding_url(CAROL), {"enabled": True, "number": "+14155550100"}, format="json"
    )
    client.force_login(staff_user)

    listing = client.get("/admin/calls/actionrequest/?q=Carol")
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "Carol Clark" in text and "Refused (by us)" in text
    assert 'field-target_name">Bob Berger' not in text  # Bob's own change is not a match
    assert 'field-user_name">Bob Berger' in text  # who tried to change Carol's settings
    done = ActionRequest.objects.get(status="done")
    page = client.get(f"/admin/calls/actionrequest/{done.pk}/change/")
    assert page.status_code == 200
    assert "+14155550100" in page.content.decode()  # Kazoo's answer
    assert client.get("/admin/calls/actionrequest/add/").status_code == 403
