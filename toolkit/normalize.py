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
from .models import Assumptions, Offer, Vesting

COMPONENTS = ("base", "bonus", "sign_on", "equity", "refresh_equity", "retirement", "benefits", "relocation")
TC_PARTS = ("base", "bonus", "sign_on", "equity")  # plus refresh_equity when included
DAYS_PER_YEAR = 260.0


@lru_cache(maxsize=None)
def limits() -> dict:
    """The dated limits table (toolkit/tables/limits.toml); the newest year of each rule is used."""
    text = resources.files("toolkit").joinpath("tables/limits.toml").read_text(encoding="utf-8")
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


def _grant_rows(offers: Sequence[Offer], a: Assumptions, fx: FxTable):
    """Flatten grants into per-grant arrays grouped by vesting schedule."""
    groups: dict[tuple, list[tuple[int, float, float, float, float, float]]] = {}
    for i, offer in enumerate(offers):
        for grant in offer.equity or ():
            growth = a.stock_growth if grant.stock_growth is None else grant.stock_growth
            rate = fx.rate(grant.currency or offer.currency)
            mult = (1.0 - a.private_equity_discount) if grant.private else 1.0
            groups.setdefault(grant.vesting.schedule, []).append(
                (i, grant.start_value, grant.strike_total, growth, rate, mult)
            )
    return groups


def _refresher_rows(offers: Sequence[Offer], a: Assumptions, fx: FxTable):
    groups: dict[tuple, list[tuple[int, float, float, float, float, float]]] = {}
    for i, offer in enumerate(offers):
        r = offer.refresher
        if r is None:
            continue
        growth = a.stock_growth if r.stock_growth is None else r.stock_growth
        mult = (1.0 - a.private_equity_discount) if r.private else 1.0
        groups.setdefault(r.vesting.schedule, []).append((i, r.annual_value, 0.0, growth, fx.rate(r.currency or offer.currency), mult))
    return groups


