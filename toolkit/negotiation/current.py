"""The candidate's current job (optional input): what leaving it costs, and what staying pays.

A small YAML/JSON/TOML file read through `toolkit.io.read_document`; validation errors name the
file and the field (`toolkit.validation.issues_from_validation`). `forfeited_value` is the
make-whole arithmetic of domain.md §6: unvested equity vesting in the next N months plus the
bonus given up. `evaluate_stay` turns the job into an `Offer` (the "stay" scenario) and runs it
through the same engine as the offers (rules in docs/current.md). Pure except `load_current`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
from dataclasses import dataclass, replace
from typing import Annotated, Any, Literal, Optional, Sequence

import numpy as np
from pydantic import Field, ValidationError, model_validator

from ..bounds import BoundedDate
from ..errors import InputError, Issue
from ..offers.results import Evaluation
from ..offers.models import (
    Amount, Benefits, Bonus, Currency, EquityGrant, Fraction, Frozen, Offer, Pay, PaySchema, Refresher, Retirement, TaxProfile,
    Text,
)

MAKE_WHOLE_MONTHS = 12  # some employers buy out only what vests in the next ~12 months [S59b]


class UnvestedGrant(Frozen):
    """One unvested equity tranche at the current employer: its value and the date it vests."""

    amount: Amount
    vest_date: BoundedDate


class CurrentGrant(EquityGrant):
    """An equity grant held today: an offer-file grant plus the date its vesting started."""

    vest_start: dt.date


class CurrentJob(Frozen):
    """The current job: pay, PTO, what would be forfeited by leaving, and the offer-record
    fields (base, bonus, equity grants with their vesting, location, ...) that the stay
    scenario is computed from."""

    company: Optional[str] = Field(default=None, max_length=200)
    role: Optional[Text] = None
    level: Optional[Text] = None
    location: Optional[Text] = None
    currency: Currency
    base_salary: Optional[Annotated[Pay, PaySchema]] = None
    pay_frequency: Literal["monthly", "semimonthly", "biweekly", "weekly"] = "monthly"  # as in an offer file
    extra_months: Optional[float] = Field(default=None, ge=0, le=12)
    hours_per_year: Optional[float] = Field(default=None, gt=0, le=8784)
    bonus: Optional[Bonus] = None  # an amount a year (`15k`), a target (`15%`) or an offer-file bonus mapping
    equity: tuple[CurrentGrant, ...] = ()
    refresher: Optional[Refresher] = None
    retirement: Optional[Retirement] = None
    benefits: Optional[Benefits] = None
    pto_days: Optional[float] = Field(default=None, ge=0, le=366)
    col_index: Optional[float] = Field(default=None, gt=0, le=1000)
    tax_rate: Optional[Fraction] = None
    tax: Optional[TaxProfile] = None  # as an offer's `tax:` (docs/tax.md): resolved with `location` the same way
    unvested_equity: tuple[UnvestedGrant, ...] = ()
    bonus_forfeited: Optional[Amount] = None  # bonus earned but not yet paid, lost by leaving
    notes: Optional[str] = Field(default=None, max_length=10_000)

    @model_validator(mode="before")
    @classmethod
    def _shapes(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        value = dict(value)
        bonus = value.get("bonus")
        # Here a bare figure is the annual cash bonus (`bonus: 15k`), as this file has always
        # read it; `15%` is a target, as in an offer file.
        if isinstance(bonus, (int, float)) and not isinstance(bonus, bool):
            value["bonus"] = {"amount": bonus}
        elif isinstance(bonus, str):
            value["bonus"] = {"target": bonus} if bonus.strip().endswith("%") else {"amount": bonus}
        if isinstance(value.get("equity"), dict):
            value["equity"] = [value["equity"]]
        return value

    @model_validator(mode="after")
    def _grant_currency(self) -> "CurrentJob":
        for g, grant in enumerate(self.equity):
            if grant.currency is not None and grant.currency != self.currency:
                # forfeit sums are in the job's currency; a second currency would need an FX table here
                raise ValueError(f"equity[{g}] is in {grant.currency} but the job is paid in {self.currency}: "
                                 f"give current-job grants in {self.currency} (convert the grant value)")
        return self

    def grant_tranches(self) -> tuple[UnvestedGrant, ...]:
        """Each vest event of the `equity` grants as a tranche at today's value (quoted price, net
        of strike), dated vest_start + the event's month; past dates included (callers filter)."""
        out = []
        for grant in self.equity:
            net = max(grant.start_value - grant.strike_total, 0.0)
            for month, frac in grant.vesting.schedule:
                out.append(UnvestedGrant(amount=net * frac, vest_date=_add_months(grant.vest_start, month)))
        return tuple(out)

    def tranches(self) -> tuple[UnvestedGrant, ...]:
        """Every unvested tranche: the listed `unvested_equity` and the `equity` grants' events, by date."""
        return tuple(sorted((*self.unvested_equity, *self.grant_tranches()), key=lambda t: t.vest_date))


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
        raise InputError([Issue(source=source, message=f"expected a mapping with company, currency, base_salary, ...; got a {type(data).__name__}", code="wrong_type")])
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
    tranches = tuple(t for t in current.tranches() if leave_date < t.vest_date <= until)
    return Forfeit(leave_date, until, float(sum(t.amount for t in tranches)), float(current.bonus_forfeited or 0.0), current.currency, tranches)


