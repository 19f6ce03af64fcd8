"""The listener end to end: the simulator's Blackhole -> normalized events -> stored rows and
deliveries, including a dropped socket and a restart in the middle of a call."""

import json
import random
import signal
import time
from collections import Counter

import pytest

from events.catalogue import EventType
from events.listener import (
    ACCOUNT_BINDINGS,
    CALL_EVENT_NAMES,
    Listener,
    call_bindings,
    pack_call_state,
    unpack_call_state,
)
from events.models import Event, ListenerState
from events.normalizer import CallState
from hooks.models import Delivery
from kazoo_zapier.kazoo.crossbar import CrossbarClient
from kazoo_zapier.kazoo.simulator.blackhole import CALL_EVENTS
from kazoo_zapier.kazoo.simulator.scenarios import build_scenario
from tests.fixtures.hooks import start_django_process, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

HOOK_URL = "https://hooks.zapier.example/hooks/standard/1/abc/"


@pytest.fixture
def crossbar(kazoo_sim):
    return CrossbarClient(kazoo_sim.api_url, kazoo_sim.world.api_key)


@pytest.fixture
def make_listener(kazoo_sim, crossbar):
    """make_listener() -> a started Listener on the simulator; stopped after the test."""
    started: list[Listener] = []

    def make(**options) -> Listener:
        options.setdefault("control_interval", 0.1)
        options.setdefault("snapshot_interval", 0.2)
        listener = Listener(crossbar=crossbar, ws_url=kazoo_sim.ws_url, **options)
        listener.start()
        started.append(listener)
        return listener

    yield make
    for listener in started:
        if listener._store_thread.is_alive():
            listener.shutdown()


def settle(listener: Listener, *, accounts: int) -> None:
    """Run the control loop until Kazoo confirmed every binding of `accounts` accounts."""

    def subscribed() -> bool:
        listener.step()
        states = listener.blackhole.snapshot().subscriptions.values()
        return len(states) == accounts * len(ACCOUNT_BINDINGS) and set(states) == {"active"}

    wait_until(subscribed, timeout=15, what="Blackhole subscriptions")


def played_past(world, name: str, seed: int = 1, **params):
    """A scenario whose every timestamp lies in the past, as Kazoo's own traffic would."""
    return build_scenario(name, world, start=time.time() - 120, rng=random.Random(seed), **params)


def publish(sim, steps) -> None:
    for step in steps:
        if step.kind == "event":
            sim.publish(step.account_id, step.name, step.data)


def events_of(call_id: str) -> list[tuple[str, str]]:
    return list(
        Event.objects.filter(call_id=call_id).order_by("occurred_at").values_list("type", "user_id")
    )


def test_one_wildcard_binding_per_account_covers_the_nine_call_events():
    assert call_bindings(["a1", "a2"]) == [("a1", "call.*.*"), ("a2", "call.*.*")]
    # `call.*.*` expands to bh_call's ?LISTEN_TO, which is what the normalizer understands.
    assert set(CALL_EVENT_NAMES) == set(CALL_EVENTS)


def test_accounts_without_an_active_hook_are_not_listened_to(make_listener, kazoo_user, make_hook):
    listener = make_listener()
    listener.step()
    assert listener.blackhole.snapshot().subscriptions == {}
    hook = make_hook(kazoo_user, HOOK_URL)
    settle(listener, accounts=1)
    # ... and when the last hook goes, the bindings go within a round of the control loop.
    hook.status = hook.Status.GONE
    hook.save()
    wait_until(
        lambda: (listener.step(), listener.blackhole.snapshot().subscriptions == {})[1],
        timeout=10,
        what="unsubscribe",
    )


def test_an_answered_inbound_call_becomes_ringing_answered_ended_with_deliveries(
    kazoo_sim, make_listener, kazoo_user, make_hook
):
    bob = kazoo_user.kazoo
    hooks = {
        kind: make_hook(kazoo_user, HOOK_URL, event=kind)
        for kind in ("call.ringing", "call.answered", "call.ended")
    }
    listener = make_listener()
    settle(listener, accounts=1)
    result = kazoo_sim.play("inbound_answered", wait=True, user_id=bob.kazoo_id)

    wait_until(
        lambda: Event.objects.filter(call_id=result["call_id"], type="call.ended").exists(),
        what="call.ended stored",
    )
    assert events_of(result["call_id"]) == [
        ("call.ringing", bob.kazoo_id),
        ("call.answered", bob.kazoo_id),
        ("call.ended", bob.kazoo_id),
    ]
    ended = Event.objects.get(call_id=result["call_id"], type="call.ended").payload
    assert ended["direction"] == "inbound"
    assert ended["result"] == "answered"
    assert ended["user_name"] == "Bob Berger"
    assert set(ended) == set(EventType("call.ended").payload_keys)
    for kind, hook in hooks.items():
        assert Delivery.objects.filter(hook=hook, event__type=kind).count() == 1


