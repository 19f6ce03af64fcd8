"""`/`, the favicon and the branded 404 (also under DEBUG, unless asked for Django's own)."""

import pytest

pytestmark = pytest.mark.django_db


def test_home_says_what_this_is_and_links_on(client, staff_user):
    html = client.get("/").content.decode()
    assert "Example Telecom and Zapier" in html
    assert 'href="/connect/"' in html and 'href="/api/docs/"' in html
    assert 'href="/admin/"' not in html  # the admin link is for staff
    client.force_login(staff_user)
    assert 'href="/admin/"' in client.get("/").content.decode()


def test_a_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("img/favicon.svg")
    assert 'rel="icon"' in client.get("/").content.decode()


def test_an_unknown_address_is_the_branded_404_even_with_debug_on(client, settings):
    settings.DEBUG = True
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and "Example Telecom" in html
    assert "URLconf" not in html  # not Django's technical page


def test_the_technical_404_only_when_asked_for(client, settings):
    settings.DEBUG = True
    settings.TECHNICAL_404 = True
    assert "URLconf" in client.get("/no-such-page/").content.decode()


def test_the_api_keeps_its_json_404(client, settings):
    settings.DEBUG = True
    response = client.get("/api/v1/hooks/999999")
    assert response.status_code in (401, 404)
    assert response["Content-Type"].startswith("application/json")


def test_the_sign_in_outside_an_oauth_flow_has_a_way_back_and_help(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'id="signin-back"' in html and 'id="signin-help"' in html
    assert "wants to connect" not in html


def test_the_sign_in_never_uses_an_unregistered_redirect_as_the_way_back(client, oauth_app):
    from urllib.parse import urlencode

    query = urlencode(
        {"client_id": oauth_app.client_id, "redirect_uri": "https://evil.example/x", "state": "s"}
    )
    html = client.get("/accounts/login/", {"next": f"/oauth/authorize/?{query}"}).content.decode()
    assert f"{oauth_app.name}</span> wants to connect" in html
    assert 'href="https://evil.example' not in html  # no way "back" to where the app never said
    assert '<a href="/" id="signin-back">Back</a>' in html


def test_the_connect_page_shows_when_an_app_connected_in_the_one_format(
    client, kazoo_user, make_token
):
    import re

    make_token(kazoo_user, ["events"])
    client.force_login(kazoo_user)
    client.cookies["tz"] = "Europe/Berlin"
    html = client.get("/connect/").content.decode()
    assert re.search(r"connected \d{4}-\d\d-\d\d \d\d:\d\d:\d\d CET", html)
