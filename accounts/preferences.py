"""What language and time zone each Kazoo user wants, as Kazoo records them (issue 18).

Kazoo keeps a `language` (a plain string such as "de-DE") and a `timezone` (an IANA name, or
"inherit") on every user and account. A user's zone is their own, else their account's, else
that account's parents' in turn (kzd_user:timezone/2, kzd_accounts:timezone/2), else our
TIME_ZONE: Kazoo's own last resort (America/Los_Angeles) would be wrong for a European provider.
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.translation import get_supported_language_variant

from kazoo_zapier.display import valid_timezone

INHERIT = "inherit"


def own_language(doc: dict[str, Any]) -> str:
    """A document's `language` as Kazoo stores it ("de-DE"), or "" when it names none."""
    value = doc.get("language")
    return value.strip()[:35] if isinstance(value, str) else ""


def own_timezone(doc: dict[str, Any]) -> str:
    """A document's own zone, or "" when it has none, says "inherit" or names no real zone."""
    value = doc.get("timezone")
    if not isinstance(value, str) or value == INHERIT:
        return ""
    return valid_timezone(value) or ""


def resolve_timezone(docs: Iterable[dict[str, Any]]) -> str:
    """The first own zone of the user, account and parents, nearest first ("" for none)."""
    return next((zone for zone in map(own_timezone, docs) if zone), "")


def supported_language(kazoo_language: str) -> str | None:
    """Our language for Kazoo's ("de-DE" -> "de", "pt-BR" -> None), or None."""
    if not kazoo_language:
        return None
    try:
        return get_supported_language_variant(kazoo_language.replace("_", "-").lower())
    except LookupError:
        return None


def language_region(kazoo_language: str) -> str | None:
    """The country of a language tag ("de-DE" -> "DE", "fr" -> None)."""
    parts = kazoo_language.replace("_", "-").split("-")
    region = parts[1].upper() if len(parts) > 1 else ""
    return region if len(region) == 2 and region.isalpha() else None


def default_region() -> str:
    return settings.DEFAULT_PHONE_REGION