# ------------------------------------------------------------------ the stay scenario

STAY_ID = "current"
VERSUS = ("year1_tc", "average_tc", "average_tc_after_tax")  # the figures each offer's `vs_current` compares
NO_TAX_PLACE = ("no after-tax figure for the current job: give its location (e.g. `location: Seattle, WA`) or "
                "tax.country and tax.state in the current-job file, or a tax_rate")


def stay_start(offers: Sequence[Offer], today: dt.date) -> dt.date:
    """The day year 1 of the stay scenario begins: the earliest offer start date (the day a move
    would begin), else the first day of the month after `today`."""
    dates = [o.start_date for o in offers if o.start_date is not None]
    return min(dates) if dates else _add_months(today.replace(day=1), 1)


def month_offset(start: dt.date, day: dt.date) -> int:
    """The 1-based month of the stay scenario that `day` falls in: k when
    start + (k − 1) months ≤ day < start + k months (so months 1–12 are year 1).

    Examples:
        >>> month_offset(dt.date(2027, 1, 4), dt.date(2027, 1, 4)), month_offset(dt.date(2027, 1, 4), dt.date(2027, 2, 3))
        (1, 1)
        >>> month_offset(dt.date(2027, 1, 4), dt.date(2028, 1, 4))
        13
    """
    return 12 * (day.year - start.year) + day.month - start.month + (1 if day.day >= start.day else 0)


def _remaining_grant(events: list[tuple[int, float]], fields: dict[str, Any], scale_field: str, scale: float) -> dict[str, Any]:
    """A grant holding only the events still to come: its size scaled by their share, the
    shares re-spread over them (a vesting schedule must sum to 100%)."""
    total = sum(f for _, f in events)
    return {**fields, scale_field: scale * total, "vesting": {"events": [[k, f / total * 100] for k, f in events]}}


def stay_offer(job: CurrentJob, start: dt.date) -> Optional[Offer]:
    """The current job as an Offer whose month 1 begins on `start`; None without a base salary.

    Only vests on or after `start` are kept (earlier ones are paid whether the candidate stays
    or moves). `unvested_equity` tranches become one RSU grant at today's value; each `equity`
    grant keeps its remaining events at their months from `start`.
    """
    if job.base_salary is None:
        return None
    grants: list[dict[str, Any]] = []
    listed = [(month_offset(start, t.vest_date), t.amount) for t in job.unvested_equity if t.vest_date >= start and t.amount > 0]
    if listed:
        value = sum(a for _, a in listed)
        grants.append({"type": "rsu", "grant_value": value, "vesting": {"events": [[k, a / value * 100] for k, a in listed]}})
    for grant in job.equity:
        events = [(month_offset(start, _add_months(grant.vest_start, m)), f) for m, f in grant.vesting.schedule
                  if _add_months(grant.vest_start, m) >= start]
        if not events:
            continue
        fields = grant.model_dump(exclude={"vest_start", "vesting"}, exclude_none=True)
        size = "grant_value" if grant.grant_value is not None else "shares"
        grants.append(_remaining_grant(events, fields, size, float(getattr(grant, size))))
    data: dict[str, Any] = {
        "id": STAY_ID, "company": job.company or "Current job", "currency": job.currency, "start_date": start,
        "base_salary": {"amount": job.base_salary.amount, "per": job.base_salary.per.value},
        "equity": grants or None,
    }
    for name in ("role", "level", "location", "pay_frequency", "extra_months", "hours_per_year", "pto_days", "col_index", "tax_rate"):
        if getattr(job, name) is not None:
            data[name] = getattr(job, name)
    for name in ("bonus", "refresher", "retirement", "benefits", "tax"):
        if getattr(job, name) is not None:
            data[name] = getattr(job, name).model_dump(exclude_none=True)
    return Offer.model_validate(data, context={"currency": job.currency})


