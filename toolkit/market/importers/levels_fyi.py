"""levels.fyi exports (title, level, location, company, yearsofexperience, basesalary,
stockgrantvalue, bonus, totalyearlycompensation, timestamp; USD). A base salary of 0 means
"not reported" and is treated as missing."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .base import Format, ImportContext, Imported, col, finish_samples, to_number

FIELDS = {
    "role": ("title", "role", "job_title"), "level": ("level",), "location": ("location",),
    "company": ("company",), "years_experience": ("yearsofexperience",), "base": ("basesalary",),
    "equity": ("stockgrantvalue",), "bonus": ("bonus",), "total": ("totalyearlycompensation",),
    "date": ("timestamp", "date"), "currency": ("currency",),
}


def detect(cols: frozenset) -> bool:
    return bool({"totalyearlycompensation", "basesalary", "stockgrantvalue"} & cols) and bool({"title", "role"} & cols)


def import_frame(frame: pd.DataFrame, ctx: ImportContext) -> Imported:
    f = pd.DataFrame(index=frame.index)
    for canon, names in FIELDS.items():
        c = col(frame, *names)
        if c is not None:
            f[canon] = frame[c]
    if "base" in f:
        values, _ = to_number(f["base"], "basesalary", None)
        zero = values == 0
        ctx.tally.ignore("zero base salary (means 'not reported'; treated as missing)", int(zero.sum()))
        f["base"] = np.where(zero, np.nan, values)
    return Imported(samples=finish_samples(f, ctx, default_currency="USD"))


FORMAT = Format(name="levels_fyi", label="levels.fyi export", detect=detect, import_frame=import_frame)
