"""Who a Zap may act on, in one place: a user acts on themself; an administrator of the Kazoo
account on any user of that account; nobody on another account's users.

Another account's user (or an id that exists nowhere) answers 404, exactly alike; a colleague
named by a user who is no administrator answers 403, saying who may.
"""

from dataclasses import dataclass
from typing import Any

from accounts.models import KazooUser
from kazoo_zapier.api import APIError
from kazoo_zapier.kazoo.crossbar import get_crossbar
from kazoo_zapier.kazoo.errors import KazooNotFound

SELF = ("", "me")


@dataclass(frozen=True)
class Target:
    id: str
    name: str
    doc: dict[str, Any]  # the Kazoo user document
    is_self: bool


def display_name(doc: dict[str, Any]) -> str:
    name = " ".join(p for p in (doc.get("first_name"), doc.get("last_name")) if p)
    return name or doc.get("username") or doc.get("id") or ""


def not_found(user_id: str, profile: KazooUser) -> APIError:
    return APIError(
        404,
        "user_not_found",
        f"{profile.account.name} has no user with the id '{user_id}'. Choose one from the list.",
    )


def target_user(profile: KazooUser, user_id: str | None, *, doing: str) -> Target:
    """The Kazoo user `user_id` names (empty or "me": the caller), if the caller may act on them.

    `doing` completes "You may only ... for yourself", e.g. "change call forwarding".
    """
    wanted = (user_id or "").strip()
    is_self = wanted in SELF or wanted == profile.kazoo_id
    target_id = profile.kazoo_id if is_self else wanted
    try:
        doc = get_crossbar().user(profile.account.kazoo_id, target_id)
    except KazooNotFound:
        raise not_found(target_id, profile) from None
    if not is_self and not profile.is_admin:
        refusal = APIError(
            403,
            "not_your_user",
            f"You may only {doing} for yourself, not for {display_name(doc)}. Ask an "
            f"administrator of {profile.account.name} to set up this step.",
        )
        refusal.target_name = display_name(doc)  # for the admin row: whom it was tried on
        raise refusal
    return Target(id=target_id, name=display_name(doc), doc=doc, is_self=is_self)


def may_see_account(profile: KazooUser) -> bool:
    """Searches: administrators search the whole account, a user only themself."""
    return profile.is_admin
