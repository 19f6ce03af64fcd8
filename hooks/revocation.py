"""Access revoked, data stopped: a user's hooks end when their last grant to the app goes.

A hook is made through one OAuth application (Zapier, usually) with the user's token. When that
user holds no live token of that application any more — they pressed Disconnect on /connect/,
staff revoked their tokens, the token was revoked through the OAuth revoke endpoint, or Kazoo cut
the user off (which revokes every token) — the app can no longer even unsubscribe, so the
service stops those hooks itself, at once: status `revoked` with the reason, pending deliveries
cancelled. A refresh is not a revocation: the rotated token's successor is live when the check
runs (after the commit), so the user still holds a grant.

Hooks made before the application was recorded (`oauth_client_id` empty) stop once the user
holds no live token of any application.
"""

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from hooks.models import Hook

logger = logging.getLogger(__name__)

ENDED = [Hook.Status.UNSUBSCRIBED, Hook.Status.GONE, Hook.Status.REVOKED]
REASON = "access revoked: {user} no longer holds a grant to {app}"
CANCELLED_NOTE = "cancelled: the user revoked the app's access"


def holds_grant(user: Any, application: Any | None = None) -> bool:
    """A refresh token not revoked, or an access token not expired, of that app (or any)."""
    scope: dict[str, Any] = {"user": user}
    if application is not None:
        scope["application"] = application
    refresh = get_refresh_token_model().objects.filter(revoked__isnull=True, **scope)
    access = get_access_token_model().objects.filter(expires__gt=timezone.now(), **scope)
    return refresh.exists() or access.exists()


def stop_hooks_without_grant(user: Any, application: Any) -> int:
    """Stop the user's hooks made through `application` if no grant to it is left; how many."""
    if user is None or application is None:
        return 0
    if user.is_active and holds_grant(user, application):
        return 0
    hooks = Hook.objects.filter(owner=user).exclude(status__in=ENDED)
    through = hooks.filter(oauth_client_id=application.client_id)
    if not user.is_active or not holds_grant(user):
        through = hooks.filter(oauth_client_id__in=[application.client_id, ""])
    reason = REASON.format(user=user.get_username(), app=application.name)
    stopped = 0
    for hook in through:
        cancelled = hook.stop(Hook.Status.REVOKED, reason, CANCELLED_NOTE)
        stopped += 1
        logger.info(
            "hook %s revoked (%d pending deliveries cancelled): %s", hook.pk, cancelled, reason
        )
    return stopped


def _token_ended(sender: Any, instance: Any, **kwargs: Any) -> None:
    """An access token deleted, or a refresh token revoked: check once the change commits."""
    if sender is get_refresh_token_model() and instance.revoked is None:
        return
    user_id, application = instance.user_id, instance.application
    if user_id is None:
        return

    def check() -> None:
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(pk=user_id).first()
        stop_hooks_without_grant(user, application)

    transaction.on_commit(check)


def connect_signals() -> None:
    post_delete.connect(
        _token_ended, sender=get_access_token_model(), dispatch_uid="hooks.revoke.access"
    )
    post_delete.connect(
        _token_ended, sender=get_refresh_token_model(), dispatch_uid="hooks.revoke.refresh-deleted"
    )
    post_save.connect(
        _token_ended, sender=get_refresh_token_model(), dispatch_uid="hooks.revoke.refresh"
    )
