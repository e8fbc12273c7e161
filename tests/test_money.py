"""Typed amounts, percentages and periods."""

from __future__ import annotations

import pytest

from toolkit.offers.money import AmountError, Period, annual_factor, parse_amount, parse_currency, parse_fraction


@pytest.mark.parametrize(
    "value, currency, expected",
    [
        (185000, "USD", (185000.0, None)),
        ("185k", "USD", (185000.0, None)),
        ("$185,000", "USD", (185000.0, None)),
        ("€65,000", "EUR", (65000.0, None)),
        ("65000 EUR", "EUR", (65000.0, None)),
        ("EUR 65k", "EUR", (65000.0, None)),
        ("£60,000.50", "GBP", (60000.5, None)),
        ("1.5M", "USD", (1_500_000.0, None)),
        ("95/hour", "USD", (95.0, Period.HOUR)),
        ("95 per hour", "USD", (95.0, Period.HOUR)),
        ("15000/month", "EUR", (15000.0, Period.MONTH)),
        ("50/month", "USD", (50.0, Period.MONTH)),
        ({"amount": 95, "per": "hour"}, "USD", (95.0, Period.HOUR)),
        ({"amount": "15k", "per": "month"}, "EUR", (15000.0, Period.MONTH)),
        ("C$90,000", "CAD", (90000.0, None)),
        ("$90,000", "CAD", (90000.0, None)),
    ],
)
def test_amounts_people_type(value, currency, expected):
    assert parse_amount(value, currency) == expected


@pytest.mark.parametrize(
    "value, currency, fragment",
    [
        ("€65,000", "USD", "written in '€', but the offer's currency is USD"),
        ("65000 GBP", "EUR", "is in GBP, but the offer's currency is EUR"),
        ("65.000", "EUR", "'65.000' is ambiguous"),
        ("65.000,00", "EUR", "ambiguous"),
        ("65,5", "EUR", "decimal comma"),
        ("1,85,000", "INR", "misplaced thousands separators"),
        ("lots", "USD", "expected an amount like 185000"),
        ("95/fortnightly", "USD", "unknown pay period 'fortnightly'"),
        (True, "USD", "expected an amount"),
        (float("nan"), "USD", "finite"),
        ({"amount": 5, "rate": 2}, "USD", "expected {amount"),
    ],
)
def test_amounts_refused(value, currency, fragment):
    with pytest.raises(AmountError, match=__import__("re").escape(fragment)):
        parse_amount(value, currency)


@pytest.mark.parametrize("value, expected", [("15%", 0.15), (0.15, 0.15), ("0.15", 0.15), ("-20%", -0.2), (1, 1.0), ("150%", 1.5)])
def test_percentages(value, expected):
    assert parse_fraction(value) == pytest.approx(expected)


def test_bare_whole_percentage_is_an_error_with_a_hint():
    with pytest.raises(AmountError) as err:
        parse_fraction(15)
    assert str(err.value) == "expected a percentage like 15% or 0.15, got 15; write 15% (or 0.15) if you mean 15 percent"


def test_period_factors():
    assert [annual_factor(p) for p in Period] == [2080, 260, 52, 26, 24, 12, 1]
    assert annual_factor(Period.HOUR, hours_per_year=2087) == 2087
    assert annual_factor(Period.MONTH, extra_months=2) == 14


def test_currency_codes():
    assert parse_currency(" usd ") == "USD"
    with pytest.raises(AmountError, match="ISO 4217"):
        parse_currency("XYZ")


def test_ambiguous_hint_is_built_from_the_input():
    with pytest.raises(AmountError) as err:
        parse_amount("1.234.567", "EUR")
    assert str(err.value).endswith("write 1234567 or 1,234,567 if you mean 1,234,567")
