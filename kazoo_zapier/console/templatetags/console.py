"""{% user_live_monitor %}: the connect page's live monitor and test-event button.

A template tag, so that the accounts app's page needs one line and no change to its view.
"""

from typing import Any

from django import template

from events.catalogue import EventType
from hooks.models import Hook
from hooks.selectors import hooks_of, kazoo_profile
from kazoo_zapier.console.monitor import MONITOR_WS_PATH

register = template.Library()


@register.inclusion_tag("console/_user_monitor.html", takes_context=True)
def user_live_monitor(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    profile = kazoo_profile(user) if user is not None and user.is_authenticated else None
    hooks = list(hooks_of(user).filter(status=Hook.Status.ACTIVE)) if profile else []
    for hook in hooks:
        hook.event_title = EventType(hook.event).title
    return {
        "profile": profile,
        "hooks": hooks,
        "ws_path": MONITOR_WS_PATH,
        "csrf_token": context.get("csrf_token"),
    }
