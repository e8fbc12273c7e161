"""Market files → `MarketData`: format detection and one importer per format.

Data flow: `load_market(path)` reads the table through `toolkit.io.read_table` (the only I/O),
then `market_from_frame` drops index columns and repeated header rows, applies the user's
column mapping, detects the format from the column names and hands the frame to its
importer. Every importer returns canonical frames plus a tally of what it dropped and why;
nothing is dropped silently and no figure is invented (BLS '#' stays unknown, flagged top-coded).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from typing import Callable, Mapping

import numpy as np
import pandas as pd

from ..errors import InputError, Issue
from ..offers.money import AmountError, Period, annual_factor, parse_amount, parse_currency, parse_period
from . import model as M
from .keys import MISSING, compile_aliases_with_display, factorize_keys

CANONICAL_FIELDS = (
    "role", "level", "location", "component", "currency", "source", "as_of", "sample_size",
    "base", "bonus", "equity", "total", "years_experience", "company", "date", "occupation",
)
_COMPONENT_WORDS = {
    "base": "base", "base salary": "base", "salary": "base", "basesalary": "base",
    "bonus": "bonus", "target bonus": "bonus",
    "equity": "equity", "stock": "equity", "rsu": "equity", "stockgrantvalue": "equity",
    "total": "total", "tc": "total", "total comp": "total", "total compensation": "total", "totalyearlycompensation": "total",
}
_AI_JOBS_LEVELS = {"EN": "Entry-level", "MI": "Mid-level", "SE": "Senior", "EX": "Executive"}
_LCA_FIELDS = {
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
_UNIT_EXTRA = {"bi": Period.BIWEEK, "mth": Period.MONTH, "hr": Period.HOUR, "wk": Period.WEEK, "yr": Period.YEAR}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


# ---------------------------------------------------------------- helpers


class Tally:
    """Counts of dropped rows and ignored values, by reason, in first-seen order."""

    def __init__(self) -> None:
        self.rows: Counter[str] = Counter()
        self.values: Counter[str] = Counter()
        self.notes: list[str] = []

    def drop(self, reason: str, n: int) -> None:
        if n:
            self.rows[reason] += int(n)

    def ignore(self, reason: str, n: int) -> None:
        if n:
            self.values[reason] += int(n)


def _is_missing(series: pd.Series) -> np.ndarray:
    return _text(series, lambda t: t.lower() in MISSING).to_numpy(dtype=bool)


def to_number(series: pd.Series, name: str, tally: Tally | None, *, markers: Mapping[str, str] = {}) -> tuple[np.ndarray, np.ndarray]:
    """Parse a column of amounts into float64; (values, bad) where bad marks unreadable text.

    Missing markers (NA, N/A, None, null, '') become NaN silently; `markers` maps special text
    (BLS '*', '#') to a meaning and leaves NaN; anything else that is not an amount is counted
    under "text in number column '<name>'".
    """
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = np.array(series.to_numpy(dtype="float64", na_value=np.nan), dtype="float64", copy=True)
        return values, np.zeros(len(values), dtype=bool)
    values = np.array(pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan), dtype="float64", copy=True)
    failed = np.isnan(values) & ~_is_missing(series)
    bad = np.zeros(len(values), dtype=bool)
    if failed.any():
        idx = np.flatnonzero(failed)
        raw = series.iloc[idx].astype(str).str.strip()
        cache: dict[str, float | None] = {}
        for pos, text in zip(idx, raw):
            if text in markers:
                continue
            if text not in cache:
                try:
                    amount, per = parse_amount(text)
                    cache[text] = amount if per is None else None
                except AmountError:
                    cache[text] = None
            v = cache[text]
            if v is None:
                bad[pos] = True
            else:
                values[pos] = v
    values[~np.isfinite(values)] = np.nan
    if tally is not None:
        tally.ignore(f"text in number column '{name}'", int(bad.sum()))
    return values, bad


def _text(series: pd.Series, fn: Callable[[str], object] | None = None) -> pd.Series:
    """Cells as stripped text ('' for missing), optionally passed through `fn`.

    Works on the distinct values only (factorize, transform, take), so a million-row column
    with a few hundred distinct values costs one hash pass, not a million Python calls.
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    cleaned = [str(u).strip() for u in uniques]
    if fn is not None:
        cleaned = [fn(u) for u in cleaned]
    empty = fn("") if fn is not None else ""
    table = np.empty(len(cleaned) + 1, dtype=object)
    table[:-1] = cleaned
    table[-1] = empty
    return pd.Series(table[codes], index=series.index, dtype=object)


