"""The simulator's Crossbar endpoints for the actions, with Kazoo's shapes and errors: agent
status (fire-and-forget, a pause timeout that is not a number dropped), queue_status, the agents
listing, user PATCH deep merge, a user's CDRs, SMS preconditions, phone numbers."""

import pytest

from kazoo_zapier.kazoo.crossbar import CrossbarClient
from kazoo_zapier.kazoo.errors import KazooServerError, KazooValidationError
from kazoo_zapier.kazoo.simulator.state import gregorian_now
from kazoo_zapier.kazoo.simulator.world import kazoo_id

BOB = kazoo_id("user:bob")
ALICE = kazoo_id("user:alice")
SUPPORT = kazoo_id("queue:support")


@pytest.fixture
def crossbar(kazoo_sim):
    return CrossbarClient(kazoo_sim.api_url, kazoo_sim.world.api_key)


@pytest.fixture
def demo(kazoo_sim):
    return kazoo_sim.world.demo.id


def test_status_changes_answer_status_update_sent_whatever_happens(crossbar, demo):
    assert crossbar.agent_status(demo, BOB) == "ready"
    assert crossbar.change_agent_status(demo, BOB, "logout") == "status update sent"
    assert crossbar.agent_status(demo, BOB) == "logged_out"
    # Not an agent: the same answer, and nothing changes.
    assert crossbar.change_agent_status(demo, ALICE, "login") == "status update sent"
    assert crossbar.agent_status(demo, ALICE) == "logged_out"


def test_a_pause_timeout_as_a_string_is_dropped_as_kazoo_drops_it(crossbar, demo):
    assert crossbar.change_agent_status(demo, BOB, "pause", timeout="300") == "status update sent"
    assert crossbar.agent_status(demo, BOB) == "ready"
    crossbar.change_agent_status(demo, BOB, "pause", timeout=300)
    assert crossbar.agent_status(demo, BOB) == "paused"


def test_status_validation_errors(crossbar, demo):
    with pytest.raises(KazooValidationError) as caught:
        crossbar.change_agent_status(demo, BOB, "dance")
    assert caught.value.data == {"status": {"enum": {"message": "value is not a valid status"}}}
    with pytest.raises(KazooValidationError) as caught:
        crossbar.change_agent_status(demo, BOB, "pause", timeout=-1)
    assert "minimum" in caught.value.data["timeout"]


def test_queue_status_changes_the_agents_queues_and_the_listing_shows_them(crossbar, demo):
    assert crossbar.agent_queue_status(demo, BOB, "logout", SUPPORT) == []
    assert {a["id"]: a["queues"] for a in crossbar.agents(demo)}.get(BOB) is None
    assert crossbar.agent_queue_status(demo, BOB, "login", SUPPORT) == [SUPPORT]
    assert crossbar.user(demo, BOB)["queues"] == [SUPPORT]


def test_a_patch_deep_merges_and_a_null_removes(crossbar, demo):
    crossbar.patch_user(demo, BOB, {"call_forward": {"enabled": True, "number": "+14155550100"}})
    doc = crossbar.patch_user(demo, BOB, {"call_forward": {"enabled": False}})
    assert doc["call_forward"]["number"] == "+14155550100"
    assert doc["call_forward"]["require_keypress"] is True
    doc = crossbar.patch_user(demo, BOB, {"call_forward": {"number": None}})
    assert "number" not in doc["call_forward"]
    with pytest.raises(KazooValidationError) as caught:
        crossbar.patch_user(demo, BOB, {"do_not_disturb": {"enabled": "yes"}})
    assert "do_not_disturb.enabled" in caught.value.data


def test_sms_preconditions_in_order(kazoo_sim, crossbar, demo):
    setup = kazoo_sim.state.actions.sms_setup[demo]
    sent = crossbar.send_sms(demo, "+14155550100", "hi", sender="+4930555012")
    assert (sent["route_type"], sent["from"]) == ("offnet", "+4930555012")
    setup.sms_enabled = False
    setup.account_enabled = False
    with pytest.raises(KazooValidationError) as caught:  # the first failing one answers
        crossbar.send_sms(demo, "+14155550100", "hi", sender="+4930555012")
    assert caught.value.kazoo_message == "disabled"
    setup.account_enabled = True
    with pytest.raises(KazooServerError) as caught:
        crossbar.send_sms(demo, "+14155550100", "hi", sender="+4930555012")
    assert caught.value.data == {"message": "sms services not enabled for account"}
    numbers = crossbar.phone_numbers(demo)
    assert numbers["+4930555012"]["features"] == ["sms"]


def test_a_users_cdrs_are_theirs_only(kazoo_sim, crossbar, demo):
    carol = kazoo_id("user:carol")
    kazoo_sim.play("inbound_answered", wait=True, user_id=carol)
    now = gregorian_now()
    window = (now - 3600, now + 3600)  # speed 0: the call's records are dated minutes ahead
    mine = crossbar.user_cdrs(demo, carol, *window)
    assert mine
    assert {row["owner_id"] for row in mine} == {carol}
    assert len(crossbar.cdrs(demo, *window)) > len(mine)  # the caller's leg has no owner
    assert crossbar.user_cdrs(demo, BOB, *window) == []
