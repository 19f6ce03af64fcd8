"""Click-to-call through Kazoo's quickcall, and the choices for Zapier's dropdowns.

`place_call` writes its CallRequest row first and finishes it whatever happens, so that staff see
every request with Kazoo's answer. Errors leave as APIError with a sentence the user can act on.
"""

import logging
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from accounts.models import KazooUser
from calls.models import CallRequest
from calls.numbers import DialPolicy, NumberRefused, destination
from kazoo_zapier.api import APIError
from kazoo_zapier.kazoo.crossbar import get_crossbar
from kazoo_zapier.kazoo.errors import (
    KazooError,
    KazooNotFound,
    KazooRateLimited,
    KazooServerError,
    KazooUnreachable,
)

logger = logging.getLogger(__name__)

# Kazoo's reasons (FreeSWITCH hangup causes) for not reaching a phone, in the user's words.
ORIGINATE_FAILURES = {
    "DESTINATION_OUT_OF_ORDER": "the phone did not take the call",
    "USER_NOT_REGISTERED": "the phone is not registered",
    "NO_ANSWER": "the phone did not ring in time",
    "NO_USER_RESPONSE": "the phone did not answer the phone system",
    "USER_BUSY": "the phone is busy",
    "CALL_REJECTED": "the phone rejected the call",
    "UNALLOCATED_NUMBER": "the phone system does not know this phone",
    "NORMAL_TEMPORARY_FAILURE": "the phone system had a temporary failure",
}
STATUS_OF_CODE = {
    "invalid_number": CallRequest.Status.INVALID,
    "blocked_number": CallRequest.Status.BLOCKED,
}


def dial_policy() -> DialPolicy:
    return DialPolicy(
        region=settings.DEFAULT_PHONE_REGION,
        block_premium_rate=settings.CALLS_BLOCK_PREMIUM_RATE,
        blocked_prefixes=tuple(settings.CALLS_BLOCKED_PREFIXES),
    )


def _finish(
    row: CallRequest,
    status: str,
    http_status: int,
    *,
    code: str = "",
    detail: str = "",
    **fields: Any,
) -> CallRequest:
    row.status = status
    row.http_status = http_status
    row.error_code = code
    row.detail = detail
    row.finished_at = timezone.now()
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()
    return row


def _refuse(row: CallRequest, status: str, http_status: int, code: str, detail: str, **fields):
    _finish(row, status, http_status, code=code, detail=detail, **fields)
    return APIError(http_status, code, detail)


def place_call(
    *,
    profile: KazooUser,
    to: str,
    device_id: str | None = None,
    caller_id_name: str | None = None,
    caller_id_number: str | None = None,
    auto_answer: bool | None = None,
) -> CallRequest:
    """Ring the user's phone (one device, or all of theirs); on pick-up Kazoo dials `to`."""
    account_id = profile.account.kazoo_id
    row = CallRequest.objects.create(
        user=profile.user,
        account_id=account_id,
        kazoo_user_id=profile.kazoo_id,
        to_requested=(to or "")[:100],
        device_id=device_id or "",
        caller_id_name=caller_id_name or "",
        caller_id_number=caller_id_number or "",
        auto_answer=auto_answer,
    )
    try:
        target = destination(to, dial_policy())
    except NumberRefused as refused:
        status = STATUS_OF_CODE.get(refused.code, CallRequest.Status.INVALID)
        http_status = 400 if status == CallRequest.Status.INVALID else 403
        _finish(row, status, http_status, code=refused.code, detail=str(refused))
        if http_status == 400:
            raise ValidationError({"to": [str(refused)]}, code=refused.code) from None
        raise APIError(http_status, refused.code, str(refused)) from None
    row.to, row.is_extension = target.number, target.is_extension
    row.save(update_fields=["to", "is_extension"])

    crossbar = get_crossbar()
    ringing: list[dict[str, Any]] = []
    registered: set[str] | None = None
    try:
        ringing = _devices_to_ring(row, profile, crossbar.devices(account_id), device_id)
        row.device_name = ringing[0].get("name") or "" if device_id else ""
        registered = {
            s["device_id"]
            for s in crossbar.devices_status(account_id)
            if s.get("registered") and s.get("device_id")
        }
        answer = crossbar.quickcall(
            account_id,
            target.number,
            device_id=device_id or None,
            user_id=None if device_id else profile.kazoo_id,
            auto_answer=auto_answer,
            caller_id_name=caller_id_name or None,
            caller_id_number=caller_id_number or None,
            ring_timeout=settings.CALLS_RING_SECONDS,
        )
    except KazooError as error:
        logger.info("click-to-call %s failed in Kazoo: %s", row.id, error)
        raise _kazoo_failure(row, error, ringing, registered) from error

    endpoints = [e for e in answer.get("endpoints") or [] if isinstance(e, dict)]
    return _finish(
        row,
        CallRequest.Status.PLACED,
        201,
        call_id=_call_id(endpoints, registered or set()),
        leg_call_ids=[e["outbound_call_id"] for e in endpoints if e.get("outbound_call_id")],
        kazoo_response=answer,
    )


def _may_use(profile: KazooUser, device: dict[str, Any]) -> bool:
    """Users ring their own devices; an administrator may ring any device of the account."""
    return profile.is_admin or device.get("owner_id") == profile.kazoo_id