def _col(frame: pd.DataFrame, *names: str) -> str | None:
    lower = {c.lower(): c for c in frame.columns}
    for n in names:
        if n.lower() in lower:
            return lower[n.lower()]
    return None


def percentile_of_column(name: str) -> int | None:
    """'p25', 'P25', '25th', 'pct25', 'percentile_25', 'median' → 25/50; None if not a percentile."""
    n = name.strip().lower().replace(" ", "_")
    if n in ("median", "p50", "a_median"):
        return 50
    m = (
        re.fullmatch(r"p_?(\d{1,2})", n)
        or re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?(?:_?percentile)?", n)
        or re.fullmatch(r"(?:pct|percentile)_?(\d{1,2})", n)
    )
    if not m:
        return None
    k = int(m.group(1))
    return k if 1 <= k <= 99 else None


def _as_of_text(values: pd.Series) -> str | None:
    text = _text(values)
    text = text[text != ""]
    if text.empty:
        return None
    parsed = pd.to_datetime(text, errors="coerce", format="mixed")
    if parsed.notna().any():
        return str(text.to_numpy()[int(np.nanargmax(parsed.to_numpy(dtype="float64", na_value=np.nan)))])
    return str(text.max())


def _keys(frame: pd.DataFrame, out: pd.DataFrame, aliases, tally: Tally, *, require_role: bool = True) -> np.ndarray:
    """Fill out[role/level/location] (display, categorical) and out[_role/...] (keys); return kept mask."""
    keep = np.ones(len(frame), dtype=bool)
    for key in M.KEYS:
        series = frame[key] if key in frame else pd.Series([""] * len(frame), index=frame.index, dtype=object)
        codes, keys, display = factorize_keys(series, aliases, location=key == "location")
        out[key] = pd.Categorical.from_codes(codes, categories=_unique_categories(display))
        out["_" + key] = pd.Categorical.from_codes(codes, categories=keys)
        if key == "role" and require_role:
            missing = codes == 0
            tally.drop("no role", int(missing.sum()))
            keep &= ~missing
    return keep


