"""The simulator's scenario engine: pure, deterministic, and shaped like Kazoo 4.3's Blackhole data."""

import json
import random
from collections import defaultdict

import pytest

from kazoo_zapier.kazoo.simulator.scenarios import (
    GREGORIAN_OFFSET,
    MIX,
    SCENARIOS,
    Scenario,
    Step,
    build_scenario,
    normalize_keys,
    random_mix,
)
from kazoo_zapier.kazoo.simulator.world import World, demo_world
from tests.paths import KAZOO_EXAMPLES

EXAMPLES = KAZOO_EXAMPLES
START = 1_767_225_600.0  # 2026-01-01T00:00:00Z
CHANNEL_EVENTS = {
    "CHANNEL_CREATE",
    "CHANNEL_ANSWER",
    "CHANNEL_BRIDGE",
    "CHANNEL_DESTROY",
    "CHANNEL_HOLD",
    "CHANNEL_UNHOLD",
}
PARK_EVENTS = {"PARK_PARKED", "PARK_RETRIEVED", "PARK_ABANDONED"}
# Generic fields ecallmgr puts on every channel event (REFERENCE §2), beyond the README examples.
GENERIC_KEYS = {
    "event_name",
    "event_category",
    "app_name",
    "app_version",
    "msg_id",
    "call_id",
    "call_direction",
    "caller_id_name",
    "caller_id_number",
    "callee_id_name",
    "callee_id_number",
    "channel_call_state",
    "channel_created_time",
    "channel_name",
    "channel_state",
    "custom_channel_vars",
    "custom_sip_headers",
    "custom_application_vars",
    "disposition",
    "from",
    "from_tag",
    "from_uri",
    "to",
    "to_uri",
    "request",
    "presence_id",
    "media_server",
    "switch_hostname",
    "switch_nodename",
    "switch_uri",
    "switch_url",
    "timestamp",
}


def example_data(event_name: str) -> dict:
    """A README example as blackhole would push it: normalized keys, public fields only."""
    raw = json.loads((EXAMPLES / f"blackhole-legacy-call-{event_name}.json").read_text())
    data = normalize_keys(raw["args"])
    data.pop("node")  # kz_api:public_fields/1 removes it
    return data


@pytest.fixture(scope="module")
def world() -> World:
    return demo_world()


def build(world: World, name: str, seed: int = 7, **params) -> Scenario:
    return build_scenario(name, world, start=START, rng=random.Random(seed), **params)


def events(scenario: Scenario, *names: str) -> list[dict]:
    return [s.data for s in scenario.steps if s.kind == "event" and (not names or s.name in names)]


def leg_events(scenario: Scenario) -> dict[str, list[dict]]:
    """Channel events grouped by leg (Call-ID), in order."""
    legs: dict[str, list[dict]] = defaultdict(list)
    for data in events(scenario, *CHANNEL_EVENTS):
        legs[data["call_id"]].append(data)
    return legs


def names_of(leg: list[dict]) -> list[str]:
    return [data["event_name"] for data in leg]


def destroy_of(scenario: Scenario, call_id: str) -> dict:
    [destroy] = [d for d in events(scenario, "CHANNEL_DESTROY") if d["call_id"] == call_id]
    return destroy


def was_answered(scenario: Scenario, call_id: str) -> bool:
    return any(d["call_id"] == call_id for d in events(scenario, "CHANNEL_ANSWER"))


ALL_BUILDS = [
    *[(name, {}) for name in SCENARIOS],
    ("outbound_no_answer", {"gives_up": "timeout"}),
    ("outbound_no_answer", {"gives_up": "caller"}),
    *[("quickcall", {"outcome": o}) for o in ("answered", "busy", "no_answer", "unreachable")],
    ("quickcall", {"user_id": None, "device_id": None}),
]


@pytest.fixture(scope="module")
def every_build(world) -> list[Scenario]:
    return [build(world, name, seed, **params) for seed in (1, 2, 3) for name, params in ALL_BUILDS]


