"""The staff admin: lists with search and filters, attempts, pause/resume, retry, resend."""

import pytest

from hooks.delivery import process_due_deliveries
from hooks.fanout import create_deliveries
from hooks.models import Delivery, Hook

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hook_settings")]


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return client


def act(staff, model, action, ids):
    return staff.post(
        f"/admin/hooks/{model}/",
        {"action": action, "_selected_action": [str(i) for i in ids]},
        follow=True,
    )


def test_lists_search_filters_and_the_attempts_of_a_delivery(
    staff, receiver, make_hook, make_event, kazoo_user
):
    hook = make_hook(kazoo_user, receiver.url("/error"))
    event = make_event(kazoo_user)
    (delivery,) = create_deliveries([event])
    process_due_deliveries()
    account = kazoo_user.kazoo.account.kazoo_id

    for url in (
        "/admin/hooks/hook/",
        f"/admin/hooks/hook/?status=active&q={account}",
        f"/admin/hooks/hook/{hook.id}/change/",
        f"/admin/hooks/delivery/?status=pending&event__type=call.ringing&hook__account_id={account}",
        f"/admin/hooks/delivery/?q={event.id}",
    ):
        response = staff.get(url)
        assert response.status_code == 200, url
    listed = staff.get(f"/admin/hooks/delivery/?q={event.id}").content.decode()
    assert event.id in listed
    page = staff.get(f"/admin/hooks/delivery/{delivery.id}/change/").content.decode()
    assert "500" in page and "retry" in page  # the attempt: its status code and outcome


def test_pause_holds_deliveries_and_resume_sends_them(
    staff, receiver, make_hook, make_event, kazoo_user
):
    hook = make_hook(kazoo_user, receiver.url("/ok"))
    act(staff, "hook", "pause_hooks", [hook.id])
    hook.refresh_from_db()
    assert hook.status == Hook.Status.PAUSED

    assert create_deliveries([make_event(kazoo_user)]) == []  # paused: not a candidate
    Hook.objects.filter(id=hook.id).update(status=Hook.Status.ACTIVE)
    (delivery,) = create_deliveries([make_event(kazoo_user)])
    Hook.objects.filter(id=hook.id).update(status=Hook.Status.PAUSED)
    assert process_due_deliveries() == 0  # waits while paused

    act(staff, "hook", "resume_hooks", [hook.id])
    assert process_due_deliveries() == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED


def test_retry_sends_a_failed_delivery_again_but_never_a_delivered_one(
    staff, receiver, make_hook, make_event, kazoo_user
):
    make_hook(kazoo_user, receiver.url("/bad"))
    make_hook(kazoo_user, receiver.url("/ok"))
    failed, delivered = create_deliveries([make_event(kazoo_user)])
    process_due_deliveries()
    assert Delivery.objects.get(id=failed.id).status == Delivery.Status.FAILED

    receiver.script("/bad", "200")
    act(staff, "delivery", "retry", [failed.id, delivered.id])
    assert process_due_deliveries() == 1
    assert Delivery.objects.get(id=failed.id).status == Delivery.Status.DELIVERED
    assert len(receiver.requests("/ok")) == 1


def test_resend_sends_the_event_again_to_its_hooks(
    staff, receiver, make_hook, make_event, kazoo_user
):
    make_hook(kazoo_user, receiver.url("/ok"))
    event = make_event(kazoo_user)
    (delivery,) = create_deliveries([event])
    process_due_deliveries()
    late = make_hook(kazoo_user, receiver.url("/ok"))  # subscribed after the event

    act(staff, "delivery", "resend_events", [delivery.id])
    assert process_due_deliveries() == 2
    assert [r.json()["id"] for r in receiver.requests("/ok")] == [event.id] * 3
    assert late.deliveries.get().status == Delivery.Status.DELIVERED


def test_staff_with_view_rights_only_cannot_run_an_action(
    client, django_user_model, receiver, make_hook, make_event, kazoo_user
):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_hook", "view_delivery"])
    )
    client.force_login(viewer)
    hook = make_hook(kazoo_user, receiver.url("/bad"))
    (failed,) = create_deliveries([make_event(kazoo_user)])
    process_due_deliveries()
    assert client.get("/admin/hooks/delivery/").status_code == 200  # may look
    for model, action, ids in [
        ("delivery", "retry", [failed.id]),
        ("delivery", "resend_events", [failed.id]),
        ("hook", "pause_hooks", [hook.id]),
    ]:
        act(client, model, action, ids)
    assert Delivery.objects.get(id=failed.id).status == Delivery.Status.FAILED
    assert Hook.objects.get(id=hook.id).status == Hook.Status.ACTIVE
    assert Delivery.objects.count() == 1


def test_staff_retry_is_refused_for_a_hook_that_cannot_send(
    staff, receiver, make_hook, make_event, kazoo_user
):
    hook = make_hook(kazoo_user, receiver.url("/gone"))
    (delivery,) = create_deliveries([make_event(kazoo_user)])
    process_due_deliveries()
    assert Hook.objects.get(id=hook.id).status == Hook.Status.GONE
    act(staff, "delivery", "retry", [delivery.id])
    assert Delivery.objects.get(id=delivery.id).status == Delivery.Status.FAILED  # no orphan
