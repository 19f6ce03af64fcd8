"""The delivery engine: claim due work in batches, send it concurrently, record every attempt.

A drainer runs a `Pipeline`; `process_due_deliveries()` is one round of it, what the tests drive:

1. Claim hooks, not single deliveries: a hook with due deliveries is leased to this worker
   (`lease_until`, `lease_token`) by one conditional UPDATE, which works the same on SQLite and
   PostgreSQL. Only the lease holder sends to a hook, so its first attempts go out in event order
   and its target is paced by one sender. A killed worker's lease simply expires. The claimed
   hooks' due deliveries come in one query.
2. Send: the hooks of one target URL go to one thread; threads keep their keep-alive sessions
   across rounds. A retryable failure stops that hook for now: its other deliveries wait with the
   one that failed instead of hammering a target that is down.
3. Record, in the drainer's thread (the senders never touch the database), as soon as a group of
   hooks finishes: one attempt row per try, the deliveries' new states, the hooks' last results,
   in one transaction that also releases their leases. Free senders meanwhile take more hooks.

At least once: a delivery is pending until a 2xx is recorded, and only pending rows are claimed, so
a delivery recorded as delivered is never sent again; a crash between a send and its record sends
it once more.
"""

import logging
import random
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import requests
from django.conf import settings
from django.db import connection, transaction
from django.db.models import DateTimeField, F, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber
from django.utils import timezone

from hooks.models import Delivery, DeliveryAttempt, Hook
from hooks.transport import SendResult, encode_payload, new_session, post_signed

logger = logging.getLogger(__name__)

DELIVERED = "delivered"
RETRY = "retry"
GONE = "gone"
FAILED = "failed"

FIRST_RETRY_SECONDS = 5.0
MAX_RETRY_SECONDS = 4 * 3600.0
# Rows per UPDATE when recording deliveries: three parameters a row stays far below SQLite's
# limit of 32,766 (and PostgreSQL's 65,535).
UPDATE_CHUNK = 1000
GONE_REASON = "The target answered 410 Gone: the Zap was turned off or deleted."


# --- Decisions ------------------------------------------------------------------------------------
def classify(result: SendResult) -> str:
    if result.refused:
        return FAILED
    code = result.status_code
    if code is None:
        return RETRY  # timeouts and connection errors
    if 200 <= code < 300:
        return DELIVERED
    if code == 410:
        return GONE
    if code in (408, 429) or code >= 500:
        return RETRY
    return FAILED  # other 4xx, and 3xx: redirects are not followed


def backoff_seconds(attempts: int) -> float:
    """Exponential, with jitter so that a fleet of retries does not arrive as one wave.

    5 s, 15 s, 45 s, 2 min, 7 min, 20 min, 1 h, 3 h, then every 4 h: about 12 attempts a day.
    """
    base = min(FIRST_RETRY_SECONDS * 3 ** max(attempts - 1, 0), MAX_RETRY_SECONDS)
    return base * random.uniform(0.8, 1.2)


def retry_delay(attempts: int, result: SendResult) -> float:
    if result.status_code == 429 and result.retry_after is not None:
        return result.retry_after
    return backoff_seconds(attempts)


def describe(result: SendResult) -> str:
    if result.error:
        return result.error[:500]
    if result.status_code is not None and not 200 <= result.status_code < 300:
        return f"HTTP {result.status_code}: {result.excerpt[:200]}".strip()[:500]
    return ""


