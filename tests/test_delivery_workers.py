"""Real worker processes: one killed mid-send loses nothing; a qcluster delivers after commit.

These run workers as subprocesses on the test database, so they use committed data
(transactional_db) and stop only the processes they started.
"""

import signal
import subprocess
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from standardwebhooks import Webhook

from hooks.delivery import process_due_deliveries
from hooks.fanout import create_deliveries
from hooks.models import Delivery, Hook
from tests.fixtures.hooks import start_django_process, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("hook_settings")]

ONE_BATCH = (
    "import django; django.setup(); "
    "from hooks.delivery import process_due_deliveries; process_due_deliveries()"
)


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> str:
    if process.poll() is None:
        process.send_signal(sig)
    try:
        out, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
    return out.decode(errors="replace")


def test_a_worker_killed_mid_send_is_picked_up_again_and_delivers_once(
    receiver, make_hook, make_event, kazoo_user
):
    hook = make_hook(kazoo_user, receiver.url("/hang"))
    (delivery,) = create_deliveries([make_event(kazoo_user)])

    worker = start_django_process(
        "-c", ONE_BATCH, env={"HOOKS_TIMEOUT_SECONDS": "60", "HOOKS_LEASE_SECONDS": "120"}
    )
    try:
        receiver.wait_for(1, path="/hang")  # the request is in flight, unanswered
    finally:
        stop(worker, signal.SIGKILL)

    delivery.refresh_from_db()
    hook.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING and delivery.attempts == 0
    assert hook.lease_until > timezone.now()  # still leased to the dead worker
    assert process_due_deliveries() == 0  # so nobody else sends meanwhile

    # Once the lease has expired, another worker picks the hook up and delivers.
    receiver.script("/hang", "200")
    expired = hook.lease_until + timedelta(seconds=1)
    assert process_due_deliveries(now=expired) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED
    first, second = receiver.requests("/hang")
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == delivery.event_id
    # Delivered is final.
    assert process_due_deliveries(now=expired + timedelta(days=1)) == 0
    receiver.release()


@pytest.fixture
def qcluster():
    """`manage.py qcluster` on the test database, with the delivery schedules in place."""
    from django.apps import apps as django_apps

    schedules = __import__("hooks.migrations.0002_schedules", fromlist=["create_schedules"])
    schedules.create_schedules(django_apps, None)  # a flush between tests removes them
    process = start_django_process(
        "manage.py", "qcluster", env={"Q_CLUSTER_NAME": settings.Q_CLUSTER["name"]}
    )
    yield process
    output = stop(process)
    assert process.returncode is not None, output


def test_qcluster_delivers_after_commit_and_loses_nothing_while_the_target_is_down(
    receiver, make_hook, make_event, kazoo_user, qcluster
):
    hook = make_hook(kazoo_user, receiver.url("/flaky"))
    # The target is down (connections closed) for the first try, then back.
    receiver.script("/flaky", "close")
    with transaction.atomic():  # as the event store does: events and deliveries, then commit
        events = [make_event(kazoo_user), make_event(kazoo_user)]
        create_deliveries(events)

    # First attempts follow the commit (deliver now), the retry comes from the sweep.
    received = receiver.wait_for(3, path="/flaky", timeout=100)
    wait_until(
        lambda: Delivery.objects.filter(status=Delivery.Status.DELIVERED).count() == 2,
        timeout=30,
        what="both deliveries recorded as delivered",
    )
    for request in received[1:]:
        Webhook(hook.secret).verify(request.body, request.headers)
    assert sorted(r.json()["id"] for r in received[1:]) == sorted(e.id for e in events)
    assert Hook.objects.get(id=hook.id).failing_since is None
