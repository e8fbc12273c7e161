"""India: income tax under the new regime (section 115BAC) and the employee's EPF contribution,
for one group of rows and one tax year (1 April to 31 March, named by the year it starts in).

Rules, in order: total income = salary (wages + bonus + vested equity) − the standard deduction
+ other income (taken as ordinary income, not special-rate capital gains); tax on the slabs;
the section 87A rebate for total income up to 12 lakh, and above it marginal relief (the tax
may not exceed the income above 12 lakh); surcharge by income band with marginal relief at each
band's start; the 4% Health and Education Cess on tax plus surcharge. The taxpayer is taken to
be a resident individual under 60. EPF: 12% of basic pay up to the statutory wage ceiling of
INR 15,000 a month; the toolkit has no basic-pay figure, so basic is taken as the regular wages
(not bonus or equity): any salary above INR 1,80,000 a year pays the ceiling amount, INR 21,600.
Figures are not rounded to the nearest ten rupees (sections 288A/288B).
"""

from __future__ import annotations

import numpy as np

from .base import TaxHouseholds
from .tables import Section, bracket_tax, section

NOT_MODELLED = (
    "IN: EPF on basic pay above the INR 15,000 a month ceiling (voluntary), the employer's NPS "
    "deduction, state professional tax, perquisite rules for ESOPs (vested equity is taxed as "
    "salary) and special-rate income are not modelled; the taxpayer is taken as a resident under 60",
)


def slab_tax(income: np.ndarray, it: Section) -> np.ndarray:
    return bracket_tax(income, np.asarray(it["thresholds"], dtype=float), np.asarray(it["rates"], dtype=float))


def after_rebate(income: np.ndarray, tax: np.ndarray, it: Section) -> np.ndarray:
    """Section 87A: up to the rebate in full at or below the income limit; above it, the tax
    is at most the income in excess of the limit (marginal relief)."""
    limit = it["rebate_income_limit"]
    return np.where(income <= limit, np.maximum(tax - it["rebate_max"], 0.0), np.minimum(tax, income - limit))


def surcharge(income: np.ndarray, tax: np.ndarray, it: Section) -> np.ndarray:
    """Surcharge at the band's rate, with marginal relief: tax + surcharge may exceed the tax +
    surcharge at the band's start by at most the income above it."""
    starts = np.asarray(it["surcharge_thresholds"], dtype=float)
    rates = np.asarray(it["surcharge_rates"], dtype=float)
    band = np.searchsorted(starts, income, side="left") - 1  # income above starts[band]
    on = band >= 0
    idx = np.clip(band, 0, len(starts) - 1)
    rate = np.where(on, rates[idx], 0.0)
    start = starts[idx]
    previous = np.where(idx > 0, rates[np.maximum(idx - 1, 0)], 0.0)
    at_start = after_rebate(start, slab_tax(start, it), it) * (1.0 + previous)
    relief_cap = at_start + (income - start) - tax
    return np.where(on, np.clip(np.minimum(rate * tax, relief_cap), 0.0, None), 0.0)


def compute(h: TaxHouseholds, year: int, status: str, region: str) -> tuple[dict[str, np.ndarray], list[str], list[int]]:
    it = section("in", "national", "income_tax", year)
    epf = section("in", "national", "epf", year)
    notes = [n for s, label in ((it, "India income tax"), (epf, "India EPF")) if (n := s.note(label))]
    pay = h.gross_pay
    income = np.maximum(pay - np.minimum(it["standard_deduction"], pay), 0.0) + h.other_income
    tax = after_rebate(income, slab_tax(income, it), it)
    extra = surcharge(income, tax, it)
    out = {
        "in_income_tax": tax,
        "in_surcharge": extra,
        "in_cess": it["cess_rate"] * (tax + extra),
        "in_epf": epf["rate"] * np.minimum(np.maximum(h.wages, 0.0), epf["wage_ceiling"]),
    }
    if np.any(h.pretax_deductions > 0):
        notes.append("IN: the new regime allows no deduction for the employee's own retirement contributions; "
                     "the pre-tax deferral does not lower this tax")
    if np.any(h.spouse_income > 0):
        notes.append("IN: spouses are taxed separately; the spouse's income does not change this tax")
    return out, notes + list(NOT_MODELLED), [it.year, epf.year]