@dataclass(frozen=True)
class Baseline:
    """The stay scenario: the current job evaluated by the same engine, assumptions and FX
    table as the offers (`evaluation` is None when the file has no base salary)."""

    job: CurrentJob
    start: dt.date
    evaluation: Optional[Evaluation]  # the Evaluation of the one stay Offer, or None
    source: Optional[str] = None
    vested_before_start: int = 0  # tranches that vest before `start`: paid either way, not counted
    # The paid (calendar-year) view of staying: the same Offer with the bonus year in progress at
    # `start` paid in full (a continuing employee, not a new hire); see paid_stay_offer.
    paid: Optional[Evaluation] = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON document's top-level `current` block (unrounded)."""
        out: dict[str, Any] = {"company": self.job.company, "currency": self.job.currency, "source": self.source,
                               "start_date": self.start.isoformat(), "baseline": self.evaluation is not None}
        if self.evaluation is None:
            out["notes"] = ["the current-job file has no base_salary: there is no stay scenario to compare with; "
                            "add base_salary (and bonus, equity) to see how much more each offer pays"]
            return out
        figures = self.evaluation.offer_dict(0)
        # The engine's paid view treats a start as a new hire (first bonus year prorated); staying
        # is not, so the paid figures come from `paid`, where the bonus year in progress pays in full.
        dated = ("calendar_years", "bonus_accrued_unpaid", "first_12_months_cash", "start_date_assumed")
        out.update({k: v for k, v in figures.items() if k not in ("id", "company", "currency", "missing_terms", *dated)})
        paid = self.paid or self.evaluation  # its calendar view and figures only (no second tax run)
        calendar = paid.calendar_dict(0)
        out.update({k: calendar[k] for k in ("calendar_years", "bonus_accrued_unpaid") if k in calendar})
        if paid.figures.first_12_months_cash is not None:
            out["first_12_months_cash"] = float(paid.figures.first_12_months_cash[0])
        notes = [f"stay scenario: year k is the k-th 12 months from {self.start.isoformat()} (the earliest offer start date), "
                 "with the same raise, stock growth and FX as the offers; current grants vest on their dates"]
        if self.evaluation.offers[0].bonus is not None:  # said beside the calendar years (compare --basis calendar-year)
            out["calendar_notes"] = [
                f"stay scenario, calendar years: you are not a new hire, so the bonus year in progress on {self.start.isoformat()} "
                "is paid in full on its payout date, and the bonus of the year that ended before it is counted when it is paid "
                f"on or after {self.start.isoformat()} (bonus_forfeited from the file, else a full year's bonus)"]
        profile = self.evaluation.after_tax.profiles[0]
        if profile.engine != "flat" and not profile.country:
            notes.append(NO_TAX_PLACE)
        if self.vested_before_start:
            notes.append(f"{self.vested_before_start} tranche(s) vesting before {self.start.isoformat()} are paid whether you stay or move, so they are not counted")
        out["notes"] = notes
        return out

    def versus(self, evaluation: Evaluation, i: int) -> Optional[dict[str, Any]]:
        """Offer i against staying: each VERSUS figure's difference and the difference ÷ the stay figure."""
        if self.evaluation is None:
            return None
        out = {}
        for key in VERSUS:
            stay, offer = float(self.evaluation.headlines[key][0]), float(evaluation.headlines[key][i])
            if np.isnan(stay) or np.isnan(offer):  # an after-tax figure missing on either side: no difference
                out[key] = {"offer": None if np.isnan(offer) else offer, "current": None if np.isnan(stay) else stay,
                            "difference": None, "fraction": None}
                continue
            out[key] = {"offer": offer, "current": stay, "difference": offer - stay,
                        "fraction": round((offer - stay) / stay, 4) if stay > 0 else None}
        return out

    def offer_block(self, evaluation: Evaluation, i: int) -> dict[str, Any]:
        """For `report.text.build_document(offer_blocks=...)`: the offer's `vs_current`."""
        versus = self.versus(evaluation, i)
        return {} if versus is None else {"vs_current": versus}

    def document_block(self, evaluation: Evaluation) -> dict[str, Any]:
        """For `report.text.build_document(document_blocks=...)`: the top-level `current`."""
        return {"current": self.to_dict()}


def paid_stay_offer(offer: Offer) -> Offer:
    """The stay Offer for the paid view: its first bonus year paid in full (`first_year: full`, no
    eligibility cut-off), as for an employee already there; the earned view keeps the Offer as is.

    Examples:
        >>> o = Offer.model_validate({"company": "A", "currency": "USD", "base_salary": 1, "bonus": "10%"})
        >>> paid_stay_offer(o).bonus.first_year
        'full'
    """
    if offer.bonus is None:
        return offer
    return offer.model_copy(update={"bonus": offer.bonus.model_copy(update={"first_year": "full", "eligibility_cutoff": None})})