def _unique_categories(display: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    cats = []
    for d in display:
        if d in seen:  # two keys that display alike: keep both distinguishable
            seen[d] += 1
            d = f"{d} ({seen[d]})"
        else:
            seen[d] = 0
        cats.append(d)
    return cats


def _currency_column(frame: pd.DataFrame, source: str, default: str | None, tally: Tally, n: int) -> tuple[pd.Series, np.ndarray]:
    if "currency" not in frame:
        if default is None:
            raise InputError([Issue(source=source, field="currency", code="missing_column",
                                    message="no 'currency' column; add one (ISO code such as USD or EUR per row) or set a default currency")])
        return pd.Series([default] * n, dtype="category"), np.ones(n, dtype=bool)
    text = _text(frame["currency"], str.upper)
    codes, uniques = pd.factorize(text)
    good = {}
    for u in uniques:
        if u == "" and default:
            good[u] = default
            continue
        try:
            good[u] = parse_currency(u)
        except AmountError:
            good[u] = None
    mapped = [good[u] for u in uniques]
    ok_u = np.array([m is not None for m in mapped] + [False])
    ok = ok_u[codes]
    counts = np.bincount(codes, minlength=len(uniques))
    for i, (u, m) in enumerate(zip(uniques, mapped)):
        if m is None:
            tally.drop("missing currency" if u == "" else f"unknown currency {u!r}", int(counts[i]))
    cats = list(dict.fromkeys(m or "" for m in mapped))
    remap = np.array([cats.index(m or "") for m in mapped], dtype=np.int64)
    return pd.Series(pd.Categorical.from_codes(remap[codes], categories=cats)), ok


def _finish_samples(frame: pd.DataFrame, source: str, options: M.MarketOptions, tally: Tally, *, aliases,
                    currency: pd.Series | None = None, currency_ok: np.ndarray | None = None) -> pd.DataFrame:
    """Canonical raw-sample frame from a frame with canonical column names; applies filters."""
    n = len(frame)
    out = pd.DataFrame(index=pd.RangeIndex(n))
    keep = _keys(frame.reset_index(drop=True), out, aliases, tally)
    if currency is None:
        currency, currency_ok = _currency_column(frame, source, options.default_currency, tally, n)
    out["currency"] = currency.to_numpy() if hasattr(currency, "to_numpy") else currency
    keep &= currency_ok
    any_amount = np.zeros(n, dtype=bool)
    bad_cells: dict[str, np.ndarray] = {}
    for comp in M.COMPONENTS:
        if comp in frame:
            values, bad = to_number(frame[comp].reset_index(drop=True), comp, None)
            neg = values < 0
            values[neg] = np.nan
            bad_cells[f"text in number column '{comp}'"] = bad
            bad_cells[f"negative amount in '{comp}'"] = neg
            out[comp] = values
            any_amount |= ~np.isnan(values)
        else:
            out[comp] = np.nan
    # a row left with no amount is dropped, under the reason of its first unreadable cell
    dropping = keep & ~any_amount
    for reason, mask in bad_cells.items():
        tally.drop(reason, int((dropping & mask).sum()))
        dropping &= ~mask
        tally.ignore(reason, int((keep & any_amount & mask).sum()))
    tally.drop("no amount in any of base, bonus, equity, total", int(dropping.sum()))
    keep &= any_amount
    # optional columns and filters
    if "years_experience" in frame:
        out["years_experience"], _ = to_number(frame["years_experience"].reset_index(drop=True), "years_experience", tally)
    else:
        out["years_experience"] = np.nan
    blank = pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[""])
    out["company"] = pd.Categorical(_text(frame["company"]).to_numpy()) if "company" in frame else blank
    if "date" in frame:
        codes, uniques = pd.factorize(_text(frame["date"]))
        parsed = pd.to_datetime(pd.Series(uniques).replace("", None), errors="coerce", format="mixed")
        out["date"] = pd.DatetimeIndex(parsed).take(codes) if len(uniques) else pd.NaT
    else:
        out["date"] = pd.NaT
    out["occupation"] = pd.Categorical(_text(frame["occupation"]).to_numpy()) if "occupation" in frame else blank
    out["row"] = frame["_row"].to_numpy() if "_row" in frame else np.arange(n) + 2
    if options.years_experience is not None:
        lo, hi = options.years_experience
        y = out["years_experience"].to_numpy()
        inside = ~np.isnan(y)
        if lo is not None:
            inside = inside & (y >= lo)
        if hi is not None:
            inside = inside & (y <= hi)
        tally.drop("outside the years-of-experience filter", int((keep & ~inside).sum()))
        keep &= inside
    if options.companies:
        wanted = {c.casefold().strip() for c in options.companies}
        inside = out["company"].astype(str).str.casefold().str.strip().isin(wanted).to_numpy()
        tally.drop("not one of the selected companies", int((keep & ~inside).sum()))
        keep &= inside
    if options.date_from is not None or options.date_to is not None:
        d = out["date"]
        inside = d.notna().to_numpy()
        if options.date_from is not None:
            inside = inside & (d >= pd.Timestamp(options.date_from)).to_numpy()
        if options.date_to is not None:
            inside = inside & (d <= pd.Timestamp(options.date_to)).to_numpy()
        tally.drop("outside the date filter", int((keep & ~inside).sum()))
        keep &= inside
    if not keep.all():
        out = out[keep].reset_index(drop=True)
        for key in M.KEYS:  # drop categories no kept row uses
            out[key] = out[key].cat.remove_unused_categories()
            out["_" + key] = out["_" + key].cat.remove_unused_categories()
    return out


# ---------------------------------------------------------------- importers


def _import_percentiles(frame, source, options, tally, aliases, *, label="percentile table", top_coded=None, top_code_value=None):
    points = {c: percentile_of_column(c) for c in frame.columns}
    points = {c: k for c, k in points.items() if k is not None and c not in CANONICAL_FIELDS}
    n = len(frame)
    out = pd.DataFrame(index=pd.RangeIndex(n))
    frame = frame.reset_index(drop=True)
    keep = _keys(frame, out, aliases, tally)
    comp = _text(frame["component"]).str.lower().map(lambda t: _COMPONENT_WORDS.get(t, ""))
    bad_comp = (comp == "").to_numpy()
    for value in sorted(set(_text(frame["component"])[bad_comp])):
        tally.drop(f"unknown component {value!r} (expected base, bonus, equity or total)", int(((_text(frame["component"]) == value) & bad_comp).sum()))
    keep &= ~bad_comp
    out["component"] = comp.to_numpy()
    currency, ok = _currency_column(frame, source, options.default_currency, tally, n)
    out["currency"] = currency.to_numpy()
    keep &= ok
    known = np.zeros(n, dtype=int)
    matrix = []
    flags = [[] for _ in range(n)]
    for col, k in sorted(points.items(), key=lambda kv: kv[1]):
        markers = {"#": "top", "*": "na", "**": "na"}
        values, bad = to_number(frame[col], col, None, markers=markers)
        raw = _text(frame[col])
        if top_coded is not None:
            for i in np.flatnonzero((raw == "#").to_numpy()):
                flags[i].append(M.pcol(k))
        n_bad = int((bad & keep).sum())
        tally.drop(f"text in number column '{col}'", n_bad)
        keep &= ~bad
        out[M.pcol(k)] = values
        matrix.append(values)
        known += ~np.isnan(values)
    mat = np.column_stack(matrix)
    with np.errstate(invalid="ignore"):
        filled = pd.DataFrame(mat).ffill(axis=1).to_numpy()
        decreasing = (np.diff(filled, axis=1) < 0).any(axis=1)
    tally.drop("percentiles decrease (p-values must not go down as the percentile goes up)", int((keep & decreasing).sum()))
    keep &= ~decreasing
    tally.drop("no percentile values", int((keep & (known == 0)).sum()))
    keep &= known > 0
    out["top_coded"] = [",".join(f) for f in flags]
    out["top_coded_at"] = top_code_value if top_code_value is not None else np.nan
    out["occupation"] = _text(frame["occupation"]).to_numpy() if "occupation" in frame else ""
    out["source"] = _text(frame["source"]).to_numpy() if "source" in frame else ""
    out["as_of"] = _text(frame["as_of"]).to_numpy() if "as_of" in frame else ""
    if "sample_size" in frame:
        out["sample_size"], _ = to_number(frame["sample_size"], "sample_size", tally)
    else:
        out["sample_size"] = np.nan
    out["row"] = frame["_row"].to_numpy()
    key_cols = ["_role", "_level", "_location", "component", "currency", "occupation"]
    dup = out[key_cols].astype(str).duplicated().to_numpy()
    tally.drop("duplicate of an earlier row with the same role, level, location, component and currency", int((keep & dup).sum()))
    keep &= ~dup
    return out[keep].reset_index(drop=True)


