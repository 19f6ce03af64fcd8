"""The searches' endpoints (Zapier searches: a list, empty when nothing is found): Find User and
Find Recent Call. Find Agent is GET /api/v1/agents?q= (calls.api_actions)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsKazooUser
from accounts.services import kazoo_profile
from calls import directory, history
from calls.api import HasAnyScope


class FindUserQuerySerializer(serializers.Serializer):
    extension = serializers.CharField(required=False, allow_blank=True, max_length=20)
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    number = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text="A phone number, any format"
    )

    def validate(self, data):
        data = {k: v.strip() for k, v in data.items() if v and v.strip()}
        if not data:
            raise serializers.ValidationError(
                "Give an extension, an email, a name or a phone number to search for."
            )
        return data


class DeviceFoundSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    type = serializers.CharField()
    registered = serializers.BooleanField()


class UserFoundSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    username = serializers.CharField()
    email = serializers.CharField()
    extension = serializers.CharField()
    number = serializers.CharField(allow_null=True, help_text="Their external caller ID number")
    is_admin = serializers.BooleanField()
    enabled = serializers.BooleanField()
    on_a_call = serializers.BooleanField(help_text="One of their phones is in a call right now")
    do_not_disturb = serializers.BooleanField()
    call_forwarding = serializers.BooleanField()
    devices = DeviceFoundSerializer(many=True)


class RecentCallQuerySerializer(serializers.Serializer):
    number = serializers.CharField(max_length=40, help_text="A phone number, any format")
    user_id = serializers.CharField(
        required=False, allow_blank=True, max_length=32, help_text="Only this user's calls"
    )
    since = serializers.DateTimeField(required=False, allow_null=True)
    until = serializers.DateTimeField(required=False, allow_null=True)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=50, default=10)


class RecentCallSerializer(serializers.Serializer):
    """The fields of a call.ended event (without id, type, summary, kazoo) and started_at."""

    call_id = serializers.CharField()
    occurred_at = serializers.CharField(help_text="When the call ended (ISO 8601, UTC)")
    started_at = serializers.CharField()
    account_id = serializers.CharField()
    account_name = serializers.CharField()
    direction = serializers.CharField(help_text="inbound, outbound or internal")
    from_number = serializers.CharField(allow_null=True)
    from_name = serializers.CharField(allow_null=True)
    to_number = serializers.CharField(allow_null=True)
    to_name = serializers.CharField(allow_null=True)
    user_id = serializers.CharField(allow_null=True)
    user_name = serializers.CharField(allow_null=True)
    user_extension = serializers.CharField(allow_null=True)
    user_email = serializers.CharField(allow_null=True)
    device_id = serializers.CharField(allow_null=True)
    device_name = serializers.CharField(allow_null=True)
    answered = serializers.BooleanField()
    result = serializers.CharField()
    ring_seconds = serializers.IntegerField()
    talk_seconds = serializers.IntegerField()
    duration_seconds = serializers.IntegerField()
    hangup_cause = serializers.CharField(allow_null=True)


class SearchView(APIView):
    permission_classes = [IsAuthenticated, HasAnyScope, IsKazooUser]


class FindUserView(SearchView):
    any_scopes = ["events", "calls", "settings", "callcentre"]

    @extend_schema(
        parameters=[FindUserQuerySerializer],
        responses=UserFoundSerializer(many=True),
        summary="Find User by extension, email, name or phone number (administrators: the "
        "account; a user: themself)",
    )
    def get(self, request: Request) -> Response:
        query = FindUserQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = directory.find_users(kazoo_profile(request.user), **query.validated_data)
        return Response(UserFoundSerializer(found, many=True).data)


class RecentCallListView(SearchView):
    any_scopes = ["events", "calls"]

    @extend_schema(
        parameters=[RecentCallQuerySerializer],
        responses=RecentCallSerializer(many=True),
        summary="Find Recent Call: the latest calls with a number, from Kazoo's CDRs",
    )
    def get(self, request: Request) -> Response:
        query = RecentCallQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        found = history.recent_calls(
            kazoo_profile(request.user),
            data["number"],
            user_id=data.get("user_id") or None,
            since=data.get("since"),
            until=data.get("until"),
            limit=data["limit"],
        )
        return Response(RecentCallSerializer(found, many=True).data)
