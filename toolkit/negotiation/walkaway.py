"""Walk-away arithmetic: what leaving an offer's job after N months is worth.

For each offer and month N (default 6, 12, 18, 24), in the reporting currency:

    cash_received   = base earned month by month (year k's base ÷ 12 per month)
                      + each year's bonus, paid at the end of the year (month 12k ≤ N)
                      + each sign-on payment, paid on the first day of its year (12(y − 1) < N)
                      + relocation, paid on day one
    equity_received = Σ value of vest events at months ≤ N (refreshers only when counted in TC)
    repayment_owed  = Σ over sign-on payments and relocation still inside their clawback period
                      (months served s = N − month paid < clawback_months c):
                      cliff (or type not stated): the whole amount; prorata: amount × (c − s) / c;
                      × (1 − tax rate) when repay_basis is net and a tax rate is known, else gross
    net_value       = cash_received + equity_received − repayment_owed

Worked example: a $45,000 sign-on, 12-month pro-rata clawback, leave at month 6 →
owed 45,000 × (12 − 6) / 12 = 22,500. A clawback type not stated is treated as a cliff (the
worst case) and the checklist marks it to confirm. Months past the horizon count only the years
the evaluation projects. Pure.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Sequence


from ..offers.results import Evaluation
from .current import CurrentJob, forfeited_value

DEFAULT_MONTHS = (6, 12, 18, 24)
COLUMNS = ("offer_id", "month", "cash_received", "equity_received", "repayment_owed", "net_value")
FORFEIT_COLUMNS = ("item", "date", "amount", "currency", "amount_reporting", "within_12_months")


def repayment(amount: float, months_served: float, clawback_months: int | None, clawback: str | None,
              repay_basis: str | None = None, tax_rate: float | None = None) -> float:
    """What is owed on one payment after `months_served` months.

    Examples:
        >>> repayment(45000, 6, 12, "prorata")
        22500.0
        >>> repayment(45000, 6, 12, "cliff")
        45000.0
        >>> repayment(45000, 12, 12, "cliff")
        0.0
    """
    if not clawback_months or months_served >= clawback_months:
        return 0.0
    share = (clawback_months - months_served) / clawback_months if clawback == "prorata" else 1.0
    basis = (1.0 - tax_rate) if (repay_basis == "net" and tax_rate is not None) else 1.0
    return float(amount * share * basis)


def offer_walkaway(evaluation: Evaluation, i: int, months: Sequence[int] = DEFAULT_MONTHS, events: Any = None) -> list[dict[str, Any]]:
    """Walk-away rows for offer i (see the module docstring for the formulas)."""
    o = evaluation.offers[i]
    f = evaluation.figures
    a = evaluation.assumptions
    rate = float(f.rates[i])
    horizon = evaluation.horizon_years
    tax = o.tax_rate if o.tax_rate is not None else a.tax_rate
    if events is None:
        events = evaluation.vest_events
    mine = events[events["offer_id"] == o.id] if len(events) else events
    if len(mine) and not a.include_refreshers:
        mine = mine[mine["kind"] != "refresher"]
    rows = []
    for n in months:
        base = sum(float(f.parts["base"][i, k]) / 12.0 * min(max(n - 12 * k, 0), 12) for k in range(horizon))
        bonus = sum(float(f.parts["bonus"][i, k]) for k in range(horizon) if 12 * (k + 1) <= n)
        owed = 0.0
        sign_on = 0.0
        for p in o.sign_on or ():
            paid_at = 12 * (p.year - 1)
            if p.year <= horizon and n > paid_at:
                sign_on += p.amount * rate
                owed += repayment(p.amount * rate, n - paid_at, p.clawback_months, p.clawback, p.repay_basis, tax)
        reloc = 0.0
        if o.relocation is not None and n > 0:
            reloc = o.relocation.amount * rate
            r = o.relocation
            owed += repayment(reloc, n, r.clawback_months, r.clawback, r.repay_basis, tax)
        equity = float(mine.loc[mine["month"] <= n, "value"].sum()) if len(mine) else 0.0
        cash = base + bonus + sign_on + reloc
        rows.append({"offer_id": o.id, "month": int(n), "cash_received": cash, "equity_received": equity,
                     "repayment_owed": owed, "net_value": cash + equity - owed})
    return rows


def forfeit_rows(current: CurrentJob, today: dt.date, rate: float) -> list[dict[str, Any]]:
    """What leaving the current job today gives up: every unvested tranche after today, and the bonus."""
    window = forfeited_value(current, today)
    rows = []
    for t in current.tranches():
        if t.vest_date > today:
            rows.append({"item": "unvested equity", "date": t.vest_date.isoformat(), "amount": float(t.amount), "currency": current.currency,
                         "amount_reporting": float(t.amount) * rate, "within_12_months": t.vest_date <= window.until})
    if current.bonus_forfeited:
        rows.append({"item": "bonus forfeited", "date": None, "amount": float(current.bonus_forfeited), "currency": current.currency,
                     "amount_reporting": float(current.bonus_forfeited) * rate, "within_12_months": True})
    return rows


__all__ = ["COLUMNS", "DEFAULT_MONTHS", "FORFEIT_COLUMNS", "forfeit_rows", "offer_walkaway", "repayment"]
