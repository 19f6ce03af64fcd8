"""A subscription's filters: checked once when subscribing, matched on every event's payload.

Filters are optional and combined with AND. `number` matches the caller or the callee.
"""

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import phonenumbers
from django.conf import settings

DIRECTIONS = ("inbound", "outbound", "internal")

# Which payload fields each filter looks at.
FILTER_FIELDS: dict[str, tuple[str, ...]] = {
    "direction": ("direction",),
    "user_id": ("user_id",),
    "device_id": ("device_id",),
    "queue_id": ("queue_id",),
    "number": ("from_number", "to_number"),
}


class FilterError(ValueError):
    """A filter a user must fix; `field` names the filter."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def clean_filters(raw: Any, *, event_type: str, payload_keys: Iterable[str]) -> dict[str, str]:
    """The filters as stored: known names, string values, only ones this event type carries."""
    if raw in (None, ""):
        return {}
    if not isinstance(raw, Mapping):
        raise FilterError("filters", "Filters must be an object such as {\"direction\": \"inbound\"}.")
    keys = set(payload_keys)
    cleaned: dict[str, str] = {}
    for name, value in raw.items():
        if name not in FILTER_FIELDS:
            known = ", ".join(FILTER_FIELDS)
            raise FilterError(name, f"Unknown filter '{name}'. Filters are: {known}.")
        if value in (None, ""):
            continue  # Zapier sends empty optional fields; they filter nothing
        if not isinstance(value, str | int):
            raise FilterError(name, f"The filter '{name}' must be a text value.")
        value = str(value).strip()
        if not any(field in keys for field in FILTER_FIELDS[name]):
            raise FilterError(
                name, f"The filter '{name}' does not apply to {event_type} events."
            )
        if name == "direction" and value not in DIRECTIONS:
            raise FilterError(
                name, f"The direction '{value}' is not one of {', '.join(DIRECTIONS)}."
            )
        if name == "number":
            if not normalize_number(value):
                raise FilterError(name, f"The number '{value}' is not a phone number.")
            value = normalize_number(value)
        cleaned[name] = value
    return cleaned


def matches(filters: Mapping[str, str], payload: Mapping[str, Any]) -> bool:
    for name, wanted in filters.items():
        if name == "number":
            if not any(normalize_number(payload.get(f)) == wanted for f in FILTER_FIELDS[name]):
                return False
        elif str(payload.get(FILTER_FIELDS[name][0]) or "") != wanted:
            return False
    return True


@lru_cache(maxsize=4096)
def normalize_number(value: object) -> str:
    """E.164 when it is a phone number, the digits when it is an extension, "" when neither."""
    if value is None:
        return ""
    text = str(value).strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    if not digits or any(ch.isalpha() for ch in text):
        return ""
    try:
        number = phonenumbers.parse(text, settings.DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return digits
    if len(digits) > 6 and phonenumbers.is_possible_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return digits
