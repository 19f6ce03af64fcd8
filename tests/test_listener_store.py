"""The listener's store never stops silently (issue 14, item 3).

- an event the database refuses for good is set aside (a dead letter, shown in the admin and
  replayable) and the events around it are stored;
- a database that is away is waited for, with growing pauses, and nothing is lost;
- a full outbox holds the dispatcher back and says so in the health, and loses nothing;
- a dead store thread ends the listener (the command exits non-zero for its supervisor).
"""

import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import OperationalError, connection

from events import store_retry
from events.listener import Listener, ListenerThreadDied
from events.models import DeadLetter, Event, ListenerState
from events.outbox import Outbox
from events.store_retry import Backoff, ResilientStore, replay
from hooks.models import Delivery
from tests.fixtures.hooks import wait_until
from tests.test_listener import (  # noqa: F401 - fixtures
    HOOK_URL,
    crossbar,
    make_listener,
    settle,
)

pytestmark = pytest.mark.django_db(transaction=True)

ACCOUNT = "a" * 32
USER = "b" * 32


@dataclass(frozen=True)
class Made:
    """A normalized event as the normalizer hands it over."""

    payload: dict[str, Any]
    account_id: str
    user_id: str | None


def made(n: int, *, account_id: str = ACCOUNT, **extra: Any) -> Made:
    payload = {
        "id": f"evt-{n}",
        "type": "call.ringing",
        "occurred_at": datetime(2026, 12, 3, 10, 0, n, tzinfo=UTC).isoformat(),
        "call_id": f"call-{n}",
        "summary": f"call {n}",
        **extra,
    }
    return Made(payload, account_id, USER)


def unencodable(n: int) -> Made:
    return made(n, kazoo={"tags": {"a", "set"}})  # JSON has no sets: refused on every database


def test_an_event_that_can_never_be_stored_is_set_aside_and_the_rest_flow_on():
    batch = [made(0), made(1), unencodable(2), made(3), made(4)]
    outcome = ResilientStore(sleep=lambda pause: None).store(batch)

    assert outcome.set_aside == 1
    assert sorted(Event.objects.values_list("id", flat=True)) == [
        "evt-0",
        "evt-1",
        "evt-3",
        "evt-4",
    ]
    (dead,) = DeadLetter.objects.all()
    assert (dead.event_id, dead.type, dead.account_id) == ("evt-2", "call.ringing", ACCOUNT)
    assert dead.error.startswith("TypeError")
    assert dead.payload["summary"] == "call 2"  # kept, with the unencodable value as its text


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite does not enforce a column's length"
)
def test_a_value_longer_than_its_column_is_a_dead_letter_not_a_retry_forever():
    too_long = made(7, account_id="x" * 40)  # the DataError: account_id is 32 wide
    retries: list[float] = []
    outcome = ResilientStore(
        on_retry=lambda error, pause: retries.append(pause), sleep=lambda pause: None
    ).store([made(6), too_long, made(8)])

    assert outcome.set_aside == 1 and not retries
    assert set(Event.objects.values_list("id", flat=True)) == {"evt-6", "evt-8"}
    assert DeadLetter.objects.get().error.startswith("DataError")


def test_a_set_aside_event_is_replayed_with_its_deliveries(kazoo_user, make_hook):
    hook = make_hook(kazoo_user, HOOK_URL, event="call.ringing")
    account, user = kazoo_user.kazoo.account.kazoo_id, kazoo_user.kazoo.kazoo_id
    undated = made(3, occurred_at="yesterday, about noon")
    ResilientStore(sleep=lambda pause: None).store([undated])
    dead = DeadLetter.objects.get()
    assert replay(dead) is False  # the cause is not fixed yet: still refused, and said why
    dead.refresh_from_db()
    assert dead.replayed_at is None and dead.replay_error.startswith("ValueError")

    # Staff fix the cause (here: the event as it should have been) and replay it.
    dead.payload = made(3).payload
    dead.account_id, dead.user_id = account, user
    dead.save()
    assert replay(dead) is True
    dead.refresh_from_db()
    assert dead.replayed_at is not None
    assert Delivery.objects.filter(hook=hook, event_id="evt-3").count() == 1


def test_a_database_that_is_away_is_waited_for_with_growing_pauses(monkeypatch):
    real = store_retry.store_events
    failures = iter([OperationalError("server closed the connection unexpectedly")] * 4)

    def away_for_a_while(batch):
        error = next(failures, None)
        if error is not None:
            raise error
        return real(batch)

    monkeypatch.setattr(store_retry, "store_events", away_for_a_while)
    pauses: list[float] = []
    store = ResilientStore(
        backoff=Backoff(initial=0.5, maximum=2.0),
        on_retry=lambda error, pause: pauses.append(pause),
        sleep=lambda pause: None,
    )
    outcome = store.store([made(0), made(1)])

    assert pauses == [0.5, 1.0, 2.0, 2.0]
    assert len(outcome.stored) == 2 and outcome.set_aside == 0
    assert not DeadLetter.objects.exists()