# The whole catalogue -------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_scenario_builds_the_same_twice_with_one_seed(world, name):
    first, second = build(world, name, seed=11), build(world, name, seed=11)
    assert first == second
    assert first.name == name
    assert first.steps, "a scenario with defaults must produce traffic"
    other = build(world, name, seed=12)
    assert other.steps != first.steps, "another seed must give other ids or timing"


def test_scenarios_built_with_one_seed_do_not_share_call_ids(world):
    call_ids = [build(world, name, seed=3).call_id for name in MIX]
    assert len(set(call_ids)) == len(call_ids)


def test_steps_are_sorted_typed_and_of_the_scenarios_account(every_build):
    for scenario in every_build:
        ats = [step.at for step in scenario.steps]
        assert ats == sorted(ats), scenario.name
        for step in scenario.steps:
            assert isinstance(step, Step)
            assert step.kind in {"event", "acdc_call", "agent_status"}
            assert step.account_id == scenario.account_id
            if step.kind == "event":
                assert step.name == step.data["event_name"]
            else:
                assert step.name == step.data["status"]


def test_channel_events_carry_every_key_of_kazoos_examples(every_build):
    required = {name: set(example_data(name)) for name in ("CHANNEL_CREATE", "CHANNEL_ANSWER")}
    required["CHANNEL_DESTROY"] = set(example_data("CHANNEL_DESTROY")) | {"hangup_code"}
    seen = set()
    for scenario in every_build:
        for data in events(scenario, *CHANNEL_EVENTS):
            name = data["event_name"]
            missing = (required.get(name, set()) | GENERIC_KEYS) - set(data)
            assert not missing, f"{scenario.name} {name} lacks {sorted(missing)}"
            seen.add(name)
    assert seen == CHANNEL_EVENTS


def test_keys_are_normalized_as_blackhole_pushes_them(every_build):
    def check(value, where):
        if isinstance(value, dict):
            for key, item in value.items():
                assert key == key.lower() and "-" not in key, f"{where}: {key}"
                check(item, where)

    for scenario in every_build:
        for data in events(scenario):
            check(data, scenario.name)


def test_timestamps_are_gregorian_from_start_plus_at_and_msg_ids_unique(every_build):
    for scenario in every_build:
        msg_ids = set()
        for step in scenario.steps:
            if step.kind == "event" and step.name in CHANNEL_EVENTS:
                assert step.data["timestamp"] == int(START + step.at) + GREGORIAN_OFFSET
            if step.kind == "agent_status":
                assert step.data["timestamp"] == int(START + step.at) + GREGORIAN_OFFSET
            if step.kind == "event":
                msg_ids.add(step.data["msg_id"])
        assert len(msg_ids) == len(events(scenario)), scenario.name


def test_destroy_seconds_are_integers_that_add_up(every_build):
    for scenario in every_build:
        for data in events(scenario, "CHANNEL_DESTROY"):
            seconds = [data[k] for k in ("duration_seconds", "billing_seconds", "ringing_seconds")]
            assert all(isinstance(s, int) and s >= 0 for s in seconds)
            assert data["duration_seconds"] == data["billing_seconds"] + data["ringing_seconds"]
            answered = was_answered(scenario, data["call_id"])
            assert (data["billing_seconds"] > 0) == answered
            assert data["hangup_code"].startswith("sip:")


def test_every_leg_is_created_once_then_destroyed_once_and_nothing_follows(every_build):
    for scenario in every_build:
        for call_id, leg in leg_events(scenario).items():
            names = names_of(leg)
            assert names[0] == "CHANNEL_CREATE", (scenario.name, call_id)
            assert names[-1] == "CHANNEL_DESTROY", (scenario.name, call_id)
            assert names.count("CHANNEL_CREATE") == names.count("CHANNEL_DESTROY") == 1
            assert names.count("CHANNEL_ANSWER") <= 1
            if "CHANNEL_BRIDGE" in names or "CHANNEL_HOLD" in names:
                assert "CHANNEL_ANSWER" in names


