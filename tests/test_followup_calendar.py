"""Business days: the n-th business day strictly after a date, on real U.S. holiday data."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.errors import InputError
from toolkit.calendar import add_business_days, business_days_until, make_calendar

US = make_calendar("US")


@pytest.mark.parametrize(
    "day, name",
    [
        (date(2027, 6, 18), "Juneteenth National Independence Day (observed)"),  # Sat 19 June 2027
        (date(2027, 12, 31), "New Year's Day (observed)"),  # Sat 1 Jan 2028
        (date(2027, 12, 24), "Christmas Day (observed)"),  # Sat 25 Dec 2027
        (date(2027, 7, 5), "Independence Day (observed)"),  # Sun 4 July 2027
        (date(2026, 11, 26), "Thanksgiving Day"),
        (date(2026, 6, 19), "Juneteenth National Independence Day"),
    ],
)
def test_us_observed_holidays_come_from_the_holidays_package(day, name):
    assert US.holiday_name(day) == name
    assert not US.is_business_day(day)


def test_new_year_2028_observed_on_friday_even_when_only_2027_is_looked_up():
    fresh = make_calendar("US")  # no year filled yet
    assert not fresh.is_business_day(date(2027, 12, 31))
    assert add_business_days(date(2027, 12, 30), 1, fresh) == date(2028, 1, 3)


@pytest.mark.parametrize(
    "start, n, expected, why",
    [
        (date(2026, 11, 20), 1, date(2026, 11, 23), "Friday interview -> Monday"),
        (date(2026, 11, 20), 5, date(2026, 11, 30), "Friday + 5 in Thanksgiving week skips Thu 26"),
        (date(2026, 11, 25), 1, date(2026, 11, 27), "day before Thanksgiving -> Friday"),
        (date(2026, 11, 26), 2, date(2026, 11, 30), "promised on Thanksgiving: Fri 27 is the 1st, Mon 30 the 2nd"),
        (date(2026, 11, 26), 1, date(2026, 11, 27), "a holiday start date counts from the next day"),
        (date(2026, 11, 28), 1, date(2026, 11, 30), "Saturday -> Monday"),
        (date(2027, 6, 17), 1, date(2027, 6, 21), "Juneteenth observed Fri 18 June 2027"),
        (date(2026, 6, 18), 1, date(2026, 6, 22), "Juneteenth on Friday 19 June 2026"),
        (date(2027, 12, 23), 1, date(2027, 12, 27), "Christmas observed Fri 24 Dec 2027"),
        (date(2027, 12, 30), 1, date(2028, 1, 3), "New Year 2028 observed Fri 31 Dec 2027"),
        (date(2027, 7, 2), 1, date(2027, 7, 6), "July 4 2027 (Sunday) observed Monday 5"),
        (date(2026, 11, 24), 0, date(2026, 11, 24), "n = 0 is the date itself"),
        (date(2026, 11, 30), -2, date(2026, 11, 25), "backwards skips Thanksgiving and the weekend"),
        (date(2026, 11, 27), -2, date(2026, 11, 24), "deadline reminder two business days ahead"),
    ],
)
def test_add_business_days_edge_cases(start, n, expected, why):
    assert add_business_days(start, n, US) == expected, why


def test_subdivision_adds_state_holidays():
    # Day after Thanksgiving is a California state holiday, not a federal one.
    ca = make_calendar("US", "CA")
    assert US.is_business_day(date(2026, 11, 27))
    assert not ca.is_business_day(date(2026, 11, 27))
    assert add_business_days(date(2026, 11, 25), 1, ca) == date(2026, 11, 30)


def test_country_and_subdivision_are_case_insensitive():
    cal = make_calendar("us", "ca")
    assert (cal.country, cal.subdivision, cal.name) == ("US", "CA", "US-CA")


def test_other_country_uses_its_own_holidays():
    de = make_calendar("DE")
    assert not de.is_business_day(date(2026, 12, 26))  # Zweiter Weihnachtsfeiertag (a Saturday anyway)
    assert not de.is_business_day(date(2026, 10, 3)) and de.is_business_day(date(2026, 11, 26))


def test_unknown_country_is_an_input_error():
    with pytest.raises(InputError) as info:
        make_calendar("XX")
    (issue,) = info.value.issues
    assert issue.code == "unknown_name"
    # the library names its own parameter; only the CLI says --country (tests/test_followup_cli.py)
    assert str(issue).startswith("argument country: unknown country code 'XX'; expected an ISO 3166 code")


def test_unknown_subdivision_lists_the_known_ones():
    with pytest.raises(InputError) as info:
        make_calendar("US", "ZZ")
    (issue,) = info.value.issues
    assert issue.code == "unknown_name"
    assert str(issue).startswith("argument subdivision: 'ZZ' is not a subdivision of US; expected one of: AK, AL,")


def test_business_days_until_counts_the_half_open_interval():
    assert business_days_until(date(2026, 11, 25), date(2026, 11, 27), US) == 1
    assert business_days_until(date(2026, 11, 25), date(2026, 11, 30), US) == 2
    assert business_days_until(date(2026, 11, 25), date(2026, 11, 25), US) == 0
    assert business_days_until(date(2026, 11, 27), date(2026, 11, 25), US) == 0


@settings(max_examples=200, deadline=None)
@given(st.dates(date(2025, 1, 1), date(2029, 12, 31)), st.integers(1, 15))
def test_add_business_days_properties(start, n):
    result = add_business_days(start, n, US)
    assert result > start
    assert US.is_business_day(result)
    assert business_days_until(start, result, US) == n
    # Stepping one at a time gives the same answer.
    step = start
    for _ in range(n):
        step = add_business_days(step, 1, US)
    assert step == result
    # Going back n from a business day returns to the n-th business day before it.
    assert add_business_days(result, -n, US) <= start
