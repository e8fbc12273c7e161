"""Monte Carlo valuation of equity under uncertain stock prices.

Builds on an `Evaluation` (pipeline): the vest events of `evaluation.vest_events` are
revalued along simulated monthly price paths; the cash parts of TC stay as the engine
computed them. Pure numpy; no file I/O, no plotting (report/charts.py draws the result).

Model (docs/charts.md, "Monte Carlo"):

* One standard-normal path per simulated world and month, **shared by every grant of an
  offer** (the same company stock); offers are independent of one another.
* A grant with expected annual growth g has log-price increments
  N((μ − σ²/2)/12, σ²/12) with μ = ln(1 + g), so E[P(m)] = P0 (1 + g)^(m/12): the
  deterministic engine's price is the mean of the simulated one. Grants of one offer with
  different growth share the normal draws and differ only in drift.
* A vest event at month m of a grant made at month a (0 for initial grants, 12, 24, ...
  for refreshers) is worth fraction × max(start_value × P(m)/P(a) − strike_total, 0) ×
  fx rate × private-equity multiplier, the engine's formula with the simulated price ratio.
* With volatility 0 every path equals the deterministic engine, to rounding.

FX rates are held fixed; only the stock price is uncertain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

import numpy as np

from ..display import html_for
from .engine import equity_in_tc

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .results import Evaluation

QUANTILES = (0.10, 0.50, 0.90)
METRICS = ("equity", "tc")
# Paths simulated at once: bounds memory to about CHUNK_ELEMENTS × 8 bytes × a few arrays.
# Drawing the normals chunk by chunk from one generator gives the same stream as one big draw,
# so the chunk size does not change the result.
CHUNK_ELEMENTS = 6_000_000


@dataclass(frozen=True)
class MonteCarloResult:
    """Simulated equity and TC per offer and year (reporting currency).

    Attributes:
        ids: offer ids, in the evaluation's order.
        years: 1..horizon.
        currency: the reporting currency.
        volatility, paths, seed: the simulation settings.
        equity: {offer_id: (paths × years) array} of simulated equity counted in TC (initial
            grants, plus refreshers when the assumptions include them).
        tc: {offer_id: (paths × years) array} of simulated TC.
        deterministic: {"equity"/"tc": (offers × years) array} of the engine's values.
    """

    ids: tuple[str, ...]
    years: tuple[int, ...]
    currency: str
    volatility: float
    paths: int
    seed: int | None
    equity: dict[str, np.ndarray] = field(repr=False)
    tc: dict[str, np.ndarray] = field(repr=False)
    deterministic: dict[str, np.ndarray] = field(repr=False)

    def _samples(self, metric: str) -> dict[str, np.ndarray]:
        if metric not in METRICS:
            raise ValueError(f"metric must be one of {list(METRICS)}, got {metric!r}")
        return self.equity if metric == "equity" else self.tc

    @property
    def quantiles(self) -> "pd.DataFrame":
        """One row per offer × year × metric: p10, p50, p90, mean and the deterministic value."""
        import pandas as pd

        rows = []
        for i, oid in enumerate(self.ids):
            for metric in METRICS:
                sample = self._samples(metric)[oid]
                q = np.quantile(sample, QUANTILES, axis=0)  # (3 × years)
                mean = sample.mean(axis=0)
                for k, year in enumerate(self.years):
                    rows.append(
                        {"offer_id": oid, "year": year, "metric": metric, "p10": q[0, k], "p50": q[1, k],
                         "p90": q[2, k], "mean": mean[k], "deterministic": self.deterministic[metric][i, k]}
                    )
        return pd.DataFrame(rows, columns=["offer_id", "year", "metric", "p10", "p50", "p90", "mean", "deterministic"])

    @property
    def average(self) -> "pd.DataFrame":
        """One row per offer × metric: quantiles of the horizon average (average TC, average equity)."""
        import pandas as pd

        rows = []
        for i, oid in enumerate(self.ids):
            for metric in METRICS:
                avg = self._samples(metric)[oid].mean(axis=1)
                q = np.quantile(avg, QUANTILES)
                rows.append({"offer_id": oid, "metric": f"average_{metric}", "p10": q[0], "p50": q[1], "p90": q[2],
                             "mean": avg.mean(), "deterministic": self.deterministic[metric][i].mean()})
        return pd.DataFrame(rows, columns=["offer_id", "metric", "p10", "p50", "p90", "mean", "deterministic"])

    def probability_below(self, offer_id: str, threshold: float, metric: str = "tc") -> float:
        """Share of paths whose horizon-average `metric` for `offer_id` is below `threshold`."""
        avg = self._samples(metric)[offer_id].mean(axis=1)
        return float((avg < threshold).mean())

    def to_frame(self) -> "pd.DataFrame":
        """The quantiles as a DataFrame, with the settings as columns (for export)."""
        frame = self.quantiles
        frame["currency"] = self.currency
        frame["volatility"] = self.volatility
        frame["paths"] = self.paths
        return frame

    def _repr_html_(self) -> str | None:
        return html_for(self)


def _offer_paths(rng: np.random.Generator, paths: int, months: int, volatility: float) -> np.ndarray:
    """(paths × months) array Z with Z[:, m−1] = exp(σ W(m) − σ² m / 24) for months m = 1..months.

    W(m) = Σ_{k≤m} z_k / √12 with z_k standard normal: a Brownian motion sampled monthly (in
    years). The −σ²/2 part of the drift lives here because it is common to every grant; each
    grant multiplies by its own (1 + g)^(m/12). Everything is done in place on one array.
    """
    out = np.empty((paths, months))
    if volatility == 0.0:
        out.fill(1.0)
        return out
    step = max(1, CHUNK_ELEMENTS // max(months, 1))
    scale, drift = volatility / np.sqrt(12.0), -0.5 * volatility**2 / 12.0
    for start in range(0, paths, step):
        z = out[start : min(paths, start + step)]
        rng.standard_normal(out=z)
        z *= scale
        z += drift
        np.cumsum(z, axis=1, out=z)
        np.exp(z, out=z)
    return out


def _simulate_offer(events: "pd.DataFrame", z: np.ndarray, horizon: int) -> np.ndarray:
    """Equity per path and year (paths × horizon) for one offer's vest events."""
    paths = z.shape[0]
    equity = np.zeros((paths, horizon))
    if events.empty:
        return equity
    cols = {c: events[c].to_numpy() for c in ("anniversary", "month", "year", "fraction", "start_value",
                                            "strike_total", "growth", "rate", "multiplier")}
    linear = cols["strike_total"] == 0.0
    # RSUs and refreshers are linear in the price ratio: one matrix product per grant date.
    for a in np.unique(cols["anniversary"][linear]):
        sel = linear & (cols["anniversary"] == a)
        m = cols["month"][sel].astype(int)
        held = (m - a) / 12.0
        with np.errstate(divide="ignore", invalid="ignore"):
            weight = (cols["fraction"][sel] * cols["start_value"][sel] * np.power(1.0 + cols["growth"][sel], held)
                      * cols["rate"][sel] * cols["multiplier"][sel])
        w = np.zeros((z.shape[1] + 1, horizon))  # row m = month m
        np.add.at(w, (m, cols["year"][sel].astype(int) - 1), weight)
        used = np.flatnonzero(w.any(axis=1))
        part = z[:, used - 1] @ w[used]
        if a:
            part /= z[:, [int(a) - 1]]
        equity += part
    # Options: the strike makes each event's payoff non-linear, so value event by event.
    for k in np.flatnonzero(~linear):
        a, m = int(cols["anniversary"][k]), int(cols["month"][k])
        ratio = z[:, m - 1] / z[:, a - 1] if a else z[:, m - 1]
        price = cols["start_value"][k] * np.power(1.0 + cols["growth"][k], (m - a) / 12.0) * ratio
        value = cols["fraction"][k] * np.maximum(price - cols["strike_total"][k], 0.0) * cols["rate"][k] * cols["multiplier"][k]
        equity[:, int(cols["year"][k]) - 1] += value
    return equity


