"""django-q2 tasks: deliver now (after a commit), sweep (every minute), prune (daily).

One task drains many deliveries: a task per delivery could not keep up (the ORM broker on
SQLite runs ~140 tasks/s). django-q2's scheduler runs at most once a minute, so the sweep keeps
going for most of that minute while retries fall due, and ends early when nothing is waiting.
"""

import logging
import time

from django.core.cache import cache

from hooks.delivery import due_soon, process_due_deliveries, prune_deliveries

logger = logging.getLogger(__name__)

DELIVER_NOW_KEY = "hooks:deliver-now-requested"
# At most one "deliver now" task per this many seconds per producer; the task lingers longer
# than this after its last work, so a delivery committed inside the window is still picked up.
COALESCE_SECONDS = 1
LINGER_SECONDS = 2.5
DELIVER_NOW_BUDGET_SECONDS = 60
SWEEP_BUDGET_SECONDS = 50
IDLE_POLL_SECONDS = 0.2


def request_delivery() -> None:
    """Ask the workers to send what was just committed (transaction.on_commit calls this).

    Never raises: the listener's commit must not fail because the broker is away, and the sweep
    sends whatever this could not announce.
    """
    try:
        if cache.add(DELIVER_NOW_KEY, 1, timeout=COALESCE_SECONDS):
            from django_q.tasks import async_task

            async_task("hooks.tasks.deliver_now", task_name="hooks: deliver now")
    except Exception:
        logger.exception("could not enqueue delivery; the sweep will send it")


def drain(*, budget_seconds: float, wait_for_retries: bool) -> int:
    """Process batches until idle (or, for the sweep, until nothing falls due in the budget)."""
    started = last_busy = time.monotonic()
    attempts = 0
    while (elapsed := time.monotonic() - started) < budget_seconds:
        done = process_due_deliveries()
        if done:
            attempts += done
            last_busy = time.monotonic()
            continue
        idle = time.monotonic() - last_busy >= LINGER_SECONDS
        if idle and not (wait_for_retries and due_soon(budget_seconds - elapsed)):
            break
        time.sleep(IDLE_POLL_SECONDS)
    return attempts


def deliver_now() -> int:
    return drain(budget_seconds=DELIVER_NOW_BUDGET_SECONDS, wait_for_retries=False)


def sweep() -> int:
    """Retries that fell due and hooks whose worker died (their lease expired)."""
    return drain(budget_seconds=SWEEP_BUDGET_SECONDS, wait_for_retries=True)


def prune() -> int:
    deleted = prune_deliveries()
    logger.info("pruned %s old delivery rows", deleted)
    return deleted