def _import_bls(frame, source, options, tally, aliases, *, top_code_value=None):
    pct_cols = {"A_PCT10": 10, "A_PCT25": 25, "A_MEDIAN": 50, "A_PCT75": 75, "A_PCT90": 90}
    present = {c: _col(frame, c) for c in pct_cols}
    f = pd.DataFrame({
        "role": frame[_col(frame, "OCC_TITLE")],
        "occupation": frame[_col(frame, "OCC_CODE")] if _col(frame, "OCC_CODE") else "",
        "location": frame[_col(frame, "AREA_TITLE")] if _col(frame, "AREA_TITLE") else "",
        "level": "",
        "component": "base",
        "currency": "USD",
        "_row": frame["_row"],
    })
    for col, k in pct_cols.items():
        if present[col]:
            f[f"p{k}"] = frame[present[col]]
    # a broad occupation can be listed twice with the same code, and a broad group with a single
    # detailed occupation carries the same title: keep one row per title, the most detailed
    occ = _col(frame, "OCC_CODE")
    area = _col(frame, "AREA")
    subset = [c for c in (area, occ) if c]
    dup = frame.duplicated(subset=subset).to_numpy() if subset else np.zeros(len(frame), bool)
    tally.drop("occupation listed twice (same AREA and OCC_CODE)", int(dup.sum()))
    grp = _col(frame, "O_GROUP")
    rank = _text(frame[grp]).str.lower().map({"detailed": 0, "broad": 1, "minor": 2, "major": 3, "total": 4}).fillna(5) if grp else pd.Series(0, index=frame.index)
    title = _text(frame[_col(frame, "OCC_TITLE")]).str.casefold() + "|" + (_text(frame[area]) if area else "")
    order = np.lexsort((np.arange(len(frame)), rank.to_numpy()))
    same_title = np.zeros(len(frame), bool)
    same_title[order] = pd.Series(title.to_numpy()[order]).duplicated().to_numpy()
    same_title &= ~dup
    tally.drop("same title as a more detailed occupation (kept the detailed one)", int(same_title.sum()))
    dup = dup | same_title
    f = f[~dup]
    hourly = _col(frame, "HOURLY")
    if hourly:
        only_hourly = (_text(frame[hourly]).str.upper() == "TRUE").to_numpy()[~dup]
        tally.drop("hourly wages only (HOURLY=TRUE): no annual percentiles published", int(only_hourly.sum()))
        f = f[~only_hourly]
    before = Counter(tally.rows)
    out = _import_percentiles(f, source, options, tally, aliases, label="BLS OEWS", top_coded=True, top_code_value=top_code_value)
    if tally.rows.get("no percentile values", 0) > before.get("no percentile values", 0):
        n = tally.rows.pop("no percentile values") - before.get("no percentile values", 0)
        if before.get("no percentile values"):
            tally.rows["no percentile values"] = before["no percentile values"]
        tally.drop("no annual wage published ('*' in every annual percentile)", n)
    out["occupation"] = (out["occupation"].astype(str) + " " + out["role"].astype(str)).str.strip()
    n_top = int((out["top_coded"] != "").sum())
    if n_top:
        at = f" (at or above ${top_code_value:,.0f} a year)" if top_code_value else ""
        tally.notes.append(f"{n_top:,} rows have top-coded percentiles{at}, reported as null with top_coded set")
    return out


