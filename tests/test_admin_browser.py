"""The staff admin in Chromium at 1280 px: lists without sideways scrolling, read-only detail
pages with their buttons, and the one time format in the live monitor too."""

import re

import pytest

from calls.models import CallRequest
from hooks.delivery import process_due_deliveries
from hooks.fanout import create_deliveries
from hooks.models import Delivery

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("hook_settings"),
]

TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [A-Z]{3,5}$")


@pytest.fixture
def traffic(receiver, make_hook, make_event, kazoo_user, kazoo_admin):
    hooks = [make_hook(user, receiver.url("/ok")) for user in (kazoo_user, kazoo_admin)]
    make_hook(kazoo_admin, receiver.url("/a/very/long/path/of/a/zap/target/" + "x" * 120))
    events = [make_event(user) for user in (kazoo_user, kazoo_admin) for _ in range(5)]
    create_deliveries(events)
    process_due_deliveries()
    for _ in range(5):
        CallRequest.objects.create(
            user=kazoo_user,
            account_id=kazoo_user.kazoo.account.kazoo_id,
            kazoo_user_id=kazoo_user.kazoo.kazoo_id,
            to_requested="+49 (30) 1234-5678 ext. a long note " + "9" * 30,
            to="+493012345678",
            device_name="Bob Desk Phone with a long name",
            status=CallRequest.Status.PLACED,
            http_status=201,
        )
    return hooks


@pytest.fixture
def staff_page(open_page, live_server, staff_user):
    page = open_page(live_server.url, user=staff_user)
    page.set_viewport_size({"width": 1280, "height": 900})
    return page


@pytest.mark.parametrize(
    "path", ["/admin/hooks/delivery/", "/admin/hooks/hook/", "/admin/calls/callrequest/"]
)
def test_the_list_fits_1280_px_with_the_columns_staff_need(staff_page, traffic, path):
    staff_page.goto(path)
    table = staff_page.locator("#result_list")
    table.wait_for()
    widths = staff_page.evaluate(
        """() => {
             const box = document.querySelector('#changelist .results');
             return {scroll: box.scrollWidth, client: box.clientWidth,
                     page: document.documentElement.scrollWidth};
           }"""
    )
    assert widths["scroll"] <= widths["client"], widths  # no sideways scroll in the list
    assert widths["page"] <= 1280, widths
    headers = [text.strip().lower() for text in table.locator("thead th").all_inner_texts()]
    assert "customer" in headers and "user" in headers and "status" in headers
    assert table.locator("tbody tr").count() >= 3
    first = table.locator("tbody tr").first
    assert TIME.match(first.locator("th").inner_text().strip())  # when, to the second, zoned
    assert first.locator(".status-label").is_visible()


def test_a_delivery_page_is_read_only_and_retry_is_a_button(staff_page, traffic):
    delivery = Delivery.objects.first()
    Delivery.objects.filter(pk=delivery.pk).update(status="failed")
    staff_page.goto(f"/admin/hooks/delivery/{delivery.pk}/change/")
    assert staff_page.get_by_role("heading", name="View delivery").is_visible()
    assert staff_page.locator("input[type=submit][name=_save]").count() == 0
    assert staff_page.locator("textarea, input[type=text], select").count() == 0  # nothing to edit
    assert "webhook-signature" in staff_page.locator(".field-signed_headers").inner_text()
    assert delivery.hook.secret not in staff_page.content()
    staff_page.get_by_role("button", name="Retry now").click()
    staff_page.get_by_text("will be sent now").wait_for()
    delivery.refresh_from_db()
    assert delivery.status == "pending"


def test_the_live_monitor_shows_times_in_the_one_format(
    open_page, daphne_server, staff_user, make_event, kazoo_user
):
    page = open_page(daphne_server.url, user=staff_user)
    page.goto("/admin/console/monitor/")
    make_event(kazoo_user)
    cell = page.locator("[data-monitor-rows] tr td.time").first
    cell.wait_for()
    assert TIME.match(cell.inner_text()), cell.inner_text()
    assert cell.inner_text().endswith(" UTC")  # staff read UTC unless they chose a zone
    assert page.locator("[data-monitor-rows] tr td.type").first.inner_text() == "New Incoming Call"
