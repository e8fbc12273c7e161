"""State and local income taxes and state payroll contributions: one small function per state.

Each function takes a `us.UsGroup` (one tax year, filing status, state, locality) and returns
a `StateTax`: income tax, local income tax, the employee's state payroll contributions, the
part that is deductible as state and local income tax on the federal return, and notes. The
figures come from `data/us/<state>/<year>.toml`; the rules each function applies are listed
in docs/tax.md. States without a wage income tax are in `NO_WAGE_TAX`; a state in neither
gets no state figures and a note that says so (never a silent zero).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .tables import Section, bracket_tax, section
from .us import UsGroup


@dataclass
class StateTax:
    income: np.ndarray
    local: np.ndarray
    payroll: np.ndarray
    salt: np.ndarray  # deductible on Schedule A as state and local income taxes
    notes: list[str] = field(default_factory=list)
    table_years: list[int] = field(default_factory=list)


# Alaska, Florida, Nevada, New Hampshire (no tax on wages; its interest and dividends tax ended
# with 2024), South Dakota, Tennessee, Texas, Washington (capital gains only) and Wyoming.
NO_WAGE_TAX = frozenset({"AK", "FL", "NV", "NH", "SD", "TN", "TX", "WA", "WY"})
NO_WAGE_TAX_SOURCE = "Tax Foundation, State Individual Income Tax Rates and Brackets, 2025, https://taxfoundation.org/data/all/state/state-income-tax-rates-2025/; NH RSA 77:1-a (interest and dividends tax repealed from 2025)"

US_STATES = frozenset({
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA",
    "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR",
    "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
})


class _Tables:
    """Section look-ups for one state and year that record the later-year notes as they go."""

    def __init__(self, state: str, year: int, out: StateTax):
        self.state, self.year, self.out = state, year, out

    def __call__(self, name: str, label: str) -> Section:
        sec = section("us", self.state.lower(), name, self.year)
        if sec is None:
            raise LookupError(f"no '{name}' table for {self.state}")
        note = sec.note(f"{self.state} {label}")
        if note and note not in self.out.notes:
            self.out.notes.append(note)
        self.out.table_years.append(sec.year)
        return sec


def _zero(g: UsGroup) -> np.ndarray:
    return np.zeros_like(g.wages)


def _start(g: UsGroup) -> StateTax:
    return StateTax(_zero(g), _zero(g), _zero(g), _zero(g))


def _ss_base(g: UsGroup) -> float:
    return float(section("us", "federal", "payroll", g.year)["social_security_wage_base"])


def _capped_rate(g: UsGroup, rate: float, base: float | str | None) -> np.ndarray:
    """rate × wages up to a wage base; base 'social_security' means that year's SS wage base."""
    if base == "social_security":
        base = _ss_base(g)
    wages = g.wages if base is None else np.minimum(g.wages, float(base))
    return rate * wages


def _brackets_after_deduction(g: UsGroup, it: Section, income: np.ndarray, deduction) -> np.ndarray:
    thresholds, rates = it.brackets("brackets", g.status)
    return bracket_tax(np.maximum(income - deduction, 0.0), thresholds, rates)


# ------------------------------------------------------------------------------- the states

def california(g: UsGroup, fed: dict) -> StateTax:
    out = _start(g)
    t = _Tables("CA", g.year, out)
    it = t("income_tax", "income tax")
    taxable = np.maximum(g.agi - it.by_status("standard_deduction", g.status), 0.0)
    thresholds, rates = it.brackets("brackets", g.status)
    tax = bracket_tax(taxable, thresholds, rates)
    # Exemption credits, each reduced by $6 per $2,500 (or fraction; $1,250 separate) of AGI
    # over the threshold (R&TC 17054.1).
    ex = it["exemption_credit"]
    steps = np.ceil(np.maximum(g.agi - ex["phase_out_start"][g.status], 0.0) / ex["phase_out_step"][g.status])
    personal = np.maximum(ex["personal"] - ex["reduction_per_step"] * steps, 0.0) * ex["personal_count"][g.status]
    dependent = np.maximum(ex["dependent"] - ex["reduction_per_step"] * steps, 0.0) * g.dependents
    tax = np.maximum(tax - personal - dependent, 0.0)
    tax += it["mental_health_rate"] * np.maximum(taxable - it["mental_health_threshold"], 0.0)
    out.income = tax
    sdi = t("sdi", "SDI")
    out.payroll = _capped_rate(g, sdi["rate"], sdi.get("wage_base"))
    out.salt = out.income + out.payroll  # CA SDI is deductible as a state income tax (Schedule A)
    return out


