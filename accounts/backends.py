"""Authentication backends: Kazoo credentials for users, Django passwords for staff only.

Order in AUTHENTICATION_BACKENDS: axes first (refuses locked-out attempts), then Kazoo, then staff.
Both real backends go through django.contrib.auth.authenticate(), so a failure sends Django's
user_login_failed signal, which is what django-axes counts.
"""

import logging
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from accounts.services import is_enabled, parent_documents, sync_kazoo_user
from kazoo_zapier.kazoo.crossbar import get_crossbar
from kazoo_zapier.kazoo.errors import KazooAuthError, KazooNotFound, KazooValidationError

logger = logging.getLogger(__name__)


class KazooBackend(ModelBackend):
    """Checks account name, username and password with Kazoo's `PUT /v2/user_auth`.

    Wrong credentials return None (a failed attempt). Kazoo being unreachable or failing raises
    KazooError: that is not the user's fault, so it must not count towards a lock-out, and the
    sign-in page says so instead of "wrong password".
    """

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        account_name: str | None = None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ):
        if not account_name or not username or not password:
            return None
        crossbar = get_crossbar()
        try:
            session = crossbar.user_auth(account_name.strip(), username.strip().lower(), password)
        except (KazooAuthError, KazooNotFound, KazooValidationError):
            return None
        if not session.owner_id:
            # An account-level token (no user) cannot act for a person.
            return None
        account_doc = crossbar.account(session.account_id, token=session.token)
        user_doc = crossbar.user(session.account_id, session.owner_id, token=session.token)
        user = sync_kazoo_user(account_doc, user_doc, parent_documents(account_doc, user_doc))
        if not (is_enabled(account_doc) and is_enabled(user_doc)):
            logger.info("Kazoo user %s is disabled; sign-in refused", session.owner_id)
            return None
        return user


class StaffBackend(ModelBackend):
    """Django's own password check, for staff (the admin) only.

    It stays out of Kazoo sign-ins: without this guard a staff username and password typed into
    the Kazoo form would sign in as staff.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if "account_name" in kwargs:
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not user.is_staff:
            return None
        return user


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """What django-axes counts failures against: the account name and the username together."""
    source: Any = credentials or (request.POST if request is not None else {})
    username = (source.get("username") or "").strip().lower()
    account_name = (source.get("account_name") or "").strip().lower()
    return f"{account_name}/{username}" if account_name else username
