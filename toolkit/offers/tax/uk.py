"""United Kingdom: income tax (rest-of-UK or Scottish rates) and employee Class 1 National
Insurance, for one group of rows and one tax year (6 April to 5 April, named by its first year).

Rules: the Personal Allowance falls by 1 for every 2 of adjusted net income above GBP 100,000;
bands apply to taxable income (after the allowance); region `SCT` uses the Scottish bands on
earnings. A pension deferral is treated as a net-pay arrangement: out of income tax, not out
of NI. NI is worked out on the year's earnings as if paid evenly (per-period NI can differ
when a bonus lands in one month). Married couples are taxed separately (the marriage
allowance is not modelled), so a spouse's income does not change this person's tax.
"""

from __future__ import annotations

import numpy as np

from .base import TaxHouseholds
from .tables import bracket_tax, section

NOT_MODELLED = (
    "GB: student loan repayments, the marriage allowance, salary sacrifice and NI on uneven pay periods are not modelled",
)


def compute(h: TaxHouseholds, year: int, status: str, region: str) -> tuple[dict[str, np.ndarray], list[str], list[int]]:
    it = section("gb", "national", "income_tax", year)
    ni = section("gb", "national", "national_insurance", year)
    sct = section("gb", "national", "scotland", year) if region == "SCT" else None
    secs = [s for s in (it, ni, sct) if s is not None]
    notes = [n for n in (s.note(f"UK {s.name.replace('_', ' ')}") for s in secs) if n]
    pay = h.gross_pay
    income = np.maximum(pay - h.pretax_deductions, 0.0) + h.other_income
    allowance = np.maximum(it["personal_allowance"] - it["taper_rate"] * np.maximum(income - it["taper_threshold"], 0.0), 0.0)
    taxable = np.maximum(income - allowance, 0.0)
    thresholds, rates = (sct or it).brackets("brackets")
    tax = bracket_tax(taxable, thresholds, rates)
    ni_tax = (ni["main_rate"] * np.clip(pay - ni["primary_threshold"], 0.0, ni["upper_earnings_limit"] - ni["primary_threshold"])
              + ni["upper_rate"] * np.maximum(pay - ni["upper_earnings_limit"], 0.0))
    if status != "single" and np.any(h.spouse_income > 0):
        notes.append("UK: married couples are taxed separately; the spouse's income does not change this tax")
    return {"gb_income_tax": tax, "gb_national_insurance": ni_tax}, notes + list(NOT_MODELLED), [s.year for s in secs]
