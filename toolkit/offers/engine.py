"""The total-compensation engine: offers → year-by-year component arrays in one currency.

Pure and vectorised: every component is an (offers × years) numpy array in the reporting
currency, built with array operations across all offers at once; equity is valued per vest
event, grouped by schedule so that a 100,000-offer evaluation never loops per month. The
rules, with worked examples, are in docs/methodology.md; this module must stay in step.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from .fx import FxTable
from .._util import paused_gc
from .ledger import (
    PAY_PERIODS, default_start, first_month, month_date, month_index, pay_anchor, pay_dates_per_month, scatter, split_pay,
    to_calendar, to_offer_years,
)
from .limits import limit, limit_arrays, newest_published, projected_rules
from .models import Assumptions, Offer, _schedule, in_united_states
from .money import Period

COMPONENTS = ("base", "bonus", "sign_on", "equity", "refresh_equity", "retirement", "benefits", "relocation")
TC_PARTS = ("base", "bonus", "sign_on", "equity")  # plus refresh_equity when included: see tc_parts
REWARDS_PARTS = ("retirement", "benefits", "relocation")  # total rewards = TC + these
EQUITY_PARTS = ("equity", "refresh_equity")


def tc_parts(include_refreshers: bool) -> tuple[str, ...]:
    """The components that count in total compensation: the one statement of the rule.

    The engine, the charts, the workbook's formulas, Monte Carlo and the market targets all ask
    here. Expected refreshers count only when the assumptions include them.

    Examples:
        >>> tc_parts(False)
        ('base', 'bonus', 'sign_on', 'equity')
        >>> tc_parts(True)[-1]
        'refresh_equity'
    """
    return TC_PARTS + (("refresh_equity",) if include_refreshers else ())


def equity_in_tc(include_refreshers: bool) -> tuple[str, ...]:
    """The equity components counted in TC (the grants, and refreshers when included)."""
    return tuple(p for p in tc_parts(include_refreshers) if p in EQUITY_PARTS)


DAYS_PER_YEAR = 260.0
LIMITS_CHUNK = 32_768  # offers per chunk of the limits arithmetic
FIRST_YEAR_RULES = ("prorated", "full", "none")


def limits() -> dict:
    """The newest published 401(k) and ESPP figures, in the shape the workbook's limits block reads.

    The engine itself applies each calendar year's figure (offers.limits)."""
    comp, deferral, espp = (newest_published(r) for r in ("compensation_401a17", "deferral_402g", "espp_423"))
    return {
        "us_401k": {"effective": dt.date(comp.year, 1, 1), "compensation_limit": comp.value, "deferral_limit": deferral.value,
                    "source": comp.source},
        "us_espp": {"effective": dt.date(espp.year, 1, 1), "purchase_limit": espp.value, "source": espp.source},
    }


@dataclass(frozen=True)
class CalendarFigures:
    """The paid (cash) view: calendar years counted from each offer's start year.

    Arrays are (offers × H+1) in the reporting currency; column c is calendar year
    `first_year + c`; a year with `months == 0` (the extra column of a January start) is empty.
    """

    parts: dict[str, np.ndarray]
    tc: np.ndarray
    total_rewards: np.ndarray
    months: np.ndarray  # months employed in each calendar year
    first_year: np.ndarray  # per offer: the calendar year of the start
    employee_deferral: np.ndarray  # the employee's own 401(k) deferral (after 402(g)), reporting currency
    iso_over_limit: np.ndarray  # ISO value at the grant price first exercisable above $100,000
    capped: dict[str, np.ndarray]  # rule → (offers × H+1) bool: where a US limit cut an amount
    us: np.ndarray  # per offer: the US limits apply
    bonus_accrued_unpaid: np.ndarray  # per offer: bonus earned within the horizon, paid after it


@dataclass(frozen=True)
class Figures:
    """Unrounded engine output. Arrays are (offers × horizon) in the reporting currency."""

    parts: dict[str, np.ndarray]
    tc: np.ndarray
    total_rewards: np.ndarray
    exercise_cost: np.ndarray  # per offer
    pto_value: np.ndarray  # per offer, NaN where pto_days is missing
    rates: np.ndarray  # per offer: reporting units per 1 unit of the offer's currency
    calendar: Optional[CalendarFigures] = None
    start: Optional[np.ndarray] = None  # per offer: absolute month (year × 12 + month − 1) of the first month counted
    start_given: Optional[np.ndarray] = None  # per offer: the file gave start_date (else the default was used)
    first_12_months_cash: Optional[np.ndarray] = None  # per offer: base, bonus, sign-on, relocation paid in months 0-11
    pv_exact: Optional[np.ndarray] = None  # per offer: TC present value with each dated payment discounted exactly
    # per offer: True when the offer-year figures equal the undated rules (anniversary years, the
    # newest limits applied by currency per offer year): the workbook's formulas hold for it.
    undated: Optional[np.ndarray] = None
    # compute_figures(by_month=True) only (walk-away): what is paid in each month from the start,
    # component → (offers × 12H); see paid_by_month
    by_month: Optional[dict[str, np.ndarray]] = None


# Named columns of the arrays extract_terms packs (issue 10): one row per offer.
SCALARS = (
    "rate",  # reporting units per 1 unit of the offer's currency
    "base1",  # year-1 annual base, own currency
    "target", "fixed_bonus", "payout",
    "relocation",
    "pto",
    "flat",  # flat employer retirement contribution, fraction of pay
    "fixed_benefits",  # health + other, annual
    "hsa",  # employer HSA money, annual
    "family",  # HSA family coverage (1) or self-only (0)
    "espp_discount", "espp_contribution",
    "espp_423",  # 1 when the ESPP is under §423 (a US offer not marked qualified: false)
    "start",  # absolute month of the first month counted
    "start_given",
    "us",  # 1 when the offer is in the United States (its location, never its currency)
    "deferral_pct", "deferral_amount", "prior_deferrals",
    "birth_year",  # NaN when not given
    "usd",  # the offer's currency is USD (the undated rules applied the US limits by currency)
)
# Named columns of a grant or refresher row.
GRANT_COLUMNS = ("offer", "start_value", "strike_total", "growth", "rate", "multiplier", "offset")


