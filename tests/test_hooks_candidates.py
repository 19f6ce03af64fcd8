"""The fan-out's candidate lookup: per (account, type), held between batches, never stale."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hooks.candidates import CandidateCache, candidate_hooks
from hooks.models import Hook

pytestmark = pytest.mark.django_db

URL = "https://hooks.zapier.example/hooks/standard/1/abc/"


def key_of(user, event="call.ringing"):
    return (user.kazoo.account.kazoo_id, event)


def test_held_answers_cost_one_primary_key_check_and_a_new_hook_is_seen_at_once(
    make_hook, kazoo_user
):
    first = make_hook(kazoo_user, URL)
    assert candidate_hooks({key_of(kazoo_user)})[key_of(kazoo_user)] == (first,)
    with CaptureQueriesContext(connection) as queries:
        assert candidate_hooks({key_of(kazoo_user)})[key_of(kazoo_user)] == (first,)
    assert len(queries) == 1 and "IN" in queries[0]["sql"]  # the status check only
    second = make_hook(kazoo_user, URL)  # post_save forgets what was held
    assert candidate_hooks({key_of(kazoo_user)})[key_of(kazoo_user)] == (first, second)
    assert (
        candidate_hooks({key_of(kazoo_user, "call.ended")})[key_of(kazoo_user, "call.ended")] == ()
    )


def test_a_hook_stopped_by_a_queryset_update_is_dropped_at_the_next_batch(make_hook, kazoo_user):
    hook = make_hook(kazoo_user, URL)
    assert candidate_hooks({key_of(kazoo_user)})[key_of(kazoo_user)] == (hook,)
    Hook.objects.filter(pk=hook.pk).update(status=Hook.Status.GONE)  # no signal
    assert candidate_hooks({key_of(kazoo_user)})[key_of(kazoo_user)] == ()


def test_a_deleted_or_edited_hook_is_forgotten(make_hook, kazoo_user):
    hook = make_hook(kazoo_user, URL)
    candidate_hooks({key_of(kazoo_user)})
    hook.filters = {"direction": "inbound"}
    hook.save()
    (held,) = candidate_hooks({key_of(kazoo_user)})[key_of(kazoo_user)]
    assert held.filters == {"direction": "inbound"}
    hook.delete()
    assert candidate_hooks({key_of(kazoo_user)})[key_of(kazoo_user)] == ()


def test_memory_is_bounded_by_the_hooks_held(make_hook, kazoo_user):
    cache = CandidateCache(max_hooks=3, ttl=60)
    kinds = ("call.ringing", "call.answered", "call.ended", "call.missed", "call.parked")
    for kind in kinds:
        make_hook(kazoo_user, URL, event=kind)
    for kind in kinds:
        cache.lookup({key_of(kazoo_user, kind)})
    assert cache._held <= 3
    assert len(cache._entries) == 3


def test_a_hook_activated_by_a_queryset_update_is_a_candidate_at_the_next_batch(
    make_hook, make_event, kazoo_user
):
    """No signal reports `.update()` (a staff resume, another process): nothing is missed."""
    from hooks.fanout import create_deliveries

    hook = make_hook(kazoo_user, "https://hooks.zapier.example/hooks/standard/1/x/")
    Hook.objects.filter(id=hook.id).update(status=Hook.Status.PAUSED)
    assert create_deliveries([make_event(kazoo_user)]) == []  # held: no active hook here
    Hook.objects.filter(id=hook.id).update(status=Hook.Status.ACTIVE)
    (delivery,) = create_deliveries([make_event(kazoo_user)])  # at once, not after a TTL
    assert delivery.hook_id == hook.id
