"""The state across time: expiry, reconcile after a reconnect, bounds, persistence (rule 6)."""

import json
from datetime import UTC, datetime, timedelta

from events.catalogue import EventType
from events.normalizer import CallState, StaticDirectory, expire, normalize, reconcile
from kazoo_zapier.kazoo.simulator.world import demo_world
from tests.fixtures.kazoo_payloads import START, gregorian
from tests.test_normalizer_rules import BOB, inbound_to_bob, missed_to_voicemail, play

DIRECTORY = StaticDirectory.from_world(demo_world())
T0 = datetime.fromtimestamp(START, UTC)


def test_expire_ends_a_call_that_went_silent_exactly_once():
    frames = inbound_to_bob()[:4]  # rang and answered; the hangups never arrive
    _, state = play(frames, DIRECTORY)
    assert expire(state, T0 + timedelta(hours=1)) == []  # still within the TTL
    ended = expire(state, T0 + timedelta(hours=5))
    assert [(str(e.type), e.payload["result"]) for e in ended] == [("call.ended", "answered")]
    assert ended[0].user_id == BOB.id and state.calls == {}
    assert expire(state, T0 + timedelta(hours=6)) == []
    # a late frame of the expired call changes nothing
    assert play(inbound_to_bob()[8:], DIRECTORY, state)[0] == []


def test_expire_gives_a_pending_user_their_missed_call():
    frames = missed_to_voicemail()[:5]  # Bob's legs ended, the caller stays in the callflow
    events, state = play(frames, DIRECTORY)
    assert [str(e.type) for e in events] == ["call.ringing"]
    late = expire(state, T0 + timedelta(seconds=21 + state.pending_seconds + 1))
    assert [(str(e.type), e.payload["result"]) for e in late] == [
        ("call.missed", "missed"),
        ("call.ended", "missed"),
    ]


def test_reconcile_ends_gone_legs_from_their_cdrs_and_keeps_live_ones():
    _, state = play(inbound_to_bob()[:4], DIRECTORY)  # Bob answered on the softphone at 6
    live = [{"uuid": "a-inbound-1", "answered": True}, {"uuid": "b-soft-1", "answered": True}]
    assert reconcile(state, live, [], T0 + timedelta(minutes=1)) == []  # all still up
    cdrs = [
        {
            "call_id": "b-soft-1",
            "timestamp": str(gregorian(START + 1)),
            "duration_seconds": "95",
            "billing_seconds": "90",
            "hangup_cause": "NORMAL_CLEARING",
        },
        {
            "call_id": "b-desk-1",
            "timestamp": str(gregorian(START + 1)),
            "duration_seconds": "5",
            "hangup_cause": "LOSE_RACE",
        },
    ]
    ended = reconcile(state, [], cdrs, T0 + timedelta(minutes=5))
    assert [(str(e.type), e.payload["result"]) for e in ended] == [("call.ended", "answered")]
    payload = ended[0].payload
    assert payload["hangup_cause"] == "NORMAL_CLEARING"
    assert payload["talk_seconds"] == 90 and payload["duration_seconds"] == 95
    assert state.calls == {}


def test_reconcile_without_a_cdr_ends_from_what_is_known():
    _, state = play(inbound_to_bob()[:3], DIRECTORY)  # ringing; then the listener was away
    ended = reconcile(state, [], [], T0 + timedelta(minutes=5))
    assert [str(e.type) for e in ended] == ["call.missed", "call.ended"]
    assert state.calls == {}


def test_state_survives_json_and_a_restart_mid_call():
    frames = inbound_to_bob()
    first, state = play(frames[:5], DIRECTORY)
    saved = json.dumps(state.to_json())
    restored = CallState.from_json(json.loads(saved))
    rest, _ = play(frames[5:], DIRECTORY, restored)
    replayed, _ = play(frames, DIRECTORY)
    assert [e.id for e in first + rest] == [e.id for e in replayed]


def test_from_json_of_nothing_or_an_unknown_version_is_a_fresh_state():
    assert CallState.from_json(None).calls == {}
    assert CallState.from_json({"version": 999, "calls": {"x": {}}}).calls == {}


def test_state_is_bounded_and_evicted_calls_still_end():
    state = CallState(max_calls=3)
    events = []
    for n in range(6):
        for frame in inbound_to_bob()[:3]:
            frame = json.loads(
                json.dumps(frame).replace("a-inbound-1", f"a-{n}").replace("b-", f"b{n}-")
            )
            frame["custom_channel_vars"]["call_interaction_id"] = f"iid-{n}"
            events += normalize(frame, state, DIRECTORY, now=T0)
    assert len(state.calls) == 3
    ringing = [e for e in events if e.type == EventType.CALL_RINGING]
    ended = [e for e in events if e.type == EventType.CALL_ENDED]
    assert len(ringing) == 6 and len(ended) == 3  # the three oldest calls were ended on eviction
    assert {e.payload["call_id"] for e in ended} == {"a-0", "a-1", "a-2"}