def prior_bonus(job: CurrentJob, offer: Offer, start_month: int) -> Optional[tuple[int, float]]:
    """The bonus of the bonus year that ended before the one `start_month` falls in, when it is paid
    on or after `start_month`: (absolute month paid, amount in the job's currency); else None.

    Paid in the bonus's payout month (the bonus year's last month, or the next such calendar month
    after it). Amount: `bonus_forfeited` when the file gives it (the bonus earned and not yet paid),
    else a full year's bonus at today's base (target × base, or the amount, × expected payout).

    Examples:
        >>> job = CurrentJob.model_validate({"currency": "USD", "base_salary": 120000, "bonus": "10%"}, context={"currency": "USD"})
        >>> o = stay_offer(job, dt.date(2027, 1, 4))
        >>> month, amount = prior_bonus(job, o, 2027 * 12)
        >>> (month // 12, month % 12 + 1, amount)  # the 2026 bonus, paid in March 2027
        (2027, 3, 12000.0)
        >>> prior_bonus(job, o, 2027 * 12 + 3) is None  # from April 2027 on, it was paid before the start
        True
    """
    b = offer.bonus
    if b is None:
        return None
    year_start = start_month - ((start_month % 12) - (b.year_start_month - 1)) % 12  # the bonus year holding start_month
    last = year_start - 1  # the prior bonus year's last month
    paid = last + ((b.paid_in_month - 1) - last % 12) % 12
    if paid < start_month:
        return None
    if job.bonus_forfeited is not None:
        return paid, float(job.bonus_forfeited)
    return paid, float(((b.target or 0.0) * offer.annual_base + (b.amount or 0.0)) * b.expected_payout)


def _with_prior_bonus(paid: Evaluation, job: CurrentJob, offer: Offer) -> Evaluation:
    """The stay's paid-view Evaluation with prior_bonus added in its calendar year (and in the
    first 12 months' cash when it lands in them); unchanged when there is none within the horizon."""
    f = paid.figures
    c = f.calendar
    if c is None or f.start is None:
        return paid
    start = int(f.start[0])
    found = prior_bonus(job, offer, start)
    if found is None or found[0] >= start + 12 * paid.horizon_years:
        return paid
    month, amount = found
    col = month // 12 - int(c.first_year[0])
    add = np.zeros_like(c.tc)
    add[0, col] = amount * float(f.rates[0])
    calendar = replace(c, parts={**c.parts, "bonus": c.parts["bonus"] + add}, tc=c.tc + add, total_rewards=c.total_rewards + add)
    first12 = f.first_12_months_cash
    if first12 is not None and month < start + 12:
        first12 = first12 + add[:, col]
    return replace(paid, figures=replace(f, calendar=calendar, first_12_months_cash=first12))


def evaluate_stay(job: CurrentJob, evaluation: Evaluation, *, today: dt.date, source: Optional[str] = None) -> Baseline:
    """The stay scenario for `evaluation`'s offers: same assumptions, FX table and reporting currency.

    Raises:
        InputError: the job's currency has no FX rate into the reporting currency.
    """
    from ..errors import MissingFxRateError
    from ..offers.evaluate import evaluate

    start = stay_start(evaluation.offers, today)
    offer = stay_offer(job, start)
    before = sum(1 for t in job.tranches() if today < t.vest_date < start)
    if offer is None:
        return Baseline(job, start, None, source, before)
    try:
        stay = evaluate([offer], evaluation.assumptions, evaluation.fx, currency=evaluation.currency)
        paid_offer = paid_stay_offer(offer)
        paid = stay if paid_offer is offer else evaluate([paid_offer], evaluation.assumptions, evaluation.fx, currency=evaluation.currency)
        paid = _with_prior_bonus(paid, job, offer)
        # The stay's tax is worked out, by the offers' own code path (Evaluation.after_tax), on its
        # paid view: the calendar years above (bonus year in progress in full, the prior bonus when
        # paid), not the new-hire view the engine gives an offer. The earned offer years stay as they are.
        stay = replace(stay, figures=replace(stay.figures, calendar=paid.figures.calendar))
    except MissingFxRateError as exc:
        raise InputError([Issue(source=source or "current job", record="current job", field="currency", message=i.message, code=i.code)
                          for i in exc.issues]) from None
    return Baseline(job, start, stay, source, before, paid)
