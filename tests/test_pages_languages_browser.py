"""The branded pages in each of our languages, in real Chromium (issue 18).

Each page is read twice, in English and in the language under test, and every word the reader can
see in both is a word left in English, unless it is a name (people, the account, the app, the
brand, Zapier, Kazoo, Zap), a number, a URL or an e-mail address, or a word the language itself
uses (`LOANWORDS`). The language switcher names every language in itself, so it is left out.
"""

import re
from urllib.parse import urlencode

import pytest
from django.conf import settings

from events.catalogue import EventType
from tests.fixtures.accounts import authorize_params, pkce_pair

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["de", "fr", "nl", "es", "it"]
NAMES = {"zap", "zaps", "zapier", "kazoo", "utc", "api", "rest", "crm", "sms", "http", "https"}
# Words each language writes as English does ("das Ticket", "l'app", "het account").
LOANWORDS = {
    "de": {"administrator", "app", "apps", "team", "status", "ticket", "token", "click-to-call"},
    "fr": {"agents", "code", "documentation", "hooks", "page", "pause", "service", "ticket",
           "click-to-call"},
    "nl": {"account", "app", "apps", "lead", "log", "provider", "spreadsheets", "status", "team",
           "ticket", "token", "triggers", "click-to-call"},
    "es": {"hooks", "ticket", "token", "use", "click-to-call"},  # "que … use": usar
    "it": {"account", "app", "call", "password", "ticket", "token", "trigger", "click-to-call"},
}
URL_OR_EMAIL = re.compile(r"\S+@\S+|https?://\S+|/\S*")
WORD = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'\u2019-]*[A-Za-zÀ-ÿ]")  # \u2019: the typographic apostrophe


def visible_text(page) -> str:
    """What the reader sees: the title and the body, without the language switcher."""
    page.wait_for_load_state("load")
    page.evaluate("document.querySelectorAll('[data-language-switcher]').forEach(e => e.remove())")
    return page.title() + "\n" + page.inner_text("body")


def words(text: str, names: set[str]) -> set[str]:
    found = {word.lower() for word in WORD.findall(URL_OR_EMAIL.sub(" ", text))}
    return {word for word in found if len(word) > 2 and word not in names}


def names_of(*texts: str) -> set[str]:
    return {word.lower() for text in texts for word in WORD.findall(text)} | NAMES


def assert_no_english(read, path: str, language: str, names: set[str]) -> None:
    english = words(read(path, "en"), names)
    translated = words(read(path, language), names)
    left = (english & translated) - LOANWORDS[language]
    assert left == set(), f"English left on {path.split('?')[0]} in {language}: {sorted(left)}"


@pytest.fixture
def reader(open_page, live_server):
    """reader(user=None) -> read(path, language): the page's visible text in that language."""

    def make(user=None):
        def read(path: str, language: str) -> str:
            page = open_page(live_server.url, user)
            page.context.add_cookies(
                [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
            )
            page.goto(path)
            assert page.locator("html").get_attribute("lang") == language
            return visible_text(page)

        return read

    return make


@pytest.fixture
def brand() -> set[str]:
    return names_of(settings.BRANDING["name"], settings.BRANDING.get("support_email") or "")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sign_in_page_leaves_no_english(reader, language, oauth_app, brand):
    read = reader()
    assert_no_english(read, "/accounts/login/", language, brand)
    # Asked for by an app: the app's name in the heading, the way back to it.
    _, challenge = pkce_pair()
    query = urlencode(authorize_params(oauth_app, challenge))
    from_app = "/accounts/login/?" + urlencode({"next": f"/oauth/authorize/?{query}"})
    assert_no_english(read, from_app, language, brand | names_of(oauth_app.name))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_consent_page_leaves_no_english(reader, language, oauth_app, kazoo_admin, brand):
    _, challenge = pkce_pair()
    scopes = "events calls settings callcentre"
    path = "/oauth/authorize/?" + urlencode(authorize_params(oauth_app, challenge, scope=scopes))
    profile = kazoo_admin.kazoo
    names = brand | names_of(oauth_app.name, profile.name, profile.username, profile.account.name)
    assert_no_english(reader(kazoo_admin), path, language, names)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_connect_page_with_a_zap_and_the_monitor_leaves_no_english(
    reader, language, kazoo_user, make_token, make_hook, brand
):
    make_token(kazoo_user, ["events", "calls"], refresh=True)
    make_hook(kazoo_user, "http://127.0.0.1:9/hooks/standard/1/x/", event="call.ringing")
    profile = kazoo_user.kazoo
    # Event titles are the events app's (translated there, in events/locale).
    titles = " ".join(str(kind.title) for kind in EventType)
    names = brand | names_of(profile.name, profile.account.name, titles)
    assert_no_english(reader(kazoo_user), "/connect/", language, names)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_signed_out_connect_page_leaves_no_english(reader, language, brand):
    assert_no_english(reader(), "/connect/", language, brand)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_home_and_error_pages_leave_no_english(reader, language, brand):
    read = reader()
    assert_no_english(read, "/", language, brand)
    assert_no_english(read, "/no-such-page/", language, brand)


def test_the_switcher_changes_the_language_and_it_is_remembered(open_page, live_server, kazoo_user):
    page = open_page(live_server.url, kazoo_user)
    page.goto("/connect/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change").click()
    page.get_by_role("heading", name="Vos applications connectées").wait_for()
    assert page.locator("html").get_attribute("lang") == "fr"
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_label("Langue").input_value() == "fr"


def test_the_monitor_s_script_speaks_the_page_s_language(kazoo_user, open_page, live_server):
    # The live server answers no websocket: the script says so, in German.
    page = open_page(live_server.url, kazoo_user)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "de", "url": live_server.url}]
    )
    page.goto("/connect/")
    status = page.locator("[data-monitor-status]")
    page.wait_for_function(
        "document.querySelector('[data-monitor-status]').textContent.startsWith('Verbindung get')"
    )
    assert re.fullmatch(r"Verbindung getrennt; neuer Versuch in \d+ s\.", status.inner_text())
