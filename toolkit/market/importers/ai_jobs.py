"""The ai-jobs.net salary survey (work_year, experience_level EN/MI/SE/EX, job_title, salary,
salary_currency, salary_in_usd, company_location, ...). Exact duplicate rows are survey
re-submissions and are dropped (counted)."""

from __future__ import annotations

import pandas as pd

from .base import Format, ImportContext, Imported, col, finish_samples, text

LEVELS = {"EN": "Entry-level", "MI": "Mid-level", "SE": "Senior", "EX": "Executive"}


def detect(cols: frozenset) -> bool:
    return "job_title" in cols and ("salary_in_usd" in cols or {"salary", "experience_level"} <= cols)


def import_frame(frame: pd.DataFrame, ctx: ImportContext) -> Imported:
    dup = frame.duplicated().to_numpy()
    ctx.tally.drop("exact duplicate of an earlier survey row", int(dup.sum()))
    frame = frame[~dup]
    f = pd.DataFrame({"role": frame[col(frame, "job_title")]}, index=frame.index)
    lvl = col(frame, "experience_level")
    f["level"] = text(frame[lvl]).map(lambda v: LEVELS.get(v.upper(), v)) if lvl else ""
    loc = col(frame, "company_location")
    f["location"] = frame[loc] if loc else ""
    usd = col(frame, "salary_in_usd")
    if usd:
        f["base"] = frame[usd]
        f["currency"] = "USD"
    else:
        f["base"] = frame[col(frame, "salary")]
        cur = col(frame, "salary_currency")
        if cur:
            f["currency"] = frame[cur]
    year = col(frame, "work_year")
    if year:
        f["date"] = text(frame[year]).map(lambda y: f"{y}-01-01" if y else "")
    return Imported(samples=finish_samples(f, ctx))


FORMAT = Format(name="ai_jobs", label="salary survey (ai-jobs.net)", detect=detect, import_frame=import_frame)
