"""calls.numbers: what click-to-call may dial, and the reason when it may not (no database)."""

import pytest

from calls.numbers import DialPolicy, NumberRefused, destination, normalize_prefix

GERMANY = DialPolicy(region="DE")


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("+49 30 1234567", "+49301234567"),
        ("030 / 123 45-67", "+49301234567"),  # national, in the default region
        ("0049 30 1234567", "+49301234567"),
        ("(+1) 415-555-0123", "+14155550123"),
        ("+1 800 FLOWERS", "+18003569377"),  # letters as on a keypad
    ],
)
def test_numbers_are_normalized_to_e164(raw, number):
    assert destination(raw, GERMANY) == destination(number, GERMANY)
    assert destination(raw, GERMANY).number == number
    assert destination(raw, GERMANY).is_extension is False


def test_the_region_decides_national_numbers():
    assert destination("(415) 555-0123", DialPolicy(region="US")).number == "+14155550123"


@pytest.mark.parametrize("raw", ["201", "5000", " 202 "])
def test_extensions_are_kept_as_they_are(raw):
    result = destination(raw, GERMANY)
    assert (result.number, result.is_extension) == (raw.strip(), True)


@pytest.mark.parametrize("raw", ["", "   ", "12ab", "+49 30", "0", "*97", "+49 30 123#", "9" * 41])
def test_what_is_not_a_phone_number_is_invalid(raw):
    with pytest.raises(NumberRefused) as refused:
        destination(raw, GERMANY)
    assert refused.value.code == "invalid_number"


@pytest.mark.parametrize("raw", ["112", "110", "+49 112", "911"])
def test_emergency_numbers_are_refused(raw):
    policy = DialPolicy(region="US") if raw == "911" else GERMANY
    with pytest.raises(NumberRefused, match="emergency") as refused:
        destination(raw, policy)
    assert refused.value.code == "blocked_number"


def test_premium_rate_numbers_are_refused_unless_allowed():
    with pytest.raises(NumberRefused, match="premium-rate"):
        destination("0900 1234567", GERMANY)
    allowed = DialPolicy(region="DE", block_premium_rate=False)
    assert destination("0900 1234567", allowed).number == "+499001234567"


def test_the_deny_list_matches_e164_prefixes_however_written():
    policy = DialPolicy(region="DE", blocked_prefixes=("0049 137", "+882"))
    with pytest.raises(NumberRefused, match=r"\+49137"):
        destination("01371 234567", policy)
    assert destination("+49 30 1234567", policy).number == "+49301234567"
    assert normalize_prefix("0049-137") == normalize_prefix("+49 137") == "+49137"
