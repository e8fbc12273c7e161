"""What every market importer shares: the `Format` record, the `ImportContext`, the tally of
dropped rows, and the column helpers that turn text cells into numbers, keys and currencies.

Pure: nothing here reads a file. A frame handed to an importer is indexed by the source row
number (2 = the first data row under the header), so every kept row carries its row number in
its index and no hidden column travels between steps.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Optional

import numpy as np
import pandas as pd

from ... import bounds
from ...errors import InputError, Issue
from ...offers.money import AmountError, Period, annual_factor, parse_amount, parse_currency, parse_period
from .. import model as M
from ..keys import MISSING, factorize_keys

CANONICAL_FIELDS = (
    "role", "level", "location", "component", "currency", "source", "as_of", "sample_size",
    "base", "bonus", "equity", "total", "years_experience", "company", "date", "occupation",
)
# A zero in these is no salary (levels.fyi writes 0 for "not reported"); a zero bonus or equity is real.
NONZERO_COMPONENTS = ("base", "total")
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_UNIT_EXTRA = {"bi": Period.BIWEEK, "mth": Period.MONTH, "hr": Period.HOUR, "wk": Period.WEEK, "yr": Period.YEAR}


class Tally:
    """Counts of dropped rows and ignored values, by reason, in first-seen order.

    A row is counted once, under the first reason that dropped it: importers test a reason
    only on rows still kept (`keep & mask`), so the counts add up to rows read − rows kept.
    """

    def __init__(self) -> None:
        self.rows: Counter[str] = Counter()
        self.values: Counter[str] = Counter()
        self.notes: list[str] = []

    def drop(self, reason: str, n: int) -> None:
        if n:
            self.rows[reason] += int(n)

    def ignore(self, reason: str, n: int) -> None:
        if n:
            self.values[reason] += int(n)


@dataclass(frozen=True)
class FileFacts:
    """What a format learns from the file itself besides its rows (e.g. BLS: the reference
    month from the file name, the top-code threshold from the 'Field Descriptions' sheet)."""

    as_of: Optional[str] = None
    top_code_value: Optional[float] = None


@dataclass(frozen=True)
class ImportContext:
    """Everything an importer needs besides the frame.

    Attributes:
        source: the file name used in messages and results.
        options: the user's MarketOptions (filters, default currency, ...).
        aliases: the compiled aliases (`keys.compile_aliases_with_display`).
        tally: where the importer counts what it drops (the one mutable part).
        facts: what was learnt from the file besides its rows.
    """

    source: str
    options: M.MarketOptions
    aliases: tuple
    tally: Tally
    facts: FileFacts = FileFacts()


@dataclass(frozen=True)
class Imported:
    """An importer's result: canonical frames (see `MarketData`) and, optionally, a label
    more precise than the format's (e.g. 'BLS OEWS 2022-05')."""

    percentiles: Optional[pd.DataFrame] = None
    samples: Optional[pd.DataFrame] = None
    wage_levels: Optional[pd.DataFrame] = None
    label: Optional[str] = None
    areas: Optional[pd.DataFrame] = None  # OFLC Geography: area, area_name, state, county


Columns = frozenset  # the lower-cased column names a detector sees


@dataclass(frozen=True)
class Format:
    """One market file format.

    Attributes:
        name: stable identifier, stored in `MarketData.format` ('bls_oews', 'lca', ...).
        label: human name used in reports ('BLS OEWS', 'H-1B LCA disclosure').
        detect: lower-cased column names → True when the file is of this format.
        import_frame: (frame indexed by source row, context) → `Imported`.
        canonical_names: lower-case the canonical column names before importing (the
            toolkit's own formats accept 'Role' or 'ROLE').
        file_facts: optional reader of facts from the file itself (the only I/O a format may
            do; `load_market` calls it, `market_from_frame` takes `FileFacts` directly).
    """

    name: str
    label: str
    detect: Callable[[frozenset], bool]
    import_frame: Callable[[pd.DataFrame, ImportContext], Imported]
    canonical_names: bool = False
    file_facts: Optional[Callable[[Path], FileFacts]] = None


# ---------------------------------------------------------------- cell helpers


