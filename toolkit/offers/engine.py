"""The total-compensation engine: offers → year-by-year component arrays in one currency.

Pure and vectorised: every component is an (offers × years) numpy array in the reporting
currency, built with array operations across all offers at once; equity is valued per vest
event, grouped by schedule so that a 100,000-offer evaluation never loops per month. The
rules, with worked examples, are in docs/methodology.md; this module must stay in step.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Sequence

import numpy as np

from .fx import FxTable
from .._util import paused_gc
from .models import Assumptions, Offer, _schedule
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


@lru_cache(maxsize=None)
def limits() -> dict:
    """The dated limits table (toolkit/offers/tables/limits.toml); the newest year of each rule is used."""
    text = resources.files("toolkit.offers").joinpath("tables/limits.toml").read_text(encoding="utf-8")
    tables = tomllib.loads(text)
    return {rule: years[max(years)] for rule, years in tables.items()}


@dataclass(frozen=True)
class Figures:
    """Unrounded engine output. Arrays are (offers × horizon) in the reporting currency."""

    parts: dict[str, np.ndarray]
    tc: np.ndarray
    total_rewards: np.ndarray
    exercise_cost: np.ndarray  # per offer
    pto_value: np.ndarray  # per offer, NaN where pto_days is missing
    rates: np.ndarray  # per offer: reporting units per 1 unit of the offer's currency


@dataclass
class Terms:
    """Every offer's terms as flat numpy arrays: the one Python pass over the offers."""

    rates: np.ndarray  # reporting units per 1 unit of the offer's currency
    base1: np.ndarray  # year-1 annual base, own currency
    target: np.ndarray
    fixed_bonus: np.ndarray
    payout: np.ndarray
    sign_on: list  # (offer index, year, amount in own currency)
    relocation: np.ndarray
    pto: np.ndarray
    usd: np.ndarray
    match: np.ndarray  # offers × tiers
    up_to: np.ndarray
    flat_contribution: np.ndarray
    fixed_benefits: np.ndarray
    espp_discount: np.ndarray
    espp_contribution: np.ndarray
    grants: dict  # vesting key → rows (offer index, start value, strike total, growth, rate, multiplier)
    refreshers: dict


