"""The Blackhole websocket client: the one seam between this service and Kazoo's pushed events.

One socket, many accounts (REFERENCE.md §1, §7):
- connected WITHOUT a subprotocol (Blackhole answers 400 to one) and without websocket-client's
  pure-Python UTF-8 validation (13x slower; `json.loads` rejects bad bytes anyway);
- one `subscribe` per (account_id, binding), each with its own request_id, replies matched to it;
  an error reply marks that subscription failed with Kazoo's strings, the socket stays open;
- paced under Kazoo's per-socket token bucket (blackhole_pacing.py): messages, pings included,
  are spent at the rate Kazoo refills; a rate-limit refusal is retried with backoff until it
  succeeds, a subscribe unanswered after `reply_timeout` is sent again (4.3 drops what it would
  send to a busy socket, replies included), other refusals stay failed until the next connect;
- subscribes go out in the order given to `set_subscriptions` (the caller puts what matters
  most first), except that pairs added later jump the queue: a new hook is heard within seconds
  even while thousands of accounts wait;
- protocol pings every `ping_interval`; a peer that sends nothing back for `pong_timeout` after a
  ping is declared dead and the socket is dropped;
- reconnects with jittered exponential backoff, then re-subscribes everything with a fresh token.

Threads, and why there are three:
- reader: connects and receives frames into a queue.Queue, nothing else, because Blackhole drops
  events for a slow reader;
- dispatcher: parses each frame once, settles replies, hands events to `on_event`. Every callback
  runs here, so the consumer needs no locking of its own;
- control: sends subscribes/unsubscribes after a (re)connect and pings. It is not the reader
  because the reader must keep draining while we send: a big resubscribe written by the reader
  could deadlock against Kazoo's replies filling both socket buffers.
"""

import contextlib
import json
import logging
import queue
import random
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import websocket
from django.conf import settings

from kazoo_zapier.kazoo.blackhole_pacing import KAZOO_FILL_RATE, KAZOO_MAX_TOKENS, Pacer
from kazoo_zapier.kazoo.blackhole_pacing import is_rate_limited as _is_rate_limited

logger = logging.getLogger(__name__)

Pair = tuple[str, str]  # (account_id, binding)

PENDING = "pending"  # wanted, not yet confirmed by Kazoo (or not yet sent)
ACTIVE = "active"  # Kazoo replied success
FAILED = "failed"  # Kazoo refused it (not for the rate); retried after the next reconnect
UNSUBSCRIBING = "unsubscribing"  # no longer wanted, unsubscribe sent, reply awaited

# Reasons a frame is rejected, as counted in BlackholeStatus.rejected.
TOO_LARGE = "too_large"
NOT_JSON = "not_json"
NOT_OBJECT = "not_object"
UNKNOWN_ACTION = "unknown_action"
BAD_REPLY = "bad_reply"

DEFAULT_MAX_FRAME_BYTES = 1024 * 1024
REDACTED = "<redacted>"


def backoff_delay(attempt: int, *, initial: float, maximum: float) -> float:
    """Seconds to wait before reconnect attempt `attempt` (0-based): doubling, capped, jittered.

    The jitter takes the upper half of the interval ("equal jitter"), so many listeners cut off by
    one Kazoo restart do not come back in lockstep, and none retries immediately.
    """
    ceiling = min(maximum, initial * 2 ** min(attempt, 32))
    return random.uniform(ceiling / 2, ceiling)


@dataclass
class _Subscription:
    state: str = PENDING
    request_id: str | None = None  # None: not sent on the current connection
    errors: list[str] = field(default_factory=list)
    # monotonic: since when the account is not heard on this binding (wanted, or disconnected)
    pending_since: float = field(default_factory=time.monotonic)
    sent_at: float | None = None
    retry_at: float = 0.0  # after a rate-limit refusal: not before
    rate_limited: int = 0  # refusals for the rate in a row


