"""Canada: federal income tax, CPP (base + first additional), CPP2 and EI for an employee outside
Quebec, and Ontario income tax with its surtax, tax reduction and Health Premium, for one group
of rows and one calendar tax year.

This is the year's tax as assessed on the T1 return, not the payroll withholding. Rules, in
order: CPP 5.95% of pay between the basic exemption and the YMPE, CPP2 4% between the YMPE and
the YAMPE, EI on pay up to the maximum insurable earnings; taxable income = pay − pre-tax
deferral (RRSP/RPP) − the first and second additional CPP contributions + other income; federal
tax on the brackets less credits at the lowest rate for the basic personal amount (phased down
between the 4th and 5th bracket thresholds), the Canada employment amount, the base CPP
contributions and EI premiums; Ontario tax the same way with its own brackets and credits, then
the surtax, the Ontario tax reduction (no dependants counted) and the Health Premium. Only
Ontario's provincial tax is built: elsewhere the row gets federal tax, CPP and EI and a note.
"""

from __future__ import annotations

import numpy as np

from .base import TaxHouseholds
from .tables import bracket_tax, section

PROVINCES = ("AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT")

# Place names people write for a Canadian city or province, for the tax profile's region.
PROVINCE_NAMES = {
    "ontario": "ON", "toronto": "ON", "ottawa": "ON", "waterloo": "ON", "kitchener": "ON", "mississauga": "ON",
    "markham": "ON", "hamilton": "ON", "london": "ON", "british columbia": "BC", "vancouver": "BC", "victoria": "BC",
    "burnaby": "BC", "quebec": "QC", "québec": "QC", "montreal": "QC", "montréal": "QC", "alberta": "AB",
    "calgary": "AB", "edmonton": "AB", "manitoba": "MB", "winnipeg": "MB", "saskatchewan": "SK", "nova scotia": "NS",
    "halifax": "NS", "new brunswick": "NB", "newfoundland and labrador": "NL", "prince edward island": "PE",
    "yukon": "YT", "northwest territories": "NT", "nunavut": "NU",
}

NOT_MODELLED = (
    "CA: credits other than the basic personal, Canada employment, CPP and EI amounts (spouse, "
    "dependants, Ontario LIFT), the Canada child benefit and stock-option deductions are not "
    "modelled (vested equity is taxed as pay)",
)


def province(region: str, city: str = "") -> str:
    """The province code for a region or city as written ('ON', 'Ontario', 'Toronto'); '' if unknown."""
    code = region.strip().upper()
    if code in PROVINCES:
        return code
    return PROVINCE_NAMES.get(region.strip().lower(), PROVINCE_NAMES.get(city.strip().lower(), ""))


def contributions(pay: np.ndarray, year: int):
    """CPP (base + first additional), CPP2 and EI on the year's pay, and the CPP base share."""
    cpp_s, ei_s = section("ca", "federal", "cpp", year), section("ca", "federal", "ei", year)
    cpp = cpp_s["rate"] * np.clip(np.minimum(pay, cpp_s["ympe"]) - cpp_s["basic_exemption"], 0.0, None)
    cpp2 = cpp_s["cpp2_rate"] * np.clip(np.minimum(pay, cpp_s["yampe"]) - cpp_s["ympe"], 0.0, None)
    ei = ei_s["rate"] * np.minimum(pay, ei_s["max_insurable"])
    cpp_base = cpp * (cpp_s["base_rate"] / cpp_s["rate"])
    return cpp, cpp2, ei, cpp_base, (cpp_s, ei_s)


def federal_tax(taxable: np.ndarray, pay: np.ndarray, cpp_base: np.ndarray, ei: np.ndarray, it) -> np.ndarray:
    """Basic federal tax less the non-refundable credits (never below zero)."""
    phase = np.clip((taxable - it["bpa_phase_start"]) / (it["bpa_phase_end"] - it["bpa_phase_start"]), 0.0, 1.0)
    bpa = it["bpa_max"] - (it["bpa_max"] - it["bpa_min"]) * phase
    credits = it["credit_rate"] * (bpa + np.minimum(it["canada_employment_amount"], pay) + cpp_base + ei)
    tax = bracket_tax(taxable, np.asarray(it["thresholds"], dtype=float), np.asarray(it["rates"], dtype=float))
    return np.maximum(tax - credits, 0.0)


def ontario_tax(taxable: np.ndarray, cpp_base: np.ndarray, ei: np.ndarray, on, ohp) -> tuple[np.ndarray, np.ndarray]:
    """(Ontario income tax after surtax and tax reduction, Ontario Health Premium)."""
    gross = bracket_tax(taxable, np.asarray(on["thresholds"], dtype=float), np.asarray(on["rates"], dtype=float))
    basic = np.maximum(gross - on["credit_rate"] * (on["basic_personal_amount"] + cpp_base + ei), 0.0)
    (s1, s2), (r1, r2) = on["surtax_thresholds"], on["surtax_rates"]
    tax = basic + r1 * np.maximum(basic - s1, 0.0) + r2 * np.maximum(basic - s2, 0.0)
    reduction = np.clip(2.0 * on["tax_reduction_basic"] - tax, 0.0, tax)
    premium = np.interp(taxable, np.asarray(ohp["points_income"], dtype=float), np.asarray(ohp["points_premium"], dtype=float))
    return tax - reduction, premium


def compute(h: TaxHouseholds, year: int, status: str, region: str) -> tuple[dict[str, np.ndarray], list[str], list[int]]:
    it = section("ca", "federal", "income_tax", year)
    pay = h.gross_pay
    cpp, cpp2, ei, cpp_base, (cpp_s, ei_s) = contributions(pay, year)
    enhanced = cpp - cpp_base + cpp2  # deducted from income, not credited
    taxable = np.maximum(pay - h.pretax_deductions - enhanced, 0.0) + h.other_income
    out = {"ca_federal_income_tax": federal_tax(taxable, pay, cpp_base, ei, it), "ca_cpp": cpp, "ca_cpp2": cpp2, "ca_ei": ei}
    secs = [it, cpp_s, ei_s]
    labels = {id(it): "Canada federal income tax", id(cpp_s): "Canada CPP", id(ei_s): "Canada EI"}
    prov = province(region)
    notes: list[str] = []
    if prov == "ON":
        on = section("ca", "on", "income_tax", year)
        ohp = section("ca", "on", "health_premium", year)
        out["ca_ontario_income_tax"], out["ca_ontario_health_premium"] = ontario_tax(taxable, cpp_base, ei, on, ohp)
        secs += [on, ohp]
        labels[id(on)] = "Ontario income tax"
        labels[id(ohp)] = "Ontario Health Premium"
    elif not prov:
        notes.append("provincial tax not included: set tax.state to the province (only Ontario, ON, is built)")
    elif prov == "QC":
        notes.append("provincial tax not included for QC: Quebec income tax, QPP and QPIP (in place of CPP), Quebec's "
                     "lower EI rate and the federal abatement are not modelled; the figures are federal tax, CPP and "
                     "EI at the rest-of-Canada rates")
    else:
        notes.append(f"provincial tax not included for {prov}: the built-in tables cover only Ontario; "
                     "use --tax-rate for a figure with it")
    notes = [n for s in secs if (n := s.note(labels[id(s)]))] + notes
    if np.any(h.spouse_income > 0):
        notes.append("CA: spouses are taxed separately; the spouse's income does not change this tax")
    return out, notes + list(NOT_MODELLED), [s.year for s in secs]
