"""The built-in engine: groups rows by jurisdiction and year, runs one function per jurisdiction.

Rows that share country, region, locality, tax year and filing status form a group, so each
jurisdiction function sees scalar tables and arrays of pay. Per group the engine runs the
function on the rows as given; again with this person's pay removed when the household has
other income or a spouse's wages (the tax on the offer is the difference); again with 100 more
of wages (the marginal rate); and, for US rows, again without bonus and vested equity (the
withholding gap). Countries without tables get zero tax and a note that says so.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import resources
from typing import Callable

import numpy as np
import pandas as pd

from . import ca, de, fr, uk, us
from .base import COMPONENT_LEVEL, CURRENCY, FILING_STATUSES, LEVELS, TaxHouseholds, TaxResult, combine_notes
from .tables import section
from .us_states import US_STATES, state_tax

MARGINAL_STEP = 100.0

GroupFn = Callable[[TaxHouseholds, int, str, str, str], tuple[dict[str, np.ndarray], list[str], list[int]]]


def compute_us(h: TaxHouseholds, year: int, status: str, region: str, locality: str):
    """Federal income tax, FICA, and the state and local part for one group of US rows."""
    inc, salt, payroll, _ = us.federal_sections(year)
    notes = [n for n in (inc.note("US federal income tax"), payroll.note("US Social Security and Medicare")) if n]
    joint = status == "married_joint"
    if not joint and np.any(h.spouse_income > 0):
        notes.append("a spouse's income counts only for joint filers (filing_status married_joint)")
    g = us.UsGroup(
        year=year, status=status, state=region, locality=locality, wages=h.gross_pay, pretax=h.pretax_deductions,
        other=h.other_income, spouse=h.spouse_income if joint else np.zeros(len(h)), dependents=h.dependents,
    )
    fica = us.fica(g, payroll)
    std = us.standard_deduction(g, inc)
    fed_std = us.federal_income_tax(g, inc, np.full(len(h), std))
    cap = us.salt_cap(g, salt)
    st = state_tax(g, {**fica, "standard_deduction": std, "federal_tax_standard": fed_std, "salt_cap": cap})
    deduction = np.maximum(std, np.minimum(st.salt, cap))
    fed_tax = us.federal_income_tax(g, inc, deduction)
    components = {
        "us_federal_income_tax": fed_tax,
        **fica,
        "state_income_tax": st.income,
        "local_income_tax": st.local,
        "state_payroll": st.payroll,
    }
    if np.any(g.dependents > 0):
        notes.append("US: dependents are taken as children under 17 for the child tax credit")
    return components, notes + st.notes + list(us.NOT_MODELLED), [inc.year, payroll.year, *st.table_years]


def compute_de(h: TaxHouseholds, year: int, status: str, region: str, locality: str):
    return de.compute(h, year, status, region)


def compute_gb(h: TaxHouseholds, year: int, status: str, region: str, locality: str):
    return uk.compute(h, year, status, region)


def compute_fr(h: TaxHouseholds, year: int, status: str, region: str, locality: str):
    return fr.compute(h, year, status, region)


def compute_ca(h: TaxHouseholds, year: int, status: str, region: str, locality: str):
    return ca.compute(h, year, status, region)


COUNTRIES: dict[str, GroupFn] = {"US": compute_us, "DE": compute_de, "GB": compute_gb, "FR": compute_fr, "CA": compute_ca}


def _total(components: dict[str, np.ndarray], n: int) -> np.ndarray:
    total = np.zeros(n)
    for v in components.values():
        total = total + v
    return total


@lru_cache(maxsize=1)
def tables_digest() -> str:
    """A short hash of every table file: the built-in engine's version changes with its data."""
    digest = hashlib.sha256()
    root = resources.files("toolkit.offers.tax").joinpath("data")
    stack = [root]
    files = []
    while stack:
        node = stack.pop()
        for entry in node.iterdir():
            if entry.is_dir():
                stack.append(entry)
            elif entry.name.endswith(".toml"):
                files.append(entry)
    for entry in sorted(files, key=lambda e: str(e)):
        digest.update(entry.name.encode())
        digest.update(entry.read_bytes())
    return digest.hexdigest()[:12]


def check_households(h: TaxHouseholds) -> None:
    bad = sorted({str(s) for s in pd.unique(h.filing_status) if s not in FILING_STATUSES})
    if bad:
        raise ValueError(f"filing_status must be one of {', '.join(FILING_STATUSES)}, got {', '.join(map(repr, bad))}")


NUMERIC = ("year", "dependents", "wages", "bonus", "equity", "pretax_deductions", "other_income", "spouse_income", "church_tax")


def groups(h: TaxHouseholds) -> tuple[np.ndarray, list[tuple[tuple, int, int]]]:
    """(order, [((country, region, locality, year, status), start, stop)]): sorting the rows by
    `order` makes each group a contiguous slice [start, stop).

    Each column is factorized once (hash-based) and the codes combined into one integer key:
    far cheaper than grouping five object columns for 400,000 rows, and slices of sorted
    columns cost nothing where fancy indexing per group would copy.
    """
    n = len(h)
    if n == 0:
        return np.zeros(0, dtype=np.intp), []
    key = np.zeros(n, dtype=np.int64)
    for col in (h.country, h.region, h.locality, h.year, h.filing_status):
        codes, values = pd.factorize(col, sort=False)
        key = key * (len(values) + 1) + codes
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    out = []
    for start, stop in zip(starts.tolist(), np.r_[starts[1:], n].tolist()):
        first = order[start]
        out.append(((h.country[first], h.region[first], h.locality[first], int(h.year[first]), h.filing_status[first]), start, stop))
    return order, out


