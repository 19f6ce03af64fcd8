"""The whole OAuth 2.0 flow as Zapier runs it, with a real client library (requests-oauthlib)
against the live server and the Kazoo simulator: authorize, sign in, consent, exchange the code
with the PKCE verifier, /api/v1/me, refresh, refresh again with the new token, revoke."""

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from requests_oauthlib import OAuth2Session

from kazoo_zapier.kazoo.simulator.world import DEMO_PASSWORD
from tests.fixtures.accounts import OAUTH_CLIENT_SECRET, OAUTH_REDIRECT_URI

pytestmark = pytest.mark.django_db(transaction=True)


class _Inputs(HTMLParser):
    """The <input>s of a page's forms, by name (the tests' stand-in for a browser)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("name"):
            self.values.setdefault(attributes["name"], attributes.get("value") or "")


def form_inputs(html: str) -> dict[str, str]:
    parser = _Inputs()
    parser.feed(html)
    return parser.values


def sign_in_and_allow(
    browser: requests.Session,
    authorization_url: str,
    *,
    account_name: str = "Demo Company",
    username: str = "bob",
    password: str = DEMO_PASSWORD,
) -> str:
    """What the user does in the browser; returns where the server finally sends them.

    Redirects are followed by hand and never to the redirect URI: that host is Zapier's.
    """
    response = browser.get(authorization_url, allow_redirects=False)
    assert response.status_code == 302
    login_url = urljoin(authorization_url, response.headers["Location"])
    assert urlsplit(login_url).path == "/accounts/login/"

    login_page = browser.get(login_url)
    assert "Sign in" in login_page.text
    fields = form_inputs(login_page.text)
    fields.update(account_name=account_name, username=username, password=password)
    response = browser.post(login_url, data=fields, allow_redirects=False)
    assert response.status_code == 302, response.text[:1000]
    back = urljoin(login_url, response.headers["Location"])
    assert urlsplit(back).path == "/oauth/authorize/"

    consent = browser.get(back, allow_redirects=False)
    assert consent.status_code == 200
    assert "Zapier" in consent.text
    fields = form_inputs(consent.text)
    fields["allow"] = "Authorize"
    response = browser.post(back, data=fields, allow_redirects=False)
    assert response.status_code == 302, response.text[:1000]
    return response.headers["Location"]


@pytest.fixture
def insecure_transport_for_loopback(monkeypatch):
    # requests-oauthlib refuses http:// token URLs; the live server speaks plain http on loopback.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


@pytest.fixture
def zapier(live_server, oauth_app, insecure_transport_for_loopback):
    def session(**kwargs) -> OAuth2Session:
        return OAuth2Session(
            oauth_app.client_id,
            redirect_uri=OAUTH_REDIRECT_URI,
            scope=["events", "calls"],
            pkce="S256",
            **kwargs,
        )

    return session


def test_the_whole_flow_from_authorize_to_revoke(live_server, kazoo_sim, zapier, oauth_app):
    base = live_server.url
    token_url = f"{base}/oauth/token/"
    oauth = zapier()
    authorization_url, state = oauth.authorization_url(f"{base}/oauth/authorize/")
    assert "code_challenge_method=S256" in authorization_url

    with requests.Session() as browser:
        callback = sign_in_and_allow(browser, authorization_url)
    assert callback.startswith(OAUTH_REDIRECT_URI + "?")
    query = parse_qs(urlsplit(callback).query)
    assert query["state"] == [state]  # state passed through untouched

    token = oauth.fetch_token(
        token_url, authorization_response=callback, client_secret=OAUTH_CLIENT_SECRET
    )
    assert token["token_type"] == "Bearer"
    assert set(token["scope"]) == {"events", "calls"}
    assert token["refresh_token"]
    assert 0 < token["expires_in"] <= 3600

    me = oauth.get(f"{base}/api/v1/me")
    assert me.status_code == 200
    world_bob = kazoo_sim.world.demo.user_by_username("bob")
    body = me.json()
    assert body["user_id"] == world_bob.id
    assert body["username"] == "bob"
    assert body["name"] == "Bob Berger"
    assert body["email"] == "bob@demo.example.com"
    assert body["account_id"] == kazoo_sim.world.demo.id
    assert body["account_name"] == "Demo Company"
    assert body["is_admin"] is False
    assert body["scopes"] == ["calls", "events"]

    # Refresh: a new access token AND a new refresh token (rotation).
    first_refresh = token["refresh_token"]
    refreshed = oauth.refresh_token(
        token_url, client_id=oauth_app.client_id, client_secret=OAUTH_CLIENT_SECRET
    )
    assert refreshed["access_token"] != token["access_token"]
    assert refreshed["refresh_token"] != first_refresh
    assert oauth.get(f"{base}/api/v1/me").status_code == 200
    # The access token from before the refresh is gone.
    old = requests.get(
        f"{base}/api/v1/me",
        headers={"Authorization": f"Bearer {token['access_token']}"},
        timeout=10,
    )
    assert old.status_code == 401

    # The new refresh token works in turn.
    again = oauth.refresh_token(
        token_url, client_id=oauth_app.client_id, client_secret=OAUTH_CLIENT_SECRET
    )
    assert again["refresh_token"] != refreshed["refresh_token"]
    assert oauth.get(f"{base}/api/v1/me").status_code == 200

    # Revoke (RFC 7009) the refresh token: its access token stops working too.
    revoked = requests.post(
        f"{base}/oauth/revoke_token/",
        data={"token": again["refresh_token"], "token_type_hint": "refresh_token"},
        auth=(oauth_app.client_id, OAUTH_CLIENT_SECRET),
        timeout=10,
    )
    assert revoked.status_code == 200
    after = oauth.get(f"{base}/api/v1/me")
    assert after.status_code == 401
    assert after.headers["WWW-Authenticate"].startswith("Bearer")
    refused = requests.post(
        token_url,
        data={"grant_type": "refresh_token", "refresh_token": again["refresh_token"]},
        auth=(oauth_app.client_id, OAUTH_CLIENT_SECRET),
        timeout=10,
    )
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"


def test_a_new_user_goes_from_the_connect_page_to_a_token(live_server, kazoo_sim, zapier):
    """The demo path: /connect/ explains and links to Zapier; Zapier's authorize sends the user
    to the branded sign-in; the simulator's demo credentials end in a token."""
    base = live_server.url
    with requests.Session() as browser:
        connect = browser.get(f"{base}/connect/")
        assert connect.status_code == 200
        assert re.search(r'href="https://zapier\.com/apps"', connect.text)
        oauth = zapier()
        authorization_url, _ = oauth.authorization_url(f"{base}/oauth/authorize/")
        callback = sign_in_and_allow(browser, authorization_url, username="alice")
    token = oauth.fetch_token(
        f"{base}/oauth/token/", authorization_response=callback, client_secret=OAUTH_CLIENT_SECRET
    )
    me = oauth.get(f"{base}/api/v1/me").json()
    assert (me["username"], me["is_admin"]) == ("alice", True)
    assert token["access_token"]
