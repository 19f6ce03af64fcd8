"""What a send's answer means, and how it is recorded: attempts, deliveries, the hook's state.

Backoff belongs to the hook (its target), as a circuit breaker would have it: a retryable
failure sets the hook's `retry_at`, and nothing is sent to the hook before then; its pending
deliveries keep their order behind the one that failed. After CIRCUIT_THRESHOLD failures in a
row the circuit is open: each retry is a single probe (half-open), and one 2xx closes it.

Every hook's results are recorded in one transaction for speed; if that fails (a bad row), each
hook is recorded on its own, so one hook's problem cannot undo another hook's 2xx answers.
"""

import logging
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import DateTimeField, F
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_noop

from hooks.models import Delivery, DeliveryAttempt, Hook
from hooks.transport import SendResult

logger = logging.getLogger(__name__)

Outcome = DeliveryAttempt.Outcome
DELIVERED = Outcome.DELIVERED
RETRY = Outcome.RETRY
GONE = Outcome.GONE
FAILED = Outcome.FAILED

FIRST_RETRY_SECONDS = 5.0
MAX_RETRY_SECONDS = 4 * 3600.0
# Rows per UPDATE when recording deliveries: three parameters a row stays far below SQLite's
# limit of 32,766 (and PostgreSQL's 65,535).
UPDATE_CHUNK = 1000
# Stored in English; /connect/ shows it in the reader's language (hooks/connect.py).
GONE_REASON = gettext_noop("The target answered 410 Gone: the Zap was turned off or deleted.")


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


def retry_delay(failures: int, result: SendResult) -> float:
    """Seconds the hook waits: the target's Retry-After on a 429 (already bounded), else backoff.

    Never more than the retry window, so the date it gives can always be computed.
    """
    if result.status_code == 429 and result.retry_after is not None:
        delay = result.retry_after
    else:
        delay = backoff_seconds(failures)
    return min(delay, settings.HOOKS_RETRY_HOURS * 3600.0)


def describe(result: SendResult) -> str:
    if result.error:
        return result.error[:500]
    if result.status_code is not None and not 200 <= result.status_code < 300:
        return f"HTTP {result.status_code}: {result.excerpt[:200]}".strip()[:500]
    return ""


# --- What a sender hands back -----------------------------------------------------------------------
@dataclass
class Sent:
    delivery: Delivery
    result: SendResult
    outcome: str


@dataclass
class HookRun:
    hook: Hook
    sent: list[Sent] = field(default_factory=list)


# --- Recording ------------------------------------------------------------------------------------
HOOK_RESULT_FIELDS = (
    "last_attempt_at",
    "last_status_code",
    "last_error",
    "failing_since",
    "retry_at",
    "consecutive_failures",
)


def record_runs(runs: list[HookRun], token: str) -> None:
    """Record what the sends did and release the hooks' leases.

    One transaction for the lot; should it fail, each hook again in its own, and a hook that
    cannot be recorded at all is still released (its deliveries stay pending: at least once).
    """
    try:
        with transaction.atomic():
            _record(runs, token)
        return
    except Exception:
        logger.exception("recording %s hooks together failed; recording each alone", len(runs))
    for run in runs:
        try:
            with transaction.atomic():
                _record([run], token)
        except Exception:
            logger.exception("could not record hook %s; its deliveries stay pending", run.hook.id)
            release_hooks([run.hook.id], {}, token)


def _record(runs: list[HookRun], token: str) -> None:
    """2xx answers in one UPDATE, every attempt in one INSERT, the hooks' results in one UPDATE;
    failures are rare and each is written on its own."""
    now = timezone.now()
    delivered: list[Sent] = []
    hook_results: dict[int, dict[str, Any]] = {}
    for run in runs:
        delivered.extend(sent for sent in run.sent if sent.outcome == DELIVERED)
        result = record_failures(run, now)
        if result is not None:
            hook_results[run.hook.id] = result
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


def record_failures(run: HookRun, now: datetime) -> dict[str, Any] | None:
    """Write the hook's non-2xx outcomes, one row at a time; returns the hook's new results."""
    if not run.sent:
        return None
    hook = run.hook
    retry_window = timedelta(hours=settings.HOOKS_RETRY_HOURS)
    failing_since = hook.failing_since
    failures = hook.consecutive_failures
    retry_at: datetime | None = None
    for sent in run.sent:
        delivery, result, outcome = sent.delivery, sent.result, sent.outcome
        if outcome == DELIVERED:
            failing_since, failures, retry_at = None, 0, None
            continue
        first_attempt_at = delivery.first_attempt_at or result.started_at
        changes: dict = {
            "attempts": F("attempts") + 1,
            "first_attempt_at": first_attempt_at,
            "last_status_code": result.status_code,
            "last_error": describe(result),
        }
        if outcome == RETRY:
            if result.status_code != 429:  # a throttling target is alive: no step to the breaker
                failures += 1
            retry_at = now + timedelta(seconds=retry_delay(max(failures, 1), result))
            if retry_at > first_attempt_at + retry_window:
                changes["status"] = Delivery.Status.FAILED  # the hook still waits out retry_at
            else:
                changes["next_attempt_at"] = retry_at
        else:
            changes["status"] = Delivery.Status.FAILED
        if result.status_code != 429:
            failing_since = failing_since or result.started_at
        # Only a pending row changes: a row staff cancelled meanwhile stays cancelled.
        Delivery.objects.filter(id=delivery.id, status=Delivery.Status.PENDING).update(**changes)
    last = run.sent[-1].result
    return {
        "last_attempt_at": last.started_at,
        "last_status_code": last.status_code,
        "last_error": describe(last),
        "failing_since": failing_since,
        "retry_at": retry_at,
        "consecutive_failures": failures,
    }


def release_hooks(hook_ids: list[int], results: dict[int, dict[str, Any]], token: str) -> None:
    """Release the leases this token still holds, writing each hook's last result.

    One UPDATE with a CASE per field, written as SQL for the reason given in mark_delivered.
    """
    if not hook_ids:
        return
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
        hook.stop(Hook.Status.GONE, GONE_REASON, "The hook is gone (410).")
        logger.info("hook %s is gone (410); pending deliveries cancelled", hook.id)
    elif failing_since and now - failing_since >= timedelta(
        hours=settings.HOOKS_DISABLE_AFTER_HOURS
    ):
        hours = settings.HOOKS_DISABLE_AFTER_HOURS
        reason = (
            f"No successful delivery for {hours:g} hours; last: {describe(run.sent[-1].result)}"
        )
        if hook.disable(reason):
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
