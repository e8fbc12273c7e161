"""Walk-away arithmetic: what leaving an offer's job after N months is worth, on the paid view.

For each offer and month N (default 6, 12, 18, 24), in the reporting currency, counting what is
paid in months 0 … N − 1 from the start (leaving at the end of month N − 1; the engine's paid
view month by month, offers.engine.paid_by_month):

    cash_received     = salary paid in those months
                        + each bonus whose payout month is among them (employed on the payout date;
                          a bonus earned but paid later is lost)
                        + each sign-on instalment and relocation payment dated among them
    equity_received   = Σ value of vest events at months ≤ N (refreshers only when counted in TC)
    retirement_vested = employer 401(k)/pension money paid in those months × the fraction vested
                        after N months under `retirement.vesting` (immediate; cliff after N
                        years; graded after each completed year); vesting not stated: none
    repayment_owed    = Σ over sign-on payments and relocation still inside their clawback period
                        (months served s = N − the payment's month < clawback_months c), on what
                        was received of it (instalments received by N):
                        cliff (or type not stated): all of it; prorata: × (c − s) / c;
                        × (1 − tax rate) when repay_basis is net and a tax rate is known, else gross
    net_value         = cash_received + equity_received + retirement_vested − repayment_owed

Worked example: a $45,000 sign-on, 12-month pro-rata clawback, leave at month 6 →
owed 45,000 × (12 − 6) / 12 = 22,500. A clawback type not stated is treated as a cliff (the
worst case) and the checklist marks it to confirm. Months past the horizon count only the months
the evaluation projects. Rules and a dated worked example: docs/negotiation.md "Walk-away value".
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional, Sequence

import numpy as np

from ..offers.engine import paid_by_month, payment_month
from ..offers.ledger import default_start, month_index
from ..offers.models import Offer, Repayable
from ..offers.results import Evaluation
from .current import CurrentJob, forfeited_value

DEFAULT_MONTHS = (6, 12, 18, 24)
COLUMNS = ("offer_id", "month", "cash_received", "equity_received", "retirement_vested", "repayment_owed", "net_value")
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


def offer_walkaway(evaluation: Evaluation, i: int, months: Sequence[int] = DEFAULT_MONTHS, events: Any = None,
                   paid: Optional[dict[str, np.ndarray]] = None) -> list[dict[str, Any]]:
    """Walk-away rows for offer i (see the module docstring for the formulas).

    `paid`: offer i's paid_by_month arrays (component → months), when the caller has them."""
    o = evaluation.offers[i]
    f = evaluation.figures
    a = evaluation.assumptions
    rate = float(f.rates[i])
    T = 12 * evaluation.horizon_years
    start = int(f.start[i]) if f.start is not None else month_index(o.start_date or default_start(dt.date.today()))
    if paid is None:
        paid = {k: v[0] for k, v in paid_by_month([o], a, evaluation.fx, [start]).items()}
    tax = o.tax_rate if o.tax_rate is not None else a.tax_rate
    if events is None:
        events = evaluation.vest_events
    mine = events[events["offer_id"] == o.id] if len(events) else events
    if len(mine) and not a.include_refreshers:
        mine = mine[mine["kind"] != "refresher"]
    # paid by the end of month N − 1: cumulative sums, read at each N (no loop over months)
    cum = {k: np.concatenate([[0.0], np.cumsum(paid[k])]) for k in ("base", "bonus", "sign_on", "relocation", "retirement")}
    payments = _repayables(o, start, T, rate)
    vesting = o.retirement.vesting if o.retirement is not None else None
    rows = []
    for n in months:
        upto = min(max(int(n), 0), T)
        cash = sum(float(cum[k][upto]) for k in ("base", "bonus", "sign_on", "relocation"))
        vested = float(cum["retirement"][upto]) * (vesting.vested(n) if vesting is not None else 0.0)
        owed = 0.0
        for first, instalments, each, terms in payments:
            received = each * int(np.clip(upto - first, 0, instalments))
            if received:
                owed += repayment(received, n - first, terms.clawback_months, terms.clawback, terms.repay_basis, tax)
        equity = float(mine.loc[mine["month"] <= n, "value"].sum()) if len(mine) else 0.0
        rows.append({"offer_id": o.id, "month": int(n), "cash_received": cash, "equity_received": equity,
                     "retirement_vested": vested, "repayment_owed": owed, "net_value": cash + equity + vested - owed})
    return rows


def _repayables(o: Offer, start: int, T: int, rate: float) -> list[tuple[int, int, float, Repayable]]:
    """Each sign-on payment and the relocation as (first month, instalments, amount of each in the
    reporting currency, terms), placed as the engine places them; instalments after the horizon dropped."""
    out = []
    for p in o.sign_on or ():
        first = payment_month(p.date, p.month, start, 12 * (p.year - 1))
        out.append((first, max(0, min(p.installments, T - first)), p.amount / p.installments * rate, p))
    r = o.relocation
    if r is not None:
        first = payment_month(r.date, r.month, start, 0)
        out.append((first, int(first < T), r.amount * rate, r))
    return out


def vesting_unstated(o: Offer) -> bool:
    """True when the offer has employer retirement money (a match or a non-zero contribution) and
    `retirement.vesting` is not stated: the walk-away counts none of it, the checklist asks."""
    r = o.retirement
    return r is not None and r.vesting is None and bool(r.tiers or r.employer_contribution)


def retirement_note(o: Offer) -> Optional[str]:
    """What the walk-away says about employer retirement money whose vesting is not stated, else None."""
    if not vesting_unstated(o):
        return None
    return ("retirement.vesting is not stated: the walk-away counts none of the employer's 401(k)/pension money "
            "(the worst case); ask whether it vests immediately, after a cliff or graded")


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


__all__ = ["COLUMNS", "DEFAULT_MONTHS", "FORFEIT_COLUMNS", "forfeit_rows", "offer_walkaway", "repayment", "retirement_note", "vesting_unstated"]
