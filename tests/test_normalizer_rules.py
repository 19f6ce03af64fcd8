"""The normalizer against docs/events.md's rules of normalization, one named test (or more) per rule.

Traffic is hand-built from Kazoo's verbatim examples (tests/fixtures/kazoo_payloads.py): the key
sets are Kazoo's, the ids and numbers are the demo world's.
"""

import json
from collections import Counter
from datetime import UTC, datetime

import pytest

from events.catalogue import EventType
from events.normalizer import CallState, Rejected, StaticDirectory, normalize
from kazoo_zapier.kazoo.simulator.world import demo_world
from tests.fixtures.kazoo_payloads import (
    START,
    carrier_a_leg,
    carrier_b_leg,
    device_a_leg,
    device_b_leg,
    example,
    park_event,
)

WORLD = demo_world()
DEMO = WORLD.demo
ALICE, BOB, CAROL = DEMO.users
ALICE_DESK, ALICE_SOFT, BOB_DESK, BOB_SOFT, CAROL_DESK, _ = DEMO.devices
EXTERNAL = "+14155550100"


@pytest.fixture
def directory():
    return StaticDirectory.from_world(WORLD)


def play(frames, directory, state=None, *, restart_between=False):
    """Feed frames in order; `now` follows Kazoo's clock. Returns (events, state)."""
    state = state or CallState()
    events = []
    for frame in frames:
        if restart_between:  # what the listener persists, restored as a restarted process would
            state = CallState.from_json(json.loads(json.dumps(state.to_json())))
        ts = frame.get("timestamp", 0) - 62167219200
        now = datetime.fromtimestamp(max(ts, START), UTC)
        events += normalize(frame, state, directory, now=now, default_region="DE")
    return events, state


def kinds(events, user=None):
    return [str(e.type) for e in events if user is None or e.user_id == user.id]


def one(events, type_, user=None):
    found = [e for e in events if e.type == type_ and (user is None or e.user_id == user.id)]
    assert len(found) == 1, [(str(e.type), e.user_id) for e in events]
    return found[0].payload


def inbound_to_bob(answer_with=BOB_SOFT):
    """PSTN caller -> Bob's desk phone and softphone ring together; one answers, one loses."""
    a = carrier_a_leg(DEMO.id, "a-inbound-1", EXTERNAL, "+4930555010")
    desk = device_b_leg(a, "b-desk-1", BOB_DESK)
    soft = device_b_leg(a, "b-soft-1", BOB_SOFT)
    winner, loser = (soft, desk) if answer_with is BOB_SOFT else (desk, soft)
    return [
        a.event("CHANNEL_CREATE", 0),
        desk.event("CHANNEL_CREATE", 1),
        soft.event("CHANNEL_CREATE", 1),
        winner.event("CHANNEL_ANSWER", 6),
        loser.destroy(6, "LOSE_RACE", created_at=1),
        a.event("CHANNEL_ANSWER", 6),
        a.event("CHANNEL_BRIDGE", 6, other_leg_call_id=winner.call_id),
        winner.event("CHANNEL_BRIDGE", 6, other_leg_call_id=a.call_id),
        winner.destroy(66, "NORMAL_CLEARING", created_at=1, answered_at=6),
        a.destroy(66, "NORMAL_CLEARING", created_at=0, answered_at=6),
    ]


def ring_group(answerer):
    """The Sales ring group: Alice, Bob and Carol ring; `answerer` picks up on the desk phone."""
    a = carrier_a_leg(DEMO.id, "a-sales-1", EXTERNAL, DEMO.main_number)
    legs = [device_b_leg(a, f"b-{d.sip_username}", d) for d in (ALICE_DESK, BOB_DESK, CAROL_DESK)]
    frames = [a.event("CHANNEL_CREATE", 0)] + [leg.event("CHANNEL_CREATE", 1) for leg in legs]
    win = next(leg for leg in legs if leg.owner_id == answerer.id)
    frames.append(win.event("CHANNEL_ANSWER", 5))
    frames += [leg.destroy(5, "LOSE_RACE", created_at=1) for leg in legs if leg is not win]
    frames += [
        a.event("CHANNEL_ANSWER", 5),
        a.event("CHANNEL_BRIDGE", 5, other_leg_call_id=win.call_id),
        win.destroy(35, "NORMAL_CLEARING", created_at=1, answered_at=5),
        a.destroy(35, "NORMAL_CLEARING", created_at=0, answered_at=5),
    ]
    return frames


