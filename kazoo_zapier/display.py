"""How people see times, phone numbers and durations: one helper each, used everywhere.

Times: the date, the time to the second and the zone ("2026-12-03 13:00:37 UTC"), in the zone
of whoever looks (TimezoneMiddleware activates it; staff read UTC unless they chose another
zone, users their browser's). The same format is Django's DATETIME_FORMAT (kazoo_zapier/formats),
so the admin's own columns and `{{ value }}` agree with the `when` filter and the console's script.

Phone numbers: E.164 numbers in their international form ("+1 415-555-0100"); extensions, SIP
usernames and anything else unchanged.
"""

import zoneinfo
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from urllib.parse import unquote

import phonenumbers
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_datetime
from django.utils.translation import ngettext

# Django's date-format syntax: 2026-12-03 13:00:37 UTC
DATETIME_FORMAT = "Y-m-d H:i:s T"
TIMEZONE_SESSION_KEY = "display_timezone"
BROWSER_TIMEZONE_COOKIE = "tz"  # set by static/js/timezone.js from the browser's own zone


def when(value: datetime | str | None, empty: str = "—") -> str:
    """A moment as every page shows one, in the active time zone; `empty` for none."""
    if value is None or value == "":
        return empty
    if isinstance(value, str):  # an ISO 8601 string, as health reports store them
        parsed = parse_datetime(value)
        if parsed is None:
            return value
        value = parsed
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return date_format(timezone.localtime(value), DATETIME_FORMAT)


def parse_e164(number: str | None) -> phonenumbers.PhoneNumber | None:
    """An E.164 number parsed, or None for an extension, a SIP name or anything else."""
    if not number or not number.startswith("+") or not number[1:].isdigit():
        return None
    try:
        return phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None


@lru_cache(maxsize=16384)
def phone_number(number: str | None) -> str | None:
    """'+14155550100' -> '+1 415-555-0100'; '201' (an extension) and None unchanged."""
    parsed = parse_e164(number)
    if parsed is None:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def duration(seconds: float | timedelta) -> str:
    """A wait as a person says it: '56 minutes', '1 hour 5 minutes', '40 seconds'."""
    if isinstance(seconds, timedelta):
        seconds = seconds.total_seconds()
    total = max(0, round(seconds))
    if total < 60:
        return _seconds(total)
    minutes = -(-total // 60)  # round a wait up: "in 1 minute", never "in 0 minutes"
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return _minutes(minutes)
    if hours >= 24:
        days, hours = divmod(hours, 24)
        return " ".join([_days(days)] + ([_hours(hours)] if hours else []))
    return " ".join([_hours(hours)] + ([_minutes(minutes)] if minutes else []))


# One function per unit: makemessages needs each plural pair spelled out for the translators.
def _seconds(count: int) -> str:
    return ngettext("%(count)d second", "%(count)d seconds", count) % {"count": count}


def _minutes(count: int) -> str:
    return ngettext("%(count)d minute", "%(count)d minutes", count) % {"count": count}


def _hours(count: int) -> str:
    return ngettext("%(count)d hour", "%(count)d hours", count) % {"count": count}


def _days(count: int) -> str:
    return ngettext("%(count)d day", "%(count)d days", count) % {"count": count}


@lru_cache(maxsize=1)
def known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def valid_timezone(name: str | None) -> str | None:
    """`name` when it is an IANA zone this machine knows, else None."""
    if not name or name not in known_timezones():
        return None
    return name


class TimezoneMiddleware:
    """Activates the zone of whoever looks: their choice, else (not staff) the browser's, else UTC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        zone = valid_timezone(session.get(TIMEZONE_SESSION_KEY)) if session is not None else None
        user = getattr(request, "user", None)
        is_staff = bool(user is not None and user.is_authenticated and user.is_staff)
        if zone is None and not is_staff:
            zone = valid_timezone(unquote(request.COOKIES.get(BROWSER_TIMEZONE_COOKIE, "")))
        if zone:
            timezone.activate(zoneinfo.ZoneInfo(zone))
        else:
            timezone.deactivate()
        return self.get_response(request)
