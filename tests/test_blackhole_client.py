"""The Blackhole client against a real websocket peer: the simulator, and for the dead-peer case a
silent server of our own (the simulator always answers pings, as cowboy does)."""

import base64
import hashlib
import socket
import threading
import time
from collections.abc import Callable

from kazoo_zapier.kazoo.blackhole import BlackholeClient, backoff_delay

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
