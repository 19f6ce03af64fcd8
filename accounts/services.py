"""What happens to Kazoo users here: mirrored from Kazoo, re-checked, cut off, disconnected."""

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import (
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_refresh_token_model,
    revoke_access_token,
)

from accounts.models import KazooAccount, KazooUser
from accounts.preferences import own_language, resolve_timezone
from kazoo_zapier.kazoo.crossbar import get_crossbar
from kazoo_zapier.kazoo.errors import KazooError, KazooNotFound

logger = logging.getLogger(__name__)

REASON_DISABLED = "The user is disabled in Kazoo"
REASON_DELETED = "The user no longer exists in Kazoo"
REASON_ACCOUNT_DISABLED = "The Kazoo account is disabled"


def _full_name(user_doc: dict[str, Any]) -> str:
    first = (user_doc.get("first_name") or "").strip()
    last = (user_doc.get("last_name") or "").strip()
    return f"{first} {last}".strip()


def _extension(user_doc: dict[str, Any]) -> str:
    """The user's internal number: Kazoo keeps it as the internal caller id, or presence id."""
    caller_id = user_doc.get("caller_id")
    if isinstance(caller_id, dict):
        internal = caller_id.get("internal")
        if isinstance(internal, dict) and internal.get("number"):
            return str(internal["number"])
    presence_id = user_doc.get("presence_id")
    if presence_id:
        return str(presence_id).split("@", 1)[0]
    return str(user_doc.get("extension") or "")


def is_enabled(doc: dict[str, Any]) -> bool:
    """Kazoo documents are enabled unless `enabled` is explicitly false."""
    return doc.get("enabled", True) is not False


def parent_documents(account_doc: dict[str, Any], user_doc: dict[str, Any]) -> list[dict]:
    """The account's parents' documents, nearest first, when the user's zone is theirs to say.

    Asked with the service's token (a user's own may not read its reseller); Kazoo failing
    leaves the zone unresolved (our TIME_ZONE) until the next sync, never the sign-in refused.
    """
    if resolve_timezone([user_doc, account_doc]):
        return []
    crossbar = get_crossbar()
    try:
        parents = crossbar.parents(account_doc["id"])
        return [crossbar.account(parent["id"]) for parent in reversed(parents)]
    except KazooError as error:
        logger.warning("parents of Kazoo account %s unread: %s", account_doc["id"], error)
        return []


@transaction.atomic
def sync_kazoo_user(
    account_doc: dict[str, Any], user_doc: dict[str, Any], parents: list[dict] | None = None
) -> AbstractBaseUser:
    """Create or update the local user from Kazoo's account and user documents (and the
    account's parents', nearest first, for a zone the user inherits).

    The Django username is the Kazoo user id: unique across all accounts, unlike Kazoo usernames.
    A new user gets an unusable password: Kazoo checks the password, we never hold one.
    """
    now = timezone.now()
    account, _ = KazooAccount.objects.update_or_create(
        kazoo_id=account_doc["id"],
        defaults={
            "name": account_doc.get("name") or account_doc["id"],
            "language": own_language(account_doc),
            "last_synced": now,
        },
    )
    User = get_user_model()
    name = _full_name(user_doc)
    user, created = User.objects.get_or_create(username=user_doc["id"])
    if created:
        user.set_unusable_password()
    user.first_name = (user_doc.get("first_name") or "")[:150]
    user.last_name = (user_doc.get("last_name") or "")[:150]
    user.email = user_doc.get("email") or ""
    user.is_active = is_enabled(user_doc)
    user.save()
    KazooUser.objects.update_or_create(
        user=user,
        defaults={
            "account": account,
            "kazoo_id": user_doc["id"],
            "username": user_doc.get("username") or "",
            "name": name or user_doc.get("username") or "",
            "email": user_doc.get("email") or "",
            "extension": _extension(user_doc),
            "language": own_language(user_doc),
            "timezone": resolve_timezone([user_doc, account_doc, *(parents or [])]),
            "is_admin": user_doc.get("priv_level") == "admin",
            "is_active": is_enabled(user_doc),
            "last_synced": now,
            "disabled_reason": "" if is_enabled(user_doc) else REASON_DISABLED,
        },
    )
    return user


