"""Latvian personal codes: normalising, validation reasons, generation and masking."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.services.casework import personal_code as pc

TODAY = dt.date(2025, 6, 15)
# A widely published valid example: born 16.11.1975.
VALID = "161175-19997"


def _with_check_digit(first_ten: str) -> str:
    weights = (1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = (1101 - sum(int(d) * w for d, w in zip(first_ten, weights, strict=True))) % 11
    assert check < 10, "pick digits whose check digit exists"
    return f"{first_ten[:6]}-{first_ten[6:]}{check}"


def _reason(raw: str) -> str:
    with pytest.raises(pc.InvalidPersonalCode) as info:
        pc.validate(raw, today=TODAY)
    return info.value.code


@pytest.mark.parametrize(
    "raw",
    ["161175-19997", "16117519997", " 161175-19997 ", "161175 19997", "1611 75-1999 7"],
)
def test_normalise_accepts_spaces_and_optional_hyphen(raw: str) -> None:
    assert pc.normalise(raw) == VALID


@pytest.mark.parametrize(
    "raw",
    ["", "161175-1999", "161175-199977", "16117-519997", "161175--19997", "16117A-19997", "abc"],
)
def test_malformed_codes_fail_on_format(raw: str) -> None:
    assert _reason(raw) == "format"
    with pytest.raises(pc.InvalidPersonalCode):
        pc.normalise(raw)


def test_non_string_fails_on_format() -> None:
    with pytest.raises(pc.InvalidPersonalCode) as info:
        pc.validate(None, today=TODAY)  # type: ignore[arg-type]
    assert info.value.code == "format"


def test_valid_old_form_code() -> None:
    assert pc.validate("16117519997", today=TODAY) == VALID
    assert pc.birth_date(VALID) == dt.date(1975, 11, 16)


def test_wrong_check_digit_fails_on_checksum() -> None:
    assert _reason("161175-19998") == "checksum"
    assert _reason("161175-19990") == "checksum"


def test_check_digit_of_ten_can_never_be_valid() -> None:
    rng = random.Random(7)
    for _ in range(1000):
        first_ten = f"010190{rng.choice('012')}{rng.randrange(1000):03d}"
        weights = (1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
        if (1101 - sum(int(d) * w for d, w in zip(first_ten, weights, strict=True))) % 11 == 10:
            break
    else:
        pytest.fail("no prefix with check digit 10 found")
    for last in "0123456789":
        assert _reason(first_ten + last) == "checksum"


@pytest.mark.parametrize(
    "first_ten",
    [
        "3102991000",  # 31 February
        "2902011000",  # 29 February 1901 (not a leap year)
        "3104851000",  # 31 April
        "0013851000",  # month 13
        "0001851000",  # day 0
        "1506853000",  # century digit 3 does not exist
        "1506859000",  # century digit 9 does not exist
    ],
)
def test_impossible_dates_fail_on_date(first_ten: str) -> None:
    # Every last digit: the date is checked before the check digit.
    for last in "0123456789":
        assert _reason(first_ten + last) == "date"


def test_leap_day_in_leap_year_is_a_date() -> None:
    code = _with_check_digit("2902002234")
    assert pc.validate(code, today=TODAY) == code
    assert pc.birth_date(code) == dt.date(2000, 2, 29)


def test_nineteenth_century_codes() -> None:
    code = pc.generate_old(dt.date(1899, 12, 31), random.Random(1))
    assert code[7] == "0"
    assert pc.validate(code, today=TODAY) == code
    assert pc.birth_date(code) == dt.date(1899, 12, 31)


def test_future_birth_date_fails_on_date() -> None:
    tomorrow = TODAY + dt.timedelta(days=1)
    code = pc.generate_old(tomorrow, random.Random(3))
    assert _reason(code) == "date"
    assert pc.validate(code, today=tomorrow) == code


def test_today_defaults_to_the_current_date() -> None:
    next_year = dt.date.today().replace(month=1, day=1) + dt.timedelta(days=366)
    with pytest.raises(pc.InvalidPersonalCode) as info:
        pc.validate(pc.generate_old(next_year, random.Random(5)))
    assert info.value.code == "date"


@pytest.mark.parametrize("raw", ["320000-00000", "32123456789", "329999 99999", "321234-56780"])
def test_new_form_is_accepted_without_date_or_check_digit(raw: str) -> None:
    code = pc.validate(raw, today=TODAY)
    assert code == pc.normalise(raw)
    assert pc.is_new_form(code)
    assert pc.birth_date(code) is None


def test_new_form_still_needs_eleven_digits() -> None:
    assert _reason("32123-456789") == "format"
    assert _reason("3212345678") == "format"


def test_exception_is_a_value_error_with_a_readable_message() -> None:
    with pytest.raises(ValueError) as info:
        pc.validate("161175-19998", today=TODAY)
    exc = info.value
    assert isinstance(exc, pc.InvalidPersonalCode)
    assert exc.code == "checksum"
    assert str(exc) and str(exc) == str(exc.message)
    assert "161175" not in str(exc), "messages must not echo the personal code"


def test_messages_differ_per_reason() -> None:
    messages = {str(pc.InvalidPersonalCode(code)) for code in ("format", "date", "checksum")}
    assert len(messages) == 3


def test_birth_date_rejects_garbage() -> None:
    with pytest.raises(pc.InvalidPersonalCode):
        pc.birth_date("not a code")
    with pytest.raises(pc.InvalidPersonalCode) as info:
        pc.birth_date("310299-10000")
    assert info.value.code == "date"


def test_generate_old_outside_the_encodable_centuries() -> None:
    with pytest.raises(ValueError):
        pc.generate_old(dt.date(1799, 12, 31), random.Random(1))
    with pytest.raises(ValueError):
        pc.generate_old(dt.date(2100, 1, 1), random.Random(1))


def test_generate_new_shape() -> None:
    rng = random.Random(11)
    codes = {pc.generate_new(rng) for _ in range(200)}
    assert len(codes) > 190
    for code in codes:
        assert len(code) == 12 and code[6] == "-" and code.startswith("32")
        assert pc.validate(code, today=TODAY) == code


def test_generation_is_deterministic_for_a_seed() -> None:
    born = dt.date(1990, 1, 1)
    assert pc.generate_old(born, random.Random(9)) == pc.generate_old(born, random.Random(9))
    assert pc.generate_new(random.Random(9)) == pc.generate_new(random.Random(9))


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("010190-12345", "010190-*****"),
        ("01019012345", "010190-*****"),
        ("321234-56789", "32****-*****"),
        ("garbage", "******-*****"),
        ("", "******-*****"),
    ],
)
def test_mask(raw: str, masked: str) -> None:
    assert pc.mask(raw) == masked


@given(
    born=st.dates(min_value=dt.date(1800, 1, 1), max_value=TODAY),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_generated_old_codes_always_validate(born: dt.date, seed: int) -> None:
    code = pc.generate_old(born, random.Random(seed))
    assert pc.validate(code, today=TODAY) == code
    assert pc.birth_date(code) == born
    assert pc.normalise(code.replace("-", "")) == code


@given(
    born=st.dates(min_value=dt.date(1800, 1, 1), max_value=TODAY),
    seed=st.integers(min_value=0, max_value=2**32),
    delta=st.integers(min_value=1, max_value=9),
)
def test_any_other_last_digit_fails_on_checksum(born: dt.date, seed: int, delta: int) -> None:
    code = pc.generate_old(born, random.Random(seed))
    wrong = code[:-1] + str((int(code[-1]) + delta) % 10)
    assert _reason(wrong) == "checksum"


@given(
    digits=st.text(alphabet="0123456789", min_size=11, max_size=11),
)
def test_validate_either_accepts_or_names_a_reason(digits: str) -> None:
    try:
        code = pc.validate(digits, today=TODAY)
    except pc.InvalidPersonalCode as exc:
        assert exc.code in {"date", "checksum"}
    else:
        assert code == f"{digits[:6]}-{digits[6:]}"