def test_every_scenario_of_the_simulator_comes_through(
    kazoo_sim, make_listener, kazoo_admin, make_hook
):
    # An administrator's account-wide hook on each call type sees every call of the account.
    for kind in EventType:
        if kind.value.startswith("call."):
            make_hook(kazoo_admin, HOOK_URL, event=kind.value, scope="account")
    listener = make_listener()
    settle(listener, accounts=1)
    names = [
        "inbound_answered",
        "multi_device_ring",
        "ring_group_answered_elsewhere",
        "missed_to_voicemail",
        "outbound_answered",
        "outbound_busy",
        "outbound_no_answer",
        "internal_call",
        "hold_resume",
        "park_retrieve",
        "park_abandoned",
    ]
    results = {name: kazoo_sim.play(name, wait=True) for name in names}
    wait_until(lambda: listener._outbox.empty() and listener.health()["queued"] == 0, what="drain")
    wait_until(
        lambda: all(Event.objects.filter(call_id=r["call_id"]).exists() for r in results.values()),
        what="an event for every call",
    )
    types = Counter(Event.objects.values_list("type", flat=True))
    for expected in ("call.ringing", "call.started", "call.answered", "call.ended", "call.missed"):
        assert types[expected] > 0, expected
    assert types["call.held"] == types["call.resumed"] == 1
    assert types["call.parked"] == 2
    assert types["call.retrieved"] == 1  # Kazoo's double PARK_RETRIEVED is one event
    assert types["call.park_abandoned"] == 1
    # Rule 6: every ringing or started has exactly one ended, per call and user.
    begun = Counter(
        Event.objects.filter(type__in=["call.ringing", "call.started"]).values_list(
            "call_id", "user_id"
        )
    )
    ended = Counter(Event.objects.filter(type="call.ended").values_list("call_id", "user_id"))
    assert begun == ended
    assert listener.health()["frames_rejected"] == {}
    assert Delivery.objects.count() == Event.objects.filter(type__startswith="call.").count()


def test_a_socket_dropped_mid_call_still_ends_the_call(
    kazoo_sim, make_listener, kazoo_user, make_hook
):
    bob = kazoo_user.kazoo
    make_hook(kazoo_user, HOOK_URL, event="call.ended")
    listener = make_listener()
    settle(listener, accounts=1)
    scenario = played_past(kazoo_sim.world, "inbound_answered", user_id=bob.kazoo_id)
    destroys = [i for i, s in enumerate(scenario.steps) if s.name == "CHANNEL_DESTROY"]
    publish(kazoo_sim, scenario.steps[: destroys[0]])
    wait_until(
        lambda: Event.objects.filter(call_id=scenario.call_id, type="call.answered").exists(),
        what="call.answered",
    )

    kazoo_sim.faults.drop_sockets()
    wait_until(lambda: not listener.blackhole.snapshot().connected, what="disconnect")
    # The hang-up happens while nobody listens: Kazoo keeps no events for a closed socket.
    publish(kazoo_sim, scenario.steps[destroys[0] :])

    wait_until(
        lambda: (listener.step(), listener.blackhole.snapshot().reconnects >= 1)[1],
        what="reconnect",
    )
    wait_until(
        lambda: Event.objects.filter(call_id=scenario.call_id, type="call.ended").exists(),
        what="call.ended from Crossbar's CDRs",
    )
    assert Event.objects.filter(call_id=scenario.call_id, type="call.ended").count() == 1