@dataclass(frozen=True)
class BlackholeStatus:
    """A consistent snapshot for health reports."""

    connected: bool
    connected_since: datetime | None
    reconnects: int
    last_frame_at: datetime | None
    frames_received: int
    events_dispatched: int
    consumer_errors: int
    queue_depth: int
    rejected: dict[str, int]
    subscriptions: dict[Pair, str]
    subscription_errors: dict[Pair, list[str]]  # Kazoo's error strings of failed subscriptions
    last_error: str | None
    last_error_at: datetime | None = None  # so that staff can tell history from an alarm
    # Per account: "subscribed" (every binding active), "refused" (one failed), else "pending".
    accounts: dict[str, str] = field(default_factory=dict)
    oldest_pending_seconds: float | None = None  # the longest an account has waited, now
    rate_limited: int = 0  # refusals for Kazoo's rate limit, all retried
    resent: int = 0  # subscribes sent again after no answer
    messages_sent: int = 0  # what the pacer counted (subscribes, unsubscribes, pings)

    def account_counts(self) -> dict[str, int]:
        counts = Counter(self.accounts.values())
        return {state: counts.get(state, 0) for state in ACCOUNT_STATES}

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: datetimes as ISO 8601, subscription keys as "account_id binding"."""
        return {
            "connected": self.connected,
            "connected_since": _iso(self.connected_since),
            "reconnects": self.reconnects,
            "last_frame_at": _iso(self.last_frame_at),
            "frames_received": self.frames_received,
            "events_dispatched": self.events_dispatched,
            "consumer_errors": self.consumer_errors,
            "queue_depth": self.queue_depth,
            "rejected": dict(self.rejected),
            "subscriptions": {
                f"{account} {binding}": {
                    "state": state,
                    "errors": self.subscription_errors.get((account, binding), []),
                }
                for (account, binding), state in self.subscriptions.items()
            },
            "last_error": self.last_error,
            "last_error_at": _iso(self.last_error_at),
            "accounts": self.account_counts(),
            "oldest_pending_seconds": self.oldest_pending_seconds,
            "rate_limited": self.rate_limited,
            "resent": self.resent,
        }


ACCOUNT_STATES = ("subscribed", "pending", "refused")


def account_states(subscriptions: dict[Pair, str]) -> dict[str, str]:
    """Each account's state from its bindings': refused beats pending beats subscribed."""
    rank = {ACTIVE: 0, PENDING: 1, UNSUBSCRIBING: 0, FAILED: 2}
    worst: dict[str, int] = {}
    for (account, _binding), state in subscriptions.items():
        worst[account] = max(worst.get(account, 0), rank.get(state, 1))
    return {account: ACCOUNT_STATES[value] for account, value in worst.items()}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _from_unix(seconds: float | None) -> datetime | None:
    return datetime.fromtimestamp(seconds, UTC) if seconds is not None else None


class _Connected:
    """Queued after a connect so that `on_connect` runs in the dispatcher, in order with events."""

    def __init__(self, reconnect: bool) -> None:
        self.reconnect = reconnect


_STOP = object()  # queued last by stop(): the dispatcher drains everything before it


class BlackholeClient:
    """Holds one Blackhole websocket and the wanted subscriptions on it.

    `on_event(envelope)` receives every pushed `{"action": "event", ...}` envelope as a dict.
    `on_subscription_error(account_id, binding, errors)` is told when Kazoo refuses a subscribe.
    `on_connect(reconnect)` runs after every connect, before the replies and events of that
    connection; after a reconnect the consumer may reconcile what it missed (calls, CDRs).
    """

    def __init__(
        self,
        url: str,
        token_provider: Callable[[], str],
        on_event: Callable[[dict[str, Any]], None],
        *,
        on_subscription_error: Callable[[str, str, list[str]], None] | None = None,
        on_connect: Callable[[bool], None] | None = None,
        ping_interval: float = 25.0,
        pong_timeout: float = 10.0,
        connect_timeout: float = 10.0,
        backoff_initial: float = 0.5,
        backoff_max: float = 30.0,
        stable_after: float = 60.0,
        max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES,
        rate_limit_tokens: int = KAZOO_MAX_TOKENS,
        rate_limit_per_second: float = KAZOO_FILL_RATE,
        reply_timeout: float = 5.0,
        retry_initial: float = 1.0,
        retry_max: float = 30.0,
    ) -> None:
        self.url = url
        self._token_provider = token_provider
        self._on_event = on_event
        self._on_subscription_error = on_subscription_error
        self._on_connect = on_connect
        self._ping_interval = ping_interval
        self._pong_timeout = pong_timeout
        self._connect_timeout = connect_timeout
        self._backoff_initial = backoff_initial
        self._backoff_max = backoff_max
        self._stable_after = stable_after
        self._max_frame_bytes = max_frame_bytes
        self._pacer = Pacer(rate_limit_tokens, rate_limit_per_second)
        self._reply_timeout = reply_timeout
        self._retry_initial = retry_initial
        self._retry_max = retry_max

        self._frames: queue.Queue[Any] = queue.Queue()  # unbounded: the reader never waits
        self._stopping = threading.Event()
        self._wake_control = threading.Event()
        self._threads: list[threading.Thread] = []

        # Guards everything below except the single-writer counters.
        self._lock = threading.Lock()
        # Serialises the decide-then-send of subscription changes, so sends match decisions.
        self._sync_lock = threading.Lock()
        self._ws: websocket.WebSocket | None = None
        self._connected_since: float | None = None
        self._reconnects = 0
        self._last_error: str | None = None
        self._last_error_at: datetime | None = None
        self._desired: set[Pair] = set()
        self._order: list[Pair] = []  # the wanted pairs, in the order to subscribe them
        self._urgent: dict[Pair, None] = {}  # added after the first set: sent before the rest
        self._has_set = False
        self._rate_limited = 0
        self._resent = 0
        self._subscriptions: dict[Pair, _Subscription] = {}
        # request_id -> (action, pair, token sent): the token only to redact it from errors.
        self._requests: dict[str, tuple[str, Pair, str]] = {}
        self._rejected: Counter[str] = Counter()
        self._last_ping_at = 0.0  # monotonic

        # Written by one thread each and read by snapshot(): plain attributes suffice under the
        # GIL, and they keep a lock off the per-frame path.
        self._frames_received = 0  # reader
        self._last_frame_at: float | None = None  # reader, monotonic
        self._events_dispatched = 0  # dispatcher
        self._consumer_errors = 0  # dispatcher

    # ----------------------------------------------------------------------------- lifecycle
    def start(self) -> "BlackholeClient":
        if self._threads:
            raise RuntimeError("BlackholeClient.start() called twice")
        for name, target in (
            ("blackhole-dispatcher", self._dispatch_loop),
            ("blackhole-control", self._control_loop),
            ("blackhole-reader", self._connection_loop),
        ):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self, timeout: float = 5.0) -> bool:
        """Close the socket, dispatch what was already received, join the threads.

        Returns False if a thread did not finish within `timeout` seconds.
        """
        deadline = time.monotonic() + timeout
        self._stopping.set()
        self._wake_control.set()
        with self._lock:
            ws = self._ws
        if ws is not None:
            # The reader sees Kazoo's close reply and ends; if the socket is already broken,
            # the abort below ends it.
            with contextlib.suppress(Exception):
                ws.send_close()
        reader = self._thread("reader")
        control = self._thread("control")
        dispatcher = self._thread("dispatcher")
        if reader is not None:
            reader.join(min(1.0, _remaining(deadline)))
            if reader.is_alive() and ws is not None:
                _cut(ws)  # Kazoo did not answer the close: cut the socket under recv
            reader.join(_remaining(deadline))
        if control is not None:
            control.join(_remaining(deadline))
        if dispatcher is not None:
            self._frames.put(_STOP)
            dispatcher.join(_remaining(deadline))
        stuck = [t.name for t in self._threads if t.is_alive()]
        if stuck:
            logger.warning("Blackhole client: threads still running after stop(): %s", stuck)
        return not stuck

    def __enter__(self) -> "BlackholeClient":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def dead_threads(self) -> list[str]:
        """Threads started and ended although no stop was asked: the client no longer works."""
        if self._stopping.is_set():
            return []
        return [thread.name for thread in self._threads if not thread.is_alive()]

    def _thread(self, role: str) -> threading.Thread | None:
        return next((t for t in self._threads if t.name == f"blackhole-{role}"), None)

    # ------------------------------------------------------------------------- subscriptions
    def set_subscriptions(self, pairs: Iterable[Pair]) -> None:
        """Make `pairs` the wanted (account_id, binding) set; only the differences are sent.

        They are subscribed in the order given, as fast as Kazoo's bucket allows; pairs new since
        the previous call go before every other unsent one.
        """
        order = list(dict.fromkeys((str(account), str(binding)) for account, binding in pairs))
        wanted = set(order)
        with self._lock:
            if self._has_set:
                for pair in order:
                    if pair not in self._desired:
                        self._urgent[pair] = None
            for pair in [p for p in self._urgent if p not in wanted]:
                del self._urgent[pair]
            self._desired = wanted
            self._order = order
            self._has_set = True
        self._sync()

    def _sync(self) -> None:
        """Bring Kazoo's view in line with the wanted set, on the current connection if any."""
        with self._sync_lock:
            with self._lock:
                ws = self._ws
                subscribes, unsubscribes = self._plan_changes(connected=ws is not None)
            if ws is None or not (subscribes or unsubscribes):
                return
            try:
                # Asked on every change, not once: a reconnect must never reuse an expired token,
                # and the provider (Crossbar client) caches and renews it cheaply.
                token = self._token_provider()
            except Exception as exc:  # any failure: the control loop retries
                self._note_error(f"token provider failed: {exc!r}")
                with self._lock:
                    for pair in subscribes:  # leave them unsent, so the next tick retries
                        sub = self._subscriptions.get(pair)
                        if sub is not None and self._ws is ws:
                            sub.request_id = None
                return
            for pair in unsubscribes:
                if not self._send_request(ws, "unsubscribe", pair, token):
                    return
            for pair in subscribes:
                if not self._send_request(ws, "subscribe", pair, token):
                    return

    def _plan_changes(self, *, connected: bool) -> tuple[list[Pair], list[Pair]]:
        """Under self._lock: update the records and list what must be sent, within the budget
        Kazoo's bucket leaves (unsubscribes first: they free Kazoo's work)."""
        now = time.monotonic()
        budget = self._pacer.available() if connected else 0
        unsubscribes: list[Pair] = []
        for pair, sub in list(self._subscriptions.items()):
            if pair in self._desired or sub.state == UNSUBSCRIBING:
                continue
            if connected and sub.request_id is not None and sub.state in (PENDING, ACTIVE):
                if len(unsubscribes) < budget:
                    unsubscribes.append(pair)
            else:
                del self._subscriptions[pair]  # Kazoo holds nothing for it on this socket
        budget -= len(unsubscribes)
        subscribes: list[Pair] = []
        for pair in (*self._urgent, *self._order):
            sub = self._subscriptions.get(pair)
            if sub is None or sub.state == UNSUBSCRIBING:
                sub = self._subscriptions[pair] = _Subscription()
            if not connected or sub.state != PENDING or len(subscribes) >= budget:
                continue
            if sub.request_id and sub.sent_at is not None:
                if now - sub.sent_at < self._reply_timeout:
                    continue
                # No answer: 4.3 may have dropped it (or its reply). Subscribing is idempotent.
                self._requests.pop(sub.request_id, None)
                sub.request_id = None
                self._resent += 1
            if sub.request_id is None and sub.retry_at <= now:
                sub.request_id = ""  # claimed by this sync; the real id is set when sent
                subscribes.append(pair)
                self._urgent.pop(pair, None)
        return subscribes, unsubscribes

    def _work_waiting(self) -> bool:
        """Whether a wanted subscription is still to be sent or answered."""
        with self._lock:
            return self._ws is not None and any(
                sub.state == PENDING for sub in self._subscriptions.values()
            )

    def _send_request(self, ws: websocket.WebSocket, action: str, pair: Pair, token: str) -> bool:
        request_id = str(uuid.uuid4())
        with self._lock:
            sub = self._subscriptions.get(pair)
            if self._ws is not ws or sub is None:
                return False  # the connection changed meanwhile: the reconnect resends all
            sub.request_id = request_id
            sub.sent_at = time.monotonic()
            if action == "unsubscribe":
                sub.state = UNSUBSCRIBING
            # Recorded before sending, so that a fast reply always finds its request.
            self._requests[request_id] = (action, pair, token)
        account_id, binding = pair
        message = {
            "action": action,
            "auth_token": token,
            "request_id": request_id,
            "data": {"account_id": account_id, "binding": binding},
        }
        self._pacer.spend()
        try:
            ws.send(json.dumps(message))
        except Exception as exc:  # the reader sees the broken socket and reconnects
            self._note_error(f"sending {action} failed: {exc!r}")
            return False
        return True

    # ------------------------------------------------------------------------------- reader
    def _connection_loop(self) -> None:
        attempt = 0
        has_connected = False
        while not self._stopping.is_set():
            try:
                ws = self._connect()
            except Exception as exc:  # refused, 4xx, DNS, TLS: all mean retry later
                self._note_error(f"connect to {self.url} failed: {exc!r}")
                self._stopping.wait(self._next_delay(attempt))
                attempt += 1
                continue
            connected_at = time.monotonic()
            self._connected(ws, reconnect=has_connected)
            has_connected = True
            try:
                self._read_until_closed(ws)
            except Exception as exc:  # any socket error ends this connection only
                if not self._stopping.is_set():
                    self._note_error(f"connection lost: {exc!r}")
            finally:
                self._disconnected(ws)
            if self._stopping.is_set():
                break
            if time.monotonic() - connected_at >= self._stable_after:
                attempt = 0  # it was a good connection: start the backoff over
            self._stopping.wait(self._next_delay(attempt))
            attempt += 1

    def _next_delay(self, attempt: int) -> float:
        return backoff_delay(attempt, initial=self._backoff_initial, maximum=self._backoff_max)

    def _connect(self) -> websocket.WebSocket:
        ws = websocket.WebSocket(skip_utf8_validation=True, enable_multithread=True)
        # No `subprotocols`: Blackhole refuses the upgrade when Sec-WebSocket-Protocol is sent.
        ws.connect(self.url, timeout=self._connect_timeout)
        # Blocking reads from here on: liveness is the control loop's job (pings, abort()).
        ws.settimeout(None)
        return ws

    def _read_until_closed(self, ws: websocket.WebSocket) -> None:
        """The hot path: receive, stamp, size-check, enqueue. Nothing here may wait."""
        receive = ws.recv_data_frame
        put = self._frames.put
        limit = self._max_frame_bytes
        data_opcodes = (websocket.ABNF.OPCODE_TEXT, websocket.ABNF.OPCODE_BINARY)
        while True:
            opcode, frame = receive(True)  # True: pongs come back too, they prove liveness
            self._last_frame_at = time.monotonic()
            if opcode in data_opcodes:
                self._frames_received += 1
                data = frame.data
                if len(data) > limit:
                    self._reject(TOO_LARGE, f"{len(data)} bytes > {limit}")
                    continue
                put(data)
            elif opcode == websocket.ABNF.OPCODE_CLOSE:
                if not self._stopping.is_set():
                    self._note_error(f"Kazoo closed the socket: {bytes(frame.data[:125])!r}")
                return

    def _connected(self, ws: websocket.WebSocket, *, reconnect: bool) -> None:
        now = time.monotonic()
        with self._lock:
            self._ws = ws
            self._connected_since = time.time()
            if reconnect:
                self._reconnects += 1
            self._last_ping_at = now
            self._last_frame_at = now
            self._pacer.reset()  # Kazoo names the bucket after our ip:port: a new one, full
        logger.info("Blackhole connected to %s%s", self.url, " (reconnect)" if reconnect else "")
        self._frames.put(_Connected(reconnect))
        self._wake_control.set()  # subscribe everything now, from the control thread

    def _disconnected(self, ws: websocket.WebSocket) -> None:
        with self._lock:
            if self._ws is ws:
                self._ws = None
                self._connected_since = None
            # A new socket knows nothing: every wanted pair is pending and unsent again.
            now = time.monotonic()
            self._subscriptions = {pair: _Subscription(pending_since=now) for pair in self._order}
            self._urgent.clear()
            self._requests.clear()
        ws.shutdown()

    # --------------------------------------------------------------------------- control
    def _control_loop(self) -> None:
        tick = max(0.05, min(1.0, self._ping_interval / 2, self._pong_timeout / 2))
        while not self._stopping.is_set():
            wait = tick
            if self._work_waiting():
                # Wake as soon as Kazoo's bucket allows the next message (or a resend is due).
                wait = max(0.02, min(tick, self._pacer.seconds_until(1), 0.25))
            self._wake_control.wait(wait)
            self._wake_control.clear()
            if self._stopping.is_set():
                break
            try:
                self._sync()  # sends what is unsent: after a connect, after a failed token fetch
                self._keepalive()
            except Exception:  # pragma: no cover - a bug here must not end keepalive for good
                logger.exception("Blackhole control loop error")

    def _keepalive(self) -> None:
        now = time.monotonic()
        with self._lock:
            ws = self._ws
            last_ping = self._last_ping_at
        if ws is None:
            return
        last_frame = self._last_frame_at or 0.0
        awaiting_pong = last_ping > last_frame
        if awaiting_pong and now - last_ping > self._pong_timeout:
            self._note_error(
                f"nothing received for {now - last_frame:.1f} s, not even a pong: reconnecting"
            )
            _cut(ws)  # the reader's recv fails and it reconnects
            return
        # No new ping while one is unanswered: the dead-peer clock runs from the first one.
        if not awaiting_pong and now - last_ping >= self._ping_interval:
            with self._lock:
                self._last_ping_at = now
            # Kazoo 4.3 lets protocol pings through free, but one charge each costs nothing and
            # keeps the pacing right should a proxy or another version count them.
            self._pacer.spend()
            try:
                ws.ping()
            except Exception as exc:  # the reader notices the broken socket
                self._note_error(f"ping failed: {exc!r}")

    # ------------------------------------------------------------------------- dispatcher
    def _dispatch_loop(self) -> None:
        while True:
            item = self._frames.get()
            if item is _STOP:
                return
            try:
                if isinstance(item, _Connected):
                    if self._on_connect is not None:
                        self._on_connect(item.reconnect)
                else:
                    self._dispatch_frame(item)
            except Exception:  # the consumer's bug must not stop the stream
                self._consumer_errors += 1
                logger.exception("Blackhole consumer callback failed")

    def _dispatch_frame(self, data: bytes) -> None:
        try:
            message = json.loads(data)
        except ValueError:  # JSONDecodeError and UnicodeDecodeError both are ValueErrors
            self._reject(NOT_JSON, _excerpt(data))
            return
        if not isinstance(message, dict):
            self._reject(NOT_OBJECT, _excerpt(data))
            return
        action = message.get("action")
        if action == "event":
            self._events_dispatched += 1
            self._on_event(message)
        elif action == "reply":
            self._settle_reply(message, data)
        else:
            self._reject(UNKNOWN_ACTION, f"action={action!r}")

    def _settle_reply(self, reply: dict[str, Any], data: bytes) -> None:
        request_id = reply.get("request_id")
        status = reply.get("status")
        if not isinstance(request_id, str) or status not in ("success", "error"):
            self._reject(BAD_REPLY, _excerpt(data))
            return
        failed: Pair | None = None
        with self._lock:
            request = self._requests.pop(request_id, None)
            if request is None:
                # A reply from a previous socket, or to a request we did not send.
                logger.debug("Blackhole reply to an unknown request %s", request_id)
                return
            action, pair, token = request
            # Kazoo echoes the token ("failed to authenticate token <T>"); status reports and
            # logs must not carry credentials, expired or not.
            errors = [
                error.replace(token, REDACTED) if token else error
                for error in (_error_strings(reply) if status == "error" else [])
            ]
            sub = self._subscriptions.get(pair)
            if sub is None or sub.request_id != request_id:
                return  # superseded by a later request for the same pair
            if action == "subscribe" and status == "success":
                sub.state, sub.errors = ACTIVE, []
                sub.rate_limited = 0
            elif action == "subscribe" and _is_rate_limited(errors):
                # Not a refusal of the subscription: Kazoo's bucket was empty. Later, then.
                self._pacer.drain()
                self._rate_limited += 1
                sub.request_id = None
                sub.retry_at = time.monotonic() + backoff_delay(
                    sub.rate_limited, initial=self._retry_initial, maximum=self._retry_max
                )
                sub.rate_limited += 1
                logger.info("Blackhole: %s %s rate-limited, retrying", pair[0], pair[1])
                self._wake_control.set()
                return
            elif action == "subscribe":
                sub.state, sub.errors = FAILED, errors
                failed = pair
            else:
                # Unsubscribed, or Kazoo refused: either way it is no longer wanted.
                del self._subscriptions[pair]
        if status == "error":
            self._note_error(f"{action} {pair[0]} {pair[1]} refused by Kazoo: {errors}")
        if failed is not None and self._on_subscription_error is not None:
            self._on_subscription_error(failed[0], failed[1], errors)

    # ------------------------------------------------------------------------------ status
    def snapshot(self) -> BlackholeStatus:
        with self._lock:
            last_frame = self._last_frame_at
            last_frame_at = (
                time.time() - (time.monotonic() - last_frame) if last_frame is not None else None
            )
            now = time.monotonic()
            states = {pair: sub.state for pair, sub in self._subscriptions.items()}
            waiting = [
                sub.pending_since for sub in self._subscriptions.values() if sub.state == PENDING
            ]
            return BlackholeStatus(
                connected=self._ws is not None,
                connected_since=_from_unix(self._connected_since),
                reconnects=self._reconnects,
                last_frame_at=_from_unix(last_frame_at),
                frames_received=self._frames_received,
                events_dispatched=self._events_dispatched,
                consumer_errors=self._consumer_errors,
                queue_depth=self._frames.qsize(),
                rejected=dict(self._rejected),
                subscriptions=states,
                subscription_errors={
                    pair: list(sub.errors)
                    for pair, sub in self._subscriptions.items()
                    if sub.state == FAILED
                },
                last_error=self._last_error,
                last_error_at=self._last_error_at,
                accounts=account_states(states),
                oldest_pending_seconds=round(now - min(waiting), 3) if waiting else None,
                rate_limited=self._rate_limited,
                resent=self._resent,
                messages_sent=self._pacer.spent,
            )

    def _note_error(self, message: str) -> None:
        logger.warning("Blackhole: %s", message)
        with self._lock:
            self._last_error = message
            self._last_error_at = datetime.now(UTC)

    def _reject(self, reason: str, detail: str) -> None:
        with self._lock:
            self._rejected[reason] += 1
            count = self._rejected[reason]
        # The first few of each reason in full, then a sample: a misbehaving peer must not flood
        # the log at the rate it floods the socket.
        if count <= 10 or count % 1000 == 0:
            logger.warning("Blackhole frame rejected (%s, #%d): %s", reason, count, detail)


