"""The one table of bounds on numbers and dates, used by the models, the flags and the files.

Part of the shared base. Real offers are far inside these limits; the limits exist so that a
typo or a hostile file gets a message instead of `inf`, an `OverflowError` in date
arithmetic, or a figure no renderer can print. docs/bounds.md lists them with the reasons.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any

from pydantic import AfterValidator

AMOUNT_MAX = 1e12  # any money amount, in any currency (after turning a rate per hour into a year)
SHARES_MAX = 1e12  # share counts
PRICE_MAX = 1e9  # a price per share or an option strike
RATE_MIN = -1.0  # raise, stock growth, discount rate: above -100% (exclusive) ...
RATE_MAX = 10.0  # ... and at most +1000%
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2200, 12, 31)

# name → (low, high, low is exclusive); `check` and docs/bounds.md read this table.
BOUNDS: dict[str, tuple[float, float, bool]] = {
    "amount": (0.0, AMOUNT_MAX, False),
    "shares": (0.0, SHARES_MAX, True),
    "price": (0.0, PRICE_MAX, False),
    "rate": (RATE_MIN, RATE_MAX, True),
}


def check(kind: str, value: float) -> float:
    """`value` if it is finite and inside the bounds of `kind`; ValueError (worded for the user) otherwise."""
    low, high, low_open = BOUNDS[kind]
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {value!r}")
    if value > high or value < low or (low_open and value == low):
        if kind == "rate":
            raise ValueError(f"expected a percentage above {low * 100:g}% and at most {high * 100:g}%, got {value * 100:g}%")
        raise ValueError(f"expected at most {high:,.0f}, got {value:,.0f}" if value > high else f"expected at least {low:g}, got {value:g}")
    return value


def above(kind: str, values: Any) -> Any:
    """Mask of the values of an array above the upper bound of `kind` (NaN, a missing value, is
    never flagged). The market importers drop or ignore such amounts, counted (docs/market.md)."""
    import numpy as np

    with np.errstate(invalid="ignore"):
        return np.asarray(values, dtype="float64") > BOUNDS[kind][1]


def above_text(kind: str) -> str:
    """'above 1,000,000,000,000': how the market importers name an amount over the bound."""
    return f"above {BOUNDS[kind][1]:,.0f}"


def check_date(value: Any) -> Any:
    """A date between DATE_MIN and DATE_MAX (other values are left to the caller's type check)."""
    if isinstance(value, dt.date) and not DATE_MIN <= (value.date() if isinstance(value, dt.datetime) else value) <= DATE_MAX:
        raise ValueError(f"expected a date between {DATE_MIN} and {DATE_MAX}, got {value.isoformat()}")
    return value


# The date type of every model field (offers, the current job, the follow-up pipeline).
BoundedDate = Annotated[dt.date, AfterValidator(check_date)]
