"""Access revoked, data stopped (issue 15, item 4): a user's hooks made through an app end when
their last grant to that app goes, whichever way it goes; a refresh is not a revocation."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from accounts.services import cut_off_user, revoke_tokens
from hooks import services
from hooks.fanout import create_deliveries
from hooks.models import Delivery, Hook

pytestmark = pytest.mark.django_db(transaction=True)

URL = "http://127.0.0.1:9/hooks/standard/1/{}/"  # loopback: allowed in development


@pytest.fixture
def zap(kazoo_user, oauth_app, make_token):
    """A Zap as Zapier makes it: a token of the app, and a hook subscribed with it."""
    make_token(kazoo_user, refresh=True)

    def subscribe(n: int = 1, application=oauth_app) -> Hook:
        return services.subscribe(
            user=kazoo_user,
            target_url=URL.format(n),
            event="call.ringing",
            oauth_client_id=application.client_id,
        )

    return subscribe


def test_disconnect_stops_the_apps_hooks_and_cancels_what_waits(
    zap, kazoo_user, oauth_app, make_event
):
    hook = zap()
    (pending,) = create_deliveries([make_event(kazoo_user)])
    revoke_tokens(kazoo_user, oauth_app)  # what Disconnect on /connect/ and staff revoke do

    hook.refresh_from_db()
    assert hook.status == Hook.Status.REVOKED
    assert oauth_app.name in hook.status_reason
    pending.refresh_from_db()
    assert pending.status == Delivery.Status.CANCELLED
    assert create_deliveries([make_event(kazoo_user)]) == []


def test_the_subscribe_api_records_the_app_of_the_token(api_client, kazoo_user, oauth_app):
    answer = api_client(kazoo_user, ["events"]).post(
        "/api/v1/hooks", {"target_url": URL.format(9), "event": "call.ringing"}, format="json"
    )
    assert answer.status_code == 201, answer.content
    assert Hook.objects.get(id=answer.json()["id"]).oauth_client_id == oauth_app.client_id


def test_a_token_revoked_at_the_oauth_endpoint_stops_the_hooks(zap, kazoo_user):
    hook = zap()
    for refresh in get_refresh_token_model().objects.filter(user=kazoo_user):
        refresh.revoke()  # what DOT's /oauth/revoke_token/ does with a refresh token
    hook.refresh_from_db()
    assert hook.status == Hook.Status.REVOKED


def test_a_refresh_rotation_is_not_a_revocation(zap, kazoo_user, oauth_app, make_token):
    hook = zap()
    old = get_refresh_token_model().objects.get(user=kazoo_user)
    with transaction.atomic():  # as DOT rotates: the new pair is made, the old one revoked
        make_token(kazoo_user, refresh=True)
        old.revoke()
    hook.refresh_from_db()
    assert hook.status == Hook.Status.ACTIVE


def test_an_expired_access_token_alone_is_not_a_revocation(zap, kazoo_user):
    hook = zap()
    get_access_token_model().objects.filter(user=kazoo_user).update(
        expires=timezone.now() - timedelta(hours=1)
    )  # the refresh token still grants: Zapier refreshes on the next 401
    hook.refresh_from_db()
    assert hook.status == Hook.Status.ACTIVE


def test_another_apps_hooks_keep_running(zap, kazoo_user, oauth_app, make_token):
    from oauth2_provider.models import get_application_model

    other = get_application_model().objects.create(
        name="Another app",
        client_type="confidential",
        authorization_grant_type="authorization-code",
        redirect_uris="https://other.example/cb",
    )
    make_token(kazoo_user, application=other, refresh=True)
    ours, theirs = zap(1), zap(2, application=other)
    revoke_tokens(kazoo_user, oauth_app)
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert (ours.status, theirs.status) == (Hook.Status.REVOKED, Hook.Status.ACTIVE)


def test_a_kazoo_user_cut_off_loses_every_hook(zap, kazoo_user):
    hook = zap()
    legacy = Hook.objects.create(  # made before the app was recorded
        owner=kazoo_user,
        account_id=hook.account_id,
        kazoo_user_id=hook.kazoo_user_id,
        event="call.ended",
        target_url=URL.format(3),
    )
    cut_off_user(kazoo_user.kazoo, "disabled in Kazoo")
    for one in (hook, legacy):
        one.refresh_from_db()
        assert one.status == Hook.Status.REVOKED