def new_york(g: UsGroup, fed: dict) -> StateTax:
    out = _start(g)
    t = _Tables("NY", g.year, out)
    it = t("income_tax", "income tax")
    agi = g.agi
    taxable = np.maximum(agi - it.by_status("standard_deduction", g.status) - it["dependent_exemption"] * g.dependents, 0.0)
    thresholds, rates = it.brackets("brackets", g.status)
    table_tax = bracket_tax(taxable, thresholds, rates)
    # Tax benefit recapture (Tax Law 601(d-1), IT-201 tax computation worksheets): above the
    # AGI floor the benefit of the lower rates is taken back, phased in over $50,000 of AGI.
    rc = it["recapture"][g.status]
    phase = float(it["recapture_phase_in"])
    tiers = rc["tiers"]  # [[taxable income from, recapture base, incremental benefit], ...]
    tax = table_tax.copy()
    above_floor = agi > it["recapture_agi_floor"]
    first = tiers[0][0]
    in_first = above_floor & (taxable <= first)
    frac0 = np.clip((agi - it["recapture_agi_floor"]) / phase, 0.0, 1.0)
    tax = np.where(in_first, table_tax + np.maximum(rc["first_rate"] * taxable - table_tax, 0.0) * frac0, tax)
    for k, (start, base, incr) in enumerate(tiers):
        end = tiers[k + 1][0] if k + 1 < len(tiers) else np.inf
        in_tier = above_floor & (taxable > start) & (taxable <= end)
        frac = np.clip((agi - start) / phase, 0.0, 1.0)
        tax = np.where(in_tier, table_tax + base + incr * frac, tax)
    top = agi > it["flat_rate_agi"]
    tax = np.where(top, rates[-1] * taxable, tax)
    out.income = tax
    if g.locality == "NYC":
        nyc = t("nyc", "New York City income tax")
        nthr, nrates = nyc.brackets("brackets", g.status)
        local = bracket_tax(taxable, nthr, nrates)
        # School tax credit: the fixed amount (income up to $250,000) and the rate reduction
        # amount (taxable income up to $500,000), Tax Law 606(e-1), IT-201 instructions.
        fixed = np.where(agi <= nyc["school_fixed_income_limit"], nyc.by_status("school_fixed", g.status), 0.0)
        rthr, rrates = nyc.brackets("school_rate_reduction", g.status)
        reduction = np.where(taxable <= nyc["school_rate_reduction_limit"], bracket_tax(taxable, rthr, rrates), 0.0)
        out.local = np.maximum(local - fixed - reduction, 0.0)
    pay = t("payroll", "PFL and DBL")
    pfl = np.minimum(pay["pfl_rate"] * g.wages, pay["pfl_max"])
    dbl = np.minimum(pay["dbl_rate"] * g.wages, pay["dbl_max"])
    out.payroll = pfl + dbl
    out.salt = out.income + out.local + out.payroll  # NY DBL and PFL are deductible (Schedule A)
    return out


def washington(g: UsGroup, fed: dict) -> StateTax:
    out = _start(g)
    t = _Tables("WA", g.year, out)
    pay = t("payroll", "PFML and WA Cares")
    pfml = _capped_rate(g, pay["pfml_total_rate"] * pay["pfml_employee_share"], pay["pfml_wage_base"])
    cares = pay["cares_rate"] * g.wages
    out.payroll = pfml + cares
    out.notes.append("WA Cares premium included (0.58% of wages); people with an approved exemption do not pay it")
    return out


def massachusetts(g: UsGroup, fed: dict) -> StateTax:
    out = _start(g)
    t = _Tables("MA", g.year, out)
    it = t("income_tax", "income tax")
    # Massachusetts taxes 401(k) deferrals: its wages are before the deferral (830 CMR 62.2.1).
    income = g.wages + g.other + g.spouse
    fica = fed["us_social_security"] + fed["us_medicare"]
    deductions = (it.by_status("personal_exemption", g.status) + it["dependent_exemption"] * g.dependents
                  + np.minimum(fica, it["fica_deduction_cap"]))
    taxable = np.maximum(income - deductions, 0.0)
    out.income = it["rate"] * taxable + it["surtax_rate"] * np.maximum(taxable - it["surtax_threshold"], 0.0)
    pay = t("payroll", "PFML")
    out.payroll = _capped_rate(g, pay["family_rate"] + pay["medical_rate"] * pay["medical_employee_share"], pay["wage_base"])
    out.salt = out.income
    return out


