"""Canada, hand-computed from CRA's 2025/2026 brackets and amounts (canada.ca tax rates; T4127
121st and 122nd editions), the CPP/CPP2 and EI maximums (CRA and ESDC notices) and Ontario's
ON428 (brackets, surtax, tax reduction, Health Premium)."""

from __future__ import annotations

import numpy as np
import pytest

from toolkit.offers.evaluate import evaluate
from toolkit.offers.load import load_offers
from toolkit.offers.tax import BuiltinEngine, TaxHouseholds
from toolkit.offers.tax.ca import ontario_tax
from toolkit.offers.tax.tables import section


def ca(year=2025, wages=100_000.0, region="ON", **kw):
    return BuiltinEngine().compute(TaxHouseholds.build(year=year, country="CA", region=region, wages=wages, **kw)).row(0)


def fed_2025(x):
    """2025 federal brackets (14.5% full-year lowest rate), written out."""
    t = [0, 57_375, 114_750, 177_882, 253_414, float("inf")]
    r = [0.145, 0.205, 0.26, 0.29, 0.33]
    return sum(r[i] * max(min(x, t[i + 1]) - t[i], 0) for i in range(5))


def on_2025(x):
    t = [0, 52_886, 105_775, 150_000, 220_000, float("inf")]
    r = [0.0505, 0.0915, 0.1116, 0.1216, 0.1316]
    return sum(r[i] * max(min(x, t[i + 1]) - t[i], 0) for i in range(5))


def test_100k_toronto_2025():
    r = ca()
    c = r["components"]
    # CPP 5.95% x (71,300 - 3,500) = 4,034.10 (the maximum); base share 4.95/5.95 = 3,356.10, enhanced 678.00
    assert c["ca_cpp"] == pytest.approx(4_034.10, abs=0.01)
    assert c["ca_cpp2"] == pytest.approx(0.04 * (81_200 - 71_300), abs=0.01)  # 396.00, the maximum
    assert c["ca_ei"] == pytest.approx(1_077.48, abs=0.01)  # 1.64% x 65,700
    cpp_base = 4_034.10 * 4.95 / 5.95
    taxable = 100_000 - (4_034.10 - cpp_base) - 396.0  # 98,926
    assert taxable == pytest.approx(98_926.0, abs=0.01)
    # federal: 8,319.38 + 20.5% x 41,551 = 16,837.33, less 14.5% x (16,129 + 1,471 + 3,356.10 + 1,077.48) = 3,194.87
    fed = fed_2025(taxable) - 0.145 * (16_129 + 1_471 + cpp_base + 1_077.48)
    assert c["ca_federal_income_tax"] == pytest.approx(fed, abs=0.01)
    assert c["ca_federal_income_tax"] == pytest.approx(13_642.46, abs=0.01)
    # Ontario: 6,883.40 less 5.05% x (12,747 + 3,356.10 + 1,077.48) = 6,015.78; surtax 20% x (6,015.78 - 5,710)
    basic = on_2025(taxable) - 0.0505 * (12_747 + cpp_base + 1_077.48)
    assert c["ca_ontario_income_tax"] == pytest.approx(basic + 0.20 * (basic - 5_710), abs=0.01)  # 6,076.94
    assert c["ca_ontario_health_premium"] == 750.0  # taxable income between 72,600 and 200,000
    assert r["currency"] == "CAD" and r["income_tax_state"] == pytest.approx(6_076.94 + 750, abs=0.01)
    # marginal: 20.5% federal + 9.15% Ontario x 1.20 (surtax) = 31.48%
    assert r["marginal_rate"] == pytest.approx(0.205 + 0.0915 * 1.2, abs=1e-9)


def test_250k_toronto_2025_bpa_phase_down_surtax_and_top_premium():
    c = ca(wages=250_000.0)["components"]
    cpp_base = 4_034.10 * 4.95 / 5.95
    taxable = 250_000 - (4_034.10 - cpp_base) - 396.0  # 248,926
    # BPA: 16,129 - (16,129 - 14,538) x (248,926 - 177,882) / (253,414 - 177,882) = 14,632.53
    bpa = 16_129 - 1_591 * (taxable - 177_882) / (253_414 - 177_882)
    assert bpa == pytest.approx(14_632.53, abs=0.01)
    fed = fed_2025(taxable) - 0.145 * (bpa + 1_471 + cpp_base + 1_077.48)
    assert c["ca_federal_income_tax"] == pytest.approx(fed, abs=0.01)
    basic = on_2025(taxable) - 0.0505 * (12_747 + cpp_base + 1_077.48)
    surtax = 0.20 * (basic - 5_710) + 0.36 * (basic - 7_307)
    assert c["ca_ontario_income_tax"] == pytest.approx(basic + surtax, abs=0.01)
    assert c["ca_ontario_health_premium"] == 900.0


def test_cpp_ympe_yampe_and_the_ei_maximum():
    # at the YMPE: the full CPP, no CPP2; EI at its maximum from 65,700
    c = ca(wages=71_300.0)["components"]
    assert c["ca_cpp"] == pytest.approx(4_034.10, abs=0.01) and "ca_cpp2" not in c
    assert c["ca_ei"] == pytest.approx(0.0164 * 65_700, abs=0.01)
    # 100 more pays 4% CPP2 (4.00) and no more CPP or EI
    up = ca(wages=71_400.0)["components"]
    assert up["ca_cpp"] == pytest.approx(4_034.10, abs=0.01) and up["ca_cpp2"] == pytest.approx(4.0, abs=0.001)
    assert ca(wages=65_600.0)["components"]["ca_ei"] == pytest.approx(0.0164 * 65_600, abs=0.01)