def test_losing_legs_are_never_answered(every_build):
    for scenario in every_build:
        for data in events(scenario, "CHANNEL_DESTROY"):
            if data["hangup_cause"] in {"LOSE_RACE", "ORIGINATOR_CANCEL", "NO_ANSWER", "USER_BUSY"}:
                assert not was_answered(scenario, data["call_id"]), scenario.name


def test_device_legs_name_the_device_and_its_owner(world, every_build):
    accounts = {a.id: a for a in world.accounts}
    for scenario in every_build:
        account = accounts[scenario.account_id]
        for data in events(scenario, *CHANNEL_EVENTS):
            ccvs = data["custom_channel_vars"]
            if ccvs.get("authorizing_type") != "device":
                continue
            device = account.device(ccvs["authorizing_id"])
            assert ccvs["owner_id"] == device.owner_id
            assert ccvs["account_id"] == account.id
            assert device.registered


def test_a_phone_dialling_out_looks_like_kazoos_own_example(every_build):
    """Device A-legs (inbound, authorized as a device) carry every CCV of the README examples."""
    ccv_keys = {
        name: set(example_data(name)["custom_channel_vars"])
        for name in ("CHANNEL_CREATE", "CHANNEL_ANSWER", "CHANNEL_DESTROY")
    }
    checked = 0
    for scenario in every_build:
        for data in events(scenario, *ccv_keys):
            ccvs = data["custom_channel_vars"]
            if data["call_direction"] == "inbound" and ccvs.get("authorizing_type") == "device":
                missing = ccv_keys[data["event_name"]] - set(ccvs)
                assert not missing, f"{scenario.name} {data['event_name']} lacks {missing}"
                assert set(data["custom_sip_headers"]) == {"x_auth_ip"}
                checked += 1
    assert checked > 50


def test_b_legs_correlate_with_their_a_leg(every_build):
    """bridge_id and call_interaction_id are shared; other_leg_call_id points at the A-leg."""
    checked = 0
    for scenario in every_build:
        legs = leg_events(scenario)
        for leg in legs.values():
            create = leg[0]
            if (
                create["call_direction"] != "outbound"
                or "member_call_id" in create["custom_channel_vars"]
            ):
                continue
            if "other_leg_call_id" not in create:
                # Only quickcall's originate rings a phone without an A-leg behind it.
                assert create["caller_id_name"] == "Device QuickCall"
                continue
            originator = create["other_leg_call_id"]
            a_leg = legs[originator]
            a_ccvs = a_leg[-1]["custom_channel_vars"]
            for data in leg:
                assert data["custom_channel_vars"]["bridge_id"] == a_ccvs["bridge_id"] == originator
                assert (
                    data["custom_channel_vars"]["call_interaction_id"]
                    == a_ccvs["call_interaction_id"]
                )
            checked += 1
        for bridge in events(scenario, "CHANNEL_BRIDGE"):
            other = bridge["other_leg_call_id"]
            assert other in legs and other != bridge["call_id"]
            assert bridge["other_leg_direction"] == legs[other][0]["call_direction"]
            assert bridge["other_leg_caller_id_number"] == legs[other][0]["caller_id_number"]
            assert destroy_of(scenario, other)["other_leg_call_id"] == bridge["call_id"]
    assert checked > 20


def test_a_call_from_the_pstn_has_no_account_ccvs_until_the_callflow_takes_it(world):
    scenario = build(world, "inbound_answered")
    a_leg = leg_events(scenario)[scenario.call_id]
    assert a_leg[0]["call_direction"] == "inbound"
    assert "account_id" not in a_leg[0]["custom_channel_vars"]
    for data in a_leg:
        assert "owner_id" not in data["custom_channel_vars"]
        assert data["custom_channel_vars"].get("authorizing_type") in (None, "resource")
    assert all(d["custom_channel_vars"]["account_id"] == scenario.account_id for d in a_leg[1:])


# Per scenario ---------------------------------------------------------------------------------


