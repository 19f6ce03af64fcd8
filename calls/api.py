"""POST /api/v1/calls (click-to-call) and the dropdown choices: devices, users, queues.

Views stay thin: rules live in calls.services and calls.numbers.
"""

import math
from typing import Any

from django.conf import settings
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import Throttled
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from accounts.permissions import HasScopes, IsKazooUser
from accounts.services import kazoo_profile
from calls import services
from calls.models import CallRequest
from calls.serializers import (
    CallSerializer,
    DeviceChoiceSerializer,
    PlaceCallSerializer,
    QueueChoiceSerializer,
    UserChoiceSerializer,
)
from kazoo_zapier import display


class CallRateThrottle(UserRateThrottle):
    """Calls per Kazoo user per period (CALLS_RATE_LIMIT, e.g. "20/hour"): a toll-fraud guard.

    The rate is read per request, so an operator's setting (and a test's) applies without a
    restart of DRF's class-level THROTTLE_RATES. The cache is Django's: Redis when REDIS_URL is
    set, so every web process counts together.
    """

    scope = "calls"

    def get_rate(self) -> str:
        return settings.CALLS_RATE_LIMIT

    def get_cache_key(self, request: Request, view: APIView) -> str:
        profile = kazoo_profile(request.user)
        ident = profile.kazoo_id if profile is not None else f"django-{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def wait(self) -> float:
        """When the oldest call in the window leaves it: the moment one more is allowed."""
        if not self.history:
            return 0.0
        return max(1.0, math.ceil(self.duration - (self.now - self.history[-1])))


class CallsThrottled(Throttled):
    default_code = "too_many_calls"

    def __init__(self, wait: float, detail: str) -> None:
        # "Try again in 56 minutes", not "in 3322 seconds"; Retry-After keeps the seconds.
        again = _("Try again in %(wait)s.") % {"wait": display.duration(wait)}
        super().__init__(detail=f"{detail} {again}")
        self.wait = math.ceil(wait)


def describe_rate(rate: str) -> str:
    """ "2/h" -> "2 calls per hour"; each unit a whole phrase, for each language's own words."""
    number, period = rate.split("/", 1)
    count = int(number)
    unit = period[:1]
    if unit == "s":
        text = ngettext("%(count)d call per second", "%(count)d calls per second", count)
    elif unit == "m":
        text = ngettext("%(count)d call per minute", "%(count)d calls per minute", count)
    elif unit == "h":
        text = ngettext("%(count)d call per hour", "%(count)d calls per hour", count)
    elif unit == "d":
        text = ngettext("%(count)d call per day", "%(count)d calls per day", count)
    else:
        return rate
    return text % {"count": count}


class HasAnyScope(BasePermission):
    """The token was granted at least one of the view's `any_scopes`."""

    code = "insufficient_scope"

    def has_permission(self, request: Request, view: APIView) -> bool:
        scopes: list[str] = view.any_scopes
        token = request.auth
        allowed = token is not None and any(token.is_valid([scope]) for scope in scopes)
        if not allowed:
            self.message = _(
                "This connection was not allowed to use: %(scopes)s. Reconnect the app and allow it."
            ) % {"scopes": get_text_list(scopes, _("or"))}
        return allowed


class IsKazooAdmin(BasePermission):
    code = "admin_only"
    message = gettext_lazy(
        "Only administrators of the Kazoo account can list its users and queues. Ask your "
        "administrator to set up this step, or choose from your own devices."
    )

    def has_permission(self, request: Request, view: APIView) -> bool:
        profile = kazoo_profile(request.user)
        return profile is not None and profile.is_admin


class CallListView(APIView):
    permission_classes = [IsAuthenticated, HasScopes, IsKazooUser]
    required_scopes = ["calls"]
    throttle_classes = [CallRateThrottle]

    @extend_schema(
        request=PlaceCallSerializer,
        responses={201: CallSerializer},
        summary="Click-to-call: ring your phone, then dial `to` when you pick up",
    )
    def post(self, request: Request) -> Response:
        incoming = PlaceCallSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        row = services.place_call(profile=kazoo_profile(request.user), **incoming.validated_data)
        return Response(CallSerializer(row).data, status=status.HTTP_201_CREATED)

    def throttled(self, request: Request, wait: float | None) -> None:
        detail = _("Too many calls: you may place %(rate)s from Zapier.") % {
            "rate": describe_rate(settings.CALLS_RATE_LIMIT)
        }
        self._log_throttled(request, detail)
        raise CallsThrottled(wait=wait, detail=detail)

    @staticmethod
    def _log_throttled(request: Request, detail: str) -> None:
        """A refused attempt is still a row: a burst of them is what toll fraud looks like."""
        profile = kazoo_profile(request.user)
        data: Any = request.data if isinstance(request.data, dict) else {}
        CallRequest.objects.create(
            user=request.user,
            account_id=profile.account.kazoo_id if profile else "",
            kazoo_user_id=profile.kazoo_id if profile else "",
            to_requested=str(data.get("to") or "")[:100],
            device_id=str(data.get("device_id") or "")[:32],
            status=CallRequest.Status.THROTTLED,
            http_status=429,
            error_code=CallsThrottled.default_code,
            detail=detail,
        )


class ChoicesView(APIView):
    """A dropdown's choices: for the calls action (devices) and the triggers' filters."""

    permission_classes = [IsAuthenticated, HasAnyScope, IsKazooUser]
    any_scopes = ["events", "calls"]


class DeviceListView(ChoicesView):
    @extend_schema(
        responses=DeviceChoiceSerializer(many=True),
        summary="Your devices (administrators: the account's), for dropdowns",
    )
    def get(self, request: Request) -> Response:
        devices = services.devices_for(kazoo_profile(request.user))
        return Response(DeviceChoiceSerializer(devices, many=True).data)


class UserListView(ChoicesView):
    permission_classes = [*ChoicesView.permission_classes, IsKazooAdmin]

    @extend_schema(
        responses=UserChoiceSerializer(many=True),
        summary="The account's users, for dropdowns (administrators)",
    )
    def get(self, request: Request) -> Response:
        users = services.users_for(kazoo_profile(request.user))
        return Response(UserChoiceSerializer(users, many=True).data)


class QueueListView(ChoicesView):
    permission_classes = [*ChoicesView.permission_classes, IsKazooAdmin]

    @extend_schema(
        responses=QueueChoiceSerializer(many=True),
        summary="The account's call-centre queues, for dropdowns (administrators)",
    )
    def get(self, request: Request) -> Response:
        queues = services.queues_for(kazoo_profile(request.user))
        return Response(QueueChoiceSerializer(queues, many=True).data)
