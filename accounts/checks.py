"""System checks for what the branded pages take from settings."""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register

_HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


@register()
def check_branding(app_configs, **kwargs) -> list[Error]:
    """The colours go into a <style> block and the URLs into links: only safe shapes pass."""
    errors = []
    branding = settings.BRANDING
    for key, env in (
        ("primary_color", "PROVIDER_PRIMARY_COLOR"),
        ("accent_color", "PROVIDER_ACCENT_COLOR"),
    ):
        if not _HEX_COLOUR.match(branding.get(key) or ""):
            errors.append(
                Error(f"{env}={branding.get(key)!r} is not a #rrggbb colour", id="accounts.E001")
            )
    for key, env in (("logo_url", "PROVIDER_LOGO_URL"), ("portal_url", "PROVIDER_PORTAL_URL")):
        value = branding.get(key) or ""
        if value and not (value.startswith("/") or urlsplit(value).scheme in ("http", "https")):
            errors.append(
                Error(f"{env}={value!r} must be an http(s) URL or a path", id="accounts.E002")
            )
    return errors
