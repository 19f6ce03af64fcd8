"""What the admin's lists and detail pages share: status labels, names for ids, text blocks."""

import json
from typing import Any
from urllib.parse import urlsplit

from django.utils.html import format_html

# Status -> the label's colour class (static/css/admin.css).
TONES = {
    "delivered": "ok",
    "active": "ok",
    "placed": "ok",
    "done": "ok",
    "unconfirmed": "wait",
    "pending": "wait",
    "retry": "wait",
    "paused": "wait",
    "failed": "bad",
    "disabled": "bad",
    "gone": "off",
    "refused": "bad",
    "invalid": "bad",
    "blocked": "bad",
    "device_not_found": "bad",
    "not_registered": "bad",
    "kazoo_unreachable": "bad",
    "throttled": "wait",
    "cancelled": "off",
    "unsubscribed": "off",
}


def status_label(status: str, text: str | None = None) -> str:
    tone = TONES.get(status, "off")
    return format_html('<span class="status-label status-{}">{}</span>', tone, text or status)


def person(user: Any) -> str:
    """A Django user as staff know them: the Kazoo user's name, else the username."""
    if user is None:
        return "—"
    profile = getattr(user, "kazoo", None)
    return (profile.name or profile.username) if profile is not None else user.get_username()


def customer(user: Any, account_id: str = "") -> str:
    """The Kazoo account's name of `user`, else the account id."""
    profile = getattr(user, "kazoo", None) if user is not None else None
    return profile.account.name if profile is not None else (account_id or "—")


def host(url: str) -> str:
    return urlsplit(url).hostname or url


def pre(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)
    return format_html('<pre class="admin-pre">{}</pre>', text)


class ObjectActionsMixin:
    """The list's actions as buttons on an object's page (`object_actions`: [(action, label)]).

    A button posts to the list exactly as ticking the row and choosing the action does, so the
    action's own code and permissions apply; one the user may not run is not shown.
    """

    object_actions: list[tuple[str, str]] = []
    change_form_template = "admin/object_actions_form.html"

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        allowed = self.get_actions(request)  # type: ignore[attr-defined]
        context["object_actions"] = [
            (name, label) for name, label in self.object_actions if name in allowed
        ]
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)  # type: ignore[misc]


class KeptRecordMixin:
    """Deliveries, events, call and action requests are the record of what happened: the
    retention jobs prune them, nobody deletes one by hand (a superuser included)."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
