"""The branded pages in a real headless Chromium (Debian's, driven by Playwright).

The browser may talk to the live server on loopback only: every other request is aborted and
recorded, and a test fails if any was attempted.
"""

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from oauth2_provider.models import get_access_token_model, get_application_model

from accounts.forms import BAD_CREDENTIALS
from hooks import services
from hooks.delivery import process_due_deliveries
from hooks.fanout import create_deliveries
from hooks.models import Delivery, Hook
from kazoo_zapier.kazoo.simulator.world import DEMO_PASSWORD
from tests.fixtures.accounts import pkce_pair

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(open_page, live_server):
    """A page on the live server (the loopback-only guard is open_page's)."""
    return open_page(live_server.url)


def on_path(path: str):
    """A wait_for_url predicate on the path alone (a `next=/connect/` query must not match)."""
    return lambda url: urlsplit(url).path == path


def sign_in_by_keyboard(page, username="bob", password=DEMO_PASSWORD, account="Demo Company"):
    # The account name field has the focus on arrival; Tab moves on, Enter submits. Chromium
    # applies autofocus in a frame after the load event, so wait for it (a few seconds at most).
    page.wait_for_function("document.activeElement?.name === 'account_name'", timeout=5000)
    page.keyboard.type(account)
    page.keyboard.press("Tab")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")


def test_sign_in_works_by_keyboard_alone(page, kazoo_sim):
    page.goto("/accounts/login/?next=/connect/")
    sign_in_by_keyboard(page)
    page.wait_for_url(on_path("/connect/"))
    assert page.get_by_text("Bob Berger · Demo Company").is_visible()
    assert page.get_by_role("heading", name="Your connected apps").is_visible()


def test_a_failed_sign_in_shows_a_visible_error_and_keeps_the_form_usable(page, kazoo_sim):
    page.goto("/accounts/login/")
    sign_in_by_keyboard(page, password="wrong-password")
    alert = page.get_by_role("alert")
    alert.wait_for(state="visible")
    assert alert.inner_text().strip() == BAD_CREDENTIALS
    assert page.get_by_label("Password").input_value() == ""
    assert page.get_by_label("Account name").input_value() == "Demo Company"
    # Then the right password, still by keyboard.
    page.get_by_label("Password").focus()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(on_path("/connect/"))


def test_the_pages_carry_the_providers_colours(page, settings):
    page.goto("/accounts/login/")
    brand = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--brand').trim()"
    )
    assert brand == settings.BRANDING["primary_color"]
    topbar = page.evaluate("getComputedStyle(document.querySelector('.topbar')).backgroundColor")
    hex_colour = settings.BRANDING["primary_color"].lstrip("#")
    rgb = tuple(int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))
    assert topbar == f"rgb({rgb[0]}, {rgb[1]}, {rgb[2]})"
    assert page.get_by_text(settings.BRANDING["name"]).first.is_visible()


@pytest.fixture
def loopback_app(live_server):
    """A client whose redirect URI is on the live server, so the browser can follow it."""
    Application = get_application_model()
    return Application.objects.create(
        name="Zapier",
        client_id="browser-test-client",
        client_secret="browser-test-secret",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=f"{live_server.url}/test-oauth-callback/",
    )


