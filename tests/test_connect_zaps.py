"""/connect/ lists the signed-in user's Zaps (issue 15): what each receives, whether it is sending
and why not, its counts, and a Recover form for the ones that can send."""

import pytest

from hooks.delivery import process_due_deliveries
from hooks.fanout import create_deliveries
from hooks.models import Delivery, Hook

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hook_settings")]


def zap_html(html: str, hook: Hook) -> str:
    start = html.index(f'data-hook="{hook.id}"')
    return html[start : html.index("</li>", start)]


def test_the_page_lists_my_zaps_with_state_reason_and_counts_and_not_other_peoples(
    client, receiver, make_hook, make_event, kazoo_user, kazoo_colleague
):
    mine = make_hook(kazoo_user, receiver.url("/mine"), event="call.missed")
    stopped = make_hook(kazoo_user, receiver.url("/stopped"))
    stopped.stop(Hook.Status.REVOKED, "Bob no longer holds a grant to Zapier.", "access revoked")
    gone = make_hook(kazoo_user, receiver.url("/gone"))
    gone.set_status(Hook.Status.UNSUBSCRIBED)
    theirs = make_hook(kazoo_colleague, receiver.url("/theirs"))
    receiver.script("/mine", "200", "400")
    create_deliveries(
        [make_event(kazoo_user, "call.missed"), make_event(kazoo_user, "call.missed")]
    )
    process_due_deliveries()

    client.force_login(kazoo_user)
    html = client.get("/connect/").content.decode()
    row = zap_html(html, mine)
    assert "Missed Call" in row and "Sending" in row
    assert "1 delivered, 1 failed, 0 waiting" in row
    assert "Last sent" in row and "HTTP 400" in row
    assert 'name="window"' in row  # it can send: Recover is offered
    row = zap_html(html, stopped)
    assert "Stopped: access was disconnected" in row
    assert "no longer holds a grant" in row
    assert 'name="window"' not in row  # a revoked Zap cannot receive anything
    assert f'data-hook="{gone.id}"' not in html  # unsubscribed: Zapier deleted it
    assert f'data-hook="{theirs.id}"' not in html


def test_a_user_without_zaps_is_told_where_they_will_appear(client, kazoo_user):
    client.force_login(kazoo_user)
    assert "None of your Zaps receives call events yet" in client.get("/connect/").content.decode()


def test_recover_from_the_page_resends_the_window_to_my_own_zap(
    client, receiver, make_hook, make_event, kazoo_user
):
    hook = make_hook(kazoo_user, receiver.url("/zap"))
    receiver.script("/zap", "400")
    event = make_event(kazoo_user)
    create_deliveries([event])
    process_due_deliveries()
    receiver.script("/zap", "200")

    client.force_login(kazoo_user)
    answer = client.post(f"/connect/hooks/{hook.id}/recover/", {"window": "1h"}, follow=True)
    assert "1 event(s) of the last hour will be sent again" in answer.content.decode()
    assert process_due_deliveries() == 1
    resent = Delivery.objects.get(hook=hook, resend_of__isnull=False)
    assert resent.event_id == event.id and resent.status == Delivery.Status.DELIVERED


def test_recover_from_the_page_refuses_clearly(
    client, receiver, make_hook, make_event, kazoo_user, kazoo_colleague
):
    hook = make_hook(kazoo_user, receiver.url("/zap"))
    client.force_login(kazoo_user)
    answer = client.post(f"/connect/hooks/{hook.id}/recover/", {"window": "1y"}, follow=True)
    assert "Choose how far back" in answer.content.decode()
    answer = client.post(f"/connect/hooks/{hook.id}/recover/", {"window": "1h"}, follow=True)
    assert "had no events in the last hour" in answer.content.decode()
    hook.stop(Hook.Status.REVOKED, "revoked", "revoked")
    answer = client.post(f"/connect/hooks/{hook.id}/recover/", {"window": "1h"}, follow=True)
    assert "it sends nothing" in answer.content.decode()
    assert not Delivery.objects.exists()

    client.force_login(kazoo_colleague)  # not theirs
    assert client.post(f"/connect/hooks/{hook.id}/recover/", {"window": "1h"}).status_code == 404
    assert client.get(f"/connect/hooks/{hook.id}/recover/").status_code == 405
    client.logout()
    answer = client.post(f"/connect/hooks/{hook.id}/recover/", {"window": "1h"})
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]
