"""A drainer wakes when deliveries are committed (PostgreSQL NOTIFY), and polls where it cannot."""

import pytest
from django.db import connection, transaction

from hooks.fanout import create_deliveries
from hooks.wakeup import Wakeup

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("hook_settings")]

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="NOTIFY is PostgreSQL's; SQLite polls"
)


@needs_postgres
def test_committed_deliveries_wake_a_listening_drainer_and_rolled_back_ones_do_not(
    receiver, make_hook, make_event, kazoo_user, monkeypatch
):
    # A long fallback: a wait that returns True was woken, not timed out.
    monkeypatch.setattr("hooks.wakeup.FALLBACK_SECONDS", 10.0)
    make_hook(kazoo_user, receiver.url("/ok"))
    with Wakeup() as wakeup:
        assert wakeup.listening.is_set()

        with pytest.raises(RuntimeError), transaction.atomic():
            create_deliveries([make_event(kazoo_user)])
            raise RuntimeError("the event store's transaction fails")
        monkeypatch.setattr("hooks.wakeup.FALLBACK_SECONDS", 0.5)
        assert not wakeup.wait()  # nothing was committed, nobody is woken

        monkeypatch.setattr("hooks.wakeup.FALLBACK_SECONDS", 10.0)
        with transaction.atomic():
            create_deliveries([make_event(kazoo_user)])
        assert wakeup.wait()
    assert not wakeup.listening.is_set()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="PostgreSQL notifies")
def test_on_sqlite_a_drainer_polls_and_its_senders_wake_it():
    with Wakeup() as wakeup:
        assert not wakeup.listening.is_set()
        assert not wakeup.wait()  # the poll interval passed
        wakeup.set()  # what a sender's done-callback does
        assert wakeup.wait()
