"""France: impôt sur le revenu with the quotient familial, the high-income contribution and an
employee's social contributions (salarié du privé, cadre), for one group of rows and one year.

The tax year is the calendar year of the pay (2025 pay is assessed in 2026 under the barème of
the loi de finances pour 2026). Rules, in order: social contributions on gross pay with the PASS
ceilings (vieillesse, AGIRC-ARRCO tranches 1 and 2 with CEG and CET, APEC, CSG/CRDS on 98.25%
up to 4 PASS); net taxable pay = gross − every contribution except the non-deductible CSG and
CRDS; the 10% professional-expenses deduction within its floor and ceiling, per earner; a PER
deferral within its ceiling; the barème on income per part, times the parts; the plafonnement
of the quotient familial; the décote; no collection below EUR 61; the contribution
exceptionnelle sur les hauts revenus. Cadre is assumed (the only difference from non-cadre is
APEC's 0.024%): a tech offer in France is almost always a cadre post.
"""

from __future__ import annotations

import numpy as np

from .base import TaxHouseholds
from .tables import Section, bracket_tax, section

NOT_MODELLED = (
    "FR: employee assumed cadre (APEC included); tax credits and reductions, the employer's "
    "health-cover share added to taxable pay, Alsace-Moselle's 1.30% health contribution, the "
    "contribution différentielle sur les hauts revenus and the special regimes of qualifying "
    "free shares and stock options (vested equity is taxed as pay) are not modelled",
)


def social(pay: np.ndarray, soc: Section) -> dict[str, np.ndarray]:
    """The employee's social contributions on gross pay `pay` for the year."""
    ceiling = soc["pass"]
    t1 = np.minimum(pay, ceiling)
    t2 = np.clip(pay - ceiling, 0.0, (soc["t2_pass_multiple"] - 1) * ceiling)
    allowance_cap = soc["csg_allowance_pass_multiple"] * ceiling
    csg_base = soc["csg_base_fraction"] * np.minimum(pay, allowance_cap) + np.maximum(pay - allowance_cap, 0.0)
    # The CET is due on tranches 1 and 2 only when pay exceeds the PASS.
    cet = np.where(pay > ceiling, soc["cet_rate"] * (t1 + t2), 0.0)
    return {
        "fr_old_age": soc["old_age_capped_rate"] * t1 + soc["old_age_uncapped_rate"] * pay,
        "fr_agirc_arrco": (soc["agirc_arrco_t1_rate"] + soc["ceg_t1_rate"]) * t1
        + (soc["agirc_arrco_t2_rate"] + soc["ceg_t2_rate"]) * t2 + cet,
        "fr_apec": soc["apec_rate"] * np.minimum(pay, soc["apec_pass_multiple"] * ceiling),
        "fr_csg_deductible": soc["csg_deductible_rate"] * csg_base,
        "fr_csg_crds_non_deductible": (soc["csg_non_deductible_rate"] + soc["crds_rate"]) * csg_base,
    }


def net_taxable_pay(pay: np.ndarray, c: dict[str, np.ndarray]) -> np.ndarray:
    """Gross pay less the deductible contributions (all but the non-deductible CSG and CRDS)."""
    deductible = sum(v for k, v in c.items() if k != "fr_csg_crds_non_deductible")
    return np.maximum(pay - deductible, 0.0)


def after_expenses(net: np.ndarray, it: Section) -> np.ndarray:
    """Net taxable pay after the 10% deduction (at least the floor, at most the ceiling, never
    more than the pay itself)."""
    deduction = np.clip(it["professional_expenses_rate"] * net, it["professional_expenses_min"], it["professional_expenses_max"])
    return net - np.minimum(deduction, net)


def parts(status: str, dependents: np.ndarray) -> tuple[float, np.ndarray]:
    """(base parts, parts): 1 for a single person, 2 for a couple filing jointly; +0.5 for each
    of the first two dependants, +1 from the third; +0.5 for a single parent (case T)."""
    base = 2.0 if status == "married_joint" else 1.0
    d = np.maximum(dependents, 0)
    children = 0.5 * np.minimum(d, 2) + np.maximum(d - 2, 0)
    single_parent = 0.5 * ((d > 0) & (status == "head_of_household"))
    return base, base + children + single_parent


