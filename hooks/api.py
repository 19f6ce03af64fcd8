"""The REST hooks API for the Zapier app: subscribe, unsubscribe, list, event types.

Views stay thin: tenancy comes from hooks.selectors, changes from hooks.services.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasScopes, IsKazooUser
from hooks import services
from hooks.recovery import recover
from hooks.selectors import catalogue, hooks_of
from hooks.serializers import (
    EventTypeSerializer,
    HookCreatedSerializer,
    HookSerializer,
    RecoverSerializer,
    SubscribeSerializer,
)


class EventsScopeView(APIView):
    permission_classes = [IsAuthenticated, HasScopes, IsKazooUser]
    required_scopes = ["events"]


class HookListView(EventsScopeView):
    @extend_schema(responses=HookSerializer(many=True), summary="Your subscriptions")
    def get(self, request: Request) -> Response:
        return Response(HookSerializer(hooks_of(request.user), many=True).data)

    @extend_schema(
        request=SubscribeSerializer,
        responses={201: HookCreatedSerializer},
        summary="Subscribe (Zapier's performSubscribe)",
    )
    def post(self, request: Request) -> Response:
        incoming = SubscribeSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        application = getattr(request.auth, "application", None)  # the OAuth app's token
        hook = services.subscribe(
            user=request.user,
            oauth_client_id=getattr(application, "client_id", ""),
            **incoming.validated_data,
        )
        hook = hooks_of(request.user).get(id=hook.id)
        return Response(HookCreatedSerializer(hook).data, status=status.HTTP_201_CREATED)


class HookDetailView(EventsScopeView):
    @extend_schema(responses=HookSerializer, summary="One of your subscriptions")
    def get(self, request: Request, hook_id: int) -> Response:
        return Response(HookSerializer(get_object_or_404(hooks_of(request.user), id=hook_id)).data)

    @extend_schema(responses={204: None}, summary="Unsubscribe (Zapier's performUnsubscribe)")
    def delete(self, request: Request, hook_id: int) -> Response:
        services.unsubscribe(get_object_or_404(hooks_of(request.user), id=hook_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class HookRecoverView(EventsScopeView):
    @extend_schema(
        request=RecoverSerializer,
        responses={202: inline_serializer("Recovered", {"deliveries": serializers.IntegerField()})},
        summary="Send this subscription the events of a time window again",
    )
    def post(self, request: Request, hook_id: int) -> Response:
        hook = get_object_or_404(hooks_of(request.user), id=hook_id)
        window = RecoverSerializer(data=request.data)
        window.is_valid(raise_exception=True)
        count = recover(hook, window.validated_data["since"], window.validated_data.get("until"))
        return Response({"deliveries": count}, status=status.HTTP_202_ACCEPTED)


class EventTypeListView(EventsScopeView):
    @extend_schema(responses=EventTypeSerializer(many=True), summary="The event catalogue")
    def get(self, request: Request) -> Response:
        return Response(EventTypeSerializer(catalogue(), many=True).data)
