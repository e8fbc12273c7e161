"""US federal income tax, FICA and the supplemental-withholding gap for one group of rows.

A group shares tax year, filing status, state and locality, so every table figure is a scalar
and the maths is plain numpy over the group's rows. The state part comes from `us_states.py`
first, because the federal itemized deduction for state and local income taxes (SALT) needs
it. What is modelled: wages + bonus + vested equity as wages; the pre-tax retirement deferral
out of income tax but not FICA; the standard deduction, or itemizing when state and local
income taxes (the only itemized deduction the toolkit knows) exceed it, within the SALT cap;
the child tax credit (nonrefundable part); Social Security with its wage base; Medicare and
Additional Medicare. Not modelled, said in the notes: other credits and itemized deductions,
AMT, ISOs, the OBBBA deductions for tips, overtime and seniors.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .tables import Section, bracket_tax, section

# The nonrefundable child tax credit per qualifying child and its phase-out ($50 per $1,000
# of modified AGI over the threshold). Statute, not indexed in 2025-2026 apart from the amount.
CTC = {
    2025: (2200.0, "Public Law 119-21 section 70104 (IRC section 24(h)(2))"),
    2026: (2200.0, "IRS Rev. Proc. 2025-32 section 4.05 (IRC section 24(h)(2))"),
}
CTC_PHASE_OUT = {"married_joint": 400000.0}
CTC_PHASE_OUT_DEFAULT = 200000.0


@dataclass(frozen=True)
class UsGroup:
    """The rows of one group: this person's pay and the household around it."""

    year: int
    status: str
    state: str
    locality: str
    wages: np.ndarray  # wages + bonus + vested equity of this person (FICA wages)
    pretax: np.ndarray  # the pre-tax retirement deferral
    other: np.ndarray  # other taxable income of the household
    spouse: np.ndarray  # the spouse's wages (0 unless filing jointly)
    dependents: np.ndarray

    @cached_property
    def agi(self) -> np.ndarray:
        """Federal adjusted gross income: wages less the deferral, plus other income (computed
        once per group: the federal and state rules read it a dozen times)."""
        return np.maximum(self.wages - self.pretax, 0.0) + self.other + self.spouse


def federal_sections(year: int) -> tuple[Section, Section, Section, Section]:
    return tuple(section("us", "federal", name, year) for name in ("income_tax", "salt", "payroll", "withholding"))  # type: ignore[return-value]


def fica(g: UsGroup, payroll: Section) -> dict[str, np.ndarray]:
    """Employee Social Security, Medicare and Additional Medicare Tax.

    Additional Medicare is 0.9% of the couple's wages above the threshold for joint filers
    (IRC 3101(b)(2)); the caller attributes it to this person as the household's tax minus the
    tax without this pay.
    """
    ss = payroll["social_security_rate"] * np.minimum(g.wages, payroll["social_security_wage_base"])
    medicare = payroll["medicare_rate"] * g.wages
    threshold = payroll.by_status("additional_medicare_threshold", g.status)
    additional = payroll["additional_medicare_rate"] * np.maximum(g.wages + g.spouse - threshold, 0.0)
    return {"us_social_security": ss, "us_medicare": medicare, "us_additional_medicare": additional}


def salt_cap(g: UsGroup, salt: Section) -> np.ndarray:
    """The SALT cap after its phase-down: cap − 30% of MAGI over the threshold, not below the floor."""
    cap = salt.by_status("cap", g.status)
    floor = salt.by_status("floor", g.status)
    over = np.maximum(g.agi - salt.by_status("phase_out_threshold", g.status), 0.0)
    return np.maximum(cap - salt["phase_out_rate"] * over, floor)


def federal_income_tax(g: UsGroup, income_tax: Section, deduction: np.ndarray) -> np.ndarray:
    """Federal income tax after the nonrefundable child tax credit, for a given deduction."""
    thresholds, rates = income_tax.brackets("brackets", g.status)
    taxable = np.maximum(g.agi - deduction, 0.0)
    tax = bracket_tax(taxable, thresholds, rates)
    amount = CTC.get(g.year, CTC[max(CTC)])[0]
    if np.any(g.dependents > 0):
        start = CTC_PHASE_OUT.get(g.status, CTC_PHASE_OUT_DEFAULT)
        # "$50 for each $1,000 (or fraction thereof)" of modified AGI above the threshold.
        reduction = 50.0 * np.ceil(np.maximum(g.agi - start, 0.0) / 1000.0)
        credit = np.maximum(amount * g.dependents - reduction, 0.0)
        tax = np.maximum(tax - credit, 0.0)
    return tax


def standard_deduction(g: UsGroup, income_tax: Section) -> float:
    return float(income_tax.by_status("standard_deduction", g.status))


def supplemental_withholding(supplemental: np.ndarray, withholding: Section) -> np.ndarray:
    """Federal income tax withheld on bonus and vested equity at the flat supplemental rates."""
    cut = withholding["mandatory_threshold"]
    return (withholding["supplemental_rate"] * np.minimum(supplemental, cut)
            + withholding["mandatory_rate"] * np.maximum(supplemental - cut, 0.0))


NOT_MODELLED = (
    "US: itemized deductions other than state and local income taxes, credits other than the "
    "child tax credit (children assumed under 17), AMT and ISOs are not modelled",
)