def income_tax(rni: np.ndarray, status: str, dependents: np.ndarray, it: Section) -> np.ndarray:
    """Impôt sur le revenu on the revenu net imposable `rni` of the household, after the
    plafonnement of the quotient familial, the décote and the collection minimum."""
    thresholds = np.asarray(it["thresholds"], dtype=float)
    rates = np.asarray(it["rates"], dtype=float)
    base, n = parts(status, dependents)
    full = n * bracket_tax(rni / n, thresholds, rates)
    without = base * bracket_tax(rni / base, thresholds, rates)
    half_parts = 2.0 * (n - base)
    if status == "head_of_household":
        # Case T: the first child's whole part (2 half-parts) has its own cap.
        first = np.minimum(half_parts, 2.0)
        cap = np.where(first > 0, it["qf_cap_single_parent_first_child"], 0.0) + it["qf_cap_half_part"] * (half_parts - first)
    else:
        cap = it["qf_cap_half_part"] * half_parts
    tax = np.maximum(full, without - cap)
    forfait = it["decote_joint"] if status == "married_joint" else it["decote_single"]
    decote = np.clip(forfait - it["decote_rate"] * tax, 0.0, None)
    tax = np.maximum(tax - decote, 0.0)
    return np.where(tax < it["collection_minimum"], 0.0, tax)


def high_income_contribution(rfr: np.ndarray, status: str, hi: Section) -> np.ndarray:
    key = "thresholds_joint" if status == "married_joint" else "thresholds_single"
    return bracket_tax(rfr, np.asarray(hi[key], dtype=float), np.asarray(hi["rates"], dtype=float))


def compute(h: TaxHouseholds, year: int, status: str, region: str) -> tuple[dict[str, np.ndarray], list[str], list[int]]:
    secs = {name: section("fr", "national", name, year) for name in ("income_tax", "retirement_savings", "high_income", "social")}
    it, per, hi, soc = secs["income_tax"], secs["retirement_savings"], secs["high_income"], secs["social"]
    notes = []
    if it.year < year:
        # Worded like tables.Section.note so that the evaluation merges the years into one sentence.
        notes.append(f"France income tax for {year} uses the {it.year} figures, projected: the barème for later "
                     "income (set by the next loi de finances) was not yet published when the toolkit's tables "
                     "were written")
    if (n := soc.note("France social contributions")) is not None:
        notes.append(n)
    pay = h.gross_pay
    c = social(pay, soc)
    own = after_expenses(net_taxable_pay(pay, c), it)
    joint = status == "married_joint"
    if joint:
        spouse = h.spouse_income
        household_pay = own + after_expenses(net_taxable_pay(spouse, social(spouse, soc)), it)
    else:
        household_pay = own
        if np.any(h.spouse_income > 0):
            notes.append("FR: a spouse's income counts only for a couple filing jointly (filing_status married_joint)")
    if status == "married_separate":
        notes.append("FR: married couples and PACS partners are taxed jointly; married_separate is taxed as one person")
    # PER payments: deductible within 10% of this year's net professional income (capped at
    # 8 PASS of the previous year), at least 10% of that PASS.
    pass_prev = per["pass_previous_year"]
    ceiling = np.maximum(per["rate"] * np.minimum(own, per["cap_pass_multiple"] * pass_prev), per["rate"] * pass_prev)
    per_deduction = np.minimum(h.pretax_deductions, ceiling)
    rni = np.maximum(household_pay + h.other_income - per_deduction, 0.0)
    c["fr_income_tax"] = income_tax(rni, status, h.dependents, it)
    c["fr_high_income_contribution"] = high_income_contribution(rni, status, hi)
    return c, notes + list(NOT_MODELLED), [s.year for s in secs.values()]
