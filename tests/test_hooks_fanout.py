"""Who receives what: scope user and account, administrators, other accounts, filters, commit."""

import pytest
from django.db import connection

from hooks.fanout import create_deliveries
from hooks.models import Delivery, Hook

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hook_settings")]

URL = "http://127.0.0.1:9/unused"  # nothing is sent in these tests


def receivers(deliveries):
    return sorted((d.hook.owner.kazoo.username, d.event_id) for d in deliveries)


def test_the_tenancy_matrix(make_hook, make_event, kazoo_user, kazoo_colleague, kazoo_admin, outsider, world):
    bob = make_hook(kazoo_user, URL)
    alice_own = make_hook(kazoo_admin, URL)
    alice_account = make_hook(kazoo_admin, URL, scope="account")
    dave_account = make_hook(outsider, URL, scope="account")

    bobs = make_event(kazoo_user)
    carols = make_event(kazoo_colleague)
    account_level = make_event(None, account_id=world.demo.id)
    daves = make_event(outsider)
    deliveries = create_deliveries([bobs, carols, account_level, daves])

    got = {(d.hook_id, d.event_id) for d in deliveries}
    assert got == {
        (bob.id, bobs.id),  # a user receives their own events only
        (alice_account.id, bobs.id),  # the administrator with scope account: everything
        (alice_account.id, carols.id),
        (alice_account.id, account_level.id),
        (dave_account.id, daves.id),  # another account's administrator: only theirs
    }
    assert alice_own.deliveries.count() == 0  # alice took part in none of these


def test_admin_only_types_go_to_administrators(make_hook, make_event, kazoo_admin, world):
    hook = make_hook(kazoo_admin, URL, event="call.parked", scope="account")
    parked = make_event(None, "call.parked", account_id=world.demo.id, park_slot="1")
    (delivery,) = create_deliveries([parked])
    assert delivery.hook_id == hook.id


def test_an_administrator_demoted_or_a_user_disabled_stops_receiving(
    make_hook, make_event, kazoo_admin, kazoo_user
):
    make_hook(kazoo_admin, URL, scope="account")
    make_hook(kazoo_user, URL)
    kazoo_admin.kazoo.is_admin = False
    kazoo_admin.kazoo.save()
    kazoo_user.kazoo.is_active = False
    kazoo_user.kazoo.save()
    assert create_deliveries([make_event(kazoo_user)]) == []


def test_hooks_that_are_not_active_receive_nothing(make_hook, make_event, kazoo_user):
    for status in ("paused", "gone", "disabled", "unsubscribed"):
        Hook.objects.filter(id=make_hook(kazoo_user, URL).id).update(status=status)
    assert create_deliveries([make_event(kazoo_user)]) == []


def test_filters_are_combined_with_and(make_hook, make_event, kazoo_user):
    hook = make_hook(
        kazoo_user, URL, filters={"direction": "inbound", "number": "+14155550100"}
    )
    match = make_event(kazoo_user, direction="inbound", from_number="+14155550100")
    as_callee = make_event(kazoo_user, direction="inbound", from_number="+491701234567", to_number="+14155550100")
    wrong_direction = make_event(kazoo_user, direction="outbound", from_number="+14155550100")
    other_number = make_event(kazoo_user, direction="inbound", from_number="+491701234567")
    deliveries = create_deliveries([match, as_callee, wrong_direction, other_number])
    assert [d.event_id for d in deliveries] == [match.id, as_callee.id]
    assert all(d.hook_id == hook.id for d in deliveries)


def test_one_query_finds_the_candidates_of_a_whole_batch(
    make_hook, make_event, kazoo_user, kazoo_admin, django_assert_max_num_queries
):
    # SQLite splits a bulk insert by its variable limit: count the reads, not the INSERTs.
    for _ in range(5):
        make_hook(kazoo_user, URL)
        make_hook(kazoo_admin, URL, scope="account")
    events = [make_event(kazoo_user) for _ in range(50)]
    with django_assert_max_num_queries(20) as queries:
        deliveries = create_deliveries(events)
    statements = [q["sql"] for q in queries.captured_queries]
    reads = [sql for sql in statements if not sql.startswith(("INSERT", "NOTIFY"))]
    assert len(reads) == 1, reads
    # On PostgreSQL one NOTIFY wakes the drainers when this commits (hooks.wakeup).
    notifies = [sql for sql in statements if sql.startswith("NOTIFY")]
    assert len(notifies) == (1 if connection.vendor == "postgresql" else 0)
    assert len(deliveries) == 500
    assert Delivery.objects.count() == 500


def test_sending_is_requested_only_when_the_transaction_commits(
    make_hook, make_event, kazoo_user, django_capture_on_commit_callbacks
):
    make_hook(kazoo_user, URL)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        create_deliveries([make_event(kazoo_user)])
    assert [c.__name__ for c in callbacks] == ["request_delivery"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        create_deliveries([])  # nothing new: nothing to announce
    assert callbacks == []