def kazoo_profile(user: Any) -> KazooUser | None:
    """The Kazoo profile of a user, or None for staff and anonymous users."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.kazoo
    except KazooUser.DoesNotExist:
        return None


def recheck_kazoo_user(profile: KazooUser) -> str | None:
    """Ask Kazoo (with the service token) whether this user may still use the service.

    Returns why not, or None when they may; keeps the mirror up to date on the way. Kazoo being
    unreachable raises KazooUnreachable: the caller decides whether to wait or refuse.
    """
    crossbar = get_crossbar()
    try:
        account_doc = crossbar.account(profile.account.kazoo_id)
        user_doc = crossbar.user(profile.account.kazoo_id, profile.kazoo_id)
    except KazooNotFound:
        return REASON_DELETED
    if not is_enabled(account_doc):
        return REASON_ACCOUNT_DISABLED
    if not is_enabled(user_doc):
        return REASON_DISABLED
    sync_kazoo_user(account_doc, user_doc, parent_documents(account_doc, user_doc))
    return None


@transaction.atomic
def cut_off_user(profile: KazooUser, reason: str) -> None:
    """The user lost access in Kazoo: mark them inactive, say why, and revoke their tokens."""
    logger.info("Kazoo user %s loses access: %s", profile.kazoo_id, reason)
    now = timezone.now()
    KazooUser.objects.filter(pk=profile.pk).update(
        is_active=False, disabled_reason=reason, last_synced=now
    )
    get_user_model().objects.filter(pk=profile.user_id).update(is_active=False)
    revoke_tokens(profile.user)


def revoke_tokens(user: AbstractBaseUser, application: Any = None) -> int:
    """Revoke every live token (and pending code) of a user, for one application or all.

    DOT's own revoke paths: a refresh token's revoke() also revokes its access token and keeps
    the tombstone that refresh-token reuse protection relies on. Returns how many were revoked.
    """
    RefreshToken = get_refresh_token_model()
    AccessToken = get_access_token_model()
    Grant = get_grant_model()
    scope: dict[str, Any] = {"user": user}
    if application is not None:
        scope["application"] = application
    revoked = 0
    for refresh_token in RefreshToken.objects.filter(revoked__isnull=True, **scope):
        refresh_token.revoke()
        revoked += 1
    for access_token in AccessToken.objects.filter(**scope):
        revoke_access_token(access_token)
        revoked += 1
    Grant.objects.filter(**scope).delete()
    return revoked


def authorized_applications(user: AbstractBaseUser) -> list[dict[str, Any]]:
    """The applications holding a live token of this user, with scopes and since when."""
    AccessToken = get_access_token_model()
    RefreshToken = get_refresh_token_model()
    Application = get_application_model()
    now = timezone.now()
    live_access = AccessToken.objects.filter(user=user, expires__gt=now)
    live_refresh = RefreshToken.objects.filter(user=user, revoked__isnull=True)
    app_ids = set(live_access.values_list("application_id", flat=True)) | set(
        live_refresh.values_list("application_id", flat=True)
    )
    result = []
    for application in Application.objects.filter(pk__in=app_ids).order_by("name"):
        tokens = AccessToken.objects.filter(user=user, application=application)
        scopes: set[str] = set()
        for scope in tokens.values_list("scope", flat=True):
            scopes.update(scope.split())
        first = tokens.order_by("created").values_list("created", flat=True).first()
        result.append(
            {"application": application, "scopes": _in_settings_order(scopes), "since": first}
        )
    return result


def _in_settings_order(scopes: set[str]) -> list[str]:
    """Scopes in the order OAUTH2_PROVIDER["SCOPES"] lists them, as the consent page shows them."""
    order = list(settings.OAUTH2_PROVIDER["SCOPES"])
    return sorted(
        scopes, key=lambda scope: (order.index(scope) if scope in order else len(order), scope)
    )
