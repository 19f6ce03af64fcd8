"""The console's USERS is the account's users in Kazoo; a last error before the connection is history."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from events.models import ListenerState
from kazoo_zapier.console.selectors import accounts_by_activity, listener_reports

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_users_counts_the_accounts_users_in_kazoo_not_who_signed_in(kazoo_sim, kazoo_user, world):
    rows = {row.kazoo_id: row for row in accounts_by_activity()}
    demo = rows[kazoo_user.kazoo.account.kazoo_id]
    assert demo.users == len(world.demo.users) == 3  # alice, bob, carol in Kazoo
    assert demo.signed_in == 1  # only bob signed in here


def test_the_dashboard_shows_both_counts(kazoo_sim, kazoo_user, client, staff_user, world):
    client.force_login(staff_user)
    html = client.get("/admin/console/").content.decode()
    row = html.split(f'data-account="{kazoo_user.kazoo.account.kazoo_id}"', 1)[1].split("</tr>")[0]
    assert '<td class="users">3</td>' in row
    assert '<td class="signed-in">1</td>' in row


def test_users_is_unknown_not_zero_when_kazoo_cannot_answer(kazoo_user, settings):
    settings.KAZOO_API_URL = "http://127.0.0.1:9/v2"  # nothing listens on the discard port
    from tests.fixtures.simulator import _clear_crossbar_cache

    _clear_crossbar_cache()
    try:
        (row,) = accounts_by_activity()
    finally:
        _clear_crossbar_cache()
    assert row.users is None and row.signed_in == 1


def listener(**health) -> ListenerState:
    now = timezone.now()
    return ListenerState.objects.create(
        name="default",
        heartbeat_at=now,
        health={"connected": True, "connected_since": now.isoformat(), **health},
    )


def test_an_error_from_before_the_current_connection_is_history():
    since = timezone.now()
    listener(
        connected_since=since.isoformat(),
        last_error="connect to ws://127.0.0.1:5555 failed: ConnectionRefusedError",
        last_error_at=(since - timedelta(seconds=3)).isoformat(),
    )
    (report,) = listener_reports()
    assert report.connected and report.error_is_history


def test_an_error_during_the_current_connection_is_an_alarm():
    since = timezone.now() - timedelta(minutes=5)
    listener(
        connected_since=since.isoformat(),
        last_error="subscribe a1 call.CHANNEL_CREATE.* refused by Kazoo: ['nope']",
        last_error_at=(since + timedelta(minutes=1)).isoformat(),
    )
    (report,) = listener_reports()
    assert not report.error_is_history


def test_a_connect_error_without_a_time_is_history_once_connected_and_an_alarm_if_not():
    listener(last_error="connect to ws://127.0.0.1:5555 failed: ConnectionRefusedError")
    (report,) = listener_reports()
    assert report.error_is_history
    ListenerState.objects.update(health={"connected": False, "last_error": "connect to x failed"})
    (report,) = listener_reports()
    assert not report.error_is_history


def test_the_dashboard_shows_history_quietly_and_alarms_loudly(client, staff_user):
    client.force_login(staff_user)
    since = timezone.now()
    listener(
        connected_since=since.isoformat(),
        last_error="connect to ws://x failed: ConnectionRefusedError",
        last_error_at=(since - timedelta(seconds=3)).isoformat(),
    )
    html = client.get("/admin/console/").content.decode()
    assert "Before this connection" in html and "console-warning listener-error" not in html
    ListenerState.objects.update(
        health={"connected": False, "last_error": "connection lost: EOF"}, heartbeat_at=since
    )
    html = client.get("/admin/console/").content.decode()
    assert "listener-error" in html and "Before this connection" not in html


def test_staff_read_utc_unless_they_choose_a_zone(client, staff_user):
    client.force_login(staff_user)
    client.cookies["tz"] = "America/New_York"  # the browser's zone is for users, not staff
    assert "Times in UTC" in client.get("/admin/").content.decode()
    response = client.post(
        "/admin/console/timezone/", {"timezone": "Europe/Paris", "next": "/admin/console/"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/console/"
    html = client.get("/admin/console/").content.decode()
    assert "Times in Europe/Paris" in html
    assert re.search(r"As of \d{4}-\d\d-\d\d \d\d:\d\d:\d\d CET", html)
    client.post("/admin/console/timezone/", {"timezone": "Not/AZone"})
    assert "Times in UTC" in client.get("/admin/").content.decode()


def test_users_read_their_browsers_zone(client):
    client.cookies["tz"] = "Asia/Tokyo"
    assert "Times are shown in Asia/Tokyo" in client.get("/connect/").content.decode()
    client.cookies["tz"] = "Not/AZone"
    assert "Times are shown in UTC" in client.get("/connect/").content.decode()