# --- Pacing and sessions ----------------------------------------------------------------------------
class Pacer:
    """At most `rate` requests per second, evenly spaced (Zapier throttles a hook URL above 30/s)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self.next_at = 0.0
        self.lock = threading.Lock()

    def wait(self) -> None:
        with self.lock:
            now = time.monotonic()
            at = max(now, self.next_at)
            self.next_at = at + self.interval
        if at > now:
            time.sleep(at - now)


_pacers: dict[tuple[str, float], Pacer] = {}
_pacers_lock = threading.Lock()
_local = threading.local()
_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def pacer_for(url: str) -> Pacer:
    key = (url, settings.HOOKS_RATE_PER_TARGET)
    with _pacers_lock:
        if key not in _pacers:
            _pacers[key] = Pacer(settings.HOOKS_RATE_PER_TARGET)
        return _pacers[key]


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
                max_workers=settings.HOOKS_SENDER_THREADS, thread_name_prefix="hook-sender"
            )
        return _executor


# --- Claiming, sending, recording ------------------------------------------------------------------
@dataclass
class Sent:
    delivery: Delivery
    result: SendResult
    outcome: str


@dataclass
class HookRun:
    hook: Hook
    sent: list[Sent] = field(default_factory=list)
    deferred: list[int] = field(default_factory=list)  # left unsent after a retryable failure


class Pipeline:
    """Keeps the sender threads busy: more hooks are claimed as others finish.

    A batch that waited for its slowest hook before claiming again held every other hook's new
    deliveries back by that long; here a finished hook is recorded and released at once, and
    free senders take the next hooks that have work. Every claim of one pipeline uses its token,
    so its leases are released together with what it recorded.
    """

    def __init__(self, on_finished: Callable[..., Any] | None = None) -> None:
        self.on_finished = on_finished  # called from a sender thread as each group finishes
        self.token = uuid.uuid4().hex
        self.capacity = settings.HOOKS_SENDER_THREADS * 4  # hooks in flight
        self.in_flight: dict[Future[list[HookRun]], list[Hook]] = {}

    @property
    def busy(self) -> bool:
        return bool(self.in_flight)

    def hooks_in_flight(self) -> int:
        return sum(len(hooks) for hooks in self.in_flight.values())

    def fill(self, *, now: datetime | None = None) -> int:
        """Claim hooks with due work up to capacity and start sending; returns hooks claimed."""
        room = self.capacity - self.hooks_in_flight()
        if room <= 0:
            return 0
        work = claim_work(now or timezone.now(), self.token, room)
        stop_at = time.monotonic() + max(
            1.0,
            settings.HOOKS_LEASE_SECONDS
            - settings.HOOKS_TIMEOUT_SECONDS
            - settings.HOOKS_CONNECT_TIMEOUT_SECONDS
            - 2,
        )
        # The hooks of one target URL go to one thread, in turn: its pacer spaces them anyway.
        by_url: dict[str, list[tuple[Hook, list[Delivery]]]] = defaultdict(list)
        for hook, deliveries in work:
            by_url[hook.target_url].append((hook, deliveries))
        for group in by_url.values():
            future = executor().submit(_send_group, group, stop_at)
            self.in_flight[future] = [hook for hook, _ in group]
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
        runs: list[HookRun] = []
        for future in done:
            hooks = self.in_flight.pop(future)
            try:
                runs.extend(future.result())
            except Exception:
                logger.exception("hook sender failed; the deliveries stay pending")
                runs.extend(HookRun(hook) for hook in hooks)
        if runs:
            record_runs(runs, self.token)
        return sum(len(run.sent) for run in runs)


def process_due_deliveries(*, now: datetime | None = None) -> int:
    """Claim, send and record one batch; returns the number of HTTP attempts made."""
    pipeline = Pipeline()
    pipeline.fill(now=now)
    return pipeline.finish()


def claim_work(now: datetime, token: str, limit: int) -> list[tuple[Hook, list[Delivery]]]:
    """Lease up to `limit` hooks with due deliveries, and fetch those deliveries in one query."""
    hooks = claim_hooks(now, token, limit)
    if not hooks:
        return []
    # A hook's share of one round: ten seconds at its pace, oldest first. The window keeps a
    # hook with a long backlog from filling memory with rows it could not send this round.
    per_hook = max(1, int(settings.HOOKS_RATE_PER_TARGET * 10))
    due = (
        Delivery.objects.filter(
            hook_id__in=[hook.id for hook in hooks],
            status=Delivery.Status.PENDING,
            next_attempt_at__lte=now,
        )
        .annotate(place=Window(RowNumber(), partition_by=[F("hook_id")], order_by=F("id").asc()))
        .filter(place__lte=per_hook)
        .select_related("event")
        .order_by("id")
    )
    by_hook: dict[int, list[Delivery]] = defaultdict(list)
    for delivery in due:
        by_hook[delivery.hook_id].append(delivery)
    return [(hook, by_hook[hook.id]) for hook in hooks]


# The claim in one statement (PostgreSQL, and SQLite since 3.35): the hooks whose deliveries have
# waited longest, free or with an expired lease, leased to this token; the UPDATE decides who wins.
# Built with the ORM it took three queries, and compiling them cost more than running them.
CLAIM_SQL = """
UPDATE {hook} SET lease_until = %s, lease_token = %s
WHERE id IN (
    SELECT d.hook_id FROM {delivery} d JOIN {hook} h ON h.id = d.hook_id
    WHERE d.status = %s AND d.next_attempt_at <= %s
      AND h.status = %s AND (h.lease_until IS NULL OR h.lease_until < %s)
    GROUP BY d.hook_id ORDER BY MIN(d.id) LIMIT %s
) AND status = %s AND (lease_until IS NULL OR lease_until < %s)
RETURNING *
"""


def claim_hooks(now: datetime, token: str, limit: int | None = None) -> list[Hook]:
    """Lease the hooks whose deliveries have waited longest; returns those this token won."""
    adapt = connection.ops.adapt_datetimefield_value
    sql = CLAIM_SQL.format(hook=Hook._meta.db_table, delivery=Delivery._meta.db_table)
    lease_until = now + timedelta(seconds=settings.HOOKS_LEASE_SECONDS)
    params = [
        adapt(lease_until),
        token,
        Delivery.Status.PENDING.value,
        adapt(now),
        Hook.Status.ACTIVE.value,
        adapt(now),
        limit or settings.HOOKS_SENDER_THREADS * 4,
        Hook.Status.ACTIVE.value,
        adapt(now),
    ]
    return sorted(Hook.objects.raw(sql, params), key=lambda hook: hook.id)


def _send_group(work: list[tuple[Hook, list[Delivery]]], stop_at: float) -> list[HookRun]:
    return [send_hook(hook, deliveries, stop_at) for hook, deliveries in work]


def send_hook(hook: Hook, deliveries: list[Delivery], stop_at: float) -> HookRun:
    """Send a hook's deliveries in order (runs in a sender thread: no database here)."""
    run = HookRun(hook)
    session = thread_session()
    pacer = pacer_for(hook.target_url)
    for index, delivery in enumerate(deliveries):
        if time.monotonic() > stop_at:
            break  # the lease runs out soon; what is left stays due for the next batch
        pacer.wait()
        result = post_signed(
            session,
            hook.target_url,
            secret=hook.secret,
            msg_id=delivery.event_id,
            body=encode_payload(delivery.event.payload),
        )
        outcome = classify(result)
        run.sent.append(Sent(delivery, result, outcome))
        if outcome == GONE:
            break
        if outcome == RETRY:
            run.deferred = [later.id for later in deliveries[index + 1 :]]
            break
    return run


