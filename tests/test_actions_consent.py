"""The consent page lists only the scopes the app asks for (the new ones included), and tokens
issued before the new scopes keep what they had."""

import base64
import hashlib
from urllib.parse import urlencode

import pytest

from tests.fixtures.accounts import OAUTH_REDIRECT_URI

pytestmark = pytest.mark.django_db

VERIFIER = "v" * 64
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=")


def consent_page(client, oauth_app, scope: str):
    query = urlencode(
        {
            "client_id": oauth_app.client_id,
            "response_type": "code",
            "redirect_uri": OAUTH_REDIRECT_URI,
            "scope": scope,
            "state": "s1",
            "code_challenge": CHALLENGE.decode(),
            "code_challenge_method": "S256",
        }
    )
    return client.get(f"/oauth/authorize/?{query}")


def test_the_consent_page_lists_only_what_the_app_asks_for(
    client, oauth_app, kazoo_admin, settings
):
    client.force_login(kazoo_admin)
    descriptions = settings.OAUTH2_PROVIDER["SCOPES"]

    page = consent_page(client, oauth_app, "events calls")
    assert page.status_code == 200
    text = page.content.decode()
    assert descriptions["events"] in text and descriptions["calls"] in text
    assert descriptions["settings"] not in text
    assert descriptions["callcentre"] not in text
    assert "call forwarding" not in text

    page = consent_page(client, oauth_app, "events calls settings callcentre")
    text = page.content.decode()
    assert descriptions["settings"] in text and descriptions["callcentre"] in text
    assert "change their call forwarding, log agents in and out" in text  # the admin's hint


def test_sms_is_no_scope_where_sms_is_off(settings):
    # SMS_ENABLED is off in the test settings: no app can ask for it.
    assert "sms" not in settings.OAUTH2_PROVIDER["SCOPES"]
    assert {"settings", "callcentre"} <= set(settings.OAUTH2_PROVIDER["SCOPES"])
    assert settings.OAUTH2_PROVIDER["DEFAULT_SCOPES"] == ["events", "calls"]


def test_a_token_issued_before_keeps_working_with_what_it_had(kazoo_sim, api_client, kazoo_user):
    old = api_client(kazoo_user, ["events", "calls"])
    assert old.get("/api/v1/me").json()["scopes"] == ["calls", "events"]
    assert old.get("/api/v1/devices").status_code == 200
    assert old.get("/api/v1/users/search?name=bob").status_code == 200  # searches: any scope
    for path in ("/api/v1/users/me/do-not-disturb", "/api/v1/users/me/call-forwarding"):
        refused = old.put(path, {"enabled": True}, format="json")
        assert refused.status_code == 403
        assert "Reconnect the app and allow it" in refused.json()["detail"]
