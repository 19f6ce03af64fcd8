"""The API's errors in the token owner's language (issue 18): a German user's Zap shows German."""

import pytest
from django.conf import settings
from django.utils import translation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hook_settings")]

TARGET = "http://127.0.0.1:9/hooks/standard/1/x/"
# German's single quotation marks, spelled out (ruff flags the low one as a comma look-alike).
OPEN, CLOSE = "\u201a", "\u2018"


@pytest.fixture
def german_bob(kazoo_user):
    kazoo_user.kazoo.language = "de-DE"
    kazoo_user.kazoo.save(update_fields=["language"])
    return kazoo_user


def subscribe(client, **body):
    return client.post("/api/v1/hooks", {"target_url": TARGET, **body}, format="json")


def test_our_own_error_is_german_for_a_german_user(api_client, german_bob):
    response = subscribe(api_client(german_bob, scopes=["events"]), event="call.nothing")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"] == (
        f"event: {OPEN}call.nothing{CLOSE} ist kein Ereignistyp; siehe GET /api/v1/event-types."
    )
    assert response["Content-Language"] == "de"


def test_django_rest_framework_s_own_messages_are_german_too(api_client, german_bob):
    response = api_client(german_bob, scopes=["events"]).post("/api/v1/hooks", {}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "target_url: Dieses Feld ist zwingend erforderlich."


def test_a_missing_scope_is_explained_in_german(api_client, german_bob):
    response = subscribe(api_client(german_bob, scopes=["calls"]), event="call.ringing")
    assert response.status_code == 403
    assert response.json() == {
        "code": "insufficient_scope",
        "detail": "Diese Verbindung hat keine Berechtigung für: events. Bitte verbinden Sie "
        "die App neu und erlauben Sie es.",
    }


def test_a_refused_number_is_explained_in_german(api_client, german_bob):
    response = api_client(german_bob).post("/api/v1/calls", {"to": "12ab"}, format="json")
    assert response.status_code == 400
    assert f"Die Nummer {OPEN}12ab{CLOSE} ist keine Telefonnummer." in response.json()["detail"]


def test_the_token_owner_s_language_beats_the_one_zapier_s_servers_ask_for(
    api_client, german_bob
):
    client = api_client(german_bob, scopes=["events"])
    response = client.post(
        "/api/v1/hooks",
        {"target_url": TARGET, "event": "call.nothing"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en-US",
    )
    assert "kein Ereignistyp" in response.json()["detail"]


def test_an_english_user_still_reads_english(api_client, kazoo_user):
    response = subscribe(api_client(kazoo_user, scopes=["events"]), event="call.nothing")
    assert response.json()["detail"] == (
        "event: 'call.nothing' is not an event type; see GET /api/v1/event-types."
    )
    assert response["Content-Language"] == "en"


def test_a_german_api_call_leaves_the_thread_in_english(api_client, german_bob):
    subscribe(api_client(german_bob, scopes=["events"]), event="call.nothing")
    assert translation.get_language() == settings.LANGUAGE_CODE