# --- Recording ------------------------------------------------------------------------------------
HOOK_RESULT_FIELDS = ("last_attempt_at", "last_status_code", "last_error", "failing_since")


def record_runs(runs: list[HookRun], token: str) -> None:
    """Write what the sends did, and release the hooks' leases, in one transaction.

    One transaction and a handful of statements for the whole lot: 2xx answers in one UPDATE,
    every attempt in one INSERT, the hooks' last results in one UPDATE. Failures are rare and
    each is written on its own.
    """
    now = timezone.now()
    delivered: list[Sent] = []
    hook_results: dict[int, dict[str, Any]] = {}
    with transaction.atomic():
        for run in runs:
            delivered.extend(sent for sent in run.sent if sent.outcome == DELIVERED)
            failing_since = record_failures(run, now)
            if run.sent:
                last = run.sent[-1].result
                hook_results[run.hook.id] = {
                    "last_attempt_at": last.started_at,
                    "last_status_code": last.status_code,
                    "last_error": describe(last),
                    "failing_since": failing_since,
                }
        mark_delivered(delivered, now)
        DeliveryAttempt.objects.bulk_create(
            DeliveryAttempt(
                delivery_id=sent.delivery.id,
                started_at=sent.result.started_at,
                status_code=sent.result.status_code,
                latency_ms=sent.result.latency_ms,
                response_excerpt=sent.result.excerpt,
                error=sent.result.error[:500],
                outcome=sent.outcome,
            )
            for run in runs
            for sent in run.sent
        )
        release_hooks([run.hook.id for run in runs], hook_results, token)
        for run in runs:
            settle_hook(run, hook_results.get(run.hook.id, {}).get("failing_since"), now)


def record_failures(run: HookRun, now: datetime) -> datetime | None:
    """Write the hook's non-2xx outcomes, one row at a time; returns its new failing_since."""
    retry_window = timedelta(hours=settings.HOOKS_RETRY_HOURS)
    failing_since = run.hook.failing_since
    defer_until: datetime | None = None
    for sent in run.sent:
        delivery, result, outcome = sent.delivery, sent.result, sent.outcome
        if outcome == DELIVERED:
            failing_since = None
            continue
        first_attempt_at = delivery.first_attempt_at or result.started_at
        changes: dict = {
            "attempts": F("attempts") + 1,
            "first_attempt_at": first_attempt_at,
            "last_status_code": result.status_code,
            "last_error": describe(result),
        }
        if outcome == RETRY:
            delay = timedelta(seconds=retry_delay(delivery.attempts + 1, result))
            defer_until = now + delay
            if now + delay > first_attempt_at + retry_window:
                changes["status"] = Delivery.Status.FAILED
            else:
                changes["next_attempt_at"] = defer_until
        else:
            changes["status"] = Delivery.Status.FAILED
        if result.status_code != 429:
            failing_since = failing_since or result.started_at
        # Only a pending row changes: a row staff cancelled meanwhile stays cancelled.
        Delivery.objects.filter(id=delivery.id, status=Delivery.Status.PENDING).update(**changes)
    if run.deferred and defer_until is not None:
        Delivery.objects.filter(id__in=run.deferred, status=Delivery.Status.PENDING).update(
            next_attempt_at=defer_until
        )
    return failing_since


