"""`evaluate()`: the one orchestration function, and the `Evaluation` it returns.

The command line and the notebooks both call `evaluate`, so they cannot drift apart. An
Evaluation holds the offers, the assumptions, the FX table and the unrounded engine arrays,
and offers them as tidy pandas DataFrames (`years`, `summary`) and as plain data
(`to_dict`). No file is read or written here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Mapping, Sequence

import numpy as np

from .errors import InputError, Issue, MissingFxRateError
from .fx import FxRate, FxTable, build_fx_table, rates_from_section
from .load import OfferSet
from .models import Assumptions, Offer, missing_terms
from .normalize import COMPONENTS, Figures, compute_figures, flags, present_value, vest_events

HEADLINES = (
    "year1_tc",
    "average_tc",
    "total_tc",
    "year1_total_rewards",
    "average_total_rewards",
    "pto_value",
    "average_tc_col_adjusted",
    "average_tc_after_tax",
    "total_tc_present_value",
    "exercise_cost",
)


def _nan_to_none(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else float(x)


@dataclass(frozen=True)
class Evaluation:
    """Offers evaluated under one set of assumptions, in one reporting currency."""

    offers: tuple[Offer, ...]
    assumptions: Assumptions
    fx: FxTable
    figures: Figures
    market: Any = None  # placements DataFrame, one row per offer × component (market data given)
    wage_levels: Any = None  # H-1B prevailing-wage levels reached, per sponsored offer
    extras: Mapping[str, Any] = field(default_factory=dict)  # market inputs kept for re-evaluation

    @property
    def currency(self) -> str:
        return self.fx.reporting

    @property
    def horizon_years(self) -> int:
        return self.assumptions.horizon_years

    @property
    def ids(self) -> list[str]:
        return [o.id for o in self.offers]  # type: ignore[misc]

    # -------------------------------------------------------------- headline figures

    @cached_property
    def headlines(self) -> dict[str, np.ndarray]:
        f, a = self.figures, self.assumptions
        average_tc = f.tc.mean(axis=1)
        col = np.array([o.col_index if o.col_index is not None else np.nan for o in self.offers], dtype=float)
        tax = np.array(
            [o.tax_rate if o.tax_rate is not None else (a.tax_rate if a.tax_rate is not None else np.nan) for o in self.offers],
            dtype=float,
        )
        pv = present_value(f.tc, a.discount_rate) if a.discount_rate is not None else np.full(len(self.offers), np.nan)
        return {
            "year1_tc": f.tc[:, 0],
            "average_tc": average_tc,
            "total_tc": f.tc.sum(axis=1),
            "year1_total_rewards": f.total_rewards[:, 0],
            "average_total_rewards": f.total_rewards.mean(axis=1),
            "pto_value": f.pto_value,
            "average_tc_col_adjusted": average_tc * 100.0 / col,
            "average_tc_after_tax": average_tc * (1.0 - tax),
            "total_tc_present_value": pv,
            "exercise_cost": f.exercise_cost,
        }

    @cached_property
    def missing_terms(self) -> list[list[str]]:
        return [missing_terms(o) for o in self.offers]

    @cached_property
    def flags(self) -> list[list[str]]:
        return [flags(o, self.assumptions) for o in self.offers]

    # -------------------------------------------------------------- DataFrames

    @cached_property
    def summary(self):
        """One row per offer: id, company, currency (the offer's own) and every headline figure."""
        import pandas as pd

        frame = pd.DataFrame(
            {
                "offer_id": self.ids,
                "company": [o.company for o in self.offers],
                "offer_currency": [o.currency for o in self.offers],
                "currency": self.currency,
                **{k: v for k, v in self.headlines.items()},
            }
        )
        return frame

    @cached_property
    def years(self):
        """Tidy: one row per offer × year × component (components as in COMPONENTS, plus tc and total_rewards)."""
        import pandas as pd

        n, h = len(self.offers), self.horizon_years
        names = list(COMPONENTS) + ["tc", "total_rewards"]
        stack = np.stack([self.figures.parts[c] for c in COMPONENTS] + [self.figures.tc, self.figures.total_rewards], axis=2)
        return pd.DataFrame(
            {
                "offer_id": np.repeat(np.array(self.ids, dtype=object), h * len(names)),
                "year": np.tile(np.repeat(np.arange(1, h + 1), len(names)), n),
                "component": np.tile(np.array(names, dtype=object), n * h),
                "amount": stack.reshape(-1),
            }
        )

    @cached_property
    def years_wide(self):
        """One row per offer × year with a column per component, tc and total_rewards."""
        frame = self.years.pivot(index=["offer_id", "year"], columns="component", values="amount")
        order = list(COMPONENTS) + ["tc", "total_rewards"]
        frame = frame[order].reset_index()
        frame["offer_id"] = frame["offer_id"].astype(object)
        key = {oid: i for i, oid in enumerate(self.ids)}
        frame = frame.sort_values(["offer_id", "year"], key=lambda s: s.map(key) if s.name == "offer_id" else s)
        frame.columns.name = None
        return frame.reset_index(drop=True)

    @cached_property
    def vest_events(self):
        """Every vest event within the horizon (see normalize.vest_events for the columns)."""
        import pandas as pd

        return pd.DataFrame(vest_events(self.offers, self.assumptions, self.fx))

    # -------------------------------------------------------------- plain data

    def offer_dict(self, i: int) -> dict[str, Any]:
        """Unrounded plain data for offer i, keys as in the JSON output."""
        o = self.offers[i]
        f = self.figures
        years = [
            {"year": k + 1, **{c: float(f.parts[c][i, k]) for c in COMPONENTS}, "tc": float(f.tc[i, k]), "total_rewards": float(f.total_rewards[i, k])}
            for k in range(self.horizon_years)
        ]
        out: dict[str, Any] = {"id": o.id, "company": o.company, "currency": o.currency}
        out.update({k: _nan_to_none(float(v[i])) for k, v in self.headlines.items()})
        out["missing_terms"] = self.missing_terms[i]
        out["flags"] = self.flags[i]
        out["years"] = years
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain data with the JSON output's shape (unrounded; toolkit.format rounds)."""
        used = self.fx.used(
            [o.currency for o in self.offers]
            + [g.currency for o in self.offers for g in (o.equity or ()) if g.currency]
            + [o.refresher.currency for o in self.offers if o.refresher and o.refresher.currency]
            + list(self.extras.get("market_currencies", ()))
        )
        return {
            "currency": self.currency,
            "horizon_years": self.horizon_years,
            "assumptions": self.assumptions.model_dump(mode="json"),
            "fx": {c: r.as_dict() for c, r in used.items()},
            "offers": [self.offer_dict(i) for i in range(len(self.offers))],
        }

    # -------------------------------------------------------------- scenarios

    def with_assumptions(self, **changes: Any) -> "Evaluation":
        """A new Evaluation with some assumptions changed (`stock_growth=-0.3`), without reloading."""
        assumptions = _parse_assumptions({**self.assumptions.model_dump(), **changes}, "with_assumptions")
        fx: Any = self.fx
        if assumptions.fx_date != self.assumptions.fx_date:
            # bundled ECB rates follow fx_date; rates given in a file or the fx section stay
            fx = {c: r for c, r in self.fx.rates.items() if not r.bundled}
        return evaluate(self.offers, assumptions, fx, currency=self.currency, market=self.extras.get("markets"))

    def _repr_html_(self) -> str:
        from .report.tables import summary_html

        return summary_html(self)


def _parse_assumptions(values: Mapping[str, Any], source: str) -> Assumptions:
    """Assumptions from a mapping; bad values raise InputError naming `source` and the field."""
    from pydantic import ValidationError

    from .load import issues_from_validation

    try:
        return Assumptions.model_validate(values)
    except ValidationError as exc:
        raise InputError(issues_from_validation(exc, source=source, record="assumptions", model=Assumptions)) from None


def _as_fx(fx: Any, reporting: str, codes: Sequence[str] | Mapping[str, list[str]], fx_date,
           section_rates: Mapping[str, FxRate], why: str) -> FxTable:
    """The FX table for `codes` (or a mapping currency → where it is used, for messages)."""
    if isinstance(fx, FxTable):
        if fx.reporting != reporting:
            raise InputError([Issue(source="fx", message=f"the FX table is into {fx.reporting}, but the reporting currency is {reporting}", code="fx_currency")])
        missing = [c for c in codes if c != reporting and c not in fx.rates]
        if not missing:
            return fx
        return build_fx_table(codes, reporting, file_rates=fx.rates, section_rates=section_rates, fx_date=fx_date, why=why)
    file_rates: dict[str, FxRate] = {}
    for code, value in (fx or {}).items():
        file_rates[code] = value if isinstance(value, FxRate) else FxRate(float(value), "fx argument", None)
    return build_fx_table(codes, reporting, file_rates=file_rates, section_rates=section_rates, fx_date=fx_date, why=why)


def evaluate(
    offers: OfferSet | Sequence[Offer],
    assumptions: Assumptions | Mapping[str, Any] | None = None,
    fx: FxTable | Mapping[str, float | FxRate] | None = None,
    *,
    currency: str | None = None,
    market: Any = None,
) -> Evaluation:
    """Evaluate offers into year-by-year figures in one currency.

    Args:
        offers: an OfferSet from `load_offers`, or a sequence of Offer models.
        assumptions: Assumptions or a mapping of them (default: the OfferSet's, else defaults).
        fx: an FxTable, or {currency: units of reporting currency per 1 unit}; missing rates
            come from the offer file's `fx:` section, then the bundled ECB rates.
        currency: the reporting currency (default: the file's `reporting_currency`, else the
            FxTable's currency when one is given, else the first offer's currency).
        market: market data (a MarketData or a sequence of them) to place each offer against.

    Raises:
        InputError: no offers, or a missing FX rate (naming the pair).
    """
    section_sources: tuple = ()
    origins: tuple = ()
    if isinstance(offers, OfferSet):
        offer_set = offers
        offers = offer_set.offers
        if assumptions is None:
            assumptions = offer_set.assumptions
        currency = currency or offer_set.reporting_currency
        section_sources = offer_set.fx_sections
        origins = offer_set.origins
    offers = tuple(offers)
    if not offers:
        raise InputError([Issue(source="offers", message="no offers to evaluate", code="no_offers")])
    if assumptions is None:
        assumptions = Assumptions()
    elif not isinstance(assumptions, Assumptions):
        assumptions = _parse_assumptions(dict(assumptions), "assumptions")
    reporting = currency or (fx.reporting if isinstance(fx, FxTable) else offers[0].currency)
    section_rates: dict[str, FxRate] = {}
    problems: list[Issue] = []
    for source, section in section_sources:
        rates, issues = rates_from_section(section, reporting, source)
        problems.extend(issues)
        for code, rate in rates.items():
            section_rates.setdefault(code, rate)
    if problems:
        raise InputError(problems)
    markets = _as_markets(market)
    codes = {o.currency for o in offers}
    codes |= {g.currency for o in offers for g in (o.equity or ()) if g.currency}
    codes |= {o.refresher.currency for o in offers if o.refresher and o.refresher.currency}
    market_codes = {c for m in markets for c in _market_currencies(m)}
    why = "the reporting currency" if currency else f"the reporting currency because it is the first offer's ({offers[0].id})"
    try:
        table = _as_fx(fx, reporting, sorted(codes | market_codes), assumptions.fx_date, section_rates, why)
    except MissingFxRateError:  # again, now saying where each currency is used (slow for many offers)
        _as_fx(fx, reporting, _currency_uses(offers, markets, origins), assumptions.fx_date, section_rates, why)
        raise
    figures = compute_figures(offers, assumptions, table)
    evaluation = Evaluation(offers, assumptions, table, figures, extras={"markets": markets, "market_currencies": tuple(sorted(market_codes))})
    if markets:
        from .market.targets import place_evaluation

        placed, levels = place_evaluation(evaluation, markets)
        object.__setattr__(evaluation, "market", placed)
        object.__setattr__(evaluation, "wage_levels", levels)
    return evaluation


def _currency_uses(offers: Sequence[Offer], markets: Sequence[Any], origins: Sequence[str] = ()) -> dict[str, list[tuple[str, str, str]]]:
    """Each currency → where it is used, as (file, record, field): for missing-rate messages."""
    used: dict[str, list[tuple[str, str, str]]] = {}
    for i, o in enumerate(offers):
        source, record = (origins[i] if i < len(origins) else "offers"), f"offer {o.id!r}"
        used.setdefault(o.currency, []).append((source, record, "currency"))
        for g, grant in enumerate(o.equity or ()):
            if grant.currency:
                used.setdefault(grant.currency, []).append((source, record, f"equity[{g}].currency"))
        if o.refresher and o.refresher.currency:
            used.setdefault(o.refresher.currency, []).append((source, record, "refresher.currency"))
    for m in markets:
        for c in _market_currencies(m):
            used.setdefault(c, []).append((str(getattr(m, "source", "market")), "", "currency"))
    return used


def _as_markets(market: Any) -> tuple:
    if market is None:
        return ()
    if isinstance(market, (list, tuple)):
        return tuple(market)
    return (market,)


def _market_currencies(market: Any) -> set[str]:
    codes = getattr(market, "currencies", None)
    if codes is None:
        return set()
    return {c for c in codes if c}
