"""Every scenario of the simulator's scenario engine through the normalizer.

The scenarios play real multi-leg Kazoo traffic for every case of docs/events.md, each with the
outcome it expects per user; the normalizer must reach exactly that outcome, with exactly one
call.ended per call.ringing/call.started (rule 6), whatever the seed.
"""

import json
import random
from collections import Counter
from datetime import UTC, datetime

import pytest

from events.catalogue import EventType
from events.normalizer import CallState, StaticDirectory, normalize
from kazoo_zapier.kazoo.simulator.scenarios import SCENARIOS, build_scenario, random_mix
from kazoo_zapier.kazoo.simulator.world import demo_world

WORLD = demo_world()
START = 1_767_225_600.0
OPENERS = (EventType.CALL_RINGING, EventType.CALL_STARTED)


def play(scenarios, *, restart_between=False):
    directory = StaticDirectory.from_world(WORLD)
    state = CallState()
    steps = sorted(
        (step for scenario in scenarios for step in scenario.steps if step.kind == "event"),
        key=lambda step: step.at,
    )
    events = []
    for step in steps:
        if restart_between:
            state = CallState.from_json(json.loads(json.dumps(state.to_json())))
        now = datetime.fromtimestamp(START + step.at, UTC)
        events += normalize(
            step.data, state, directory, now=now, default_region="DE", account_id=step.account_id
        )
    return events, state


def by_user(events):
    users = {}
    for event in events:
        users.setdefault(event.user_id, []).append(event)
    return users


@pytest.mark.parametrize("name", sorted(SCENARIOS))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_scenario_reaches_the_expected_outcome_for_every_user(name, seed):
    scenario = build_scenario(name, WORLD, start=START, rng=random.Random(seed))
    events, state = play([scenario])
    users = by_user(events)
    expected = scenario.result.get("expected", {})
    call_users = {e.user_id for e in events if e.user_id is not None}
    assert call_users == set(expected), [(str(e.type), e.user_id) for e in events]
    for user_id, outcome in expected.items():
        mine = users[user_id]
        ended = [e.payload for e in mine if e.type == EventType.CALL_ENDED]
        assert len(ended) == 1, [str(e.type) for e in mine]
        assert ended[0]["result"] == outcome, (user_id, [e.payload["summary"] for e in mine])
        missed = [e for e in mine if e.type == EventType.CALL_MISSED]
        assert bool(missed) == (outcome in ("missed", "voicemail")), [str(e.type) for e in mine]
        answered = [e for e in mine if e.type == EventType.CALL_ANSWERED]
        assert len(answered) == (1 if outcome == "answered" else 0)
    assert state.calls == {}, "every call of the scenario is over and forgotten"


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_direction_and_call_id(name):
    scenario = build_scenario(name, WORLD, start=START, rng=random.Random(7))
    events, _ = play([scenario])
    result = scenario.result
    for key in ("caller", "answered_by"):
        who = result.get(key)
        if not who:
            continue
        mine = [e.payload for e in events if e.user_id == who["user_id"]]
        assert mine
        if name != "park_retrieve":  # the retriever's own call is internal, the parked one inbound
            assert {p["direction"] for p in mine} == {result["direction"]}
        if name not in ("park_retrieve", "park_abandoned"):
            assert {p["call_id"] for p in mine} == {scenario.call_id}


@pytest.mark.parametrize("seed", [11, 12])
@pytest.mark.parametrize("restart", [False, True], ids=["running", "restart-every-frame"])
def test_a_random_mix_of_overlapping_calls_ends_every_call_once(seed, restart):
    scenarios = random_mix(WORLD, rng=random.Random(seed), start=START, count=25)
    events, state = play(scenarios, restart_between=restart)
    opened = Counter((e.payload["call_id"], e.user_id) for e in events if e.type in OPENERS)
    ended = Counter(
        (e.payload["call_id"], e.user_id) for e in events if e.type == EventType.CALL_ENDED
    )
    assert opened and opened == ended
    assert set(opened.values()) == {1}
    assert len({e.id for e in events}) == len(events)
    assert state.calls == {}


def test_park_retrieve_makes_one_parked_and_one_retrieved():
    scenario = build_scenario("park_retrieve", WORLD, start=START, rng=random.Random(3))
    events, _ = play([scenario])
    park = [
        e.payload
        for e in events
        if e.payload["type"].startswith("call.park") or e.type == EventType.CALL_RETRIEVED
    ]
    assert [p["type"] for p in park] == ["call.parked", "call.retrieved"]
    assert {p["park_slot"] for p in park} == {scenario.result["slot"]}


def test_park_abandoned_makes_one_parked_and_one_abandoned():
    scenario = build_scenario("park_abandoned", WORLD, start=START, rng=random.Random(3))
    events, _ = play([scenario])
    park = [e.payload["type"] for e in events if e.user_id is None]
    assert park == ["call.parked", "call.park_abandoned"]


def test_hold_resume_makes_one_held_and_one_resumed():
    scenario = build_scenario("hold_resume", WORLD, start=START, rng=random.Random(3))
    events, _ = play([scenario])
    user = scenario.result["answered_by"]["user_id"]
    assert [str(e.type) for e in events if e.user_id == user] == [
        "call.ringing",
        "call.answered",
        "call.held",
        "call.resumed",
        "call.ended",
    ]
