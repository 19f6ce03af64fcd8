"""Every end-user page passes axe-core in Chromium (no serious or critical violation), at 1280
and 390 px wide, and fits the width (no sideways scrolling)."""

import re
from urllib.parse import urlencode

import pytest
from oauth2_provider.models import get_application_model

from tests.browser.axe import WIDTHS, assert_accessible
from tests.fixtures.accounts import pkce_pair
from tests.test_pages_browser import on_path, sign_in_by_keyboard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def zapier_app(live_server):
    Application = get_application_model()
    return Application.objects.create(
        name="Zapier",
        client_id="axe-test-client",
        client_secret="axe-test-secret",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=f"{live_server.url}/test-oauth-callback/",
    )


def authorize_url(app) -> str:
    _, challenge = pkce_pair()
    query = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": app.redirect_uris,
        "scope": "events calls",
        "state": "axe-state",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    return f"/oauth/authorize/?{urlencode(query)}"


def fits_the_width(page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow} px"


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def sized_page(request, open_page, live_server):
    page = open_page(live_server.url)
    page.set_viewport_size({"width": request.param, "height": 900})
    return page


def test_the_home_page(sized_page):
    sized_page.goto("/")
    assert sized_page.get_by_role("link", name="Connect your phone system").is_visible()
    assert sized_page.get_by_role("link", name="API documentation").is_visible()
    assert_accessible(sized_page)
    fits_the_width(sized_page)


def test_the_not_found_page(sized_page):
    response = sized_page.goto("/no-such-page/")
    assert response.status == 404
    assert sized_page.get_by_role("heading", name="Page not found").is_visible()
    assert_accessible(sized_page)


def test_sign_in_and_consent_in_an_oauth_flow(sized_page, kazoo_sim, zapier_app):
    sized_page.goto(authorize_url(zapier_app))
    sized_page.wait_for_url(re.compile(r".*/accounts/login/.*"))
    heading = sized_page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Zapier wants to connect to your Example Telecom phone system"
    back = sized_page.locator("#signin-back")
    assert back.inner_text() == "Cancel and go back to Zapier"
    assert "error=access_denied" in back.get_attribute("href")
    assert "state=axe-state" in back.get_attribute("href")
    assert sized_page.locator("#signin-help").is_visible()
    assert_accessible(sized_page)
    fits_the_width(sized_page)

    sign_in_by_keyboard(sized_page, username="alice")
    sized_page.get_by_role("heading", name="Allow Zapier to use your phone system?").wait_for()
    assert_accessible(sized_page)
    fits_the_width(sized_page)


def test_a_failed_sign_in(sized_page, kazoo_sim):
    sized_page.goto("/accounts/login/")
    assert sized_page.get_by_role("heading", level=1).inner_text() == "Sign in"
    sign_in_by_keyboard(sized_page, password="wrong-password")
    sized_page.get_by_role("alert").wait_for()
    assert_accessible(sized_page)


def test_the_connect_page_signed_out_and_in(
    sized_page, kazoo_sim, kazoo_user, make_token, make_hook, hook_settings
):
    sized_page.goto("/connect/")
    assert_accessible(sized_page)
    fits_the_width(sized_page)

    make_token(kazoo_user, ["events", "calls"])
    make_hook(kazoo_user, "http://127.0.0.1:9/zap", event="call.answered")
    sized_page.goto("/accounts/login/?next=/connect/")
    sign_in_by_keyboard(sized_page)
    sized_page.wait_for_url(on_path("/connect/"))
    options = sized_page.locator("#test-hook option").all_inner_texts()
    assert options and all(option.startswith("Call Answered") for option in options)
    assert_accessible(sized_page)
    fits_the_width(sized_page)


def test_the_check_fails_a_page_with_a_serious_violation(open_page, live_server):
    page = open_page(live_server.url)
    page.goto("/")
    page.evaluate("document.querySelector('main').innerHTML += '<img src=\"/x.png\">'")
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page)
