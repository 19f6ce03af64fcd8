"""The Kazoo listener: Blackhole's leg events in, stored normalized events (and deliveries) out.

Four threads, each with one job, so that the websocket is always read (Blackhole drops events
for a slow reader):
- the Blackhole client's reader and dispatcher (kazoo/blackhole.py): frames off the socket, JSON
  parsed once, pushed envelopes handed to `on_event`;
- `on_event` normalizes in the dispatcher, under the state lock, and queues what it makes;
- the store thread takes those in batches and commits them with their deliveries, retrying while
  the database is away and setting aside what it can never store (events/store_retry.py);
- the control loop (the caller's thread) follows the subscriptions as they come and go, ends
  calls that went silent, saves the call state and reports health.

The call state is saved through the same queue as the events: a snapshot is queued right behind
the events it accounts for, and written once they are stored. A restart therefore resumes from a
state that never claims more than the database holds; then it reconciles with Crossbar.

The outbox between the dispatcher and the store is bounded (events/outbox.py). If a thread of
the listener dies, `run` raises ListenerThreadDied: the command exits non-zero and its supervisor
(honcho, systemd) starts a fresh process, instead of a listener that reads but no longer stores.
"""

import contextlib
import json
import logging
import threading
import time
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from queue import Empty
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, reset_queries

from events import interest
from events.acdc import QueueInfo, diff_acdc
from events.directory import CrossbarDirectory
from events.models import DeadLetter, ListenerState
from events.normalizer import (
    KNOWN_EVENTS,
    CallState,
    NormalizedEvent,
    Rejected,
    expire,
    normalize,
    reconcile,
)
from events.normalizer.numbers import normalize_number
from events.normalizer.payload import GREGORIAN_OFFSET
from events.outbox import Outbox
from events.store_retry import Backoff, ResilientStore, is_transient
from kazoo_zapier.kazoo.blackhole_group import BlackholeGroup, account_hash
from kazoo_zapier.kazoo.crossbar import CrossbarClient
from kazoo_zapier.kazoo.errors import KazooError

logger = logging.getLogger(__name__)

# The nine call and park events the normalizer understands: exactly bh_call's ?LISTEN_TO, which
# Blackhole's `call.*.*` expands to (REFERENCE.md §1.2, §1.6). One subscribe per account then
# covers them all, where nine would spend nine of the socket's ten messages a second.
CALL_EVENT_NAMES = tuple(sorted(KNOWN_EVENTS))
ACCOUNT_BINDINGS = ("call.*.*",)

# A state snapshot may cost at most 1/this of the time between two snapshots.
SNAPSHOT_COST_FACTOR = 50

# How far back to look for CDRs of calls that ended while the listener was away.
RECONCILE_LOOKBACK = timedelta(hours=6)


def call_bindings(account_ids: Iterable[str]) -> list[tuple[str, str]]:
    """The (account, binding) pairs to subscribe, in the accounts' order."""
    return [(account, binding) for account in account_ids for binding in ACCOUNT_BINDINGS]


# The window of acdc_call_stats polled: queue calls that entered within it.
ACDC_WINDOW = timedelta(hours=1)


def pack_call_state(state: CallState) -> bytes:
    """The call state as zlib-compressed JSON, encoded and compressed one call at a time.

    One json.dumps of every call built the whole text, then a joined copy of it, then the
    database driver's copy: about 90 MB at 10,000 live calls, for a moment, in a process that
    should stay within 200 MB. This way only the compressed result (a tenth of that) is ever held
    whole, for about the same time under the lock.
    """
    encode = json.JSONEncoder(separators=(",", ":")).encode
    packer = zlib.compressobj(1)  # the fastest level: this runs under the state lock
    document = state.to_json()
    calls = document.pop("calls")
    packed = [packer.compress(b'{"calls":{')]
    separator = ""
    for call_id, call in calls.items():
        packed.append(packer.compress(f"{separator}{encode(call_id)}:{encode(call)}".encode()))
        separator = ","
    rest = encode(document)  # {"version":1,"legs":{...},...}: never empty
    packed.append(packer.compress(f"}},{rest[1:]}".encode()))
    packed.append(packer.flush())
    return b"".join(packed)


def unpack_call_state(saved: bytes | memoryview | str | None) -> dict[str, Any] | None:
    """What pack_call_state wrote; also the plain JSON text saved by earlier versions."""
    if not saved:
        return None
    data = saved.encode() if isinstance(saved, str) else bytes(saved)
    if not data.startswith(b"{"):
        data = zlib.decompress(data)
    return json.loads(data)


