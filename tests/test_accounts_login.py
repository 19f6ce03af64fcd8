"""The branded sign-in with Kazoo credentials, against the simulator's real Crossbar server."""

import logging
import socket

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.forms import BAD_CREDENTIALS, KAZOO_UNREACHABLE
from accounts.models import KazooUser
from kazoo_zapier.kazoo.crossbar import get_crossbar
from kazoo_zapier.kazoo.simulator.world import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def sign_in(client, account_name="Demo Company", username="bob", password=DEMO_PASSWORD, **extra):
    data = {"account_name": account_name, "username": username, "password": password, **extra}
    return client.post(LOGIN, data)


def test_the_sign_in_page_asks_for_account_name_username_and_password(client, settings):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    for field in ('name="account_name"', 'name="username"', 'name="password"'):
        assert field in html
    assert settings.BRANDING["name"] in html
    assert settings.BRANDING["primary_color"] in html


def test_a_first_sign_in_creates_the_local_user_from_kazoo(client, kazoo_sim):
    response = sign_in(client, username="Alice")  # Kazoo usernames are lower case
    assert response.status_code == 302
    assert response["Location"] == "/connect/"

    world_alice = kazoo_sim.world.demo.user_by_username("alice")
    profile = KazooUser.objects.select_related("user", "account").get(kazoo_id=world_alice.id)
    assert profile.username == "alice"
    assert profile.name == "Alice Admin"
    assert profile.email == "alice@demo.example.com"
    assert profile.extension == "201"
    assert profile.is_admin is True
    assert profile.is_active is True
    assert profile.last_synced is not None
    assert profile.account.kazoo_id == kazoo_sim.world.demo.id
    assert profile.account.name == "Demo Company"
    assert profile.user.username == world_alice.id
    # Kazoo checks the password; none is kept here.
    assert not profile.user.has_usable_password()
    assert int(client.session["_auth_user_id"]) == profile.user.pk


def test_an_ordinary_user_is_not_an_administrator(client, kazoo_sim):
    assert sign_in(client, username="bob").status_code == 302
    assert KazooUser.objects.get(username="bob").is_admin is False


def test_signing_in_again_updates_the_user_and_keeps_one_row(client, kazoo_sim):
    sign_in(client)
    KazooUser.objects.filter(username="bob").update(name="Old Name", is_admin=True)
    client.logout()
    sign_in(client)
    profile = KazooUser.objects.get(username="bob")
    assert (profile.name, profile.is_admin) == ("Bob Berger", False)
    assert get_user_model().objects.filter(kazoo__username="bob").count() == 1


@pytest.mark.parametrize(
    "account_name,username,password",
    [
        ("Demo Company", "bob", "wrong-password"),
        ("Demo Company", "nobody", DEMO_PASSWORD),
        ("No Such Company", "bob", DEMO_PASSWORD),
        ("Demo Company", "dave", DEMO_PASSWORD),  # a user of another account
    ],
)
def test_every_wrong_credential_gets_the_same_message(
    client, kazoo_sim, account_name, username, password
):
    response = sign_in(client, account_name, username, password)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [BAD_CREDENTIALS]
    assert BAD_CREDENTIALS in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not KazooUser.objects.exists()


def test_the_next_page_is_honoured_but_only_on_this_site(client, kazoo_sim):
    response = sign_in(client, next="/oauth/authorize/?client_id=x")
    assert response["Location"] == "/oauth/authorize/?client_id=x"
    client.logout()
    response = sign_in(client, next="https://evil.example.test/")
    assert response["Location"] == "/connect/"


def test_kazoo_unreachable_says_so_and_does_not_count_as_a_failure(client, settings, db):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.KAZOO_API_URL = f"http://127.0.0.1:{port}/v2"
    settings.KAZOO_CONNECT_TIMEOUT_SECONDS = 1.0
    get_crossbar.cache_clear()
    try:
        response = sign_in(client)
    finally:
        get_crossbar.cache_clear()
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [KAZOO_UNREACHABLE]
    assert not AccessAttempt.objects.exists()


def test_kazoo_failing_with_a_server_error_is_not_a_wrong_password(client, kazoo_sim):
    kazoo_sim.faults.fail_next(500, path_contains="user_auth")
    response = sign_in(client)
    assert response.context["form"].non_field_errors() == [KAZOO_UNREACHABLE]


def test_a_user_disabled_in_kazoo_cannot_sign_in(client, kazoo_sim, disable_in_kazoo):
    disable_in_kazoo("bob")
    response = sign_in(client)
    assert response.context["form"].non_field_errors() == [BAD_CREDENTIALS]
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_out_that_user_for_a_while(client, kazoo_sim, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, password="wrong").status_code == 200
    locked = sign_in(client, password="wrong")
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert settings.BRANDING["name"] in locked.content.decode()

    # Even the right password is refused while locked out...
    assert sign_in(client).status_code == 429
    assert "_auth_user_id" not in client.session
    # ...but only for that account name + username: a colleague at the same address signs in.
    assert sign_in(client, username="carol").status_code == 302

    attempt = AccessAttempt.objects.get()
    assert attempt.username == "demo company/bob"
    assert "wrong" not in attempt.post_data
    assert DEMO_PASSWORD not in attempt.post_data


def test_the_password_never_reaches_the_logs(client, kazoo_sim, caplog):
    secret = "a-very-distinctive-password"
    with caplog.at_level(logging.DEBUG):
        sign_in(client, password=secret)
        sign_in(client, password=DEMO_PASSWORD)
    assert caplog.records, "expected the sign-ins to log something"
    assert secret not in caplog.text
    assert DEMO_PASSWORD not in caplog.text


def test_staff_credentials_do_not_work_on_the_kazoo_sign_in(client, staff_user, kazoo_sim):
    response = sign_in(client, account_name="Demo Company", username="staff", password="staff-pw")
    assert response.context["form"].non_field_errors() == [BAD_CREDENTIALS]
    assert "_auth_user_id" not in client.session


def test_staff_still_sign_in_to_the_admin(client, staff_user):
    response = client.post(
        reverse("admin:login"), {"username": "staff", "password": "staff-pw", "next": "/admin/"}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_signing_out_ends_the_session(client, kazoo_sim):
    sign_in(client)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