def missed_to_voicemail(voicemail_answers_first=False):
    a = carrier_a_leg(DEMO.id, "a-vm-1", EXTERNAL, "+4930555010")
    desk = device_b_leg(a, "b-vm-desk", BOB_DESK)
    soft = device_b_leg(a, "b-vm-soft", BOB_SOFT)
    ends = [
        desk.destroy(21, "ORIGINATOR_CANCEL", created_at=1),
        soft.destroy(21, "ORIGINATOR_CANCEL", created_at=1),
    ]
    vm_answer = [a.event("CHANNEL_ANSWER", 21)]
    middle = vm_answer + ends if voicemail_answers_first else ends + vm_answer
    return [
        a.event("CHANNEL_CREATE", 0),
        desk.event("CHANNEL_CREATE", 1),
        soft.event("CHANNEL_CREATE", 1),
        *middle,
        a.destroy(51, "NORMAL_CLEARING", created_at=0, answered_at=21),
    ]


def alice_calls(dialled, far_outcome):
    """Alice dials from her desk phone to an outside number; the carrier leg ends as told."""
    a = device_a_leg(DEMO.id, "a-out-1", ALICE_DESK, ALICE, dialled)
    far = carrier_b_leg(a, "b-carrier-1", dialled)
    frames = [a.event("CHANNEL_CREATE", 0), far.event("CHANNEL_CREATE", 1)]
    if far_outcome == "answered":
        frames += [
            far.event("CHANNEL_ANSWER", 9),
            a.event("CHANNEL_ANSWER", 9),
            a.event("CHANNEL_BRIDGE", 9, other_leg_call_id=far.call_id),
            far.destroy(99, "NORMAL_CLEARING", created_at=1, answered_at=9),
            a.destroy(99, "NORMAL_CLEARING", created_at=0, answered_at=9),
        ]
    else:
        frames += [
            far.destroy(4, far_outcome, created_at=1),
            a.destroy(
                5,
                far_outcome if far_outcome != "ORIGINATOR_CANCEL" else "NORMAL_CLEARING",
                created_at=0,
            ),
        ]
    return frames


def internal_alice_to_bob(bob_answers=True):
    a = device_a_leg(DEMO.id, "a-int-1", ALICE_DESK, ALICE, BOB.extension)
    desk = device_b_leg(a, "b-int-desk", BOB_DESK, ALICE.extension, ALICE.name)
    frames = [a.event("CHANNEL_CREATE", 0), desk.event("CHANNEL_CREATE", 0)]
    if bob_answers:
        frames += [
            desk.event("CHANNEL_ANSWER", 3),
            a.event("CHANNEL_ANSWER", 3),
            a.event("CHANNEL_BRIDGE", 3, other_leg_call_id=desk.call_id),
            desk.destroy(13, "NORMAL_CLEARING", created_at=0, answered_at=3),
            a.destroy(13, "NORMAL_CLEARING", created_at=0, answered_at=3),
        ]
    else:  # Bob's voicemail takes it
        frames += [
            desk.destroy(20, "NO_ANSWER", created_at=0),
            a.event("CHANNEL_ANSWER", 20),
            a.destroy(40, "NORMAL_CLEARING", created_at=0, answered_at=20),
        ]
    return frames


# -- rule 1: direction from the user's point of view ----------------------------------------------
def test_rule1_device_leg_rung_outbound_is_an_incoming_call_for_its_user(directory):
    events, _ = play(inbound_to_bob(), directory)
    ringing = one(events, EventType.CALL_RINGING, BOB)
    assert ringing["direction"] == "inbound"
    assert ringing["from_number"] == EXTERNAL
    assert ringing["to_number"] == BOB.extension and ringing["to_name"] == BOB.name
    assert kinds(events, ALICE) == []  # nobody else took part


def test_rule1_inbound_device_leg_is_the_user_dialling_out(directory):
    events, _ = play(alice_calls("004930123456789", "answered"), directory)
    started = one(events, EventType.CALL_STARTED, ALICE)
    assert started["direction"] == "outbound"
    assert started["to_number"] == "+4930123456789"
    assert started["from_number"] == ALICE.extension and started["from_name"] == ALICE.name
    assert kinds(events) == ["call.started", "call.answered", "call.ended"]


