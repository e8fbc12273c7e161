"""The `Evaluation`: offers evaluated under one set of assumptions, and its headline figures.

Everything that consumes an evaluation (market placement, the negotiation plan, follow-ups,
every renderer) types it from here. This module imports only the base and the engine modules
below it (models, fx, engine), never `evaluate`, `market/` or `report/`: an Evaluation is
re-computed through the `recompute` function its builder stores in it, and market placements
arrive through typed slots (`market`, `wage_levels`) holding DataFrames whose columns are
documented below, filled by `toolkit.market.place`, which returns a new Evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional, Sequence

import numpy as np

from ..display import html_for
from ..format import is_missing
from ..errors import InputError
from ..validation import issues_from_validation
from .aftertax import AfterTax, compute_after_tax
from . import chunks
from .engine import COMPONENTS, CalendarFigures, Figures, dated_notes, flags, present_value, vest_events
from .ledger import month_date
from .fx import FxTable
from .models import Assumptions, Offer, field_values, missing_terms, offer_currencies

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

# Columns of `Evaluation.market` (one row per offer × component placed; see market/place.py):
# offer_id, component, value, currency, percentile, p10…p90, gap_to_p50, match, source, as_of, ...
# Columns of `Evaluation.wage_levels` (one row per visa-sponsored offer): offer_id, level, ...

@dataclass(frozen=True)
class Headline:
    """One headline figure: its key (JSON, DataFrames), how people see it, its unit."""

    key: str
    label: str  # the row label in the terminal table, Markdown and the workbook
    short: str  # a column header where space is tight (HTML tables)
    unit: str = "money"  # money (reporting currency) | number
    better: Optional[str] = "max"  # which way is better when offers are compared: max, min or None


# The headline figures, in the order every renderer shows them: the one table that the
# text, Markdown, JSON, HTML and Excel renderers read (keys, labels, units).
HEADLINE_TABLE: tuple[Headline, ...] = (
    Headline("year1_tc", "Year-1 TC", "Year-1 TC"),
    Headline("average_tc", "Average TC / year", "Average TC"),
    Headline("total_tc", "Total TC", "Total TC"),
    Headline("year1_total_rewards", "Year-1 total rewards", "Year-1 total rewards"),
    Headline("average_total_rewards", "Average total rewards / year", "Avg total rewards"),
    Headline("pto_value", "PTO value (not added)", "PTO value"),
    Headline("average_tc_col_adjusted", "Average TC, COL-adjusted", "Avg TC (COL-adjusted)"),
    Headline("year1_tc_after_tax", "Year-1 TC after tax", "Year-1 TC after tax"),
    Headline("average_tc_after_tax", "Average TC after tax", "Avg TC after tax"),
    Headline("average_total_rewards_after_tax", "Average total rewards after tax", "Avg total rewards after tax"),
    Headline("average_tc_after_tax_col_adjusted", "Average TC after tax, COL-adjusted", "Avg TC after tax (COL-adjusted)"),
    Headline("total_tc_present_value", "Total TC, present value", "Total TC (PV)"),
    Headline("exercise_cost", "Cash to exercise options", "Exercise cost", better=None),
    Headline("first_12_months_cash", "Cash paid in the first 12 months", "First-12-months cash"),
)
HEADLINES = tuple(h.key for h in HEADLINE_TABLE)
HEADLINE_BY_KEY = {h.key: h for h in HEADLINE_TABLE}


# The columns of a calendar year (paid view), in the order of the JSON `calendar_years` entries
# and of the `Evaluation.calendar_years` DataFrame (after offer_id): both come from _calendar_columns.
CALENDAR_KEYS = ("year", "months_employed", "partial", *COMPONENTS, "tc", "total_rewards", "employee_deferral", "iso_over_limit")


def _calendar_columns(c: CalendarFigures, offers: slice) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The calendar years with months employed of the offers in `offers` (a slice: views, no
    copies of the whole arrays): CALENDAR_KEYS → flat arrays, and each row's offer (from the slice start)."""
    months = c.months[offers]
    rows, cols = np.nonzero(months > 0)
    employed = months[rows, cols]
    out: dict[str, np.ndarray] = {"year": c.first_year[offers][rows].astype(np.int64) + cols, "months_employed": employed,
                                  "partial": employed < 12}
    for p in COMPONENTS:
        out[p] = c.parts[p][offers][rows, cols]
    for key, arr in (("tc", c.tc), ("total_rewards", c.total_rewards), ("employee_deferral", c.employee_deferral),
                     ("iso_over_limit", c.iso_over_limit)):
        out[key] = arr[offers][rows, cols]
    return out, rows


def _nan_to_none(x: float) -> float | None:
    return None if is_missing(x) else float(x)


