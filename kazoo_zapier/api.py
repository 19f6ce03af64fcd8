"""The API's error shape, shared by every view under /api/v1 (API.md).

Every error is JSON with a stable `code` (for the Zapier app's code) and a human `detail` (for the
Zapier user); field errors sit under the field's name:

    {"code": "invalid", "detail": "to: The number '12ab' is not a phone number",
     "to": ["The number '12ab' is not a phone number"]}

Kazoo's failures map to 502 (Kazoo answered with an error) and 503 (Kazoo unreachable or
rate limiting us), so the Zapier user is told it is the phone system, not their input.
"""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from kazoo_zapier.kazoo.errors import KazooError, KazooRateLimited, KazooUnreachable

logger = logging.getLogger(__name__)


class APIError(exceptions.APIException):
    """An error with its own status and code: `raise APIError(409, "conflict", "...")`."""

    def __init__(self, status_code: int, code: str, detail: str) -> None:
        self.status_code = status_code
        super().__init__(detail=detail, code=code)


def _first_message(data: Any) -> str:
    if isinstance(data, list) and data:
        return _first_message(data[0])
    if isinstance(data, dict) and data:
        key, value = next(iter(data.items()))
        message = _first_message(value)
        return message if key == "non_field_errors" else f"{key}: {message}"
    return str(data)


def _code_of(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    return exc.default_code


# Plain English here (tests compare with it); translated where it is used.
EXPIRED_OR_INVALID = gettext_noop(
    "The access token is invalid or has expired; reconnect the app to get a new one."
)


def _presented_a_token(context: dict[str, Any]) -> bool:
    request = context.get("request")
    header = request.META.get("HTTP_AUTHORIZATION", "") if request is not None else ""
    return header.lower().startswith("bearer ") and bool(header[7:].strip())


def _kazoo_response(exc: KazooError) -> Response:
    headers: dict[str, str] = {}
    if isinstance(exc, KazooUnreachable):
        body = {
            "code": "kazoo_unreachable",
            "detail": _("The phone system cannot be reached right now; try again in a minute."),
        }
        return Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE)
    if isinstance(exc, KazooRateLimited):
        if exc.retry_after:
            headers["Retry-After"] = str(int(exc.retry_after))
        body = {
            "code": "kazoo_busy",
            "detail": _("The phone system is busy right now; try again in a minute."),
        }
        return Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE, headers=headers)
    body = {
        "code": "kazoo_error",
        "detail": _("The phone system refused the request: %(error)s") % {"error": exc},
    }
    return Response(body, status=status.HTTP_502_BAD_GATEWAY)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: DRF's handler, then reshaped to `code` + `detail`."""
    if isinstance(exc, KazooError):
        logger.warning("Kazoo error in %s: %s", context.get("view").__class__.__name__, exc)
        return _kazoo_response(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response

    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body: dict[str, Any] = {"code": "invalid", "detail": _first_message(fields)}
        for name, messages in fields.items():
            if name not in ("code", "detail"):
                body[name] = messages
        response.data = body
        return response

    detail = exc.detail
    if isinstance(exc, exceptions.NotAuthenticated) and _presented_a_token(context):
        # DRF's "credentials were not provided" is untrue here: a token came and was refused
        # (the WWW-Authenticate header says invalid_token). Zapier refreshes on any 401.
        detail = _(EXPIRED_OR_INVALID)
    if isinstance(detail, dict):
        # A permission's message may already be a dict (DOT's TokenHasScope with scopes).
        body = {"code": _code_of(exc), **{k: v for k, v in detail.items()}}
        body["detail"] = str(detail.get("detail", ""))
    else:
        body = {"code": _code_of(exc), "detail": str(detail)}
    response.data = body
    return response
