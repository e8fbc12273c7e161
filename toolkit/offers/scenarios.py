"""Scenarios: re-evaluate offers under changed assumptions, sweeps, break-even and crossover.

Builds on `Evaluation.with_assumptions` (results); returns DataFrames and plain numbers for
reports, charts and the negotiation plan. Pure: no file I/O, no plotting.
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

import numpy as np

from .evaluate import evaluate

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .results import Evaluation

SWEEP_COLUMNS = ("offer_id", "company", "currency")
# Rate fields refuse a bare number above 1 ("did you mean percent?"); sweeps pass such values
# as a percentage string so that a growth of 150% can be swept.
RATE_FIELDS = ("annual_raise", "stock_growth", "discount_rate")


def _index(evaluation: "Evaluation", offer_id: str) -> int:
    ids = evaluation.ids
    if offer_id not in ids:
        raise ValueError(f"unknown offer id {offer_id!r}; known: {ids}")
    return ids.index(offer_id)


def evaluate_at(evaluation: "Evaluation", **changes: Any) -> "Evaluation":
    """`evaluation.with_assumptions(**changes)`, without re-placing market data (sweeps only need the figures)."""
    if evaluation.market is not None:
        evaluation = evaluate(evaluation.offers, evaluation.assumptions, evaluation.fx, currency=evaluation.currency)
    for name in RATE_FIELDS:
        value = changes.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) > 1:
            changes[name] = f"{float(value) * 100:.15g}%"
    return evaluation.with_assumptions(**changes)


def sweep(evaluation: "Evaluation", name: str, values: Iterable[Any]) -> "pd.DataFrame":
    """Evaluate every offer at each value of one assumption.

    Args:
        evaluation: the base evaluation.
        name: an Assumptions field, e.g. "stock_growth", "annual_raise", "horizon_years".
        values: the values to try.

    Returns:
        One row per value × offer: `name` (the value), offer_id, company, currency and every
        headline figure of `offers.results.HEADLINES` (year1_tc, average_tc, total_tc, ...).

    Raises:
        ValueError: `name` is not an assumption.
        InputError: a value the assumptions refuse (e.g. a negative horizon).

    Examples:
        >>> import toolkit
        >>> e = toolkit.evaluate(toolkit.load_offers("data/offers.yaml"))  # doctest: +SKIP
        >>> sweep(e, "stock_growth", [-0.3, 0.0, 0.3])  # doctest: +SKIP
    """
    import pandas as pd

    from .models import Assumptions
    from .results import HEADLINES

    if name not in Assumptions.model_fields:
        raise ValueError(f"unknown assumption {name!r}; known: {sorted(Assumptions.model_fields)}")
    frames = []
    for value in values:
        summary = evaluate_at(evaluation, **{name: value}).summary
        frame = summary[list(SWEEP_COLUMNS) + [h for h in HEADLINES if h in summary.columns]].copy()
        frame.insert(0, name, value)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=[name, *SWEEP_COLUMNS, *HEADLINES])
    return pd.concat(frames, ignore_index=True)


def grid(evaluation: "Evaluation", axes: Mapping[str, Sequence[Any]]) -> "pd.DataFrame":
    """Like `sweep`, over every combination of several assumptions ({"stock_growth": [...], "annual_raise": [...]})."""
    import pandas as pd

    from .models import Assumptions
    from .results import HEADLINES

    names = list(axes)
    bad = [n for n in names if n not in Assumptions.model_fields]
    if bad:
        raise ValueError(f"unknown assumption(s) {bad}; known: {sorted(Assumptions.model_fields)}")
    frames = []
    for combo in itertools.product(*(list(axes[n]) for n in names)):
        changes = dict(zip(names, combo))
        summary = evaluate_at(evaluation, **changes).summary
        frame = summary[list(SWEEP_COLUMNS) + [h for h in HEADLINES if h in summary.columns]].copy()
        for k, n in enumerate(names):
            frame.insert(k, n, changes[n])
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=[*names, *SWEEP_COLUMNS, *HEADLINES])
    return pd.concat(frames, ignore_index=True)


def _average_gap(evaluation: "Evaluation", ia: int, ib: int, growth: float) -> float:
    tc = evaluate_at(evaluation, stock_growth=float(growth)).figures.tc
    return float(tc[ia].mean() - tc[ib].mean())


def break_even_growth(
    evaluation: "Evaluation", a_id: str, b_id: str, lo: float = -0.9, hi: float = 2.0, *, tol: float = 1e-7
) -> float | None:
    """The stock growth at which offers `a_id` and `b_id` have equal average TC.

    The gap avg_tc(a) − avg_tc(b) is scanned on a grid over [lo, hi] and the first sign change
    is refined by bisection, so a crossing is found even when the gap is not monotone (options
    are convex in the price). Grants with their own `stock_growth` keep it; only the shared
    assumption moves.

    Args:
        evaluation: the base evaluation.
        a_id, b_id: offer ids.
        lo, hi: the range of annual growth rates searched (fractions: −0.9 = −90 %).
        tol: stop when the bracket is narrower than this.

    Returns:
        The growth rate, or None when the gap has the same sign over the whole range (or the
        two offers' TC does not depend on the shared growth at all).

    Raises:
        ValueError: an unknown offer id, or lo ≥ hi.
    """
    ia, ib = _index(evaluation, a_id), _index(evaluation, b_id)
    if not lo < hi:
        raise ValueError(f"lo must be below hi, got lo={lo!r}, hi={hi!r}")
    xs = np.linspace(lo, hi, 30)
    gaps = [_average_gap(evaluation, ia, ib, x) for x in xs]
    for k, g in enumerate(gaps):
        if math.isclose(g, 0.0, abs_tol=0.005):
            if all(math.isclose(v, 0.0, abs_tol=0.005) for v in gaps):
                return None  # identical at every growth: no single break-even
            return float(xs[k])
        if k and (gaps[k - 1] < 0) != (g < 0):
            left, right, g_left = float(xs[k - 1]), float(xs[k]), gaps[k - 1]
            while right - left > tol:
                mid = 0.5 * (left + right)
                g_mid = _average_gap(evaluation, ia, ib, mid)
                if math.isclose(g_mid, 0.0, abs_tol=0.005):
                    return mid
                if (g_mid < 0) == (g_left < 0):
                    left, g_left = mid, g_mid
                else:
                    right = mid
            return 0.5 * (left + right)
    return None


def crossover_year(evaluation: "Evaluation", a_id: str, b_id: str) -> int | None:
    """The first year in which the offer behind on cumulative TC overtakes the other.

    Cumulative TC is Σ tc over years 1..k. The leader is the offer ahead in the first year
    where they differ (by more than half a cent); the crossover is the first later year in
    which the other offer is strictly ahead.

    Returns:
        The year (1-based), or None if the leader stays ahead (or level) to the horizon.

    Raises:
        ValueError: an unknown offer id.
    """
    ia, ib = _index(evaluation, a_id), _index(evaluation, b_id)
    tc = evaluation.figures.tc
    gap = np.cumsum(tc[ia]) - np.cumsum(tc[ib])
    leader = 0
    for k, g in enumerate(gap, start=1):
        if abs(g) <= 0.005:
            continue
        sign = 1 if g > 0 else -1
        if leader == 0:
            leader = sign
        elif sign != leader:
            return k
    return None


def crossovers(evaluation: "Evaluation") -> list[dict[str, Any]]:
    """Every pair of offers whose cumulative TC crosses: [{year, leader, overtaker, cumulative}].

    `leader` was ahead before `year`; `overtaker` is ahead at the end of `year`; `cumulative`
    is the overtaker's cumulative TC at the end of that year (where a chart marks it).
    """
    ids = evaluation.ids
    cum = np.cumsum(evaluation.figures.tc, axis=1)
    out = []
    for a, b in itertools.combinations(range(len(ids)), 2):
        year = crossover_year(evaluation, ids[a], ids[b])
        if year is None:
            continue
        over, lead = (a, b) if cum[a, year - 1] > cum[b, year - 1] else (b, a)
        out.append({"year": year, "leader": ids[lead], "overtaker": ids[over], "cumulative": float(cum[over, year - 1])})
    return out
