"""Call-centre events from polled Crossbar snapshots: each transition exactly once."""

from events.acdc import QueueInfo, diff_acdc
from events.catalogue import KAZOO_KEYS, EventType
from events.normalizer.directory import StaticDirectory
from kazoo_zapier.kazoo.simulator.world import demo_world

WORLD = demo_world()
DEMO = WORLD.demo
QUEUE = DEMO.queues[0]
AGENT = DEMO.user_by_username("bob")
QUEUES = {QUEUE.id: QueueInfo(QUEUE.id, QUEUE.name)}
DIRECTORY = StaticDirectory.from_world(WORLD)
NOW = 1_790_000_000.0


def row(status: str, **extra) -> dict:
    return {
        "id": "call-1",
        "status": status,
        "queue_id": QUEUE.id,
        "caller_id_number": "+4930123456",
        "caller_id_name": "Erika Muster",
        "agent_id": AGENT.id if status != "waiting" else "",
        "wait_time": "12" if status != "waiting" else "",
        "talk_time": "80" if status == "processed" else "",
        "handled_timestamp": "",
        **extra,
    }


def diff(previous, rows, agents=None):
    return diff_acdc(
        DEMO.id, previous, rows, agents or {}, directory=DIRECTORY, queues=QUEUES, now=NOW
    )


def types(events) -> list[str]:
    return [event.type.value for event in events]


def test_the_first_poll_is_a_baseline_and_replays_no_history():
    events, snapshot = diff(None, [row("processed")], {AGENT.id: "ready"})
    assert events == []
    assert snapshot == {"calls": {"call-1": "processed"}, "agents": {AGENT.id: "ready"}}


def test_each_transition_of_a_queue_call_is_one_event():
    _, snapshot = diff(None, [])
    events, snapshot = diff(snapshot, [row("waiting")])
    assert types(events) == ["queue.call_waiting"]
    events, snapshot = diff(snapshot, [row("waiting")])
    assert events == []  # nothing changed: nothing new
    events, snapshot = diff(snapshot, [row("handled")])
    assert types(events) == ["queue.call_answered"]
    events, _ = diff(snapshot, [row("processed")])
    assert types(events) == ["queue.call_completed"]


def test_a_quick_call_between_two_polls_still_gives_every_transition_in_order():
    _, snapshot = diff(None, [])
    events, _ = diff(snapshot, [row("processed")])
    assert types(events) == ["queue.call_waiting", "queue.call_answered", "queue.call_completed"]
    assert len({event.id for event in events}) == 3


def test_an_abandoned_call_is_waiting_then_abandoned():
    _, snapshot = diff(None, [])
    events, _ = diff(snapshot, [row("abandoned", agent_id="", wait_time="40")])
    assert types(events) == ["queue.call_waiting", "queue.call_abandoned"]
    abandoned = events[1].payload
    assert abandoned["wait_seconds"] == 40
    assert events[1].user_id is None  # the account's event: no agent took it


def test_queue_payloads_carry_names_keys_and_a_summary():
    _, snapshot = diff(None, [])
    events, _ = diff(snapshot, [row("handled")])
    answered = events[-1]
    assert answered.type is EventType.QUEUE_CALL_ANSWERED
    assert answered.user_id == AGENT.id  # the agent receives their queue calls
    payload = answered.payload
    assert list(payload) == list(EventType.QUEUE_CALL_ANSWERED.payload_keys)
    assert list(payload["kazoo"]) == list(KAZOO_KEYS)  # null, never missing (EVENTS.md)
    assert payload["queue_name"] == "Support"
    assert payload["agent_name"] == "Bob Berger"
    assert payload["summary"] == "Erika Muster (+49 30 123456) in Support answered by Bob Berger"


def test_the_same_transition_polled_again_has_the_same_id():
    _, base = diff(None, [])
    first, _ = diff(base, [row("waiting")])
    again, _ = diff(base, [row("waiting")])
    assert first[0].id == again[0].id


def test_agent_status_changes_are_events_for_the_agent():
    _, snapshot = diff(None, [], {AGENT.id: "ready"})
    events, snapshot = diff(snapshot, [], {AGENT.id: "paused"})
    assert types(events) == ["agent.status_changed"]
    event = events[0]
    assert event.user_id == AGENT.id
    assert event.payload["agent_status"] == "paused"
    assert event.payload["summary"] == "Bob Berger is now paused"
    assert list(event.payload) == list(EventType.AGENT_STATUS_CHANGED.payload_keys)
    assert list(event.payload["kazoo"]) == list(KAZOO_KEYS)
    events, _ = diff(snapshot, [], {AGENT.id: "paused"})
    assert events == []
