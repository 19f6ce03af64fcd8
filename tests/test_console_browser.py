"""The staff console and the live monitors in a real headless Chromium, served by daphne.

The charts render with data, an event from the simulator (through a real listener) appears in
the staff monitor, staff-only pages refuse users, a user's monitor shows only their own events,
and the connect page's test event reaches the user's subscription.
"""

import re

import pytest

from events.listener import ACCOUNT_BINDINGS, Listener
from events.models import Event
from hooks.delivery import process_due_deliveries
from hooks.fanout import create_deliveries
from kazoo_zapier.kazoo.crossbar import CrossbarClient
from tests.fixtures.hooks import wait_until

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("hook_settings"),
]

LIVE = re.compile(r"^Live")


def rows(page) -> list[dict[str, str]]:
    return page.eval_on_selector_all(
        "tbody[data-monitor-rows] tr",
        "trs => trs.map(tr => ({id: tr.dataset.eventId, type: tr.dataset.type,"
        " user: tr.dataset.userId, account: tr.dataset.accountId, text: tr.innerText}))",
    )


def wait_live(page) -> None:
    page.locator("[data-monitor-status]").filter(has_text=LIVE).wait_for()


def wait_row(page, event_id: str):
    row = page.locator(f'tbody[data-monitor-rows] tr[data-event-id="{event_id}"]')
    row.wait_for()
    return row


def test_the_dashboard_draws_its_charts_with_data(
    daphne_server, open_page, staff_user, receiver, make_hook, make_event, kazoo_user
):
    make_hook(kazoo_user, receiver.url("/ok"))
    create_deliveries(
        [make_event(kazoo_user) for _ in range(4)] + [make_event(kazoo_user, "call.ended")]
    )
    process_due_deliveries()
    page = open_page(daphne_server.url, user=staff_user)
    page.goto("/admin/console/")

    events = page.locator('figure[data-chart="events-hour"]')
    assert events.get_attribute("data-total") == "5"
    bars = events.locator("svg rect")
    assert bars.count() >= 2  # ringing and ended stacked
    box = bars.first.bounding_box()
    assert box is not None and box["width"] > 0 and box["height"] > 0
    assert events.locator(".legend").inner_text().split() == [
        "call.ended",
        "1",
        "call.ringing",
        "4",
    ]
    deliveries = page.locator(
        'figure[data-chart="deliveries-hour"] svg rect[data-series="delivered"]'
    )
    assert sum(int(c) for c in deliveries.evaluate_all("rs => rs.map(r => r.dataset.count)")) == 4
    assert page.locator("#accounts tr[data-account]").first.inner_text().startswith("Demo Company")
    # Two clicks from the dashboard to a customer's deliveries: the name, then the page.
    page.get_by_label("Customer").fill("Bob")
    page.get_by_role("button", name="Find").click()
    page.wait_for_url(re.compile(r".*/admin/console/customers/\w+/$"))
    assert page.locator("#deliveries tr[data-delivery]").count() == 4


@pytest.mark.parametrize(
    "path", ["/admin/console/", "/admin/console/monitor/", "/admin/console/customers/?q=Demo"]
)
def test_staff_pages_refuse_a_kazoo_user(daphne_server, open_page, kazoo_admin, path):
    page = open_page(daphne_server.url, user=kazoo_admin)
    page.goto(path)
    page.wait_for_url(re.compile(r".*/admin/login/\?next=.*"))
    assert page.get_by_text("not authorized to access this page").is_visible()
    assert (
        page.locator("svg rect").count() == 0 and page.locator("[data-live-monitor]").count() == 0
    )


@pytest.fixture
def listener(kazoo_sim):
    """A real listener on the simulator, in this process; stopped after the test."""
    crossbar = CrossbarClient(kazoo_sim.api_url, kazoo_sim.world.api_key)
    started = Listener(
        crossbar=crossbar, ws_url=kazoo_sim.ws_url, control_interval=0.1, snapshot_interval=0.2
    )
    started.start()
    yield started
    started.shutdown()


