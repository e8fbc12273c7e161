"""The bridge from an Evaluation to market placement: each offer's figures to compare.

`base` ↔ year-1 base, `bonus` ↔ year-1 target bonus (target × base, or the fixed amount, at
100% payout), `equity` ↔ average annual equity over the horizon (refreshers included only
when they are counted in TC), `total` ↔ `average_tc`; all in the reporting currency.
"""

from __future__ import annotations

import dataclasses
from typing import Sequence

import numpy as np
import pandas as pd

from ..offers.engine import equity_in_tc
from ..offers.results import Evaluation
from .model import MarketData
from .place import place_offers, wage_levels

# Petition types whose worker must be paid the prevailing wage under an LCA (H-1B, H-1B1, E-3:
# 20 CFR 655 subpart H; docs/negotiation.md "Visa rules"): their offers get a wage level.
H1B = {"h1b-new", "h1b-transfer", "h1b-cap-exempt", "h1b1", "e3"}


def offer_targets(evaluation: Evaluation) -> pd.DataFrame:
    """One row per offer with the columns `place_offers` and `wage_levels` expect."""
    f = evaluation.figures
    base1 = f.parts["base"][:, 0]
    target_bonus = []
    for i, o in enumerate(evaluation.offers):
        if o.bonus is None:
            target_bonus.append(0.0)
        elif o.bonus.target is not None:
            target_bonus.append(base1[i] * o.bonus.target)
        else:
            target_bonus.append((o.bonus.amount or 0.0) * f.rates[i])
    equity = sum(f.parts[p] for p in equity_in_tc(evaluation.assumptions.include_refreshers))
    return pd.DataFrame(
        {
            "offer_id": evaluation.ids,
            "role": [o.role for o in evaluation.offers],
            "level": [o.level for o in evaluation.offers],
            "location": [o.location for o in evaluation.offers],
            "market_location": [o.market_location for o in evaluation.offers],
            "oflc_area": [o.oflc_area for o in evaluation.offers],
            "county": [o.county for o in evaluation.offers],
            "currency": evaluation.currency,
            "base": base1,
            "bonus": np.array(target_bonus, dtype=float),
            "equity": equity.mean(axis=1),
            "total": f.tc.mean(axis=1),
            "visa_sponsorship": [bool(o.visa and o.visa.sponsorship in H1B) for o in evaluation.offers],
        }
    )


def offer_rows(frame: pd.DataFrame | None, offer_id: str) -> pd.DataFrame | None:
    """The rows of a placements or wage-levels frame (`Evaluation.market`, `.wage_levels`) that
    belong to one offer, or None when there are none (no market data, or none for this offer).

    The one place that selects an offer's market rows."""
    if frame is None or not isinstance(frame, pd.DataFrame) or not len(frame) or "offer_id" not in frame.columns:
        return None
    rows = frame[frame["offer_id"] == offer_id]
    return rows if len(rows) else None


def currency_uses(markets: Sequence[MarketData]) -> dict[str, list[tuple[str, str, str]]]:
    """Each currency the market data is in → where, as (file, record, field), for FX messages."""
    used: dict[str, list[tuple[str, str, str]]] = {}
    for m in markets:
        for code in sorted(c for c in (m.currencies or ()) if c):
            used.setdefault(code, []).append((str(m.source), "", "currency"))
    return used


def place(evaluation: Evaluation, markets: MarketData | Sequence[MarketData] | None) -> Evaluation:
    """A new Evaluation with every offer placed against `markets` (the `market` and `wage_levels` slots).

    The FX table is extended to the market data's currencies when needed; `with_assumptions`
    on the result places again. With no market data, the evaluation is returned unchanged.
    """
    if markets is None:
        return evaluation
    markets = (markets,) if isinstance(markets, MarketData) else tuple(markets)
    if not markets:
        return evaluation
    uses = currency_uses(markets)
    missing = {c: u for c, u in uses.items() if c != evaluation.currency and c not in evaluation.fx.rates}
    if missing and evaluation.recompute is not None:
        evaluation = evaluation.recompute(evaluation.assumptions, missing)
    targets = offer_targets(evaluation)
    placed = place_offers(targets, markets, fx=evaluation.fx.rate)
    levels = wage_levels(targets, markets, fx=evaluation.fx.rate)
    base = evaluation.recompute

    def recompute(assumptions, more=None) -> Evaluation:
        return place(base(assumptions, more), markets)  # type: ignore[misc]

    return dataclasses.replace(
        evaluation, market=placed, wage_levels=levels,
        market_currencies=tuple(sorted(set(evaluation.market_currencies) | set(uses))),
        recompute=recompute if base is not None else None,
    )