def text(series: pd.Series, fn: Callable[[str], object] | None = None) -> pd.Series:
    """Cells as stripped text ('' for missing), optionally passed through `fn`.

    Works on the distinct values only (factorize, transform, take), so a million-row column
    with a few hundred distinct values costs one hash pass, not a million Python calls.
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    cleaned = [str(u).strip() for u in uniques]
    if fn is not None:
        cleaned = [fn(u) for u in cleaned]
    empty = fn("") if fn is not None else ""
    table = np.empty(len(cleaned) + 1, dtype=object)
    table[:-1] = cleaned
    table[-1] = empty
    return pd.Series(table[codes], index=series.index, dtype=object)


def is_missing(series: pd.Series) -> np.ndarray:
    return text(series, lambda t: t.lower() in MISSING).to_numpy(dtype=bool)


def to_number(series: pd.Series, name: str, tally: Tally | None, *, markers: Mapping[str, str] = {}) -> tuple[np.ndarray, np.ndarray]:
    """Parse a column of amounts into float64; (values, bad) where bad marks unreadable text.

    Missing markers (NA, N/A, None, null, '') become NaN silently; `markers` maps special text
    (BLS '*', '#') to a meaning and leaves NaN; anything else that is not an amount, and any
    infinite value, is counted under "text in number column '<name>'".
    """
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = np.array(series.to_numpy(dtype="float64", na_value=np.nan), dtype="float64", copy=True)
        bad = np.isinf(values)
        values[bad] = np.nan
        if tally is not None:
            tally.ignore(f"text in number column '{name}'", int(bad.sum()))
        return values, bad
    values = np.array(pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan), dtype="float64", copy=True)
    # only cells that did not parse can be missing markers or amounts like '$170,000'
    failed = np.isnan(values)
    nan_at = np.flatnonzero(failed)
    if len(nan_at):
        failed[nan_at] = ~is_missing(series.iloc[nan_at])
    bad = np.isinf(values)  # 'inf', '1e999': not an amount anyone was paid
    values[bad] = np.nan
    if failed.any():
        idx = np.flatnonzero(failed)
        raw = series.iloc[idx].astype(str).str.strip()
        cache: dict[str, float | None] = {}
        for pos, cell in zip(idx, raw):
            if cell in markers:
                continue
            if cell not in cache:
                try:
                    amount, per = parse_amount(cell)
                    cache[cell] = amount if per is None and np.isfinite(amount) else None
                except AmountError:
                    cache[cell] = None
            v = cache[cell]
            if v is None:
                bad[pos] = True
            else:
                values[pos] = v
    if tally is not None:
        tally.ignore(f"text in number column '{name}'", int(bad.sum()))
    return values, bad


def col(frame: pd.DataFrame, *names: str) -> str | None:
    """The frame's column spelled like one of `names` (case-insensitive), first match wins."""
    lower = {c.lower(): c for c in frame.columns}
    for n in names:
        if n.lower() in lower:
            return lower[n.lower()]
    return None


def blank(frame: pd.DataFrame) -> pd.Series:
    return pd.Series("", index=frame.index, dtype=object)


def percentile_of_column(name: str) -> int | None:
    """'p25', 'P25', '25th', 'pct25', 'percentile_25', 'median' → 25/50; None if not a percentile.

    Examples:
        >>> [percentile_of_column(c) for c in ("P25", "median", "90th", "pct_10", "p0", "role")]
        [25, 50, 90, 10, None, None]
    """
    n = name.strip().lower().replace(" ", "_")
    if n in ("median", "p50", "a_median"):
        return 50
    m = (
        re.fullmatch(r"p_?(\d{1,2})", n)
        or re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?(?:_?percentile)?", n)
        or re.fullmatch(r"(?:pct|percentile)_?(\d{1,2})", n)
    )
    if not m:
        return None
    k = int(m.group(1))
    return k if 1 <= k <= 99 else None


def as_of_text(values: pd.Series) -> str | None:
    """The latest date among `values` (as written), or the largest text when none parses."""
    cells = text(values)
    cells = cells[cells != ""]
    if cells.empty:
        return None
    parsed = pd.to_datetime(cells, errors="coerce", format="mixed")
    if parsed.notna().any():
        return str(cells.to_numpy()[int(np.nanargmax(parsed.to_numpy(dtype="float64", na_value=np.nan)))])
    return str(cells.max())


def parse_unit(value: str) -> Period | None:
    key = value.strip().lower()
    if not key:
        return None
    if key in _UNIT_EXTRA:
        return _UNIT_EXTRA[key]
    try:
        return parse_period(key)
    except AmountError:
        return None


def annualize(amounts: np.ndarray, units: pd.Series, tally: Tally, what: str) -> np.ndarray:
    """Amounts per `units` (Year, Hour, Week, Bi-Weekly, Month) → per year; unknown units → NaN, counted."""
    cells = text(units)
    factors = {}
    for u in pd.unique(cells):
        period = parse_unit(u)
        factors[u] = np.nan if period is None else annual_factor(period)
        if period is None:
            tally.ignore(f"{'missing' if not u else 'unknown'} {what} unit{'' if not u else ' ' + repr(u)}", int((cells == u).sum()))
    return amounts * cells.map(factors).to_numpy(dtype="float64")


