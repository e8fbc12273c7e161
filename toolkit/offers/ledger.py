"""The dated ledger: where each offer's months fall in calendar years, and the two views.

The ledger is logical. Every amount is earned over months and paid in a month counted from the
start (month 0 is the first month employed); nothing is materialised per pay period. Each
offer year k (months 12k … 12k+11) straddles at most two calendar years: its first
`12 − shift` months fall in calendar year k (counted from the start's calendar year) and the
last `shift` months in calendar year k + 1, where `shift` is the start's month of the year
(0 = January). So any amount that accrues evenly, or in proportion to pay, within an offer
year splits into a "first part" and a "second part", and calendar-year sums are
first[k] + second[k − 1]; amounts worked out per calendar year (the US limits) go back to
offer years by the same weights. Dated one-off events (bonus payouts, sign-on, vests) are
summed into either view with one `np.bincount`. Rules: docs/methodology.md §1.
"""

from __future__ import annotations

import datetime as dt

import numpy as np


def month_index(day: dt.date) -> int:
    """The absolute month (year × 12 + month − 1) a date falls in.

    Examples:
        >>> month_index(dt.date(2026, 1, 31)) - month_index(dt.date(2025, 12, 1))
        1
    """
    return day.year * 12 + day.month - 1


def first_month(start: dt.date) -> int:
    """The first month counted as employed: the start's month when the start is on or before
    the 15th, else the next month (the same rule prorates the first bonus year).

    Examples:
        >>> first_month(dt.date(2025, 7, 15)) % 12 + 1, first_month(dt.date(2025, 7, 16)) % 12 + 1
        (7, 8)
    """
    return month_index(start) + (1 if start.day > 15 else 0)


def default_start(today: dt.date) -> dt.date:
    """The start date assumed for an offer without one: the first day of the month after `today`.

    Examples:
        >>> default_start(dt.date(2026, 12, 5))
        datetime.date(2027, 1, 1)
    """
    return dt.date(today.year + (today.month == 12), today.month % 12 + 1, 1)


