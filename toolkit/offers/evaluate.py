"""`evaluate()`: offers + assumptions + FX → an `Evaluation` (see `results.py`).

The command line and the notebooks both call `evaluate`, so they cannot drift apart. It
resolves the assumptions and the FX table, runs the engine, and stores in the Evaluation how
to compute it again (`with_assumptions`). Market placement is a separate step
(`toolkit.market.place`). No file is read or written here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, Sequence

import numpy as np

from ..errors import InputError, Issue, MissingFxRateError
from .chunks import in_chunks
from .engine import compute_figures
from .fx import FxRate, FxTable, build_fx_table, rates_from_section
from .load import OfferSet
from .models import Assumptions, Offer, currency_fields, offer_currencies
from .results import Evaluation, parse_assumptions

def _as_fx(fx: Any, reporting: str, codes: Sequence[str] | Mapping[str, list[str]], fx_date,
           section_rates: Mapping[str, FxRate], why: str) -> FxTable:
    """The FX table for `codes` (or a mapping currency → where it is used, for messages)."""
    if isinstance(fx, FxTable):
        if fx.reporting != reporting:
            raise InputError([Issue(source="fx", message=f"the FX table is into {fx.reporting}, but the reporting currency is {reporting}", code="conflict")])
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
    also_convert: Mapping[str, Sequence[tuple[str, str, str]]] | None = None,
    today: dt.date | None = None,
) -> Evaluation:
    """Evaluate offers into year-by-year figures in one currency.

    Args:
        offers: an OfferSet from `load_offers`, or a sequence of Offer models.
        assumptions: Assumptions or a mapping of them (default: the OfferSet's, else defaults).
        fx: an FxTable, or {currency: units of reporting currency per 1 unit}; missing rates
            come from the offer file's `fx:` section, then the bundled ECB rates.
        currency: the reporting currency (default: the file's `reporting_currency`, else the
            FxTable's currency when one is given, else the first offer's currency).
        also_convert: currencies that other data to be compared with this evaluation is in (market
            files), each with where it is used as (file, record, field) for messages; the FX
            table covers them too. `toolkit.market.place` passes it.
        today: the day an offer without a `start_date` is assumed to start after (it starts on the
            first day of the next month); default: the real today.

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
    if not hasattr(offers, "engine_terms"):  # a columnar table stays columns (no model per offer)
        offers = tuple(offers)
    if not len(offers):
        raise InputError([Issue(source="offers", message="no offers to evaluate", code="no_data")])
    if assumptions is None:
        assumptions = Assumptions()
    elif not isinstance(assumptions, Assumptions):
        assumptions = parse_assumptions(dict(assumptions), "assumptions")
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
    also = {c: list(uses) for c, uses in (also_convert or {}).items() if c}
    codes = set(offer_currencies(offers))
    why = "the reporting currency" if currency else f"the reporting currency because it is the first offer's ({offers[0].id})"
    try:
        table = _as_fx(fx, reporting, sorted(codes | set(also)), assumptions.fx_date, section_rates, why)
    except MissingFxRateError:  # again, now saying where each currency is used (slow for many offers)
        _as_fx(fx, reporting, _currency_uses(offers, also, origins), assumptions.fx_date, section_rates, why)
        raise
    today = today or dt.date.today()
    # The engine is row-independent: run on chunks of offers so that its temporaries stay small
    # however many offers there are (offers/chunks.py); months employed (0-12) fit in int8.
    figures = in_chunks(lambda rows: compute_figures(rows, assumptions, table, today), offers,
                        compact={("calendar", "months"): np.int8})
    _check_finite(figures, offers, origins)

    def recompute(new: Assumptions, more: Mapping[str, Sequence[tuple[str, str, str]]] | None = None) -> Evaluation:
        fx_in: Any = table
        if new.fx_date != assumptions.fx_date:
            # bundled ECB rates follow fx_date; rates given in a file or the fx section stay
            fx_in = {c: r for c, r in table.rates.items() if not r.bundled}
        return evaluate(offers, new, fx_in, currency=reporting, also_convert={**also, **(more or {})}, today=today)

    return Evaluation(offers, assumptions, table, figures, market_currencies=tuple(sorted(also)), recompute=recompute)


def _currency_uses(offers: Sequence[Offer], also: Mapping[str, Sequence[tuple[str, str, str]]],
                   origins: Sequence[str] = ()) -> dict[str, list[tuple[str, str, str]]]:
    """Each currency → where it is used, as (file, record, field): for missing-rate messages."""
    used: dict[str, list[tuple[str, str, str]]] = {}
    for i, o in enumerate(offers):
        source, record = (origins[i] if i < len(origins) else "offers"), f"offer {o.id!r}"
        for where, code in currency_fields(o):
            used.setdefault(code, []).append((source, record, where))
    for code, uses in also.items():
        used.setdefault(code, []).extend(uses)
    return used


def _check_finite(figures: Any, offers: Sequence[Offer], origins: Sequence[str] = ()) -> None:
    """Refuse figures that overflowed (an extreme FX rate times a large amount, compounded):
    nothing downstream may print `$inf` or hand JSON a NaN. Names each offer affected."""
    arrays = [figures.tc, figures.total_rewards, *figures.parts.values()]
    if figures.calendar is not None:  # the paid view and its headline too
        arrays += [figures.calendar.tc, figures.calendar.total_rewards, figures.calendar.bonus_accrued_unpaid, figures.first_12_months_cash]
    arrays = [a for a in arrays if a.strides[0] != 0]  # an array of zeros held as one value is finite
    if np.isfinite(sum(float(a.sum()) for a in arrays) + float(figures.exercise_cost.sum())):
        return  # no element is NaN or infinite (one would make the total so): the common case, one fast pass
    bad = ~np.isfinite(np.stack([a.reshape(len(offers), -1).sum(axis=1) for a in arrays]).sum(axis=0))
    bad |= ~np.isfinite(figures.exercise_cost)
    if bad.any():
        raise InputError([
            Issue(source=origins[i] if i < len(origins) else "offers", record=f"offer {offers[i].id!r}",
                  message="the figures overflow (they are not finite numbers); check the amounts, FX rates and growth assumptions",
                  code="out_of_range")
            for i in np.flatnonzero(bad)
        ])
