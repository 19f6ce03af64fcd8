"""Each subscriber reads events in their language, time zone and country's numbers (issue 18):
the event is stored once, in English and UTC; a delivery is written for its reader."""

import json
import re

import pytest

from accounts.models import KazooUser
from events.catalogue import EventType
from events.localize import Reader, display_number, local_time, localized
from events.reference import example_events
from hooks.models import DeliveryPayload
from hooks.rendering import reader_of
from hooks.tasks import process_due_deliveries

LANGUAGES = ["de", "fr", "nl", "es", "it"]
BERLIN = Reader(language="en", zone="Europe/Berlin", region="DE")


@pytest.fixture(scope="module")
def examples():
    """One real event of every type, as the normalizer made it from the simulator's calls."""
    return example_events()


def words(sentence: str) -> set[str]:
    """The words of a sentence that are not names or numbers."""
    return {w for w in re.findall(r"[^\W\d_]{3,}", sentence.lower())}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_type_s_summary_is_written_in_the_reader_s_language(examples, language):
    reader = Reader(language=language, zone="Europe/Berlin", region="DE")
    for kind, event in examples.items():
        english = localized(event.payload, BERLIN, receiving=event.receiving)["summary"]
        theirs = localized(event.payload, reader, receiving=event.receiving)["summary"]
        assert theirs != english, (kind.value, theirs)
        # The names and numbers stay; the English words around them go.
        names = {
            w
            for key in ("user_name", "agent_name", "queue_name", "from_name")
            if event.payload.get(key)
            for w in words(event.payload[key])
        }
        left = (words(english) - names) & words(theirs)
        # Words these languages share with English: Agent (de, nl), voicemail (nl).
        assert not left - {"agent", "voicemail"}, (kind.value, language, theirs)


def test_a_german_summary_reads_as_a_german_receptionist_would_write_it():
    payload = {
        **EventType.CALL_ANSWERED.empty_payload(),
        "type": "call.answered",
        "occurred_at": "2026-12-03T13:05:09Z",
        "direction": "inbound",
        "from_name": "Hans Weber",
        "from_number": "+49301234567",
        "to_number": "201",
        "user_name": "Alice Moreau",
    }
    german = Reader(language="de", zone="Europe/Berlin", region="DE")
    body = localized(payload, german, receiving=True)
    assert (
        body["summary"]
        == "Eingehender Anruf von Hans Weber (030 1234567) von Alice Moreau angenommen"
    )
    assert body["occurred_at_local"] == "2026-12-03T14:05:09+01:00"
    assert body["timezone"] == "Europe/Berlin"
    assert body["occurred_at"] == "2026-12-03T13:05:09Z"  # UTC as stored
    assert (body["from_number"], body["from_number_display"]) == ("+49301234567", "030 1234567")
    assert list(body) == list(EventType.CALL_ANSWERED.delivered_keys)
    # The same call for the one who placed it, in French.
    french = Reader(language="fr", zone="Europe/Paris", region="FR")
    assert localized(payload, french, receiving=False)["summary"] == (
        "Appel entrant de Alice Moreau vers 201 décroché"
    )


@pytest.mark.parametrize(
    ("zone", "before", "after"),
    [
        # The last Sunday of March 2026: clocks go forward at 01:00 UTC everywhere in the EU.
        ("Europe/Berlin", "2026-03-29T01:59:59+01:00", "2026-03-29T03:00:00+02:00"),
        ("Europe/Lisbon", "2026-03-29T00:59:59+00:00", "2026-03-29T02:00:00+01:00"),
        ("Europe/Helsinki", "2026-03-29T02:59:59+02:00", "2026-03-29T04:00:00+03:00"),
    ],
)
def test_local_times_across_the_spring_change(zone, before, after):
    assert local_time("2026-03-29T00:59:59Z", zone) == before
    assert local_time("2026-03-29T01:00:00Z", zone) == after


