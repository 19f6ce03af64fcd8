"""The user's own Zaps on /connect/: what each receives, whether it is sending, and Recover.

The connect page belongs to the accounts app, which knows nothing of hooks: it shows this app's
part through the `{% your_zaps %}` tag (hooks/templatetags/hooks_connect.py), and the Recover form
posts here.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from rest_framework.exceptions import ValidationError

from events.catalogue import title_of
from hooks.models import Hook
from hooks.recovery import recover
from hooks.selectors import hooks_of

# What a user may send again from the page: the windows people think in.
RECOVER_WINDOWS = {
    "1h": (timedelta(hours=1), gettext_lazy("the last hour")),
    "24h": (timedelta(hours=24), gettext_lazy("the last 24 hours")),
    "7d": (timedelta(days=7), gettext_lazy("the last 7 days")),
}

# How each status reads to the person whose Zap it is (staff read Hook.Status's labels).
STATUS_TEXT = {
    Hook.Status.ACTIVE: gettext_lazy("Sending"),
    Hook.Status.PAUSED: gettext_lazy("Paused by your provider"),
    Hook.Status.DISABLED: gettext_lazy("Stopped: it kept failing"),
    Hook.Status.GONE: gettext_lazy("Stopped: Zapier turned this Zap off"),
    Hook.Status.REVOKED: gettext_lazy("Stopped: access was disconnected"),
}


@dataclass(frozen=True)
class ZapRow:
    hook: Hook
    title: str
    status_text: str
    reason: str
    delivered: int
    failed: int
    pending: int

    @property
    def recoverable(self) -> bool:
        return self.hook.can_send


def zap_rows(user: Any) -> list[ZapRow]:
    return [
        ZapRow(
            hook=hook,
            title=title_of(hook.event),
            status_text=str(STATUS_TEXT.get(hook.status, hook.get_status_display())),
            # A stored reason reads in the user's language when it is one of the fixed ones.
            reason=_(hook.status_reason) if hook.status_reason else "",
            delivered=hook.delivered_count,
            failed=hook.failed_count,
            pending=hook.pending_count,
        )
        for hook in hooks_of(user)
    ]


@require_POST
@login_required
def recover_from_connect(request: HttpRequest, hook_id: int) -> HttpResponse:
    """POST /connect/hooks/<id>/recover/: the user's own hook gets a window's events again."""
    hook = get_object_or_404(hooks_of(request.user), id=hook_id)
    choice = RECOVER_WINDOWS.get(request.POST.get("window", ""))
    if choice is None:
        messages.error(request, _("Choose how far back to send the events again."))
        return redirect("connect")
    window, label = choice
    try:
        count = recover(hook, timezone.now() - window)
    except ValidationError as exc:
        messages.error(request, " ".join(_flat(exc.detail)))
        return redirect("connect")
    title = title_of(hook.event)
    if count:
        messages.success(
            request,
            # English keeps its "event(s)" (pages and tests read it); ngettext gives the other
            # languages their own singular and plural.
            ngettext(
                "%(count)d event(s) of %(window)s will be sent again to your “%(title)s” Zap.",
                "%(count)d event(s) of %(window)s will be sent again to your “%(title)s” Zap.",
                count,
            )
            % {"count": count, "window": label, "title": title},
        )
    else:
        messages.info(
            request,
            _("Your “%(title)s” Zap had no events in %(window)s: nothing to send again.")
            % {"title": title, "window": label},
        )
    return redirect("connect")


def _flat(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in _flat(value)]
    if isinstance(detail, list):
        return [m for value in detail for m in _flat(value)]
    return [str(detail)]