# ---------------------------------------------------------------- canonical frames


def add_keys(frame: pd.DataFrame, out: pd.DataFrame, aliases, tally: Tally, *, require_role: bool = True) -> np.ndarray:
    """Fill out[role/level/location] (display, categorical) and out[_role/...] (keys); return kept mask."""
    keep = np.ones(len(frame), dtype=bool)
    for key in M.KEYS:
        series = frame[key] if key in frame else pd.Series([""] * len(frame), index=frame.index, dtype=object)
        codes, keys, display = factorize_keys(series, aliases, location=key == "location")
        out[key] = pd.Categorical.from_codes(codes, categories=unique_categories(display))
        out[M.key_column(key)] = pd.Categorical.from_codes(codes, categories=keys)
        if key == "role" and require_role:
            missing = codes == 0
            tally.drop("no role", int(missing.sum()))
            keep &= ~missing
    return keep


def unique_categories(display: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    cats = []
    for d in display:
        if d in seen:  # two keys that display alike: keep both distinguishable
            seen[d] += 1
            d = f"{d} ({seen[d]})"
        else:
            seen[d] = 0
        cats.append(d)
    return cats


def currency_column(frame: pd.DataFrame, ctx: ImportContext, keep: np.ndarray) -> tuple[pd.Series, np.ndarray]:
    """(categorical currency per row, rows whose currency is known); unknown ones counted among kept rows."""
    n = len(frame)
    default = ctx.options.default_currency
    if "currency" not in frame:
        if default is None:
            raise InputError([Issue(source=ctx.source, field="currency", code="missing",
                                    message="no 'currency' column; add one (ISO code such as USD or EUR per row) or set a default currency")])
        return pd.Series([default] * n, dtype="category"), np.ones(n, dtype=bool)
    cells = text(frame["currency"], str.upper)
    codes, uniques = pd.factorize(cells)
    good = {}
    for u in uniques:
        if u == "" and default:
            good[u] = default
            continue
        try:
            good[u] = parse_currency(u)
        except AmountError:
            good[u] = None
    mapped = [good[u] for u in uniques]
    ok_u = np.array([m is not None for m in mapped] + [False])
    ok = ok_u[codes]
    counts = np.bincount(codes[keep], minlength=len(uniques))
    for i, (u, m) in enumerate(zip(uniques, mapped)):
        if m is None:
            ctx.tally.drop("missing currency" if u == "" else f"unknown currency {u!r}", int(counts[i]))
    cats = list(dict.fromkeys(m or "" for m in mapped))
    remap = np.array([cats.index(m or "") for m in mapped], dtype=np.int64)
    return pd.Series(pd.Categorical.from_codes(remap[codes], categories=cats)), ok


def finish_samples(frame: pd.DataFrame, ctx: ImportContext, *, default_currency: str | None = None) -> pd.DataFrame:
    """Canonical raw-sample frame from a frame with canonical column names; applies filters.

    Every dropped row is counted once, under the first reason in this order: no role, currency,
    no amount (named after its first unreadable cell), then the user's filters.
    """
    options = ctx.options
    tally = ctx.tally
    if default_currency and not options.default_currency:
        ctx = ImportContext(ctx.source, options.model_copy(update={"default_currency": default_currency}), ctx.aliases, tally, ctx.facts)
    n = len(frame)
    rows = frame.index.to_numpy()
    frame = frame.reset_index(drop=True)
    out = pd.DataFrame(index=pd.RangeIndex(n))
    keep = add_keys(frame, out, ctx.aliases, tally)
    currency, currency_ok = currency_column(frame, ctx, keep)
    out["currency"] = currency.to_numpy()
    keep &= currency_ok
    any_amount = np.zeros(n, dtype=bool)
    bad_cells: dict[str, np.ndarray] = {}
    for comp in M.COMPONENTS:
        if comp in frame:
            values, bad = to_number(frame[comp], comp, None)
            neg = values < 0
            # the offers' bounds (toolkit/bounds.py): at most 1e12; a zero base or total is no salary
            huge = bounds.above("amount", values)
            zero = (values == 0) if comp in NONZERO_COMPONENTS else np.zeros(n, dtype=bool)
            values[neg | huge | zero] = np.nan
            bad_cells[f"text in number column '{comp}'"] = bad
            bad_cells[f"negative amount in '{comp}'"] = neg
            bad_cells[f"amount {bounds.above_text('amount')} in '{comp}'"] = huge
            bad_cells[f"zero amount in '{comp}'"] = zero
            out[comp] = values
            any_amount |= ~np.isnan(values)
        else:
            out[comp] = np.nan
    # a row left with no amount is dropped, under the reason of its first unreadable cell
    dropping = keep & ~any_amount
    for reason, mask in bad_cells.items():
        tally.drop(reason, int((dropping & mask).sum()))
        dropping &= ~mask
        tally.ignore(reason, int((keep & any_amount & mask).sum()))
    tally.drop("no amount in any of base, bonus, equity, total", int(dropping.sum()))
    keep &= any_amount
    # optional columns and filters
    if "years_experience" in frame:
        out["years_experience"], _ = to_number(frame["years_experience"], "years_experience", tally)
    else:
        out["years_experience"] = np.nan
    empty = pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[""])
    out["company"] = pd.Categorical(text(frame["company"]).to_numpy()) if "company" in frame else empty
    if "date" in frame:
        codes, uniques = pd.factorize(text(frame["date"]))
        parsed = pd.to_datetime(pd.Series(uniques).replace("", None), errors="coerce", format="mixed")
        out["date"] = pd.DatetimeIndex(parsed).take(codes) if len(uniques) else pd.NaT
    else:
        out["date"] = pd.NaT
    out["occupation"] = pd.Categorical(text(frame["occupation"]).to_numpy()) if "occupation" in frame else empty
    out["row"] = rows
    if options.years_experience is not None:
        lo, hi = options.years_experience
        y = out["years_experience"].to_numpy()
        inside = ~np.isnan(y)
        if lo is not None:
            inside = inside & (y >= lo)
        if hi is not None:
            inside = inside & (y <= hi)
        tally.drop("outside the years-of-experience filter", int((keep & ~inside).sum()))
        keep &= inside
    if options.companies:
        wanted = {c.casefold().strip() for c in options.companies}
        inside = out["company"].astype(str).str.casefold().str.strip().isin(wanted).to_numpy()
        tally.drop("not one of the selected companies", int((keep & ~inside).sum()))
        keep &= inside
    if options.date_from is not None or options.date_to is not None:
        d = out["date"]
        inside = d.notna().to_numpy()
        if options.date_from is not None:
            inside = inside & (d >= pd.Timestamp(options.date_from)).to_numpy()
        if options.date_to is not None:
            inside = inside & (d <= pd.Timestamp(options.date_to)).to_numpy()
        tally.drop("outside the date filter", int((keep & ~inside).sum()))
        keep &= inside
    if not keep.all():
        out = out[keep].reset_index(drop=True)
        for key in M.KEYS:  # drop categories no kept row uses
            out[key] = out[key].cat.remove_unused_categories()
            out[M.key_column(key)] = out[M.key_column(key)].cat.remove_unused_categories()
    return out