def _import_samples_canonical(frame, source, options, tally, aliases):
    return _finish_samples(frame, source, options, tally, aliases=aliases)


def _import_levels_fyi(frame, source, options, tally, aliases):
    f = pd.DataFrame({"_row": frame["_row"]})
    mapping = {
        "role": ("title", "role", "job_title"), "level": ("level",), "location": ("location",),
        "company": ("company",), "years_experience": ("yearsofexperience",), "base": ("basesalary",),
        "equity": ("stockgrantvalue",), "bonus": ("bonus",), "total": ("totalyearlycompensation",),
        "date": ("timestamp", "date"), "currency": ("currency",),
    }
    for canon, names in mapping.items():
        c = _col(frame, *names)
        if c is not None:
            f[canon] = frame[c]
    if "base" in f:
        values, _ = to_number(f["base"], "basesalary", None)
        zero = values == 0
        tally.ignore("zero base salary (means 'not reported'; treated as missing)", int(zero.sum()))
        f["base"] = np.where(zero, np.nan, values)
    return _finish_samples(f, source, options.model_copy(update={"default_currency": options.default_currency or "USD"}), tally, aliases=aliases)


def _import_ai_jobs(frame, source, options, tally, aliases):
    cols = [c for c in frame.columns if c != "_row"]
    dup = frame.duplicated(subset=cols).to_numpy()
    tally.drop("exact duplicate of an earlier survey row", int(dup.sum()))
    frame = frame[~dup]
    f = pd.DataFrame({"_row": frame["_row"]})
    f["role"] = frame[_col(frame, "job_title")]
    lvl = _col(frame, "experience_level")
    f["level"] = _text(frame[lvl]).map(lambda v: _AI_JOBS_LEVELS.get(v.upper(), v)) if lvl else ""
    loc = _col(frame, "company_location")
    f["location"] = frame[loc] if loc else ""
    usd = _col(frame, "salary_in_usd")
    if usd:
        f["base"] = frame[usd]
        f["currency"] = "USD"
    else:
        f["base"] = frame[_col(frame, "salary")]
        cur = _col(frame, "salary_currency")
        if cur:
            f["currency"] = frame[cur]
    year = _col(frame, "work_year")
    if year:
        f["date"] = _text(frame[year]).map(lambda y: f"{y}-01-01" if y else "")
    return _finish_samples(f, source, options, tally, aliases=aliases)


def _parse_unit(value: str) -> Period | None:
    key = value.strip().lower()
    if not key:
        return None
    if key in _UNIT_EXTRA:
        return _UNIT_EXTRA[key]
    try:
        return parse_period(key)
    except AmountError:
        return None


def _annualize(amounts: np.ndarray, units: pd.Series, tally: Tally, what: str) -> np.ndarray:
    text = _text(units)
    factors = {}
    for u in pd.unique(text):
        period = _parse_unit(u)
        factors[u] = np.nan if period is None else annual_factor(period)
        if period is None:
            tally.ignore(f"{'missing' if not u else 'unknown'} {what} unit{'' if not u else ' ' + repr(u)}", int((text == u).sum()))
    return amounts * text.map(factors).to_numpy(dtype="float64")


def _lca_level(values: pd.Series) -> np.ndarray:
    text = _text(values).str.lower().str.replace("level", "", regex=False).str.strip()
    return text.map(lambda t: _ROMAN.get(t, 0)).to_numpy()