def month_date(index: int) -> dt.date:
    """The first day of an absolute month."""
    return dt.date(index // 12, index % 12 + 1, 1)


def to_calendar(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Offer-year parts (offers × H) → calendar years (offers × H+1): cy[c] = first[c] + second[c − 1]."""
    n, h = first.shape
    out = np.zeros((n, h + 1))
    out[:, :h] += first
    out[:, 1:] += second
    return out


def to_offer_years(cy: np.ndarray, w_first: np.ndarray, w_second: np.ndarray, w_cy: np.ndarray) -> np.ndarray:
    """Calendar-year amounts (offers × H+1) → offer years (offers × H), each calendar year's
    amount spread over its months in proportion to the weights (pay, or months)."""
    share = np.divide(cy, w_cy, out=np.zeros_like(cy), where=w_cy > 0)
    return share[:, :-1] * w_first + share[:, 1:] * w_second


def scatter(rows: np.ndarray, cols: np.ndarray, values: np.ndarray, n: int, width: int) -> np.ndarray:
    """Sum values into an (n × width) array at (rows, cols): one bincount, no Python loop."""
    flat = np.asarray(rows, dtype=np.int64) * width + np.asarray(cols, dtype=np.int64)
    return np.bincount(flat.ravel(), weights=np.asarray(values, dtype=float).ravel(), minlength=n * width).reshape(n, width)


def split_pay(monthly: np.ndarray, shift: np.ndarray, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """For month-by-month amounts (rows × 12H): per offer year, the sum over the whole year and over
    its first 12 − shift months (the part in the earlier calendar year or bonus year)."""
    by_year = monthly.reshape(len(monthly), horizon, 12)
    inside = np.arange(12)[None, :] < (12 - np.asarray(shift))[:, None]
    return by_year.sum(axis=2), (by_year * inside[:, None, :]).sum(axis=2)


# Pay frequencies whose pay dates are not tied to the month (docs/methodology.md §3): days between
# pay dates, and pay periods a year (the per-period pay is the annual salary ÷ periods).
PAY_PERIODS = {"biweekly": (14, 26), "weekly": (7, 52)}


def pay_anchor(start: dt.date) -> dt.date:
    """Where the pay periods begin: the start date, or the first day of the first month counted
    when the start is after the 15th (the ledger counts that start from the next month).

    Examples:
        >>> pay_anchor(dt.date(2026, 1, 5)), pay_anchor(dt.date(2026, 1, 20))
        (datetime.date(2026, 1, 5), datetime.date(2026, 2, 1))
    """
    return start if start.day <= 15 else month_date(first_month(start))


def _epoch_days(month: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of the first day of absolute months (year × 12 + month − 1)."""
    return (np.asarray(month, dtype=np.int64) - 1970 * 12).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def pay_dates_per_month(anchor: np.ndarray, days: np.ndarray, first: np.ndarray, months: int) -> np.ndarray:
    """How many pay dates fall in each month m = 0 … months − 1 from absolute month `first`, for pay
    dates anchor + k × days (k = 1, 2, …: the first pay date one period after the anchor, paid in
    arrears). Arithmetic only, no pay date is materialised: with K(x) the number of pay dates
    before day x, K(x) = max(⌈(x − anchor) / days⌉ − 1, 0), a month [a, b) holds K(b) − K(a).

    `anchor` is in days since 1970-01-01; one row per offer.

    Examples:
        >>> a = np.array([(np.datetime64("2026-01-05") - np.datetime64("1970-01-01")).astype(int)])
        >>> pay_dates_per_month(a, np.array([14]), np.array([2026 * 12]), 12).tolist()  # 19 Jan, 2 and 16 Feb, ...
        [[1, 2, 3, 2, 2, 2, 2, 3, 2, 2, 2, 2]]
    """
    bounds = _epoch_days(np.asarray(first)[:, None] + np.arange(months + 1)[None, :])
    d = np.asarray(days, dtype=np.int64)[:, None]
    before = np.maximum(-((np.asarray(anchor, dtype=np.int64)[:, None] - bounds) // d) - 1, 0)
    return np.diff(before, axis=1)


def split_years(per_year: np.ndarray, per_offer_year: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How each year of a paid view divides between offer years (docs/tax.md, allocation).

    `per_year` (offers × H+1) is paid per year of a view whose year 0 holds the start (calendar
    or tax years); `per_offer_year` (offers × H) is the same amounts paid per offer year. Year c
    holds the end of offer year c − 1 and the beginning of offer year c, so with
    early[c] (the part in offer year c − 1) and late[c] (the part in offer year c):
    late[0] = per_year[0], early[c] = per_offer_year[c − 1] − late[c − 1], late[c] = per_year[c] − early[c],
    and the last year is all early. Returns (early, late), each offers × H+1, never negative.

    Examples:
        >>> e, l = split_years(np.array([[2.0, 12.0, 10.0]]), np.array([[12.0, 12.0]]))  # a November start
        >>> e.tolist(), l.tolist()
        ([[0.0, 10.0, 10.0]], [[2.0, 2.0, 0.0]])
    """
    n, h1 = per_year.shape
    early, late = np.zeros((n, h1)), np.zeros((n, h1))
    late[:, 0] = per_year[:, 0]
    for c in range(1, h1):
        early[:, c] = np.maximum(per_offer_year[:, c - 1] - late[:, c - 1], 0.0)
        late[:, c] = np.maximum(per_year[:, c] - early[:, c], 0.0) if c < h1 - 1 else 0.0
    early[:, h1 - 1] = per_year[:, h1 - 1]
    return early, late


def payouts_by_offer_year(per_cy: np.ndarray, start: np.ndarray, month_of_year: np.ndarray, horizon: int) -> np.ndarray:
    """Amounts paid once a calendar year in a fixed month (a bonus in its payout month), per calendar
    year (offers × H+1, year 0 the start's) → per offer year (offers × H).

    `month_of_year` is the payout's calendar month (1-12) per offer; `start` the absolute month
    (year × 12 + month − 1) of the first month counted.

    Examples:
        >>> s = np.array([2026 * 12 + 10])  # November 2026; a March payout in 2027 is month 4: offer year 1
        >>> payouts_by_offer_year(np.array([[0.0, 5.0, 7.0]]), s, np.array([3]), 2).tolist()
        [[5.0, 7.0]]
    """
    # calendar year c's payout is at month 12c + (month_of_year − 1) − shift from the start: in offer
    # year c when the payout month is not before the start's month of the year, else in offer year c − 1
    per_cy = np.asarray(per_cy, dtype=float)
    later = (np.asarray(month_of_year) - 1 - np.asarray(start) % 12 >= 0)[:, None]
    out = np.where(later, per_cy[:, :horizon], per_cy[:, 1:])
    # (a payout before the start or after the horizon is never in the paid view: kept here all the same)
    out[:, horizon - 1] += np.where(later[:, 0], per_cy[:, horizon], 0.0)
    out[:, 0] += np.where(later[:, 0], 0.0, per_cy[:, 0])
    return out