def finish_levels(frame: pd.DataFrame, ctx: ImportContext, *, count: bool = True) -> pd.DataFrame:
    """Canonical wage-level frame (role, occupation, location, currency, level_1…4, row).

    `count=False` when the rows are aggregates (LCA) rather than source rows: rows without a
    role are then not counted as dropped source rows.
    """
    rows = frame.index.to_numpy()
    frame = frame.reset_index(drop=True)
    out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    keep = add_keys(frame, out, ctx.aliases, ctx.tally if count else Tally())
    out["occupation"] = text(frame["occupation"]).to_numpy() if "occupation" in frame else ""
    out["currency"] = text(frame["currency"]).str.upper().replace("", "USD").to_numpy() if "currency" in frame else "USD"
    for c in M.WAGE_LEVEL_COLS:
        out[c] = frame[c].to_numpy(dtype="float64") if c in frame else np.nan
    out["row"] = rows
    # a wage level that is negative, zero or above the amount bound is no wage: the row is dropped
    tally = ctx.tally if count else Tally()
    levels = out[list(M.WAGE_LEVEL_COLS)].to_numpy(dtype="float64")
    with np.errstate(invalid="ignore"):
        for reason, mask in (("negative wage", levels < 0), ("zero wage", levels == 0),
                             (f"wage {bounds.above_text('amount')}", bounds.above("amount", levels))):
            hit = keep & mask.any(axis=1)
            tally.drop(reason, int(hit.sum()))
            keep &= ~hit
    return out[keep].reset_index(drop=True)
