"""The permissions other API views build on: IsKazooUser and HasScopes, with real tokens."""

import pytest
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from accounts.models import KazooUser
from accounts.permissions import HasScopes, IsKazooUser

pytestmark = pytest.mark.django_db


class PlaceCall(APIView):
    permission_classes = [IsKazooUser, HasScopes]
    required_scopes = ["calls"]

    def post(self, request):
        return Response({"ok": True}, status=201)


def call(token: str):
    request = APIRequestFactory().post("/x", {}, HTTP_AUTHORIZATION=f"Bearer {token}")
    return PlaceCall.as_view()(request)


def test_a_token_with_the_scope_passes(make_token, kazoo_user):
    assert call(make_token(kazoo_user, ["calls"])).status_code == 201


def test_a_token_without_the_scope_gets_403_with_a_reason(make_token, kazoo_user):
    response = call(make_token(kazoo_user, ["events"]))
    assert response.status_code == 403
    assert response.data["code"] == "insufficient_scope"
    assert "calls" in response.data["detail"]


def test_a_user_cut_off_from_kazoo_gets_nothing(make_token, kazoo_user):
    token = make_token(kazoo_user, ["calls"])
    KazooUser.objects.filter(user=kazoo_user).update(is_active=False)
    response = call(token)
    assert response.status_code == 403
    assert response.data["code"] == "not_a_kazoo_user"


def test_no_token_is_401_not_403(db):
    response = call("nope")
    assert response.status_code == 401
    assert response.data["code"] == "not_authenticated"


def test_me_describes_the_connected_user(api_client, kazoo_admin):
    body = api_client(kazoo_admin, ["events"]).get("/api/v1/me").json()
    assert body == {
        "id": kazoo_admin.pk,
        "name": "Alice Admin",
        "username": "alice",
        "email": "alice@demo.example.com",
        "user_id": kazoo_admin.kazoo.kazoo_id,
        "account_id": kazoo_admin.kazoo.account.kazoo_id,
        "account_name": "Demo Company",
        "extension": "201",
        "is_admin": True,
        "scopes": ["events"],
    }