def b_legs(scenario: Scenario) -> dict[str, str]:
    return scenario.result["legs"]["b"]


def test_inbound_answered_rings_then_talks(world):
    scenario = build(world, "inbound_answered")
    user_id = scenario.result["answered_by"]["user_id"]
    winner = scenario.result["answered_by"]["call_id"]
    assert scenario.result["expected"] == {user_id: "answered"}
    assert names_of(leg_events(scenario)[winner]) == [
        "CHANNEL_CREATE",
        "CHANNEL_ANSWER",
        "CHANNEL_DESTROY",
    ]
    [answer] = [
        s for s in scenario.steps if s.name == "CHANNEL_ANSWER" and s.data["call_id"] == winner
    ]
    [create] = [
        s for s in scenario.steps if s.name == "CHANNEL_CREATE" and s.data["call_id"] == winner
    ]
    assert 2.0 <= answer.at - create.at <= 10.0, "a phone rings for a few seconds"
    assert destroy_of(scenario, winner)["billing_seconds"] >= 20, "people talk for tens of seconds"


def test_multi_device_ring_is_one_user_with_a_loser_that_lost_the_race(world):
    scenario = build(world, "multi_device_ring")
    legs = b_legs(scenario)
    owners = {destroy_of(scenario, c)["custom_channel_vars"]["owner_id"] for c in legs.values()}
    assert len(legs) == 2 and len(owners) == 1
    answered = [c for c in legs.values() if was_answered(scenario, c)]
    assert answered == [scenario.result["answered_by"]["call_id"]]
    [loser] = set(legs.values()) - set(answered)
    assert destroy_of(scenario, loser)["hangup_cause"] in {"LOSE_RACE", "ORIGINATOR_CANCEL"}


def test_ring_group_one_member_answers_the_rest_are_cancelled(world):
    group = world.demo.ring_groups[0]
    for seed in range(5):
        scenario = build(world, "ring_group_answered_elsewhere", seed=seed)
        legs = b_legs(scenario)
        rung = {destroy_of(scenario, c)["custom_channel_vars"]["owner_id"] for c in legs.values()}
        assert rung == set(group.member_ids)
        answered = [c for c in legs.values() if was_answered(scenario, c)]
        assert len(answered) == 1
        for call_id in set(legs.values()) - set(answered):
            assert destroy_of(scenario, call_id)["hangup_cause"] == "LOSE_RACE"
        winner = scenario.result["answered_by"]["user_id"]
        assert scenario.result["expected"][winner] == "answered"
        assert sorted(v for k, v in scenario.result["expected"].items() if k != winner) == [
            "answered_elsewhere",
            "answered_elsewhere",
        ]


def test_ring_group_answered_by_is_a_parameter(world):
    bob = world.demo.user_by_username("bob")
    scenario = build(world, "ring_group_answered_elsewhere", answered_by=bob.id)
    assert scenario.result["answered_by"]["user_id"] == bob.id


def test_missed_to_voicemail_answers_the_a_leg_after_every_b_leg_is_cancelled(world):
    scenario = build(world, "missed_to_voicemail")
    legs = b_legs(scenario)
    assert legs and not any(was_answered(scenario, c) for c in legs.values())
    b_destroys = [
        s
        for s in scenario.steps
        if s.name == "CHANNEL_DESTROY" and s.data["call_id"] in legs.values()
    ]
    assert {s.data["hangup_cause"] for s in b_destroys} == {"ORIGINATOR_CANCEL"}
    [a_answer] = [s for s in scenario.steps if s.name == "CHANNEL_ANSWER"]
    assert a_answer.data["call_id"] == scenario.call_id
    assert a_answer.data["custom_channel_vars"]["application_name"] == "callflow"
    assert a_answer.at > max(s.at for s in b_destroys)
    assert list(scenario.result["expected"].values()) == ["voicemail"]


