"""Market files → `MarketData`: a registry of formats, one module per real format.

Data flow: `load_market(path)` reads the table through `toolkit.io.read_table` (the only I/O,
plus a format's `file_facts`), then `market_from_frame` refuses repeated column headers, drops
index columns and repeated header rows, applies the user's column mapping, asks each `Format`
in `FORMATS` (in order: the first whose `detect` accepts the column names wins) and hands the
frame, indexed by source row number, to that format's `import_frame` with an `ImportContext`.
Every importer returns canonical frames and counts what it dropped and why, each dropped row
once; nothing is dropped silently and no figure is invented (BLS '#' stays unknown, flagged).

To add a format: write a module here with `FORMAT = Format(name, label, detect, import_frame)`
and put it in `FORMATS` before any more general format its columns would also match.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from ...errors import ARGUMENT, InputError, Issue
from .. import model as M
from ..keys import compile_aliases_with_display
from . import ai_jobs, bls_oews, lca, levels_fyi, oflc, percentiles, samples, wage_levels
from .base import (
    CANONICAL_FIELDS, FileFacts, Format, ImportContext, Imported, Tally, as_of_text, percentile_of_column, text, to_number,
)

# detection order: specific public formats first, the toolkit's own general tables last
FORMATS: tuple[Format, ...] = (
    bls_oews.FORMAT, lca.FORMAT, levels_fyi.FORMAT, ai_jobs.FORMAT, oflc.ALC_FORMAT, oflc.GEOGRAPHY_FORMAT, wage_levels.FORMAT,
    percentiles.FORMAT, samples.FORMAT,
)

_NEEDED = (
    "a percentile table needs role, component, currency and at least two percentile columns (p25, p50, ...); "
    "raw samples need role and at least one of base, bonus, equity, total; "
    "map other names with --map role=<column>,base=<column>"
)

__all__ = [
    "CANONICAL_FIELDS", "FORMATS", "FileFacts", "Format", "ImportContext", "Imported", "Tally", "detect_format",
    "format_named", "load_market", "market_from_frame", "parse_map", "percentile_of_column", "read_mapping",
    "resolve_map", "to_number",
]


def format_named(name: str) -> Format:
    """The registered format called `name` ('bls_oews', 'lca', ...)."""
    for f in FORMATS:
        if f.name == name:
            return f
    raise KeyError(f"no market format named {name!r}; known: {', '.join(f.name for f in FORMATS)}")


AMOUNT_COLUMNS = (*M.COMPONENTS, "years_experience")  # canonical numeric columns, read by `to_number`


def detect_format(columns) -> Format | None:
    """The first registered format whose detector accepts these column names, or None."""
    cols = frozenset(str(c).strip().lower() for c in columns)
    return next((f for f in FORMATS if f.detect(cols)), None)


def _drop_header_rows(frame: pd.DataFrame, tally: Tally) -> pd.DataFrame:
    cols = list(frame.columns)
    if not cols or frame.empty:
        return frame
    text_cols = [c for c in cols if not pd.api.types.is_numeric_dtype(frame[c].dtype)]
    need = max(2, (len(cols) + 1) // 2)
    if len(text_cols) < need:
        return frame  # a repeated header makes number columns text; none here

    def same(c: str, rows: pd.DataFrame) -> np.ndarray:
        # compared once per distinct cell (vectorised): a million rows of a few thousand distinct
        # keys, or a million distinct amounts, must not cost a Python call each
        codes, uniques = pd.factorize(rows[c])
        hit = (pd.Series(uniques, dtype="string").str.strip().str.lower() == c.lower()).fillna(False).to_numpy(dtype=bool)
        return np.append(hit, False)[codes]

    # a header row repeats most names; rows matching none of the first few text columns cannot
    # be one, so the full check runs on a handful of candidate rows only
    probe = text_cols[: len(text_cols) - need + 1]
    candidate = np.zeros(len(frame), dtype=bool)
    for c in probe:
        candidate |= same(c, frame)
    header = np.zeros(len(frame), dtype=bool)
    if candidate.any():
        rows = frame[candidate]
        hits = sum(same(c, rows).astype(int) for c in text_cols)
        header[np.flatnonzero(candidate)] = hits >= need
    tally.drop("repeated header row", int(header.sum()))
    return frame[~header]


def _check_columns(frame: pd.DataFrame, source: str) -> None:
    """Refuse repeated column headers: which of two 'base' columns holds the figure is a guess."""
    repeated = set(frame.attrs.get("duplicate_columns") or ())
    names = [str(c).strip() for c in frame.columns]
    lower = [n.lower() for n in names]
    repeated |= {n for n in names if n and lower.count(n.lower()) > 1}
    if repeated:
        raise InputError([Issue(source=source, field=name, code="duplicate",
                                message=f"column {name!r} appears more than once in the header; "
                                        "rename or delete the extra copies")
                          for name in sorted(repeated, key=str.lower)])


def _apply_mapping(frame: pd.DataFrame, mapping: Mapping[str, str], source: str) -> pd.DataFrame:
    lower = {c.lower(): c for c in frame.columns}
    issues = []
    rename = {}
    for canon, column in mapping.items():
        if canon not in CANONICAL_FIELDS:
            issues.append(Issue(source=source, field=canon, code="bad_mapping",
                                message=f"cannot map {canon!r}: it is not a market field; known fields: {', '.join(CANONICAL_FIELDS)}"))
        elif column.lower() not in lower:
            issues.append(Issue(source=source, field=canon, code="bad_mapping",
                                message=f"column {column!r} (mapped to {canon!r}) not found; columns present: {list(frame.columns)}"))
        else:
            rename[lower[column.lower()]] = canon
    if issues:
        raise InputError(issues)
    return frame.drop(columns=[c for c in frame.columns if c.lower() in set(mapping) and c not in rename]).rename(columns=rename)


def market_from_frame(frame: pd.DataFrame, *, source: str = "<frame>", mapping: Mapping[str, str] | None = None,
                      options: M.MarketOptions | None = None, top_code_value: float | None = None,
                      as_of: str | None = None) -> M.MarketData:
    """Detect the format of a raw table and import it (the pure part of `load_market`).

    Args:
        frame: the table as read (text or numbers); row numbers in messages assume a header row.
        source: the file name used in messages and results.
        mapping: canonical field → source column, applied before detection.
        options: MarketOptions (aliases, filters, ...).
        top_code_value: BLS: the annual top-code threshold, for the report only.
        as_of: fallback as-of when the rows carry none (e.g. from the BLS file name).

    Raises:
        InputError: repeated column headers, the columns cannot be understood, the mapping names
            absent columns, the file has no data rows, or every row was dropped.
    """
    options = options or M.MarketOptions()
    tally = Tally()
    _check_columns(frame, source)
    frame = frame.copy(deep=False)
    frame.columns = [str(c).strip() for c in frame.columns]
    index_cols = [c for c in frame.columns if c == "" or re.fullmatch(r"Unnamed: \d+", c)]
    if index_cols:
        frame = frame.drop(columns=index_cols)
        tally.notes.append("ignored an unnamed index column")
    rows_read = len(frame)
    if rows_read == 0:
        raise InputError([Issue(source=source, message="the file has a header row but no data rows", code="empty_file")])
    frame.index = pd.RangeIndex(2, rows_read + 2)  # source row numbers: row 1 is the header
    if mapping:
        frame = _apply_mapping(frame, mapping, source)
    frame = _drop_header_rows(frame, tally)
    fmt = detect_format(frame.columns)
    if fmt is None:
        raise InputError([Issue(source=source, code="unknown_field",
                                message=f"cannot tell what kind of market file this is; columns found: {list(frame.columns)}; {_NEEDED}")])
    if fmt.canonical_names:  # canonical names are case-insensitive
        frame = frame.rename(columns={c: c.lower() for c in frame.columns if c.lower() in CANONICAL_FIELDS})
    ctx = ImportContext(source=source, options=options, aliases=compile_aliases_with_display(options.alias_map), tally=tally,
                        facts=FileFacts(as_of=as_of, top_code_value=top_code_value))
    result = fmt.import_frame(frame, ctx)
    return _bundle(result, fmt, ctx, rows_read)


def _bundle(result: Imported, fmt: Format, ctx: ImportContext, rows_read: int) -> M.MarketData:
    """`MarketData` from an importer's frames, with the import report and the facts found."""
    pct, smp, lvl = result.percentiles, result.samples, result.wage_levels
    label = result.label or fmt.label
    tally = ctx.tally
    if result.areas is not None:
        kept = len(result.areas)
    elif pct is None and smp is None:
        kept = len(lvl) if lvl is not None else 0
    else:
        kept = sum(len(x) for x in (pct, smp) if x is not None)
    report = M.ImportReport(source=ctx.source, format=label, rows_read=rows_read, rows_kept=kept,
                            dropped=tuple(tally.rows.items()), values_dropped=tuple(tally.values.items()), notes=tuple(tally.notes))
    if kept == 0:
        raise InputError([Issue(source=ctx.source, code="no_data", message=f"no usable rows: {report.render().split(': ', 1)[1]}")])
    found_as_of = ctx.facts.as_of
    currencies: set[str] = set()
    if pct is not None:
        found_as_of = as_of_text(pct["as_of"]) or found_as_of
        currencies |= set(pct["currency"].astype(str))
        if not (pct["source"] != "").any():
            pct["source"] = os.path.basename(ctx.source)
    if smp is not None:
        if smp["date"].notna().any() and found_as_of is None:
            found_as_of = smp["date"].max().date().isoformat()
        currencies |= {str(c) for c in smp["currency"].astype("category").cat.remove_unused_categories().cat.categories}
    if lvl is not None:
        currencies |= set(lvl["currency"].astype(str))
    return M.MarketData(source=ctx.source, label=label, format=fmt.name, report=report, options=ctx.options, percentiles=pct,
                        samples=smp, wage_levels=lvl, as_of=found_as_of, currencies=tuple(sorted(currencies)), areas=result.areas)


