"""The one way to show a time, a phone number and a wait (kazoo_zapier/display.py)."""

import zoneinfo
from datetime import UTC, datetime, timedelta

from django.template import Context, Template
from django.utils import timezone

from kazoo_zapier import display

MOMENT = datetime(2026, 12, 3, 13, 0, 37, tzinfo=UTC)


def test_a_time_is_the_date_the_time_to_the_second_and_the_zone():
    timezone.deactivate()
    assert display.when(MOMENT) == "2026-12-03 13:00:37 UTC"
    assert display.when(MOMENT.isoformat()) == "2026-12-03 13:00:37 UTC"  # as health stores it
    assert display.when(None) == "—"
    with timezone.override(zoneinfo.ZoneInfo("Europe/Paris")):
        assert display.when(MOMENT) == "2026-12-03 14:00:37 CET"


def test_templates_show_a_datetime_the_same_way_with_or_without_the_filter():
    timezone.deactivate()
    rendered = Template("{{ moment|when }} / {{ moment }} / {{ number|phone }}").render(
        Context({"moment": MOMENT, "number": "+33142685300"})
    )
    assert rendered == "2026-12-03 13:00:37 UTC / 2026-12-03 13:00:37 UTC / +33 1 42 68 53 00"


def test_phone_numbers_in_their_international_form_extensions_unchanged():
    assert display.phone_number("+14155550100") == "+1 415-555-0100"
    assert display.phone_number("+3226543210") == "+32 2 654 32 10"
    assert display.phone_number("201") == "201"
    assert display.phone_number("user_wpxnx7am9w") == "user_wpxnx7am9w"
    assert display.phone_number(None) is None


def test_a_wait_in_words_rounded_up():
    assert display.duration(3322) == "56 minutes"
    assert display.duration(1) == "1 second"
    assert display.duration(59) == "59 seconds"
    assert display.duration(61) == "2 minutes"
    assert display.duration(timedelta(hours=1, minutes=5)) == "1 hour 5 minutes"
    assert display.duration(3600) == "1 hour"
    assert display.duration(90000) == "1 day 1 hour"


def test_a_name_that_is_only_the_number_is_shown_as_the_formatted_number():
    from events.normalizer.summary import party

    assert party("+3226543210", "+3226543210") == "+32 2 654 32 10"
    assert party("Camille Martin", "+33142685300") == "Camille Martin (+33 1 42 68 53 00)"
    assert party(None, "201") == "201"
