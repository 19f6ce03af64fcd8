"""GET /api/v1/me: the connected user, for Zapier's connection test and label."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import KazooUser
from accounts.permissions import IsKazooUser


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user_id", help_text="This service's id for the user")
    name = serializers.CharField()
    username = serializers.CharField(help_text="The Kazoo username")
    email = serializers.CharField()
    user_id = serializers.CharField(source="kazoo_id", help_text="The Kazoo user id")
    account_id = serializers.CharField(source="account.kazoo_id", help_text="The Kazoo account id")
    account_name = serializers.CharField(source="account.name")
    extension = serializers.CharField()
    is_admin = serializers.BooleanField(help_text="A Kazoo account administrator")
    scopes = serializers.SerializerMethodField()

    def get_scopes(self, profile: KazooUser) -> list[str]:
        token = self.context["request"].auth
        return sorted(token.scopes) if token is not None else []


class MeView(APIView):
    permission_classes = [IsAuthenticated, IsKazooUser]

    @extend_schema(responses=MeSerializer, summary="The connected user")
    def get(self, request: Request) -> Response:
        profile = KazooUser.objects.select_related("account").get(user=request.user)
        return Response(MeSerializer(profile, context={"request": request}).data)
