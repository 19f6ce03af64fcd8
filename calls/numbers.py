"""What a click-to-call may dial: a phone number in E.164, or an internal extension.

Pure functions over settings passed in, so that every rule is a small test. Each refusal carries a
sentence the Zapier user can act on ("The number '12ab' is not a phone number").
"""

import re
from dataclasses import dataclass

import phonenumbers
from django.utils.translation import gettext as _
from phonenumbers import PhoneNumberType, shortnumberinfo
from phonenumbers.shortnumberinfo import ShortNumberCost

# Kazoo extensions are short and never start with a trunk prefix (0) or a country code (+).
EXTENSION = re.compile(r"^[1-9][0-9]{1,5}$")
# What people write around digits: spaces, dashes, dots, parentheses, slashes.
SEPARATORS = re.compile(r"[\s\-./()]")
# Longer than any E.164 number with room for separators: nothing to parse beyond this.
MAX_INPUT_LENGTH = 40


@dataclass(frozen=True)
class Destination:
    number: str  # E.164 ("+4930123456") or the extension's digits ("202")
    is_extension: bool


class NumberRefused(ValueError):
    """The destination may not be called; `code` is the API's error code, str() the reason."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class DialPolicy:
    region: str  # for numbers written without a country code (DEFAULT_PHONE_REGION)
    block_premium_rate: bool = True
    blocked_prefixes: tuple[str, ...] = ()  # E.164 prefixes, e.g. ("+49137", "+882")


def normalize_prefix(prefix: str) -> str:
    """A deny-list entry as an E.164 prefix: "0049 137" and "+49-137" are both "+49137"."""
    digits = SEPARATORS.sub("", prefix)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    return digits if digits.startswith("+") else "+" + digits


def destination(raw: str, policy: DialPolicy) -> Destination:
    """The normalized destination of `raw`, or NumberRefused saying why it may not be called."""
    text = (raw or "").strip()
    if not text:
        raise NumberRefused("invalid_number", _("Give the number to call."))
    if len(text) > MAX_INPUT_LENGTH:
        raise NumberRefused(
            "invalid_number", _("The number is too long to be a phone number.")
        )
    compact = SEPARATORS.sub("", text)

    if EXTENSION.match(compact):
        _refuse_special_short_number(compact, policy.region)
        return Destination(compact, is_extension=True)

    try:
        parsed = phonenumbers.parse(text, policy.region)
    except phonenumbers.NumberParseException:
        raise NumberRefused(
            "invalid_number", _("The number '%(number)s' is not a phone number.") % {"number": text}
        ) from None
    country = phonenumbers.region_code_for_country_code(parsed.country_code)
    if shortnumberinfo.is_emergency_number(str(parsed.national_number), country):
        raise _emergency(text)  # "+49 112" is no valid E.164 number, but it is still 112
    # Letters are read as a keypad would (1-800-FLOWERS); anything else must be digits.
    if not compact.lstrip("+").isalnum() or not phonenumbers.is_valid_number(parsed):
        raise NumberRefused(
            "invalid_number",
            f"The number '{text}' is not a phone number. Write it with its country code, "
            "e.g. +49 30 1234567.",
        )
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if policy.block_premium_rate and phonenumbers.number_type(parsed) == (
        PhoneNumberType.PREMIUM_RATE
    ):
        raise NumberRefused(
            "blocked_number",
            f"The number {e164} is a premium-rate number; your provider does not allow calls "
            "to premium-rate numbers from Zapier.",
        )
    for prefix in policy.blocked_prefixes:
        if e164.startswith(normalize_prefix(prefix)):
            raise NumberRefused(
                "blocked_number",
                f"Calls to {e164} are blocked by your provider (numbers starting with "
                f"{normalize_prefix(prefix)}).",
            )
    return Destination(e164, is_extension=False)


def _refuse_special_short_number(digits: str, region: str) -> None:
    """An extension-shaped number that is a public short number (112, premium 118xx) is refused:
    Kazoo would route it to the public network, not to a colleague."""
    if shortnumberinfo.is_emergency_number(digits, region):
        raise _emergency(digits)
    parsed = phonenumbers.parse(digits, region)
    if shortnumberinfo.expected_cost_for_region(parsed, region) == ShortNumberCost.PREMIUM_RATE:
        raise NumberRefused(
            "blocked_number",
            f"{digits} is a premium-rate service number; your provider does not allow calls to "
            "premium-rate numbers from Zapier.",
        )


def _emergency(text: str) -> NumberRefused:
    return NumberRefused(
        "blocked_number",
        f"{text} is an emergency number. Emergency calls cannot be placed from Zapier: dial it "
        "from your phone.",
    )
