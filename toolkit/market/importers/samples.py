"""The toolkit's own raw-sample table: one row per reported figure with role and at least one of
base, bonus, equity, total; optional level, location, currency, years_experience, company, date,
occupation."""

from __future__ import annotations

import pandas as pd

from .base import Format, ImportContext, Imported, finish_samples


def detect(cols: frozenset) -> bool:
    return "role" in cols and bool({"base", "bonus", "equity", "total"} & cols)


def import_frame(frame: pd.DataFrame, ctx: ImportContext) -> Imported:
    return Imported(samples=finish_samples(frame, ctx))


FORMAT = Format(name="samples", label="raw samples", detect=detect, import_frame=import_frame, canonical_names=True)