def illinois(g: UsGroup, fed: dict) -> StateTax:
    out = _start(g)
    t = _Tables("IL", g.year, out)
    it = t("income_tax", "income tax")
    people = 2 if g.status == "married_joint" else 1
    allowed = g.agi <= it.by_status("exemption_income_limit", g.status)
    exemption = np.where(allowed, it["exemption"] * (people + g.dependents), 0.0)
    out.income = it["rate"] * np.maximum(g.agi - exemption, 0.0)
    out.salt = out.income
    return out


def colorado(g: UsGroup, fed: dict) -> StateTax:
    out = _start(g)
    t = _Tables("CO", g.year, out)
    it = t("income_tax", "income tax")
    # Colorado starts from federal taxable income and adds back the state income tax deducted,
    # so with state income tax as the only itemized deduction the base is AGI − the federal
    # standard deduction; above $300,000 of AGI deductions over $12,000 ($16,000 joint) are
    # added back (C.R.S. 39-22-104(3)(p)).
    std = fed["standard_deduction"]
    allowed = np.where(g.agi >= it["addback_agi"], np.minimum(std, it.by_status("addback_exemption", g.status)), std)
    out.income = it["rate"] * np.maximum(g.agi - allowed, 0.0)
    pay = t("payroll", "FAMLI")
    out.payroll = _capped_rate(g, pay["famli_employee_rate"], pay["wage_base"])
    out.salt = out.income
    return out


def georgia(g: UsGroup, fed: dict) -> StateTax:
    out = _start(g)
    t = _Tables("GA", g.year, out)
    it = t("income_tax", "income tax")
    deduction = it.by_status("standard_deduction", g.status) + it["dependent_exemption"] * g.dependents
    out.income = it["rate"] * np.maximum(g.agi - deduction, 0.0)
    out.salt = out.income
    return out


def new_jersey(g: UsGroup, fed: dict) -> StateTax:
    out = _start(g)
    t = _Tables("NJ", g.year, out)
    it = t("income_tax", "income tax")
    deduction = it.by_status("exemption", g.status) + it["dependent_exemption"] * g.dependents
    out.income = _brackets_after_deduction(g, it, g.agi, deduction)
    pay = t("payroll", "TDI, FLI and UI")
    out.payroll = (_capped_rate(g, pay["tdi_rate"] + pay["fli_rate"], pay["tdi_wage_base"])
                   + _capped_rate(g, pay["ui_rate"] + pay["wf_rate"], pay["ui_wage_base"]))
    out.salt = out.income + out.payroll  # NJ disability, family leave and UI contributions are deductible
    return out


def north_carolina(g: UsGroup, fed: dict) -> StateTax:
    out = _start(g)
    t = _Tables("NC", g.year, out)
    it = t("income_tax", "income tax")
    out.income = it["rate"] * np.maximum(g.agi - it.by_status("standard_deduction", g.status), 0.0)
    out.salt = out.income
    return out


def virginia(g: UsGroup, fed: dict) -> StateTax:
    out = _start(g)
    t = _Tables("VA", g.year, out)
    it = t("income_tax", "income tax")
    people = 2 if g.status == "married_joint" else 1
    exemptions = it["personal_exemption"] * (people + g.dependents)
    with_standard = _brackets_after_deduction(g, it, g.agi, it.by_status("standard_deduction", g.status) + exemptions)
    # Whoever itemizes on the federal return must itemize on Virginia's (Va. Code 58.1-322.03),
    # and Virginia's itemized deductions leave out state income taxes: with state income tax as
    # the only itemized deduction the toolkit knows, that leaves no deduction at all.
    itemizes = np.minimum(with_standard, fed["salt_cap"]) > fed["standard_deduction"]
    out.income = np.where(itemizes, _brackets_after_deduction(g, it, g.agi, exemptions), with_standard)
    out.salt = out.income
    return out