def extract_terms(offers: Sequence[Offer], a: Assumptions, fx: FxTable) -> Terms:
    """Read every term the engine needs from the models into arrays, in one loop.

    Each offer's scalars go into one tuple, converted to arrays once at the end: assigning
    numpy elements one by one, or appending to a dozen lists, costs several times more.
    """
    rate_of: dict[str, float] = {}

    def rate(code: str) -> float:
        r = rate_of.get(code)
        if r is None:
            r = rate_of[code] = fx.rate(code)
        return r

    scalars: list[tuple] = []  # one row per offer: the SCALAR_COLUMNS below
    currencies: list[str] = []
    tiers: list[tuple[int, int, float, float]] = []
    sign_on: list[tuple[int, int, float]] = []
    grants: dict[tuple, list] = {}
    refreshers: dict[tuple, list] = {}
    private_mult = 1.0 - a.private_equity_discount
    nan = float("nan")
    yearly = Period.YEAR
    add_row, add_currency = scalars.append, currencies.append  # this loop runs 100,000 times in the benchmark
    for i, o in enumerate(offers):
        cur = o.currency
        offer_rate = rate_of.get(cur)
        if offer_rate is None:
            offer_rate = rate(cur)
        add_currency(cur)
        pay = o.base_salary
        bonus, r, b, rel = o.bonus, o.retirement, o.benefits, o.relocation
        espp = b.espp if b is not None else None
        add_row((
            offer_rate,
            pay.amount if pay.per is yearly else o.annual_base,
            (bonus.target or 0.0) if bonus is not None else 0.0,
            (bonus.amount or 0.0) if bonus is not None else 0.0,
            bonus.expected_payout if bonus is not None else 0.0,
            rel.amount if rel is not None else 0.0,
            o.pto_days if o.pto_days is not None else nan,
            (r.employer_contribution or 0.0) if r is not None else 0.0,
            ((b.health or 0.0) + (b.hsa or 0.0) + (sum(b.other.values()) if b.other else 0.0)) if b is not None else 0.0,
            espp.discount if espp is not None else 0.0,
            espp.contribution if espp is not None else 0.0,
        ))
        if o.sign_on:
            for payment in o.sign_on:
                sign_on.append((i, payment.year, payment.amount))
        if r is not None:
            for k, tier in enumerate(r.tiers):
                tiers.append((i, k, tier.match, tier.up_to))
        if o.equity:
            for grant in o.equity:
                growth = a.stock_growth if grant.stock_growth is None else grant.stock_growth
                grants.setdefault(grant.vesting.key, []).append(
                    (i, grant.start_value, grant.strike_total, growth, rate(grant.currency) if grant.currency else offer_rate,
                     private_mult if grant.private else 1.0)
                )
        ref = o.refresher
        if ref is not None:
            growth = a.stock_growth if ref.stock_growth is None else ref.stock_growth
            refreshers.setdefault(ref.vesting.key, []).append(
                (i, ref.annual_value, 0.0, growth, rate(ref.currency) if ref.currency else offer_rate, private_mult if ref.private else 1.0)
            )
    n = len(offers)
    max_tiers = max((k + 1 for _, k, _, _ in tiers), default=0)
    match = np.zeros((n, max_tiers))
    up_to = np.zeros((n, max_tiers))
    for i, k, m, u in tiers:
        match[i, k], up_to[i, k] = m, u
    cols = np.array(scalars, dtype=float).reshape(n, 11).T
    (rates, base1, target, fixed_bonus, payout, relocation, pto, flat, fixed_benefits, espp_d, espp_c) = cols
    return Terms(
        rates=rates, base1=base1, target=target, fixed_bonus=fixed_bonus, payout=payout,
        sign_on=sign_on, relocation=relocation, pto=pto, usd=np.array(currencies, dtype=object) == "USD",
        match=match, up_to=up_to, flat_contribution=flat, fixed_benefits=fixed_benefits, espp_discount=espp_d,
        espp_contribution=espp_c, grants=grants, refreshers=refreshers,
    )