def _import_lca(frame, source, options, tally, aliases):
    c = {k: _col(frame, *names) for k, names in _LCA_FIELDS.items()}
    if c["status"] and options.certified_only:
        status = _text(frame[c["status"]]).str.upper()
        for s, n in status[status != "CERTIFIED"].value_counts().items():
            tally.drop(f"case status {s or '(empty)'} (only CERTIFIED counts)", int(n))
        frame = frame[(status == "CERTIFIED").to_numpy()]
    wage_raw = _text(frame[c["wage_from"]]).str.split(r"\s+-\s+", n=1, regex=True).str[0]  # '60000 - 70000' → lower bound
    wage, _ = to_number(wage_raw, c["wage_from"], tally)
    wage[wage <= 0] = np.nan
    if c["wage_unit"]:
        wage = _annualize(wage, frame[c["wage_unit"]], tally, "wage")
    city = _text(frame[c["city"]]).str.title() if c["city"] else pd.Series("", index=frame.index)
    state = _text(frame[c["state"]]).str.upper() if c["state"] else pd.Series("", index=frame.index)
    location = (city + ", " + state).str.strip(", ")
    occupation = ((_text(frame[c["soc_code"]]) if c["soc_code"] else "") + " " + (_text(frame[c["soc_name"]]) if c["soc_name"] else "")).str.strip()
    f = pd.DataFrame({
        "_row": frame["_row"], "role": frame[c["job_title"]], "level": "", "location": location,
        "base": wage, "currency": "USD", "occupation": occupation,
    })
    if c["employer"]:
        f["company"] = frame[c["employer"]]
    if c["date"]:
        f["date"] = frame[c["date"]]
    samples = _finish_samples(f, source, options, tally, aliases=aliases)
    levels = None
    if c["pw"] and c["pw_level"]:
        pw, _ = to_number(frame[c["pw"]], c["pw"], tally)
        if c["pw_unit"]:
            pw = _annualize(pw, frame[c["pw_unit"]], tally, "prevailing-wage")
        lv = _lca_level(frame[c["pw_level"]])
        g = pd.DataFrame({"role": frame[c["job_title"]].to_numpy(), "occupation": occupation.to_numpy(), "location": location.to_numpy(),
                          "level": lv, "pw": pw, "_row": frame["_row"].to_numpy()})
        g = g[(g["level"] > 0) & g["pw"].notna()]
        if len(g):
            g["role"] = _text(g["role"])
            wide = g.pivot_table(index=["role", "occupation", "location"], columns="level", values="pw", aggfunc="median")
            rows = g.groupby(["role", "occupation", "location"])["_row"].min()
            wide = wide.reindex(columns=[1, 2, 3, 4])
            wide.columns = list(M.WAGE_LEVEL_COLS)
            wide = wide.join(rows).reset_index()
            levels = _finish_levels(wide, source, options, tally, aliases)
    return samples, levels


def _finish_levels(frame, source, options, tally, aliases):
    out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    frame = frame.reset_index(drop=True)
    keep = _keys(frame, out, aliases, Tally())
    out["occupation"] = _text(frame["occupation"]).to_numpy() if "occupation" in frame else ""
    out["currency"] = _text(frame["currency"]).str.upper().replace("", "USD").to_numpy() if "currency" in frame else "USD"
    for col in M.WAGE_LEVEL_COLS:
        out[col] = frame[col].to_numpy(dtype="float64") if col in frame else np.nan
    out["row"] = frame["_row"].to_numpy()
    return out[keep].reset_index(drop=True)


def _import_wage_levels(frame, source, options, tally, aliases):
    level_cols = {}
    for c in frame.columns:
        m = re.fullmatch(r"(?:level|lvl|lev)[\s_]*(1|2|3|4|i|ii|iii|iv)(?:_wage)?", c.strip().lower())
        if m:
            level_cols[_ROMAN[m.group(1)]] = c
    f = pd.DataFrame({"_row": frame["_row"]})
    occ_code = _col(frame, "occupation_code", "soc_code", "SocCode")
    occ_name = _col(frame, "occupation", "soc_title", "SocTitle", "soc_name")
    parts = [_text(frame[x]) for x in (occ_code, occ_name) if x]
    f["occupation"] = (parts[0] + " " + parts[1]).str.strip() if len(parts) == 2 else (parts[0] if parts else "")
    role = _col(frame, "role")
    f["role"] = frame[role] if role else (frame[occ_name] if occ_name else f["occupation"])
    loc = _col(frame, "location", "area_name", "AreaName", "area")
    f["location"] = frame[loc] if loc else ""
    cur = _col(frame, "currency")
    f["currency"] = frame[cur] if cur else (options.default_currency or "USD")
    unit = _col(frame, "unit", "wage_unit", "per")
    bad_any = np.zeros(len(f), dtype=bool)
    for k, col in sorted(level_cols.items()):
        values, bad = to_number(frame[col], col, None)
        tally.drop(f"text in number column '{col}'", int((bad & ~bad_any).sum()))
        bad_any |= bad
        if unit:
            values = _annualize(values, frame[unit], tally, "wage")
        f[f"level_{k}"] = values
    f = f[~bad_any]
    return _finish_levels(f, source, options, tally, aliases)


# ---------------------------------------------------------------- detection and entry points


