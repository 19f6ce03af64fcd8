"""The live monitor's websocket: who sees which events, the backlog, then new events as stored.

The consumer runs in-process behind channels' WebsocketCommunicator, with the database shared
with the test (transactional tests: the consumer reads from another thread). The full stack
(daphne, the session cookie, the page's script) is in test_console_browser.py.
"""

import asyncio
import functools
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from events.models import Event
from kazoo_zapier.console.consumers import NOT_ALLOWED, MonitorConsumer
from kazoo_zapier.console.monitor import EventTail, monitor_filter

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 10  # seconds a bounded wait for a websocket message may take


@pytest.fixture(autouse=True)
def fast_polls(settings):
    settings.CONSOLE_MONITOR_POLL_SECONDS = 0.05


def watch(user, query: str = "") -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(MonitorConsumer.as_asgi(), f"/ws/monitor/?{query}")
    communicator.scope["user"] = user
    return communicator


async def hello(communicator: WebsocketCommunicator) -> dict:
    connected, _ = await communicator.connect(timeout=WAIT)
    assert connected
    message = await communicator.receive_json_from(timeout=WAIT)
    assert message["kind"] == "hello", message
    return message


async def until_event(communicator: WebsocketCommunicator, event_id: str) -> list[str]:
    """The ids received until (and with) `event_id`; fails if it does not come within WAIT."""
    seen: list[str] = []
    async with asyncio.timeout(WAIT):
        while event_id not in seen:
            message = await communicator.receive_json_from(timeout=WAIT)
            seen += [event["id"] for event in message["events"]]
    return seen


def ids(message: dict) -> list[str]:
    return [event["id"] for event in message["events"]]


make = sync_to_async  # ORM calls from the async tests