@pytest.mark.parametrize(
    ("zone", "before", "after"),
    [
        # The last Sunday of October 2026: back at 01:00 UTC; the local hour comes twice.
        ("Europe/Berlin", "2026-10-25T02:59:59+02:00", "2026-10-25T02:00:00+01:00"),
        ("Europe/Lisbon", "2026-10-25T01:59:59+01:00", "2026-10-25T01:00:00+00:00"),
        ("Europe/Helsinki", "2026-10-25T03:59:59+03:00", "2026-10-25T03:00:00+02:00"),
    ],
)
def test_local_times_across_the_autumn_change(zone, before, after):
    assert local_time("2026-10-25T00:59:59Z", zone) == before
    assert local_time("2026-10-25T01:00:00Z", zone) == after


@pytest.mark.parametrize(
    ("region", "german", "french", "dutch"),
    [
        ("DE", "030 1234567", "+33 1 42 68 53 00", "+31 20 123 4567"),
        ("FR", "+49 30 1234567", "01 42 68 53 00", "+31 20 123 4567"),
        ("NL", "+49 30 1234567", "+33 1 42 68 53 00", "020 123 4567"),
    ],
)
def test_numbers_are_written_as_the_reader_s_country_writes_them(region, german, french, dutch):
    assert display_number("+49301234567", region) == german
    assert display_number("+33142685300", region) == french
    assert display_number("+31201234567", region) == dutch
    assert display_number("201", region) == "201"  # an extension as it is
    assert display_number(None, region) is None


@pytest.mark.django_db
def test_a_reader_is_their_kazoo_user_s_language_zone_and_country(kazoo_user):
    profile = kazoo_user.kazoo
    assert reader_of(kazoo_user) == Reader("en", "Europe/Berlin", "DE")  # the demo's defaults
    KazooUser.objects.filter(pk=profile.pk).update(language="fr-BE", timezone="Europe/Brussels")
    kazoo_user.refresh_from_db()
    assert reader_of(kazoo_user) == Reader("fr", "Europe/Brussels", "BE")
    KazooUser.objects.filter(pk=profile.pk).update(language="pt-BR", timezone="")
    kazoo_user.refresh_from_db()
    # A language we do not speak: English; no zone anywhere: TIME_ZONE, and the language's country.
    assert reader_of(kazoo_user) == Reader("en", "UTC", "BR")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("hook_settings")
def test_each_hook_receives_its_owner_s_language_and_the_body_is_made_once_per_reader(
    receiver, make_hook, kazoo_admin, world, examples
):
    from events.store import store_events
    from tests.fixtures.accounts import mirror_world_user

    ended = examples[EventType.CALL_ENDED]
    called = next(u for u in world.demo.users if u.id == ended.user_id)
    assert called.username != "alice"
    their_own = mirror_world_user(world.demo, called.username)  # English, as the demo's are
    KazooUser.objects.filter(pk=kazoo_admin.kazoo.pk).update(language="de-DE")
    kazoo_admin.refresh_from_db()
    make_hook(kazoo_admin, receiver.url("/alice-1"), event="call.ended", scope="account")
    make_hook(kazoo_admin, receiver.url("/alice-2"), event="call.ended", scope="account")
    make_hook(their_own, receiver.url("/own"), event="call.ended")
    (event,) = store_events([ended])
    process_due_deliveries()
    bodies = {r.path: json.loads(r.body) for r in receiver.requests()}
    assert set(bodies) == {"/alice-1", "/alice-2", "/own"}
    assert bodies["/alice-1"] == bodies["/alice-2"]
    assert bodies["/alice-1"]["summary"].startswith("Eingehender Anruf von")
    assert bodies["/own"]["summary"] == event.payload["summary"]  # English, as stored
    assert bodies["/alice-1"]["occurred_at_local"].endswith("+01:00")  # January in Berlin
    # Two readers, two bodies: the German one is shared by both of alice's hooks.
    assert DeliveryPayload.objects.filter(event=event).count() == 2