def test_consent_shows_the_app_the_scopes_and_the_user_then_returns_a_code(
    page, kazoo_sim, loopback_app, live_server
):
    _, challenge = pkce_pair()
    query = urlencode(
        {
            "response_type": "code",
            "client_id": loopback_app.client_id,
            "redirect_uri": loopback_app.redirect_uris,
            "scope": "events calls",
            "state": "browser-state",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    page.goto(f"/oauth/authorize/?{query}")
    page.wait_for_url(re.compile(r".*/accounts/login/.*"))
    sign_in_by_keyboard(page, username="alice")

    heading = page.get_by_role("heading", level=1)
    heading.wait_for()
    assert heading.inner_text() == "Allow Zapier to use your phone system?"
    scopes = page.locator("ul.scopes li").all_inner_texts()
    assert scopes == [
        "Receive your call events (new, answered, missed and ended calls)",
        "Place calls from your phone",
    ]
    assert page.locator(".who").inner_text() == "Alice Admin"
    assert page.get_by_text("Demo Company").first.is_visible()

    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(re.compile(r".*/test-oauth-callback/\?.*"))
    returned = parse_qs(urlsplit(page.url).query)
    assert returned["state"] == ["browser-state"]
    assert returned["code"][0]


def test_the_connect_page_disconnects_an_app(
    page, kazoo_sim, kazoo_user, make_token, make_event, oauth_app
):
    make_token(kazoo_user, ["events", "calls"], refresh=True)
    hook = services.subscribe(
        user=kazoo_user,
        target_url="http://127.0.0.1:9/hooks/standard/1/x/",
        event="call.ringing",
        oauth_client_id=oauth_app.client_id,
    )
    page.goto("/accounts/login/?next=/connect/")
    sign_in_by_keyboard(page)
    page.wait_for_url(on_path("/connect/"))
    app = page.locator("li.app[data-app='Zapier']")
    assert app.is_visible()
    assert "receive your call events and place calls" in app.inner_text()

    asked: list[str] = []

    def answer(dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss() if len(asked) == 1 else dialog.accept()

    page.on("dialog", answer)
    page.get_by_role("button", name="Disconnect Zapier").click()  # "Cancel": nothing happens
    assert asked and "Its Zaps stop at once" in asked[0]
    assert page.locator("li.app").count() == 1
    page.get_by_role("button", name="Disconnect Zapier").click()  # "OK"
    page.get_by_role("status").wait_for()
    assert "Zapier is disconnected." in page.get_by_role("status").inner_text()
    assert page.locator("li.app").count() == 0
    assert page.get_by_text("No app has signed in with your account").is_visible()
    assert not get_access_token_model().objects.filter(user=kazoo_user).exists()
    # The app is cut off: its hook is stopped, and a call makes no delivery for it.
    hook.refresh_from_db()
    assert hook.status == Hook.Status.REVOKED and "no longer holds a grant" in hook.status_reason
    assert create_deliveries([make_event(kazoo_user)]) == []
    # The page says so, with the reason, and offers no Recover for a Zap that cannot receive.
    zap = page.locator(f"li.zap[data-hook='{hook.id}']")
    assert "Stopped: access was disconnected" in zap.inner_text()
    assert "no longer holds a grant" in zap.inner_text()
    assert zap.get_by_role("button", name=re.compile("Send again")).count() == 0


def test_a_user_sends_a_fixed_zap_the_last_days_events_again_from_the_connect_page(
    page, kazoo_sim, kazoo_user, receiver, hook_settings, make_hook, make_event
):
    hook = make_hook(kazoo_user, receiver.url("/zap"))
    receiver.script("/zap", "400", "400")  # the Zap was broken: both events failed for good
    events = [make_event(kazoo_user), make_event(kazoo_user)]
    create_deliveries(events)
    process_due_deliveries()
    receiver.script("/zap", "200")  # then fixed

    page.goto("/accounts/login/?next=/connect/")
    sign_in_by_keyboard(page)
    page.wait_for_url(on_path("/connect/"))
    zap = page.locator(f"li.zap[data-hook='{hook.id}']")
    assert "New Incoming Call" in zap.inner_text()
    assert "0 delivered, 2 failed, 0 waiting" in zap.inner_text()
    zap.get_by_label("Send again the events of").select_option("24h")
    zap.get_by_role("button", name=re.compile("Send again to your")).click()
    page.get_by_role("status").wait_for()
    assert "2 event(s) of the last 24 hours will be sent again" in page.get_by_role(
        "status"
    ).inner_text()
    assert process_due_deliveries() == 2
    resent = Delivery.objects.filter(hook=hook, resend_of__isnull=False)
    assert sorted(resent.values_list("event_id", flat=True)) == sorted(e.id for e in events)
    assert [r.headers["webhook-id"] for r in receiver.requests("/zap")[-2:]] == [
        e.id for e in events
    ]