class Gate:
    """Makes the listener's store fail as a database away would, until opened."""

    def __init__(self, monkeypatch) -> None:
        self.closed = threading.Event()
        self.closed.set()
        real = store_retry.store_events

        def store(batch):
            if self.closed.is_set():
                raise OperationalError("could not connect to server: Connection refused")
            return real(batch)

        monkeypatch.setattr(store_retry, "store_events", store)

    def open(self) -> None:
        self.closed.clear()


def test_while_the_database_is_away_the_health_says_so_and_nothing_is_lost(
    kazoo_sim, make_listener, kazoo_user, make_hook, monkeypatch  # noqa: F811
):
    make_hook(kazoo_user, HOOK_URL, event="call.ended")
    listener = make_listener(store_backoff=Backoff(initial=0.05, maximum=0.2))
    settle(listener, accounts=1)
    gate = Gate(monkeypatch)
    bob = kazoo_user.kazoo.kazoo_id
    calls = [kazoo_sim.play("inbound_answered", wait=True, user_id=bob) for _ in range(3)]

    wait_until(lambda: listener.store_health()["state"] == "retrying", what="store retrying")
    listener.report_health()
    health = ListenerState.objects.get(name="default").health
    assert health["store"]["state"] == "retrying"
    assert "Connection refused" in health["store"]["last_error"]
    assert health["queued"] > 0
    assert not Event.objects.exists()

    gate.open()
    for call in calls:
        wait_until(
            lambda call=call: Event.objects.filter(call_id=call["call_id"], type="call.ended")
            .exists(),
            what="the call's end stored after the database came back",
        )
    assert listener.store_health()["state"] == "ok"
    assert Delivery.objects.filter(event__type="call.ended").count() == 3


def test_a_full_outbox_holds_the_dispatcher_back_says_so_and_loses_nothing(
    kazoo_sim, make_listener, kazoo_user, make_hook, monkeypatch  # noqa: F811
):
    make_hook(kazoo_user, HOOK_URL, event="call.ringing")
    # Small batches: the store holds one batch while it retries; the outbox fills behind it.
    listener = make_listener(
        outbox_capacity=5, batch_size=2, store_backoff=Backoff(initial=0.05, maximum=0.1)
    )
    settle(listener, accounts=1)
    gate = Gate(monkeypatch)
    bob = kazoo_user.kazoo.kazoo_id
    calls = [kazoo_sim.play("inbound_answered", wait=True, user_id=bob) for _ in range(8)]

    wait_until(lambda: listener.health()["outbox"]["full"], what="the outbox full")
    outbox = listener.health()["outbox"]
    assert outbox["capacity"] == 5 and outbox["times_full"] >= 1
    # The frames behind the full outbox wait, unread by the normalizer, in the client's queue.
    assert listener.blackhole.snapshot().queue_depth > 0
    assert outbox["events"] <= 5 + 3  # one frame's events may pass the mark, never more

    gate.open()
    wait_until(
        lambda: Event.objects.filter(type="call.ended").count() == len(calls),
        what="every call stored once the database answered",
    )
    for call in calls:
        kinds = set(Event.objects.filter(call_id=call["call_id"]).values_list("type", flat=True))
        assert kinds == {"call.ringing", "call.answered", "call.ended"}
    assert not listener.health()["outbox"]["full"]


def test_the_outbox_always_takes_control_items_and_counts_only_events():
    outbox = Outbox(capacity=2)
    outbox.put_events(["e1", "e2"])
    assert outbox.wait_for_room(timeout=0.01) is False
    outbox.put_control("snapshot")  # never refused: the store must always learn to stop
    assert outbox.status()["full"] is True and outbox.events == 2
    assert outbox.get() == ["e1", "e2"]
    assert outbox.wait_for_room(timeout=0.01) is True
    assert outbox.get() == "snapshot"
    assert outbox.status() | {"times_full": 1} == {
        "events": 0,
        "capacity": 2,
        "full": False,
        "full_for_seconds": None,
        "times_full": 1,
        "high_water": 2,
    }


def test_a_dead_store_thread_ends_the_listener_instead_of_living_on(
    kazoo_sim, crossbar, kazoo_user, make_hook  # noqa: F811
):
    make_hook(kazoo_user, HOOK_URL, event="call.ringing")
    listener = Listener(crossbar=crossbar, ws_url=kazoo_sim.ws_url, control_interval=0.05)

    def broken(batch):
        raise RuntimeError("a bug in the store")

    listener._store = broken
    stop = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            listener.run(stop)
        except BaseException as error:
            failure.append(error)

    runner = threading.Thread(target=run)
    runner.start()
    wait_until(
        lambda: set(listener.blackhole.snapshot().subscriptions.values()) == {"active"},
        what="subscribed",
    )
    kazoo_sim.play("inbound_answered", wait=True, user_id=kazoo_user.kazoo.kazoo_id)
    runner.join(timeout=30)
    stop.set()
    assert not runner.is_alive()
    assert failure and isinstance(failure[0], ListenerThreadDied)
    assert "listener-store" in str(failure[0])
    assert listener.store_health()["state"] == "dead"
