"""OFLC prevailing-wage files as published by the DOL Office of Foreign Labor Certification's
data center (the yearly `OFLC_Wages_YYYY-YY` package):

- `ALC_Export.csv`: `Area, SocCode, GeoLvl, Level1, Level2, Level3, Level4, Average, Label`, one
  row per wage area and SOC code. Wages are **hourly**, except rows whose `Label` says annual
  (occupations published only as annual figures); hourly wages are annualised × 2080 (the OEWS
  full-time year). A row without any leveled wage is skipped (counted). `Area` is a numeric code
  (5, 6 or 7 digits, kept as text) explained by the Geography file.
- `Geography.csv`: `Area, AreaName, StateAb, State, CountyTownName`, the counties (or New England
  towns) of each wage area. Pass it as another `--market` file: offers are matched to an area
  through their `oflc_area`, their `county`, or their city (toolkit.geography.US_CITIES).

The wage year runs 1 July to 30 June; it is read from the package's name in the path
(`OFLC_Wages_2025-26`, `oflc_wages_2025-26_Geography.csv`) when present. docs/market.md §6.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .base import FileFacts, Format, ImportContext, Imported, col, finish_levels, text, to_number

HOURS_PER_YEAR = 2080.0  # the OEWS full-time year OFLC uses to annualise hourly wages
ALC_COLUMNS = frozenset({"area", "soccode", "geolvl", "level1", "level2", "level3", "level4"})
GEOGRAPHY_COLUMNS = frozenset({"area", "areaname", "stateab", "countytownname"})
_YEAR = re.compile(r"(20\d\d)[-_ ](\d\d)(?!\d)")


def wage_year(path: Path | str) -> str | None:
    """'OFLC_Wages_2025-26/ALC_Export.csv' → '2025-07-01' (the start of the July–June wage year)."""
    m = _YEAR.search(str(path))
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        return None
    return f"{m.group(1)}-07-01"


def wage_year_text(as_of: str | None) -> str:
    """'2025-07-01' → 'wage year 1 Jul 2025 – 30 Jun 2026'; unknown → 'wage year not stated'."""
    if not as_of or not re.fullmatch(r"20\d\d-07-01", str(as_of)):
        return "wage year not stated in the file name"
    y = int(str(as_of)[:4])
    return f"wage year 1 Jul {y} – 30 Jun {y + 1}"


def _facts(path: Path) -> FileFacts:
    return FileFacts(as_of=wage_year(path))


# ---------------------------------------------------------------- ALC_Export.csv


def detect_alc(cols: frozenset) -> bool:
    return ALC_COLUMNS <= cols


def import_alc(frame: pd.DataFrame, ctx: ImportContext) -> Imported:
    tally = ctx.tally
    f = pd.DataFrame(index=frame.index)
    soc = text(frame[col(frame, "SocCode")])
    f["occupation"] = soc
    f["role"] = soc  # match offers with --alias 'Software Engineer=15-1252'
    f["location"] = text(frame[col(frame, "Area")])
    f["currency"] = "USD"
    label = col(frame, "Label")
    annual = text(frame[label], lambda t: "annual" in t.lower()).to_numpy(dtype=bool) if label else np.zeros(len(f), bool)
    factor = np.where(annual, 1.0, HOURS_PER_YEAR)
    bad_any = np.zeros(len(f), dtype=bool)
    for k in (1, 2, 3, 4):
        name = col(frame, f"Level{k}")
        values, bad = to_number(frame[name], name, None)
        tally.drop(f"text in number column '{name}'", int((bad & ~bad_any).sum()))
        bad_any |= bad
        f[f"level_{k}"] = values * factor
    none = ~bad_any & np.isnan(f[[f"level_{k}" for k in (1, 2, 3, 4)]].to_numpy(dtype="float64")).all(axis=1)
    tally.drop("no leveled wage", int(none.sum()))
    if annual.any():
        tally.notes.append(f"{int(annual[~(bad_any | none)].sum())} rows labelled annual (not converted from hourly)")
    tally.notes.append("hourly wages annualised × 2080")
    tally.notes.append(wage_year_text(ctx.facts.as_of))
    return Imported(wage_levels=finish_levels(f[~(bad_any | none)], ctx), label="OFLC wage levels (ALC_Export)")


ALC_FORMAT = Format(name="oflc_alc", label="OFLC wage levels (ALC_Export)", detect=detect_alc, import_frame=import_alc,
                    file_facts=_facts)


# ---------------------------------------------------------------- Geography.csv


def detect_geography(cols: frozenset) -> bool:
    return GEOGRAPHY_COLUMNS <= cols


def import_geography(frame: pd.DataFrame, ctx: ImportContext) -> Imported:
    areas = pd.DataFrame({
        "area": text(frame[col(frame, "Area")]).to_numpy(),
        "area_name": text(frame[col(frame, "AreaName")]).to_numpy(),
        "state": text(frame[col(frame, "StateAb")], str.upper).to_numpy(),
        "county": text(frame[col(frame, "CountyTownName")]).to_numpy(),
    })
    empty = (areas["area"] == "") | (areas["county"] == "")
    ctx.tally.drop("no area or county", int(empty.sum()))
    ctx.tally.notes.append(wage_year_text(ctx.facts.as_of))
    return Imported(areas=areas[~empty.to_numpy()].reset_index(drop=True), label="OFLC wage-area geography")


GEOGRAPHY_FORMAT = Format(name="oflc_geography", label="OFLC wage-area geography", detect=detect_geography,
                          import_frame=import_geography, file_facts=_facts)