def _detect(cols: set[str]) -> str | None:
    low = {c.lower() for c in cols}
    if "occ_title" in low and ({"a_median", "a_pct25", "a_pct75"} & low):
        return "bls_oews"
    if ({"job_title", "lca_case_job_title"} & low) and ({"wage_rate_of_pay_from", "wage_rate_of_pay", "lca_case_wage_rate_from"} & low):
        return "lca"
    if {"totalyearlycompensation", "basesalary", "stockgrantvalue"} & low and ({"title", "role"} & low):
        return "levels_fyi"
    if "job_title" in low and ({"salary_in_usd"} & low or {"salary", "experience_level"} <= low):
        return "ai_jobs"
    levels = [c for c in low if re.fullmatch(r"(?:level|lvl|lev)[\s_]*(1|2|3|4|i|ii|iii|iv)(?:_wage)?", c)]
    if len(levels) >= 2 and ({"occupation", "occupation_code", "soc_code", "soccode", "soc_title", "soctitle", "role"} & low):
        return "wage_levels"
    pcts = [c for c in cols if percentile_of_column(c) is not None and c.lower() not in CANONICAL_FIELDS]
    if "role" in low and "component" in low and len(pcts) >= 2:
        return "percentiles"
    if "role" in low and ({"base", "bonus", "equity", "total"} & low):
        return "samples"
    return None


_NEEDED = (
    "a percentile table needs role, component, currency and at least two percentile columns (p25, p50, ...); "
    "raw samples need role and at least one of base, bonus, equity, total; "
    "map other names with --map role=<column>,base=<column>"
)

_LABELS = {
    "percentiles": "percentile table", "samples": "raw samples", "bls_oews": "BLS OEWS", "lca": "H-1B LCA disclosure",
    "levels_fyi": "levels.fyi export", "ai_jobs": "salary survey (ai-jobs.net)", "wage_levels": "prevailing-wage levels",
}


