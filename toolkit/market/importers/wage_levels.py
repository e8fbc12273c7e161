"""Prevailing-wage level tables in the OFLC style: an occupation (SOC code and/or title), an area,
and Level 1–4 wages (columns like level_1, Level I, lvl2, Level_3_wage), optionally a unit
(hour/year) and a currency. Rows with unreadable wages are dropped (counted)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .base import ROMAN, Format, ImportContext, Imported, annualize, col, finish_levels, text, to_number

_LEVEL = re.compile(r"(?:level|lvl|lev)[\s_]*(1|2|3|4|i|ii|iii|iv)(?:_wage)?")
OCCUPATION_COLUMNS = {"occupation", "occupation_code", "soc_code", "soccode", "soc_title", "soctitle", "role"}


def level_columns(columns) -> dict[int, str]:
    found = {}
    for c in columns:
        m = _LEVEL.fullmatch(c.strip().lower())
        if m:
            found[ROMAN[m.group(1)]] = c
    return found


def detect(cols: frozenset) -> bool:
    return len(level_columns(cols)) >= 2 and bool(OCCUPATION_COLUMNS & cols)


def import_frame(frame: pd.DataFrame, ctx: ImportContext) -> Imported:
    tally = ctx.tally
    f = pd.DataFrame(index=frame.index)
    occ_code = col(frame, "occupation_code", "soc_code", "SocCode")
    occ_name = col(frame, "occupation", "soc_title", "SocTitle", "soc_name")
    parts = [text(frame[x]) for x in (occ_code, occ_name) if x]
    f["occupation"] = (parts[0] + " " + parts[1]).str.strip() if len(parts) == 2 else (parts[0] if parts else "")
    role = col(frame, "role")
    f["role"] = frame[role] if role else (frame[occ_name] if occ_name else f["occupation"])
    loc = col(frame, "location", "area_name", "AreaName", "area")
    f["location"] = frame[loc] if loc else ""
    cur = col(frame, "currency")
    f["currency"] = frame[cur] if cur else (ctx.options.default_currency or "USD")
    unit = col(frame, "unit", "wage_unit", "per")
    bad_any = np.zeros(len(f), dtype=bool)
    for k, name in sorted(level_columns(frame.columns).items()):
        values, bad = to_number(frame[name], name, None)
        tally.drop(f"text in number column '{name}'", int((bad & ~bad_any).sum()))
        bad_any |= bad
        negative = values < 0
        tally.drop("negative wage", int((negative & ~bad_any).sum()))
        bad_any |= negative
        if unit:
            values = annualize(values, frame[unit], tally, "wage")
        f[f"level_{k}"] = values
    return Imported(wage_levels=finish_levels(f[~bad_any], ctx))


FORMAT = Format(name="wage_levels", label="prevailing-wage levels", detect=detect, import_frame=import_frame)
