"""Targets that misbehave, against a real receiver: Retry-After that is huge, past or far ahead;
a target that accepts and never answers; one that drips its answer; dead targets among healthy."""

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from django.utils import timezone

from hooks import delivery
from hooks.delivery import Pipeline, process_due_deliveries
from hooks.fanout import create_deliveries
from hooks.models import CIRCUIT_THRESHOLD, Delivery, Hook
from hooks.transport import parse_retry_after
from tests.fixtures.hooks import wait_until

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hook_settings")]


def drain(now=None) -> int:
    total = 0
    while sent := process_due_deliveries(now=now):
        total += sent
    return total


def test_retry_after_is_bounded_by_the_retry_window_and_a_past_date_is_now(settings):
    settings.HOOKS_RETRY_HOURS = 24.0
    window = 24 * 3600.0
    assert parse_retry_after("99999999999999") == window
    assert parse_retry_after("9" * 400) == window
    assert parse_retry_after("120") == 120.0
    past = format_datetime(datetime.now(UTC) - timedelta(days=3), usegmt=True)
    assert parse_retry_after(past) == 0.0
    future = format_datetime(datetime.now(UTC) + timedelta(days=3650), usegmt=True)
    assert parse_retry_after(future) == window
    assert parse_retry_after("soon, please") is None


def test_a_huge_retry_after_on_one_hook_does_not_undo_the_other_hooks(
    receiver, make_hook, make_event, kazoo_user, kazoo_colleague
):
    throttled = make_hook(kazoo_user, receiver.url("/huge"))
    make_hook(kazoo_user, receiver.url("/ok"))
    make_hook(kazoo_colleague, receiver.url("/ok"))
    receiver.script("/huge", "retry-after=99999999999999")
    mine = [make_event(kazoo_user) for _ in range(3)]
    theirs = [make_event(kazoo_colleague) for _ in range(3)]
    create_deliveries(mine + theirs)

    drain()
    # Past any lease, nothing delivered is sent again.
    later = timezone.now() + timedelta(seconds=settings_lease() + 5)
    drain(now=later)

    ok_ids = [request.json()["id"] for request in receiver.requests("/ok")]
    assert sorted(ok_ids) == sorted(event.id for event in mine + theirs)  # each exactly once
    assert Delivery.objects.exclude(hook=throttled).filter(status="delivered").count() == 6
    throttled.refresh_from_db()
    assert throttled.retry_at is not None
    assert throttled.retry_at <= timezone.now() + timedelta(hours=24, seconds=5)
    assert throttled.lease_token == ""  # released
    assert len(receiver.requests("/huge")) == 1


def settings_lease() -> int:
    from django.conf import settings

    return settings.HOOKS_LEASE_SECONDS


@pytest.mark.parametrize(
    ("header", "waits_seconds"),
    [
        (format_datetime(datetime.now(UTC) - timedelta(hours=1), usegmt=True), 0),
        (format_datetime(datetime.now(UTC) + timedelta(days=400), usegmt=True), 24 * 3600),
    ],
    ids=["date-in-the-past", "date-far-ahead"],
)
def test_retry_after_as_a_date(receiver, make_hook, make_event, kazoo_user, header, waits_seconds):
    hook = make_hook(kazoo_user, receiver.url("/dated"))
    receiver.script("/dated", f"retry-after={header}")
    create_deliveries([make_event(kazoo_user)])
    assert process_due_deliveries() == 1
    hook.refresh_from_db()
    waited = (hook.retry_at - timezone.now()).total_seconds()
    assert waits_seconds - 5 <= waited <= waits_seconds + 1
    if waits_seconds == 0:
        assert process_due_deliveries() == 1  # "now": sent again at once, and delivered
        assert Delivery.objects.get().status == Delivery.Status.DELIVERED


@pytest.mark.parametrize("path", ["/hang", "/drip"], ids=["never-answers", "drips-a-byte-a-second"])
def test_a_send_has_a_total_deadline(receiver, make_hook, make_event, kazoo_user, settings, path):
    """The deadline (1 s here) covers the whole answer; the lease is never outlived."""
    settings.HOOKS_TIMEOUT_SECONDS = 1.0
    settings.HOOKS_LEASE_SECONDS = 5
    hook = make_hook(kazoo_user, receiver.url(path))
    create_deliveries([make_event(kazoo_user)])
    assert process_due_deliveries() == 1
    attempt = Delivery.objects.get().attempt_log.get()
    assert attempt.outcome == "retry"
    assert "within 1 s" in attempt.error
    # Bounded by the deadline, not by the drip: the answer would take 40 s.
    assert attempt.latency_ms < settings.HOOKS_LEASE_SECONDS * 1000
    hook.refresh_from_db()
    assert hook.lease_token == "" and hook.retry_at is not None


def test_every_claim_has_its_own_token(receiver, make_hook, make_event, kazoo_user):
    make_hook(kazoo_user, receiver.url("/ok"))
    make_hook(kazoo_user, receiver.url("/ok"))
    create_deliveries([make_event(kazoo_user)])
    now = timezone.now()
    first = delivery.claim_work(now, "a" * 32, 1)
    second = delivery.claim_work(now, "b" * 32, 1)
    assert [h.lease_token for h, _ in first] == ["a" * 32]
    assert [h.lease_token for h, _ in second] == ["b" * 32]
    assert first[0][0].id != second[0][0].id


