"""Everything that must fail in the OAuth flow, and fail the right way.

django-oauth-toolkit's real endpoints, in-process; Kazoo is the simulator (the refresh re-check
asks it whether the user still exists).
"""

import base64
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from accounts.models import KazooUser
from accounts.services import REASON_DELETED, REASON_DISABLED
from tests.fixtures.accounts import (
    OAUTH_CLIENT_SECRET,
    OAUTH_REDIRECT_URI,
    authorize_params,
    pkce_pair,
)

pytestmark = pytest.mark.django_db

TOKEN = "/oauth/token/"


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


@pytest.fixture
def token_request(client, oauth_app):
    def post(data: dict[str, str], secret: str = OAUTH_CLIENT_SECRET):
        return client.post(TOKEN, data, HTTP_AUTHORIZATION=basic(oauth_app.client_id, secret))

    return post


@pytest.fixture
def exchange(token_request):
    def run(code: str, verifier: str, **overrides: str):
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": OAUTH_REDIRECT_URI,
            "code_verifier": verifier,
            **overrides,
        }
        return token_request({k: v for k, v in data.items() if v is not None})

    return run


@pytest.fixture
def tokens(get_code, exchange, kazoo_user):
    """A fresh access and refresh token for bob, through the real flow."""
    code, verifier = get_code(kazoo_user)
    response = exchange(code, verifier)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def refresh(token_request):
    def run(refresh_token: str, secret: str = OAUTH_CLIENT_SECRET):
        return token_request(
            {"grant_type": "refresh_token", "refresh_token": refresh_token}, secret=secret
        )

    return run


def me(client, access_token: str):
    return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {access_token}")


# --- authorize ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://evil.example.test/dashboard/auth/oauth/return/App1CLIAPI/",  # another host
        OAUTH_REDIRECT_URI + "extra/",  # an extra path segment
        OAUTH_REDIRECT_URI + "?next=https://evil.example.test/",  # an extra query
        OAUTH_REDIRECT_URI.rstrip("/"),  # not exactly the registered string
        OAUTH_REDIRECT_URI.replace("https://", "http://"),  # another scheme
    ],
)
def test_a_redirect_uri_that_is_not_exactly_registered_is_refused_without_redirecting(
    client, oauth_app, kazoo_user, redirect_uri
):
    client.force_login(kazoo_user)
    _, challenge = pkce_pair()
    response = client.get(
        "/oauth/authorize/", authorize_params(oauth_app, challenge, redirect_uri=redirect_uri)
    )
    assert response.status_code in (200, 400)
    assert "Location" not in response
    assert "This connection cannot be made" in response.content.decode()
    assert "authorizationForm" not in response.content.decode()


def test_pkce_is_required(client, oauth_app, kazoo_user):
    client.force_login(kazoo_user)
    params = authorize_params(oauth_app, "x", code_challenge=None, code_challenge_method=None)
    response = client.get("/oauth/authorize/", params)
    location = response.get("Location", "")
    assert location.startswith(OAUTH_REDIRECT_URI)
    assert parse_qs(urlsplit(location).query)["error"] == ["invalid_request"]


def test_the_plain_pkce_method_gets_no_code(client, oauth_app, kazoo_user):
    client.force_login(kazoo_user)
    params = authorize_params(oauth_app, "a" * 43, code_challenge_method="plain")
    consent = client.get("/oauth/authorize/", params)
    form = consent.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    response = client.post("/oauth/authorize/", {**data, "allow": "Authorize"})
    query = parse_qs(urlsplit(response.get("Location", "")).query)
    assert query["error"] == ["invalid_request"]
    assert "code" not in query


def test_an_unknown_scope_is_refused(client, oauth_app, kazoo_user):
    client.force_login(kazoo_user)
    _, challenge = pkce_pair()
    params = authorize_params(oauth_app, challenge, scope="events admin")
    location = client.get("/oauth/authorize/", params).get("Location", "")
    assert parse_qs(urlsplit(location).query)["error"] == ["invalid_scope"]


def test_an_anonymous_user_is_sent_to_the_kazoo_sign_in(client, oauth_app):
    _, challenge = pkce_pair()
    response = client.get("/oauth/authorize/", authorize_params(oauth_app, challenge))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/oauth/authorize/")


def test_a_staff_session_cannot_authorize_and_must_sign_in_with_kazoo(
    client, oauth_app, staff_user
):
    client.force_login(staff_user)
    _, challenge = pkce_pair()
    response = client.get("/oauth/authorize/", authorize_params(oauth_app, challenge))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_cancel_on_the_consent_page_sends_access_denied_with_the_state(
    client, oauth_app, kazoo_user
):
    client.force_login(kazoo_user)
    _, challenge = pkce_pair()
    consent = client.get("/oauth/authorize/", authorize_params(oauth_app, challenge))
    form = consent.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    response = client.post("/oauth/authorize/", data)  # no "allow"
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["error"] == ["access_denied"]
    assert query["state"] == ["zapier-state-123"]


# --- the code exchange --------------------------------------------------------------------------
def test_a_code_works_once(get_code, exchange, kazoo_user):
    code, verifier = get_code(kazoo_user)
    assert exchange(code, verifier).status_code == 200
    reused = exchange(code, verifier)
    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_grant"


def test_a_wrong_verifier_is_refused(get_code, exchange, kazoo_user):
    code, _ = get_code(kazoo_user)
    other_verifier, _ = pkce_pair()
    response = exchange(code, other_verifier)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_a_missing_verifier_is_refused(get_code, exchange, kazoo_user):
    code, _ = get_code(kazoo_user)
    response = exchange(code, None)
    assert response.status_code == 400
    assert response.json()["error"] in ("invalid_request", "invalid_grant")


