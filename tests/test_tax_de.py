"""Germany, hand-computed: §32a EStG tariff (as amended by the Steuerfortentwicklungsgesetz,
BGBl. 2024 I Nr. 449), SolzG §§3-4, and the 2025/2026 contribution rates and ceilings
(Sozialversicherungsrechengrößen-Verordnungen; SGB V, VI, XI, SGB III)."""

from __future__ import annotations

import numpy as np
import pytest

from toolkit.offers.tax import BuiltinEngine, TaxHouseholds
from toolkit.offers.tax.de import tariff
from toolkit.offers.tax.tables import section


def de(year=2025, wages=100_000.0, **kw):
    return BuiltinEngine().compute(TaxHouseholds.build(year=year, country="DE", wages=wages, **kw)).row(0)


def test_tariff_zones_2025():
    it = section("de", "national", "income_tax", 2025)
    # zone 1: up to the basic allowance 12,096 → 0
    # zone 2: y = (15,000 - 12,096) / 10,000 = 0.2904; (932.30 y + 1,400) y = 485.18 → 485
    # zone 3: z = (50,000 - 17,443) / 10,000 = 3.2557; (176.64 z + 2,397) z + 1,015.13 = 10,691.36 → 10,691
    # zone 4: 0.42 x 100,000 - 10,911.92 = 31,088.08 → 31,088; zone 5: 0.45 x 300,000 - 19,246.67
    got = tariff(np.array([12_096.0, 15_000.0, 50_000.0, 100_000.0, 300_000.0]), it)
    assert got.tolist() == [0.0, 485.0, 10_691.0, 31_088.0, 115_753.0]


def test_tariff_2026_basic_allowance_and_zone_4():
    it = section("de", "national", "income_tax", 2026)
    got = tariff(np.array([12_348.0, 12_349.0, 100_000.0]), it)
    assert got[0] == 0.0 and got[1] == 0.0  # (914.51 x 0.0001 + 1,400) x 0.0001 = 0.14 → 0
    assert got[2] == 30_864.0  # 0.42 x 100,000 - 11,135.63 = 30,864.37 → 30,864


def test_100k_single_childless_2025():
    r = de()
    c = r["components"]
    # pension 9.3% and unemployment 1.3% of 96,600 (the 2025 ceiling); health 7.3% + 1.25% (half the
    # average additional 2.5%) and care 1.8% + 0.6% childless of 66,150
    assert c["de_pension"] == pytest.approx(8_983.80, abs=0.01)
    assert c["de_unemployment"] == pytest.approx(1_255.80, abs=0.01)
    assert c["de_health"] == pytest.approx(5_655.83, abs=0.01)
    assert c["de_care"] == pytest.approx(1_587.60, abs=0.01)
    # zvE = 100,000 - 1,230 - 36 - 8,983.80 - 5,655.825 x 0.96 - 1,587.60 = 82,732.99 → 82,732
    # (unemployment is not deductible: basic health + care already exceed the 1,900 cap)
    # tax 0.42 x 82,732 - 10,911.92 = 23,835.52 → 23,835
    assert c["de_income_tax"] == 23_835.0
    # Soli: 5.5% x 23,835 = 1,310.93, but in the phase-in zone 11.9% x (23,835 - 19,950) = 462.31
    assert c["de_solidarity_surcharge"] == pytest.approx(462.31, abs=0.005)
    assert "de_church_tax" not in c
    assert r["currency"] == "EUR"
    assert r["payroll_tax"] == pytest.approx(8_983.80 + 1_255.80 + 5_655.825 + 1_587.60, abs=0.01)


def test_100k_2026_and_church_tax():
    c = de(year=2026, church_tax=True)["components"]
    # ceilings 101,400 and 69,750: pension 9,300, unemployment 1,300, health 8.75% x 69,750 = 6,103.13,
    # care 2.4% x 69,750 = 1,674; zvE = 100,000 - 1,266 - 9,300 - 5,859 - 1,674 = 81,901
    # tax 0.42 x 81,901 - 11,135.63 = 23,262.79 → 23,262; Soli 11.9% x (23,262 - 20,350) = 346.52
    assert c["de_pension"] == pytest.approx(9_300.0) and c["de_health"] == pytest.approx(6_103.125)
    assert c["de_income_tax"] == 23_262.0
    assert c["de_solidarity_surcharge"] == pytest.approx(346.52, abs=0.005)
    assert c["de_church_tax"] == pytest.approx(0.09 * 23_262, abs=0.01)
    assert de(year=2026, church_tax=True, region="BY")["components"]["de_church_tax"] == pytest.approx(0.08 * 23_262, abs=0.01)


def test_contributions_stop_at_the_ceilings():
    a, b = de(wages=120_000)["components"], de(wages=150_000)["components"]
    for name in ("de_pension", "de_unemployment", "de_health", "de_care"):
        assert a[name] == pytest.approx(b[name])
    below = de(wages=60_000)["components"]
    assert below["de_health"] == pytest.approx(0.0855 * 60_000)


def test_children_remove_the_care_surcharge_and_give_discounts():
    one_child = de(wages=50_000, dependents=1)["components"]["de_care"]
    three = de(wages=50_000, dependents=3)["components"]["de_care"]
    assert one_child == pytest.approx(0.018 * 50_000)
    assert three == pytest.approx((0.018 - 2 * 0.0025) * 50_000)


def test_soli_is_zero_below_the_exemption_limit():
    c = de(wages=60_000)["components"]
    assert c["de_income_tax"] < 19_950 and "de_solidarity_surcharge" not in c


def test_joint_assessment_splits():
    r = de(wages=100_000, filing_status="married_joint")
    single = de(wages=100_000)
    assert r["components"]["de_income_tax"] < single["components"]["de_income_tax"]
    # splitting: twice the tariff on half of (zvE - a second 36 special-expenses allowance)
    it = section("de", "national", "income_tax", 2025)
    zve = 100_000 - 1_230 - 72 - 8_983.80 - 5_655.825 * 0.96 - 1_587.60
    assert r["components"]["de_income_tax"] == 2 * tariff(np.array([zve / 2]), it)[0]