def event_values(months: np.ndarray, fracs: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Value of every vest event of every grant: [grants × events], in the reporting currency.

    value = fraction × max(start_value × (1 + growth)^(months / 12) − strike_total, 0) × rate × multiplier,
    with `months` counted from the grant date and `rows` columns (offer index, start_value,
    strike_total, growth, rate, multiplier). The one place this rule is written.
    """
    start, strike, growth, rate, mult = rows[:, 1], rows[:, 2], rows[:, 3], rows[:, 4], rows[:, 5]
    price_factor = np.power((1.0 + growth)[:, None], (months / 12.0)[None, :])
    spread = np.maximum(start[:, None] * price_factor - strike[:, None], 0.0)
    return spread * fracs[None, :] * (rate * mult)[:, None]


def _value_by_year(schedule, rows, horizon: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For grants sharing one schedule: (offer index, value by year [g × H], exercise cost [g])."""
    months = np.array([m for m, _ in schedule], dtype=float)
    fracs = np.array([f for _, f in schedule], dtype=float)
    years = np.ceil(months / 12).astype(int) - 1
    keep = years < horizon
    months, fracs, years = months[keep], fracs[keep], years[keep]
    arr = np.array(rows, dtype=float).reshape(-1, 6)
    idx = arr[:, 0].astype(int)
    strike, rate = arr[:, 2], arr[:, 4]
    values = event_values(months, fracs, arr)
    onehot = np.zeros((len(years), horizon))
    onehot[np.arange(len(years)), years] = 1.0
    by_year = values @ onehot
    exercise = strike * fracs.sum() * rate
    return idx, by_year, exercise


def equity_by_year(grants: dict, n: int, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Initial-grant equity earned per year (vest-date value) and the exercise cost per offer."""
    equity = np.zeros((n, horizon))
    exercise = np.zeros(n)
    for key, rows in grants.items():
        idx, by_year, cost = _value_by_year(_schedule(key), rows, horizon)
        np.add.at(equity, idx, by_year)
        np.add.at(exercise, idx, cost)
    return equity, exercise


def refresh_by_year(refreshers: dict, n: int, horizon: int) -> np.ndarray:
    """Refresh grants of `annual_value` at months 12, 24, ...; an event r months after its grant
    is worth annual_value × fraction × (1 + growth)^(r / 12)."""
    refresh = np.zeros((n, horizon))
    for key, rows in refreshers.items():
        idx, by_offset_year, _ = _value_by_year(_schedule(key), rows, horizon)
        for anniversary in range(1, horizon):
            # a grant at month 12a shifts every event by exactly a years
            np.add.at(refresh[:, anniversary:], idx, by_offset_year[:, : horizon - anniversary])
    return refresh


def retirement_by_year(t: Terms, base_own: np.ndarray) -> np.ndarray:
    """Employer retirement money in each offer's own currency.

    Matching tiers fill slices of pay in order; for USD offers the 401(k) compensation limit
    caps the pay and the elective-deferral limit caps the total deferral that is matched.
    """
    lim = limits()["us_401k"]
    comp_cap, deferral_cap = float(lim["compensation_limit"]), float(lim["deferral_limit"])
    total = t.flat_contribution[:, None] * base_own
    comp = np.where(t.usd[:, None], np.minimum(base_own, comp_cap), base_own)
    remaining = np.where(t.usd[:, None], deferral_cap, np.inf)
    for k in range(t.match.shape[1]):
        slice_ = np.minimum(t.up_to[:, k : k + 1] * comp, remaining)
        remaining = remaining - slice_
        total = total + t.match[:, k : k + 1] * slice_
    return total


def benefits_by_year(t: Terms, base_own: np.ndarray) -> np.ndarray:
    """Health + HSA + other benefits + ESPP gain, in each offer's own currency.

    ESPP gain = min(contribution × base, cap × (1 − discount)) × discount / (1 − discount),
    the cap being the $25,000 purchase limit for USD offers only.
    """
    cap = float(limits()["us_espp"]["purchase_limit"])
    d = t.espp_discount
    spend = t.espp_contribution[:, None] * base_own
    spend = np.where(t.usd[:, None], np.minimum(spend, cap * (1.0 - d)[:, None]), spend)
    gain = spend * (d / (1.0 - d))[:, None]
    return t.fixed_benefits[:, None] + gain


def compute_figures(offers: Sequence[Offer], a: Assumptions, fx: FxTable) -> Figures:
    """Every component for every offer and year, in the reporting currency (unrounded)."""
    n, horizon = len(offers), a.horizon_years
    # A columnar table (offers/columnar.py) builds the same arrays from its columns, without
    # models; it answers None when this Terms is not the one it was written for.
    columnar = getattr(offers, "engine_terms", None)
    t = columnar(a, fx) if columnar is not None else None
    if t is None:
        with paused_gc():
            t = extract_terms(offers, a, fx)
    rates = t.rates
    growth = (1.0 + a.annual_raise) ** np.arange(horizon)
    base_own = t.base1[:, None] * growth[None, :]
    base = base_own * rates[:, None]
    bonus = base * (t.target * t.payout)[:, None] + (t.fixed_bonus * t.payout * rates)[:, None]
    sign_on = np.zeros((n, horizon))
    for i, year, amount in t.sign_on:
        if year <= horizon:
            sign_on[i, year - 1] += amount * rates[i]
    relocation = np.zeros((n, horizon))
    relocation[:, 0] = t.relocation * rates
    pto = t.pto
    equity, exercise = equity_by_year(t.grants, n, horizon)
    refresh = refresh_by_year(t.refreshers, n, horizon)
    retirement = retirement_by_year(t, base_own) * rates[:, None]
    benefits = benefits_by_year(t, base_own) * rates[:, None]
    parts = {
        "base": base,
        "bonus": bonus,
        "sign_on": sign_on,
        "equity": equity,
        "refresh_equity": refresh,
        "retirement": retirement,
        "benefits": benefits,
        "relocation": relocation,
    }
    tc = sum(parts[p] for p in tc_parts(a.include_refreshers))
    total_rewards = tc + sum(parts[p] for p in REWARDS_PARTS)
    pto_value = base[:, 0] / DAYS_PER_YEAR * pto
    return Figures(parts, tc, total_rewards, exercise, pto_value, rates)


def vest_events(offers: Sequence[Offer], a: Assumptions, fx: FxTable) -> list[dict]:
    """Every vest event within the horizon, one dict each (for reports and simulations).

    Keys: offer_id, grant (1-based; 0 for refreshers), kind (rsu/option/refresher), anniversary
    (month the grant was made: 0 for initial grants), month (from start), year, fraction,
    start_value, strike_total, growth, rate, multiplier, value.
    """
    rows: list[dict] = []
    horizon = a.horizon_years

    def add(offer: Offer, grant_no: int, kind: str, granted: int, schedule, start, strike, growth, rate, mult) -> None:
        kept = [(m, f) for m, f in schedule if -(-(granted + m) // 12) <= horizon]
        if not kept:
            return
        months = np.array([m for m, _ in kept], dtype=float)
        fracs = np.array([f for _, f in kept], dtype=float)
        values = event_values(months, fracs, np.array([[0, start, strike, growth, rate, mult]], dtype=float))[0]
        for (month, frac), value in zip(kept, values):
            m = granted + month
            rows.append(dict(offer_id=offer.id, grant=grant_no, kind=kind, anniversary=granted, month=m, year=-(-m // 12),
                             fraction=frac, start_value=start, strike_total=strike, growth=growth, rate=rate,
                             multiplier=mult, value=float(value)))

    for offer in offers:
        for g, grant in enumerate(offer.equity or (), start=1):
            growth = a.stock_growth if grant.stock_growth is None else grant.stock_growth
            mult = (1.0 - a.private_equity_discount) if grant.private else 1.0
            add(offer, g, grant.type, 0, grant.vesting.schedule, grant.start_value, grant.strike_total, growth,
                fx.rate(grant.currency or offer.currency), mult)
        r = offer.refresher
        if r is not None:
            growth = a.stock_growth if r.stock_growth is None else r.stock_growth
            mult = (1.0 - a.private_equity_discount) if r.private else 1.0
            for anniversary in range(1, horizon):
                add(offer, 0, "refresher", 12 * anniversary, r.vesting.schedule, r.annual_value, 0.0, growth,
                    fx.rate(r.currency or offer.currency), mult)
    return rows


def flags(offer: Offer, a: Assumptions) -> list[str]:
    """Warnings a reader must see beside the figures: paper value, unpromised refreshers, ..."""
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
    beyond = [p for p in offer.sign_on or () if p.year > a.horizon_years]
    if beyond:
        out.append(f"sign-on-beyond-horizon: {len(beyond)} sign-on payment(s) fall after year {a.horizon_years} and are not counted")
    return out


def present_value(tc: np.ndarray, discount_rate: float) -> np.ndarray:
    """Σ tc_k / (1 + r)^k for k = 1..H.

    Examples:
        >>> round(float(present_value(np.array([[110.0, 121.0]]), 0.10)[0]), 6)
        200.0
    """
    k = np.arange(1, tc.shape[1] + 1)
    return (tc / (1.0 + discount_rate) ** k[None, :]).sum(axis=1)