def test_outbound_calls_go_from_a_device_a_leg_to_a_carrier_resource_leg(world):
    for name, cause in [
        ("outbound_answered", "NORMAL_CLEARING"),
        ("outbound_busy", "USER_BUSY"),
    ]:
        scenario = build(world, name)
        a_leg = leg_events(scenario)[scenario.call_id]
        carrier = leg_events(scenario)[scenario.result["legs"]["b"]["carrier"]]
        assert a_leg[0]["call_direction"] == "inbound"
        assert a_leg[0]["custom_channel_vars"]["authorizing_type"] == "device"
        assert carrier[0]["call_direction"] == "outbound"
        assert carrier[0]["custom_channel_vars"]["authorizing_type"] == "resource"
        assert "owner_id" not in carrier[0]["custom_channel_vars"]
        assert carrier[-1]["hangup_cause"] == cause
    busy = build(world, "outbound_busy")
    assert not events(busy, "CHANNEL_ANSWER")
    assert list(busy.result["expected"].values()) == ["busy"]


@pytest.mark.parametrize(
    ("gives_up", "causes"), [("timeout", {"NO_ANSWER"}), ("caller", {"ORIGINATOR_CANCEL"})]
)
def test_outbound_no_answer_ends_without_any_answer(world, gives_up, causes):
    scenario = build(world, "outbound_no_answer", gives_up=gives_up)
    assert not events(scenario, "CHANNEL_ANSWER")
    assert {d["hangup_cause"] for d in events(scenario, "CHANNEL_DESTROY")} == causes
    assert list(scenario.result["expected"].values()) == ["no_answer"]


def test_internal_call_is_device_to_device_inside_one_account(world):
    scenario = build(world, "internal_call")
    caller = scenario.result["caller"]["user_id"]
    callee = scenario.result["answered_by"]["user_id"]
    assert caller != callee
    a_leg = leg_events(scenario)[scenario.call_id]
    assert a_leg[0]["custom_channel_vars"]["owner_id"] == caller
    callee_ext = world.demo.user(callee).extension
    assert a_leg[0]["request"].startswith(f"{callee_ext}@")
    for call_id in b_legs(scenario).values():
        ccvs = destroy_of(scenario, call_id)["custom_channel_vars"]
        assert ccvs["owner_id"] == callee and ccvs["authorizing_type"] == "device"
    [bridge] = events(scenario, "CHANNEL_BRIDGE")
    assert bridge["call_id"] == scenario.call_id
    assert bridge["other_leg_call_id"] == scenario.result["answered_by"]["call_id"]


def test_hold_and_resume_happen_mid_call_on_the_users_leg(world):
    scenario = build(world, "hold_resume")
    held = scenario.result["held_leg"]
    assert names_of(leg_events(scenario)[held]) == [
        "CHANNEL_CREATE",
        "CHANNEL_ANSWER",
        "CHANNEL_HOLD",
        "CHANNEL_UNHOLD",
        "CHANNEL_DESTROY",
    ]
    [hold] = events(scenario, "CHANNEL_HOLD")
    [unhold] = events(scenario, "CHANNEL_UNHOLD")
    assert hold["channel_call_state"] == "HELD" and unhold["channel_call_state"] == "ACTIVE"


def test_park_retrieve_sends_parked_then_the_double_retrieved(world):
    scenario = build(world, "park_retrieve")
    parks = [s for s in scenario.steps if s.name in PARK_EVENTS]
    assert [s.name for s in parks] == ["PARK_PARKED", "PARK_RETRIEVED", "PARK_RETRIEVED"]
    retriever, parked = scenario.result["legs"]["retriever"], scenario.result["legs"]["a"]
    assert parks[0].data["call_id"] == parked
    assert {s.data["call_id"] for s in parks[1:]} == {retriever, parked}
    for step in parks:
        data = step.data
        assert data["app_name"] == "callflow" and data["event_category"] == "call_event"
        assert data["parking_slot"] == scenario.result["slot"]
        assert isinstance(data["parking_slot"], str)
        assert data["custom_channel_vars"]["realm"] == world.demo.realm
        assert {"caller_id_name", "caller_id_number", "callee_id_name", "callee_id_number"} <= set(
            data
        )
    bridge = events(scenario, "CHANNEL_BRIDGE")[
        -1
    ]  # the retriever's pickup, after the first answer
    assert bridge["call_id"] == retriever and bridge["other_leg_call_id"] == parked


