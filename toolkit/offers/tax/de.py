"""Germany: annual income tax by the §32a EStG tariff, Solidaritätszuschlag, church tax and the
employee's share of pension, unemployment, health and care insurance, for one group of rows.

This is the tax *assessed* for the year (Einkommensteuer), not the monthly wage-tax withholding
(Lohnsteuer): the two differ by the refund or payment after the return. Rules, in order:
social contributions on pay up to each contribution ceiling (a bAV deferral is free of them up
to 4% of the pension ceiling); zvE = pay − bAV deferral (up to 8% of the ceiling) − the
employee allowance − the special-expenses allowance − deductible provisions (pension in full,
basic health cover less 4%, care in full, unemployment only within the EUR 1,900 cap) + other
income; tariff on zvE rounded down to whole euros (splitting for joint filers: twice the tax
on half); Soli with its exemption limit and the 11.9% phase-in zone; church tax 8%/9%.
"""

from __future__ import annotations

import numpy as np

from .base import TaxHouseholds
from .tables import Section, section

NOT_MODELLED = (
    "DE: child allowances (Kinderfreibetrag) and Kindergeld, the Saxony care split, private "
    "health insurance and the deductibility of church tax are not modelled",
)


def tariff(zve: np.ndarray, it: Section) -> np.ndarray:
    """§32a EStG: income tax on zvE (rounded down to euros), rounded down to whole euros.

    Examples (2025 tables): zvE 82,732 → 0.42 × 82,732 − 10,911.92 = 23,835.52 → 23,835.
    """
    x = np.floor(np.maximum(zve, 0.0))
    gfb, z2, z3, z4 = it["basic_allowance"], it["zone2_end"], it["zone3_end"], it["zone4_end"]
    a2, b2 = it["zone2"]
    a3, b3, c3 = it["zone3"]
    r4, d4 = it["zone4"]
    r5, d5 = it["zone5"]
    y = (x - gfb) / 10000.0
    z = (x - z2) / 10000.0
    tax = np.select(
        [x <= gfb, x <= z2, x <= z3, x <= z4],
        [0.0, (a2 * y + b2) * y, (a3 * z + b3) * z + c3, r4 * x - d4],
        r5 * x - d5,
    )
    return np.floor(tax)


def social(pay: np.ndarray, deferral: np.ndarray, children: np.ndarray, soc: Section) -> dict[str, np.ndarray]:
    """The employee's social contributions on `pay` (bAV deferral free up to 4% of the ceiling)."""
    free = np.minimum(deferral, soc["bav_social_free_fraction"] * soc["pension_ceiling"])
    base = np.maximum(pay - free, 0.0)
    pension_base = np.minimum(base, soc["pension_ceiling"])
    health_base = np.minimum(base, soc["health_ceiling"])
    care_rate = (soc["care_rate"] + np.where(children == 0, soc["care_childless_surcharge"], 0.0)
                 - soc["care_child_discount"] * np.clip(children - 1, 0, 4))
    return {
        "de_pension": soc["pension_rate"] * pension_base,
        "de_unemployment": soc["unemployment_rate"] * pension_base,
        "de_health": (soc["health_rate"] + soc["health_additional_rate"]) * health_base,
        "de_care": care_rate * health_base,
    }


def _deductible_provisions(c: dict[str, np.ndarray], it: Section) -> np.ndarray:
    basic = c["de_health"] * (1.0 - it["health_allowance_reduction"]) + c["de_care"]
    other = np.minimum(c["de_unemployment"], np.maximum(it["other_provisions_cap"] - basic, 0.0))
    return c["de_pension"] + basic + other


def compute(h: TaxHouseholds, year: int, status: str, region: str) -> tuple[dict[str, np.ndarray], list[str], list[int]]:
    secs = {name: section("de", "national", name, year) for name in ("income_tax", "solidarity", "church", "social")}
    labels = {"income_tax": "income tax", "solidarity": "Soli", "church": "church tax", "social": "social contributions"}
    notes = [n for name, s in secs.items() if (name != "church" or np.any(h.church_tax)) and (n := s.note(f"Germany {labels[name]}"))]
    it, soli, church, soc = secs["income_tax"], secs["solidarity"], secs["church"], secs["social"]
    pay = h.gross_pay
    c = social(pay, h.pretax_deductions, h.dependents, soc)
    tax_free = np.minimum(h.pretax_deductions, it["bav_tax_free_fraction"] * soc["pension_ceiling"])
    joint = status == "married_joint"
    zve = (np.maximum(pay - tax_free, 0.0) - np.minimum(it["employee_allowance"], pay)
           - _deductible_provisions(c, it) + h.other_income)
    zve -= it["special_expenses_allowance"] * (2 if joint else 1)
    if joint:
        spouse = h.spouse_income
        cs = social(spouse, np.zeros_like(spouse), h.dependents, soc)
        zve += spouse - np.minimum(it["employee_allowance"], spouse) - _deductible_provisions(cs, it)
        est = 2.0 * tariff(np.maximum(zve, 0.0) / 2.0, it)
    else:
        est = tariff(np.maximum(zve, 0.0), it)
    limit = soli.by_status("exemption", status)
    surcharge = np.where(est > limit, np.minimum(soli["rate"] * est, soli["phase_in_rate"] * (est - limit)), 0.0)
    rate = church["reduced_rate"] if region in church["reduced_regions"] else church["rate"]
    church_tax = np.where(h.church_tax, rate * est, 0.0)
    c.update({"de_income_tax": est, "de_solidarity_surcharge": np.floor(surcharge * 100) / 100, "de_church_tax": church_tax})
    return c, notes + list(NOT_MODELLED), [s.year for s in secs.values()]
