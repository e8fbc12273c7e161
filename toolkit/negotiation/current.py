"""The candidate's current job (optional input): what leaving it costs.

A small YAML/JSON/TOML file read through `toolkit.io.read_document`; validation errors name the
file and the field (`toolkit.load.issues_from_validation`). `forfeited_value` is the make-whole
arithmetic of domain.md §6: unvested equity vesting in the next N months plus the bonus given up.
Pure except `load_current`.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Annotated, Optional

from pydantic import Field, ValidationError

from ..errors import InputError, Issue
from ..offers.models import Amount, Currency, Frozen, Pay, PaySchema

MAKE_WHOLE_MONTHS = 12  # some employers buy out only what vests in the next ~12 months [S59b]


class UnvestedGrant(Frozen):
    """One unvested equity tranche at the current employer: its value and the date it vests."""

    amount: Amount
    vest_date: dt.date


class CurrentJob(Frozen):
    """The current job: pay, PTO and what would be forfeited by leaving."""

    company: Optional[str] = Field(default=None, max_length=200)
    currency: Currency
    base_salary: Optional[Annotated[Pay, PaySchema]] = None
    bonus: Optional[Amount] = None  # annual cash bonus (an amount)
    pto_days: Optional[float] = Field(default=None, ge=0, le=366)
    unvested_equity: tuple[UnvestedGrant, ...] = ()
    bonus_forfeited: Optional[Amount] = None  # bonus earned but not yet paid, lost by leaving
    notes: Optional[str] = Field(default=None, max_length=10_000)


def load_current(path: str | os.PathLike) -> CurrentJob:
    """Read and validate a current-job file.

    Raises:
        InputError: the file cannot be read, or a field is wrong (each issue names the file and field).
    """
    from ..io import read_document
    from ..validation import issues_from_validation

    source = str(path)
    data = read_document(path)
    if not isinstance(data, dict):
        raise InputError([Issue(source=source, message=f"expected a mapping with company, currency, base_salary, ...; got a {type(data).__name__}", code="not_a_mapping")])
    currency = data.get("currency")
    try:
        return CurrentJob.model_validate(data, context={"currency": currency if isinstance(currency, str) else None})
    except ValidationError as exc:
        raise InputError(issues_from_validation(exc, source=source, record="current job", model=CurrentJob)) from None


@dataclass(frozen=True)
class Forfeit:
    """What leaving on `leave_date` gives up, in the current job's currency."""

    leave_date: dt.date
    until: dt.date
    equity: float
    bonus: float
    currency: str
    tranches: tuple[UnvestedGrant, ...]

    @property
    def total(self) -> float:
        return self.equity + self.bonus


def _add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    import calendar

    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def forfeited_value(current: CurrentJob, leave_date: dt.date, months: int = MAKE_WHOLE_MONTHS) -> Forfeit:
    """Unvested equity vesting after `leave_date` and within `months` of it, plus the forfeited bonus.

    Notes:
        forfeit = Σ unvested tranches with leave_date < vest_date ≤ leave_date + months
                  + bonus_forfeited   (domain.md §6, [S59a][S59b])

    Examples:
        >>> job = CurrentJob(currency="USD", unvested_equity=[{"amount": 10000, "vest_date": "2027-03-01"},
        ...                  {"amount": 10000, "vest_date": "2028-03-01"}], bonus_forfeited=5000)
        >>> forfeited_value(job, dt.date(2027, 1, 1)).total
        15000.0
    """
    until = _add_months(leave_date, months)
    tranches = tuple(t for t in current.unvested_equity if leave_date < t.vest_date <= until)
    return Forfeit(leave_date, until, float(sum(t.amount for t in tranches)), float(current.bonus_forfeited or 0.0), current.currency, tranches)
