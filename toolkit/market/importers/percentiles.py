"""The toolkit's own percentile table: one row per (role, level, location, component) with
percentile columns (p25, p50, ... or median, 25th, pct25), currency, optional source, as_of,
sample_size, occupation. Also the shared core of the BLS importer (`import_table`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import bounds
from .. import model as M
from .base import (
    CANONICAL_FIELDS, NONZERO_COMPONENTS, Format, ImportContext, Imported, add_keys, currency_column, percentile_of_column, text,
    to_number,
)

COMPONENT_WORDS = {
    "base": "base", "base salary": "base", "salary": "base", "basesalary": "base",
    "bonus": "bonus", "target bonus": "bonus",
    "equity": "equity", "stock": "equity", "rsu": "equity", "stockgrantvalue": "equity",
    "total": "total", "tc": "total", "total comp": "total", "total compensation": "total", "totalyearlycompensation": "total",
}
# BLS: '#' = at or above the top-code threshold (kept as unknown, flagged); '*' / '**' = not published
MARKERS = {"#": "top", "*": "na", "**": "na"}


def percentile_columns(columns) -> dict[str, int]:
    """Column → percentile for every column named like a percentile (and not a canonical field)."""
    found = {c: percentile_of_column(c) for c in columns}
    return {c: k for c, k in found.items() if k is not None and c.lower() not in CANONICAL_FIELDS}


def detect(cols: frozenset) -> bool:
    return "role" in cols and "component" in cols and len(percentile_columns(cols)) >= 2


def import_table(frame: pd.DataFrame, ctx: ImportContext, *, top_coded: bool = False) -> pd.DataFrame:
    """Canonical percentile frame; each dropped row counted once, under its first reason."""
    tally = ctx.tally
    points = percentile_columns(frame.columns)
    repeated = sorted({k for k in points.values() if list(points.values()).count(k) > 1})
    if repeated:
        from ...errors import InputError, Issue

        raise InputError([Issue(source=ctx.source, field=M.pcol(k), code="duplicate",
                                message=f"two columns give percentile {k}: "
                                        f"{[c for c, j in points.items() if j == k]}; keep one")
                          for k in repeated])
    n = len(frame)
    rows = frame.index.to_numpy()
    frame = frame.reset_index(drop=True)
    out = pd.DataFrame(index=pd.RangeIndex(n))
    keep = add_keys(frame, out, ctx.aliases, tally)
    raw_comp = text(frame["component"])
    comp = raw_comp.str.lower().map(lambda t: COMPONENT_WORDS.get(t, ""))
    bad_comp = (comp == "").to_numpy()
    for value in sorted(set(raw_comp[bad_comp & keep])):
        tally.drop(f"unknown component {value!r} (expected base, bonus, equity or total)",
                   int(((raw_comp == value).to_numpy() & bad_comp & keep).sum()))
    keep &= ~bad_comp
    out["component"] = comp.to_numpy()
    currency, ok = currency_column(frame, ctx, keep)
    out["currency"] = currency.to_numpy()
    keep &= ok
    known = np.zeros(n, dtype=int)
    matrix = []
    flags: list[list[str]] = [[] for _ in range(n)]
    for column, k in sorted(points.items(), key=lambda kv: kv[1]):
        values, bad = to_number(frame[column], column, None, markers=MARKERS)
        if top_coded:
            for i in np.flatnonzero((text(frame[column]) == "#").to_numpy()):
                flags[i].append(M.pcol(k))
        tally.drop(f"text in number column '{column}'", int((bad & keep).sum()))
        keep &= ~bad
        out[M.pcol(k)] = values
        matrix.append(values)
        known += ~np.isnan(values)
    mat = np.column_stack(matrix)
    negative = (mat < 0).any(axis=1)
    tally.drop("negative percentile value", int((keep & negative).sum()))
    keep &= ~negative
    # the offers' amount bound (toolkit/bounds.py), and a zero base or total is no salary
    huge = bounds.above("amount", mat).any(axis=1)
    tally.drop(f"percentile value {bounds.above_text('amount')}", int((keep & huge).sum()))
    keep &= ~huge
    zero = (mat == 0).any(axis=1) & np.isin(out["component"].to_numpy(), NONZERO_COMPONENTS)
    tally.drop("zero base or total percentile value", int((keep & zero).sum()))
    keep &= ~zero
    with np.errstate(invalid="ignore"):
        filled = pd.DataFrame(mat).ffill(axis=1).to_numpy()
        decreasing = (np.diff(filled, axis=1) < 0).any(axis=1)
    tally.drop("percentiles decrease (p-values must not go down as the percentile goes up)", int((keep & decreasing).sum()))
    keep &= ~decreasing
    tally.drop("no percentile values", int((keep & (known == 0)).sum()))
    keep &= known > 0
    out["top_coded"] = [",".join(f) for f in flags]
    top = ctx.facts.top_code_value
    out["top_coded_at"] = top if top is not None else np.nan
    out["occupation"] = text(frame["occupation"]).to_numpy() if "occupation" in frame else ""
    out["source"] = text(frame["source"]).to_numpy() if "source" in frame else ""
    out["as_of"] = text(frame["as_of"]).to_numpy() if "as_of" in frame else ""
    if "sample_size" in frame:
        out["sample_size"], _ = to_number(frame["sample_size"], "sample_size", tally)
    else:
        out["sample_size"] = np.nan
    out["row"] = rows
    key_cols = [M.key_column(k) for k in M.KEYS] + ["component", "currency", "occupation"]
    dup = np.zeros(n, dtype=bool)
    dup[np.flatnonzero(keep)] = out.loc[keep, key_cols].astype(str).duplicated().to_numpy()
    tally.drop("duplicate of an earlier row with the same role, level, location, component and currency", int((keep & dup).sum()))
    keep &= ~dup
    return out[keep].reset_index(drop=True)


def import_frame(frame: pd.DataFrame, ctx: ImportContext) -> Imported:
    return Imported(percentiles=import_table(frame, ctx))


FORMAT = Format(name="percentiles", label="percentile table", detect=detect, import_frame=import_frame, canonical_names=True)