@dataclass(frozen=True)
class Evaluation:
    """Offers evaluated under one set of assumptions, in one reporting currency."""

    offers: Sequence[Offer]  # a tuple, or a columnar table (offers/columnar.py) that builds models on demand
    assumptions: Assumptions
    fx: FxTable
    figures: Figures
    market: Optional["pd.DataFrame"] = None  # placements, one row per offer × component (market data given)
    wage_levels: Optional["pd.DataFrame"] = None  # H-1B prevailing-wage levels reached, per sponsored offer
    market_currencies: tuple[str, ...] = ()  # currencies of the market data placed against (for the FX block)
    # How to compute this evaluation again under other assumptions: set by `evaluate` (and
    # wrapped by `market.place` so that placements follow). Not part of the figures.
    recompute: Optional[Callable[[Assumptions], "Evaluation"]] = None

    @property
    def currency(self) -> str:
        return self.fx.reporting

    @property
    def horizon_years(self) -> int:
        return self.assumptions.horizon_years

    @property
    def currencies(self) -> list[str]:
        """Every currency this evaluation converts from: the offers' and the placed market data's."""
        return offer_currencies(self.offers) + [c for c in self.market_currencies if c]

    @property
    def ids(self) -> list[str]:
        return field_values(self.offers, "id")

    # -------------------------------------------------------------- headline figures

    @cached_property
    def headlines(self) -> dict[str, np.ndarray]:
        f, a = self.figures, self.assumptions
        average_tc = f.tc.mean(axis=1)
        col = np.array([c if c is not None else np.nan for c in field_values(self.offers, "col_index")], dtype=float)
        after = self.after_tax
        average_after_tax = after.after_tax_tc.mean(axis=1)
        if a.discount_rate is None:
            pv = np.full(len(self.offers), np.nan)
        elif a.pv_convention == "exact" and f.pv_exact is not None:
            pv = f.pv_exact
        else:
            pv = present_value(f.tc, a.discount_rate, a.pv_convention)
        first12 = f.first_12_months_cash if f.first_12_months_cash is not None else np.full(len(self.offers), np.nan)
        return {
            "year1_tc": f.tc[:, 0],
            "average_tc": average_tc,
            "total_tc": f.tc.sum(axis=1),
            "year1_total_rewards": f.total_rewards[:, 0],
            "average_total_rewards": f.total_rewards.mean(axis=1),
            "pto_value": f.pto_value,
            "average_tc_col_adjusted": average_tc * 100.0 / col,
            "year1_tc_after_tax": after.after_tax_tc[:, 0],
            "average_tc_after_tax": average_after_tax,
            "average_total_rewards_after_tax": after.after_tax_total_rewards.mean(axis=1),
            "average_tc_after_tax_col_adjusted": average_after_tax * 100.0 / col,
            "total_tc_present_value": pv,
            "exercise_cost": f.exercise_cost,
            "first_12_months_cash": first12,
        }

    @cached_property
    def after_tax(self) -> AfterTax:
        """Tax per offer and year by the chosen engine (offers/aftertax.py; docs/tax.md)."""
        # row-independent: in chunks of offers, so that the engine's households stay small (offers/chunks.py);
        # half the engine's chunk (its arrays are wider: each offer × tax year in several variants; at a
        # million offers the peak was 180 MB lower); months in a tax year (0-12) fit in int8
        return chunks.in_chunks(lambda rows, figures: compute_after_tax(rows, self.assumptions, figures, self.fx), self.offers,
                                self.figures, chunk=max(1, chunks.CHUNK // 2), compact={("months",): np.int8})

    @cached_property
    def missing_terms(self) -> list[list[str]]:
        return [missing_terms(o) for o in self.offers]

    @cached_property
    def flags(self) -> list[list[str]]:
        start = self.figures.start
        return [flags(o, self.assumptions, None if start is None else int(start[i])) + dated_notes(o, i, self.figures, self.assumptions) for i, o in enumerate(self.offers)]

    # -------------------------------------------------------------- DataFrames

    @cached_property
    def summary(self):
        """One row per offer: id, company, currency (the offer's own) and every headline figure."""
        import pandas as pd

        frame = pd.DataFrame(
            {
                "offer_id": self.ids,
                "company": field_values(self.offers, "company"),
                "offer_currency": field_values(self.offers, "currency"),
                "currency": self.currency,
                **{k: v for k, v in self.headlines.items()},
            },
            copy=False,  # the headline arrays as they are (read-only; copy-on-write), not a second copy
        )
        return frame

    def _id_column(self, codes: np.ndarray):
        """offer_id for rows that hold these offer indices: a categorical over the offers' ids
        (a small code per row, each id stored once: a million offers × years would otherwise
        hold one text per row)."""
        import pandas as pd

        ids = self.ids
        if len(set(ids)) != len(ids):  # an Evaluation built by hand may repeat an id
            return np.array(ids, dtype=object)[codes]
        return pd.Categorical.from_codes(codes, categories=ids)

    @cached_property
    def years(self):
        """Tidy: one row per offer × year × component (components as in COMPONENTS, plus tc and
        total_rewards). offer_id and component are categoricals, year is int16 (1 … horizon):
        at a million offers this frame has 40 million rows."""
        import pandas as pd

        n, h = len(self.offers), self.horizon_years
        names = list(COMPONENTS) + ["tc", "total_rewards"]
        stack = np.stack([self.figures.parts[c] for c in COMPONENTS] + [self.figures.tc, self.figures.total_rewards], axis=2)
        return pd.DataFrame(
            {
                "offer_id": self._id_column(np.repeat(np.arange(n, dtype=np.int32), h * len(names))),
                "year": np.tile(np.repeat(np.arange(1, h + 1, dtype=np.int16), len(names)), n),
                "component": pd.Categorical.from_codes(np.tile(np.arange(len(names), dtype=np.int8), n * h), categories=names),
                "amount": stack.reshape(-1),
            },
            copy=False,
        )

    @cached_property
    def years_wide(self):
        """One row per offer × year with a column per component, tc and total_rewards (offer_id a
        categorical; the component columns are views of the figures, not copies)."""
        import pandas as pd

        n, h = len(self.offers), self.horizon_years
        f = self.figures
        arrays = {**f.parts, "tc": f.tc, "total_rewards": f.total_rewards}
        return pd.DataFrame(
            {
                "offer_id": self._id_column(np.repeat(np.arange(n, dtype=np.int32), h)),
                "year": np.tile(np.arange(1, h + 1), n),
                **{c: arrays[c].reshape(-1) for c in list(COMPONENTS) + ["tc", "total_rewards"]},
            },
            copy=False,
        )

    @cached_property
    def calendar_years(self):
        """The paid (cash) view: one row per offer × calendar year with months employed.

        Columns: offer_id, year (the calendar year), months_employed, partial (fewer than 12
        months), the components as in `years`, tc, total_rewards, employee_deferral and
        iso_over_limit; the same figures as the JSON's `calendar_years`. Built on first use
        (about 14 numbers per offer and year)."""
        import pandas as pd

        c = self.figures.calendar
        if c is None:
            return pd.DataFrame(columns=["offer_id", *CALENDAR_KEYS])
        cols, rows = _calendar_columns(c, slice(None))
        return pd.DataFrame({"offer_id": self._id_column(rows), **cols}, copy=False)

    @cached_property
    def vest_events(self):
        """Every vest event within the horizon (see offers.engine.vest_events for the columns)."""
        import pandas as pd

        return pd.DataFrame(vest_events(self.offers, self.assumptions, self.fx, self.figures.start))

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
        for row, after in zip(years, self.after_tax.offer_year_rows(i)):
            row.update(after)  # the offer year's share of the tax years' tax (docs/tax.md)
        out["years"] = years
        out.update(self.calendar_dict(i))
        out["tax"] = self.after_tax.offer_block(i)
        return out

    def calendar_dict(self, i: int) -> dict[str, Any]:
        """The paid (cash) view of offer i: the start used, `calendar_years` and `bonus_accrued_unpaid`."""
        f = self.figures
        c = f.calendar
        if c is None:
            return {}
        cols, _ = _calendar_columns(c, slice(i, i + 1))
        rows = [dict(zip(CALENDAR_KEYS, values)) for values in zip(*(cols[k].tolist() for k in CALENDAR_KEYS))]
        return {
            "start_date": month_date(int(f.start[i])).isoformat() if not f.start_given[i] else self.offers[i].start_date.isoformat(),  # type: ignore[union-attr]
            "start_date_assumed": not bool(f.start_given[i]),
            "bonus_accrued_unpaid": float(c.bonus_accrued_unpaid[i]),
            "calendar_years": rows,
        }

    def to_dict(self) -> dict[str, Any]:
        """Plain data with the JSON output's shape (unrounded; toolkit.format rounds)."""
        used = self.fx.used(self.currencies)
        return {
            "currency": self.currency,
            "horizon_years": self.horizon_years,
            "assumptions": self.assumptions.model_dump(mode="json"),
            "fx": {c: r.as_dict() for c, r in used.items()},
            "offers": [self.offer_dict(i) for i in range(len(self.offers))],
        }

    # -------------------------------------------------------------- scenarios

    def with_assumptions(self, **changes: Any) -> "Evaluation":
        """A new Evaluation with some assumptions changed (`stock_growth=-0.3`), without reloading.

        Market placements, when this evaluation has them, are computed again for the new figures."""
        if self.recompute is None:
            raise ValueError("this Evaluation was built by hand; call evaluate() to get one that can be re-computed")
        assumptions = parse_assumptions({**self.assumptions.model_dump(), **changes}, "with_assumptions")
        return self.recompute(assumptions)

    def _repr_html_(self) -> str | None:
        return html_for(self)


def parse_assumptions(values: Mapping[str, Any], source: str) -> Assumptions:
    """Assumptions from a mapping; bad values raise InputError naming `source` and the field."""
    from pydantic import ValidationError

    try:
        return Assumptions.model_validate(values, context={"parsed": True})  # fractions: 1.5 is 150%
    except ValidationError as exc:
        raise InputError(issues_from_validation(exc, source=source, record="assumptions", model=Assumptions)) from None
