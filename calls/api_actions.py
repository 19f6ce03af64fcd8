"""The actions' endpoints: agent status, call forwarding, Do Not Disturb. Thin: the rules are in
calls.agents, calls.forwarding and calls.tenancy."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasScopes, IsKazooUser
from accounts.services import kazoo_profile
from calls import agents, forwarding
from calls.serializers_actions import (
    AgentSerializer,
    AgentStatusChangeSerializer,
    AgentStatusSerializer,
    CallForwardingChangeSerializer,
    CallForwardingResultSerializer,
    DoNotDisturbChangeSerializer,
    DoNotDisturbSerializer,
)

ME = OpenApiParameter(
    "user_id", str, OpenApiParameter.PATH, description="A Kazoo user id, or `me` for yourself"
)


class CallCentreView(APIView):
    permission_classes = [IsAuthenticated, HasScopes, IsKazooUser]
    required_scopes = ["callcentre"]


class AgentStatusView(CallCentreView):
    @extend_schema(
        request=AgentStatusChangeSerializer,
        responses={200: AgentStatusSerializer, 202: AgentStatusSerializer},
        parameters=[ME],
        summary="Log an agent in or out, pause, resume or end wrap-up (yourself; administrators: "
        "any agent of the account)",
    )
    def post(self, request: Request, user_id: str) -> Response:
        incoming = AgentStatusChangeSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        status, body = agents.change_status(
            kazoo_profile(request.user),
            user_id,
            data["action"],
            queue_id=data.get("queue_id") or None,
            minutes=data.get("minutes"),
        )
        return Response(AgentStatusSerializer(body).data, status=status)


class AgentListView(CallCentreView):
    @extend_schema(
        responses=AgentSerializer(many=True),
        parameters=[
            OpenApiParameter("q", str, description="Find Agent: a name (or part) or an extension")
        ],
        summary="Call-centre agents with their queues and status (a user: only themself)",
    )
    def get(self, request: Request) -> Response:
        found = agents.agents_for(kazoo_profile(request.user), request.query_params.get("q"))
        return Response(AgentSerializer(found, many=True).data)


class SettingsView(APIView):
    permission_classes = [IsAuthenticated, HasScopes, IsKazooUser]
    required_scopes = ["settings"]


class CallForwardingView(SettingsView):
    @extend_schema(
        request=CallForwardingChangeSerializer,
        responses=CallForwardingResultSerializer,
        parameters=[ME],
        summary="Turn a user's call forwarding on (to a number) or off",
    )
    def put(self, request: Request, user_id: str) -> Response:
        incoming = CallForwardingChangeSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        body = forwarding.set_call_forwarding(
            kazoo_profile(request.user), user_id, **incoming.validated_data
        )
        return Response(CallForwardingResultSerializer(body).data)


class DoNotDisturbView(SettingsView):
    @extend_schema(
        request=DoNotDisturbChangeSerializer,
        responses=DoNotDisturbSerializer,
        parameters=[ME],
        summary="Turn a user's Do Not Disturb on or off",
    )
    def put(self, request: Request, user_id: str) -> Response:
        incoming = DoNotDisturbChangeSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        body = forwarding.set_do_not_disturb(
            kazoo_profile(request.user), user_id, enabled=incoming.validated_data["enabled"]
        )
        return Response(DoNotDisturbSerializer(body).data)