def _columns(rows: list[tuple], names: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Tuples → one named float array per column (the one conversion per table)."""
    packed = np.array(rows, dtype=float).reshape(len(rows), len(names))
    return {name: packed[:, k] for k, name in enumerate(names)}


@dataclass
class Terms:
    """Every offer's terms as named numpy columns: the one Python pass over the offers."""

    col: dict[str, np.ndarray]  # SCALARS
    match: np.ndarray  # offers × tiers
    up_to: np.ndarray
    sign_on: list  # (offer index, month index, amount in own currency, installments)
    raises: list  # (offer index, month index, percent)
    bonus_rules: list  # (offer index, bonus-year start month 1-12, payout month 1-12, first-year rule, cut off)
    relocation_month: list  # (offer index, month index) where not at the start
    iso: list  # (offer index, grant rows, schedule key, offer currency is USD)
    dated: set  # offers using a dated term (raises, bonus rules, dated payments, vest_start, ...)
    grants: dict  # vesting key → rows of GRANT_COLUMNS
    refreshers: dict  # vesting key → rows of GRANT_COLUMNS (offset: months from the anniversary to the grant)
    # weekly/biweekly pay: (offer index, days between pay dates, pay anchor in days since 1970-01-01, periods a year)
    pay_periods: list

    def __getattr__(self, name: str) -> np.ndarray:
        try:
            return self.__dict__["col"][name]
        except KeyError:
            raise AttributeError(name) from None


def payment_month(when_date: Optional[dt.date], when_month: Optional[int], start: int, default: int) -> int:
    """Month index (from the start) of a dated payment; a date before the start counts at month 0."""
    if when_date is not None:
        return max(month_index(when_date) - start, 0)
    if when_month is not None:
        return int(when_month)
    return default


def _cutoff_missed(start_date: dt.date, year_start_month: int, cutoff: str) -> bool:
    """True when the start is after the eligibility cut-off in the first bonus year."""
    month, day = (int(x) for x in cutoff.split("-"))
    first = start_date.year if start_date.month >= year_start_month else start_date.year - 1
    year = first if (month, day) >= (year_start_month, 1) else first + 1
    try:
        cut = dt.date(year, month, day)
    except ValueError:  # 02-29 in a common year
        cut = dt.date(year, 2, 28)
    return start_date > cut


def extract_terms(offers: Sequence[Offer], a: Assumptions, fx: FxTable, default_start_date: dt.date) -> Terms:
    """Read every term the engine needs from the models into arrays, in one loop.

    Each offer's scalars go into one tuple, converted to named arrays once at the end:
    assigning numpy elements one by one, or appending to a dozen lists, costs several times
    more. Dated terms most offers lack go to short side lists.
    """
    rate_of: dict[str, float] = {}

    def rate(code: str) -> float:
        r = rate_of.get(code)
        if r is None:
            r = rate_of[code] = fx.rate(code)
        return r

    scalars: list[tuple] = []  # one row per offer: SCALARS
    tiers: list[tuple[int, int, float, float]] = []
    sign_on: list[tuple[int, int, float, int]] = []
    raises: list[tuple[int, int, float]] = []
    bonus_rules: list[tuple] = []
    relocation_month: list[tuple[int, int]] = []
    pay_periods: list[tuple[int, int, int, int]] = []
    epoch = dt.date(1970, 1, 1)
    iso: list[tuple] = []
    dated: set[int] = set()
    grants: dict[tuple, list] = {}
    refreshers: dict[tuple, list] = {}
    private_mult = 1.0 - a.private_equity_discount
    nan = float("nan")
    yearly = Period.YEAR
    default_month = first_month(default_start_date)
    add_row = scalars.append  # this loop runs 100,000 times in the benchmark
    for i, o in enumerate(offers):
        cur = o.currency
        offer_rate = rate_of.get(cur)
        if offer_rate is None:
            offer_rate = rate(cur)
        pay = o.base_salary
        bonus, r, b, rel = o.bonus, o.retirement, o.benefits, o.relocation
        espp = b.espp if b is not None else None
        us = in_united_states(o.location)
        start_date = o.start_date
        start = first_month(start_date) if start_date is not None else default_month
        add_row((
            offer_rate,
            pay.amount if pay.per is yearly else o.annual_base,
            (bonus.target or 0.0) if bonus is not None else 0.0,
            (bonus.amount or 0.0) if bonus is not None else 0.0,
            bonus.expected_payout if bonus is not None else 0.0,
            rel.amount if rel is not None else 0.0,
            o.pto_days if o.pto_days is not None else nan,
            (r.employer_contribution or 0.0) if r is not None else 0.0,
            ((b.health or 0.0) + (sum(b.other.values()) if b.other else 0.0)) if b is not None else 0.0,
            (b.hsa or 0.0) if b is not None else 0.0,
            1.0 if b is not None and b.hsa_coverage == "family" else 0.0,
            espp.discount if espp is not None else 0.0,
            espp.contribution if espp is not None else 0.0,
            1.0 if (espp is not None and us and espp.qualified is not False) else 0.0,
            start,
            start_date is not None,
            us,
            r.deferral_percent if r is not None else 0.0,
            ((r.employee_deferral.amount or 0.0) if r.employee_deferral is not None else 0.0) if r is not None else 0.0,
            (r.prior_deferrals_this_year or 0.0) if r is not None else 0.0,
            o.birth_year if o.birth_year is not None else nan,
            cur == "USD",
        ))
        if o.sign_on:
            for p in o.sign_on:
                when = payment_month(p.date, p.month, start, 12 * (p.year - 1))
                sign_on.append((i, when, p.amount, p.installments))
                if p.date is not None or p.month is not None or p.installments > 1:
                    dated.add(i)
        if o.pay_frequency in PAY_PERIODS:
            days, per_year = PAY_PERIODS[o.pay_frequency]
            pay_periods.append((i, days, (pay_anchor(start_date or default_start_date) - epoch).days, per_year))
            dated.add(i)
        if o.raises:
            dated.add(i)
            for rz in o.raises:
                raises.append((i, payment_month(rz.date, rz.month, start, 0), rz.percent))
        if bonus is not None and (bonus.year != "calendar" or bonus.payout_month is not None
                                  or bonus.first_year != "prorated" or bonus.eligibility_cutoff is not None):
            cut = bonus.eligibility_cutoff is not None and _cutoff_missed(
                start_date or default_start_date, bonus.year_start_month, bonus.eligibility_cutoff)
            bonus_rules.append((i, bonus.year_start_month, bonus.paid_in_month, FIRST_YEAR_RULES.index(bonus.first_year), cut))
            dated.add(i)
        if rel is not None and (rel.date is not None or rel.month is not None):
            relocation_month.append((i, payment_month(rel.date, rel.month, start, 0)))
            dated.add(i)
        if r is not None:
            if r.employee_deferral is not None or r.prior_deferrals_this_year:
                dated.add(i)
            for k, tier in enumerate(r.tiers):
                tiers.append((i, k, tier.match, tier.up_to))
        if o.equity:
            for grant in o.equity:
                growth = a.stock_growth if grant.stock_growth is None else grant.stock_growth
                offset = first_month(grant.vest_start) - start if grant.vest_start is not None else 0
                if offset:
                    dated.add(i)
                row = (i, grant.start_value, grant.strike_total, growth, rate(grant.currency) if grant.currency else offer_rate,
                       private_mult if grant.private else 1.0, offset)
                grants.setdefault(grant.vesting.key, []).append(row)
                if grant.option_kind == "iso" and us:
                    iso.append((i, row, grant.vesting.key, (grant.currency or cur) == "USD"))
        ref = o.refresher
        if ref is not None:
            growth = a.stock_growth if ref.stock_growth is None else ref.stock_growth
            # granted each year in `month` (the first at least 12 months in), else on each anniversary
            offset = (ref.month - 1 - start) % 12 if ref.month is not None else 0
            if offset:
                dated.add(i)
            refreshers.setdefault(ref.vesting.key, []).append(
                (i, ref.annual_value, 0.0, growth, rate(ref.currency) if ref.currency else offer_rate,
                 private_mult if ref.private else 1.0, offset)
            )
    n = len(offers)
    max_tiers = max((k + 1 for _, k, _, _ in tiers), default=0)
    match = np.zeros((n, max_tiers))
    up_to = np.zeros((n, max_tiers))
    for i, k, m, u in tiers:
        match[i, k], up_to[i, k] = m, u
    return Terms(col=_columns(scalars, SCALARS), match=match, up_to=up_to, sign_on=sign_on, raises=raises,
                 bonus_rules=bonus_rules, relocation_month=relocation_month, iso=iso, dated=dated, grants=grants,
                 refreshers=refreshers, pay_periods=pay_periods)


def event_values(months: np.ndarray, fracs: np.ndarray, g: dict[str, np.ndarray]) -> np.ndarray:
    """Value of every vest event of every grant: [grants × events], in the reporting currency.

    value = fraction × max(start_value × (1 + growth)^(months / 12) − strike_total, 0) × rate × multiplier,
    with `months` (one row for all grants, or one per grant) counted from the grant date and `g`
    the grant columns (GRANT_COLUMNS). The one place this rule is written.
    """
    months = np.asarray(months, dtype=float)
    price_factor = np.power((1.0 + g["growth"])[:, None], (months if months.ndim == 2 else months[None, :]) / 12.0)
    spread = np.maximum(g["start_value"][:, None] * price_factor - g["strike_total"][:, None], 0.0)
    return spread * fracs[None, :] * (g["rate"] * g["multiplier"])[:, None]


def _schedule_arrays(key) -> tuple[np.ndarray, np.ndarray]:
    schedule = _schedule(key)
    return np.array([m for m, _ in schedule], dtype=float), np.array([f for _, f in schedule], dtype=float)


@dataclass
class _Views:
    """Sums of one kind of amount in both views, plus its first-12-months and exact-PV parts."""

    offer: np.ndarray  # offers × H
    cal: np.ndarray  # offers × H+1
    first12: np.ndarray  # offers
    pv: np.ndarray  # offers


def _dated(rows: np.ndarray, month: np.ndarray, values: np.ndarray, shift: np.ndarray, n: int, horizon: int,
           discount: Optional[np.ndarray], end_of_month: bool = True) -> _Views:
    """Dated one-off amounts (month index from the start) summed into both views; months past the horizon dropped."""
    rows, month, values = (np.asarray(x).ravel() for x in (rows, month, values))
    keep = (month >= 0) & (month < 12 * horizon)
    rows, month, values = rows[keep].astype(np.int64), month[keep].astype(np.int64), values[keep]
    offer = scatter(rows, month // 12, values, n, horizon)
    cal = scatter(rows, (shift[rows] + month) // 12, values, n, horizon + 1)
    first12 = np.bincount(rows, weights=values * (month < 12), minlength=n)
    pv = np.zeros(n) if discount is None else np.bincount(rows, weights=values * discount[month + (1 if end_of_month else 0)], minlength=n)
    return _Views(offer, cal, first12, pv)


def _equity(groups: dict, n: int, horizon: int, shift: np.ndarray, discount, refresh: bool) -> tuple[_Views, np.ndarray]:
    """Vest-date value of every event of every grant (or refresher) in both views, and the exercise cost.

    A grant's event at month m of its schedule happens at month index offset + m − 1 from the
    start (the end of the m-th month; offset = vest_start − start in months), so it counts in
    offer year ⌈(offset + m)/12⌉. A refresher granted at 12a + offset has its events at
    12a + offset + r − 1 and is valued r months after its own grant.
    """
    T = 12 * horizon
    out = _Views(np.zeros((n, horizon)), np.zeros((n, horizon + 1)), np.zeros(n), np.zeros(n))
    exercise = np.zeros(n)
    for key, rows in groups.items():
        months, fracs = _schedule_arrays(key)
        g = _columns(rows, GRANT_COLUMNS)
        idx = g["offer"].astype(np.int64)
        offset = g["offset"].astype(np.int64)
        if not refresh and not offset.any():
            # the common case: every event at the same month for all grants of the schedule, so
            # each view is a product with a 0/1 matrix (events × years); calendar years per start month
            at = months.astype(np.int64) - 1
            inside = at < T
            values = event_values(months, fracs, g) * inside[None, :]
            onehot = np.zeros((len(at), horizon))
            onehot[np.flatnonzero(inside), at[inside] // 12] = 1.0
            out.offer += scatter(np.repeat(idx, horizon), np.tile(np.arange(horizon), len(idx)), values @ onehot, n, horizon)
            s_of = shift[idx]
            cal = np.empty((len(idx), horizon + 1))
            for s in np.unique(s_of):
                one = np.zeros((len(at), horizon + 1))
                one[np.flatnonzero(inside), (s + at[inside]) // 12] = 1.0
                rows_s = s_of == s
                cal[rows_s] = values[rows_s] @ one
            out.cal += scatter(np.repeat(idx, horizon + 1), np.tile(np.arange(horizon + 1), len(idx)), cal, n, horizon + 1)
            if discount is not None:
                out.pv += np.bincount(idx, weights=values @ np.where(inside, discount[np.minimum(at + 1, T)], 0.0), minlength=n)
            exercise += np.bincount(idx, weights=g["strike_total"] * (fracs * inside).sum() * g["rate"], minlength=n)
            continue
        anniversaries = range(1, horizon) if refresh else (0,)
        for a in anniversaries:
            at = 12 * a + offset[:, None] + months[None, :].astype(np.int64) - 1  # month index of each event
            if refresh:
                values = event_values(months, fracs, g)
            else:  # valued at its time from the start (grant date); an event before the start vests at month 0
                values = event_values(np.maximum(at + 1, 0), fracs, g)
                at = np.maximum(at, 0)
            inside = at < T
            views = _dated(np.broadcast_to(idx[:, None], at.shape), at, values * inside, shift, n, horizon, discount)
            out.offer += views.offer
            out.cal += views.cal
            out.pv += views.pv
            if not refresh:
                exercise += np.bincount(idx, weights=g["strike_total"] * (fracs[None, :] * inside).sum(axis=1) * g["rate"], minlength=n)
    return out, exercise


def _iso_over_limit(t: Terms, n: int, horizon: int, shift: np.ndarray, years0: np.ndarray) -> np.ndarray:
    """Per calendar year, the value at the grant price (shares × strike) of ISOs first
    exercisable above the §422(d) $100,000, in the reporting currency (US offers only)."""
    total = np.zeros((n, horizon + 1))
    rate_of = np.zeros(n)
    for i, row, key, _usd in t.iso:
        months, fracs = _schedule_arrays(key)
        g = dict(zip(GRANT_COLUMNS, row))
        at = np.maximum(int(g["offset"]) + months.astype(np.int64) - 1, 0)
        keep = at < 12 * horizon
        cy = (shift[i] + at[keep]) // 12
        np.add.at(total[i], cy, g["strike_total"] * fracs[keep])
        rate_of[i] = g["rate"]
    if not t.iso:
        return total
    lim = np.array([[limit("iso_422d", int(y0) + c).value for c in range(horizon + 1)] for y0 in years0])
    return np.maximum(total - lim, 0.0) * rate_of[:, None]


def _limits(t: Terms, sl: slice, H: int, year0: np.ndarray, rates: np.ndarray, pay_cy: np.ndarray, pay_first: np.ndarray,
            pay_second: np.ndarray, months_cy: np.ndarray, months_first: np.ndarray, months_second: np.ndarray,
            pay_paid: np.ndarray) -> dict:
    """Retirement and benefits for the offers in `sl`, with the US limits per calendar year
    (docs/methodology.md §7-8). Row-independent, so compute_figures runs it in chunks of offers:
    its two dozen (offers × years) temporaries stay small however many offers there are."""
    col = {k: v[sl] for k, v in t.col.items()}
    t = Terms(col=col, match=t.match[sl], up_to=t.up_to[sl], sign_on=[], raises=[], bonus_rules=[], relocation_month=[],
              iso=[], dated=set(), grants={}, refreshers={}, pay_periods=[])
    year0, rates, pay_cy, pay_first, pay_second = year0[sl], rates[sl], pay_cy[sl], pay_first[sl], pay_second[sl]
    paid = pay_paid[sl]  # salary by pay date: what the limits count (pay_cy, earned, spreads amounts back to offer years)
    months_cy, months_first, months_second = months_cy[sl], months_first[sl], months_second[sl]
    n = len(year0)
    years = year0[:, None] + np.arange(H + 1)[None, :]
    lo = int(years.min())
    L = {k: v[years - lo] for k, v in limit_arrays(lo, int(years.max()) - lo + 1).items()}
    us = t.us > 0
    usc = us[:, None]
    age = years - t.birth_year[:, None]  # NaN without a birth year: no catch-up
    with np.errstate(invalid="ignore"):
        catch = np.where((age >= 60) & (age <= 63), L["catch_up_60_63"], np.where(age >= 50, L["catch_up_50"], 0.0))
        catch55 = np.where(age >= 55, L["hsa_catch_up_55"], 0.0)
    comp = np.where(usc, np.minimum(paid, L["compensation_401a17"]), paid)
    desired = t.deferral_pct[:, None] * paid + t.deferral_amount[:, None] * months_cy / 12.0
    prior = np.zeros((n, H + 1))
    prior[:, 0] = t.prior_deferrals
    regular_room = np.maximum(L["deferral_402g"] - prior, 0.0)
    deferral = np.where(usc, np.minimum(desired, regular_room + catch), desired)
    catch_used = np.where(usc, np.maximum(deferral - regular_room, 0.0), 0.0)
    remaining = deferral
    employer = t.flat[:, None] * comp
    for k in range(t.match.shape[1]):
        slice_ = np.minimum(t.up_to[:, k : k + 1] * comp, remaining)
        remaining = remaining - slice_
        employer = employer + t.match[:, k : k + 1] * slice_
    room_415 = np.maximum(L["additions_415c"] - (deferral - catch_used), 0.0)
    has_money = employer > 0
    capped = {
        "401a17": usc & has_money & (paid > L["compensation_401a17"]),
        "402g": usc & (desired > regular_room + catch + 0.005),
        "415c": usc & (employer > room_415 + 0.005),
    }
    employer = np.where(usc, np.minimum(employer, room_415), employer)
    retirement_cy = employer * rates[:, None]
    retirement_off = to_offer_years(retirement_cy, pay_first, pay_second, pay_cy)

    hsa = t.hsa[:, None] * months_cy / 12.0
    hsa_cap = (np.where(t.family[:, None] > 0, L["hsa_family"], L["hsa_self"]) + catch55) * months_cy / 12.0
    capped["hsa"] = usc & (hsa > hsa_cap + 0.005)
    hsa = np.where(usc, np.minimum(hsa, hsa_cap), hsa)
    d = t.espp_discount
    spend = t.espp_contribution[:, None] * paid
    under_423 = (t.espp_423 > 0)[:, None]
    spend_cap = L["espp_423"] * (1.0 - d)[:, None]
    capped["espp"] = under_423 & (spend > spend_cap + 0.005)
    spend = np.where(under_423, np.minimum(spend, spend_cap), spend)
    gain = spend * (d / (1.0 - d))[:, None]
    even = t.fixed_benefits[:, None] * months_cy / 12.0 + hsa  # accrues evenly by month
    benefits_cy = (even + gain) * rates[:, None]
    benefits_off = (to_offer_years(even, months_first, months_second, months_cy)
                    + to_offer_years(gain, pay_first, pay_second, pay_cy)) * rates[:, None]

    return {"retirement_cy": retirement_cy, "retirement_off": retirement_off, "benefits_cy": benefits_cy,
            "benefits_off": benefits_off, "deferral": deferral, "us": us, "capped": capped}


def compute_figures(offers: Sequence[Offer], a: Assumptions, fx: FxTable, today: Optional[dt.date] = None,
                    by_month: bool = False) -> Figures:
    """Every component for every offer, in offer years (earned) and calendar years (paid), unrounded.

    `today` sets the start date assumed for offers without one (the first day of the next month).
    `by_month` also returns the paid view month by month (`Figures.by_month`, for a few offers:
    it is offers × 12H per component).
    """
    n, H = len(offers), a.horizon_years
    T = 12 * H
    start_default = default_start(today or dt.date.today())
    # A columnar table (offers/columnar.py) builds the same arrays from its columns, without
    # models; it answers None when this Terms is not the one it was written for, or when the
    # table has dated terms it leaves to the models.
    columnar = getattr(offers, "engine_terms", None)
    t = columnar(a, fx, start_default) if columnar is not None else None
    if t is None:
        with paused_gc():
            t = extract_terms(offers, a, fx, start_default)
    rates = t.rate
    start = t.start.astype(np.int64)
    shift = start % 12  # the start's month of the year, 0 = January
    year0 = start // 12
    rows = np.arange(n)
    discount = None
    if a.pv_convention == "exact" and a.discount_rate is not None:
        discount = (1.0 + a.discount_rate) ** (-np.arange(T + 1) / 12.0)

    # ---- pay: each offer year's base, and the part of it in the earlier calendar year
    growth = (1.0 + a.annual_raise) ** np.arange(H)
    pay_off = t.base1[:, None] * growth[None, :]
    pay_first = pay_off * ((12 - shift) / 12.0)[:, None]
    monthly = None
    if t.raises:  # dated raises replace the annual_raise assumption for that offer
        who = np.array(sorted({i for i, _, _ in t.raises}))
        where = {i: k for k, i in enumerate(who)}
        factor = np.ones((len(who), T))
        for i, m, pct in t.raises:
            if m < T:
                factor[where[i], m:] *= 1.0 + pct
        monthly = (who, t.base1[who, None] / 12.0 * factor)
        pay_off[who], pay_first[who] = split_pay(monthly[1], shift[who], H)
    pay_second = pay_off - pay_first
    pay_cy = to_calendar(pay_first, pay_second)  # earned by calendar year (= paid, with monthly pay)
    months_first = np.broadcast_to((12 - shift)[:, None].astype(float), (n, H))
    months_second = np.broadcast_to(shift[:, None].astype(float), (n, H))
    months_cy = to_calendar(months_first, months_second)
    base_off = pay_off * rates[:, None]
    first12 = base_off[:, 0].copy()
    pv_exact = np.zeros(n)
    if discount is not None:  # salary paid at the end of each month
        per_month = discount[1:].reshape(H, 12)
        pv_exact += base_off @ (per_month.sum(axis=1) / 12.0)
        if monthly is not None:
            who, pay_m = monthly
            pv_exact[who] = (pay_m * rates[who, None]) @ discount[1:]
    # weekly and biweekly pay: each calendar year is paid per period × its pay dates (docs §3),
    # counted per month arithmetically, in chunks of offers (one offers × months array at a time)
    pay_paid = pay_cy
    salary_by_month: dict[int, np.ndarray] = {}  # offer → own-currency salary paid per month (by_month only)
    if t.pay_periods:
        pay_paid = pay_cy.copy()
        periods = np.array(t.pay_periods, dtype=np.int64).reshape(-1, 4)
        for lo in range(0, len(periods), LIMITS_CHUNK):
            pp = periods[lo : lo + LIMITS_CHUNK]
            who_p = pp[:, 0]
            paid_m = _salary_by_pay_date(pp, pay_off, monthly, start, T)
            pay_paid[who_p] = scatter(np.repeat(np.arange(len(who_p)), T), ((shift[who_p][:, None] + np.arange(T)[None, :]) // 12).ravel(),
                                      paid_m.ravel(), len(who_p), H + 1)
            first12[who_p] = paid_m[:, :12].sum(axis=1) * rates[who_p]
            if discount is not None:  # each pay date at the end of its month, like monthly salary
                pv_exact[who_p] = (paid_m * rates[who_p, None]) @ discount[1:]
            if by_month:
                salary_by_month.update(zip(who_p.tolist(), paid_m))
    base_cy = pay_paid * rates[:, None]

    # ---- bonus: accrues with pay month by month; each bonus year is paid in its payout month
    tp, fp = t.target * t.payout, t.fixed_bonus * t.payout
    bonus_off = (tp[:, None] * pay_off + fp[:, None]) * rates[:, None]
    b_shift = shift.copy()  # months of bonus year 0 before the start
    b_after = np.full(n, 2)  # payout: months after the bonus year's last month, minus one (March: 2)
    b_pay_cy = pay_cy
    rule = np.zeros(n, dtype=int)
    cut = np.zeros(n, dtype=bool)
    if t.bonus_rules:
        bi = np.array([r[0] for r in t.bonus_rules])
        fiscal = np.array([r[1] for r in t.bonus_rules])
        paid_in = np.array([r[2] for r in t.bonus_rules])
        rule[bi] = [r[3] for r in t.bonus_rules]
        cut[bi] = [r[4] for r in t.bonus_rules]
        b_shift[bi] = (shift[bi] - (fiscal - 1)) % 12
        last = (fiscal - 2) % 12 + 1  # the bonus year's last calendar month
        b_after[bi] = np.where(paid_in == last, -1, (paid_in - fiscal) % 12)
        moved = bi[b_shift[bi] != shift[bi]]
        if len(moved):
            b_pay_cy = pay_cy.copy()
            first = pay_off[moved] * ((12 - b_shift[moved]) / 12.0)[:, None]
            if monthly is not None:
                who, pay_m = monthly
                dated = {i: k for k, i in enumerate(who)}
                for r_, i in enumerate(moved):
                    if i in dated:
                        first[r_] = split_pay(pay_m[dated[i]][None, :], b_shift[i:i + 1], H)[1][0]
            b_pay_cy[moved] = to_calendar(first, pay_off[moved] - first)
    b_months = to_calendar(np.broadcast_to((12 - b_shift)[:, None].astype(float), (n, H)),
                           np.broadcast_to(b_shift[:, None].astype(float), (n, H)))
    accrued = tp[:, None] * b_pay_cy + fp[:, None] * b_months / 12.0  # per bonus year, own currency
    amounts = accrued.copy()
    partial = b_shift > 0
    full_year = tp * t.base1 + fp
    amounts[:, 0] = np.where((rule == 1) & partial, full_year, amounts[:, 0])
    amounts[:, 0] = np.where(((rule == 2) & partial) | cut, 0.0, amounts[:, 0])
    bonus_off[:, 0] += (amounts[:, 0] - accrued[:, 0]) * rates  # `full`, `none` and the cut-off change year 1
    pay_month = 12 * (np.arange(H + 1)[None, :] + 1) - b_shift[:, None] + b_after[:, None]
    amounts_rep = amounts * rates[:, None]
    paid = _dated(np.broadcast_to(rows[:, None], pay_month.shape), pay_month, amounts_rep, shift, n, H, discount)
    bonus_cy = paid.cal
    bonus_unpaid = (amounts_rep * (pay_month >= T)).sum(axis=1)
    first12 += paid.first12
    pv_exact += paid.pv

    # ---- sign-on (instalments monthly from the payment month) and relocation
    if t.sign_on:
        so = np.array(t.sign_on, dtype=float).reshape(-1, 4)
        reps = so[:, 3].astype(np.int64)
        so_rows = np.repeat(so[:, 0], reps).astype(np.int64)
        # instalment number within its payment: 0, 1, ..., reps − 1 (no Python loop)
        k = np.arange(int(reps.sum())) - np.repeat(np.cumsum(reps) - reps, reps)
        so_month = np.repeat(so[:, 1], reps) + k
        so_value = np.repeat(so[:, 2] / so[:, 3], reps) * rates[so_rows]
        sign = _dated(so_rows, so_month, so_value, shift, n, H, discount, end_of_month=False)
    else:
        sign = _Views(np.zeros((n, H)), np.zeros((n, H + 1)), np.zeros(n), np.zeros(n))
    rel_month = np.zeros(n, dtype=np.int64)
    for i, m in t.relocation_month:
        rel_month[i] = m
    reloc = _dated(rows, rel_month, t.relocation * rates, shift, n, H, discount, end_of_month=False)
    first12 += sign.first12 + reloc.first12
    pv_exact += sign.pv

    # ---- equity: initial grants and refreshers
    equity, exercise = _equity(t.grants, n, H, shift, discount, refresh=False)
    refresh, _ = _equity(t.refreshers, n, H, shift, discount, refresh=True)
    pv_exact += equity.pv + (refresh.pv if a.include_refreshers else 0.0)
    iso_over = _iso_over_limit(t, n, H, shift, year0)

    # ---- US limits, per calendar year from the paid view, in chunks of offers (memory)
    chunks = [_limits(t, slice(lo, lo + LIMITS_CHUNK), H, year0, rates, pay_cy, pay_first, pay_second, months_cy,
                      months_first, months_second, pay_paid) for lo in range(0, max(n, 1), LIMITS_CHUNK)]
    joined = {k: np.concatenate([c[k] for c in chunks]) for k in chunks[0] if k != "capped"}
    capped = {k: np.concatenate([c["capped"][k] for c in chunks]) for k in chunks[0]["capped"]}
    retirement_cy, retirement_off, benefits_cy, benefits_off = (joined[k] for k in ("retirement_cy", "retirement_off", "benefits_cy", "benefits_off"))
    deferral, us = joined["deferral"], joined["us"]
    del chunks, joined

    parts = {
        "base": base_off, "bonus": bonus_off, "sign_on": sign.offer, "equity": equity.offer,
        "refresh_equity": refresh.offer, "retirement": retirement_off, "benefits": benefits_off, "relocation": reloc.offer,
    }
    cal_parts = {
        "base": base_cy, "bonus": bonus_cy, "sign_on": sign.cal, "equity": equity.cal,
        "refresh_equity": refresh.cal, "retirement": retirement_cy, "benefits": benefits_cy, "relocation": reloc.cal,
    }

    def totals(p: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        tc = sum(p[k] for k in tc_parts(a.include_refreshers))
        return tc, tc + sum(p[k] for k in REWARDS_PARTS)

    tc, total_rewards = totals(parts)
    cal_tc, cal_total = totals(cal_parts)
    calendar = CalendarFigures(
        parts=cal_parts, tc=cal_tc, total_rewards=cal_total, months=months_cy.astype(int), first_year=year0,
        employee_deferral=deferral * rates[:, None], iso_over_limit=iso_over, capped=capped, us=us,
        bonus_accrued_unpaid=bonus_unpaid,
    )
    pto_value = base_off[:, 0] / DAYS_PER_YEAR * t.pto
    undated = _undated(t, pay_off, retirement_off / rates[:, None], benefits_off / rates[:, None])
    months_paid = None
    if by_month:
        pay_m = np.repeat(pay_off / 12.0, 12, axis=1)  # own currency, month by month
        if monthly is not None:
            pay_m[monthly[0]] = monthly[1]
        for i, paid_m in salary_by_month.items():
            pay_m[i] = paid_m
        # employer money is paid with each month's pay: the calendar year's amount in proportion to pay
        cy_of = (shift[:, None] + np.arange(T)[None, :]) // 12
        per_pay = np.divide(retirement_cy, pay_paid, out=np.zeros_like(retirement_cy), where=pay_paid > 0)
        months_paid = {
            "base": pay_m * rates[:, None],
            "bonus": _per_month(np.broadcast_to(rows[:, None], pay_month.shape), pay_month, amounts_rep, n, T),
            "sign_on": _per_month(so_rows, so_month, so_value, n, T) if t.sign_on else np.zeros((n, T)),
            "relocation": _per_month(rows, rel_month, t.relocation * rates, n, T),
            "retirement": pay_m * np.take_along_axis(per_pay, cy_of, axis=1),
        }
    return Figures(parts, tc, total_rewards, exercise, pto_value, rates, calendar, start, t.start_given > 0, first12,
                   pv_exact if discount is not None else None, undated, months_paid)


def _salary_by_pay_date(pp: np.ndarray, pay_off: np.ndarray, monthly: Optional[tuple], start: np.ndarray, T: int) -> np.ndarray:
    """Own-currency salary paid in each month (rows of `pp`, a slice of Terms.pay_periods, × T):
    the pay dates in the month × the annual salary in effect that month ÷ periods a year."""
    who = pp[:, 0]
    annual = np.repeat(pay_off[who], 12, axis=1)  # the annual salary of each month's offer year
    if monthly is not None:  # dated raises: that month's salary × 12
        dated = {i: k for k, i in enumerate(monthly[0].tolist())}
        for r, i in enumerate(who.tolist()):
            if i in dated:
                annual[r] = 12.0 * monthly[1][dated[i]]
    return pay_dates_per_month(pp[:, 2], pp[:, 1], start[who], T) * annual / pp[:, 3][:, None]


def _per_month(rows: np.ndarray, month: np.ndarray, values: np.ndarray, n: int, T: int) -> np.ndarray:
    """Dated amounts summed per offer × month from the start (0 … T − 1); later months dropped."""
    rows, month, values = (np.asarray(x).ravel() for x in (rows, month, values))
    keep = (month >= 0) & (month < T)
    return scatter(rows[keep], month[keep], values[keep], n, T)


def paid_by_month(offers: Sequence[Offer], a: Assumptions, fx: FxTable, starts: Sequence[int]) -> dict[str, np.ndarray]:
    """What each offer pays in each month from its start, on the paid view (reporting currency).

    Components `base` (salary), `bonus` (each bonus year on its payout month), `sign_on` (each
    instalment), `relocation`, `retirement` (the employer's 401(k)/pension money, paid with each
    month's pay: the calendar year's amount after the US limits, in proportion to pay), as
    (offers × 12H) arrays, column m = month m from the start (0 = the first month employed).
    Vests are in vest_events. `starts` (Figures.start) places offers without a start date
    exactly where the evaluation placed them. The walk-away arithmetic reads this.
    """
    out: dict[str, list[np.ndarray]] = {}
    for offer, start in zip(offers, starts):  # a handful of offers: one engine run each keeps each one's default start
        f = compute_figures([offer], a, fx, month_date(int(start) - 1), by_month=True)
        for k, v in (f.by_month or {}).items():
            out.setdefault(k, []).append(v)
    T = 12 * a.horizon_years
    return {k: (np.concatenate(v) if v else np.zeros((0, T))) for k, v in out.items()}


def _undated(t: Terms, pay: np.ndarray, retirement: np.ndarray, benefits: np.ndarray) -> np.ndarray:
    """Per offer: do the undated rules give the same offer-year figures? (The workbook's formulas are those rules.)

    Undated rules: per offer year, for USD offers, match on pay capped at the newest 401(a)(17)
    with matched deferrals capped at the newest 402(g), an uncapped flat contribution, the ESPP
    spend capped at $25,000 × (1 − discount), HSA uncapped.
    """
    comp_cap, deferral_cap = newest_published("compensation_401a17").value, newest_published("deferral_402g").value
    usd = (t.usd > 0)[:, None]
    comp = np.where(usd, np.minimum(pay, comp_cap), pay)
    remaining = np.where(usd, deferral_cap, np.inf)
    old = t.flat[:, None] * pay
    for k in range(t.match.shape[1]):
        slice_ = np.minimum(t.up_to[:, k : k + 1] * comp, remaining)
        remaining = remaining - slice_
        old = old + t.match[:, k : k + 1] * slice_
    d = t.espp_discount
    spend = t.espp_contribution[:, None] * pay
    spend = np.where(usd, np.minimum(spend, newest_published("espp_423").value * (1.0 - d)[:, None]), spend)
    old_benefits = (t.fixed_benefits + t.hsa)[:, None] + spend * (d / (1.0 - d))[:, None]
    same = (np.abs(old - retirement) < 0.005).all(axis=1) & (np.abs(old_benefits - benefits) < 0.005).all(axis=1)
    if t.dated:
        same[np.fromiter(t.dated, dtype=np.int64)] = False
    return same


def vest_events(offers: Sequence[Offer], a: Assumptions, fx: FxTable, starts: Optional[np.ndarray] = None) -> list[dict]:
    """Every vest event within the horizon, one dict each (for reports and simulations).

    Keys: offer_id, grant (1-based; 0 for refreshers), kind (rsu/option/refresher), anniversary
    (month the grant was made: 0 for initial grants), month (from start: the event falls in
    year ⌈month / 12⌉), year, fraction, start_value, strike_total, growth, rate, multiplier,
    value. `starts` (Figures.start) places refreshers granted in a stated calendar month and
    grants with a `vest_start`; without it, offers without a start date start in January.
    """
    rows: list[dict] = []
    horizon = a.horizon_years
    T = 12 * horizon

    def add(offer: Offer, grant_no: int, kind: str, granted: int, offset: int, schedule, start, strike, growth, rate, mult) -> None:
        # event m of the schedule happens at month index granted + offset + m − 1 (an event before the start at 0)
        kept = [(max(granted + offset + m, 1), m, f) for m, f in schedule if granted + offset + m - 1 < T]
        if not kept:
            return
        valued_at = np.array([(m if granted else at) for at, m, _ in kept], dtype=float)
        fracs = np.array([f for _, _, f in kept], dtype=float)
        cols = {k: np.array([v], dtype=float) for k, v in zip(GRANT_COLUMNS, (0, start, strike, growth, rate, mult, offset))}
        values = event_values(valued_at, fracs, cols)[0]
        for (at, _, frac), value in zip(kept, values):
            rows.append(dict(offer_id=offer.id, grant=grant_no, kind=kind, anniversary=granted + offset if granted else 0,
                             month=at, year=-(-at // 12), fraction=frac, start_value=start, strike_total=strike,
                             growth=growth, rate=rate, multiplier=mult, value=float(value)))

    for i, offer in enumerate(offers):
        start = int(starts[i]) if starts is not None else (first_month(offer.start_date) if offer.start_date else 0)
        for g, grant in enumerate(offer.equity or (), start=1):
            growth = a.stock_growth if grant.stock_growth is None else grant.stock_growth
            mult = (1.0 - a.private_equity_discount) if grant.private else 1.0
            offset = first_month(grant.vest_start) - start if grant.vest_start is not None else 0
            add(offer, g, grant.type, 0, offset, grant.vesting.schedule, grant.start_value, grant.strike_total, growth,
                fx.rate(grant.currency or offer.currency), mult)
        r = offer.refresher
        if r is not None:
            growth = a.stock_growth if r.stock_growth is None else r.stock_growth
            mult = (1.0 - a.private_equity_discount) if r.private else 1.0
            offset = (r.month - 1 - start) % 12 if r.month is not None else 0
            for anniversary in range(1, horizon):
                add(offer, 0, "refresher", 12 * anniversary, offset, r.vesting.schedule, r.annual_value, 0.0, growth,
                    fx.rate(r.currency or offer.currency), mult)
    return rows


def _money(x: float) -> str:
    return f"{x:,.0f}"


def dated_notes(offer: Offer, i: int, f: Figures, a: Assumptions) -> list[str]:
    """What the dated rules did to offer i: start date assumed, US limits that cut an amount
    (and whether a year's figure is projected), limits not applied, ISO over the limit."""
    c = f.calendar
    if c is None:
        return []
    out: list[str] = []
    if f.start_given is not None and not f.start_given[i]:
        out.append(f"start-date-assumed: no start_date in the file; {month_date(int(f.start[i])).isoformat()} is used "
                   "(the first day of the month after today)")
    years = [int(c.first_year[i]) + k for k in range(c.months.shape[1]) if c.months[i, k] > 0]
    cols = [k for k in range(c.months.shape[1]) if c.months[i, k] > 0]
    r, b = offer.retirement, offer.benefits
    applies = []
    if r is not None:
        applies += ["deferral_402g", "compensation_401a17", "additions_415c"]
    if b is not None and b.hsa:
        applies += ["hsa_self" if b.hsa_coverage == "self" else "hsa_family"]
    if c.us[i]:
        texts = {
            "401a17": ("compensation_401a17", "pay above the 401(a)(17) compensation {v} earns no employer 401(k) money"),
            "402g": ("deferral_402g", "the employee's 401(k) deferral is capped at the 402(g) {v} (plus any catch-up)"),
            "415c": ("additions_415c", "the employer's 401(k) money is capped by the 415(c) annual-additions {v}"),
            "hsa": ("hsa_self" if (b is None or b.hsa_coverage == "self") else "hsa_family",
                    f"HSA money is capped at the {'self-only' if (b is None or b.hsa_coverage == 'self') else 'family'} {{v}} prorated by months covered"),
            "espp": ("espp_423", "ESPP purchases are capped by the §423(b)(8) {v} of stock a calendar year"),
        }
        for key, (rule, text) in texts.items():
            hit = [y for y, k in zip(years, cols) if c.capped[key][i, k]]
            if not hit:
                continue
            runs: list[list] = []  # consecutive years with the same figure and source
            for y in hit:
                lim = limit(rule, y)
                if runs and runs[-1][1] == y - 1 and (runs[-1][2], runs[-1][3]) == (lim.value, lim.source):
                    runs[-1][1] = y
                else:
                    runs.append([y, y, lim.value, lim.source])
            spans = ", ".join(f"{a if a == b else f'{a}-{b}'} ${_money(v)} ({src})" for a, b, v, src in runs)
            out.append(f"us-limit: {text.format(v='limit')}: {spans}")
        if applies:
            groups: dict[tuple[str, int], list[int]] = {}
            for y in years:
                for lim in projected_rules(y, tuple(applies)):
                    what = "HSA" if lim.rule.startswith("hsa") else "401(k)"
                    groups.setdefault((what, lim.published_for), [])
                    if y not in groups[(what, lim.published_for)]:
                        groups[(what, lim.published_for)].append(y)
            for (what, src), ys in groups.items():
                span = str(ys[0]) if len(ys) == 1 else f"{ys[0]}-{ys[-1]}"
                out.append(f"us-limits-projected: {what} limits for {span} are projected: not yet published ({src} figures used)")
        for y, k in zip(years, cols):
            if c.iso_over_limit[i, k] > 0.005:
                out.append(f"iso-over-limit {y}: {_money(c.iso_over_limit[i, k])} {f'of ISOs (at the grant price) first exercisable above the $100,000 limit (IRC §422(d)) is treated as NSO'}")
        for g, grant in enumerate(offer.equity or (), start=1):
            if grant.option_kind == "iso" and (grant.currency or offer.currency) != "USD":
                out.append(f"iso-limit-not-checked: grant {g} is priced in {grant.currency or offer.currency}; the $100,000 ISO limit is in US dollars")
    elif offer.currency == "USD" and (applies or (b is not None and b.espp is not None)):  # said where a reader might expect them
        where = f"the location {offer.location!r} is not in the United States" if offer.location else "the offer has no location"
        out.append(f"us-limits-not-applied: {where}, so the US 401(k), HSA and ESPP limits are not applied")
    if b is not None and b.espp is not None and b.espp.qualified is False:
        out.append("espp-non-qualified: the ESPP is marked qualified: false (not a §423 plan): no $25,000 cap is applied, "
                   "and its discount is taxed as pay")
    return out


def flags(offer: Offer, a: Assumptions, start: Optional[int] = None) -> list[str]:
    """Warnings a reader must see beside the figures: paper value, unpromised refreshers, ...

    `start` (Figures.start[i], the absolute month of the first month counted) places sign-on and
    relocation payments given by `date`; without it the offer's own start date is used."""
    out = []
    private = [g for g in offer.equity or () if g.private]
    if private:
        out.append(
            f"paper-value: private-company equity is valued at the quoted share price"
            f"{f' less a {a.private_equity_discount:.0%} discount' if a.private_equity_discount else ''}; it is not cash"
        )
    for g, grant in enumerate(offer.equity or (), start=1):
        if grant.type == "option":
            growth = a.stock_growth if grant.stock_growth is None else grant.stock_growth
            last = max(m for m, _ in grant.vesting.schedule)
            price_end = float(grant.share_price) * (1 + growth) ** (min(last, 12 * a.horizon_years) / 12)
            if price_end <= float(grant.strike):
                out.append(f"under-water: option grant {g} has a strike of {grant.strike:g} at or above the projected share price; valued at 0")
    if offer.status == "verbal":
        out.append("verbal: the offer is not in writing yet")
    if offer.refresher is not None:
        out.append(
            "refreshers-included: expected refreshers are counted in TC; they are not promised"
            if a.include_refreshers else "refreshers-excluded: expected refreshers are shown as refresh_equity, not counted in TC"
        )
    beyond = payments_beyond_horizon(offer, a.horizon_years, start)
    if beyond:
        out.append(f"sign-on-beyond-horizon: {beyond} sign-on or relocation payment(s) (instalments counted one by one) "
                   f"fall after month {12 * a.horizon_years} (the end of year {a.horizon_years}) and are not counted")
    return out


def payments_beyond_horizon(offer: Offer, horizon_years: int, start: Optional[int] = None) -> int:
    """How many sign-on instalments and relocation payments fall after the horizon's last month.

    A payment is placed as the engine places it (`payment_month`: `year` k at month 12(k − 1),
    `month`, or `date` counted from the start); instalment j of a payment at month m is at m + j.
    A dated payment of an offer with no known start is not placed (not counted here).

    Examples:
        >>> o = Offer.model_validate({"company": "A", "currency": "USD", "base_salary": 1, "start_date": "2026-07-01",
        ...     "sign_on": [{"amount": 10, "date": "2030-08-01"}, {"amount": 10, "month": 46, "installments": 4}],
        ...     "relocation": {"amount": 5, "month": 48}})
        >>> payments_beyond_horizon(o, 4)
        4
    """
    if start is None and offer.start_date is not None:
        start = first_month(offer.start_date)
    T = 12 * horizon_years
    count = 0
    for p in offer.sign_on or ():
        if p.date is not None and start is None:
            continue
        when = payment_month(p.date, p.month, start or 0, 12 * (p.year - 1))
        count += max(0, min(p.installments, when + p.installments - T))
    r = offer.relocation
    if r is not None and not (r.date is not None and start is None):
        count += payment_month(r.date, r.month, start or 0, 0) >= T
    return count


def present_value(tc: np.ndarray, discount_rate: float, convention: str = "year-end") -> np.ndarray:
    """Σ tc_k / (1 + r)^k for k = 1..H (`year-end`), or with k − ½ (`mid-year`).

    The `exact` convention discounts each dated payment and is computed by compute_figures.

    Examples:
        >>> round(float(present_value(np.array([[110.0, 121.0]]), 0.10)[0]), 6)
        200.0
        >>> round(float(present_value(np.array([[110.0]]), 0.10, "mid-year")[0]), 2)
        104.88
    """
    k = np.arange(1, tc.shape[1] + 1) - (0.5 if convention == "mid-year" else 0.0)
    return (tc / (1.0 + discount_rate) ** k[None, :]).sum(axis=1)



class _GivenTerms:
    """An offers stand-in whose `engine_terms` answers with terms already built (paid_view_from)."""

    def __init__(self, terms: Terms, n: int):
        self.terms, self.n = terms, n

    def __len__(self) -> int:
        return self.n

    def engine_terms(self, a, fx, default_start=None) -> Terms:
        return self.terms


def paid_view_from(offers: Sequence[Offer], a: Assumptions, fx: FxTable, start: np.ndarray, default_start_date: dt.date,
                   first_month_of_year: int) -> CalendarFigures:
    """The paid (cash) view over years that begin in `first_month_of_year` (4 = April: the UK's and
    India's tax years), for `offers` whose first months counted are `start` (Figures.start).

    Column c is the year starting in `first_month_of_year` of year `first_year + c`. A month's
    salary (paid at the month's end), a bonus payout, a payment and a vest count in the year their
    month falls in, so April's pay is in the year starting in April (for the UK: the tax year
    starting on 6 April). The engine runs on the same terms with the calendar moved back by
    `first_month_of_year − 1` months (start, bonus year and payout month alike), so its calendar
    years are these years; the US limits inside it are read for the moved years (they only
    touch employer money and benefits, which are not taxed, and the deferral of US offers).
    Weekly and biweekly pay is counted here by month (its pay dates are not moved).
    """
    d = first_month_of_year - 1
    with paused_gc():
        t = extract_terms(offers, a, fx, default_start_date)
    t.col["start"] = np.asarray(start, dtype=float) - d
    t.pay_periods = []  # weekly and biweekly pay are dated by real days: counted by month in these years
    rules = {r[0]: r for r in t.bonus_rules}
    moved = []
    for i in range(len(offers)):  # every offer gets a bonus-year rule moved by d months
        _, year_start, paid_in, rule, cut = rules.get(i, (i, 1, 3, 0, False))
        moved.append((i, (year_start - 1 - d) % 12 + 1, (paid_in - 1 - d) % 12 + 1, rule, cut))
    t.bonus_rules = moved
    return compute_figures(_GivenTerms(t, len(offers)), a, fx).calendar  # type: ignore[arg-type]