def test_rule1_a_call_between_two_users_is_internal_for_both(directory):
    events, _ = play(internal_alice_to_bob(), directory)
    assert one(events, EventType.CALL_STARTED, ALICE)["direction"] == "internal"
    assert one(events, EventType.CALL_STARTED, ALICE)["to_name"] == BOB.name
    ringing = one(events, EventType.CALL_RINGING, BOB)
    assert ringing["direction"] == "internal"
    assert (ringing["from_number"], ringing["from_name"]) == (ALICE.extension, ALICE.name)
    assert one(events, EventType.CALL_ANSWERED, ALICE)["direction"] == "internal"
    assert {e.payload["direction"] for e in events} == {"internal"}


# -- rule 2: one call_id across legs ---------------------------------------------------------------
def test_rule2_every_event_of_a_call_carries_the_a_legs_call_id(directory):
    events, _ = play(inbound_to_bob(), directory)
    assert {e.payload["call_id"] for e in events} == {"a-inbound-1"}
    answered = one(events, EventType.CALL_ANSWERED, BOB)
    assert answered["kazoo"]["call_id"] == "b-soft-1"  # the raw leg stays visible
    assert answered["kazoo"]["bridge_id"] == "a-inbound-1"
    assert answered["kazoo"]["event_name"] == "CHANNEL_ANSWER"


def test_rule2_b_leg_seen_before_its_a_leg_still_gets_the_a_legs_id(directory):
    frames = inbound_to_bob()
    frames[0], frames[1] = frames[1], frames[0]
    events, _ = play(frames, directory)
    assert {e.payload["call_id"] for e in events} == {"a-inbound-1"}


def test_rule2_legs_without_bridge_id_correlate_through_the_interaction_id(directory):
    frames = inbound_to_bob()
    for frame in frames:
        if frame["call_id"] != "a-inbound-1":
            frame["custom_channel_vars"].pop("bridge_id")
            frame.pop("other_leg_call_id", None)
    events, _ = play(frames, directory)
    assert {e.payload["call_id"] for e in events} == {"a-inbound-1"}
    assert kinds(events, BOB) == ["call.ringing", "call.answered", "call.ended"]


# -- rule 3: one ringing per user across devices ---------------------------------------------------
@pytest.mark.parametrize("device", [BOB_DESK, BOB_SOFT], ids=["desk", "soft"])
def test_rule3_three_devices_ring_once_and_the_loser_makes_nothing(directory, device):
    events, _ = play(inbound_to_bob(answer_with=device), directory)
    assert kinds(events, BOB) == ["call.ringing", "call.answered", "call.ended"]
    answered = one(events, EventType.CALL_ANSWERED, BOB)
    assert answered["device_id"] == device.id and answered["device_name"] == device.name
    ended = one(events, EventType.CALL_ENDED, BOB)
    assert ended["result"] == "answered" and ended["answered"] is True
    assert ended["hangup_cause"] == "NORMAL_CLEARING"  # the answered leg's, not LOSE_RACE


# -- rule 4: ring groups ----------------------------------------------------------------------------
def test_rule4_ring_group_answerer_gets_answered_the_others_answered_elsewhere(directory):
    events, _ = play(ring_group(CAROL), directory)
    assert kinds(events, CAROL) == ["call.ringing", "call.answered", "call.ended"]
    assert one(events, EventType.CALL_ENDED, CAROL)["result"] == "answered"
    for user in (ALICE, BOB):
        assert kinds(events, user) == ["call.ringing", "call.ended"]
        ended = one(events, EventType.CALL_ENDED, user)
        assert (ended["result"], ended["answered"]) == ("answered_elsewhere", False)
    assert not [e for e in events if e.type == EventType.CALL_MISSED]


# -- rule 5: voicemail is not an answer -------------------------------------------------------------
@pytest.mark.parametrize("vm_first", [False, True], ids=["legs-end-first", "voicemail-first"])
def test_rule5_call_reaching_voicemail_is_missed_with_result_voicemail(directory, vm_first):
    events, _ = play(missed_to_voicemail(voicemail_answers_first=vm_first), directory)
    assert kinds(events, BOB) == ["call.ringing", "call.missed", "call.ended"]
    missed = one(events, EventType.CALL_MISSED, BOB)
    ended = one(events, EventType.CALL_ENDED, BOB)
    for payload in (missed, ended):
        assert payload["result"] == "voicemail" and payload["answered"] is False
    assert ended["ring_seconds"] == 20 and ended["talk_seconds"] == 0
    assert missed["summary"].startswith("Missed call from +1 415-555-0100 to Bob Berger")


