"""Vesting schedules: presets and custom specs turned into (month, fraction) vest events.

Pure functions. A schedule is a tuple of events, each the month after the vesting start
(1, 2, ...) and the fraction of the grant that vests then; fractions always sum to exactly 1.
An event at month m falls in employment year ceil(m / 12).
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Sequence

Events = tuple[tuple[int, float], ...]

FREQUENCIES = {"monthly": 12, "quarterly": 4, "semiannual": 2, "annual": 1}
SUM_TOLERANCE = 0.01  # percentage points


def _spread_years(yearly: Sequence[float], periods_per_year: int, cliff_months: int = 0) -> Events:
    """Spread each year's share evenly over its periods, paid at the end of each period.

    Events before the cliff are paid at the cliff month.
    """
    step = 12 // periods_per_year
    events: dict[int, float] = {}
    for year, share in enumerate(yearly):
        for k in range(1, periods_per_year + 1):
            month = 12 * year + k * step
            month = max(month, cliff_months)
            events[month] = events.get(month, 0.0) + share / periods_per_year
    return tuple(sorted(events.items()))


def _preset_events() -> dict[str, Events]:
    cliff_monthly = ((12, 0.25),) + tuple((m, 1 / 48) for m in range(13, 49))
    cliff_quarterly = ((12, 0.25),) + tuple((m, 0.0625) for m in range(15, 49, 3))
    three_year = ((12, 1 / 3),) + tuple((m, 1 / 36) for m in range(13, 37))
    return {
        "4y-cliff-monthly": cliff_monthly,
        "4y-cliff-quarterly": cliff_quarterly,
        "4y-quarterly": tuple((m, 0.0625) for m in range(3, 49, 3)),
        "4y-annual": ((12, 0.25), (24, 0.25), (36, 0.25), (48, 0.25)),
        "3y-cliff-monthly": three_year,
        "amazon": ((12, 0.05), (24, 0.15), (30, 0.20), (36, 0.20), (42, 0.20), (48, 0.20)),
        "front-33-33-22-12": _spread_years((0.33, 0.33, 0.22, 0.12), 12),
        "front-38-32-20-10": _spread_years((0.38, 0.32, 0.20, 0.10), 12),
    }


PRESETS: dict[str, Events] = _preset_events()
DEFAULT_PRESET = "4y-cliff-monthly"


def to_fractions(values: Sequence[float], what: str) -> tuple[float, ...]:
    """Percentages (25, 25, ...) or fractions (0.25, ...) → fractions summing to exactly 1.

    Entries are percentages unless they are all at most 1 and sum to 1 (within 0.0001).
    The sum must be 100% within 0.01 percentage points; the fractions are then scaled so
    they sum to exactly 1.

    Examples:
        >>> to_fractions([25, 25, 25, 25], "yearly")
        (0.25, 0.25, 0.25, 0.25)
        >>> to_fractions([0.5, 0.5], "yearly")
        (0.5, 0.5)
    """
    vals = [float(v) for v in values]
    if not vals:
        raise ValueError(f"{what} is empty; give at least one share")
    if any(v < 0 for v in vals):
        raise ValueError(f"{what} has a negative share: {vals}")
    total = sum(vals)
    if all(v <= 1 for v in vals) and math.isclose(total, 1.0, abs_tol=1e-4):
        percents = [v * 100 for v in vals]
    else:
        percents = vals
    psum = sum(percents)
    if abs(psum - 100.0) > SUM_TOLERANCE + 1e-9:  # float slack so 99.99% is accepted
        shown = " + ".join(f"{p:g}%" for p in percents)
        raise ValueError(f"{what} must sum to 100%, got {psum:g}% ({shown})")
    return tuple(p / psum for p in percents)


@lru_cache(maxsize=None)
def custom_yearly(yearly: tuple[float, ...], frequency: str = "annual", cliff_months: int = 0) -> Events:
    """Events for `{yearly: [...], frequency: ..., cliff_months: N}` (yearly already fractions)."""
    return _spread_years(yearly, FREQUENCIES[frequency], cliff_months)


def custom_events(pairs: Sequence[tuple[int, float]]) -> Events:
    """Merge events in the same month and sort them (fractions already scaled to 1)."""
    merged: dict[int, float] = {}
    for month, frac in pairs:
        merged[int(month)] = merged.get(int(month), 0.0) + frac
    return tuple(sorted(merged.items()))


def vest_year(month: int) -> int:
    """The employment year an event at `month` falls in: ceil(month / 12).

    Examples:
        >>> vest_year(12), vest_year(13), vest_year(48)
        (1, 2, 4)
    """
    return -(-int(month) // 12)
