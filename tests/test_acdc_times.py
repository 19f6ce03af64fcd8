"""Each queue and agent event carries the moment it describes, not the moment it was polled."""

from datetime import UTC, datetime

from events.acdc import QueueInfo, diff_acdc
from events.catalogue import EventType
from events.normalizer.directory import StaticDirectory
from events.normalizer.payload import GREGORIAN_OFFSET
from kazoo_zapier.kazoo.simulator.world import demo_world

WORLD = demo_world()
DEMO = WORLD.demo
QUEUE = DEMO.queues[0]
AGENT = DEMO.user_by_username("bob")
QUEUES = {QUEUE.id: QueueInfo(QUEUE.id, QUEUE.name)}
DIRECTORY = StaticDirectory.from_world(WORLD)
POLLED = 1_790_000_600.0  # the poll, well after everything below
ANSWERED = 1_790_000_000  # the agent answered (Unix seconds)
WAITED, TALKED = 45, 130


def gregorian(unix: float) -> str:
    return str(int(unix) + GREGORIAN_OFFSET)


def row(status: str, **extra) -> dict:
    return {
        "id": "call-1",
        "status": status,
        "queue_id": QUEUE.id,
        "caller_id_number": "+4930123456",
        "caller_id_name": "Erika Muster",
        "agent_id": AGENT.id,
        "wait_time": str(WAITED),
        "talk_time": str(TALKED) if status == "processed" else "",
        "handled_timestamp": gregorian(ANSWERED),
        **extra,
    }


def occurred(events) -> dict[str, datetime]:
    return {
        event.type.value: datetime.fromisoformat(event.payload["occurred_at"]) for event in events
    }


def at(unix: float) -> datetime:
    return datetime.fromtimestamp(unix, UTC)


def diff(previous, rows, agents=None):
    return diff_acdc(
        DEMO.id, previous, rows, agents or {}, directory=DIRECTORY, queues=QUEUES, now=POLLED
    )


def test_a_completed_queue_call_is_dated_at_its_end_and_each_step_at_its_own_moment():
    _, snapshot = diff(None, [])
    events, _ = diff(snapshot, [row("processed")])
    times = occurred(events)
    assert times == {
        "queue.call_waiting": at(ANSWERED - WAITED),  # the caller entered the queue
        "queue.call_answered": at(ANSWERED),
        "queue.call_completed": at(ANSWERED + TALKED),  # the call ended, not the answer
    }
    assert list(times.values()) == sorted(times.values())  # in the order they happened


def test_a_queue_call_seen_step_by_step_keeps_the_moments_of_the_call():
    _, snapshot = diff(None, [])
    waiting = row("waiting", agent_id="", wait_time="", handled_timestamp="")
    events, snapshot = diff(snapshot, [waiting])
    assert occurred(events) == {"queue.call_waiting": at(POLLED)}  # nothing tells when, but now
    events, snapshot = diff(snapshot, [row("handled")])
    assert occurred(events) == {"queue.call_answered": at(ANSWERED)}
    events, _ = diff(snapshot, [row("processed")])
    assert occurred(events) == {"queue.call_completed": at(ANSWERED + TALKED)}


def test_columns_of_a_newer_kazoo_give_the_moments_directly():
    _, snapshot = diff(None, [])
    entered, ended = ANSWERED - 50, ANSWERED + 200
    events, _ = diff(
        snapshot,
        [
            row(
                "processed",
                entered_timestamp=gregorian(entered),
                processed_timestamp=gregorian(ended),
            )
        ],
    )
    times = occurred(events)
    assert times["queue.call_waiting"] == at(entered)
    assert times["queue.call_completed"] == at(ended)


def test_an_abandoned_call_is_dated_when_the_caller_gave_up_if_a_column_says_so():
    _, snapshot = diff(None, [])
    entered = ANSWERED - 100
    abandoned = row(
        "abandoned", agent_id="", handled_timestamp="", entered_timestamp=gregorian(entered)
    )
    events, _ = diff(snapshot, [abandoned])
    assert occurred(events) == {
        "queue.call_waiting": at(entered),
        "queue.call_abandoned": at(entered + WAITED),
    }
    stock = row("abandoned", agent_id="", handled_timestamp="")
    _, snapshot = diff(None, [])
    events, _ = diff(snapshot, [stock])
    assert occurred(events)["queue.call_abandoned"] == at(POLLED)  # stock Kazoo: the poll saw it


def test_an_agent_status_change_is_dated_by_the_poll_that_saw_it():
    _, snapshot = diff(None, [], {AGENT.id: "ready"})
    events, _ = diff(snapshot, [], {AGENT.id: "paused"})
    assert [event.type for event in events] == [EventType.AGENT_STATUS_CHANGED]
    assert occurred(events) == {"agent.status_changed": at(POLLED)}


def test_queue_summaries_show_the_caller_number_in_its_international_form():
    _, snapshot = diff(None, [])
    events, _ = diff(snapshot, [row("handled")])
    assert "Erika Muster (+49 30 123456)" in events[-1].payload["summary"]
