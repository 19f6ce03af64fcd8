"""Which language a page speaks (issue 18): the switcher's choice, then the signed-in Kazoo user's
language, then the browser's Accept-Language, then LANGUAGE_CODE. URLs carry no language."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import translation

pytestmark = pytest.mark.django_db


def html_lang(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert match, "no <html lang>"
    return match.group(1)


@pytest.fixture
def german_bob(kazoo_user):
    """bob, whose own language in Kazoo is German (his account's is en-US)."""
    kazoo_user.kazoo.language = "de-DE"
    kazoo_user.kazoo.save(update_fields=["language"])
    return kazoo_user


def test_nobody_and_nothing_asked_gives_english(client):
    response = client.get("/connect/")
    assert html_lang(response) == "en"
    assert response["Content-Language"] == "en"
    assert "Your connected apps" in response.content.decode()


def test_the_browser_s_language_is_used_when_nothing_else_is_known(client):
    response = client.get("/connect/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.5")
    assert html_lang(response) == "fr"
    assert "Vos applications connectées" in response.content.decode()
    assert "Accept-Language" in response["Vary"]


def test_an_unknown_browser_language_falls_back_to_english(client):
    assert html_lang(client.get("/connect/", HTTP_ACCEPT_LANGUAGE="pt-BR")) == "en"


def test_the_kazoo_user_s_language_beats_the_browser_s(client, german_bob):
    client.force_login(german_bob)
    response = client.get("/connect/", HTTP_ACCEPT_LANGUAGE="fr")
    assert html_lang(response) == "de"
    assert "Ihre verbundenen Apps" in response.content.decode()


def test_the_account_s_language_counts_when_the_user_has_none(client, kazoo_user):
    account = kazoo_user.kazoo.account
    account.language = "it-IT"
    account.save(update_fields=["language"])
    client.force_login(kazoo_user)
    assert html_lang(client.get("/connect/", HTTP_ACCEPT_LANGUAGE="fr")) == "it"


def test_a_kazoo_language_we_do_not_speak_leaves_the_browser_s(client, german_bob):
    german_bob.kazoo.language = "pt-BR"
    german_bob.kazoo.save(update_fields=["language"])
    client.force_login(german_bob)
    assert html_lang(client.get("/connect/", HTTP_ACCEPT_LANGUAGE="es")) == "es"


def test_staff_have_no_kazoo_language_and_get_their_browser_s(client, staff_user):
    client.force_login(staff_user)
    assert html_lang(client.get("/connect/", HTTP_ACCEPT_LANGUAGE="nl")) == "nl"


def test_the_switcher_s_choice_beats_the_kazoo_user_s_language(client, german_bob):
    client.force_login(german_bob)
    answer = client.post("/i18n/setlang/", {"language": "nl", "next": "/connect/"})
    assert answer.status_code == 302 and answer["Location"] == "/connect/"
    cookie = answer.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "nl" and cookie["max-age"] == settings.LANGUAGE_COOKIE_AGE
    response = client.get("/connect/", HTTP_ACCEPT_LANGUAGE="fr")
    assert html_lang(response) == "nl"
    assert "Uw gekoppelde apps" in response.content.decode()


def test_a_cookie_naming_no_language_of_ours_is_passed_over(client, german_bob):
    client.force_login(german_bob)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "klingon"
    assert html_lang(client.get("/connect/")) == "de"


def test_every_branded_page_offers_the_switcher_back_to_itself(client):
    for path in ("/", "/connect/", "/accounts/login/", "/no-such-page/"):
        html = client.get(path).content.decode()
        assert 'action="/i18n/setlang/"' in html, path
        assert f'name="next" value="{path}"' in html, path
        assert '<option value="de" lang="de">Deutsch</option>' in html, path


def test_a_german_request_leaves_the_thread_in_english(client, german_bob):
    client.force_login(german_bob)
    client.get("/connect/")
    assert translation.get_language() == settings.LANGUAGE_CODE


def test_a_wrong_password_is_refused_in_the_browser_s_language(client, kazoo_sim):
    fields = {"account_name": "Demo Company", "username": "bob", "password": "wrong-password"}
    response = client.post("/accounts/login/", fields, HTTP_ACCEPT_LANGUAGE="de")
    html = response.content.decode()
    assert "Kontoname, Benutzername oder Passwort ist nicht korrekt." in html
    assert "<label for=\"id_password\">Passwort</label>" in html


def test_the_lock_out_message_is_in_the_page_s_language(rf, settings):
    from accounts.views import lockout_response

    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    request = rf.post("/accounts/login/", {"account_name": "Demo Company", "username": "bob"})
    with translation.override("de"):
        response = lockout_response(request)
    assert response.status_code == 429
    assert "Anmeldung für 15 Minuten gesperrt" in response.content.decode()
