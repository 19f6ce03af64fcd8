"""A user's call forwarding and Do Not Disturb, from a Zap: a PATCH of the Kazoo user document.

Crossbar's PATCH deep-merges (REFERENCE §8.7), so only what the Zap set is sent and the rest of
`call_forward` (the number, when turning it off) stays as it was. The forward number is a number
Kazoo dials out to: it is normalized and checked against the same premium-rate and blocked
prefixes as click-to-call.
"""

from typing import Any

from rest_framework.exceptions import ValidationError

from accounts.models import KazooUser
from calls import tenancy
from calls.action_log import done, recorded
from calls.models import ActionRequest
from calls.numbers import NumberRefused, destination
from calls.services import dial_policy
from kazoo_zapier.api import APIError
from kazoo_zapier.kazoo.crossbar import get_crossbar
from kazoo_zapier.kazoo.errors import KazooValidationError

# Our names for Kazoo's call_forward options ("ring the phones too" is Kazoo's substitute=false).
OPTIONS = ("keep_caller_id", "require_keypress", "direct_calls_only")


def forwarding_of(doc: dict[str, Any]) -> dict[str, Any]:
    forward = doc.get("call_forward") or {}
    return {
        "enabled": bool(forward.get("enabled")),
        "number": forward.get("number") or None,
        "keep_caller_id": bool(forward.get("keep_caller_id", True)),
        "require_keypress": bool(forward.get("require_keypress", True)),
        "direct_calls_only": bool(forward.get("direct_calls_only", False)),
        "ring_phones_too": forward.get("substitute", True) is False,
    }


def _kazoo_refused(error: KazooValidationError) -> APIError:
    fields = ", ".join(sorted(error.data)) if isinstance(error.data, dict) else ""
    return APIError(
        400,
        "kazoo_refused",
        f"The phone system refused the setting{f' ({fields})' if fields else ''}: {error}.",
    )


def set_call_forwarding(
    profile: KazooUser,
    user_id: str | None,
    *,
    enabled: bool,
    number: str | None = None,
    keep_caller_id: bool | None = None,
    require_keypress: bool | None = None,
    direct_calls_only: bool | None = None,
    ring_phones_too: bool | None = None,
) -> dict[str, Any]:
    options = {
        "keep_caller_id": keep_caller_id,
        "require_keypress": require_keypress,
        "direct_calls_only": direct_calls_only,
        "ring_phones_too": ring_phones_too,
    }
    requested = {"enabled": enabled, "number": number or None, **options}
    action = ActionRequest.Action.CALL_FORWARD
    with recorded(profile, action, requested, user_id or profile.kazoo_id) as row:
        target = tenancy.target_user(profile, user_id, doing="change call forwarding")
        row.target_id, row.target_name = target.id, target.name
        change: dict[str, Any] = {"enabled": enabled}
        if number and number.strip():
            try:
                change["number"] = destination(number, dial_policy()).number
            except NumberRefused as refused:
                if refused.code == "invalid_number":
                    raise ValidationError({"number": [str(refused)]}, code=refused.code) from None
                raise APIError(403, refused.code, str(refused)) from None
        elif enabled and not forwarding_of(target.doc)["number"]:
            raise ValidationError(
                {"number": ["Call forwarding needs a number to forward to."]}, code="required"
            )
        for key in OPTIONS:
            if options[key] is not None:
                change[key] = options[key]
        if ring_phones_too is not None:
            change["substitute"] = not ring_phones_too
        try:
            doc = get_crossbar().patch_user(
                profile.account.kazoo_id, target.id, {"call_forward": change}
            )
        except KazooValidationError as error:
            raise _kazoo_refused(error) from error
        forwarding = forwarding_of(doc)
        state = f"to {forwarding['number']}" if forwarding["enabled"] else "off"
        detail = f"Call forwarding for {target.name} is {state}."
        done(row, 200, detail, doc.get("call_forward"))
        return {
            "user_id": target.id,
            "user_name": target.name,
            "call_forward": forwarding,
            "detail": detail,
            "request_id": row.id,
        }


def set_do_not_disturb(profile: KazooUser, user_id: str | None, *, enabled: bool) -> dict[str, Any]:
    action = ActionRequest.Action.DO_NOT_DISTURB
    with recorded(profile, action, {"enabled": enabled}, user_id or profile.kazoo_id) as row:
        target = tenancy.target_user(profile, user_id, doing="change Do Not Disturb")
        row.target_id, row.target_name = target.id, target.name
        change = {"do_not_disturb": {"enabled": enabled}}
        try:
            doc = get_crossbar().patch_user(profile.account.kazoo_id, target.id, change)
        except KazooValidationError as error:
            raise _kazoo_refused(error) from error
        on = bool((doc.get("do_not_disturb") or {}).get("enabled"))
        detail = f"Do Not Disturb for {target.name} is {'on' if on else 'off'}."
        done(row, 200, detail, doc.get("do_not_disturb"))
        return {
            "user_id": target.id,
            "user_name": target.name,
            "do_not_disturb": on,
            "detail": detail,
            "request_id": row.id,
        }