def _value_by_year(schedule, rows, horizon: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For grants sharing one schedule: (offer index, value by year [g × H], exercise cost [g]).

    Event value = fraction × max(start_value × (1 + growth)^(month / 12) − shares × strike, 0),
    converted at the grant's rate and scaled by the private-equity multiplier.
    """
    months = np.array([m for m, _ in schedule], dtype=float)
    fracs = np.array([f for _, f in schedule], dtype=float)
    years = np.ceil(months / 12).astype(int) - 1
    keep = years < horizon
    months, fracs, years = months[keep], fracs[keep], years[keep]
    arr = np.array(rows, dtype=float).reshape(-1, 6)
    idx = arr[:, 0].astype(int)
    start, strike, growth, rate, mult = arr[:, 1], arr[:, 2], arr[:, 3], arr[:, 4], arr[:, 5]
    price_factor = np.power((1.0 + growth)[:, None], (months / 12.0)[None, :])
    spread = np.maximum(start[:, None] * price_factor - strike[:, None], 0.0)
    values = spread * fracs[None, :] * (rate * mult)[:, None]
    onehot = np.zeros((len(years), horizon))
    onehot[np.arange(len(years)), years] = 1.0
    by_year = values @ onehot
    exercise = strike * fracs.sum() * rate
    return idx, by_year, exercise


def equity_by_year(offers: Sequence[Offer], a: Assumptions, fx: FxTable) -> tuple[np.ndarray, np.ndarray]:
    """Initial-grant equity earned per year (vest-date value) and the exercise cost per offer."""
    n, horizon = len(offers), a.horizon_years
    equity = np.zeros((n, horizon))
    exercise = np.zeros(n)
    for schedule, rows in _grant_rows(offers, a, fx).items():
        idx, by_year, cost = _value_by_year(schedule, rows, horizon)
        np.add.at(equity, idx, by_year)
        np.add.at(exercise, idx, cost)
    return equity, exercise


def refresh_by_year(offers: Sequence[Offer], a: Assumptions, fx: FxTable) -> np.ndarray:
    """Refresh grants of `annual_value` at months 12, 24, ...; an event r months after its grant
    is worth annual_value × fraction × (1 + growth)^(r / 12)."""
    n, horizon = len(offers), a.horizon_years
    refresh = np.zeros((n, horizon))
    for schedule, rows in _refresher_rows(offers, a, fx).items():
        idx, by_offset_year, _ = _value_by_year(schedule, rows, horizon)
        for anniversary in range(1, horizon):
            # a grant at month 12a shifts every event by exactly a years
            np.add.at(refresh[:, anniversary:], idx, by_offset_year[:, : horizon - anniversary])
    return refresh


def retirement_by_year(offers: Sequence[Offer], base_own: np.ndarray) -> np.ndarray:
    """Employer retirement money in each offer's own currency.

    Matching tiers fill slices of pay in order; for USD offers the 401(k) compensation limit
    caps the pay and the elective-deferral limit caps the total deferral that is matched.
    """
    lim = limits()["us_401k"]
    comp_cap, deferral_cap = float(lim["compensation_limit"]), float(lim["deferral_limit"])
    n, horizon = base_own.shape
    max_tiers = max((len(o.retirement.tiers) for o in offers if o.retirement), default=0)
    match = np.zeros((n, max_tiers))
    up_to = np.zeros((n, max_tiers))
    flat = np.zeros(n)
    usd = np.zeros(n, dtype=bool)
    for i, o in enumerate(offers):
        if o.retirement is None:
            continue
        usd[i] = o.currency == "USD"
        for t, tier in enumerate(o.retirement.tiers):
            match[i, t], up_to[i, t] = tier.match, tier.up_to
        flat[i] = o.retirement.employer_contribution or 0.0
    total = flat[:, None] * base_own
    comp = np.where(usd[:, None], np.minimum(base_own, comp_cap), base_own)
    remaining = np.where(usd[:, None], deferral_cap, np.inf)
    for t in range(max_tiers):
        slice_ = np.minimum(up_to[:, t : t + 1] * comp, remaining)
        remaining = remaining - slice_
        total = total + match[:, t : t + 1] * slice_
    return total


def benefits_by_year(offers: Sequence[Offer], base_own: np.ndarray) -> np.ndarray:
    """Health + HSA + other benefits + ESPP gain, in each offer's own currency.

    ESPP gain = min(contribution × base, cap × (1 − discount)) × discount / (1 − discount),
    the cap being the $25,000 purchase limit for USD offers only.
    """
    cap = float(limits()["us_espp"]["purchase_limit"])
    n, horizon = base_own.shape
    fixed = np.zeros(n)
    discount = np.zeros(n)
    contribution = np.zeros(n)
    capped = np.zeros(n, dtype=bool)
    for i, o in enumerate(offers):
        b = o.benefits
        if b is None:
            continue
        fixed[i] = (b.health or 0.0) + (b.hsa or 0.0) + sum(b.other.values())
        if b.espp is not None:
            discount[i], contribution[i] = b.espp.discount, b.espp.contribution
            capped[i] = o.currency == "USD"
    spend = contribution[:, None] * base_own
    spend = np.where(capped[:, None], np.minimum(spend, cap * (1.0 - discount)[:, None]), spend)
    gain = spend * (discount / (1.0 - discount))[:, None]
    return fixed[:, None] + gain


def compute_figures(offers: Sequence[Offer], a: Assumptions, fx: FxTable) -> Figures:
    """Every component for every offer and year, in the reporting currency (unrounded)."""
    n, horizon = len(offers), a.horizon_years
    rate_of = {c: fx.rate(c) for c in {o.currency for o in offers}}
    rates = np.array([rate_of[o.currency] for o in offers], dtype=float)
    growth = (1.0 + a.annual_raise) ** np.arange(horizon)
    base1 = np.array([o.annual_base for o in offers], dtype=float)
    base_own = base1[:, None] * growth[None, :]
    base = base_own * rates[:, None]

    target = np.zeros(n)
    fixed_bonus = np.zeros(n)
    payout = np.zeros(n)
    sign_on = np.zeros((n, horizon))
    relocation = np.zeros((n, horizon))
    pto = np.full(n, np.nan)
    for i, o in enumerate(offers):
        if o.bonus is not None:
            payout[i] = o.bonus.expected_payout
            if o.bonus.target is not None:
                target[i] = o.bonus.target
            else:
                fixed_bonus[i] = o.bonus.amount or 0.0
        for payment in o.sign_on or ():
            if payment.year <= horizon:
                sign_on[i, payment.year - 1] += payment.amount * rates[i]
        if o.relocation is not None:
            relocation[i, 0] = o.relocation.amount * rates[i]
        if o.pto_days is not None:
            pto[i] = o.pto_days
    bonus = base * (target * payout)[:, None] + (fixed_bonus * payout * rates)[:, None]
    equity, exercise = equity_by_year(offers, a, fx)
    refresh = refresh_by_year(offers, a, fx)
    retirement = retirement_by_year(offers, base_own) * rates[:, None]
    benefits = benefits_by_year(offers, base_own) * rates[:, None]
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
    tc = base + bonus + sign_on + equity + (refresh if a.include_refreshers else 0.0)
    total_rewards = tc + retirement + benefits + relocation
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
        for month, frac in schedule:
            m = granted + month
            year = -(-m // 12)
            if year > horizon:
                continue
            price_factor = (1.0 + growth) ** (month / 12.0)
            value = frac * max(start * price_factor - strike, 0.0) * rate * mult
            rows.append(dict(offer_id=offer.id, grant=grant_no, kind=kind, anniversary=granted, month=m, year=year,
                             fraction=frac, start_value=start, strike_total=strike, growth=growth, rate=rate,
                             multiplier=mult, value=value))

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


def flags(offer: Offer, a: Assumptions, figures_row: dict[str, np.ndarray] | None = None) -> list[str]:
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
        >>> float(present_value(np.array([[110.0, 121.0]]), 0.10)[0])
        200.0
    """
    k = np.arange(1, tc.shape[1] + 1)
    return (tc / (1.0 + discount_rate) ** k[None, :]).sum(axis=1)

