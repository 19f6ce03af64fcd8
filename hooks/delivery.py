"""The delivery engine: claim due work in batches, send it concurrently, record every attempt.

A drainer runs a `Pipeline`; `process_due_deliveries()` is one round of it, what the tests drive:

1. Claim hooks, not single deliveries: a hook with due deliveries is leased to this worker
   (`lease_until`, a fresh `lease_token` per claim) by one conditional UPDATE (with SKIP LOCKED
   on PostgreSQL). Only the lease holder sends to a hook, so its first attempts go out in event
   order. A killed worker's lease simply expires. A hook waiting out its backoff (`retry_at`)
   is not claimed; one whose circuit is open is claimed apart, for a single probe.
2. Send: the hooks of one target URL go to one thread; threads keep their keep-alive sessions
   across rounds; pacing per URL is hooks.pacing's (cluster-wide with Redis). Every send has a
   total deadline (hooks.transport) that ends before the lease does. A retryable failure stops
   that hook: its other deliveries wait, in order, behind the one that failed.
3. Record (hooks.outcomes), in the drainer's thread (the senders never touch the database), as soon as a group of
   hooks finishes: one attempt row per try, the deliveries' new states, the hooks' last results,
   in one transaction that also releases their leases. Free senders meanwhile take more hooks.

At least once: a delivery is pending until a 2xx is recorded, and only pending rows are claimed, so
a delivery recorded as delivered is never sent again; a crash between a send and its record sends
it once more.
"""

import logging
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests
from django.conf import settings
from django.db import connection
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from hooks.models import CIRCUIT_THRESHOLD, Delivery, Hook
from hooks.outcomes import (
    GONE,
    RETRY,
    HookRun,
    Sent,
    backoff_seconds,  # noqa: F401 - part of this module's interface for tests and the docs
    classify,
    record_runs,
)
from hooks.pacing import pacer_for
from hooks.transport import new_session, post_signed

logger = logging.getLogger(__name__)

# A send must end (hooks.transport's total deadline) this long before its hook's lease does.
LEASE_MARGIN_SECONDS = 2.0

_local = threading.local()
_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def thread_session() -> requests.Session:
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = new_session()
    return session


def executor() -> ThreadPoolExecutor:
    """Long-lived sender threads: their keep-alive connections outlive one batch."""
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                max_workers=sender_threads(),
                thread_name_prefix="hook-sender",
            )
        return _executor


