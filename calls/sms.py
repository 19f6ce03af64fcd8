"""Send an SMS from a Zap through Crossbar's `PUT /sms` (REFERENCE §8.5), where the provider has
set SMS up in Kazoo (SMS_ENABLED); otherwise the endpoint is 404 with the reason.

Users send from their own number (their external caller ID), administrators from any number of
the account. The destination is checked as for calls: premium-rate and blocked prefixes are
refused. Kazoo checks its preconditions (the account, its SMS service and standing, the
reseller's, the `from` number) in order; each failure gets its own sentence.
"""

from typing import Any

from django.conf import settings

from accounts.models import KazooUser
from calls import tenancy
from calls.action_log import done, recorded
from calls.models import ActionRequest
from calls.numbers import NumberRefused, destination
from calls.services import dial_policy
from kazoo_zapier.api import APIError
from kazoo_zapier.kazoo.crossbar import get_crossbar
from kazoo_zapier.kazoo.errors import KazooError, KazooUnreachable

MAX_BODY = 700  # Kazoo's sms schema: body 1-700 characters


def sms_disabled() -> APIError:
    return APIError(
        404,
        "sms_disabled",
        "Sending SMS is not available: your provider has not turned SMS on for this service.",
    )


def own_number(doc: dict[str, Any]) -> str | None:
    return ((doc.get("caller_id") or {}).get("external") or {}).get("number") or None


def numbers_for(profile: KazooUser) -> list[dict[str, str]]:
    """The numbers the user may send from: their own; an administrator: the account's with SMS."""
    if not settings.SMS_ENABLED:
        raise sms_disabled()
    crossbar = get_crossbar()
    account_id = profile.account.kazoo_id
    mine = own_number(crossbar.user(account_id, profile.kazoo_id))
    if not profile.is_admin:
        return [{"id": mine, "name": f"{mine} (yours)"}] if mine else []
    numbers = crossbar.phone_numbers(account_id)
    return [
        {"id": number, "name": f"{number} (yours)" if number == mine else number}
        for number, info in sorted(numbers.items())
        if "sms" in (info.get("features") or [])
    ]


def send_sms(profile: KazooUser, *, to: str, body: str, sender: str | None = None) -> dict:
    if not settings.SMS_ENABLED:
        raise sms_disabled()
    requested = {"from": sender or None, "to": to, "body": body}
    with recorded(profile, ActionRequest.Action.SMS, requested, profile.kazoo_id) as row:
        crossbar = get_crossbar()
        account_id = profile.account.kazoo_id
        me = crossbar.user(account_id, profile.kazoo_id)
        row.target_name = tenancy.display_name(me)
        try:
            target = destination(to, dial_policy())
        except NumberRefused as refused:
            status = 400 if refused.code == "invalid_number" else 403
            raise APIError(status, refused.code, str(refused)) from None
        if target.is_extension:
            raise APIError(
                400, "invalid_number", f"Send an SMS to a phone number, not an extension ({to})."
            )
        chosen = _sender(profile, me, sender)
        try:
            answer = crossbar.send_sms(account_id, target.number, body, sender=chosen)
        except KazooUnreachable:
            raise
        except KazooError as error:
            raise _precondition(error, chosen, profile) from error
        detail = f"SMS sent from {answer.get('from') or chosen} to {target.number}."
        done(row, 201, detail, answer)
        return {
            "request_id": row.id,
            "message_id": answer.get("message_id") or "",
            "from": answer.get("from") or chosen,
            "to": answer.get("to") or target.number,
            "body": body,
            "route_type": answer.get("route_type") or "",
            "status": "sent",
            "detail": detail,
        }


def _normalized(number: str) -> str:
    try:
        return destination(number, dial_policy()).number
    except NumberRefused:
        return number.strip()


def _sender(profile: KazooUser, me: dict[str, Any], sender: str | None) -> str:
    mine = own_number(me)
    if not sender:
        if mine:
            return mine
        raise APIError(
            409,
            "no_number",
            "You have no phone number of your own to send from. Choose one of the account's "
            "numbers, or ask your administrator to give you one.",
        )
    chosen = _normalized(sender)
    if chosen == mine:
        return chosen
    if not profile.is_admin:
        raise APIError(
            403,
            "not_your_number",
            f"You may send SMS only from your own number ({mine or 'none'}), not from {chosen}.",
        )
    return chosen


def _precondition(error: KazooError, sender: str, profile: KazooUser) -> APIError:
    data = error.data if isinstance(error.data, dict) else {}
    said = str(data.get("message") or "")
    from_errors = data.get("from") if isinstance(data.get("from"), dict) else {}
    if error.kazoo_message == "disabled":
        return APIError(
            403,
            "account_disabled",
            f"The Kazoo account {profile.account.name} is disabled; ask your provider.",
        )
    if said == "sms services not enabled for account":
        return APIError(
            403,
            "sms_not_enabled",
            f"SMS is not turned on for {profile.account.name} in the phone system; ask your "
            "provider to enable it.",
        )
    if said == "sms services not enabled for reseller":
        return APIError(
            503,
            "sms_not_enabled_reseller",
            "Your provider has not turned SMS on in the phone system yet; tell your provider.",
        )
    if said == "service temporarily unavailable":
        return APIError(
            503,
            "reseller_not_in_good_standing",
            "The phone system cannot send SMS for your provider right now; try again later or "
            "tell your provider.",
        )
    if error.kazoo_message == "account" and said:
        return APIError(
            402,
            "account_not_in_good_standing",
            f"The phone system will not send SMS for {profile.account.name} (Kazoo: {said}); "
            "ask your provider.",
        )
    if "invalid" in from_errors:
        return APIError(
            400, "unknown_number", f"The phone system does not know the number {sender}."
        )
    forbidden = str((from_errors.get("forbidden") or {}).get("message") or "")
    if "sms enabled" in forbidden:
        return APIError(
            409,
            "number_without_sms",
            f"{sender} cannot send SMS: SMS is not enabled on this number. Choose another or "
            "ask your administrator.",
        )
    if forbidden:
        return APIError(
            403, "not_an_account_number", f"{sender} is not a number of {profile.account.name}."
        )
    body_errors = data.get("body") if isinstance(data.get("body"), dict) else None
    if body_errors:
        return APIError(400, "invalid_body", f"Kazoo refused the message text: {body_errors}.")
    return APIError(
        502, "kazoo_error", f"The phone system refused the SMS: {error}. Try again later."
    )