def _drop_header_rows(frame: pd.DataFrame, tally: Tally) -> pd.DataFrame:
    cols = [c for c in frame.columns if c != "_row"]
    if not cols or frame.empty:
        return frame
    text_cols = [c for c in cols if not pd.api.types.is_numeric_dtype(frame[c].dtype)]
    need = max(2, (len(cols) + 1) // 2)
    if len(text_cols) < need:
        return frame  # a repeated header makes number columns text; none here

    def same(c: str, rows: pd.DataFrame) -> np.ndarray:
        name = c.lower()
        return _text(rows[c], lambda t: t.lower() == name).to_numpy(dtype=bool)

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
        InputError: the columns cannot be understood, the mapping names absent columns, the
            file has no data rows, or every row was dropped.
    """
    options = options or M.MarketOptions()
    tally = Tally()
    frame = frame.copy(deep=False)
    frame.columns = [str(c).strip() for c in frame.columns]
    index_cols = [c for c in frame.columns if c == "" or re.fullmatch(r"Unnamed: \d+", c)]
    if index_cols:
        frame = frame.drop(columns=index_cols)
        tally.notes.append("ignored an unnamed index column")
    rows_read = len(frame)
    if rows_read == 0:
        raise InputError([Issue(source=source, message="the file has a header row but no data rows", code="empty_file")])
    frame["_row"] = np.arange(rows_read) + 2
    if mapping:
        lower = {c.lower(): c for c in frame.columns}
        issues = []
        rename = {}
        for canon, col in mapping.items():
            if canon not in CANONICAL_FIELDS:
                issues.append(Issue(source=source, field=canon, code="bad_mapping",
                                    message=f"cannot map {canon!r}: it is not a market field; known fields: {', '.join(CANONICAL_FIELDS)}"))
            elif col.lower() not in lower:
                found = [c for c in frame.columns if c != "_row"]
                issues.append(Issue(source=source, field=canon, code="bad_mapping",
                                    message=f"column {col!r} (mapped to {canon!r}) not found; columns present: {found}"))
            else:
                rename[lower[col.lower()]] = canon
        if issues:
            raise InputError(issues)
        frame = frame.drop(columns=[c for c in frame.columns if c.lower() in set(mapping) and c not in rename]).rename(columns=rename)
    frame = _drop_header_rows(frame, tally)
    kind = _detect(set(frame.columns) - {"_row"})
    if kind is None:
        found = [c for c in frame.columns if c != "_row"]
        raise InputError([Issue(source=source, code="unknown_columns",
                                message=f"cannot tell what kind of market file this is; columns found: {found}; {_NEEDED}")])
    if kind in ("percentiles", "samples"):  # canonical names are case-insensitive
        frame = frame.rename(columns={c: c.lower() for c in frame.columns if c.lower() in CANONICAL_FIELDS})
    aliases = compile_aliases_with_display(options.alias_map)
    percentiles = samples = levels = None
    label = _LABELS[kind]
    if kind == "percentiles":
        percentiles = _import_percentiles(frame, source, options, tally, aliases)
    elif kind == "bls_oews":
        percentiles = _import_bls(frame, source, options, tally, aliases, top_code_value=top_code_value)
        if as_of:
            percentiles["as_of"] = as_of
        label = "BLS OEWS" + (f" {as_of}" if as_of else "")
        percentiles["source"] = label
    elif kind == "samples":
        samples = _import_samples_canonical(frame, source, options, tally, aliases)
    elif kind == "levels_fyi":
        samples = _import_levels_fyi(frame, source, options, tally, aliases)
    elif kind == "ai_jobs":
        samples = _import_ai_jobs(frame, source, options, tally, aliases)
    elif kind == "lca":
        samples, levels = _import_lca(frame, source, options, tally, aliases)
    elif kind == "wage_levels":
        levels = _import_wage_levels(frame, source, options, tally, aliases)
    kept = sum(len(x) for x in (percentiles, samples) if x is not None) if kind != "wage_levels" else len(levels)
    report = M.ImportReport(source=source, format=label, rows_read=rows_read, rows_kept=kept,
                            dropped=tuple(tally.rows.items()), values_dropped=tuple(tally.values.items()), notes=tuple(tally.notes))
    if kept == 0:
        raise InputError([Issue(source=source, code="no_rows", message=f"no usable rows: {report.render().split(': ', 1)[1]}")])
    found_as_of = as_of
    currencies: set[str] = set()
    if percentiles is not None:
        found_as_of = _as_of_text(percentiles["as_of"]) or found_as_of
        currencies |= set(percentiles["currency"].astype(str))
        if not (percentiles["source"] != "").any():
            percentiles["source"] = os.path.basename(source)
    if samples is not None:
        if samples["date"].notna().any() and found_as_of is None:
            found_as_of = samples["date"].max().date().isoformat()
        currencies |= {str(c) for c in samples["currency"].astype("category").cat.remove_unused_categories().cat.categories}
    if levels is not None:
        currencies |= set(levels["currency"].astype(str))
    return M.MarketData(source=source, label=label, format=kind, report=report, options=options, percentiles=percentiles,
                        samples=samples, wage_levels=levels, as_of=found_as_of, currencies=tuple(sorted(currencies)))


_BLS_TOP = re.compile(r"#\s*=.*?\$([\d,]+(?:\.\d+)?)\s*per year", re.I)


def load_market(path: str | os.PathLike, *, mapping: Mapping[str, str] | None = None,
                options: M.MarketOptions | None = None) -> M.MarketData:
    """Read one market file (CSV or XLSX) in any supported format into `MarketData`.

    Formats are recognised by their columns: canonical percentile table, canonical raw samples,
    BLS OEWS workbook, levels.fyi export, H-1B LCA disclosure (current and LCA_CASE_* names),
    ai-jobs.net salary survey, OFLC-style prevailing-wage level table.

    Raises:
        InputError: unreadable file (see toolkit.io.read_table), unknown columns, no usable rows.
    """
    from ..io import read_table

    frame = read_table(path, as_text=True)
    top = None
    as_of = None
    name = os.path.basename(str(path))
    if _detect(set(frame.columns)) == "bls_oews":
        m = re.search(r"M(20\d\d)", name)
        as_of = f"{m.group(1)}-05" if m else None  # OEWS reference month is May
        if str(path).lower().endswith((".xlsx", ".xlsm")):
            try:
                notes = read_table(path, sheet="Field Descriptions", as_text=True)
                text = " ".join(str(v) for v in notes.to_numpy().ravel().tolist() + list(notes.columns) if v is not None)
                hit = _BLS_TOP.search(text)
                top = float(hit.group(1).replace(",", "")) if hit else None
            except InputError:
                top = None
    return market_from_frame(frame, source=str(path), mapping=mapping, options=options, top_code_value=top, as_of=as_of)


def parse_map(text: str, *, source: str = "--map") -> dict[str, str]:
    """'role=job_title,base=basesalary' → {'role': 'job_title', 'base': 'basesalary'}.

    Examples:
        >>> parse_map("role=job_title, base=basesalary")
        {'role': 'job_title', 'base': 'basesalary'}
    """
    out: dict[str, str] = {}
    issues = []
    for part in [p.strip() for p in text.split(",") if p.strip()]:
        canon, sep, col = part.partition("=")
        if not sep or not canon.strip() or not col.strip():
            issues.append(Issue(source=source, code="bad_mapping", message=f"expected canonical=column pairs like role=job_title, got {part!r}"))
            continue
        out[canon.strip().lower()] = col.strip()
    if issues:
        raise InputError(issues)
    return out


def read_mapping(path: str | os.PathLike) -> dict[str, str]:
    """A mapping file: YAML/JSON {canonical: source_column} or a two-column CSV (canonical, column)."""
    from ..io import file_kind, read_document, read_table, check_input_path

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