def test_a_listener_restarted_mid_call_ends_the_call_exactly_once(
    kazoo_sim, make_listener, kazoo_user, make_hook
):
    bob = kazoo_user.kazoo
    make_hook(kazoo_user, HOOK_URL, event="call.ended")
    first = make_listener()
    settle(first, accounts=1)
    scenario = played_past(kazoo_sim.world, "inbound_answered", user_id=bob.kazoo_id, seed=7)
    destroys = [i for i, s in enumerate(scenario.steps) if s.name == "CHANNEL_DESTROY"]
    publish(kazoo_sim, scenario.steps[: destroys[0]])
    wait_until(
        lambda: Event.objects.filter(call_id=scenario.call_id, type="call.answered").exists(),
        what="call.answered",
    )
    first.shutdown()  # SIGTERM: drains, saves the call state
    saved = unpack_call_state(ListenerState.objects.get(name="default").call_state)
    assert scenario.call_id in saved["calls"]

    publish(kazoo_sim, scenario.steps[destroys[0] :])  # the call ends while no listener runs

    second = make_listener()
    settle(second, accounts=1)
    wait_until(
        lambda: Event.objects.filter(call_id=scenario.call_id, type="call.ended").exists(),
        what="call.ended after the restart",
    )
    second.shutdown()
    assert events_of(scenario.call_id) == [
        ("call.ringing", bob.kazoo_id),
        ("call.answered", bob.kazoo_id),
        ("call.ended", bob.kazoo_id),
    ]


def test_bad_frames_among_good_ones_lose_nothing(kazoo_sim, make_listener, kazoo_user, make_hook):
    bob = kazoo_user.kazoo
    make_hook(kazoo_user, HOOK_URL, event="call.ended")
    listener = make_listener()
    settle(listener, accounts=1)
    scenario = played_past(kazoo_sim.world, "inbound_answered", user_id=bob.kazoo_id, seed=3)
    account = kazoo_sim.world.demo.id
    bad = [
        "not json at all",
        "[1, 2, 3]",
        '{"action": "event", "name": "CHANNEL_CREATE", "data": {"call_id": 42}}',
        '{"action": "event", "name": "NO_SUCH_EVENT", "data": {}}',
        b'{"action":"event","data":"' + b"x" * (5 * 1024 * 1024) + b'"}',
    ]
    for step, frame in zip(scenario.steps, bad + [None] * len(scenario.steps), strict=False):
        if frame is not None:
            kazoo_sim.send_raw(frame)
        kazoo_sim.publish(account, step.name, step.data)
    wait_until(
        lambda: Event.objects.filter(call_id=scenario.call_id, type="call.ended").exists(),
        what="the good frames' call.ended",
    )
    assert events_of(scenario.call_id) == [
        ("call.ringing", bob.kazoo_id),
        ("call.answered", bob.kazoo_id),
        ("call.ended", bob.kazoo_id),
    ]
    rejected = listener.health()["frames_rejected"]
    assert sum(rejected.values()) == len(bad)
    assert rejected.get("too_large") == 1


def test_another_accounts_calls_never_reach_this_accounts_hooks(
    kazoo_sim, make_listener, kazoo_admin, outsider, make_hook
):
    ours = make_hook(kazoo_admin, HOOK_URL, event="call.ringing", scope="account")
    theirs = make_hook(outsider, HOOK_URL, event="call.ringing", scope="account")
    listener = make_listener()
    settle(listener, accounts=2)
    other = kazoo_sim.world.other
    result = kazoo_sim.play("inbound_answered", wait=True, account_id=other.id)
    wait_until(
        lambda: Event.objects.filter(call_id=result["call_id"], type="call.ringing").exists(),
        what="the other account's call",
    )
    assert Delivery.objects.filter(hook=theirs).count() == 1
    assert Delivery.objects.filter(hook=ours).count() == 0


def test_health_is_reported_for_readyz_and_staff(kazoo_sim, make_listener, kazoo_user, make_hook):
    make_hook(kazoo_user, HOOK_URL, event="call.ringing")
    listener = make_listener()
    settle(listener, accounts=1)
    kazoo_sim.play("inbound_answered", wait=True, user_id=kazoo_user.kazoo.kazoo_id)
    wait_until(lambda: Event.objects.exists(), what="an event")
    wait_until(lambda: listener.events_stored > 0, what="stored")
    listener.report_health()
    health = ListenerState.objects.get(name="default").health
    assert health["connected"] is True
    assert health["accounts"] == 1
    assert health["bindings"] == len(ACCOUNT_BINDINGS)
    assert health["frames_received"] >= 7
    assert health["events_stored"] >= 1
    assert health["last_event_at"]