def test_park_abandoned_follows_the_parked_callers_hangup(world):
    scenario = build(world, "park_abandoned", slot="2")
    parks = [s for s in scenario.steps if s.name in PARK_EVENTS]
    assert [s.name for s in parks] == ["PARK_PARKED", "PARK_ABANDONED"]
    assert {s.data["parking_slot"] for s in parks} == {"2"}
    assert {s.data["call_id"] for s in parks} == {scenario.call_id}


def test_queue_answered_plays_channels_and_call_centre_state_in_order(world):
    scenario = build(world, "queue_answered")
    queue = world.demo.queues[0]
    stats = [s for s in scenario.steps if s.kind == "acdc_call"]
    assert [s.name for s in stats] == ["waiting", "handled", "processed"]
    for step in stats:
        row = step.data
        assert row["id"] == f"{scenario.call_id}::{queue.id}"
        assert row["call_id"] == scenario.call_id and row["queue_id"] == queue.id
        assert row["account_id"] == world.demo.id
    waiting, handled, processed = (s.data for s in stats)
    agent = scenario.result["agent_id"]
    assert waiting["agent_id"] is None and handled["agent_id"] == processed["agent_id"] == agent
    assert handled["wait_time"] >= 5 and processed["talk_time"] >= 20
    assert (
        processed["processed_timestamp"]
        >= handled["handled_timestamp"]
        >= waiting["entered_timestamp"]
    )
    statuses = [s.name for s in scenario.steps if s.kind == "agent_status"]
    assert statuses == ["connecting", "connected", "wrapup", "ready"]
    agent_leg = scenario.result["answered_by"]["call_id"]
    agent_create = leg_events(scenario)[agent_leg][0]
    assert agent_create["custom_channel_vars"]["member_call_id"] == scenario.call_id
    assert agent_create["custom_channel_vars"]["owner_id"] == agent
    [answer] = [
        s for s in scenario.steps if s.name == "CHANNEL_ANSWER" and s.data["call_id"] == agent_leg
    ]
    assert stats[1].at >= answer.at


def test_queue_abandoned_is_a_member_hangup(world):
    scenario = build(world, "queue_abandoned")
    stats = [s.data for s in scenario.steps if s.kind == "acdc_call"]
    assert [row["status"] for row in stats] == ["waiting", "abandoned"]
    assert stats[1]["abandon_reason"] == "member_hangup" and stats[1]["agent_id"] is None
    assert [s.name for s in scenario.steps if s.kind == "event"] == [
        "CHANNEL_CREATE",
        "CHANNEL_ANSWER",
        "CHANNEL_DESTROY",
    ]


def test_agent_status_changes_log_in_ready_pause_log_out(world):
    scenario = build(world, "agent_status_changes")
    assert scenario.call_id == ""
    assert [s.name for s in scenario.steps] == [
        "logged_in",
        "ready",
        "paused",
        "ready",
        "logged_out",
    ]
    assert {s.data["agent_id"] for s in scenario.steps} == {scenario.result["agent_id"]}


