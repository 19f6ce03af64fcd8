"""The Blackhole client against a real websocket peer: the Kazoo simulator, and for the dead-peer
case a silent server of our own (the simulator always answers pings, as cowboy does)."""

import base64
import hashlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from kazoo_zapier.kazoo.blackhole import (
    ACTIVE,
    FAILED,
    BlackholeClient,
    backoff_delay,
    client_from_settings,
)
from kazoo_zapier.kazoo.simulator import KazooSimulator

WAIT_SECONDS = 15.0


def wait_for(condition: Callable[[], object], what: str, timeout: float = WAIT_SECONDS) -> None:
    """Bounded poll: the condition, not the clock, decides; the timeout only ends a hang."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {what}")
        time.sleep(0.02)


# ------------------------------------------------------------------------------ backoff
def test_backoff_doubles_from_the_initial_delay_up_to_the_cap_with_jitter_below_each_ceiling():
    for attempt, ceiling in [(0, 0.5), (1, 1.0), (2, 2.0), (5, 16.0), (6, 30.0), (60, 30.0)]:
        delays = [backoff_delay(attempt, initial=0.5, maximum=30.0) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays), (attempt, min(delays))
        assert len(set(delays)) > 1, "no jitter"


# --------------------------------------------------------------------- a silent peer
class SilentPeer:
    """Accepts websocket upgrades on 127.0.0.1:0, records the request headers, then never sends
    another byte: a peer that died without closing, as after a NAT or cable cut."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"ws://127.0.0.1:{self._listener.getsockname()[1]}/"
        self.requests: list[str] = []
        self._connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                request += chunk
            text = request.decode("latin-1")
            self.requests.append(text)
            key = next(
                line.split(":", 1)[1].strip()
                for line in text.split("\r\n")
                if line.lower().startswith("sec-websocket-key:")
            )
            accept = base64.b64encode(
                hashlib.sha1(  # noqa: S324 - RFC 6455's handshake, not security
                    (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()
                ).digest()
            ).decode()
            conn.sendall(
                b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept.encode() + b"\r\n\r\n"
            )
            self._connections.append(conn)  # kept open, never read, never answered

    def close(self) -> None:
        self._listener.close()
        for conn in self._connections:
            conn.close()


def test_a_peer_that_stops_answering_pings_is_dropped_and_reconnected(caplog):
    peer = SilentPeer()
    client = BlackholeClient(
        peer.url,
        lambda: "token",
        lambda envelope: None,
        ping_interval=0.1,
        pong_timeout=0.3,
        backoff_initial=0.05,
    )
    try:
        client.start()
        wait_for(lambda: client.snapshot().reconnects >= 1, "a reconnect after silence")
        assert len(peer.requests) >= 2
        assert "not even a pong" in caplog.text
        assert client.stop(timeout=5) is True
    finally:
        peer.close()


def test_the_upgrade_request_carries_no_subprotocol():
    # Blackhole answers 400 to any Sec-WebSocket-Protocol header (REFERENCE.md §1.1).
    peer = SilentPeer()
    try:
        client = BlackholeClient(peer.url, lambda: "token", lambda envelope: None).start()
        wait_for(lambda: client.snapshot().connected, "connected")
        # Kazoo never answers our close here: stop() must still end promptly.
        assert client.stop(timeout=5) is True
        assert peer.requests
        assert "sec-websocket-protocol" not in peer.requests[0].lower()
    finally:
        peer.close()


# --------------------------------------------------------------------- against the simulator
ANSWER = "call.CHANNEL_ANSWER.*"
HOLD = "call.CHANNEL_HOLD.*"
UNKNOWN_ACCOUNT = "0123456789abcdef0123456789abcdef"


def fresh_token(sim: KazooSimulator) -> str:
    """A new api_auth token from the simulator's Crossbar, as the provider's key gets one."""
    response = requests.put(
        f"{sim.api_url}/api_auth", json={"data": {"api_key": sim.world.api_key}}, timeout=5
    )
    response.raise_for_status()
    return response.json()["auth_token"]


class Recorder:
    """The consumer's side: what reached each callback, in order, from the dispatcher thread."""

    def __init__(self, sim: KazooSimulator) -> None:
        self.sim = sim
        self.events: list[dict[str, Any]] = []
        self.refusals: list[tuple[str, str, list[str]]] = []
        self.connects: list[bool] = []
        self.token_calls = 0

    def token(self) -> str:
        self.token_calls += 1
        return fresh_token(self.sim)

    def call_ids(self) -> list[str]:
        return [envelope["data"]["call_id"] for envelope in self.events]


@pytest.fixture
def recorder(kazoo_sim: KazooSimulator) -> Recorder:
    return Recorder(kazoo_sim)


@pytest.fixture
def client(kazoo_sim: KazooSimulator, recorder: Recorder) -> Iterator[BlackholeClient]:
    blackhole = BlackholeClient(
        kazoo_sim.ws_url,
        recorder.token,
        recorder.events.append,
        on_subscription_error=lambda *refusal: recorder.refusals.append(refusal),
        on_connect=recorder.connects.append,
        backoff_initial=0.05,
    )
    blackhole.start()
    yield blackhole
    assert blackhole.stop(timeout=10) is True


def states(client: BlackholeClient) -> dict[tuple[str, str], str]:
    return client.snapshot().subscriptions


def wait_settled(client: BlackholeClient, expected: dict[tuple[str, str], str]) -> None:
    wait_for(lambda: states(client) == expected, f"subscriptions {expected}, got {states(client)}")


def publish(sim: KazooSimulator, account_id: str, call_id: str, name: str = "CHANNEL_ANSWER"):
    return sim.publish(account_id, name, {"call_id": call_id, "event_name": name})


def test_events_reach_on_event_for_the_subscribed_account_only(kazoo_sim, client, recorder):
    demo, other = kazoo_sim.world.demo.id, kazoo_sim.world.other.id
    client.set_subscriptions([(demo, ANSWER)])
    wait_settled(client, {(demo, ANSWER): ACTIVE})

    publish(kazoo_sim, demo, "demo-1")
    assert publish(kazoo_sim, other, "other-1") == 0  # nobody subscribed for that account
    publish(kazoo_sim, demo, "demo-2")
    wait_for(lambda: "demo-2" in recorder.call_ids(), "the second demo event")

    # One socket delivers in order: "other-1" would have come before "demo-2".
    assert recorder.call_ids() == ["demo-1", "demo-2"]
    envelope = recorder.events[0]
    assert envelope["action"] == "event"
    assert envelope["name"] == "CHANNEL_ANSWER"
    assert envelope["subscription_key"] == f"call.{demo}.CHANNEL_ANSWER.*"
    status = client.snapshot()
    assert status.events_dispatched == 2
    assert status.connected and status.reconnects == 0 and status.rejected == {}
    assert recorder.connects == [False]


def test_error_replies_fail_only_their_subscription_and_the_socket_stays_usable(
    kazoo_sim, client, recorder
):
    demo = kazoo_sim.world.demo.id
    bad_event = (demo, "call.NOT_AN_EVENT.*")
    bad_binding = (demo, "conference.command.*")
    unknown_account = (UNKNOWN_ACCOUNT, ANSWER)
    client.set_subscriptions([bad_event, bad_binding, unknown_account, (demo, ANSWER)])
    wait_settled(
        client,
        {bad_event: FAILED, bad_binding: FAILED, unknown_account: FAILED, (demo, ANSWER): ACTIVE},
    )

    errors = client.snapshot().subscription_errors
    assert errors == {
        bad_event: ["event NOT_AN_EVENT not supported"],
        bad_binding: ["no available subscriptions to requested binding"],
        unknown_account: ["unauthorized account id"],
    }
    wait_for(lambda: len(recorder.refusals) == 3, "three refusals told to the consumer")
    assert sorted(recorder.refusals) == sorted(
        (account, binding, messages) for (account, binding), messages in errors.items()
    )
    publish(kazoo_sim, demo, "after-errors")
    wait_for(lambda: recorder.call_ids() == ["after-errors"], "an event after the errors")
    assert client.snapshot().reconnects == 0


def test_an_expired_token_is_refused_and_a_fresh_one_works_on_the_same_socket(kazoo_sim, recorder):
    demo = kazoo_sim.world.demo.id
    stale = fresh_token(kazoo_sim)
    kazoo_sim.faults.expire_tokens()
    tokens = iter([stale])

    def stale_then_fresh() -> str:
        return next(tokens, None) or fresh_token(kazoo_sim)

    with BlackholeClient(kazoo_sim.ws_url, stale_then_fresh, recorder.events.append) as client:
        client.set_subscriptions([(demo, ANSWER)])
        wait_settled(client, {(demo, ANSWER): FAILED})
        assert client.snapshot().subscription_errors == {
            (demo, ANSWER): ["failed to authenticate token <redacted>"]
        }
        assert stale not in (client.snapshot().last_error or "")

        client.set_subscriptions([(demo, ANSWER), (demo, HOLD)])
        wait_settled(client, {(demo, ANSWER): FAILED, (demo, HOLD): ACTIVE})
        publish(kazoo_sim, demo, "held", name="CHANNEL_HOLD")
        wait_for(lambda: [e["data"]["call_id"] for e in recorder.events] == ["held"], "event")
        assert client.snapshot().reconnects == 0


def test_set_subscriptions_sends_only_the_differences(kazoo_sim, client, recorder):
    demo, other = kazoo_sim.world.demo.id, kazoo_sim.world.other.id
    client.set_subscriptions([(demo, ANSWER), (demo, HOLD)])
    wait_settled(client, {(demo, ANSWER): ACTIVE, (demo, HOLD): ACTIVE})
    assert client.snapshot().frames_received == 2  # one reply per subscribe

    client.set_subscriptions([(demo, HOLD), (other, ANSWER)])
    wait_settled(client, {(demo, HOLD): ACTIVE, (other, ANSWER): ACTIVE})
    # One unsubscribe and one subscribe: (demo, HOLD) was not sent again.
    assert client.snapshot().frames_received == 4
    assert kazoo_sim.stats()["subscriptions"] == [sorted([(demo, HOLD), (other, ANSWER)])]

    publish(kazoo_sim, demo, "no-longer-wanted")
    publish(kazoo_sim, other, "newly-wanted")
    publish(kazoo_sim, demo, "still-wanted", name="CHANNEL_HOLD")
    wait_for(lambda: "still-wanted" in recorder.call_ids(), "the last event")
    assert recorder.call_ids() == ["newly-wanted", "still-wanted"]

    client.set_subscriptions([])
    wait_settled(client, {})
    assert kazoo_sim.stats()["subscriptions"] == [[]]


def test_a_dropped_socket_reconnects_resubscribes_and_events_flow_again(
    kazoo_sim, client, recorder
):
    demo = kazoo_sim.world.demo.id
    client.set_subscriptions([(demo, ANSWER)])
    wait_settled(client, {(demo, ANSWER): ACTIVE})
    publish(kazoo_sim, demo, "before")
    wait_for(lambda: recorder.call_ids() == ["before"], "the event before the cut")
    token_calls = recorder.token_calls

    kazoo_sim.faults.drop_sockets()

    wait_for(lambda: client.snapshot().reconnects == 1, "one reconnect")
    wait_settled(client, {(demo, ANSWER): ACTIVE})
    assert recorder.token_calls > token_calls  # re-authenticated with a token asked anew
    assert kazoo_sim.stats()["subscriptions"] == [[(demo, ANSWER)]]
    publish(kazoo_sim, demo, "after")
    wait_for(lambda: recorder.call_ids() == ["before", "after"], "the event after the reconnect")
    assert client.snapshot().reconnects == 1
    assert recorder.connects == [False, True]


def test_expired_tokens_at_reconnect_time_a_new_token_is_asked_for(kazoo_sim, client, recorder):
    demo = kazoo_sim.world.demo.id
    client.set_subscriptions([(demo, ANSWER)])
    wait_settled(client, {(demo, ANSWER): ACTIVE})

    kazoo_sim.faults.expire_tokens()  # the token the client used is dead now
    kazoo_sim.faults.drop_sockets()

    wait_for(lambda: client.snapshot().reconnects == 1, "one reconnect")
    # A reused token would leave this failed with "failed to authenticate token".
    wait_settled(client, {(demo, ANSWER): ACTIVE})
    publish(kazoo_sim, demo, "after")
    wait_for(lambda: recorder.call_ids() == ["after"], "the event after the reconnect")


def test_bad_frames_are_rejected_by_reason_and_the_good_events_around_them_all_arrive(
    kazoo_sim, client, recorder
):
    demo = kazoo_sim.world.demo.id
    client.set_subscriptions([(demo, ANSWER)])
    wait_settled(client, {(demo, ANSWER): ACTIVE})
    # Valid JSON and an event: dispatched if it were parsed, so it proves it is not.
    huge = '{"action":"event","name":"HUGE","data":{"call_id":"huge","pad":"%s"}}' % (
        "x" * (2 * 1024 * 1024)
    )

    publish(kazoo_sim, demo, "good-1")
    kazoo_sim.send_raw("not json")
    publish(kazoo_sim, demo, "good-2")
    kazoo_sim.send_raw("[1, 2]")
    kazoo_sim.send_raw(b"\xff\xfe not utf-8")
    publish(kazoo_sim, demo, "good-3")
    kazoo_sim.send_raw('{"action": "party"}')
    kazoo_sim.send_raw('"a string"')
    publish(kazoo_sim, demo, "good-4")
    kazoo_sim.send_raw(huge)
    publish(kazoo_sim, demo, "good-5")

    wait_for(lambda: "good-5" in recorder.call_ids(), "the last good event")
    assert recorder.call_ids() == ["good-1", "good-2", "good-3", "good-4", "good-5"]
    status = client.snapshot()
    assert status.rejected == {"not_json": 2, "not_object": 2, "unknown_action": 1, "too_large": 1}
    assert status.connected and status.reconnects == 0


def test_a_consumer_that_raises_does_not_stop_the_stream(kazoo_sim, recorder):
    demo = kazoo_sim.world.demo.id

    def on_event(envelope: dict[str, Any]) -> None:
        if envelope["data"]["call_id"] == "poison":
            raise ValueError("the consumer's bug")
        recorder.events.append(envelope)

    with BlackholeClient(kazoo_sim.ws_url, recorder.token, on_event) as client:
        client.set_subscriptions([(demo, ANSWER)])
        wait_settled(client, {(demo, ANSWER): ACTIVE})
        publish(kazoo_sim, demo, "poison")
        publish(kazoo_sim, demo, "fine")
        wait_for(lambda: recorder.call_ids() == ["fine"], "the event after the failing one")
        assert client.snapshot().consumer_errors == 1


def test_stop_dispatches_every_frame_already_received(kazoo_sim, recorder):
    demo = kazoo_sim.world.demo.id
    gate = threading.Event()

    def slow_consumer(envelope: dict[str, Any]) -> None:
        gate.wait(WAIT_SECONDS)  # holds the dispatcher so frames pile up in the queue
        recorder.events.append(envelope)

    client = BlackholeClient(kazoo_sim.ws_url, recorder.token, slow_consumer).start()
    client.set_subscriptions([(demo, ANSWER)])
    wait_settled(client, {(demo, ANSWER): ACTIVE})
    for n in range(50):
        publish(kazoo_sim, demo, f"call-{n}")
    wait_for(lambda: client.snapshot().frames_received == 1 + 50, "all 50 events received")

    stopped: list[bool] = []
    stopper = threading.Thread(target=lambda: stopped.append(client.stop(timeout=WAIT_SECONDS)))
    stopper.start()
    wait_for(lambda: not client.snapshot().connected, "the socket closed by stop()")
    assert len(recorder.events) < 50  # still queued when the socket closed
    gate.set()
    stopper.join(WAIT_SECONDS)

    assert stopped == [True]
    assert recorder.call_ids() == [f"call-{n}" for n in range(50)]


def test_the_client_from_settings_uses_kazoo_ws_url_and_the_crossbar_token(kazoo_sim, recorder):
    demo = kazoo_sim.world.demo.id
    with client_from_settings(recorder.events.append) as client:
        assert client.url == kazoo_sim.ws_url
        client.set_subscriptions([(demo, ANSWER)])
        wait_settled(client, {(demo, ANSWER): ACTIVE})
        publish(kazoo_sim, demo, "via-settings")
        wait_for(lambda: recorder.call_ids() == ["via-settings"], "the event")
