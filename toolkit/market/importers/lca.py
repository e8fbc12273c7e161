"""H-1B Labor Condition Application disclosure files from the DOL (current names such as
CASE_STATUS, JOB_TITLE, WAGE_RATE_OF_PAY_FROM, PW_WAGE_LEVEL, and the older LCA_CASE_* names).
Certified cases become raw base samples (a wage range counts at its lower bound; wages are
annualised by their unit); PREVAILING_WAGE by PW_WAGE_LEVEL gives wage-level rows (median per
job title, SOC code and worksite)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import model as M
from .base import ROMAN, Format, ImportContext, Imported, annualize, blank, col, finish_levels, finish_samples, text, to_number

FIELDS = {
    "status": ("CASE_STATUS", "STATUS", "LCA_CASE_STATUS"),
    "job_title": ("JOB_TITLE", "LCA_CASE_JOB_TITLE"),
    "soc_code": ("SOC_CODE", "LCA_CASE_SOC_CODE"),
    "soc_name": ("SOC_NAME", "SOC_TITLE", "LCA_CASE_SOC_NAME"),
    "wage_from": ("WAGE_RATE_OF_PAY_FROM", "WAGE_RATE_OF_PAY", "LCA_CASE_WAGE_RATE_FROM"),
    "wage_unit": ("WAGE_UNIT_OF_PAY", "LCA_CASE_WAGE_RATE_UNIT"),
    "pw": ("PREVAILING_WAGE", "PW_1", "LCA_CASE_PREVAILING_WAGE"),
    "pw_unit": ("PW_UNIT_OF_PAY", "PW_UNIT_1", "LCA_CASE_PW_UNIT"),
    "pw_level": ("PW_WAGE_LEVEL", "PW_LEVEL", "PW_LEVEL_1"),
    "city": ("WORKSITE_CITY", "LCA_CASE_WORKLOC1_CITY"),
    "state": ("WORKSITE_STATE", "LCA_CASE_WORKLOC1_STATE"),
    "employer": ("EMPLOYER_NAME", "LCA_CASE_EMPLOYER_NAME"),
    "date": ("DECISION_DATE", "CASE_SUBMITTED", "LCA_CASE_SUBMIT"),
}


def detect(cols: frozenset) -> bool:
    return bool({"job_title", "lca_case_job_title"} & cols) and bool(
        {"wage_rate_of_pay_from", "wage_rate_of_pay", "lca_case_wage_rate_from"} & cols)


def _level(values: pd.Series) -> np.ndarray:
    cells = text(values).str.lower().str.replace("level", "", regex=False).str.strip()
    return cells.map(lambda t: ROMAN.get(t, 0)).to_numpy()


def import_frame(frame: pd.DataFrame, ctx: ImportContext) -> Imported:
    tally = ctx.tally
    c = {k: col(frame, *names) for k, names in FIELDS.items()}
    if c["status"] and ctx.options.certified_only:
        status = text(frame[c["status"]]).str.upper()
        for s, n in status[status != "CERTIFIED"].value_counts().items():
            tally.drop(f"case status {s or '(empty)'} (only CERTIFIED counts)", int(n))
        frame = frame[(status == "CERTIFIED").to_numpy()]
    wage_raw = text(frame[c["wage_from"]]).str.split(r"\s+-\s+", n=1, regex=True).str[0]  # '60000 - 70000' → lower bound
    wage, _ = to_number(wage_raw, c["wage_from"], tally)
    wage[wage <= 0] = np.nan
    if c["wage_unit"]:
        wage = annualize(wage, frame[c["wage_unit"]], tally, "wage")
    city = text(frame[c["city"]]).str.title() if c["city"] else blank(frame)
    state = text(frame[c["state"]]).str.upper() if c["state"] else blank(frame)
    location = (city + ", " + state).str.strip(", ")
    occupation = ((text(frame[c["soc_code"]]) if c["soc_code"] else blank(frame)) + " "
                  + (text(frame[c["soc_name"]]) if c["soc_name"] else blank(frame))).str.strip()
    f = pd.DataFrame({
        "role": frame[c["job_title"]], "level": "", "location": location,
        "base": wage, "currency": "USD", "occupation": occupation,
    }, index=frame.index)
    if c["employer"]:
        f["company"] = frame[c["employer"]]
    if c["date"]:
        f["date"] = frame[c["date"]]
    samples = finish_samples(f, ctx)
    levels = None
    if c["pw"] and c["pw_level"]:
        pw, _ = to_number(frame[c["pw"]], c["pw"], tally)
        if c["pw_unit"]:
            pw = annualize(pw, frame[c["pw_unit"]], tally, "prevailing-wage")
        g = pd.DataFrame({"role": text(frame[c["job_title"]]).to_numpy(), "occupation": occupation.to_numpy(),
                          "location": location.to_numpy(), "level": _level(frame[c["pw_level"]]), "pw": pw,
                          "first_row": frame.index.to_numpy()})
        g = g[(g["level"] > 0) & g["pw"].notna()]
        if len(g):
            keys = ["role", "occupation", "location"]
            wide = g.pivot_table(index=keys, columns="level", values="pw", aggfunc="median")
            wide = wide.reindex(columns=[1, 2, 3, 4])
            wide.columns = list(M.WAGE_LEVEL_COLS)
            wide = wide.join(g.groupby(keys)["first_row"].min()).reset_index()
            wide.index = wide.pop("first_row").to_numpy()  # each aggregate is shown at its first source row
            levels = finish_levels(wide, ctx, count=False)
    return Imported(samples=samples, wage_levels=levels)


FORMAT = Format(name="lca", label="H-1B LCA disclosure", detect=detect, import_frame=import_frame)
