"""Phone numbers to E.164, extensions and SIP usernames left as they are.

Parsing with `phonenumbers` costs tens of microseconds, so results are cached per (number, region):
a busy account sees the same few hundred numbers over and over.
"""

from functools import lru_cache

import phonenumbers

# Kazoo extensions are short; anything shorter than this is not tried as a phone number (a German
# region would otherwise accept some 5-digit extensions as local numbers).
_MIN_NATIONAL_DIGITS = 7
_STRIP = str.maketrans("", "", " -.()/")


def user_part(uri: str | None) -> str | None:
    """'201@demo.sip.example.net' -> '201'; 'sip:+4930...@x' -> '+4930...'."""
    if not uri:
        return None
    if uri.startswith("sip:"):
        uri = uri[4:]
    return uri.split("@", 1)[0] or None


@lru_cache(maxsize=16384)
def normalize_number(raw: str | None, region: str | None) -> str | None:
    """E.164 for a phone number; an extension, feature code or username unchanged; None for empty."""
    if raw is None:
        return None
    raw = str(raw).strip()
    if not raw:
        return None
    compact = raw.translate(_STRIP)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    digits = compact[1:] if compact.startswith("+") else compact
    if not digits.isdigit():
        return raw  # 'user_wpxnx7am9w', '*97', 'anonymous'
    if not compact.startswith("+") and len(digits) < _MIN_NATIONAL_DIGITS:
        return raw
    try:
        parsed = phonenumbers.parse(compact, region)
    except phonenumbers.NumberParseException:
        return raw
    if not phonenumbers.is_possible_number(parsed):
        return raw
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def is_phone_number(number: str | None) -> bool:
    """True for a normalized E.164 number (what normalize_number makes of a real phone number)."""
    return bool(number) and number.startswith("+") and number[1:].isdigit()


@lru_cache(maxsize=16384)
def display_number(number: str | None) -> str | None:
    """The human form for summaries: '+1 415-555-0100'; extensions unchanged."""
    if not number or not is_phone_number(number):
        return number
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def real_name(name: str | None, number: str | None) -> str | None:
    """Kazoo fills a missing caller name with the number; that is no name."""
    if not name:
        return None
    compact = name.translate(_STRIP).lstrip("+")
    if number and compact and compact == number.translate(_STRIP).lstrip("+"):
        return None
    if compact.isdigit() and number and number.endswith(compact):
        return None  # the national form of the same number
    return name
