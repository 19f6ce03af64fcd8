"""Names for the normalizer come from Crossbar, are cached, and follow changes in Kazoo."""

import dataclasses

import pytest

from events.directory import CrossbarDirectory
from kazoo_zapier.kazoo.crossbar import CrossbarClient
from tests.fixtures.hooks import wait_until


@pytest.fixture
def crossbar(kazoo_sim):
    return CrossbarClient(kazoo_sim.api_url, kazoo_sim.world.api_key)


def served(sim) -> int:
    return sim.stats()["requests_served"]


def test_names_extensions_and_emails_come_from_kazoo(kazoo_sim, crossbar):
    demo = kazoo_sim.world.demo
    bob = demo.user_by_username("bob")
    desk = next(d for d in demo.devices if d.owner_id == bob.id)
    directory = CrossbarDirectory(crossbar)
    assert directory.account_name(demo.id) == "Demo Company"
    user = directory.user(demo.id, bob.id)
    assert (user.name, user.extension, user.email) == ("Bob Berger", "202", "bob@demo.example.com")
    assert directory.user_by_extension(demo.id, "202") == user
    device = directory.device(demo.id, desk.id)
    assert (device.name, device.owner_id) == (desk.name, bob.id)


def test_names_are_cached(kazoo_sim, crossbar):
    demo = kazoo_sim.world.demo
    directory = CrossbarDirectory(crossbar)
    directory.account_name(demo.id)
    before = served(kazoo_sim)
    for user in demo.users:
        assert directory.user(demo.id, user.id) is not None
    assert served(kazoo_sim) == before


def test_a_rename_in_kazoo_shows_once_the_cache_ages(kazoo_sim, crossbar, kazoo_world_edits):
    demo = kazoo_world_edits.demo
    directory = CrossbarDirectory(crossbar, ttl=0.3)
    bob = demo.user_by_username("bob")
    assert directory.user(demo.id, bob.id).name == "Bob Berger"
    index = demo.users.index(bob)
    demo.users[index] = dataclasses.replace(bob, last_name="Brandt")
    wait_until(lambda: directory.user(demo.id, bob.id).name == "Bob Brandt", what="the new name")


def test_an_unknown_user_reloads_the_account_at_most_once_per_pause(kazoo_sim, crossbar):
    demo = kazoo_sim.world.demo
    directory = CrossbarDirectory(crossbar, miss_pause=60)
    directory.account_name(demo.id)
    before = served(kazoo_sim)
    for _ in range(5):
        assert directory.user(demo.id, "0" * 32) is None
    assert served(kazoo_sim) == before  # the pause is longer than this test

    eager = CrossbarDirectory(crossbar, miss_pause=0)
    eager.account_name(demo.id)
    before = served(kazoo_sim)
    assert eager.user(demo.id, "0" * 32) is None
    assert served(kazoo_sim) > before  # a miss after the pause asks Kazoo again


def test_kazoo_failing_keeps_the_names_already_known(kazoo_sim, crossbar):
    demo = kazoo_sim.world.demo
    bob = demo.user_by_username("bob")
    directory = CrossbarDirectory(crossbar, ttl=0)
    assert directory.user(demo.id, bob.id).name == "Bob Berger"
    crossbar.token()
    kazoo_sim.faults.fail_next(status=500, count=10)
    assert directory.user(demo.id, bob.id).name == "Bob Berger"
