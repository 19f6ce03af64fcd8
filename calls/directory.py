"""Find User: a Kazoo user by extension, email, name or phone number, with their devices and
whether they are on a call now.

Administrators search the whole account; a user who is no administrator finds only themself
(as the users dropdown is for administrators only).
"""

from typing import Any

import phonenumbers
from django.conf import settings
from rest_framework.exceptions import ValidationError

from accounts.models import KazooUser
from calls import tenancy
from kazoo_zapier.kazoo.crossbar import get_crossbar


def e164(raw: str | None) -> str | None:
    """A number in E.164 (national numbers in DEFAULT_PHONE_REGION), or None if it is none."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        parsed = phonenumbers.parse(text, settings.DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def searched_number(raw: str) -> str:
    """The E.164 form of a number searched for, or a field error a Zapier user can act on."""
    found = e164(raw)
    if found is None:
        raise ValidationError(
            {"number": [f"The number '{raw.strip()}' is not a phone number."]},
            code="invalid_number",
        )
    return found


def _user_numbers(doc: dict[str, Any]) -> set[str]:
    caller_id = doc.get("caller_id") or {}
    numbers = {((caller_id.get(kind) or {}).get("number")) for kind in ("external", "internal")}
    return {n for n in (e164(x) for x in numbers if x) if n}


def find_users(
    profile: KazooUser,
    *,
    extension: str | None = None,
    email: str | None = None,
    name: str | None = None,
    number: str | None = None,
) -> list[dict[str, Any]]:
    crossbar = get_crossbar()
    account_id = profile.account.kazoo_id
    users = [u for u in crossbar.users(account_id) if u.get("id")]
    if not tenancy.may_see_account(profile):
        users = [u for u in users if u["id"] == profile.kazoo_id]
    wanted_number = searched_number(number) if number else None
    wanted_name = (name or "").strip().lower()
    matches = []
    for user in users:
        if extension and (user.get("presence_id") or "") != extension.strip():
            continue
        if email and (user.get("email") or "").lower() != email.strip().lower():
            continue
        names = (tenancy.display_name(user).lower(), (user.get("username") or "").lower())
        if wanted_name and wanted_name not in names[0] and wanted_name != names[1]:
            continue
        doc = crossbar.user(account_id, user["id"])
        if wanted_number and wanted_number not in _user_numbers(doc):
            continue
        matches.append(doc)
    if not matches:
        return []
    devices = crossbar.devices(account_id)
    registered = {
        s.get("device_id") for s in crossbar.devices_status(account_id) if s.get("registered")
    }
    busy = {c.get("owner_id") for c in crossbar.channels(account_id) if c.get("owner_id")}
    return [_found(doc, devices, registered, busy) for doc in matches]


def _found(doc, devices, registered, busy) -> dict[str, Any]:
    caller_id = doc.get("caller_id") or {}
    return {
        "id": doc["id"],
        "name": tenancy.display_name(doc),
        "first_name": doc.get("first_name") or "",
        "last_name": doc.get("last_name") or "",
        "username": doc.get("username") or "",
        "email": doc.get("email") or "",
        "extension": doc.get("presence_id") or "",
        "number": (caller_id.get("external") or {}).get("number") or None,
        "is_admin": doc.get("priv_level") == "admin",
        "enabled": doc.get("enabled", True) is not False,
        "on_a_call": doc["id"] in busy,
        "do_not_disturb": bool((doc.get("do_not_disturb") or {}).get("enabled")),
        "call_forwarding": bool((doc.get("call_forward") or {}).get("enabled")),
        "devices": [
            {
                "id": d["id"],
                "name": d.get("name") or d["id"],
                "type": d.get("device_type") or "",
                "registered": d["id"] in registered,
            }
            for d in devices
            if d.get("owner_id") == doc["id"] and d.get("id")
        ],
    }
