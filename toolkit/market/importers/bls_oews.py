"""BLS Occupational Employment and Wage Statistics (OEWS) tables, e.g. `oesm22nat/national_M2022_dl.xlsx`:
OCC_CODE, OCC_TITLE, AREA_TITLE, A_PCT10 … A_PCT90 (annual wages, USD). '*' = not published,
'#' = at or above the top-code threshold (kept unknown and flagged). The reference month is May
of the year in the file name (M2022 → 2022-05); the threshold is read from the workbook's
'Field Descriptions' sheet when present."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import InputError
from .base import FileFacts, Format, ImportContext, Imported, col, text
from .percentiles import import_table

PCT_COLUMNS = {"A_PCT10": 10, "A_PCT25": 25, "A_MEDIAN": 50, "A_PCT75": 75, "A_PCT90": 90}
_TOP = re.compile(r"#\s*=.*?\$([\d,]+(?:\.\d+)?)\s*per year", re.I)
_DETAIL_RANK = {"detailed": 0, "broad": 1, "minor": 2, "major": 3, "total": 4}


def detect(cols: frozenset) -> bool:
    return "occ_title" in cols and bool({"a_median", "a_pct25", "a_pct75"} & cols)


def file_facts(path: Path) -> FileFacts:
    """The reference month from the file name and the top-code threshold from the workbook."""
    from ...io import read_table

    m = re.search(r"M(20\d\d)", path.name)
    as_of = f"{m.group(1)}-05" if m else None  # OEWS reference month is May
    top = None
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            notes = read_table(path, sheet="Field Descriptions", as_text=True)
        except InputError:
            notes = None
        if notes is not None:
            words = " ".join(str(v) for v in notes.to_numpy().ravel().tolist() + list(notes.columns) if v is not None)
            hit = _TOP.search(words)
            top = float(hit.group(1).replace(",", "")) if hit else None
    return FileFacts(as_of=as_of, top_code_value=top)


def import_frame(frame: pd.DataFrame, ctx: ImportContext) -> Imported:
    tally = ctx.tally
    title, code, area_title = col(frame, "OCC_TITLE"), col(frame, "OCC_CODE"), col(frame, "AREA_TITLE")
    f = pd.DataFrame({
        "role": frame[title],
        "occupation": frame[code] if code else "",
        "location": frame[area_title] if area_title else "",
        "level": "",
        "component": "base",
        "currency": "USD",
    }, index=frame.index)
    for name, k in PCT_COLUMNS.items():
        present = col(frame, name)
        if present:
            f[f"p{k}"] = frame[present]
    # a broad occupation can be listed twice with the same code, and a broad group with a single
    # detailed occupation carries the same title: keep one row per title, the most detailed
    area = col(frame, "AREA")
    subset = [c for c in (area, code) if c]
    dup = frame.duplicated(subset=subset).to_numpy() if subset else np.zeros(len(frame), bool)
    tally.drop("occupation listed twice (same AREA and OCC_CODE)", int(dup.sum()))
    grp = col(frame, "O_GROUP")
    rank = text(frame[grp]).str.lower().map(_DETAIL_RANK).fillna(5) if grp else pd.Series(0, index=frame.index)
    key = text(frame[title]).str.casefold() + "|" + (text(frame[area]) if area else "")
    order = np.lexsort((np.arange(len(frame)), rank.to_numpy()))
    same_title = np.zeros(len(frame), bool)
    same_title[order] = pd.Series(key.to_numpy()[order]).duplicated().to_numpy()
    same_title &= ~dup
    tally.drop("same title as a more detailed occupation (kept the detailed one)", int(same_title.sum()))
    dup = dup | same_title
    f = f[~dup]
    hourly = col(frame, "HOURLY")
    if hourly:
        only_hourly = (text(frame[hourly]).str.upper() == "TRUE").to_numpy()[~dup]
        tally.drop("hourly wages only (HOURLY=TRUE): no annual percentiles published", int(only_hourly.sum()))
        f = f[~only_hourly]
    before = tally.rows.get("no percentile values", 0)
    out = import_table(f, ctx, top_coded=True)
    # in a BLS file a row with no percentile is one whose every annual figure is '*'
    n = tally.rows.get("no percentile values", 0) - before
    if n:
        if before:
            tally.rows["no percentile values"] = before
        else:
            del tally.rows["no percentile values"]
        tally.drop("no annual wage published ('*' in every annual percentile)", n)
    out["occupation"] = (out["occupation"].astype(str) + " " + out["role"].astype(str)).str.strip()
    n_top = int((out["top_coded"] != "").sum())
    top = ctx.facts.top_code_value
    if n_top:
        at = f" (at or above ${top:,.0f} a year)" if top else ""
        tally.notes.append(f"{n_top:,} rows have top-coded percentiles{at}, reported as null with top_coded set")
    label = "BLS OEWS" + (f" {ctx.facts.as_of}" if ctx.facts.as_of else "")
    if ctx.facts.as_of:
        out["as_of"] = ctx.facts.as_of
    out["source"] = label
    return Imported(percentiles=out, label=label)


FORMAT = Format(name="bls_oews", label="BLS OEWS", detect=detect, import_frame=import_frame, file_facts=file_facts)