def simulate_equity(
    evaluation: "Evaluation",
    *,
    volatility: float = 0.3,
    paths: int = 10_000,
    seed: int | None = None,
    offers: Sequence[str] | None = None,
) -> MonteCarloResult:
    """Simulate each offer's equity under lognormal stock prices; P10/P50/P90 per year.

    Args:
        evaluation: the deterministic evaluation (its assumptions give each grant's growth).
        volatility: annual volatility σ of the log price (0.3 = 30 %); 0 reproduces the engine.
        paths: number of simulated price paths per offer.
        seed: seed for numpy's default generator; the same seed gives the same result.
        offers: restrict to these offer ids (default: all).

    Returns:
        MonteCarloResult with `.quantiles`, `.average` and the raw per-path arrays.

    Raises:
        ValueError: a negative or non-finite volatility, fewer than 1 path, or an unknown offer id.

    Notes:
        log P(m)/P0 = (ln(1+g) − σ²/2) m/12 + σ W(m), so E[P(m)] = P0 (1+g)^(m/12).
        Refreshers are granted at months 12, 24, ... for a fixed value, so their vest value
        depends on P(m)/P(a), the price growth since the grant date.
    """
    if not np.isfinite(volatility) or volatility < 0:
        raise ValueError(f"volatility must be a finite number ≥ 0 (0.3 means 30% a year), got {volatility!r}")
    if int(paths) < 1:
        raise ValueError(f"paths must be at least 1, got {paths!r}")
    paths = int(paths)
    ids = list(evaluation.ids)
    chosen = ids if offers is None else list(offers)
    unknown = [o for o in chosen if o not in ids]
    if unknown:
        raise ValueError(f"unknown offer id(s) {unknown}; known: {ids}")
    a = evaluation.assumptions
    horizon = a.horizon_years
    f = evaluation.figures
    counted_equity = sum(f.parts[p] for p in equity_in_tc(a.include_refreshers))
    cash_tc = f.tc - counted_equity
    events = evaluation.vest_events
    if not a.include_refreshers and not events.empty:
        events = events[events["kind"] != "refresher"]
    # One child generator per offer, spawned from the seed by position in the evaluation, so an
    # offer's paths do not depend on which other offers are simulated.
    children = np.random.SeedSequence(seed).spawn(len(ids))
    equity: dict[str, np.ndarray] = {}
    tc: dict[str, np.ndarray] = {}
    rows = []
    for oid in chosen:
        i = ids.index(oid)
        ev = events[events["offer_id"] == oid] if not events.empty else events
        months = int(ev["month"].max()) if not ev.empty else 0
        z = _offer_paths(np.random.default_rng(children[i]), paths, months, float(volatility))
        eq = _simulate_offer(ev, z, horizon)
        del z
        equity[oid] = eq
        tc[oid] = cash_tc[i][None, :] + eq
        rows.append(i)
    rows_arr = np.array(rows, dtype=int)
    return MonteCarloResult(
        ids=tuple(chosen),
        years=tuple(range(1, horizon + 1)),
        currency=evaluation.currency,
        volatility=float(volatility),
        paths=paths,
        seed=seed,
        equity=equity,
        tc=tc,
        deterministic={"equity": counted_equity[rows_arr], "tc": f.tc[rows_arr]},
    )
