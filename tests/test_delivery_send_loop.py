"""`manage.py send_deliveries`, the dedicated sender loop, as real processes on the test database;
and two of them against one target URL, sharing its pace through Redis (issue 15)."""

import signal
import subprocess

import pytest
from django.conf import settings
from django_q.models import OrmQ

from hooks.fanout import create_deliveries
from hooks.models import Delivery
from hooks.tasks import drainer_alive
from tests.fixtures.hooks import start_django_process, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("hook_settings")]


def stop(process: subprocess.Popen) -> tuple[int, str]:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        out, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
    return process.returncode, out.decode(errors="replace")


def sender(**env: str) -> subprocess.Popen:
    """A started sender, once it says it is sending (log lines may come first)."""
    process = start_django_process("manage.py", "send_deliveries", env=env)
    seen = []
    for _ in range(20):
        seen.append(process.stdout.readline().decode())
        if "Sending deliveries" in seen[-1]:
            return process
    process.kill()
    raise AssertionError("".join(seen))


def test_the_loop_sends_what_is_committed_with_no_task_and_stops_cleanly_on_sigterm(
    receiver, make_hook, make_event, kazoo_user
):
    make_hook(kazoo_user, receiver.url("/zap"))
    process = sender()
    try:
        wait_until(drainer_alive, what="the loop marking the drainer alive")
        create_deliveries([make_event(kazoo_user) for _ in range(3)])  # committed: autocommit
        receiver.wait_for(3, path="/zap")
        wait_until(
            lambda: Delivery.objects.filter(status=Delivery.Status.DELIVERED).count() == 3,
            what="three deliveries recorded",
        )
        assert OrmQ.objects.count() == 0  # the commits saw a live sender: no task was queued
    finally:
        code, output = stop(process)
    assert code == 0, output
    assert "Stopped after 3 attempt(s)" in output


@pytest.mark.skipif(not settings.REDIS_URL, reason="cluster-wide pacing needs REDIS_URL")
def test_two_senders_together_stay_under_the_rate_of_one_target_url(
    receiver, make_hook, make_event, kazoo_user
):
    rate = 10  # a second, per target URL
    # Eight Zaps on one URL; with one sender thread each, the two senders take them in turn.
    hooks = [make_hook(kazoo_user, receiver.url("/shared")) for _ in range(8)]
    env = {"HOOKS_RATE_PER_TARGET": str(rate), "HOOKS_SENDER_THREADS": "1"}
    processes = [sender(**env), sender(**env)]
    try:
        create_deliveries([make_event(kazoo_user) for _ in range(5)])  # 40 deliveries
        got = receiver.wait_for(40, path="/shared", timeout=30)
    finally:
        outputs = [stop(process)[1] for process in processes]
    assert len(hooks) * 5 == 40
    arrivals = sorted(request.at for request in got)
    # Any `rate` + 1 consecutive arrivals span at least a second (less a little for the clocks;
    # `at` is the receiver's monotonic clock).
    spans = [arrivals[i + rate] - arrivals[i] for i in range(len(arrivals) - rate)]
    assert min(spans) >= 0.9, spans
    # Both processes sent: the pace was shared, not one sender doing all the work.
    assert all("Stopped after 0 attempt(s)" not in output for output in outputs), outputs
