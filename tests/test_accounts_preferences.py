"""Each Kazoo user's language and time zone, as Kazoo records them (issue 18): mirrored at
sign-in and at every re-check, the zone resolved through the account and its parents."""

import pytest

from accounts.models import KazooUser
from accounts.preferences import language_region, resolve_timezone, supported_language
from accounts.services import recheck_kazoo_user
from tests.test_accounts_login import sign_in

pytestmark = pytest.mark.django_db


def test_a_user_who_names_no_zone_gets_the_account_s(client, kazoo_sim):
    assert sign_in(client, username="bob").status_code == 302
    bob = KazooUser.objects.get(username="bob")
    assert (bob.language, bob.account.language) == ("", "en-US")
    assert bob.kazoo_language == "en-US"
    assert bob.zone_name == "Europe/Berlin"  # Demo Company's own


def test_an_account_that_inherits_takes_its_parent_s_zone(client, kazoo_sim):
    # Other Ltd says "inherit": the zone is the provider's, read with the service's token.
    world = kazoo_sim.world
    other = next(a for a in world.accounts if a.name == "Other Ltd")
    assert other.timezone == "inherit" and world.master.timezone == "Europe/Berlin"
    assert sign_in(client, account_name="Other Ltd", username="dave").status_code == 302
    assert KazooUser.objects.get(username="dave").timezone == "Europe/Berlin"


def test_a_user_s_own_language_and_zone_are_taken_at_the_next_check(client, kazoo_sim):
    assert sign_in(client, username="bob").status_code == 302
    demo = kazoo_sim.world.demo
    bob_id = demo.user_by_username("bob").id
    kazoo_sim.state.actions.edit_user(
        demo.id, bob_id, {"language": "de-DE", "timezone": "Europe/Lisbon"}
    )
    bob = KazooUser.objects.get(username="bob")
    assert recheck_kazoo_user(bob) is None
    bob.refresh_from_db()
    assert (bob.kazoo_language, bob.zone_name) == ("de-DE", "Europe/Lisbon")
    # A zone that is not one (a typo in Kazoo) is passed over, as "inherit" is.
    kazoo_sim.state.actions.edit_user(demo.id, bob_id, {"timezone": "Europe/Berlinn"})
    assert recheck_kazoo_user(bob) is None
    bob.refresh_from_db()
    assert bob.zone_name == "Europe/Berlin"


def test_with_no_zone_anywhere_times_are_in_time_zone(settings):
    assert resolve_timezone([{"timezone": "inherit"}, {}, {"timezone": 5}]) == ""
    profile = KazooUser(timezone="")
    settings.TIME_ZONE = "Europe/Amsterdam"
    assert profile.zone_name == "Europe/Amsterdam"


@pytest.mark.parametrize(
    ("tag", "language", "region"),
    [
        ("de-DE", "de", "DE"),
        ("fr_BE", "fr", "BE"),
        ("nl", "nl", None),
        ("en-US", "en", "US"),
        ("pt-BR", None, "BR"),
        ("", None, None),
    ],
)
def test_kazoo_language_tags_map_to_ours(tag, language, region):
    assert supported_language(tag) == language
    assert language_region(tag) == region