def test_a_different_redirect_uri_at_the_exchange_is_refused(get_code, exchange, kazoo_user):
    code, verifier = get_code(kazoo_user)
    response = exchange(code, verifier, redirect_uri=OAUTH_REDIRECT_URI + "other/")
    assert response.status_code in (400, 401)
    assert response.json()["error"] in ("invalid_request", "invalid_grant", "access_denied")


def test_a_wrong_client_secret_is_refused(get_code, token_request, kazoo_user):
    code, verifier = get_code(kazoo_user)
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": OAUTH_REDIRECT_URI,
        "code_verifier": verifier,
    }
    response = token_request(data, secret="not-the-secret")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


# --- using and refreshing tokens ----------------------------------------------------------------
def test_an_expired_access_token_answers_401_so_that_zapier_refreshes(
    client, make_token, kazoo_user
):
    expired = make_token(kazoo_user, expires_in=-1)
    response = me(client, expired)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "not_authenticated"
    assert response.json()["detail"]


def test_no_token_and_a_made_up_token_answer_401(client, db):
    assert client.get("/api/v1/me").status_code == 401
    assert me(client, "made-up").status_code == 401


def test_an_old_refresh_token_after_rotation_is_refused_and_ends_the_whole_family(
    client, tokens, refresh, kazoo_sim
):
    rotated = refresh(tokens["refresh_token"])
    assert rotated.status_code == 200
    new = rotated.json()

    replay = refresh(tokens["refresh_token"])
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    # Reuse of a rotated token means it leaked: the tokens issued from it die too (RFC 9700).
    assert me(client, new["access_token"]).status_code == 401
    assert refresh(new["refresh_token"]).status_code == 400


def test_a_refresh_with_a_wrong_client_secret_is_refused(tokens, refresh, kazoo_sim):
    response = refresh(tokens["refresh_token"], secret="not-the-secret")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_a_revoked_access_token_is_refused(client, oauth_app, tokens):
    response = client.post(
        "/oauth/revoke_token/",
        {"token": tokens["access_token"], "token_type_hint": "access_token"},
        HTTP_AUTHORIZATION=basic(oauth_app.client_id, OAUTH_CLIENT_SECRET),
    )
    assert response.status_code == 200
    assert me(client, tokens["access_token"]).status_code == 401


def test_tokens_are_stored_hashed_never_in_clear(tokens):
    access = get_access_token_model().objects.get()
    assert access.token == ""
    assert tokens["access_token"] not in access.token_checksum
    assert get_refresh_token_model().objects.get().token == ""


# --- users who lose access in Kazoo -------------------------------------------------------------
def test_a_user_disabled_in_kazoo_cannot_refresh_and_staff_see_why(
    client, tokens, refresh, kazoo_sim, disable_in_kazoo
):
    disable_in_kazoo("bob")
    response = refresh(tokens["refresh_token"])
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    profile = KazooUser.objects.get(username="bob")
    assert (profile.is_active, profile.disabled_reason) == (False, REASON_DISABLED)
    assert get_user_model().objects.get(pk=profile.user_id).is_active is False
    # Their access token stops at once too.
    assert me(client, tokens["access_token"]).status_code == 401


def test_a_user_deleted_in_kazoo_cannot_refresh(tokens, refresh, kazoo_sim, delete_in_kazoo):
    delete_in_kazoo("bob")
    assert refresh(tokens["refresh_token"]).json()["error"] == "invalid_grant"
    assert KazooUser.objects.get(username="bob").disabled_reason == REASON_DELETED


def test_a_refresh_while_kazoo_fails_is_temporarily_unavailable_and_keeps_the_tokens(
    client, tokens, refresh, kazoo_sim
):
    kazoo_sim.faults.fail_next(503, count=10, path_contains="/users/")
    response = refresh(tokens["refresh_token"])
    assert response.status_code == 503
    assert response.json()["error"] == "temporarily_unavailable"
    kazoo_sim.faults.clear()
    # Nothing was lost: once Kazoo answers, the same refresh token works.
    assert refresh(tokens["refresh_token"]).status_code == 200


def test_a_refresh_updates_the_mirror_from_kazoo(tokens, refresh, kazoo_sim):
    KazooUser.objects.filter(username="bob").update(name="Stale", is_admin=True)
    assert refresh(tokens["refresh_token"]).status_code == 200
    profile = KazooUser.objects.get(username="bob")
    assert (profile.name, profile.is_admin) == ("Bob Berger", False)


def test_staff_switching_a_user_off_stops_their_access_token(client, tokens, kazoo_user):
    get_user_model().objects.filter(pk=kazoo_user.pk).update(is_active=False)
    assert me(client, tokens["access_token"]).status_code == 401


# --- another account's user ---------------------------------------------------------------------
def test_a_token_speaks_only_for_its_own_user_and_account(client, get_code, exchange, outsider):
    code, verifier = get_code(outsider)
    access = exchange(code, verifier).json()["access_token"]
    body = me(client, access).json()
    assert body["username"] == "dave"
    assert body["account_name"] == "Other Ltd"


def test_a_staff_token_is_not_a_kazoo_user(client, make_token, staff_user):
    response = me(client, make_token(staff_user))
    assert response.status_code == 403
    assert response.json()["code"] == "not_a_kazoo_user"