def test_rule5_internal_call_to_voicemail_is_missed_for_callee_and_voicemail_for_caller(directory):
    events, _ = play(internal_alice_to_bob(bob_answers=False), directory)
    assert kinds(events, BOB) == ["call.ringing", "call.missed", "call.ended"]
    assert one(events, EventType.CALL_MISSED, BOB)["result"] == "voicemail"
    assert kinds(events, ALICE) == ["call.started", "call.ended"]  # no answer by a person
    assert one(events, EventType.CALL_ENDED, ALICE)["result"] == "voicemail"


def test_rule5_caller_hanging_up_while_ringing_is_a_plain_miss(directory):
    a = carrier_a_leg(DEMO.id, "a-cancel", EXTERNAL, "+4930555010")
    desk = device_b_leg(a, "b-cancel", BOB_DESK)
    frames = [
        a.event("CHANNEL_CREATE", 0),
        desk.event("CHANNEL_CREATE", 1),
        desk.destroy(8, "ORIGINATOR_CANCEL", created_at=1),
        a.destroy(8, "NORMAL_CLEARING", created_at=0),
    ]
    events, _ = play(frames, directory)
    assert kinds(events, BOB) == ["call.ringing", "call.missed", "call.ended"]
    assert one(events, EventType.CALL_ENDED, BOB)["result"] == "missed"
    assert one(events, EventType.CALL_ENDED, BOB)["ring_seconds"] == 7


# -- rule 6: exactly one ended per ringing/started -------------------------------------------------
ALL_CASES = {
    "inbound": inbound_to_bob,
    "ring_group": lambda: ring_group(BOB),
    "voicemail": missed_to_voicemail,
    "outbound_answered": lambda: alice_calls("+4930123456789", "answered"),
    "outbound_busy": lambda: alice_calls("+4930123456789", "USER_BUSY"),
    "internal": internal_alice_to_bob,
    "internal_voicemail": lambda: internal_alice_to_bob(False),
}


@pytest.mark.parametrize("case", ALL_CASES)
@pytest.mark.parametrize("restart", [False, True], ids=["running", "restart-every-frame"])
def test_rule6_every_ringing_or_started_has_exactly_one_ended(directory, case, restart):
    events, state = play(ALL_CASES[case](), directory, restart_between=restart)
    opened = Counter(
        e.user_id for e in events if e.type in (EventType.CALL_RINGING, EventType.CALL_STARTED)
    )
    ended = Counter(e.user_id for e in events if e.type == EventType.CALL_ENDED)
    assert opened and opened == ended
    assert all(n == 1 for n in opened.values())
    assert state.calls == {}  # the call is over and forgotten


# -- rule 7: duplicates collapse ---------------------------------------------------------------------
def test_rule7_every_frame_twice_gives_the_same_events_once(directory):
    once, _ = play(inbound_to_bob(), directory)
    twice, _ = play([f for frame in inbound_to_bob() for f in (frame, frame)], directory)
    assert [e.id for e in twice] == [e.id for e in once]


def test_rule7_replay_of_a_whole_call_after_it_ended_gives_nothing_new(directory):
    events, state = play(ring_group(ALICE), directory)
    again, _ = play(ring_group(ALICE), directory, state)
    assert events and again == []


def test_rule7_ids_are_deterministic_across_fresh_processes(directory):
    first, _ = play(ring_group(ALICE), directory)
    second, _ = play(ring_group(ALICE), directory)
    assert [e.id for e in first] == [e.id for e in second]
    assert len({e.id for e in first}) == len(first)


def test_rule7_kazoos_double_park_retrieved_is_one_retrieved(directory):
    frames = [
        park_event("PARK_PARKED", DEMO.id, "a-parked", "2", 0),
        park_event("PARK_RETRIEVED", DEMO.id, "c-retriever", "2", 30),  # the retriever's Call-ID
        park_event("PARK_RETRIEVED", DEMO.id, "a-parked", "2", 30),  # the parked Call-ID
    ]
    events, _ = play(frames, directory)
    assert kinds(events) == ["call.parked", "call.retrieved"]
    parked, retrieved = (e.payload for e in events)
    assert parked["park_slot"] == "2" and retrieved["park_slot"] == "2"
    assert parked["call_id"] == retrieved["call_id"] == "a-parked"
    assert parked["from_number"] == "+4917612345678"
    assert parked["summary"] == "Call from Erika Muster (+49 176 12345678) parked in slot 2"
    assert all(e.user_id is None for e in events)


