"""The staff admin as the provider's: names, sections, read-only detail pages, one time format,
and lists that never make a query per row."""

import re

import pytest

from calls.models import CallRequest
from events.models import ListenerState
from hooks.delivery import process_due_deliveries
from hooks.fanout import create_deliveries
from hooks.models import Delivery, DeliveryAttempt

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hook_settings")]

TIME = re.compile(r"\b\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (UTC|[A-Z]{3,5}|[+-]\d\d)\b")
OTHER_TIME_FORMATS = re.compile(r"\b(a\.m\.|p\.m\.|\d{1,2}:\d\d (AM|PM)|[A-Z][a-z]{2}\. \d)")


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def traffic(receiver, make_hook, make_event, kazoo_user, kazoo_admin):
    """Two subscribers, twelve events each, delivered (with attempts) to a local receiver."""
    hooks = [make_hook(user, receiver.url("/ok")) for user in (kazoo_user, kazoo_admin)]
    events = [make_event(user) for user in (kazoo_user, kazoo_admin) for _ in range(12)]
    create_deliveries(events)
    process_due_deliveries()
    return hooks


def assert_one_time_format(html: str) -> None:
    assert TIME.search(html), "no time shown"
    strays = OTHER_TIME_FORMATS.findall(html)
    assert not strays, f"times in another format: {strays[:5]}"


def test_the_admin_carries_the_providers_name_and_sections_for_staff(staff):
    html = staff.get("/admin/").content.decode()
    assert "<title>Site administration | Example Telecom staff</title>" in html
    assert "Example Telecom · staff" in html
    for section in ("Subscriptions and deliveries", "Sign-in and connections", "Background tasks"):
        assert section in html
    for jargon in ("Django OAuth Toolkit", "Axes", "Task queue"):
        assert f">{jargon}<" not in html


def test_lists_show_names_not_ids_and_status_as_a_label(staff, traffic, kazoo_user):
    html = staff.get("/admin/hooks/delivery/").content.decode()
    assert "Demo Company" in html and "Bob Berger" in html and "Alice Admin" in html
    assert "New Incoming Call" in html  # the event type's title
    assert '<span class="status-label status-ok">delivered</span>' in html
    assert "127.0.0.1" in html  # the target host
    assert_one_time_format(html)
    html = staff.get("/admin/hooks/hook/").content.decode()
    assert "Bob Berger" in html and "Demo Company" in html
    assert str(kazoo_user.pk) + "</td>" not in html


@pytest.mark.parametrize(
    "path",
    [
        "/admin/hooks/delivery/",
        "/admin/hooks/hook/",
        "/admin/hooks/deliveryattempt/",
        "/admin/events/event/",
        "/admin/calls/callrequest/",
        "/admin/accounts/kazooaccount/",
        "/admin/accounts/kazoouser/",
    ],
)
def test_no_list_makes_a_query_per_row(
    staff, traffic, kazoo_user, path, django_assert_max_num_queries
):
    for number in range(20):
        CallRequest.objects.create(
            user=kazoo_user,
            account_id=kazoo_user.kazoo.account.kazoo_id,
            kazoo_user_id=kazoo_user.kazoo.kazoo_id,
            to_requested=f"030 1234 56{number:02d}",
            to=f"+4930123456{number:02d}",
            status=CallRequest.Status.PLACED,
        )
    with django_assert_max_num_queries(15):  # 20+ rows on each list
        assert staff.get(path).status_code == 200


def test_a_delivery_page_is_read_only_with_payload_signed_headers_answer_and_buttons(
    staff, traffic
):
    delivery = Delivery.objects.filter(status="delivered").first()
    hook = delivery.hook
    html = staff.get(f"/admin/hooks/delivery/{delivery.pk}/change/").content.decode()
    assert "View delivery" in html and "Change delivery" not in html
    assert 'name="_save"' not in html
    assert 'name="attempt_log-MAX_NUM_FORMS" value="0"' in html  # no "Add another attempt"
    assert delivery.event.payload["summary"] in html  # the payload
    assert "webhook-signature: v1," in html and f"webhook-id: {delivery.event_id}" in html
    assert hook.secret not in html and hook.secret.removeprefix("whsec_") not in html
    assert "HTTP 200" in html  # the answer
    assert 'data-action="retry"' in html and 'data-action="resend_events"' in html
    assert_one_time_format(html)
    # A delivered row has no next attempt to show.
    shown = html.split("Next attempt:</label>", 1)[1][:200]
    assert '<div class="readonly">—</div>' in shown


def test_the_retry_button_runs_the_list_action_for_this_delivery(staff, traffic):
    delivery = Delivery.objects.filter(status="delivered").first()
    Delivery.objects.filter(pk=delivery.pk).update(status="failed")
    response = staff.post(
        "/admin/hooks/delivery/",
        {"action": "retry", "_selected_action": str(delivery.pk)},
        follow=True,
    )
    assert response.status_code == 200
    assert "will be sent now" in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == "pending"


def test_an_attempt_page_shows_what_was_sent_and_answered(staff, traffic):
    attempt = DeliveryAttempt.objects.select_related("delivery__hook").first()
    html = staff.get(f"/admin/hooks/deliveryattempt/{attempt.pk}/change/").content.decode()
    assert "webhook-timestamp: " + str(int(attempt.started_at.timestamp())) in html
    assert attempt.delivery.hook.secret not in html
    assert "HTTP 200" in html
    assert 'name="_save"' not in html


def test_event_and_listener_pages_are_read_only(staff, traffic):
    event = Delivery.objects.first().event
    html = staff.get(f"/admin/events/event/{event.pk}/change/").content.decode()
    assert "View event" in html and 'name="_save"' not in html
    assert 'data-action="resend_events_action"' in html
    assert_one_time_format(html)
    ListenerState.objects.create(name="default", health={"connected": True, "accounts": 1})
    html = staff.get("/admin/events/listenerstate/default/change/").content.decode()
    assert "View listener state" in html and 'name="_save"' not in html


def test_the_call_request_list_shows_the_number_as_given(staff, kazoo_user):
    CallRequest.objects.create(
        user=kazoo_user,
        account_id=kazoo_user.kazoo.account.kazoo_id,
        kazoo_user_id=kazoo_user.kazoo.kazoo_id,
        to_requested="0800 PREMIUM",
        status=CallRequest.Status.INVALID,
    )
    html = staff.get("/admin/calls/callrequest/").content.decode()
    assert "0800 PREMIUM" in html and ">invalid<" in html


def test_console_pages_show_the_one_time_format(staff, traffic, kazoo_user):
    assert_one_time_format(staff.get("/admin/console/").content.decode())
    account = kazoo_user.kazoo.account.kazoo_id
    assert_one_time_format(staff.get(f"/admin/console/customers/{account}/").content.decode())
