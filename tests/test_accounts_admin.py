"""Staff's view (the admin), the create_zapier_client command, the demo seed, the error shape."""

import io

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory
from oauth2_provider.models import get_application_model
from rest_framework import exceptions, serializers

from accounts.demo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, seed_demo
from accounts.models import KazooUser
from accounts.services import REASON_DISABLED
from kazoo_zapier.api import APIError, exception_handler
from kazoo_zapier.kazoo.errors import KazooServerError, KazooUnreachable

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_staff_see_kazoo_users_with_admin_and_active_state_and_why_they_lost_access(
    staff_client, kazoo_admin, kazoo_user
):
    KazooUser.objects.filter(user=kazoo_user).update(
        is_active=False, disabled_reason=REASON_DISABLED
    )
    html = staff_client.get("/admin/accounts/kazoouser/").content.decode()
    assert "Alice Admin" in html and "Bob Berger" in html
    assert REASON_DISABLED in html
    filtered = staff_client.get("/admin/accounts/kazoouser/?is_active__exact=0").content.decode()
    assert "Bob Berger" in filtered and "Alice Admin" not in filtered
    admins = staff_client.get("/admin/accounts/kazoouser/?is_admin__exact=1").content.decode()
    assert "Alice Admin" in admins and "Bob Berger" not in admins


def test_staff_see_kazoo_accounts_with_their_users(staff_client, kazoo_user, outsider):
    html = staff_client.get("/admin/accounts/kazooaccount/").content.decode()
    assert "Demo Company" in html and "Other Ltd" in html
    account = kazoo_user.kazoo.account
    detail = staff_client.get(f"/admin/accounts/kazooaccount/{account.pk}/change/")
    assert "Bob Berger" in detail.content.decode()


def test_token_admin_pages_never_show_a_token_value(staff_client, make_token, kazoo_user):
    access, refresh = make_token(kazoo_user, refresh=True)
    for path in (
        "/admin/oauth2_provider/accesstoken/",
        "/admin/oauth2_provider/refreshtoken/",
        "/admin/oauth2_provider/application/",
        "/admin/oauth2_provider/grant/",
    ):
        response = staff_client.get(path)
        assert response.status_code == 200, path
        assert access not in response.content.decode()
        assert refresh not in response.content.decode()
    token_id = kazoo_user.oauth2_provider_accesstoken.get().pk
    detail = staff_client.get(f"/admin/oauth2_provider/accesstoken/{token_id}/change/")
    assert detail.status_code == 200
    assert access not in detail.content.decode()


def test_staff_see_lock_outs(staff_client):
    AccessAttempt.objects.create(
        username="demo company/bob",
        ip_address="127.0.0.1",
        user_agent="test",
        failures_since_start=5,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
    )
    html = staff_client.get("/admin/axes/accessattempt/").content.decode()
    assert "demo company/bob" in html


def test_staff_can_disconnect_a_users_apps(staff_client, make_token, kazoo_user):
    token = make_token(kazoo_user)
    profile = kazoo_user.kazoo
    staff_client.post(
        "/admin/accounts/kazoouser/",
        {"action": "disconnect_all_apps", "_selected_action": [profile.pk]},
    )
    assert staff_client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


# --- create_zapier_client -----------------------------------------------------------------------
def run_command(*args: str) -> str:
    out = io.StringIO()
    call_command("create_zapier_client", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_create_zapier_client_registers_a_confidential_client_and_prints_the_secret_once():
    uri = "https://zapier.com/dashboard/auth/oauth/return/App123CLIAPI/"
    out = run_command("--redirect-uri", uri)
    values = dict(line.split("=", 1) for line in out.splitlines())
    Application = get_application_model()
    app = Application.objects.get(client_id=values["client_id"])
    assert app.name == "Zapier"
    assert app.client_type == Application.CLIENT_CONFIDENTIAL
    assert app.authorization_grant_type == Application.GRANT_AUTHORIZATION_CODE
    assert app.redirect_uris == uri
    assert app.skip_authorization is False
    # Stored hashed: the printed secret is the only copy.
    assert app.client_secret != values["client_secret"]
    assert app.client_secret.startswith("pbkdf2_")
    from django.contrib.auth.hashers import check_password

    assert check_password(values["client_secret"], app.client_secret)

    with pytest.raises(CommandError, match="exists already"):
        run_command("--redirect-uri", uri)


def test_create_zapier_client_rotates_the_secret_only_when_asked():
    uri = "https://zapier.com/dashboard/auth/oauth/return/App123CLIAPI/"
    first = dict(line.split("=", 1) for line in run_command("--redirect-uri", uri).splitlines())
    second = dict(
        line.split("=", 1)
        for line in run_command("--redirect-uri", uri, "--rotate-secret").splitlines()
    )
    assert second["client_id"] == first["client_id"]
    assert second["client_secret"] != first["client_secret"]
    assert get_application_model().objects.count() == 1


def test_create_zapier_client_refuses_a_bad_redirect_uri():
    with pytest.raises(CommandError):
        run_command("--redirect-uri", "not a uri")


# --- the demo -----------------------------------------------------------------------------------
def test_seed_demo_adds_a_local_oauth_client_and_can_run_twice():
    seed_demo()
    demo = seed_demo()
    Application = get_application_model()
    app = Application.objects.get(client_id=DEMO_CLIENT_ID)
    from django.contrib.auth.hashers import check_password

    assert check_password(DEMO_CLIENT_SECRET, app.client_secret)
    assert "http://localhost:9000" in app.redirect_uris.split()
    assert Application.objects.filter(client_id=DEMO_CLIENT_ID).count() == 1
    assert demo.oauth_client_id == DEMO_CLIENT_ID


# --- the API's error shape (kazoo_zapier/api.py) ------------------------------------------------
def handle(exc):
    request = RequestFactory().get("/api/v1/anything")
    return exception_handler(exc, {"view": None, "request": request})


def test_field_errors_sit_under_the_field_with_a_code_and_a_detail():
    response = handle(
        serializers.ValidationError({"to": ["The number '12ab' is not a phone number"]})
    )
    assert response.status_code == 400
    assert response.data == {
        "code": "invalid",
        "detail": "to: The number '12ab' is not a phone number",
        "to": ["The number '12ab' is not a phone number"],
    }


def test_drf_errors_keep_their_status_with_a_stable_code():
    assert handle(exceptions.NotFound()).data["code"] == "not_found"
    denied = handle(
        exceptions.PermissionDenied("Scope account needs an administrator", code="not_admin")
    )
    assert (denied.status_code, denied.data["code"]) == (403, "not_admin")
    assert denied.data["detail"] == "Scope account needs an administrator"
    conflict = handle(APIError(409, "duplicate_hook", "This hook exists already"))
    assert (conflict.status_code, conflict.data["code"]) == (409, "duplicate_hook")


def test_kazoo_failures_are_502_and_503():
    unreachable = handle(KazooUnreachable("no route"))
    assert (unreachable.status_code, unreachable.data["code"]) == (503, "kazoo_unreachable")
    failed = handle(KazooServerError("Kazoo answered with an error (500)", kazoo_message="boom"))
    assert (failed.status_code, failed.data["code"]) == (502, "kazoo_error")
    assert "boom" in failed.data["detail"]