@pytest.mark.parametrize(
    ("outcome", "carrier_cause"),
    [
        ("answered", "NORMAL_CLEARING"),
        ("busy", "USER_BUSY"),
        ("no_answer", "NO_ANSWER"),
        ("unreachable", "UNALLOCATED_NUMBER"),
    ],
)
def test_quickcall_rings_the_device_with_the_given_call_id_then_dials(
    world, outcome, carrier_cause
):
    device = world.demo.devices[0]
    call_id = "0123456789abcdef0123456789abcdef0123-quickcall"
    scenario = build(
        world,
        "quickcall",
        device_id=device.id,
        number="+14155550123",
        call_id=call_id,
        outcome=outcome,
    )
    assert scenario.call_id == call_id
    device_leg = leg_events(scenario)[call_id]
    create = device_leg[0]
    assert create["call_direction"] == "outbound"
    ccvs = create["custom_channel_vars"]
    assert ccvs["authorizing_type"] == "device" and ccvs["authorizing_id"] == device.id
    assert ccvs["owner_id"] == device.owner_id
    assert (ccvs["retain_cid"], ccvs["inherit_codec"], ccvs["auto_answer"]) == (
        "true",
        "false",
        "true",
    )
    assert (
        create["caller_id_name"] == "Device QuickCall"
        and create["caller_id_number"] == "+14155550123"
    )
    assert names_of(device_leg)[:2] == ["CHANNEL_CREATE", "CHANNEL_ANSWER"]
    carrier = leg_events(scenario)[scenario.result["legs"]["carrier"]]
    assert carrier[0]["call_direction"] == "outbound"
    assert carrier[0]["other_leg_call_id"] == call_id
    assert carrier[0]["custom_channel_vars"]["bridge_id"] == call_id
    assert carrier[-1]["hangup_cause"] == carrier_cause
    assert ("CHANNEL_ANSWER" in names_of(carrier)) == (outcome == "answered")
    expected = {
        "answered": "answered",
        "busy": "busy",
        "no_answer": "no_answer",
        "unreachable": "failed",
    }
    assert scenario.result["expected"] == {device.owner_id: expected[outcome]}


def test_quickcall_for_a_user_rings_all_their_registered_devices(world):
    alice = world.demo.user_by_username("alice")
    soft = world.demo.devices_of(alice.id)[1]
    scenario = build(
        world,
        "quickcall",
        user_id=alice.id,
        call_id="a" * 36 + "-quickcall",
        device_call_ids={soft.id: "b" * 36 + "-quickcall"},
    )
    devices = scenario.result["legs"]["devices"]
    assert devices[soft.id] == "b" * 36 + "-quickcall"
    assert set(devices) == {d.id for d in world.demo.devices_of(alice.id)}
    assert scenario.call_id == "a" * 36 + "-quickcall"
    for call_id in devices.values():
        ccvs = leg_events(scenario)[call_id][0]["custom_channel_vars"]
        # As in the Crossbar user-quickcall example: the user authorizes, no single auto-answer.
        assert ccvs["authorizing_type"] == "user" and ccvs["authorizing_id"] == alice.id
        assert "auto_answer" not in ccvs


def test_quickcall_to_an_offline_device_produces_no_traffic(world):
    offline = next(d for d in world.demo.devices if not d.registered)
    scenario = build(world, "quickcall", device_id=offline.id, call_id="x-quickcall")
    assert scenario.steps == ()
    assert scenario.result["error"] == "DESTINATION_OUT_OF_ORDER"


# The mix and the registry ---------------------------------------------------------------------


def test_random_mix_is_deterministic_per_seed_and_covers_several_scenarios(world):
    first = random_mix(world, rng=random.Random(5), start=START, count=30)
    assert first == random_mix(world, rng=random.Random(5), start=START, count=30)
    assert first != random_mix(world, rng=random.Random(6), start=START, count=30)
    assert len(first) == 30
    assert len({s.name for s in first}) >= 6
    assert {s.name for s in first} <= set(MIX)
    starts = [s.steps[0].data["timestamp"] for s in first]
    assert starts == sorted(starts)
    assert len({s.call_id for s in first}) == 30
    assert {s.account_id for s in first} == {world.demo.id, world.other.id}


def test_unknown_scenario_is_refused_with_the_known_names(world):
    with pytest.raises(ValueError, match="inbound_answered"):
        build_scenario("nope", world, start=START, rng=random.Random(1))


def test_normalize_keys_lowercases_and_underscores_recursively():
    assert normalize_keys({"Custom-Channel-Vars": {"Owner-ID": "x"}, "List": [{"A-B": 1}]}) == {
        "custom_channel_vars": {"owner_id": "x"},
        "list": [{"a_b": 1}],
    }
