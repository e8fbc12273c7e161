"""Business days: weekends plus public holidays from the `holidays` package.

Place in the data flow: a pure helper for `rules`. `make_calendar(country, subdivision)`
builds a `BusinessCalendar`; `add_business_days(d, n, calendar)` is the one counting rule
used everywhere: the n-th business day strictly after `d` (strictly before for n < 0).

Why our own loop rather than `numpy.busday_offset`: numpy needs the holiday list up front
for a fixed span of years, while `holidays` fills years lazily as dates are looked up; the
offsets here are a few days, so a loop is as fast and cannot miss a year boundary.

Observed days: for the US the package adds "(observed)" entries by default (a Saturday
holiday is observed on the Friday before, a Sunday one on the Monday after; 5 U.S.C. 6103),
and those observed days are what make a day a non-business day. Other countries follow
the package's own observance rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Optional

from .errors import ARGUMENT, InputError, Issue

WEEKEND = frozenset({5, 6})  # Saturday, Sunday (numpy weekmask "1111100")


@dataclass(frozen=True)
class BusinessCalendar:
    """Mon-Fri minus the public holidays of one country (and optional subdivision)."""

    country: str
    subdivision: Optional[str] = None
    _holidays: object = field(default=None, repr=False, compare=False)

    def holiday_name(self, d: date) -> Optional[str]:
        """The holiday on `d` ("Thanksgiving Day", "Christmas Day (observed)"), or None."""
        # `get` fills the year of `d` on demand (the package's expand=True default).
        return self._holidays.get(d)  # type: ignore[union-attr]

    def is_business_day(self, d: date) -> bool:
        return d.weekday() not in WEEKEND and self.holiday_name(d) is None

    @property
    def name(self) -> str:
        return f"{self.country}-{self.subdivision}" if self.subdivision else self.country


def make_calendar(country: str = "US", subdivision: Optional[str] = None) -> BusinessCalendar:
    """Build the business calendar of `country` (ISO 3166 alpha-2) and optional `subdivision`.

    Raises:
        InputError: unknown country, or a subdivision the country does not have.
    """
    import holidays

    code = (country or "").strip().upper()
    sub = subdivision.strip().upper() if subdivision and subdivision.strip() else None
    supported = holidays.list_supported_countries()
    if code not in supported:
        raise InputError(
            Issue(
                source=ARGUMENT, field="country",
                message=f"unknown country code {country!r}; expected an ISO 3166 code supported by the "
                "holidays package, such as US, CA, GB, DE, FR, IN",
                code="unknown_name",
            )
        )
    subs = list(supported[code])
    if sub is not None and sub not in subs:
        known = ", ".join(subs) if subs else "none"
        raise InputError(
            Issue(
                source=ARGUMENT, field="subdivision",
                message=f"{subdivision!r} is not a subdivision of {code}; expected one of: {known}",
                code="unknown_name",
            )
        )
    cal = holidays.country_holidays(code, subdiv=sub)  # observed=True by default
    return BusinessCalendar(country=code, subdivision=sub, _holidays=cal)


def add_business_days(d: date, n: int, calendar: BusinessCalendar) -> date:
    """The n-th business day strictly after `d` (n > 0), strictly before it (n < 0), or `d` (n == 0).

    `d` itself need not be a business day: two business days after Thanksgiving (Thursday
    26 November 2026) is Monday 30 November (Friday 27th is the first).

    Examples:
        >>> us = make_calendar("US")
        >>> add_business_days(date(2026, 11, 26), 2, us)
        datetime.date(2026, 11, 30)
        >>> add_business_days(date(2026, 11, 20), 1, us)  # Friday -> Monday
        datetime.date(2026, 11, 23)
        >>> add_business_days(date(2026, 11, 30), -2, us)  # skips Thanksgiving
        datetime.date(2026, 11, 25)
    """
    step = timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    current = d
    while remaining:
        current += step
        if calendar.is_business_day(current):
            remaining -= 1
    return current


def business_days_until(start: date, end: date, calendar: BusinessCalendar) -> int:
    """How many business days lie in (start, end]; 0 when end <= start.

    A deadline on Friday 27 November 2026 seen on Wednesday 25th is 1 business day away
    (Thursday is Thanksgiving).
    """
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if calendar.is_business_day(current):
            count += 1
    return count