def _stack(cols: dict[str, np.ndarray], start: int, stop: int, with_base: bool) -> TaxHouseholds:
    """The group's rows several times over: as given, with 100 more wages, without bonus and
    equity, and (when some row has other household income) without this pay. One call of the
    jurisdiction function then answers all of them."""
    rows = {k: v[start:stop] for k, v in cols.items()}
    zero = np.zeros(stop - start)
    variants = [
        rows,
        {**rows, "wages": rows["wages"] + MARGINAL_STEP},
        {**rows, "bonus": zero, "equity": zero},
    ]
    if with_base:
        variants.append({**rows, "wages": zero, "bonus": zero, "equity": zero, "pretax_deductions": zero})
    stacked = {k: np.concatenate([v[k] for v in variants]) for k in NUMERIC}
    empty = np.empty(0, dtype=object)  # the group's shared strings travel as arguments
    return TaxHouseholds(country=empty, region=empty, locality=empty, filing_status=empty, **stacked)


class BuiltinEngine:
    """Tables shipped with the toolkit: US federal + 13 states + NYC, DE, GB, FR, CA with Ontario (see docs/tax.md)."""

    name = "builtin"

    def version(self) -> str:
        return f"builtin tables {tables_digest()}"

    def compute(self, households: TaxHouseholds) -> TaxResult:
        h = households
        check_households(h)
        n = len(h)
        order, group_list = groups(h)
        cols = {k: getattr(h, k)[order] for k in NUMERIC}  # every column in group order, once
        # Outputs are filled in group order (slices), then put back in the caller's order once.
        comps: dict[str, np.ndarray] = {}
        levels = {level: np.zeros(n) for level in LEVELS}
        total = np.zeros(n)
        marginal = np.zeros(n)
        gap = np.zeros(n)
        table_year = cols["year"].copy()
        group_of = np.zeros(n, dtype=np.intp)  # each row's group number, in group order
        group_notes_list: list[tuple[str, ...]] = []
        group_currency: list[str] = []
        for number, ((country, region, locality, year, status), a, b) in enumerate(group_list):
            group_of[a:b] = number
            group_currency.append(CURRENCY.get(country, ""))
            fn = COUNTRIES.get(country)
            if fn is None:
                group_notes_list.append((f"no tax tables for {country}: use --tax-rate",))
                continue
            if country == "US" and region and region not in US_STATES:
                raise ValueError(f"unknown US state code {region!r}")
            m = b - a
            # The tax on this pay: the household's tax minus its tax without this pay (the
            # household without it owes nothing unless it has other income or a spouse's wages).
            has_more = (cols["other_income"][a:b] != 0) | (cols["spouse_income"][a:b] != 0)
            with_base = bool(has_more.any())
            g = _stack(cols, a, b, with_base)
            out, group_notes, years = fn(g, int(year), str(status), str(region), str(locality))
            raw_total = np.zeros(m)
            up_total = np.zeros(m)
            group_total = np.zeros(m)
            for name, v in out.items():
                own = np.where(has_more, v[:m] - v[3 * m:4 * m], v[:m]) if with_base else v[:m]
                raw_total += v[:m]
                up_total += v[m:2 * m]
                group_total += own
                if name not in comps:
                    comps[name] = np.zeros(n)
                comps[name][a:b] = own
                levels[COMPONENT_LEVEL[name]][a:b] += own
            marginal[a:b] = (up_total - raw_total) / MARGINAL_STEP
            if country == "US":
                supplemental = cols["bonus"][a:b] + cols["equity"][a:b]
                wh = section("us", "federal", "withholding", int(year))
                fed = out["us_federal_income_tax"]
                owed = fed[:m] - fed[2 * m:3 * m]
                gap[a:b] = np.where(supplemental > 0, owed - us.supplemental_withholding(supplemental, wh), 0.0)
            total[a:b] = group_total
            table_year[a:b] = min(years)
            group_notes_list.append(combine_notes(group_notes))
        back = np.empty(n, dtype=np.intp)
        back[order] = np.arange(n)

        def unsort(values: np.ndarray) -> np.ndarray:
            return values[back]

        comps = {k: unsort(v) for k, v in comps.items()}
        levels = {k: unsort(v) for k, v in levels.items()}
        total, marginal, gap, table_year, group_of = map(unsort, (total, marginal, gap, table_year, group_of))
        boxed = np.empty(len(group_notes_list), dtype=object)
        boxed[:] = group_notes_list
        notes = boxed[group_of] if n else np.empty(0, dtype=object)
        currency = np.array(group_currency, dtype=object)[group_of] if n else np.empty(0, dtype=object)
        gross = h.gross_pay
        with np.errstate(divide="ignore", invalid="ignore"):
            effective = np.where(gross > 0, total / np.where(gross > 0, gross, 1.0), 0.0)
        return TaxResult(
            engine=self.name,
            engine_version=self.version(),
            taxable_wages=gross,
            income_tax_national=levels["national"],
            income_tax_state=levels["state"],
            income_tax_local=levels["local"],
            payroll_tax=levels["payroll"],
            total_tax=total,
            effective_rate=effective,
            marginal_rate=marginal,
            withholding_gap=gap,
            currency=currency,
            table_year=table_year,
            components=comps,
            notes=notes,
        )

