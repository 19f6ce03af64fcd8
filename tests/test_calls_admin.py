"""Staff see every click-to-call request in the admin: who, to, device, outcome, Kazoo's answer."""

import pytest

from calls.models import CallRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def requests_logged(kazoo_user):
    placed = CallRequest.objects.create(
        user=kazoo_user,
        account_id=kazoo_user.kazoo.account.kazoo_id,
        kazoo_user_id=kazoo_user.kazoo.kazoo_id,
        to_requested="030 1234567",
        to="+49301234567",
        device_name="Bob Desk Phone",
        status=CallRequest.Status.PLACED,
        http_status=201,
        call_id="a" * 36 + "-quickcall",
        kazoo_response={"application_data": {"route": "+49301234567"}},
    )
    failed = CallRequest.objects.create(
        user=kazoo_user,
        account_id=kazoo_user.kazoo.account.kazoo_id,
        kazoo_user_id=kazoo_user.kazoo.kazoo_id,
        to="+4940123456",
        status=CallRequest.Status.NOT_REGISTERED,
        http_status=409,
        kazoo_error="DESTINATION_OUT_OF_ORDER",
    )
    return placed, failed


def test_staff_list_search_and_filter_call_requests(client, staff_user, requests_logged):
    placed, failed = requests_logged
    client.force_login(staff_user)

    listing = client.get("/admin/calls/callrequest/")
    assert listing.status_code == 200
    # The number in its display form and the status by its name; Kazoo's error is behind the row.
    assert b"+49 30 1234567" in listing.content and b"not registered" in listing.content
    assert (
        b"DESTINATION_OUT_OF_ORDER"
        in client.get(f"/admin/calls/callrequest/{failed.id}/change/").content
    )

    found = client.get("/admin/calls/callrequest/", {"q": placed.call_id})
    assert list(found.context["cl"].result_list) == [placed]
    filtered = client.get("/admin/calls/callrequest/", {"status__exact": "not_registered"})
    assert list(filtered.context["cl"].result_list) == [failed]

    detail = client.get(f"/admin/calls/callrequest/{placed.id}/change/")
    assert detail.status_code == 200
    assert b"Bob Desk Phone" in detail.content


def test_the_log_cannot_be_edited_or_invented(client, staff_user, requests_logged):
    client.force_login(staff_user)
    assert client.get("/admin/calls/callrequest/add/").status_code == 403
    placed, _ = requests_logged
    response = client.post(f"/admin/calls/callrequest/{placed.id}/change/", {"to": "+1"})
    assert response.status_code == 403
    placed.refresh_from_db()
    assert placed.to == "+49301234567"