def test_rule7_repeated_hold_frame_is_one_held(directory):
    frames = inbound_to_bob()
    soft_hold = dict(frames[3], event_name="CHANNEL_HOLD", timestamp=frames[3]["timestamp"] + 10)
    soft_unhold = dict(
        frames[3], event_name="CHANNEL_UNHOLD", timestamp=frames[3]["timestamp"] + 20
    )
    second_hold = dict(soft_hold, timestamp=frames[3]["timestamp"] + 30)
    frames[8:8] = [soft_hold, soft_hold, soft_unhold, soft_unhold, second_hold]
    events, _ = play(frames, directory)
    bob = kinds(events, BOB)
    assert bob == [
        "call.ringing",
        "call.answered",
        "call.held",
        "call.resumed",
        "call.held",
        "call.ended",
    ]
    holds = [e for e in events if e.type == EventType.CALL_HELD]
    assert holds[0].id != holds[1].id  # one event per hold
    assert holds[0].payload["summary"] == "Bob Berger put the call with +1 415-555-0100 on hold"


# -- rule 8: bad input is rejected and counted, the state untouched ----------------------------------
BAD = {
    "not_a_dict": ["a string", 42, None, [1, 2]],
    "not_an_event": [{"action": "reply", "request_id": "x", "status": "success", "data": {}}],
    "missing_event_name": [{"call_id": "x", "custom_channel_vars": {"account_id": DEMO.id}}],
    "unknown_event_name": [example("blackhole-4x-envelope-call-DETECTED_SPEECH.json")],
    "missing_call_id": [
        {"event_name": "CHANNEL_CREATE", "custom_channel_vars": {"account_id": DEMO.id}}
    ],
    "missing_account_id": [{"event_name": "CHANNEL_CREATE", "call_id": "x"}],
    "wrong_type": [
        {
            "event_name": "CHANNEL_CREATE",
            "call_id": 7,
            "custom_channel_vars": {"account_id": DEMO.id},
        },
        {"event_name": "CHANNEL_CREATE", "call_id": "x", "custom_channel_vars": "nope"},
        {
            "event_name": "CHANNEL_CREATE",
            "call_id": "x",
            "custom_channel_vars": {"account_id": DEMO.id},
            "timestamp": "soon",
        },
        {"action": "event", "name": "CHANNEL_CREATE", "data": ["not", "a", "dict"]},
    ],
    "call_id_too_long": [
        {
            "event_name": "CHANNEL_CREATE",
            "call_id": "x" * 5000,
            "custom_channel_vars": {"account_id": DEMO.id},
        }
    ],
    "missing_parking_slot": [
        {
            "event_name": "PARK_PARKED",
            "call_id": "x",
            "custom_channel_vars": {"account_id": DEMO.id},
        }
    ],
}


@pytest.mark.parametrize(("reason", "frame"), [(r, f) for r, fs in BAD.items() for f in fs])
def test_rule8_bad_input_is_rejected_with_its_reason_and_leaves_state_alone(
    directory, reason, frame
):
    frames = inbound_to_bob()
    _, state = play(frames[:3], directory)
    before = json.dumps(state.to_json(), sort_keys=True)
    with pytest.raises(Rejected) as rejected:
        normalize(frame, state, directory, now=datetime.now(UTC))
    assert rejected.value.reason == reason
    assert json.dumps(state.to_json(), sort_keys=True) == before
    events, _ = play(frames[3:], directory, state)  # the call goes on as if nothing happened
    assert kinds(events, BOB) == ["call.answered", "call.ended"]


def test_rule8_wrong_types_inside_a_frame_do_not_break_the_call(directory):
    frames = inbound_to_bob()
    frames[1]["caller_id_number"] = {"odd": True}
    frames[1]["custom_channel_vars"]["bridge_id"] = ["not", "an", "id"]
    frames[8]["billing_seconds"] = "lots"
    events, _ = play(frames, directory)
    assert kinds(events, BOB) == ["call.ringing", "call.answered", "call.ended"]


