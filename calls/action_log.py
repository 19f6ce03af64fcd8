"""The ActionRequest row behind every action a Zap asks for, written first and finished whatever
happens, and Kazoo's failures in the user's words.

    with recorded(profile, ActionRequest.Action.CALL_FORWARD, requested, target_id) as row:
        ...                     # raise APIError to refuse; KazooError is turned into one
        done(row, 200, "…", kazoo_response)
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.utils import timezone
from rest_framework.exceptions import ValidationError

from accounts.models import KazooUser
from calls.models import ActionRequest
from kazoo_zapier.api import APIError
from kazoo_zapier.kazoo.errors import KazooError, KazooRateLimited, KazooUnreachable

logger = logging.getLogger(__name__)
Status = ActionRequest.Status


def finish(
    row: ActionRequest,
    status: str,
    http_status: int,
    *,
    code: str = "",
    detail: str = "",
    kazoo_response: Any = None,
    **fields: Any,
) -> ActionRequest:
    row.status = status
    row.http_status = http_status
    row.error_code = code
    row.detail = detail
    if kazoo_response is not None:
        row.kazoo_response = kazoo_response
    row.finished_at = timezone.now()
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()
    return row


def done(
    row: ActionRequest, http_status: int, detail: str, kazoo_response: Any = None, *, confirmed=True
):
    status = Status.DONE if confirmed else Status.UNCONFIRMED
    return finish(row, status, http_status, detail=detail, kazoo_response=kazoo_response)


def kazoo_failure(error: KazooError) -> APIError:
    if isinstance(error, KazooUnreachable):
        return APIError(
            503,
            "kazoo_unreachable",
            "The phone system cannot be reached right now; try again in a minute.",
        )
    if isinstance(error, KazooRateLimited):
        return APIError(
            503, "kazoo_busy", "The phone system is busy right now; try again in a minute."
        )
    return APIError(
        502,
        "kazoo_error",
        f"The phone system refused the change: {error}. Try again later, or tell your provider "
        "if it keeps happening.",
    )


@contextmanager
def recorded(
    profile: KazooUser, action: str, requested: dict[str, Any], target_id: str = ""
) -> Iterator[ActionRequest]:
    row = ActionRequest.objects.create(
        user=profile.user,
        account_id=profile.account.kazoo_id,
        kazoo_user_id=profile.kazoo_id,
        action=action,
        target_id=(target_id or "")[:32],
        requested=requested,
    )
    try:
        yield row
    except APIError as refusal:
        row.target_name = getattr(refusal, "target_name", row.target_name)
        status = Status.REFUSED if refusal.status_code < 500 else Status.FAILED
        if refusal.get_codes() == "kazoo_unreachable":
            status = Status.UNREACHABLE
        finish(
            row,
            status,
            refusal.status_code,
            code=str(refusal.get_codes()),
            detail=str(refusal.detail),
        )
        raise
    except ValidationError as invalid:
        finish(row, Status.REFUSED, 400, code="invalid", detail=str(invalid.detail))
        raise
    except KazooError as error:
        logger.info("action %s (%s) failed in Kazoo: %s", row.id, action, error)
        failure = kazoo_failure(error)
        data = error.data if isinstance(error.data, (dict, list)) else None
        status = Status.UNREACHABLE if isinstance(error, KazooUnreachable) else Status.FAILED
        finish(
            row,
            status,
            failure.status_code,
            code=str(failure.get_codes()),
            detail=str(failure.detail),
            kazoo_response=data,
        )
        raise failure from error
    if row.finished_at is None:  # a path that forgot to say: still a finished row
        finish(row, Status.DONE, 200)