def oregon(g: UsGroup, fed: dict) -> StateTax:
    out = _start(g)
    t = _Tables("OR", g.year, out)
    it = t("income_tax", "income tax")
    # Subtraction for federal income tax, capped by a schedule that falls with AGI (ORS 316.680).
    cap_thr, cap_amt = it.brackets("federal_tax_subtraction_cap", g.status)
    idx = np.searchsorted(cap_thr, g.agi, side="right") - 1
    subtraction = np.minimum(fed["federal_tax_standard"], cap_amt[np.clip(idx, 0, len(cap_amt) - 1)])
    income = np.maximum(g.agi - subtraction, 0.0)
    tax = _brackets_after_deduction(g, it, income, it.by_status("standard_deduction", g.status))
    people = 2 if g.status == "married_joint" else 1
    credit = np.where(g.agi <= it.by_status("exemption_credit_income_limit", g.status), it["exemption_credit"] * (people + g.dependents), 0.0)
    out.income = np.maximum(tax - credit, 0.0)
    pay = t("payroll", "statewide transit tax and Paid Leave Oregon")
    out.payroll = pay["transit_rate"] * g.wages + _capped_rate(g, pay["paid_leave_employee_rate"], pay["paid_leave_wage_base"])
    out.salt = out.income + pay["transit_rate"] * g.wages
    return out


def pennsylvania(g: UsGroup, fed: dict) -> StateTax:
    out = _start(g)
    t = _Tables("PA", g.year, out)
    it = t("income_tax", "income tax")
    # Pennsylvania taxes compensation before 401(k) deferrals and allows no deductions
    # (72 P.S. 7303); each spouse's income is taxed alike, so joint filing changes nothing.
    out.income = it["rate"] * (g.wages + g.other + g.spouse)
    pay = t("payroll", "unemployment compensation")
    out.payroll = pay["uc_employee_rate"] * g.wages
    out.salt = out.income + out.payroll
    out.notes.append("PA: local earned income taxes (e.g. Philadelphia wage tax) and tax forgiveness are not modelled")
    return out


def minnesota(g: UsGroup, fed: dict) -> StateTax:
    out = _start(g)
    t = _Tables("MN", g.year, out)
    it = t("income_tax", "income tax")
    std = float(it.by_status("standard_deduction", g.status))
    low = it.by_status("deduction_reduction_low", g.status)
    high = it.by_status("deduction_reduction_high", g.status)
    main = 0.03 * np.clip(g.agi - low, 0.0, high - low) + 0.10 * np.maximum(g.agi - high, 0.0)
    alt = 0.8 * std
    reduction = np.where(g.agi > it["deduction_alternate_threshold"], alt, np.minimum(main, alt))
    # Dependent exemption, reduced 2% for each $2,500 ($1,250 separate) of AGI over the threshold.
    steps = np.ceil(np.maximum(g.agi - it.by_status("exemption_threshold", g.status), 0.0) / it.by_status("exemption_step", g.status))
    dependent = it["dependent_exemption"] * g.dependents * np.maximum(1.0 - 0.02 * steps, 0.0)
    out.income = _brackets_after_deduction(g, it, g.agi, (std - reduction) + dependent)
    pay = t("payroll", "Paid Leave")
    out.payroll = _capped_rate(g, pay["paid_leave_employee_rate"], pay["wage_base"])
    out.salt = out.income
    return out


STATE_FUNCTIONS: dict[str, Callable[[UsGroup, dict], StateTax]] = {
    "CA": california,
    "NY": new_york,
    "WA": washington,
    "MA": massachusetts,
    "IL": illinois,
    "CO": colorado,
    "GA": georgia,
    "NJ": new_jersey,
    "NC": north_carolina,
    "VA": virginia,
    "OR": oregon,
    "PA": pennsylvania,
    "MN": minnesota,
}

COVERED = frozenset(STATE_FUNCTIONS) | NO_WAGE_TAX


def state_tax(g: UsGroup, fed: dict) -> StateTax:
    """The state part for one group, with a note whenever something is not included."""
    if not g.state:
        out = _start(g)
        out.notes.append("state tax not included: set tax.state")
        return out
    fn = STATE_FUNCTIONS.get(g.state)
    if fn is not None:
        out = fn(g, fed)
    elif g.state in NO_WAGE_TAX:
        out = _start(g)
    else:
        out = _start(g)
        out.notes.append(f"state tax not included for {g.state}: the built-in tables do not cover it; "
                         "install the tax-us extra and use --tax-engine policyengine")
    if g.locality and not (g.locality == "NYC" and g.state == "NY"):
        out.notes.append(f"local income tax for {g.locality} is not modelled")
    return out