def test_queue_and_agent_events_come_from_polling_crossbar(
    kazoo_sim, make_listener, kazoo_admin, kazoo_user, make_hook
):
    for kind in ("queue.call_waiting", "queue.call_answered", "queue.call_completed"):
        make_hook(kazoo_admin, HOOK_URL, event=kind, scope="account")
    agent_hook = make_hook(kazoo_user, HOOK_URL, event="agent.status_changed")
    listener = make_listener(acdc_interval=0.05)
    settle(listener, accounts=1)
    listener.step()  # the baseline poll
    assert kazoo_sim.world.demo.id in listener.acdc_state

    result = kazoo_sim.play("queue_answered", wait=True, agent_id=kazoo_user.kazoo.kazoo_id)

    def polled() -> bool:
        listener.step()
        return Event.objects.filter(type="queue.call_completed").exists()

    wait_until(polled, what="queue.call_completed")
    queue_events = list(
        Event.objects.filter(type__startswith="queue.").order_by("occurred_at", "type")
    )
    assert sorted(e.type for e in queue_events) == [
        "queue.call_answered",
        "queue.call_completed",
        "queue.call_waiting",
    ]
    assert {e.payload["queue_name"] for e in queue_events} == {"Support"}
    assert {e.call_id for e in queue_events} == {result["call_id"]}
    # Bob logs out: his own hook hears of it (a poll sees where an agent is, not every step).
    kazoo_sim.play("agent_status_changes", wait=True, agent_id=kazoo_user.kazoo.kazoo_id)
    wait_until(
        lambda: (listener.step(), Delivery.objects.filter(hook=agent_hook).exists())[1],
        what="Bob's agent status change",
    )
    statuses = [d.event.payload["agent_status"] for d in Delivery.objects.filter(hook=agent_hook)]
    assert statuses
    assert all(
        d.event.user_id == kazoo_user.kazoo.kazoo_id
        for d in Delivery.objects.filter(hook=agent_hook)
    )


def test_the_kazoo_listen_command_runs_and_stops_cleanly_on_sigterm(
    kazoo_sim, kazoo_user, make_hook
):
    bob = kazoo_user.kazoo
    make_hook(kazoo_user, HOOK_URL, event="call.ended")
    process = start_django_process(
        "manage.py",
        "kazoo_listen",
        env={"KAZOO_API_URL": kazoo_sim.api_url, "KAZOO_WS_URL": kazoo_sim.ws_url},
    )
    try:
        wait_until(
            lambda: ListenerState.objects.filter(
                health__connected=True, health__accounts_subscribed=1
            ).exists(),
            timeout=60,
            what="the listener process to subscribe",
        )
        result = kazoo_sim.play("inbound_answered", wait=True, user_id=bob.kazoo_id)
        wait_until(
            lambda: Event.objects.filter(call_id=result["call_id"], type="call.ended").exists(),
            what="the call through the listener process",
        )
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=30)[0].decode()
    assert process.returncode == 0, output
    assert "listener stopped" in output


def test_a_queued_state_snapshot_is_not_changed_by_later_events():
    # Built but not started: no socket, no threads; only the state and its outbox.
    listener = Listener(
        crossbar=CrossbarClient("http://127.0.0.1:9/v2", "k" * 64), ws_url="ws://127.0.0.1:9"
    )
    listener.state.new_call("call-before", "account-1", "Acme", 0.0)
    listener.queue_snapshot()
    listener.state.new_call("call-after", "account-1", "Acme", 0.0)
    snapshot = listener._outbox.get_nowait()
    saved = unpack_call_state(snapshot.call_state)
    assert "call-before" in saved["calls"]
    assert "call-after" not in saved["calls"]


def test_the_packed_call_state_restores_as_it_was_and_old_plain_text_still_loads():
    state = CallState()
    for number in range(50):
        call = state.new_call(f"call-{number}", "account-1", "Acme \u00e9", float(number))
        state.alias(call, f"leg-{number}")
    state.bury("leg-old", 99.5)
    packed = pack_call_state(state)
    assert len(packed) < len(json.dumps(state.to_json())) / 3  # compressed
    assert unpack_call_state(packed) == json.loads(json.dumps(state.to_json()))
    restored = CallState.from_json(unpack_call_state(packed))
    assert list(restored.calls) == list(state.calls) and restored.legs == state.legs

    # A listener saved by an earlier version, as JSON text, still resumes.
    assert unpack_call_state(json.dumps(state.to_json())) == unpack_call_state(packed)
    assert unpack_call_state(b"") is None and unpack_call_state(None) is None
    empty = CallState()
    assert CallState.from_json(unpack_call_state(pack_call_state(empty))).calls == {}