def _cut(ws: websocket.WebSocket) -> None:
    """Wake a thread blocked in recv on `ws` by shutting the socket down under it.

    Not ws.abort(): that does nothing once send_close() has marked the socket closed.
    """
    sock = ws.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _remaining(deadline: float) -> float:
    return max(0.0, deadline - time.monotonic())


def _excerpt(data: bytes | str, limit: int = 200) -> str:
    return repr(data[:limit]) + ("..." if len(data) > limit else "")


def _error_strings(reply: dict[str, Any]) -> list[str]:
    """Kazoo's `data.errors` list (REFERENCE.md §1.3), or whatever the reply's data says."""
    data = reply.get("data")
    if isinstance(data, dict) and isinstance(data.get("errors"), list):
        return [str(error) for error in data["errors"]]
    if isinstance(data, dict) and data.get("message"):
        return [str(data["message"])]
    return [json.dumps(data)] if data else ["error reply without details"]


def client_from_settings(
    on_event: Callable[[dict[str, Any]], None], **options: Any
) -> BlackholeClient:
    """The listener's client: KAZOO_WS_URL, tokens from the process's Crossbar client."""
    from kazoo_zapier.kazoo.crossbar import get_crossbar  # late: this module needs no Crossbar

    options.setdefault("connect_timeout", settings.KAZOO_CONNECT_TIMEOUT_SECONDS)
    return BlackholeClient(settings.KAZOO_WS_URL, get_crossbar().token, on_event, **options)