def run_async(test):
    """Runs an async test body to completion (no async pytest plugin is installed)."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        return async_to_sync(test)(*args, **kwargs)

    return run


@run_async
async def test_staff_see_every_account_and_new_events_as_they_are_stored(
    staff_user, kazoo_user, outsider, make_event
):
    before = await make(make_event)(kazoo_user)
    communicator = watch(staff_user)
    first = await hello(communicator)
    assert ids(first) == [before.id]
    assert first["events"][0]["summary"] == before.payload["summary"]

    theirs = await make(make_event)(outsider)
    ours = await make(make_event)(kazoo_user, "call.ended")
    seen = await until_event(communicator, ours.id)
    assert seen == [theirs.id, ours.id]  # in the order they were stored, each once
    await communicator.disconnect()


@run_async
async def test_staff_filter_by_account_and_type(staff_user, kazoo_user, outsider, make_event):
    account = kazoo_user.kazoo.account.kazoo_id
    communicator = watch(staff_user, f"account={account}&type=call.ended")
    first = await hello(communicator)
    assert first["filter"] == {"account": account, "type": "call.ended", "scope": ""}
    await make(make_event)(outsider, "call.ended")
    await make(make_event)(kazoo_user, "call.ringing")
    wanted = await make(make_event)(kazoo_user, "call.ended")
    assert await until_event(communicator, wanted.id) == [wanted.id]
    await communicator.disconnect()


@run_async
async def test_a_user_sees_only_their_own_events_whatever_they_ask(
    kazoo_user, kazoo_colleague, outsider, make_event
):
    theirs = [
        await make(make_event)(kazoo_colleague),
        await make(make_event)(outsider),
        await make(make_event)(None, account_id=kazoo_user.kazoo.account.kazoo_id),
    ]
    mine = await make(make_event)(kazoo_user)
    # Asking for another account, or the whole account, changes nothing for a plain user.
    other = outsider.kazoo.account.kazoo_id
    communicator = watch(kazoo_user, f"account={other}&scope=account")
    first = await hello(communicator)
    assert ids(first) == [mine.id]
    assert first["filter"]["scope"] == "user"
    await make(make_event)(kazoo_colleague)
    await make(make_event)(outsider)
    latest = await make(make_event)(kazoo_user, "call.ended")
    assert await until_event(communicator, latest.id) == [latest.id]
    assert not set(ids(first)) & {event.id for event in theirs}
    await communicator.disconnect()


@run_async
async def test_a_kazoo_administrator_may_watch_the_whole_account(
    kazoo_admin, kazoo_colleague, outsider, make_event
):
    colleague = await make(make_event)(kazoo_colleague)
    await make(make_event)(outsider)
    own_only = watch(kazoo_admin)
    assert ids(await hello(own_only)) == []
    await own_only.disconnect()
    account_wide = watch(kazoo_admin, "scope=account")
    first = await hello(account_wide)
    assert ids(first) == [colleague.id] and first["filter"]["scope"] == "account"
    await account_wide.disconnect()


@pytest.mark.parametrize("who", ["anonymous", "disabled_kazoo_user", "plain_django_user"])
@run_async
async def test_nobody_else_may_watch(who, kazoo_user, django_user_model, make_event):
    await make(make_event)(kazoo_user)
    if who == "anonymous":
        user = AnonymousUser()
    elif who == "disabled_kazoo_user":
        profile = kazoo_user.kazoo
        profile.is_active = False
        await make(profile.save)()
        user = kazoo_user
    else:
        user = await make(django_user_model.objects.create_user)("someone", password="x")
    communicator = watch(user)
    connected, _ = await communicator.connect(timeout=WAIT)
    assert connected  # accepted, then closed with a code the page shows as "not allowed"
    closed = await communicator.receive_output(timeout=WAIT)
    assert closed == {"type": "websocket.close", "code": NOT_ALLOWED}


def test_the_tail_sends_a_late_committed_row_once_and_never_repeats(kazoo_user, make_event):
    first = make_event(kazoo_user)
    tail = EventTail(monitor_filter(kazoo_user).events)
    assert [e.id for e in tail.backlog()] == [first.id]
    assert tail.poll() == []
    newer = make_event(kazoo_user)
    # A row stamped a moment before the newest one sent, but visible only now (a batch that
    # committed late), still comes, once.
    late = make_event(kazoo_user)
    Event.objects.filter(id=late.id).update(created_at=newer.created_at - timedelta(seconds=1))
    Event.objects.filter(id=newer.id).update(created_at=newer.created_at)
    assert {e.id for e in tail.poll()} == {newer.id, late.id}
    assert tail.poll() == []
    # Rows far older than the newest sent are history, not news.
    ancient = make_event(kazoo_user)
    Event.objects.filter(id=ancient.id).update(created_at=timezone.now() - timedelta(hours=1))
    assert tail.poll() == []


def test_the_backlog_is_the_last_few_oldest_first_and_not_sent_again(kazoo_user, make_event):
    events = [make_event(kazoo_user) for _ in range(25)]
    tail = EventTail(monitor_filter(kazoo_user).events)
    assert [e.id for e in tail.backlog(count=20)] == [e.id for e in events[5:]]
    assert tail.poll() == []


@run_async
async def test_a_user_cut_off_mid_stream_loses_the_monitor_within_a_poll(kazoo_user, make_event):
    communicator = watch(kazoo_user)
    await hello(communicator)
    mine = await make(make_event)(kazoo_user)
    assert await until_event(communicator, mine.id) == [mine.id]

    await sync_to_async(type(kazoo_user).objects.filter(pk=kazoo_user.pk).update)(is_active=False)
    closed = await communicator.receive_output(timeout=WAIT)
    assert closed == {"type": "websocket.close", "code": NOT_ALLOWED}


@run_async
async def test_an_administrator_demoted_mid_stream_loses_the_account_wide_monitor(
    kazoo_admin, make_event
):
    communicator = watch(kazoo_admin, "scope=account")
    first = await hello(communicator)
    assert first["filter"]["scope"] == "account"
    profile = kazoo_admin.kazoo
    await sync_to_async(type(profile).objects.filter(pk=profile.pk).update)(is_admin=False)
    closed = await communicator.receive_output(timeout=WAIT)
    assert closed == {"type": "websocket.close", "code": NOT_ALLOWED}


@run_async
async def test_a_user_has_at_most_three_monitors_open(kazoo_user):
    from kazoo_zapier.console.consumers import MAX_SOCKETS_PER_USER, TOO_MANY

    opened = [watch(kazoo_user) for _ in range(MAX_SOCKETS_PER_USER)]
    for communicator in opened:
        await hello(communicator)
    one_more = watch(kazoo_user)
    connected, _ = await one_more.connect(timeout=WAIT)
    assert connected
    assert await one_more.receive_output(timeout=WAIT) == {
        "type": "websocket.close",
        "code": TOO_MANY,
    }
    await opened[0].disconnect()  # a closed monitor makes room for another
    again = watch(kazoo_user)
    await hello(again)
    for communicator in [*opened[1:], again]:
        await communicator.disconnect()


@run_async
async def test_a_user_watches_in_their_language_and_zone_and_staff_as_stored(
    staff_user, kazoo_user, make_event
):
    from accounts.models import KazooUser

    await make(KazooUser.objects.filter(pk=kazoo_user.kazoo.pk).update)(language="de-DE")
    await make(kazoo_user.refresh_from_db)()
    missed = await make(make_event)(
        kazoo_user,
        "call.missed",
        from_name="Hans Weber",
        from_number="+49301234567",
        to_name=None,
        user_name="Bob Berger",
        user_extension="202",
        result="missed",
    )
    theirs = (await hello(watch(kazoo_user)))["events"][0]
    assert theirs["title"] == "Verpasster Anruf"
    assert theirs["summary"] == "Verpasster Anruf von Hans Weber (030 1234567) an Bob Berger"
    assert theirs["payload"]["timezone"] == "Europe/Berlin"
    staff = (await hello(watch(staff_user)))["events"][0]
    assert (staff["title"], staff["summary"]) == ("Missed Call", missed.payload["summary"])