def load_market(path: str | os.PathLike, *, mapping: Mapping[str, str] | None = None,
                options: M.MarketOptions | None = None) -> M.MarketData:
    """Read one market file (CSV or XLSX) in any supported format into `MarketData`.

    Formats are recognised by their columns (see `FORMATS`): canonical percentile table,
    canonical raw samples, BLS OEWS workbook, levels.fyi export, H-1B LCA disclosure (current
    and LCA_CASE_* names), ai-jobs.net salary survey, OFLC-style prevailing-wage level table.

    Raises:
        InputError: unreadable file (see toolkit.io.read_table), repeated column headers,
            unknown columns, no usable rows.
    """
    from ...io import read_table

    if str(path).lower().endswith((".parquet", ".pq")):
        return _load_parquet(path, mapping=mapping, options=options)
    # amounts that are plain numbers in every row are read as numbers (to_number takes either);
    # under a mapping a column's role is not known until it is applied, so all stays text
    frame = read_table(path, as_text=True, numbers=() if mapping else AMOUNT_COLUMNS)
    fmt = detect_format(frame.columns)
    facts = fmt.file_facts(Path(path)) if fmt is not None and fmt.file_facts is not None else FileFacts()
    return market_from_frame(frame, source=str(path), mapping=mapping, options=options,
                             top_code_value=facts.top_code_value, as_of=facts.as_of)


