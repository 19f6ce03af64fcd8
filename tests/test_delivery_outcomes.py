"""Delivery against a real local receiver: each outcome, the signature, order, pacing, pruning."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone
from standardwebhooks import Webhook

from hooks.delivery import Pipeline, backoff_seconds, process_due_deliveries, prune_deliveries
from hooks.fanout import create_deliveries
from hooks.models import Delivery, DeliveryAttempt, Hook
from hooks.rendering import for_reader, reader_of
from tests.fixtures.hooks import wait_until

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hook_settings")]


def deliver(make_event, user, count=1, **payload):
    events = [make_event(user, **payload) for _ in range(count)]
    return events, create_deliveries(events)


def later(seconds: float):
    return timezone.now() + timedelta(seconds=seconds)


def test_a_2xx_is_delivered_signed_and_never_sent_again(receiver, make_hook, make_event, kazoo_user):
    hook = make_hook(kazoo_user, receiver.url("/ok"))
    (event,), (delivery,) = deliver(make_event, kazoo_user)

    assert process_due_deliveries() == 1
    (request,) = receiver.wait_for(1)
    # The body is the payload as the hook's owner reads it (hooks/rendering.py), signed as
    # Standard Webhooks says, with the event id.
    expected = for_reader(event, reader_of(kazoo_user))
    assert Webhook(hook.secret).verify(request.body, request.headers) == expected
    assert request.headers["webhook-id"] == event.id
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"].startswith("kazoo-zapier/")

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED
    assert delivery.attempts == 1
    attempt = delivery.attempt_log.get()
    assert (attempt.status_code, attempt.outcome) == (200, "delivered")
    assert "success" in attempt.response_excerpt

    # Even a sweep far in the future sends nothing more.
    assert process_due_deliveries(now=later(7 * 86400)) == 0
    assert len(receiver.requests()) == 1


def test_a_signature_made_with_another_secret_does_not_verify(
    receiver, make_hook, make_event, kazoo_user
):
    make_hook(kazoo_user, receiver.url("/ok"))
    other = make_hook(kazoo_user, receiver.url("/ok"), event="call.ended")
    deliver(make_event, kazoo_user)
    process_due_deliveries()
    (request,) = receiver.wait_for(1)
    with pytest.raises(Exception, match="signature"):
        Webhook(other.secret).verify(request.body, request.headers)


def test_410_marks_the_hook_gone_cancels_what_waits_and_never_sends_again(
    receiver, make_hook, make_event, kazoo_user
):
    hook = make_hook(kazoo_user, receiver.url("/gone"))
    deliver(make_event, kazoo_user, count=3)

    assert process_due_deliveries() == 1  # the first answer stops the hook
    hook.refresh_from_db()
    assert hook.status == Hook.Status.GONE
    assert "410" in hook.status_reason
    statuses = [d.status for d in Delivery.objects.order_by("id")]
    assert statuses == ["failed", "cancelled", "cancelled"]

    # New events for the hook create no deliveries, and nothing is sent again.
    assert deliver(make_event, kazoo_user)[1] == []
    assert process_due_deliveries(now=later(86400)) == 0
    assert len(receiver.requests()) == 1


def test_429_waits_as_long_as_retry_after_says_then_delivers(
    receiver, make_hook, make_event, kazoo_user
):
    make_hook(kazoo_user, receiver.url("/throttle"))
    receiver.script("/throttle", "429", "200")
    _, (delivery,) = deliver(make_event, kazoo_user)

    before = timezone.now()
    process_due_deliveries()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.last_status_code == 429
    # Retry-After: 1 is honoured (not the backoff schedule).
    assert before + timedelta(seconds=0.5) <= delivery.next_attempt_at <= timezone.now() + timedelta(
        seconds=1.5
    )
    assert process_due_deliveries() == 0  # not due yet

    assert process_due_deliveries(now=later(2)) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED
    assert list(delivery.attempt_log.values_list("status_code", flat=True)) == [429, 200]


@pytest.mark.parametrize("path", ["/error", "/slow", "/close"])
def test_5xx_timeouts_and_closed_connections_are_retried_with_backoff(
    receiver, make_hook, make_event, kazoo_user, path
):
    hook = make_hook(kazoo_user, receiver.url(path))
    _, (delivery,) = deliver(make_event, kazoo_user)

    process_due_deliveries()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.attempts == 1
    wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert 2 < wait < 7  # the first step of the schedule, 5 s with jitter
    attempt = delivery.attempt_log.get()
    assert attempt.outcome == "retry"
    if path == "/error":
        assert attempt.status_code == 500
    else:
        assert attempt.status_code is None and attempt.error
    hook.refresh_from_db()
    assert hook.failing_since is not None and hook.last_result

    # The target recovers: the retry delivers it.
    receiver.script(path, "200")
    Hook.objects.filter(id=hook.id).update(target_url=receiver.url(path))
    assert process_due_deliveries(now=later(10)) == 1
    delivery.refresh_from_db()
    hook.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED
    assert hook.failing_since is None


def test_other_4xx_fail_without_retry_and_redirects_are_not_followed(
    receiver, make_hook, make_event, kazoo_user
):
    make_hook(kazoo_user, receiver.url("/bad"))
    make_hook(kazoo_user, receiver.url("/redirect"))
    deliver(make_event, kazoo_user)

    assert process_due_deliveries() == 2
    assert {(d.last_status_code, d.status) for d in Delivery.objects.all()} == {(400, "failed"), (302, "failed")}
    assert process_due_deliveries(now=later(86400)) == 0
    assert [r.path for r in receiver.requests()].count("/ok") == 0  # the redirect's Location


def test_retries_stop_after_the_retry_window(receiver, make_hook, make_event, kazoo_user, settings):
    settings.HOOKS_RETRY_HOURS = 1
    make_hook(kazoo_user, receiver.url("/error"))
    _, (delivery,) = deliver(make_event, kazoo_user)
    process_due_deliveries()
    # An hour and more later, the next failure gives up.
    Delivery.objects.filter(id=delivery.id).update(
        first_attempt_at=timezone.now() - timedelta(hours=1)
    )
    process_due_deliveries(now=later(3600))
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == 2


def test_a_hook_failing_for_the_disable_period_is_disabled_with_the_reason(
    receiver, make_hook, make_event, kazoo_user
):
    hook = make_hook(kazoo_user, receiver.url("/error"))
    Hook.objects.filter(id=hook.id).update(failing_since=timezone.now() - timedelta(hours=25))
    _, (delivery,) = deliver(make_event, kazoo_user)
    process_due_deliveries()
    hook.refresh_from_db()
    assert hook.status == Hook.Status.DISABLED
    assert "HTTP 500" in hook.status_reason
    # Disabled is not gone: what waits is kept for when staff resume it.
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING
    assert process_due_deliveries(now=later(3600)) == 0


def test_backoff_grows_to_about_a_day_of_attempts():
    delays = [backoff_seconds(n) for n in range(1, 13)]
    assert 4 <= delays[0] <= 6
    assert all(b > a * 1.5 for a, b in itertools.pairwise(delays[:7]))
    assert max(delays) <= 4 * 3600 * 1.2
    assert 12 * 3600 < sum(delays) < 36 * 3600


def test_first_attempts_to_one_hook_go_out_in_event_order(
    receiver, make_hook, make_event, kazoo_user
):
    make_hook(kazoo_user, receiver.url("/ok"))
    events, _ = deliver(make_event, kazoo_user, count=30)
    while process_due_deliveries():
        pass
    received = [r.json()["id"] for r in receiver.wait_for(30)]
    assert received == [event.id for event in events]


def test_a_failing_target_is_not_hammered_the_rest_waits_for_the_retry(
    receiver, make_hook, make_event, kazoo_user
):
    make_hook(kazoo_user, receiver.url("/error"))
    deliver(make_event, kazoo_user, count=5)
    assert process_due_deliveries() == 1
    assert len(receiver.requests()) == 1
    hook = Hook.objects.get()
    first, *rest = Delivery.objects.order_by("id")
    # The hook waits out its backoff; the failed delivery is due with it, the rest wait behind.
    assert hook.retry_at == first.next_attempt_at
    assert hook.consecutive_failures == 1
    assert all(d.attempts == 0 for d in rest)
    # A new event for the hook is not sent meanwhile, so nothing overtakes the failed one.
    deliver(make_event, kazoo_user)
    assert process_due_deliveries() == 0
    assert len(receiver.requests()) == 1


def test_a_slow_target_does_not_hold_back_the_other_hooks(
    receiver, make_hook, make_event, kazoo_user, kazoo_colleague, settings
):
    settings.HOOKS_TIMEOUT_SECONDS = 20.0
    slow = make_hook(kazoo_user, receiver.url("/hang"))
    make_hook(kazoo_colleague, receiver.url("/ok"))
    _, (stuck,) = deliver(make_event, kazoo_user)
    deliver(make_event, kazoo_colleague)

    pipeline = Pipeline()
    assert pipeline.fill() == 2
    receiver.wait_for(1, path="/hang")

    def delivered() -> int:
        pipeline.fill()  # takes up the fast hook again as soon as it has new work
        pipeline.collect(timeout=0.05)
        return Delivery.objects.filter(status=Delivery.Status.DELIVERED).count()

    wait_until(lambda: delivered() == 1, timeout=10, what="the fast hook's first delivery")
    # Its next event goes out while the slow target still holds its request.
    deliver(make_event, kazoo_colleague)
    wait_until(lambda: delivered() == 2, timeout=10, what="the fast hook's second delivery")
    stuck.refresh_from_db()
    slow.refresh_from_db()
    assert stuck.status == Delivery.Status.PENDING and stuck.attempts == 0
    # Still this pipeline's: nobody else sends to it.
    assert slow.lease_token in {group.token for group in pipeline.in_flight.values()}

    receiver.release()
    assert pipeline.finish() == 1
    stuck.refresh_from_db()
    slow.refresh_from_db()
    assert stuck.status == Delivery.Status.DELIVERED
    assert (slow.lease_token, slow.lease_until, slow.last_status_code) == ("", None, 200)


def test_recording_a_round_takes_the_same_few_queries_for_any_number_of_hooks(
    receiver, make_hook, make_event, kazoo_user, kazoo_colleague, django_assert_max_num_queries
):
    users = [kazoo_user, kazoo_colleague]
    for number in range(12):
        kind = "call.ringing" if number < 6 else "call.ended"
        make_hook(users[number % 2], receiver.url(f"/ok?hook={number}"), event=kind)
    for user in users:
        for kind in ("call.ringing", "call.ended"):
            deliver(make_event, user, count=3, type=kind)
    assert Delivery.objects.count() == 12 * 3

    # Claim (3), fetch (1), record (savepoint, delivered, attempts, hooks, release): not per hook.
    with django_assert_max_num_queries(10):
        assert process_due_deliveries() == 36
    assert Delivery.objects.filter(status=Delivery.Status.DELIVERED).count() == 36
    assert DeliveryAttempt.objects.count() == 36
    assert set(Hook.objects.values_list("last_status_code", "lease_token")) == {(200, "")}


def test_sending_is_paced_per_target_url(receiver, make_hook, make_event, kazoo_user, settings):
    settings.HOOKS_RATE_PER_TARGET = 20.0
    make_hook(kazoo_user, receiver.url("/ok"))
    deliver(make_event, kazoo_user, count=11)
    while process_due_deliveries():
        pass
    received = receiver.wait_for(11)
    span = received[-1].at - received[0].at
    # 11 requests at 20/s are spread over at least 10 intervals of 50 ms.
    assert span >= 10 * 0.05 * 0.9


def test_old_finished_deliveries_and_their_attempts_are_pruned(
    receiver, make_hook, make_event, kazoo_user, settings
):
    settings.HOOKS_RETENTION_DAYS = 7
    make_hook(kazoo_user, receiver.url("/ok"))
    deliver(make_event, kazoo_user, count=2)
    process_due_deliveries()
    old, recent = Delivery.objects.order_by("id")
    Delivery.objects.filter(id=old.id).update(created_at=timezone.now() - timedelta(days=8))
    pending_hook = make_hook(kazoo_user, receiver.url("/error"), event="call.ended")
    _, (waiting,) = deliver(make_event, kazoo_user, type="call.ended")
    Delivery.objects.filter(id=waiting.id).update(created_at=timezone.now() - timedelta(days=30))

    prune_deliveries()
    assert set(Delivery.objects.values_list("id", flat=True)) == {recent.id, waiting.id}
    assert not DeliveryAttempt.objects.filter(delivery_id=old.id).exists()
    assert pending_hook.deliveries.count() == 1  # pending work is never pruned
