"""The bridge from an Evaluation to market placement: each offer's figures to compare.

`base` ↔ year-1 base, `bonus` ↔ year-1 target bonus (target × base, or the fixed amount, at
100% payout), `equity` ↔ average annual equity over the horizon (refreshers included only
when they are counted in TC), `total` ↔ `average_tc`; all in the reporting currency.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from .model import MarketData
from .place import place_offers, wage_levels

H1B = {"h1b-new", "h1b-transfer"}


def offer_targets(evaluation) -> pd.DataFrame:
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
    equity = f.parts["equity"] + (f.parts["refresh_equity"] if evaluation.assumptions.include_refreshers else 0.0)
    return pd.DataFrame(
        {
            "offer_id": evaluation.ids,
            "role": [o.role for o in evaluation.offers],
            "level": [o.level for o in evaluation.offers],
            "location": [o.location for o in evaluation.offers],
            "currency": evaluation.currency,
            "base": base1,
            "bonus": np.array(target_bonus, dtype=float),
            "equity": equity.mean(axis=1),
            "total": f.tc.mean(axis=1),
            "visa_sponsorship": [bool(o.visa and o.visa.sponsorship in H1B) for o in evaluation.offers],
        }
    )


def place_evaluation(evaluation, markets: Sequence[MarketData]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(placements, wage levels) for every offer of `evaluation` against `markets`."""
    targets = offer_targets(evaluation)
    placed = place_offers(targets, markets, fx=evaluation.fx.rate)
    levels = wage_levels(targets, markets, fx=evaluation.fx.rate)
    return placed, levels
