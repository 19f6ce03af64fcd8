"""django-q2 tasks: deliver now (after a commit), sweep (every minute), prune (daily).

One task drains many deliveries: a task per delivery could not keep up (the ORM broker on
SQLite runs ~140 tasks/s). A draining task says so in the Drainer row and keeps looking for work
while it lives (woken by hooks.wakeup), so producers do not enqueue another one for every
commit. django-q2's scheduler runs at most once a minute, so the sweep keeps going for most of
that minute while retries fall due, and ends early when nothing is waiting.
"""

import logging
import threading
import time
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

from hooks.delivery import Pipeline, due_soon, process_due_deliveries, prune_deliveries
from hooks.models import Drainer
from hooks.wakeup import Wakeup

logger = logging.getLogger(__name__)

DELIVER_NOW_KEY = "hooks:deliver-now-requested"
# At most one "deliver now" task per this many seconds per producer while none is running yet.
COALESCE_SECONDS = 1
LINGER_SECONDS = 2.5
ALIVE_SECONDS = 3.0
DELIVER_NOW_BUDGET_SECONDS = 60
SWEEP_BUDGET_SECONDS = 50
DRAINER_ID = 1
# Rounds (claim, record) at most this often: under load every sender finishing would start one,
# and a round's queries cost the same for one delivery as for a hundred.
ROUND_SECONDS = 0.01


def request_delivery() -> None:
    """Ask the workers to send what was just committed (transaction.on_commit calls this).

    Never raises: the listener's commit must not fail because the broker is away, and the sweep
    sends whatever this could not announce.
    """
    try:
        if drainer_alive():
            return  # a running drainer polls and will see the new rows
        if cache.add(DELIVER_NOW_KEY, 1, timeout=COALESCE_SECONDS):
            from django_q.tasks import async_task

            async_task("hooks.tasks.deliver_now", task_name="hooks: deliver now")
    except Exception:
        logger.exception("could not enqueue delivery; the sweep will send it")


def drainer_alive() -> bool:
    return Drainer.objects.filter(id=DRAINER_ID, alive_until__gt=timezone.now()).exists()


def _mark_alive(until: float | None) -> None:
    alive_until = timezone.now() + timedelta(seconds=until) if until else None
    Drainer.objects.update_or_create(id=DRAINER_ID, defaults={"alive_until": alive_until})


def drain(
    *, budget_seconds: float, wait_for_retries: bool, stop: threading.Event | None = None
) -> int:
    """Send until idle (or, for the sweep, until nothing falls due in the budget); with `stop`
    (manage.py send_deliveries), until it is set, idle or not."""
    started = last_busy = last_mark = time.monotonic()
    _mark_alive(ALIVE_SECONDS)
    attempts = 0
    try:
        with Wakeup() as wakeup:
            pipeline = Pipeline(on_finished=wakeup.set)
            try:
                while (elapsed := time.monotonic() - started) < budget_seconds:
                    if stop is not None and stop.is_set():
                        break
                    if time.monotonic() - last_mark > ALIVE_SECONDS / 3:
                        _mark_alive(ALIVE_SECONDS)
                        last_mark = time.monotonic()
                    wakeup.clear()  # what happens from here on wakes the wait below
                    round_at = time.monotonic()
                    claimed = pipeline.fill()
                    attempts += pipeline.collect()
                    if claimed or pipeline.busy:
                        last_busy = time.monotonic()
                    elif (
                        stop is None
                        and time.monotonic() - last_busy >= LINGER_SECONDS
                        and not (wait_for_retries and due_soon(budget_seconds - elapsed))
                    ):
                        break
                    wakeup.wait()  # deliveries committed, a sender finished, or a poll is due
                    time.sleep(max(0.0, round_at + ROUND_SECONDS - time.monotonic()))
            finally:
                attempts += pipeline.finish()
    finally:
        # Say we stop, then look once more: a producer that still saw us alive committed before
        # this mark, so its deliveries are visible to this last pass.
        _mark_alive(None)
    return attempts + process_due_deliveries()


def deliver_now() -> int:
    return drain(budget_seconds=DELIVER_NOW_BUDGET_SECONDS, wait_for_retries=False)


def sweep() -> int:
    """Retries that fell due and hooks whose worker died (their lease expired)."""
    return drain(budget_seconds=SWEEP_BUDGET_SECONDS, wait_for_retries=True)


def send_forever(stop: threading.Event) -> int:
    """The dedicated sender (manage.py send_deliveries): one drainer that never lingers out.

    It marks itself alive the whole time, so producers enqueue no task while it runs; retries and
    expired leases are its own work, as the sweep's. Returns the attempts made when stopped.
    """
    return drain(budget_seconds=float("inf"), wait_for_retries=True, stop=stop)


def prune() -> int:
    deleted = prune_deliveries()
    logger.info("pruned %s old delivery rows", deleted)
    return deleted