def _devices_to_ring(
    row: CallRequest, profile: KazooUser, devices: list[dict[str, Any]], device_id: str | None
) -> list[dict[str, Any]]:
    if device_id:
        chosen = [d for d in devices if d.get("id") == device_id and _may_use(profile, d)]
        if not chosen:
            # Another user's device answers exactly as one that does not exist (API.md: 404).
            raise _refuse(
                row,
                CallRequest.Status.DEVICE_NOT_FOUND,
                404,
                "device_not_found",
                f"You have no device with the id '{device_id}'. Choose one of your devices, or "
                "leave the device empty to ring all of them.",
            )
        return chosen
    own = [d for d in devices if d.get("owner_id") == profile.kazoo_id]
    if not own:
        raise _refuse(
            row,
            CallRequest.Status.NOT_REGISTERED,
            409,
            "no_device",
            "You have no phone in the phone system to ring. Ask your administrator to assign "
            "you a device.",
        )
    return own


def _call_id(endpoints: list[dict[str, Any]], registered: set[str]) -> str:
    """The call_id the call's events will carry: the Call-ID of the first leg that rings.

    Kazoo uses each endpoint's Outbound-Call-ID as its leg's Call-ID (REFERENCE §5.4); the
    normalizer names the call after the first leg it sees. Legs are created in the order of the
    endpoints, and an unregistered phone gets no leg at all: so the first registered endpoint.
    """
    for endpoint in endpoints:
        if endpoint.get("endpoint_id") in registered and endpoint.get("outbound_call_id"):
            return endpoint["outbound_call_id"]
    return next((e["outbound_call_id"] for e in endpoints if e.get("outbound_call_id")), "")


def _phones(devices: list[dict[str, Any]]) -> str:
    return ", ".join(f"'{d.get('name') or d.get('id')}'" for d in devices)


def _kazoo_failure(
    row: CallRequest,
    error: KazooError,
    ringing: list[dict[str, Any]],
    registered: set[str] | None,
) -> APIError:
    data = error.data if isinstance(error.data, dict) else None
    reason = data.get("error_message") if data else None
    fields = {"kazoo_error": (reason or error.kazoo_message or "")[:100], "kazoo_response": data}
    if isinstance(error, KazooUnreachable):
        return _refuse(
            row,
            CallRequest.Status.UNREACHABLE,
            503,
            "kazoo_unreachable",
            "The phone system cannot be reached right now; try again in a minute.",
            **fields,
        )
    if isinstance(error, KazooRateLimited):
        return _refuse(
            row,
            CallRequest.Status.FAILED,
            503,
            "kazoo_busy",
            "The phone system is busy right now; try again in a minute.",
            **fields,
        )
    if isinstance(error, KazooNotFound):
        return _refuse(
            row,
            CallRequest.Status.DEVICE_NOT_FOUND,
            404,
            "device_not_found",
            "The phone system no longer knows this device or user. Choose another device.",
            **fields,
        )
    if isinstance(error, KazooServerError) and isinstance(reason, str) and reason:
        if ringing and registered is not None and not any(d["id"] in registered for d in ringing):
            if len(ringing) == 1:
                detail = (
                    f"Your phone {_phones(ringing)} is not registered with the phone system, "
                    "so it cannot ring"
                )
            else:
                detail = (
                    f"None of your phones ({_phones(ringing)}) is registered with the phone "
                    "system, so none can ring"
                )
            return _refuse(
                row,
                CallRequest.Status.NOT_REGISTERED,
                409,
                "phone_not_registered",
                f"{detail} ({reason}). Switch it on or open its app, check "
                "its network connection, then try again.",
                **fields,
            )
        words = ORIGINATE_FAILURES.get(reason, "the call could not be set up")
        return _refuse(
            row,
            CallRequest.Status.FAILED,
            502,
            "call_failed",
            f"Kazoo could not reach the destination: {words} ({reason}). Check that your phone "
            "is switched on and online, then try again.",
            **fields,
        )
    return _refuse(
        row,
        CallRequest.Status.FAILED,
        502,
        "kazoo_error",
        f"The phone system refused the call: {error}. Try again later, or tell your provider "
        "if it keeps happening.",
        **fields,
    )


# --- choices for Zapier's dynamic dropdowns -----------------------------------------------------
def devices_for(profile: KazooUser) -> list[dict[str, Any]]:
    """The user's devices (an administrator: the account's), with whether each is registered."""
    crossbar = get_crossbar()
    account_id = profile.account.kazoo_id
    devices = [d for d in crossbar.devices(account_id) if _may_use(profile, d)]
    registered = {
        s.get("device_id") for s in crossbar.devices_status(account_id) if s.get("registered")
    }
    return [
        {
            "id": d["id"],
            "name": d.get("name") or d["id"],
            "type": d.get("device_type") or "",
            "owner_id": d.get("owner_id") or None,
            "registered": d["id"] in registered,
        }
        for d in devices
        if d.get("id")
    ]


def users_for(profile: KazooUser) -> list[dict[str, Any]]:
    """The account's users (administrators only: the caller checks)."""
    users = get_crossbar().users(profile.account.kazoo_id)
    return [
        {
            "id": u["id"],
            "name": " ".join(p for p in (u.get("first_name"), u.get("last_name")) if p)
            or u.get("username")
            or u["id"],
            "username": u.get("username") or "",
            "email": u.get("email") or "",
            "extension": u.get("presence_id") or "",
            "is_admin": u.get("priv_level") == "admin",
        }
        for u in users
        if u.get("id")
    ]


def queues_for(profile: KazooUser) -> list[dict[str, Any]]:
    """The account's call-centre queues (administrators only: the caller checks)."""
    queues = get_crossbar().queues(profile.account.kazoo_id)
    return [
        {"id": q["id"], "name": q.get("name") or q["id"], "extension": q.get("extension") or ""}
        for q in queues
        if q.get("id")
    ]
