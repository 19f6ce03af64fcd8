"""{% load hooks_connect %}{% your_zaps %}: the signed-in user's Zaps, for /connect/."""

from django import template

from hooks.connect import RECOVER_WINDOWS, zap_rows

register = template.Library()


@register.inclusion_tag("hooks/_your_zaps.html", takes_context=True)
def your_zaps(context) -> dict:
    request = context["request"]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "zaps": zap_rows(request.user),
        "windows": [(key, label) for key, (_, label) in RECOVER_WINDOWS.items()],
    }
