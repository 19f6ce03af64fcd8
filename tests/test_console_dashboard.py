"""The staff console's pages: the dashboard, the customer lookup, staff only; the test event."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from events.models import Event, ListenerState
from hooks.delivery import process_due_deliveries
from hooks.fanout import create_deliveries
from hooks.models import Delivery, DeliveryAttempt, Hook
from kazoo_zapier.console.charts import Window, nice_max, stacked_bars
from kazoo_zapier.console.selectors import (
    accounts_by_activity,
    delivery_latency,
    failing_hooks,
    listener_reports,
    percentile,
    traffic_charts,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hook_settings")]

CONSOLE_PAGES = ("/admin/console/", "/admin/console/monitor/", "/admin/console/customers/?q=Demo")


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def traffic(receiver, make_hook, make_event, kazoo_user, kazoo_colleague):
    """bob's call.ringing hook is delivered to; carol's answers 500 (failing).

    Nine events: three rang bob, three rang carol, three ended for carol (no hook wants them).
    """
    good = make_hook(kazoo_user, receiver.url("/ok"))
    bad = make_hook(kazoo_colleague, receiver.url("/error"))
    events = [make_event(kazoo_user) for _ in range(3)] + [
        make_event(kazoo_colleague, "call.ended") for _ in range(3)
    ]
    events += [make_event(kazoo_colleague) for _ in range(3)]
    create_deliveries(events)
    process_due_deliveries()
    return good, bad


def healthy_listener(**health) -> ListenerState:
    return ListenerState.objects.create(
        name="default",
        heartbeat_at=timezone.now(),
        health={
            "connected": True,
            "connected_since": "2024-05-01T10:00:00+00:00",
            "accounts": 2,
            "bindings": 18,
            "last_event_at": timezone.now().isoformat(),
            "lag_seconds": 0.25,
            "reconnects": 3,
            "frames_received": 1200,
            "events_stored": 90,
            "frames_rejected": {"not_json": 2},
            "queued": 0,
            **health,
        },
    )


# --- staff only ---------------------------------------------------------------------------------
@pytest.mark.parametrize("url", CONSOLE_PAGES)
def test_console_pages_refuse_a_kazoo_user_and_strangers(client, kazoo_admin, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    client.force_login(kazoo_admin)  # even a Kazoo administrator is not provider staff
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("url", CONSOLE_PAGES)
def test_console_pages_answer_staff(staff, url):
    assert staff.get(url, follow=True).status_code == 200


def test_the_admin_index_links_the_console(staff):
    page = staff.get("/admin/").content.decode()
    assert 'href="/admin/console/"' in page
    assert 'href="/admin/console/monitor/"' in page


# --- the dashboard ------------------------------------------------------------------------------
def test_the_dashboard_draws_traffic_failing_hooks_and_accounts(staff, traffic, kazoo_user):
    good, bad = traffic
    healthy_listener()
    response = staff.get("/admin/console/")
    page = response.content.decode()
    charts = response.context["charts"]
    # Nine events, by type, in the hour chart: what was stored is what is drawn.
    events_hour = {rect.series: 0 for rect in charts["events_hour"].rects}
    for rect in charts["events_hour"].rects:
        events_hour[rect.series] += rect.count
    assert events_hour == {"call.ringing": 6, "call.ended": 3}
    assert 'data-series="call.ringing"' in page and 'data-chart="events-hour"' in page
    # Six deliveries: bob's three delivered, carol's three waiting for a retry.
    deliveries = {}
    for rect in charts["deliveries_day"].rects:
        deliveries[rect.series] = deliveries.get(rect.series, 0) + rect.count
    assert deliveries == {"delivered": 3, "pending": 3}
    # Carol's hook is failing, with its last error; bob's is not listed.
    assert f'data-hook="{bad.id}"' in page and f'data-hook="{good.id}"' not in page
    assert "HTTP 500" in page
    # The listener as it reported itself.
    assert 'data-state="connected"' in page and "not_json: 2" in page
    # The account row links to the customer page.
    account = kazoo_user.kazoo.account.kazoo_id
    assert f'href="/admin/console/customers/{account}/"' in page


def test_a_silent_listener_is_shown_as_silent(staff):
    healthy_listener()
    ListenerState.objects.update(heartbeat_at=timezone.now() - timedelta(minutes=5))
    page = staff.get("/admin/console/").content.decode()
    assert 'data-state="silent"' in page
    (report,) = listener_reports()
    assert not report.connected


def test_failing_hooks_are_the_active_ones_failing_and_the_disabled(traffic, make_hook, kazoo_user):
    _, bad = traffic
    disabled = make_hook(kazoo_user, "http://127.0.0.1:9/x")
    disabled.set_status(Hook.Status.DISABLED, "No 2xx for 24 hours")
    assert {hook.id for hook in failing_hooks()} == {bad.id, disabled.id}
    failing = next(hook for hook in failing_hooks() if hook.id == bad.id)
    assert failing.pending_count == 3 and failing.last_status_code == 500


def test_accounts_by_activity_puts_the_busiest_first(traffic, make_event, outsider, kazoo_user):
    make_event(outsider)
    rows = accounts_by_activity()
    assert [r.kazoo_id for r in rows[:2]] == [
        kazoo_user.kazoo.account.kazoo_id,
        outsider.kazoo.account.kazoo_id,
    ]
    assert (rows[0].events_day, rows[0].active_hooks, rows[0].failing_hooks) == (9, 2, 1)
    assert rows[0].name == "Demo Company"


def test_latency_p95_from_attempts_and_from_stored_to_delivered(traffic):
    (last_hour, _) = delivery_latency()
    # bob's three, and carol's first (a failing target's batch stops at its first failure).
    assert last_hour.attempts == DeliveryAttempt.objects.count() == 4
    assert last_hour.delivered == 3
    assert last_hour.http_p95_ms is not None
    assert last_hour.end_to_end_p95 is not None and last_hour.end_to_end_p95 >= timedelta(0)


def test_percentile_is_the_nearest_rank(make_event, make_hook, kazoo_user):
    from django.db.models import F

    hook = make_hook(kazoo_user, "http://127.0.0.1:9/x")
    delivery = Delivery.objects.create(event=make_event(kazoo_user), hook=hook)
    for ms in range(1, 101):  # 1..100 ms
        DeliveryAttempt.objects.create(
            delivery=delivery, started_at=timezone.now(), latency_ms=ms, outcome="delivered"
        )
    attempts = DeliveryAttempt.objects.all()
    assert percentile(attempts, F("latency_ms"), 0.95) == 95
    assert percentile(attempts, F("latency_ms"), 0.5) == 50
    assert percentile(DeliveryAttempt.objects.none(), F("latency_ms"), 0.95) is None


def test_events_outside_the_windows_are_not_drawn(make_event, kazoo_user):
    event = make_event(kazoo_user)
    Event.objects.filter(id=event.id).update(created_at=timezone.now() - timedelta(days=2))
    charts = traffic_charts()
    assert charts["events_day"].total == 0 and charts["events_day"].rects == []


def test_windows_and_bars():
    now = datetime(2024, 5, 1, 10, 7, 30, tzinfo=UTC)
    window = Window.ending_now(now, width=timedelta(minutes=5), count=12)
    assert window.end == datetime(2024, 5, 1, 10, 10, tzinfo=UTC)
    assert window.index(now) == 11
    assert window.index(window.start) == 0
    assert window.index(window.end) is None
    assert [nice_max(n) for n in (0, 1, 3, 7, 10, 11, 420)] == [1, 1, 5, 10, 10, 20, 500]
    chart = stacked_bars(
        "t", window, {"a": [0] * 11 + [4], "b": [0] * 11 + [6]}, label_every=3, label_format="%H:%M"
    )
    first, second = chart.rects
    assert (first.series, second.series) == ("a", "b")
    # Stacked: the two parts of the last bar fill the plot's full height (10 is the axis top).
    assert second.y + second.height == pytest.approx(first.y)
    assert first.height + second.height == pytest.approx(chart.plot_bottom_y - 10)
    assert chart.legend == [("a", "#2563eb", 4), ("b", "#7c3aed", 6)]


# --- the customer lookup ------------------------------------------------------------------------
def test_a_customers_name_leads_to_their_page_in_two_clicks(staff, traffic, kazoo_user, make_token):
    make_token(kazoo_user, ["events"])
    account = kazoo_user.kazoo.account.kazoo_id
    response = staff.get("/admin/console/customers/", {"q": "demo comp"})
    assert response.status_code == 302  # one match: straight to it
    assert response["Location"] == f"/admin/console/customers/{account}/"
    page = staff.get(response["Location"]).content.decode()
    for table in ("users", "connections", "hooks", "events", "deliveries"):
        assert f'id="{table}"' in page
    assert "Bob Berger" in page and "Carol" in page  # users
    assert "Zapier" in page  # bob's connection
    good, bad = traffic
    assert f'data-hook="{good.id}"' in page and f'data-hook="{bad.id}"' in page
    assert page.count("data-event=") == 9 and page.count("data-delivery=") == 6


def test_customers_are_found_by_user_name_and_kazoo_ids(staff, kazoo_user, outsider, make_event):
    account = kazoo_user.kazoo.account.kazoo_id
    for query in ("Bob", kazoo_user.kazoo.kazoo_id, account):
        response = staff.get("/admin/console/customers/", {"q": query})
        assert response["Location"] == f"/admin/console/customers/{account}/", query
    # Several matches are listed; an account known only from its events is found by its id.
    make_event(None, account_id="0" * 32)
    response = staff.get("/admin/console/customers/", {"q": "0" * 32})
    assert response["Location"] == f"/admin/console/customers/{'0' * 32}/"
    assert staff.get(response["Location"]).status_code == 200
    nobody = staff.get("/admin/console/customers/", {"q": "no such customer"})
    assert "No customer matches" in nobody.content.decode()


def test_other_customers_data_is_not_on_a_customers_page(staff, traffic, outsider, make_event):
    theirs = make_event(outsider)
    account = outsider.kazoo.account.kazoo_id
    page = staff.get(f"/admin/console/customers/{account}/").content.decode()
    assert f'data-event="{theirs.id}"' in page
    assert page.count("data-event=") == 1 and "data-hook=" not in page