def subscribed(listener: Listener, accounts: int) -> None:
    def ready() -> bool:
        listener.step()
        states = listener.blackhole.snapshot().subscriptions.values()
        return len(states) == accounts * len(ACCOUNT_BINDINGS) and set(states) == {"active"}

    wait_until(ready, timeout=15, what="Blackhole subscriptions")


def test_a_call_from_the_simulator_appears_in_the_staff_monitor(
    kazoo_sim, listener, daphne_server, open_page, staff_user, make_hook, kazoo_user, receiver
):
    make_hook(kazoo_user, receiver.url("/ok"), event="call.ended")
    subscribed(listener, accounts=1)
    page = open_page(daphne_server.url, user=staff_user)
    page.goto("/admin/console/monitor/")
    wait_live(page)
    assert rows(page) == []

    result = kazoo_sim.play("inbound_answered", wait=True, user_id=kazoo_user.kazoo.kazoo_id)
    ended = wait_until(
        lambda: Event.objects.filter(call_id=result["call_id"], type="call.ended").first(),
        what="call.ended stored",
    )
    row = wait_row(page, ended.id)
    assert "Demo Company" in row.inner_text() and "Bob Berger" in row.inner_text()
    types = {r["type"] for r in rows(page)}
    assert {"call.ringing", "call.answered", "call.ended"} <= types

    # Filtering by type reconnects and shows only that type.
    page.get_by_label("Type").select_option("call.ended")
    wait_live(page)
    page.wait_for_function(
        "() => [...document.querySelectorAll('tbody[data-monitor-rows] tr')]"
        ".every(tr => tr.dataset.type === 'call.ended')"
    )
    assert [r["id"] for r in rows(page)] == [ended.id]


def test_a_users_monitor_shows_only_their_own_events(
    daphne_server, open_page, make_event, kazoo_user, kazoo_colleague, outsider
):
    bob = kazoo_user.kazoo.kazoo_id
    make_event(kazoo_colleague)
    make_event(outsider)
    first = make_event(kazoo_user)
    page = open_page(daphne_server.url, user=kazoo_user)
    page.goto("/connect/")
    wait_live(page)
    wait_row(page, first.id)

    make_event(kazoo_colleague)
    make_event(outsider)
    make_event(None, account_id=kazoo_user.kazoo.account.kazoo_id)  # an account-wide event
    latest = make_event(kazoo_user, "call.ended")
    wait_row(page, latest.id)
    shown = rows(page)
    assert [r["id"] for r in shown] == [latest.id, first.id]
    assert {r["user"] for r in shown} == {bob}
    # A plain user has no "whole account" choice.
    assert page.locator("#monitor-scope").count() == 0


def test_a_kazoo_administrator_may_switch_to_the_whole_account(
    daphne_server, open_page, make_event, kazoo_admin, kazoo_colleague, outsider
):
    colleague = make_event(kazoo_colleague)
    theirs = make_event(outsider)
    page = open_page(daphne_server.url, user=kazoo_admin)
    page.goto("/connect/")
    wait_live(page)
    assert rows(page) == []
    page.get_by_label("Show").select_option("account")
    wait_row(page, colleague.id)
    assert theirs.id not in {r["id"] for r in rows(page)}


def test_the_test_event_button_sends_a_sample_to_the_users_subscription(
    daphne_server, open_page, kazoo_user, make_hook, receiver
):
    hook = make_hook(kazoo_user, receiver.url("/ok"), event="call.missed")
    page = open_page(daphne_server.url, user=kazoo_user)
    page.goto("/connect/")
    page.get_by_label("Send a test event to").select_option(str(hook.id))
    page.get_by_role("button", name="Send a test event").click()
    status = page.get_by_role("status").filter(has_text="test")
    status.wait_for()
    assert "Missed Call" in status.inner_text() and "127.0.0.1" in status.inner_text()
    event = Event.objects.get(id__startswith="test-")
    row = wait_row(page, event.id)
    assert row.inner_text().count("[test]") == 1

    process_due_deliveries()  # what a worker does
    (received,) = receiver.wait_for(1, path="/ok")
    body = received.json()
    assert body["id"] == event.id and body["type"] == "call.missed"
    assert body["user_id"] == kazoo_user.kazoo.kazoo_id
    assert received.headers["webhook-signature"].startswith("v1,")
