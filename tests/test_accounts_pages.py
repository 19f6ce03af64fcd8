"""The connect page, the consent page and the error pages: content, branding, revocation."""

import pytest
from django.core.checks import run_checks
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from tests.fixtures.accounts import authorize_params, pkce_pair

pytestmark = pytest.mark.django_db

BRANDING = {
    "name": "Acme Voice",
    "portal_url": "https://portal.acme.example.test/",
    "logo_url": "https://portal.acme.example.test/logo.png",
    "primary_color": "#123456",
    "accent_color": "#abcdef",
    "support_email": "help@acme.example.test",
}


@pytest.mark.parametrize("path", ["/accounts/login/", "/connect/", "/no-such-page/"])
def test_every_page_carries_the_providers_branding(client, path, settings):
    # One settings mechanism only: pytest-django's fixture restores in the right order.
    settings.BRANDING = BRANDING
    settings.DEBUG = False
    html = client.get(path).content.decode()
    assert "Acme Voice" in html
    assert "#123456" in html and "#abcdef" in html
    assert 'src="https://portal.acme.example.test/logo.png"' in html
    assert 'href="https://portal.acme.example.test/"' in html
    assert "help@acme.example.test" in html


def test_the_404_page_is_branded_and_says_404(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_consent_page_says_which_app_what_it_may_do_and_as_whom(client, oauth_app, kazoo_user):
    client.force_login(kazoo_user)
    _, challenge = pkce_pair()
    html = client.get("/oauth/authorize/", authorize_params(oauth_app, challenge)).content.decode()
    assert 'Allow <span class="app-name">Zapier</span>' in html
    assert "Receive your call events" in html
    assert "Place calls from your phone" in html
    assert "Bob Berger" in html and "Demo Company" in html and "extension 202" in html
    # An ordinary user is not told about account-wide events.
    assert "administrator" not in html


def test_the_consent_page_shows_only_the_scopes_asked_for(client, oauth_app, kazoo_admin):
    client.force_login(kazoo_admin)
    _, challenge = pkce_pair()
    params = authorize_params(oauth_app, challenge, scope="events")
    html = client.get("/oauth/authorize/", params).content.decode()
    assert "Receive your call events" in html
    assert "Place calls" not in html
    assert "administrator of Demo Company" in html


def test_the_connect_page_explains_and_links_to_zapier_for_everyone(client, settings):
    settings.ZAPIER_APP_URL = "https://zapier.example.test/apps/acme/integrations"
    html = client.get("/connect/").content.decode()
    assert 'href="https://zapier.example.test/apps/acme/integrations"' in html
    assert "Missed" in html or "missed" in html
    assert "Sign in</a> to see the apps" in html


def test_the_connect_page_lists_my_apps_and_not_other_peoples(
    client, make_token, kazoo_user, outsider
):
    make_token(kazoo_user, ["events"], refresh=True)
    client.force_login(outsider)
    assert "No app has signed in with your account" in client.get("/connect/").content.decode()
    client.force_login(kazoo_user)
    html = client.get("/connect/").content.decode()
    assert 'data-app="Zapier"' in html
    assert "receive your call events" in html


def test_disconnecting_an_app_revokes_its_tokens(client, make_token, kazoo_user, oauth_app):
    access, _ = make_token(kazoo_user, refresh=True)
    client.force_login(kazoo_user)
    response = client.post(f"/connect/revoke/{oauth_app.pk}/")
    assert response.status_code == 302
    assert not get_access_token_model().objects.filter(user=kazoo_user).exists()
    assert get_refresh_token_model().objects.get(user=kazoo_user).revoked is not None
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {access}").status_code == 401
    html = client.get("/connect/").content.decode()
    assert "Zapier is disconnected" in html
    assert 'data-app="Zapier"' not in html


def test_disconnecting_touches_only_my_own_tokens(
    client, make_token, kazoo_user, kazoo_colleague, oauth_app
):
    colleague_token = make_token(kazoo_colleague)
    client.force_login(kazoo_user)
    client.post(f"/connect/revoke/{oauth_app.pk}/")
    assert (
        client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {colleague_token}").status_code == 200
    )


def test_disconnecting_needs_a_post_and_a_signed_in_user(client, oauth_app, kazoo_user):
    assert client.post(f"/connect/revoke/{oauth_app.pk}/").status_code == 302  # to sign in
    client.force_login(kazoo_user)
    assert client.get(f"/connect/revoke/{oauth_app.pk}/").status_code == 405


@pytest.mark.parametrize(
    "key,value",
    [
        ("primary_color", "red; } body { display: none"),
        ("accent_color", "#12345g"),
        ("logo_url", "javascript:alert(1)"),
    ],
)
def test_branding_that_is_unsafe_in_a_page_fails_the_system_check(settings, key, value):
    settings.BRANDING = {**settings.BRANDING, key: value}
    ids = {message.id for message in run_checks()}
    assert ids & {"accounts.E001", "accounts.E002"}


def test_the_default_branding_passes_the_system_check():
    ids = {message.id for message in run_checks()}
    assert not ids & {"accounts.E001", "accounts.E002"}
