"""Decision summary: offers ranked on one chosen figure, a personal score beside it, and for
the top two the crossover year and the break-even stock growth.

    score = Σ_f weight_f × rating_f / Σ_f weight_f   over the factors the offer rates (1–5)
            and that carry a weight (assumptions `weights:`; all factors weigh 1 when none are given)

The crossover year is the first year in which the cumulative TC of the runner-up overtakes the
leader's (or the reverse); the break-even growth is the yearly share-price growth at which the
two offers' average TC are equal. Both come from `toolkit.offers.scenarios`. Pure (re-evaluation only).
"""

from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np

from ..offers.results import Evaluation
from ..errors import ARGUMENT, InputError, Issue
from ..offers.scenarios import break_even_growth, crossover_year

RANK_FIGURES = {
    "year1_tc": "year1_tc",
    "average_tc": "average_tc",
    "total_tc": "total_tc",
    "average_total_rewards": "average_total_rewards",
    "average_tc_col_adjusted": "average_tc_col_adjusted",
    "col_adjusted": "average_tc_col_adjusted",
    "average_tc_after_tax": "average_tc_after_tax",
    "after_tax": "average_tc_after_tax",
}
NEEDS = {"average_tc_col_adjusted": "col_index on every offer", "average_tc_after_tax": "a country with tax tables (the location or tax.country) or a tax_rate"}
COLUMNS = ("rank", "offer_id", "company", "rank_by", "value", "currency", "score", "score_rank", "score_tied", "factors")


def resolve_rank_by(rank_by: str) -> str:
    key = RANK_FIGURES.get(str(rank_by).strip().lower().replace("-", "_"))
    if key is None:
        choices = ", ".join(k for k in RANK_FIGURES if k == RANK_FIGURES[k])
        raise InputError([Issue(source=ARGUMENT, field="rank_by", message=f"expected one of {choices}, got {rank_by!r}", code="bad_argument")])
    return key


def personal_scores(offers, weights: Optional[dict[str, float]]) -> list[Optional[float]]:
    """Weighted mean rating per offer (None when it rates no weighted factor).

    Examples:
        >>> from types import SimpleNamespace as O
        >>> personal_scores([O(factors={"growth": 4, "commute": 2})], {"growth": 3, "commute": 1})
        [3.5]
    """
    names = sorted({f for o in offers for f in (o.factors or {})})
    w = dict(weights) if weights else {f: 1.0 for f in names}
    out = []
    for o in offers:
        rated = {f: r for f, r in (o.factors or {}).items() if w.get(f, 0) > 0}
        total = sum(w[f] for f in rated)
        out.append(sum(w[f] * r for f, r in rated.items()) / total if total else None)
    return out


def competition_ranks(values: list[Optional[float]]) -> list[Optional[int]]:
    """Standard competition ranking ("1224"), highest first: equal values share a rank and the
    next rank skips; None stays unranked. Scores are compared at 9 decimals (a weighted mean of
    ratings that prints as 3.50 is 3.50).

    Examples:
        >>> competition_ranks([4.0, 3.5, 3.5, 2.0, None])
        [1, 2, 2, 4, None]
    """
    keyed = [None if v is None or math.isnan(v) else round(float(v), 9) for v in values]
    return [None if k is None else 1 + sum(1 for other in keyed if other is not None and other > k) for k in keyed]


def build_ranking(evaluation: Evaluation, rank_by: str = "average_tc") -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Ranking rows (COLUMNS) and the decision summary for the top two."""
    key = resolve_rank_by(rank_by)
    values = np.asarray(evaluation.headlines[key], dtype=float)
    if np.isnan(values).all():
        raise InputError([Issue(source=ARGUMENT, field="rank_by", message=f"cannot rank by {key}: it needs {NEEDS.get(key, 'more data')}", code="bad_argument")])
    order = sorted(range(len(values)), key=lambda i: (math.isnan(values[i]), -values[i] if not math.isnan(values[i]) else 0, i))
    scores = personal_scores(evaluation.offers, evaluation.assumptions.weights)
    score_ranks = competition_ranks(scores)
    # money ties at the cent share a rank too (1, 2, 2, 4)
    value_ranks = competition_ranks([None if math.isnan(v) else round(float(v), 2) for v in values])
    rows = []
    for i in order:
        o = evaluation.offers[i]
        rows.append({
            "rank": value_ranks[i], "offer_id": o.id, "company": o.company, "rank_by": key,
            "value": float(values[i]), "currency": evaluation.currency, "score": scores[i],
            "score_rank": score_ranks[i],
            "score_tied": score_ranks[i] is not None and score_ranks.count(score_ranks[i]) > 1,
            "factors": dict(o.factors or {}),
        })
    decision: dict[str, Any] = {"rank_by": key, "top": None, "runner_up": None, "tied": False, "crossover_year": None,
                                "break_even_growth": None}
    ranked = [i for i in order if not math.isnan(values[i])]
    if len(ranked) >= 2:
        a, b = evaluation.ids[ranked[0]], evaluation.ids[ranked[1]]
        decision.update({"top": a, "runner_up": b, "tied": value_ranks[ranked[0]] == value_ranks[ranked[1]],
                         "crossover_year": crossover_year(evaluation, a, b),
                         "break_even_growth": break_even_growth(evaluation, a, b)})
    elif ranked:
        decision["top"] = evaluation.ids[ranked[0]]
    return rows, decision