def probe_capacity() -> int:
    """Hooks with an open circuit in flight at once: a quarter of the senders, at least one."""
    return max(1, settings.HOOKS_SENDER_THREADS // 4)


def prompt_capacity() -> int:
    """Groups sending promptly at once; the probes have threads of their own beside them."""
    return settings.HOOKS_SENDER_THREADS


def sender_threads() -> int:
    """The prompt groups, the probes and the slow sends that moved out of their way."""
    return prompt_capacity() + probe_capacity() + settings.HOOKS_SLOW_SENDS


# --- Claiming, sending, recording ------------------------------------------------------------------
@dataclass
class InFlight:
    """A group of hooks (one target URL) being sent by one thread."""

    token: str
    hooks: list[Hook]
    probing: bool
    started: float  # monotonic


class Pipeline:
    """Keeps the sender threads busy: more hooks are claimed as others finish.

    A batch that waited for its slowest hook before claiming again held every other hook's new
    deliveries back by that long; here a finished hook is recorded and released at once, and
    free senders take the next hooks that have work. Each claim has a token of its own, and a
    group of hooks is released with the token it was claimed with: a hook claimed again after
    its lease ran out is not released by the first claim's record.

    Fairness, against targets that answer slowly or never:
    - A group still sending after HOOKS_SLOW_AFTER_SECONDS stops counting against the
      HOOKS_SENDER_THREADS: it waits out its deadline in one of HOOKS_SLOW_SENDS further
      threads, and a healthy target is served meanwhile. Only when those are all taken do slow
      sends hold the threads healthy targets need.
    - Hooks whose circuit is open (failing again and again) are claimed separately and at most
      `probe_capacity()` at a time, one delivery each.
    A group is started only on a free thread, so nothing waits in the executor's queue behind
    a dead target.
    """

    def __init__(self, on_finished: Callable[..., Any] | None = None) -> None:
        self.on_finished = on_finished  # called from a sender thread as each group finishes
        self.capacity = prompt_capacity()
        self.threads = sender_threads()
        self.in_flight: dict[Future[list[HookRun]], InFlight] = {}

    @property
    def busy(self) -> bool:
        return bool(self.in_flight)

    def hooks_in_flight(self, *, probing: bool | None = None) -> int:
        return sum(
            len(group.hooks)
            for group in self.in_flight.values()
            if probing is None or group.probing == probing
        )

    def prompt_groups(self, *, probing: bool) -> int:
        """Groups in flight that have not been sending long enough to count as slow."""
        slow_since = time.monotonic() - settings.HOOKS_SLOW_AFTER_SECONDS
        return sum(
            1
            for group in self.in_flight.values()
            if group.probing == probing and group.started > slow_since
        )

    def fill(self, *, now: datetime | None = None) -> int:
        """Claim hooks with due work up to the free threads and start sending; returns hooks
        claimed."""
        now = now or timezone.now()
        claimed = 0
        probes = probe_capacity()
        # Probes have room of their own: healthy hooks never wait behind them, nor they behind
        # a busy pipeline for ever.
        main_groups = sum(1 for group in self.in_flight.values() if not group.probing)
        for probing, room in (
            (
                False,
                min(
                    self.capacity - self.prompt_groups(probing=False),
                    self.threads - probes - main_groups,  # the probes' threads stay theirs
                ),
            ),
            (
                True,
                min(
                    probes - self.hooks_in_flight(probing=True), self.threads - len(self.in_flight)
                ),
            ),
        ):
            if room > 0:
                claimed += self._start(now, room, probing=probing)
        return claimed

    def _start(self, now: datetime, room: int, *, probing: bool) -> int:
        token = uuid.uuid4().hex
        # Measured before the claim: the lease runs from the claim's `now` at the latest.
        stop_at = time.monotonic() + settings.HOOKS_LEASE_SECONDS - LEASE_MARGIN_SECONDS
        work = claim_work(now, token, room, probing=probing)
        # The hooks of one target URL go to one thread, in turn: its pacer spaces them anyway.
        by_url: dict[str, list[tuple[Hook, list[Delivery]]]] = defaultdict(list)
        for hook, deliveries in work:
            by_url[hook.target_url].append((hook, deliveries))
        for group in by_url.values():
            future = executor().submit(_send_group, group, stop_at)
            self.in_flight[future] = InFlight(
                token, [hook for hook, _ in group], probing, time.monotonic()
            )
            if self.on_finished is not None:
                future.add_done_callback(self.on_finished)
        return len(work)

    def collect(self, timeout: float = 0.0) -> int:
        """Record what has finished (waiting up to `timeout` for something); returns attempts."""
        if not self.in_flight:
            time.sleep(timeout)
            return 0
        done, _ = wait(self.in_flight, timeout=timeout, return_when=FIRST_COMPLETED)
        return self._record(done)

    def finish(self) -> int:
        """Wait for everything in flight and record it."""
        return self._record(wait(self.in_flight).done) if self.in_flight else 0

    def _record(self, done: set[Future[list[HookRun]]]) -> int:
        by_token: dict[str, list[HookRun]] = defaultdict(list)
        for future in done:
            token, hooks = self.in_flight[future].token, self.in_flight.pop(future).hooks
            try:
                by_token[token].extend(future.result())
            except Exception:
                logger.exception("hook sender failed; the deliveries stay pending")
                by_token[token].extend(HookRun(hook) for hook in hooks)
        for token, runs in by_token.items():
            record_runs(runs, token)
        return sum(len(run.sent) for runs in by_token.values() for run in runs)


def process_due_deliveries(*, now: datetime | None = None) -> int:
    """Claim, send and record one batch; returns the number of HTTP attempts made."""
    pipeline = Pipeline()
    pipeline.fill(now=now)
    return pipeline.finish()


def claim_work(
    now: datetime, token: str, limit: int, *, probing: bool = False
) -> list[tuple[Hook, list[Delivery]]]:
    """Lease up to `limit` hooks with due deliveries, and fetch those deliveries in one query."""
    hooks = claim_hooks(now, token, limit, probing=probing)
    if not hooks:
        return []
    # A hook's share of one round: ten seconds at its pace, oldest first (one, as a probe, when
    # its circuit is open). The window keeps a hook with a long backlog from filling memory.
    per_hook = 1 if probing else max(1, int(settings.HOOKS_RATE_PER_TARGET * 10))
    due = (
        Delivery.objects.filter(
            hook_id__in=[hook.id for hook in hooks], status=Delivery.Status.PENDING
        )
        .annotate(place=Window(RowNumber(), partition_by=[F("hook_id")], order_by=F("id").asc()))
        .filter(place__lte=per_hook)
        .select_related("event", "payload")
        .order_by("id")
    )
    by_hook: dict[int, list[Delivery]] = defaultdict(list)
    blocked: set[int] = set()
    for delivery in due:
        # In order: a row that is not due yet (deferred on its own) ends its hook's share, so
        # nothing newer overtakes it.
        if delivery.hook_id in blocked or delivery.next_attempt_at > now:
            blocked.add(delivery.hook_id)
            continue
        by_hook[delivery.hook_id].append(delivery)
    return [(hook, by_hook[hook.id]) for hook in hooks]


# The claim in one statement (PostgreSQL, and SQLite since 3.35): active hooks, free or with an
# expired lease, not waiting out a backoff, whose oldest pending delivery (the head of its queue)
# is due, leased to this
# token, those waiting longest first. On PostgreSQL the rows are locked with SKIP LOCKED, so two
# drainers claiming at once share the hooks instead of queueing on each other's locks.
# 'pending' is written out so that the partial index on pending deliveries serves the query.
CLAIM_SQL = """
WITH picked AS {materialized} (
    SELECT h.id FROM {hook} h
    WHERE h.status = %s AND (h.lease_until IS NULL OR h.lease_until < %s)
      AND (h.retry_at IS NULL OR h.retry_at <= %s)
      AND (h.consecutive_failures >= %s) = %s
      AND (
        SELECT d.next_attempt_at FROM {delivery} d
        WHERE d.hook_id = h.id AND d.status = 'pending' ORDER BY d.id LIMIT 1
      ) <= %s
    ORDER BY (SELECT MIN(d.id) FROM {delivery} d WHERE d.hook_id = h.id AND d.status = 'pending')
    LIMIT %s {lock}
)
UPDATE {hook} SET lease_until = %s, lease_token = %s
WHERE id IN (SELECT id FROM picked)
  AND status = %s AND (lease_until IS NULL OR lease_until < %s)
RETURNING *
"""


def claim_hooks(
    now: datetime, token: str, limit: int | None = None, *, probing: bool = False
) -> list[Hook]:
    """Lease the hooks whose deliveries have waited longest; returns those this token won.

    `probing` claims only hooks whose circuit is open (and whose backoff is over), else only the
    others.
    """
    adapt = connection.ops.adapt_datetimefield_value
    postgresql = connection.vendor == "postgresql"
    # MATERIALIZED: the picked rows are computed once, so LIMIT holds (PostgreSQL may otherwise
    # run a LIMIT subquery of IN more than once and lease more hooks than asked).
    sql = CLAIM_SQL.format(
        hook=Hook._meta.db_table,
        delivery=Delivery._meta.db_table,
        lock="FOR UPDATE OF h SKIP LOCKED" if postgresql else "",
        materialized="MATERIALIZED" if postgresql else "",
    )
    lease_until = now + timedelta(seconds=settings.HOOKS_LEASE_SECONDS)
    params = [
        Hook.Status.ACTIVE.value,
        adapt(now),
        adapt(now),
        CIRCUIT_THRESHOLD,
        probing,
        adapt(now),
        limit or settings.HOOKS_SENDER_THREADS * 4,
        adapt(lease_until),
        token,
        Hook.Status.ACTIVE.value,
        adapt(now),
    ]
    return sorted(Hook.objects.raw(sql, params), key=lambda hook: hook.id)


def _send_group(work: list[tuple[Hook, list[Delivery]]], stop_at: float) -> list[HookRun]:
    return [send_hook(hook, deliveries, stop_at) for hook, deliveries in work]


def send_hook(hook: Hook, deliveries: list[Delivery], stop_at: float) -> HookRun:
    """Send a hook's deliveries in order (runs in a sender thread: no database here).

    A send starts only if its whole deadline ends before the lease does; a retryable failure
    or a 410 ends the hook's turn, and what is left waits behind it, in order.
    """
    run = HookRun(hook)
    session = thread_session()
    pacer = pacer_for(hook.target_url)
    for delivery in deliveries:
        if time.monotonic() + settings.HOOKS_TIMEOUT_SECONDS > stop_at:
            break
        pacer.wait()
        if time.monotonic() + settings.HOOKS_TIMEOUT_SECONDS > stop_at:
            break  # the pace was slow: what is left stays due for the next claim
        result = post_signed(
            session,
            hook.target_url,
            secret=hook.secret,
            msg_id=delivery.event_id,
            body=delivery.body,
        )
        outcome = classify(result)
        run.sent.append(Sent(delivery, result, outcome))
        if outcome in (GONE, RETRY):
            break
    return run


def due_soon(within_seconds: float) -> bool:
    """Whether any delivery of an active hook falls due within this many seconds."""
    horizon = timezone.now() + timedelta(seconds=within_seconds)
    return (
        Delivery.objects.filter(
            status=Delivery.Status.PENDING,
            next_attempt_at__lte=horizon,
            hook__status=Hook.Status.ACTIVE,
        )
        .exclude(hook__retry_at__gt=horizon)
        .exists()
    )


def prune_deliveries(*, now: datetime | None = None) -> int:
    """Delete finished deliveries (and their attempts) older than the retention."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.HOOKS_RETENTION_DAYS)
    deleted, _ = Delivery.objects.filter(
        created_at__lt=cutoff,
        status__in=[
            Delivery.Status.DELIVERED,
            Delivery.Status.FAILED,
            Delivery.Status.CANCELLED,
        ],
    ).delete()
    return deleted