def _load_parquet(path, *, mapping, options) -> M.MarketData:
    """Parquet: a file written by `market convert` as it was saved; any other Parquet table is
    imported like a CSV (its cells as text, so the same rules apply)."""
    from ..convert import read_converted

    converted = read_converted(path, options=options)
    if converted is not None:
        if mapping:
            raise InputError([Issue(source=str(path), field="mapping", code="conflict",
                                    message="this file was converted already: its columns are canonical, so no mapping applies")])
        return converted
    import pyarrow.parquet as pq

    frame = pq.read_table(str(path)).to_pandas()
    frame = frame.astype(object).where(frame.notna(), None)
    frame = frame.map(lambda v: v if v is None or isinstance(v, str) else str(v))
    return market_from_frame(frame, source=str(path), mapping=mapping, options=options)


def parse_map(text: str, *, source: str = ARGUMENT) -> dict[str, str]:
    """'role=job_title,base=basesalary' → {'role': 'job_title', 'base': 'basesalary'}.

    Examples:
        >>> parse_map("role=job_title, base=basesalary")
        {'role': 'job_title', 'base': 'basesalary'}
    """
    out: dict[str, str] = {}
    issues = []
    for part in [p.strip() for p in text.split(",") if p.strip()]:
        canon, sep, column = part.partition("=")
        if not sep or not canon.strip() or not column.strip():
            issues.append(Issue(source=source, field="mapping" if source == ARGUMENT else "", code="bad_mapping", message=f"expected canonical=column pairs like role=job_title, got {part!r}"))
            continue
        out[canon.strip().lower()] = column.strip()
    if issues:
        raise InputError(issues)
    return out


def read_mapping(path: str | os.PathLike) -> dict[str, str]:
    """A mapping file: YAML/JSON {canonical: source_column} or a two-column CSV (canonical, column)."""
    from ...io import check_input_path, file_kind, read_document, read_table

    p = check_input_path(path, max_bytes=1_000_000)
    if file_kind(p) in ("yaml", "json", "toml"):
        data = read_document(p)
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise InputError.single(str(p), "expected a mapping of canonical field to source column, like role: job_title", code="bad_mapping")
        return {str(k).strip().lower(): v.strip() for k, v in data.items()}
    table = read_table(p, as_text=True)
    if table.shape[1] < 2:
        raise InputError.single(str(p), "expected two columns: canonical field, source column", code="bad_mapping")
    pairs = {str(table.columns[0]).strip().lower(): str(table.columns[1]).strip()} if str(table.columns[0]).lower() in CANONICAL_FIELDS else {}
    for a, b in table.iloc[:, :2].itertuples(index=False):
        if a and b:
            pairs[str(a).strip().lower()] = str(b).strip()
    return pairs


def resolve_map(value: str | None) -> dict[str, str] | None:
    """The CLI's --map value: a mapping file path or inline pairs."""
    if not value:
        return None
    if os.path.splitext(value)[1].lower() in (".yaml", ".yml", ".json", ".csv", ".toml") and "=" not in value:
        return read_mapping(value)
    return parse_map(value)
