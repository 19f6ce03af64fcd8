"""The catalogue, the payload's shape, numbers, timestamps and the verbatim Kazoo examples."""

import re
from datetime import UTC, datetime

import pytest

from events.catalogue import EventType
from events.normalizer import CallState, Rejected, StaticDirectory, normalize
from events.normalizer.numbers import display_number, normalize_number
from kazoo_zapier.kazoo.simulator.world import demo_world
from tests.fixtures.kazoo_payloads import example
from tests.paths import EVENTS_REFERENCE
from tests.test_normalizer_rules import (
    ALL_CASES,
    DEMO,
    play,
)

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_catalogue_has_every_type_and_title_of_the_event_reference():
    text = EVENTS_REFERENCE.read_text()
    table = text.split("## The triggers", 1)[1].split("## The payload", 1)[0]
    rows = re.findall(r"^\| `([a-z_.]+)` \| ([^|]+?) \| ([^|]+?) \|", table, re.M)
    documented = {value: title.strip() for value, title, _ in rows}
    assert {t.value: t.title for t in EventType} == documented
    fires_when = {value: when for value, _, when in rows}
    for kind in EventType:
        assert fires_when[kind.value].startswith(kind.description)


def test_payload_keys_cover_the_documented_fields_in_a_fixed_order():
    for type_ in EventType:
        keys = type_.payload_keys
        assert keys[:5] == ("id", "type", "occurred_at", "account_id", "account_name")
        assert keys[-2:] == ("summary", "kazoo") and len(set(keys)) == len(keys)
    for key in (
        "answered",
        "result",
        "ring_seconds",
        "talk_seconds",
        "duration_seconds",
        "hangup_cause",
    ):
        assert key in EventType.CALL_ENDED.payload_keys
    assert "park_slot" in EventType.CALL_PARKED.payload_keys
    assert "agent_status" in EventType.AGENT_STATUS_CHANGED.payload_keys
    assert EventType.CALL_PARKED.admin_only and not EventType.CALL_RINGING.admin_only


@pytest.mark.parametrize("case", sorted(ALL_CASES))
def test_every_event_has_exactly_its_types_keys_and_flat_values(case):
    directory = StaticDirectory.from_world(demo_world())
    events, _ = play(ALL_CASES[case](), directory)
    assert events
    for event in events:
        payload = event.payload
        assert tuple(payload) == event.type.payload_keys
        assert payload["type"] == event.type.value and type(payload["type"]) is str
        assert payload["occurred_at"].endswith("Z")
        assert payload["account_name"] == "Demo Company"
        assert payload["summary"]
        assert set(payload["kazoo"]) == {
            "call_id",
            "other_leg_call_id",
            "bridge_id",
            "interaction_id",
            "owner_id",
            "authorizing_id",
            "authorizing_type",
            "event_name",
        }
        for key, value in payload.items():
            assert key == "kazoo" or not isinstance(value, dict | list)
        if event.type == EventType.CALL_ENDED:
            for key in ("ring_seconds", "talk_seconds", "duration_seconds"):
                assert type(payload[key]) is int


def test_occurred_at_is_kazoos_gregorian_timestamp_in_utc():
    frames = ALL_CASES["inbound"]()
    events, _ = play(frames, StaticDirectory.from_world(demo_world()))
    ringing = next(e for e in events if e.type == EventType.CALL_RINGING)
    expected = datetime.fromtimestamp(frames[1]["timestamp"] - 62167219200, UTC)
    assert ringing.payload["occurred_at"] == expected.isoformat().replace("+00:00", "Z")


def test_ended_seconds_come_from_the_call_timeline():
    events, _ = play(ALL_CASES["inbound"](), StaticDirectory.from_world(demo_world()))
    ended = next(e.payload for e in events if e.type == EventType.CALL_ENDED)
    # rang at 1, answered at 6, hung up at 66
    assert (ended["ring_seconds"], ended["talk_seconds"], ended["duration_seconds"]) == (5, 60, 65)
    assert ended["summary"] == (
        "Incoming call from +1 415-555-0100 to Bob Berger (202) ended (answered, talked 1 min 0 s)"
    )


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("+14155550100", "DE", "+14155550100"),
        ("004930123456", "DE", "+4930123456"),
        ("030 1234567", "DE", "+49301234567"),
        ("(415) 555-0100", "US", "+14155550100"),
        ("201", "DE", "201"),
        ("*97", "DE", "*97"),
        ("user_wpxnx7am9w", "DE", "user_wpxnx7am9w"),
        ("", "DE", None),
        (None, "DE", None),
    ],
)
def test_numbers_are_e164_when_they_are_phone_numbers_and_extensions_stay(raw, region, expected):
    assert normalize_number(raw, region) == expected


def test_display_number_is_international_for_summaries():
    assert display_number("+14155550100") == "+1 415-555-0100"
    assert display_number("201") == "201"


def test_verbatim_legacy_examples_make_a_started_and_an_ended_call():
    """Kazoo's own README frames: a device dials *97 (voicemail), the callflow answers."""
    directory = StaticDirectory(accounts={"account0000000000000000000000002": "wefwefwefwef"})
    state = CallState()
    events = []
    for name in ("CREATE", "ANSWER", "DESTROY"):
        frame = example(f"blackhole-legacy-call-CHANNEL_{name}.json")
        events += normalize(frame, state, directory, now=NOW, default_region="DE")
    assert [str(e.type) for e in events] == ["call.started", "call.ended"]
    started, ended = (e.payload for e in events)
    assert started["user_id"] == "699ed7e3d583e2577ac017c575f87262"
    assert started["device_id"] == "d509114b66efabf32dfd78dc464b46dd"
    assert started["direction"] == "internal" and started["to_number"] == "*97"
    assert started["call_id"] == ended["call_id"] == "at6dmu4ffk97vnlp6qfq"
    assert ended["result"] == "voicemail" and ended["answered"] is False
    assert ended["hangup_cause"] == "NORMAL_CLEARING" and ended["duration_seconds"] == 32
    assert state.calls == {}


def test_a_4x_envelope_is_unwrapped_and_its_subscription_names_the_account():
    directory = StaticDirectory.from_world(demo_world())
    frame = ALL_CASES["inbound"]()[0]
    frame["custom_channel_vars"].pop("account_id")  # a carrier leg's CREATE may lack it
    envelope = {
        "action": "event",
        "subscribed_key": "call.CHANNEL_CREATE.*",
        "subscription_key": f"call.{DEMO.id}.CHANNEL_CREATE.*",
        "name": "CHANNEL_CREATE",
        "routing_key": f"call.{DEMO.id}.CHANNEL_CREATE.a-inbound-1",
        "data": frame,
    }
    state = CallState()
    assert normalize(envelope, state, directory, now=NOW) == []
    assert state.calls["a-inbound-1"]["account_id"] == DEMO.id
    bare = dict(frame, call_id="a-other", custom_channel_vars={})
    with pytest.raises(Rejected, match="missing_account_id"):
        normalize(bare, state, directory, now=NOW)
    normalize(bare, state, directory, now=NOW, account_id=DEMO.id)
    assert state.calls["a-other"]["account_id"] == DEMO.id
