"""Vesting presets and custom schedules against hand-computed events."""

from __future__ import annotations

import math

import pytest

from toolkit.offers import vesting as v
from toolkit.offers.models import Vesting


def by_year(events, years=4):
    out = [0.0] * years
    for month, frac in events:
        out[v.vest_year(month) - 1] += frac
    return out


@pytest.mark.parametrize(
    "preset, n_events, yearly",
    [
        ("4y-cliff-monthly", 37, [0.25, 0.25, 0.25, 0.25]),
        ("4y-cliff-quarterly", 13, [0.25, 0.25, 0.25, 0.25]),
        ("4y-quarterly", 16, [0.25, 0.25, 0.25, 0.25]),
        ("4y-annual", 4, [0.25, 0.25, 0.25, 0.25]),
        ("3y-cliff-monthly", 25, [1 / 3, 1 / 3, 1 / 3, 0.0]),
        ("amazon", 6, [0.05, 0.15, 0.40, 0.40]),
        ("front-33-33-22-12", 48, [0.33, 0.33, 0.22, 0.12]),
        ("front-38-32-20-10", 48, [0.38, 0.32, 0.20, 0.10]),
    ],
)
def test_preset_events_by_year(preset, n_events, yearly):
    events = v.PRESETS[preset]
    assert len(events) == n_events
    assert math.isclose(sum(f for _, f in events), 1.0, abs_tol=1e-12)
    assert by_year(events) == pytest.approx(yearly, abs=1e-12)


def test_cliff_monthly_exact_events():
    events = v.PRESETS["4y-cliff-monthly"]
    assert events[0] == (12, 0.25)
    assert events[1] == (13, pytest.approx(1 / 48))
    assert events[-1] == (48, pytest.approx(1 / 48))


def test_cliff_quarterly_months():
    assert [m for m, _ in v.PRESETS["4y-cliff-quarterly"]] == [12, 15, 18, 21, 24, 27, 30, 33, 36, 39, 42, 45, 48]


def test_amazon_months():
    assert v.PRESETS["amazon"] == ((12, 0.05), (24, 0.15), (30, 0.20), (36, 0.20), (42, 0.20), (48, 0.20))


def test_front_loaded_spreads_each_year_over_its_months():
    events = dict(v.PRESETS["front-33-33-22-12"])
    assert events[1] == pytest.approx(0.33 / 12)
    assert events[12] == pytest.approx(0.33 / 12)
    assert events[37] == pytest.approx(0.12 / 12)


def test_custom_yearly_quarterly_with_cliff_pays_early_events_at_the_cliff():
    s = Vesting.model_validate({"yearly": [25, 25, 25, 25], "frequency": "quarterly", "cliff_months": 12}).schedule
    assert s[0] == (12, pytest.approx(0.25))
    assert [m for m, _ in s] == [12, 15, 18, 21, 24, 27, 30, 33, 36, 39, 42, 45, 48]


def test_custom_yearly_defaults_to_annual():
    s = Vesting.model_validate({"yearly": ["40%", "30%", "20%", "10%"]}).schedule
    assert s == ((12, pytest.approx(0.4)), (24, pytest.approx(0.3)), (36, pytest.approx(0.2)), (48, pytest.approx(0.1)))


def test_custom_semiannual():
    s = Vesting.model_validate({"yearly": [50, 50], "frequency": "semiannual"}).schedule
    assert [m for m, _ in s] == [6, 12, 18, 24]
    assert all(f == pytest.approx(0.25) for _, f in s)


def test_custom_events_accept_fractions_and_percents():
    a = Vesting.model_validate({"events": [[6, 50], [18, "50%"]]}).schedule
    b = Vesting.model_validate({"events": [[6, 0.5], [18, 0.5]]}).schedule
    assert a == b == ((6, 0.5), (18, 0.5))


def test_fractions_within_tolerance_are_scaled_to_exactly_one():
    s = Vesting.model_validate({"yearly": [33.33, 33.33, 33.33]}).schedule  # 99.99%: within 0.01 points
    assert sum(f for _, f in s) == pytest.approx(1.0, abs=1e-15)


@pytest.mark.parametrize(
    "spec, fragment",
    [
        ({"yearly": [25, 25, 25]}, "must sum to 100%, got 75% (25% + 25% + 25%)"),
        ({"yearly": [33.3, 33.3, 33.3]}, "must sum to 100%, got 99.9%"),
        ({"events": [[0, 100]]}, "whole number of months from 1"),
        ({"preset": "quarterly-ish"}, "unknown vesting preset 'quarterly-ish'"),
        ({"yearly": [50, 50], "events": [[12, 100]]}, "exactly one of"),
        ({"events": [[12, 100]], "cliff_months": 12}, "frequency and cliff_months go with yearly"),
    ],
)
def test_bad_schedules(spec, fragment):
    with pytest.raises(ValueError, match=__import__("re").escape(fragment)):
        Vesting.model_validate(spec)


def test_vest_year_boundaries():
    assert [v.vest_year(m) for m in (1, 12, 13, 24, 25, 48)] == [1, 1, 2, 2, 3, 4]