@dataclass(frozen=True)
class _Snapshot:
    """The listener's state as it was right after the events queued before it."""

    # Packed (see pack_call_state) while the state lock was held: the normalizer keeps changing
    # the live state, so anything less than a copy taken there could be ahead of the stored
    # events (or change size while it is written).
    call_state: bytes
    acdc_state: dict[str, Any]


_DONE = object()


class ListenerThreadDied(RuntimeError):
    """A thread the listener cannot live without has ended."""


class Listener:
    def __init__(
        self,
        *,
        crossbar: CrossbarClient,
        ws_url: str | Sequence[str],
        name: str = "default",
        sockets: int = 1,
        shard: tuple[int, int] = (0, 1),
        directory: CrossbarDirectory | None = None,
        default_region: str | None = None,
        batch_size: int = 500,
        batch_wait: float = 0.0,
        control_interval: float = 1.0,
        snapshot_interval: float = 2.0,
        expire_interval: float = 5.0,
        acdc_interval: float = 5.0,
        outbox_capacity: int | None = None,
        store_backoff: Backoff | None = None,
        blackhole_options: dict[str, Any] | None = None,
    ) -> None:
        self.name = name
        self.shard, self.shards = shard
        if not 0 <= self.shard < self.shards:
            raise ValueError(f"shard {self.shard}/{self.shards}: expected 0 <= i < n")
        self.crossbar = crossbar
        self.directory = directory or CrossbarDirectory(crossbar)
        self.default_region = default_region or settings.DEFAULT_PHONE_REGION
        self.batch_size = batch_size
        self.batch_wait = batch_wait
        self.control_interval = control_interval
        self.snapshot_interval = snapshot_interval
        self.expire_interval = expire_interval
        self.acdc_interval = acdc_interval

        saved, _ = ListenerState.objects.get_or_create(name=name)
        self.state = CallState.from_json(unpack_call_state(saved.call_state))
        self.acdc_state: dict[str, Any] = dict(saved.acdc_state or {})
        self._queues: dict[str, dict[str, QueueInfo]] = {}
        self._lock = threading.Lock()  # guards self.state and the order of self._outbox
        self._outbox = Outbox(outbox_capacity or settings.LISTENER_OUTBOX_EVENTS)
        self._stopping = threading.Event()
        self._accounts: list[str] = []
        self._needs_reconcile = True  # a fresh start is a restart: Kazoo did not wait for us
        self._last_snapshot = 0.0
        self._snapshot_every = snapshot_interval
        self._last_expire = 0.0
        self._last_acdc = 0.0
        self._started_at = datetime.now(UTC)

        # Counters: each written by one thread.
        self.events_emitted = 0  # dispatcher and control loop, under the lock
        self.events_stored = 0  # store thread
        self.rejected: Counter[str] = Counter()  # dispatcher
        self.last_event_at: datetime | None = None  # store thread: Kazoo's time of the newest
        self.lag_seconds: float | None = None  # store thread: stored minus Kazoo's time
        self.store_errors = 0
        self.store_retrying_since: datetime | None = None  # store thread
        self.store_last_error: str | None = None  # store thread
        self.events_set_aside = 0  # store thread
        self.state_save_errors = 0  # store thread
        self._store_failure: BaseException | None = None
        self._in_hand = 0  # store thread: events taken from the outbox, not stored yet
        self._resilient = ResilientStore(
            listener=name,
            backoff=store_backoff,
            on_retry=self._on_store_retry,
            sleep=self._stopping.wait,
        )

        # One socket or several, each its own Kazoo bucket; accounts spread by a stable hash.
        self.blackhole = BlackholeGroup(
            [ws_url] if isinstance(ws_url, str) else list(ws_url),
            crossbar.token,
            self.on_event,
            on_connect=self.on_connect,
            on_subscription_error=self.on_subscription_error,
            sockets=sockets,
            shards=self.shards,
            **(blackhole_options or {}),
        )
        self._store_thread = threading.Thread(target=self._store_loop, name="listener-store")

    # --- dispatcher thread ----------------------------------------------------------------------
    def on_event(self, envelope: dict[str, Any]) -> None:
        # Wait, unlocked, while the store is behind: frames stay in the Blackhole client's queue
        # meanwhile, and the health (read under the lock) keeps reporting that the outbox is full.
        while not self._outbox.wait_for_room(timeout=1.0):
            if not self._store_thread.is_alive():
                return  # nobody will make room; run() is ending the process
        now = datetime.now(UTC)
        with self._lock:
            try:
                events = normalize(
                    envelope,
                    self.state,
                    self.directory,
                    now=now,
                    default_region=self.default_region,
                )
            except Rejected as rejected:
                self.rejected[rejected.reason] += 1
                logger.info("frame rejected (%s): %s", rejected.reason, rejected.detail)
                return
            self._emit(events)

    def on_connect(self, reconnect: bool) -> None:
        # Kazoo buffers nothing for a socket that was down: ask Crossbar what happened meanwhile.
        self._needs_reconcile = True
        self.reconcile()

    def on_subscription_error(self, account_id: str, binding: str, errors: list[str]) -> None:
        logger.warning("Kazoo refused %s for account %s: %s", binding, account_id, errors)

    def _emit(self, events: list[NormalizedEvent]) -> None:
        """Queue events; called with the lock held, so the queue's order is the state's order."""
        if events:
            self.events_emitted += len(events)
            self._outbox.put_events(events)

    # --- reconciliation -------------------------------------------------------------------------
    def reconcile(self) -> bool:
        """End the calls that ended while nobody listened; False if Crossbar could not tell."""
        with self._lock:
            accounts = {call["account_id"] for call in self.state.calls.values()}
        if not accounts:
            self._needs_reconcile = False
            return True
        now = datetime.now(UTC)
        until = int(now.timestamp()) + GREGORIAN_OFFSET
        since = until - int(RECONCILE_LOOKBACK.total_seconds())
        channels: list[dict] = []
        cdrs: list[dict] = []
        try:
            for account_id in sorted(accounts):
                channels.extend(self.crossbar.channels(account_id))
                cdrs.extend(self.crossbar.cdrs(account_id, since, until))
        except KazooError as error:
            # Without the whole picture, ending calls could end live ones: try again later.
            logger.warning("reconciliation postponed, Crossbar failed: %s", error)
            return False
        with self._lock:
            self._emit(reconcile(self.state, channels, cdrs, now, self.directory))
        self._needs_reconcile = False
        return True

    # --- store thread ---------------------------------------------------------------------------
    def _store_loop(self) -> None:
        try:
            while True:
                batch, snapshot, done = self._take_batch()
                if batch:
                    self._in_hand = len(batch)  # counted as queued while it is being stored
                    self._store(batch)
                    self._in_hand = 0
                if snapshot is not None:
                    self._save_state(snapshot)
                if done:
                    return
        except BaseException as error:
            self._store_failure = error
            logger.critical("the listener's store thread died; the process must restart", exc_info=True)
            raise
        finally:
            connection.close()

    def _take_batch(self) -> tuple[list[NormalizedEvent], _Snapshot | None, bool]:
        """Up to batch_size events; stops early at a snapshot so it is saved after them.

        By default it takes only what is queued already: while one batch is being stored the next
        one gathers, so batches grow with the load and a lone event is never kept waiting.
        """
        batch: list[NormalizedEvent] = []
        item = self._outbox.get()
        deadline = time.monotonic() + self.batch_wait
        while True:
            if item is _DONE:
                return batch, None, True
            if isinstance(item, _Snapshot):
                return batch, item, False
            batch.extend(item)
            if len(batch) >= self.batch_size:
                return batch, None, False
            try:
                item = self._outbox.get(timeout=max(0.0, deadline - time.monotonic()))
            except Empty:
                return batch, None, False

    def _store(self, batch: list[NormalizedEvent]) -> None:
        outcome = self._resilient.store(batch)
        self.store_retrying_since = None
        self.events_set_aside += outcome.set_aside
        stored = outcome.stored
        self.events_stored += len(stored)
        newest = max((event.occurred_at for event in stored), default=None)
        if newest is not None:
            self.last_event_at = newest
            self.lag_seconds = (datetime.now(UTC) - newest).total_seconds()

    def _on_store_retry(self, error: BaseException, pause: float) -> None:
        self.store_errors += 1
        self.store_last_error = f"{type(error).__name__}: {error}"[:500]
        if self.store_retrying_since is None:
            self.store_retrying_since = datetime.now(UTC)

    def _save_state(self, snapshot: _Snapshot) -> None:
        """Save a snapshot; one the database refuses for good is skipped, the next replaces it."""
        while True:
            try:
                close_old_connections()
                ListenerState.objects.filter(name=self.name).update(
                    call_state=snapshot.call_state, acdc_state=snapshot.acdc_state
                )
            except Exception as error:
                self.state_save_errors += 1
                connection.close()
                if not is_transient(error) or self._stopping.is_set():
                    logger.exception("saving the call state failed; the next snapshot will")
                    self.store_retrying_since = None
                    return
                self._on_store_retry(error, 1.0)
                self._stopping.wait(1.0)
            else:
                self.store_retrying_since = None
                return

    # --- call centre ----------------------------------------------------------------------------
    def poll_acdc(self) -> None:
        """One poll of every account whose queue or agent events somebody wants."""
        accounts = interest.call_centre_accounts()
        with self._lock:
            for gone in set(self.acdc_state) - accounts:
                del self.acdc_state[gone]  # polled again later: a fresh baseline, no stale news
        now = datetime.now(UTC)
        until = int(now.timestamp()) + GREGORIAN_OFFSET
        since = until - int(ACDC_WINDOW.total_seconds())
        for account_id in sorted(accounts):
            try:
                rows = self.crossbar.acdc_call_stats(account_id, since, until)
                agents = self.crossbar.agents_status(account_id)
                queues = self._queue_names(account_id)
            except KazooError as error:
                logger.warning("ACDC poll of account %s failed: %s", account_id, error)
                continue
            with self._lock:
                events, snapshot = diff_acdc(
                    account_id,
                    self.acdc_state.get(account_id),
                    rows,
                    agents if isinstance(agents, dict) else {},
                    directory=self.directory,
                    queues=queues,
                    now=now.timestamp(),
                    normalize_number=lambda number: normalize_number(number, self.default_region),
                )
                self.acdc_state[account_id] = snapshot
                self._emit(events)

    def _queue_names(self, account_id: str) -> dict[str, QueueInfo]:
        if account_id not in self._queues:
            self._queues[account_id] = {
                item["id"]: QueueInfo(item["id"], item.get("name"))
                for item in self.crossbar.queues(account_id)
            }
        return self._queues[account_id]

    # --- control loop ---------------------------------------------------------------------------
    def step(self) -> None:
        """One round of housekeeping; the control loop calls it every control_interval."""
        close_old_connections()
        reset_queries()  # with DEBUG on, Django keeps every query's text, state snapshots too
        accounts = [a for a in interest.wanted_accounts() if self.owns(a)]
        if len(accounts) != len(self._accounts) or set(accounts) != set(self._accounts):
            logger.info("listening to %d accounts", len(accounts))
            self._accounts = accounts
        self.blackhole.set_subscriptions(call_bindings(accounts))
        now = time.monotonic()
        if self._needs_reconcile and self.blackhole.snapshot().connected:
            self.reconcile()
        if now - self._last_expire >= self.expire_interval:
            self._last_expire = now
            with self._lock:
                self._emit(expire(self.state, datetime.now(UTC)))
        if now - self._last_acdc >= self.acdc_interval:
            self._last_acdc = now
            self.poll_acdc()
        if now - self._last_snapshot >= self._snapshot_every:
            self._last_snapshot = now
            self.queue_snapshot()
        self.report_health()

    def owns(self, account_id: str) -> bool:
        """Whether this listener's shard holds the account (all do when there is one shard)."""
        return account_hash(account_id) % self.shards == self.shard

    def queue_snapshot(self) -> None:
        with self._lock:
            started = time.monotonic()
            call_state = pack_call_state(self.state)
            acdc_state = json.loads(json.dumps(self.acdc_state))  # small: a plain deep copy
            self._outbox.put_control(_Snapshot(call_state, acdc_state))
            # The copy holds the lock, and normalizing waits meanwhile: with many live calls,
            # save less often, so that snapshots never take more than ~2% of the time.
            took = time.monotonic() - started
            self._snapshot_every = max(self.snapshot_interval, took * SNAPSHOT_COST_FACTOR)

    def health(self) -> dict[str, Any]:
        status = self.blackhole.snapshot()
        subscription_states = Counter(status.subscriptions.values())
        accounts_by_state = status.account_counts()
        with self._lock:
            calls = len(self.state.calls)
        return {
            "connected": status.connected,
            "connected_since": status.connected_since.isoformat()
            if status.connected_since
            else None,
            "reconnects": status.reconnects,
            "accounts": len(self._accounts),
            "sockets": len(self.blackhole.clients),
            "sockets_connected": sum(s.connected for s in self.blackhole.snapshots()),
            "shard": f"{self.shard}/{self.shards}",
            "bindings": len(status.subscriptions),
            "bindings_by_state": dict(subscription_states),
            # Accounts whose calls are heard / not yet (waiting for Kazoo's bucket) / refused.
            "accounts_subscribed": accounts_by_state["subscribed"],
            "accounts_pending": accounts_by_state["pending"],
            "accounts_refused": accounts_by_state["refused"],
            "oldest_pending_seconds": status.oldest_pending_seconds,
            "rate_limited": status.rate_limited,
            "subscribes_resent": status.resent,
            "subscription_errors": {
                f"{account} {binding}": errors
                for (account, binding), errors in status.subscription_errors.items()
            },
            "last_frame_at": status.last_frame_at.isoformat() if status.last_frame_at else None,
            "last_event_at": self.last_event_at.isoformat() if self.last_event_at else None,
            "lag_seconds": self.lag_seconds,
            "frames_received": status.frames_received,
            "events_emitted": self.events_emitted,
            "events_stored": self.events_stored,
            "frames_rejected": dict(status.rejected) | dict(self.rejected),
            "store_errors": self.store_errors,
            "store": self.store_health(),
            "outbox": self._outbox.status(),
            "calls_tracked": calls,
            "queued": self._in_hand + self._outbox.events + status.queue_depth,
            "last_error": status.last_error,
            "last_error_at": status.last_error_at.isoformat() if status.last_error_at else None,
        }

    def store_health(self) -> dict[str, Any]:
        retrying_since = self.store_retrying_since
        return {
            "state": "dead"
            if self._store_failure is not None
            else ("retrying" if retrying_since else "ok"),
            "retrying_since": retrying_since.isoformat() if retrying_since else None,
            "last_error": self.store_last_error,
            "events_set_aside": self.events_set_aside,
            "dead_letters_waiting": DeadLetter.objects.filter(
                listener=self.name, replayed_at__isnull=True
            ).count(),
            "state_save_errors": self.state_save_errors,
        }

    def dead_threads(self) -> list[str]:
        """Names of the threads that should be running and are not."""
        dead = [] if self._store_thread.is_alive() else [self._store_thread.name]
        return dead + self.blackhole.dead_threads()

    def report_health(self) -> None:
        ListenerState.objects.filter(name=self.name).update(
            health=self.health(), heartbeat_at=datetime.now(UTC)
        )

    # --- lifecycle ------------------------------------------------------------------------------
    def start(self) -> "Listener":
        ListenerState.objects.filter(name=self.name).update(started_at=self._started_at)
        self._store_thread.start()
        self.blackhole.start()
        return self

    def run(self, stop: threading.Event) -> None:
        """Listen until `stop` is set, then drain: nothing received is left unstored."""
        self.start()
        try:
            while not stop.is_set():
                if dead := self.dead_threads():
                    raise ListenerThreadDied(f"listener thread(s) ended: {', '.join(dead)}")
                try:
                    self.step()
                except Exception:  # housekeeping must not end the listener; the next round retries
                    logger.exception("listener housekeeping failed")
                stop.wait(self.control_interval)
        finally:
            self.shutdown()

    def shutdown(self, timeout: float = 10.0) -> None:
        self.blackhole.stop(timeout)  # dispatches every frame already received
        self.queue_snapshot()
        self._outbox.put_control(_DONE)
        self._store_thread.join(timeout)
        self._stopping.set()  # a store still retrying after the timeout gives up its pause
        with contextlib.suppress(Exception):  # the database may be the reason we stop
            self.report_health()
        logger.info(
            "listener stopped: %d events stored, state of %d calls saved",
            self.events_stored,
            len(self.state.calls),
        )


def listener_from_settings(**options: Any) -> Listener:
    from kazoo_zapier.kazoo.crossbar import get_crossbar

    options.setdefault(
        "blackhole_options", {"connect_timeout": settings.KAZOO_CONNECT_TIMEOUT_SECONDS}
    )
    options.setdefault("sockets", getattr(settings, "KAZOO_WS_SOCKETS", 1))
    urls = [url.strip() for url in settings.KAZOO_WS_URL.split(",") if url.strip()]
    return Listener(crossbar=get_crossbar(), ws_url=urls, **options)