def release_hooks(hook_ids: list[int], results: dict[int, dict[str, Any]], token: str) -> None:
    """Release the leases this token still holds, writing each hook's last result.

    One UPDATE with a CASE per field, written as SQL for the reason given in mark_delivered.
    """
    fields = {name: Hook._meta.get_field(name) for name in HOOK_RESULT_FIELDS}
    assignments = ["lease_until = NULL", "lease_token = ''"]
    params: list[Any] = []
    if results:
        for name, model_field in fields.items():
            column = connection.ops.quote_name(model_field.column)
            whens = "WHEN %s THEN %s " * len(results)
            assignments.append(f"{column} = CASE id {whens}ELSE {column} END")
            for hook_id, result in results.items():
                params += [hook_id, model_field.get_db_prep_save(result[name], connection)]
    placeholders = ", ".join(["%s"] * len(hook_ids))
    # Names come from the model, every value is a parameter.
    sql = f"UPDATE {Hook._meta.db_table} SET {', '.join(assignments)} "  # noqa: S608
    sql += f"WHERE lease_token = %s AND id IN ({placeholders})"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, token, *hook_ids])


def settle_hook(run: HookRun, failing_since: datetime | None, now: datetime) -> None:
    """410: the hook is gone. Failing for too long: the hook is disabled."""
    hook = run.hook
    if any(sent.outcome == GONE for sent in run.sent):
        mark_gone(hook)
    elif failing_since and now - failing_since >= timedelta(
        hours=settings.HOOKS_DISABLE_AFTER_HOURS
    ):
        hours = settings.HOOKS_DISABLE_AFTER_HOURS
        reason = (
            f"No successful delivery for {hours:g} hours; last: {describe(run.sent[-1].result)}"
        )
        Hook.objects.filter(id=hook.id, status=Hook.Status.ACTIVE).update(
            status=Hook.Status.DISABLED, status_reason=reason[:500], status_changed_at=now
        )
        logger.warning("hook %s disabled: %s", hook.id, reason)


def mark_delivered(delivered: list[Sent], now: datetime) -> None:
    """Record 2xx answers: one UPDATE per chunk of rows with the same status code and note.

    Per-row UPDATEs were most of a worker's time (4,000 deliveries: 20 of 23 s). Each row's first
    attempt time travels in one CASE, written as SQL because building it from Django expressions
    cost as much as the queries it saved. Only pending rows change, as for every other outcome.
    """
    groups: dict[tuple[int | None, str], list[Sent]] = defaultdict(list)
    for sent in delivered:
        groups[(sent.result.status_code, describe(sent.result))].append(sent)
    adapt = connection.ops.adapt_datetimefield_value
    for (status_code, note), sents in groups.items():
        for start in range(0, len(sents), UPDATE_CHUNK):
            chunk = sents[start : start + UPDATE_CHUNK]
            firsts = [
                (sent.delivery.id, adapt(sent.result.started_at))
                for sent in chunk
                if sent.delivery.first_attempt_at is None
            ]
            changes: dict = {}
            if firsts:
                changes["first_attempt_at"] = RawSQL(  # noqa: S611 - values are parameters
                    "CASE id " + "WHEN %s THEN %s " * len(firsts) + "ELSE first_attempt_at END",
                    [value for pair in firsts for value in pair],
                    output_field=DateTimeField(),
                )
            Delivery.objects.filter(
                id__in=[sent.delivery.id for sent in chunk], status=Delivery.Status.PENDING
            ).update(
                status=Delivery.Status.DELIVERED,
                delivered_at=now,
                attempts=F("attempts") + 1,
                last_status_code=status_code,
                last_error=note,
                **changes,
            )


def mark_gone(hook: Hook) -> None:
    """The target said 410: never send to this hook again, and drop what was waiting for it."""
    now = timezone.now()
    Hook.objects.filter(id=hook.id).exclude(status=Hook.Status.UNSUBSCRIBED).update(
        status=Hook.Status.GONE, status_reason=GONE_REASON, status_changed_at=now
    )
    Delivery.objects.filter(hook_id=hook.id, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.CANCELLED, last_error="The hook is gone (410)."
    )
    logger.info("hook %s is gone (410); pending deliveries cancelled", hook.id)


def due_soon(within_seconds: float) -> bool:
    """Whether any delivery of an active hook falls due within this many seconds."""
    horizon = timezone.now() + timedelta(seconds=within_seconds)
    return Delivery.objects.filter(
        status=Delivery.Status.PENDING,
        next_attempt_at__lte=horizon,
        hook__status=Hook.Status.ACTIVE,
    ).exists()


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