def test_the_bpa_phase_down_raises_the_federal_marginal_rate():
    # In the phase-down band each dollar also takes (16,129 - 14,538)/75,532 of BPA at 14.5%: the federal
    # marginal rate is 29% + 0.305% = 29.305%; at 250,000 (taxable 248,926) Ontario adds 13.16% x 1.56 (surtax)
    r = ca(wages=250_000.0)
    fed = 0.29 + 0.145 * 1_591 / (253_414 - 177_882)
    assert r["marginal_rate"] == pytest.approx(fed + 0.1316 * 1.56, abs=1e-6)


def test_low_income_ontario_tax_reduction_and_no_health_premium():
    c = ca(wages=20_000.0)["components"]
    cpp = 0.0595 * 16_500  # 981.75
    cpp_base, ei = cpp * 4.95 / 5.95, 0.0164 * 20_000  # 816.75, 328.00
    taxable = 20_000 - (cpp - cpp_base)  # 19,835
    basic = 0.0505 * taxable - 0.0505 * (12_747 + cpp_base + ei)  # 300.14
    assert c["ca_ontario_income_tax"] == pytest.approx(basic - (2 * 294 - basic), abs=0.01)  # 12.28
    assert "ca_ontario_health_premium" not in c  # taxable income under 20,000
    assert c["ca_federal_income_tax"] == pytest.approx(0.145 * taxable - 0.145 * (16_129 + 1_471 + cpp_base + ei), abs=0.01)


def test_2026_rates_amounts_and_premium_steps():
    c = ca(year=2026, wages=100_000.0)["components"]
    assert c["ca_cpp"] == pytest.approx(0.0595 * (74_600 - 3_500), abs=0.01)  # 4,230.45
    assert c["ca_cpp2"] == pytest.approx(0.04 * (85_000 - 74_600), abs=0.01)  # 416.00
    assert c["ca_ei"] == pytest.approx(1_123.07, abs=0.01)
    cpp_base = 4_230.45 * 4.95 / 5.95
    taxable = 100_000 - (4_230.45 - cpp_base) - 416.0
    fed = 0.14 * 58_523 + 0.205 * (taxable - 58_523) - 0.14 * (16_452 + 1_501 + cpp_base + 1_123.07)
    assert c["ca_federal_income_tax"] == pytest.approx(fed, abs=0.01)
    basic = 0.0505 * 53_891 + 0.0915 * (taxable - 53_891) - 0.0505 * (12_989 + cpp_base + 1_123.07)
    assert c["ca_ontario_income_tax"] == pytest.approx(basic + 0.20 * (basic - 5_818), abs=0.01)
    # Health Premium between the steps: 300 + 6% of the excess over 36,000
    assert ca(wages=0.0, other_income=37_000.0)["components"] == {}  # no pay, no tax on this pay
    _, ohp = ontario_tax(np.array([30_000.0, 37_000.0, 48_300.0]), np.zeros(3), np.zeros(3),
                         section("ca", "on", "income_tax", 2026), section("ca", "on", "health_premium", 2026))
    assert ohp.tolist() == pytest.approx([300.0, 360.0, 525.0])  # 450 + 25% x 300 = 525


def test_other_provinces_get_federal_cpp_ei_and_a_note():
    bc = ca(region="BC")
    assert set(bc["components"]) == {"ca_federal_income_tax", "ca_cpp", "ca_cpp2", "ca_ei"}
    assert any(n.startswith("provincial tax not included for BC") for n in bc["notes"])
    assert any(n.startswith("provincial tax not included: set tax.state") for n in ca(region="")["notes"])
    assert any("Quebec" in n for n in ca(region="QC")["notes"])
    assert ca(year=2027)["table_year"] == 2026
    assert any("Canada federal income tax for 2027 uses the 2026 figures" in n for n in ca(year=2027)["notes"])


@pytest.mark.parametrize("location,province", [("Toronto", "ON"), ("Toronto, Canada", "ON"), ("Waterloo, ON", "ON"),
                                               ("Vancouver, BC", "BC"), ("Remote, Canada", "")])
def test_a_canadian_location_resolves_country_province_and_currency(write, location, province):
    path = write("o.yaml", f"offers: [{{id: t, company: T, currency: CAD, base_salary: 100k, location: '{location}', "
                           "start_date: 2025-01-01}]\n")
    ev = evaluate(load_offers([path]))
    p = ev.after_tax.profiles[0]
    assert (p.country, p.state) == ("CA", province)
    year1 = ev.offer_dict(0)["tax"]["years"][0]
    if province == "ON":
        assert year1["total_tax"] == pytest.approx(13_642.46 + 6_076.94 + 750 + 4_034.10 + 396 + 1_077.48, abs=0.05)
    else:
        assert year1["income_tax_state"] == 0.0 and year1["income_tax_national"] == pytest.approx(13_642.46, abs=0.01)
