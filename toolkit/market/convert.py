"""Canonical Parquet for market data: `market convert FILE -o FILE.parquet` and reading it back.

A converted file holds the frames of one `MarketData` stacked in one table, told apart by the
column `kind` ('samples', 'percentiles', 'wage_levels'), with the matching keys (`_role`,
`_level`, `_location`) already computed, and the import report, label, format and as-of in the
Parquet key-value metadata under CONVERTED_MARK. Reading it back skips detection and
normalisation; the DuckDB and Dask engines read the samples directly. Aliases are applied when
the file is converted: convert again to change them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, Issue
from . import model as M

CONVERTED_MARK = b"offer-toolkit-market"
KIND = "kind"
_TEXT_COLUMNS = (*M.KEY_COLUMNS, *M.KEYS, "currency", "component", "company", "occupation", "source", "as_of", "top_coded")


def to_canonical(market: M.MarketData) -> tuple[pd.DataFrame, dict]:
    """(one table of every frame, metadata) for writing; categoricals become plain text."""
    parts = []
    for kind, frame in (("samples", market.samples), ("percentiles", market.percentiles), ("wage_levels", market.wage_levels)):
        if frame is None:
            continue
        f = frame.copy()
        for c in f.columns:
            if isinstance(f[c].dtype, pd.CategoricalDtype) or c in _TEXT_COLUMNS:
                f[c] = f[c].astype(object).where(f[c].notna(), "").astype(str)
        f.insert(0, KIND, kind)
        parts.append(f)
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    for c in table.columns:
        if table[c].dtype == object and c != "date":
            table[c] = table[c].where(table[c].notna(), "").astype(str)
    columns = {kind: [c for c in frame.columns] for kind, frame in
               (("samples", market.samples), ("percentiles", market.percentiles), ("wage_levels", market.wage_levels))
               if frame is not None}
    meta = {"columns": columns, "label": market.label, "format": market.format, "as_of": market.as_of, "currencies": list(market.currencies),
            "report": market.report.as_dict(), "aliases": [list(a) for a in market.options.aliases]}
    return table, meta


def write_parquet(market: M.MarketData, out: str | os.PathLike, inputs=(), *, force: bool = False) -> Path:
    """Write `market` as canonical Parquet (atomically; never over an input; over a file offer-toolkit
    did not write only with `force`: its footer's CONVERTED_MARK key is how the output guard knows it)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..io import write_with

    table, meta = to_canonical(market)
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    arrow = arrow.replace_schema_metadata({**(arrow.schema.metadata or {}), CONVERTED_MARK: json.dumps(meta).encode()})
    return write_with(out, lambda p: pq.write_table(arrow, str(p), compression="zstd"), inputs, kind="document", force=force)


def _report(meta: dict, source: str) -> M.ImportReport:
    r = meta.get("report") or {}
    return M.ImportReport(source=source, format=str(r.get("format") or meta.get("label") or "converted"),
                          rows_read=int(r.get("rows_read", 0)), rows_kept=int(r.get("rows_kept", 0)),
                          dropped=tuple((k, int(v)) for k, v in (r.get("dropped") or {}).items()),
                          values_dropped=tuple((k, int(v)) for k, v in (r.get("values_dropped") or {}).items()),
                          notes=tuple(r.get("notes") or ()) + (f"read from Parquet converted from {r.get('source')}",))


def saved_options(meta: dict, options: M.MarketOptions | None, source: str) -> M.MarketOptions:
    """The options to use with a converted file: its saved aliases, the caller's other settings."""
    saved = tuple(tuple(a) for a in meta.get("aliases") or ())
    if options is None:
        return M.MarketOptions(aliases=saved)
    if options.aliases and tuple(tuple(a) for a in options.aliases) != saved:
        raise InputError([Issue(source=source, field="aliases", code="conflict",
                                message="the aliases were applied when this file was converted; convert the original again "
                                        "with the new --alias values")])
    return options.model_copy(update={"aliases": saved})


def converted_facts(files, options: M.MarketOptions | None = None) -> tuple[str, str | None, M.ImportReport, M.MarketOptions]:
    """(label, as_of, combined import report, options with the saved aliases) of converted
    Parquet files, for the engines that read them directly: rows add up over the files."""
    import pyarrow.parquet as pq

    metas = [json.loads(pq.read_schema(f).metadata[CONVERTED_MARK]) for f in files]
    for m, f in zip(metas, files):
        options = saved_options(m, options, str(f))
    reports = [_report(m, str(f)) for m, f in zip(metas, files)]
    label = str(metas[0].get("label") or "raw samples")
    as_of = max((m.get("as_of") for m in metas if m.get("as_of")), default=None)
    dropped: dict[str, int] = {}
    for r in reports:
        for k, v in r.dropped:
            dropped[k] = dropped.get(k, 0) + v
    source = str(files[0]) if len(files) == 1 else f"{files[0].parent}/ ({len(files)} files)"
    combined = M.ImportReport(source=source, format=reports[0].format, rows_read=sum(r.rows_read for r in reports),
                              rows_kept=sum(r.rows_kept for r in reports), dropped=tuple(dropped.items()),
                              notes=reports[0].notes if len(files) == 1 else (f"{len(files)} converted files",))
    return label, as_of, combined, options


def _codes(series: pd.Series) -> tuple[np.ndarray, list[str]]:
    """(codes, distinct values as text) without turning a million cells into Python strings."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        # unused categories dropped with a count per code (remove_unused_categories sorts every row)
        codes = series.cat.codes.to_numpy()
        cats = series.cat.categories
        present = codes >= 0
        used = np.bincount(codes[present], minlength=len(cats)) > 0
        remap = (np.cumsum(used) - 1).astype(codes.dtype)
        return np.where(present, remap[np.where(present, codes, 0)], -1), [str(c) for c, u in zip(cats, used) if u]
    codes, uniques = pd.factorize(series.astype(str))
    return codes, [str(u) for u in uniques]


def _categorical(frame: pd.DataFrame) -> pd.DataFrame:
    """Key and display columns as categoricals sharing codes, as the importers build them."""
    frame = frame.reset_index(drop=True)
    for key in M.KEYS:
        codes, keys = _codes(frame[M.key_column(key)])
        shown_codes, shown_values = _codes(frame[key])
        # the display of each key: the display of its first row
        first_row = np.full(len(keys), -1, dtype=np.int64)
        order = np.arange(len(codes))[::-1]
        first_row[codes[order]] = order
        shown = [shown_values[shown_codes[r]] if r >= 0 else "" for r in first_row]
        names, seen = [], {}
        for n in shown:
            seen[n] = seen.get(n, -1) + 1
            names.append(n if not seen[n] else f"{n} ({seen[n]})")
        frame[M.key_column(key)] = pd.Categorical.from_codes(codes, categories=keys)
        frame[key] = pd.Categorical.from_codes(codes, categories=names)
    return frame


def read_converted(path: str | os.PathLike, *, options: M.MarketOptions | None = None) -> M.MarketData | None:
    """A file written by `write_parquet` as MarketData; None when the Parquet file is not one."""
    from ..io import check_input_path

    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError([Issue(source=str(path), code="missing_dependency",
                                message="reading Parquet needs pyarrow; install it with: pip install 'offer-toolkit[scale]'")]) from None
    p = check_input_path(path, max_bytes=1 << 40)
    try:
        schema = pq.read_schema(p)
    except Exception as exc:  # pyarrow raises its own error types for corrupt files
        raise InputError([Issue(source=str(p), code="malformed", message=f"not a valid Parquet file: {type(exc).__name__}: {exc}")]) from None
    raw = (schema.metadata or {}).get(CONVERTED_MARK)
    if raw is None:
        return None
    meta = json.loads(raw)
    options = saved_options(meta, options, str(p))
    names = set(schema.names)
    # text columns come back dictionary-encoded (categoricals): factorizing them later is cheap
    table = pq.read_table(p, read_dictionary=[c for c in _TEXT_COLUMNS if c in names]).to_pandas()
    frames = {}
    for kind in ("samples", "percentiles", "wage_levels"):
        part = table[table[KIND] == kind].drop(columns=[KIND])
        if not len(part):
            frames[kind] = None
            continue
        part = _categorical(part[meta["columns"][kind]])
        if kind == "samples":
            for c in ("company", "occupation", "currency"):
                part[c] = part[c].astype("category")
        frames[kind] = part
    return M.MarketData(source=str(p), label=str(meta.get("label") or "converted"), format=str(meta.get("format") or "samples"),
                        report=_report(meta, str(p)), options=options, percentiles=frames["percentiles"],
                        samples=frames["samples"], wage_levels=frames["wage_levels"], as_of=meta.get("as_of"),
                        currencies=tuple(meta.get("currencies") or ()))