def test_dead_targets_do_not_take_the_senders_of_healthy_ones(
    receiver, make_hook, make_event, kazoo_user, settings, monkeypatch
):
    """50 of 200 targets dead: the 150 healthy hooks deliver in the same rounds, while the dead
    are tried once each and then wait out their backoff; once their circuit is open each retry
    is a single probe, and at most a quarter of the senders probe at once."""
    settings.HOOKS_SENDER_THREADS = 8
    settings.HOOKS_TIMEOUT_SECONDS = 1.0
    monkeypatch.setattr("hooks.outcomes.FIRST_RETRY_SECONDS", 3600.0)  # no retry in the test
    dead = [make_hook(kazoo_user, receiver.url(f"/close/{n}")) for n in range(50)]
    healthy = [make_hook(kazoo_user, receiver.url(f"/ok/{n}")) for n in range(150)]

    def sent_to(prefix: str) -> int:
        return sum(1 for r in receiver.requests() if r.path.startswith(prefix))

    create_deliveries([make_event(kazoo_user) for _ in range(3)])

    drain()
    assert sent_to("/ok/") == 150 * 3
    assert Delivery.objects.filter(hook__in=healthy, status="delivered").count() == 450
    # Each dead hook: one attempt, then its backoff; its other two deliveries untouched.
    assert sent_to("/close/") == 50
    assert Delivery.objects.filter(hook__in=dead, attempts=0).count() == 100

    # New events while the dead wait: delivered to the healthy, nothing sent to the dead.
    create_deliveries([make_event(kazoo_user)])
    drain()
    assert sent_to("/ok/") == 150 * 4
    assert sent_to("/close/") == 50

    # Open the circuits: the dead hooks have failed often; when their backoff ends, a round
    # probes at most probe_capacity() of them, one delivery each.
    over = timezone.now() - timedelta(seconds=1)
    Hook.objects.filter(id__in=[h.id for h in dead]).update(
        consecutive_failures=CIRCUIT_THRESHOLD, retry_at=over
    )
    Delivery.objects.filter(hook__in=dead, attempts=1).update(next_attempt_at=over)
    create_deliveries([make_event(kazoo_user)])
    pipeline = Pipeline()
    pipeline.fill()
    assert pipeline.hooks_in_flight(probing=True) == delivery.probe_capacity() == 2
    assert pipeline.hooks_in_flight(probing=False) == pipeline.capacity == 8
    pipeline.finish()
    assert sent_to("/close/") == 52
    drain()
    assert sent_to("/ok/") == 150 * 5
    # Every dead hook was probed exactly once (two at a time), and each waits again.
    assert sent_to("/close/") == 100
    assert Delivery.objects.filter(hook__in=dead, attempts=0).count() == 50 * 4


def test_one_2xx_closes_the_circuit(receiver, make_hook, make_event, kazoo_user):
    hook = make_hook(kazoo_user, receiver.url("/ok"))
    create_deliveries([make_event(kazoo_user) for _ in range(3)])
    Hook.objects.filter(id=hook.id).update(consecutive_failures=CIRCUIT_THRESHOLD + 2)
    assert process_due_deliveries() == 1  # half-open: a single probe
    hook.refresh_from_db()
    assert (hook.consecutive_failures, hook.retry_at) == (0, None)
    assert process_due_deliveries() == 2  # closed: the rest go together
    wait_until(lambda: len(receiver.requests("/ok")) == 3)


@pytest.mark.parametrize("slow_sends", [2, 0])
def test_sends_to_dead_targets_move_out_of_the_way_of_healthy_ones(
    receiver, make_hook, make_event, kazoo_user, settings, slow_sends
):
    """Two prompt sender threads (the probes have one of their own), both taken by targets that
    never answer: once those sends have run HOOKS_SLOW_AFTER_SECONDS they wait in the slow
    threads, and a healthy target is served at once. With no slow threads (the control), it
    waits for their deadline."""
    settings.HOOKS_SENDER_THREADS = 2
    settings.HOOKS_SLOW_SENDS = slow_sends
    settings.HOOKS_SLOW_AFTER_SECONDS = 0.2
    settings.HOOKS_TIMEOUT_SECONDS = 8.0
    dead = [make_hook(kazoo_user, receiver.url(f"/hang/{n}")) for n in range(2)]
    create_deliveries([make_event(kazoo_user)])  # both dead hooks get one
    pipeline = Pipeline()
    assert pipeline.fill() == 2
    receiver.wait_for(2)
    healthy = make_hook(kazoo_user, receiver.url("/ok"))
    Delivery.objects.create(
        event=make_event(kazoo_user), hook=healthy, next_attempt_at=timezone.now()
    )

    def served() -> bool:
        pipeline.fill()
        pipeline.collect(timeout=0.05)
        return Delivery.objects.filter(hook=healthy, status="delivered").exists()

    try:
        if slow_sends:
            wait_until(served, timeout=3, what="the healthy hook served beside the dead ones")
        else:
            with pytest.raises(AssertionError):
                wait_until(served, timeout=3)
        assert pipeline.hooks_in_flight() >= len(dead)
    finally:
        receiver.release()
        pipeline.finish()