def test_a_park_frame_without_timestamp_is_dated_when_it_arrived_to_the_fraction(directory):
    frame = park_event("PARK_PARKED", DEMO.id, "a-parked", "2", 0)  # no Timestamp, as Kazoo's
    arrived = datetime(2026, 11, 27, 10, 18, 20, 250000, tzinfo=UTC)
    (parked,) = normalize(frame, CallState(), directory, now=arrived, default_region="DE")
    assert parked.payload["occurred_at"] == "2026-11-27T10:18:20.250000Z"


# -- rule 9 (docs/events.md): whom an inbound call is for -----------------------------------------
def test_rule9_an_inbound_calls_to_number_is_the_ringing_users_extension_not_the_did(directory):
    did = "+4930555010"
    events, _ = play(inbound_to_bob(), directory)
    assert events[0].payload["kazoo"]["event_name"] == "CHANNEL_CREATE"
    for event in (e for e in events if e.user_id == BOB.id):
        payload = event.payload
        assert (payload["to_number"], payload["to_name"]) == (BOB.extension, BOB.name), event.type
        assert did not in payload.values()
    # A ring group's members each see themselves, though all were called on the main number.
    events, _ = play(ring_group(BOB), directory)
    for user in (ALICE, BOB, CAROL):
        assert one(events, EventType.CALL_RINGING, user)["to_number"] == user.extension
    # A call the user places is for the number dialled.
    events, _ = play(alice_calls("+4930123456789", "answered"), directory)
    assert one(events, EventType.CALL_STARTED, ALICE)["to_number"] == "+4930123456789"


# -- rule 10 (docs/events.md): no_answer or cancelled ---------------------------------------------
def alice_hangs_up_after(rang: int):
    """Alice dials out; the far end rings `rang` seconds and Alice hangs up (nobody answered)."""
    a = device_a_leg(DEMO.id, f"a-giveup-{rang}", ALICE_DESK, ALICE, "+4930123456789")
    far = carrier_b_leg(a, f"b-giveup-{rang}", "+4930123456789")
    return [
        a.event("CHANNEL_CREATE", 0),
        far.event("CHANNEL_CREATE", 0),
        far.destroy(rang, "ORIGINATOR_CANCEL", created_at=0),
        a.destroy(rang, "NORMAL_CLEARING", created_at=0),
    ]


@pytest.mark.parametrize(
    ("rang", "result"), [(2, "cancelled"), (7, "cancelled"), (8, "no_answer"), (30, "no_answer")]
)
def test_rule10_a_caller_who_hangs_up_before_8_seconds_cancelled_after_no_answer(
    directory, rang, result
):
    from events.normalizer.calls import GAVE_UP_AFTER_SECONDS

    assert GAVE_UP_AFTER_SECONDS == 8  # the line docs/events.md states
    events, _ = play(alice_hangs_up_after(rang), directory)
    ended = one(events, EventType.CALL_ENDED, ALICE)
    assert (ended["result"], ended["answered"], ended["ring_seconds"]) == (result, False, rang)
    assert kinds(events, ALICE) == ["call.started", "call.ended"]  # no call.missed for a caller


def test_rule10_a_no_answer_cause_is_no_answer_however_short_the_ringing(directory):
    events, _ = play(alice_calls("+4930123456789", "NO_ANSWER"), directory)
    assert one(events, EventType.CALL_ENDED, ALICE)["result"] == "no_answer"


# -- rule 11 (docs/events.md): dates --------------------------------------------------------------
def test_rule11_park_events_are_dated_on_arrival_and_a_timestamp_when_kazoo_sends_one(directory):
    arrived = datetime(2026, 11, 27, 10, 18, 20, 250000, tzinfo=UTC)
    state = CallState()
    frame = park_event("PARK_PARKED", DEMO.id, "a-parked-2", "4", 0)
    assert "timestamp" not in frame  # cf_park publishes none
    (parked,) = normalize(frame, state, directory, now=arrived, default_region="DE")
    assert parked.payload["occurred_at"] == "2026-11-27T10:18:20.250000Z"
    dated = park_event("PARK_RETRIEVED", DEMO.id, "a-parked-2", "4", 5, timestamp=63936000000)
    (retrieved,) = normalize(dated, state, directory, now=arrived, default_region="DE")
    assert retrieved.payload["occurred_at"] == "2026-01-19T00:00:00Z"
