"""United Kingdom, hand-computed from HMRC's rates and thresholds (2025/26, 2026/27) and the
Scottish Government's bands."""

from __future__ import annotations

import pytest

from toolkit.offers.tax import BuiltinEngine, TaxHouseholds, tax_year_label


def gb(year=2025, wages=100_000.0, **kw):
    return BuiltinEngine().compute(TaxHouseholds.build(year=year, country="GB", wages=wages, **kw)).row(0)


def test_100k_2025_26():
    r = gb()
    c = r["components"]
    # allowance 12,570 (the taper starts above 100,000); taxable 87,430:
    # 20% x 37,700 + 40% x 49,730 = 7,540 + 19,892 = 27,432
    assert c["gb_income_tax"] == pytest.approx(27_432.00, abs=0.01)
    # NI: 8% x (50,270 - 12,570) + 2% x (100,000 - 50,270) = 3,016 + 994.60
    assert c["gb_national_insurance"] == pytest.approx(4_010.60, abs=0.01)
    assert r["currency"] == "GBP"
    assert tax_year_label("GB", 2025) == "2025/26" and tax_year_label("US", 2025) == "2025"


def test_allowance_taper_at_110k_and_gone_at_125140():
    # 110,000: allowance 12,570 - (10,000 / 2) = 7,570; taxable 102,430: 7,540 + 40% x 64,730
    assert gb(wages=110_000)["components"]["gb_income_tax"] == pytest.approx(7_540 + 25_892, abs=0.01)
    # 125,140: allowance 0; taxable 125,140: 7,540 + 40% x 87,440 = 42,516
    assert gb(wages=125_140)["components"]["gb_income_tax"] == pytest.approx(42_516.0, abs=0.01)
    # the 60% band: the next 100 above 100,000 costs 40% + 20% (allowance) + 2% NI
    assert gb(wages=100_000)["marginal_rate"] == pytest.approx(0.62, abs=1e-9)


def test_scottish_bands_2025_26_and_2026_27():
    # taxable 87,430: 19% x 2,827 + 20% x 12,094 + 21% x 16,171 + 42% x 31,338 + 45% x 25,000 = 30,763.80
    assert gb(region="SCT")["components"]["gb_income_tax"] == pytest.approx(30_763.80, abs=0.01)
    # 2026/27: 19% x 3,967 + 20% x 12,989 + 21% x 14,136 + 42% x 31,338 + 45% x 25,000
    want = 0.19 * 3_967 + 0.20 * (16_956 - 3_967) + 0.21 * (31_092 - 16_956) + 0.42 * 31_338 + 0.45 * 25_000
    assert gb(year=2026, region="SCT")["components"]["gb_income_tax"] == pytest.approx(want, abs=0.01)


def test_ni_below_the_primary_threshold_and_pension_net_pay():
    assert "gb_national_insurance" not in gb(wages=12_000)["components"]
    c = gb(wages=60_000, pretax_deductions=5_000)["components"]
    # income tax on 55,000 - 12,570 = 42,430: 7,540 + 40% x 4,730; NI on the full 60,000
    assert c["gb_income_tax"] == pytest.approx(7_540 + 1_892, abs=0.01)
    assert c["gb_national_insurance"] == pytest.approx(3_016 + 0.02 * 9_730, abs=0.01)


def test_2027_uses_2026_27_tables_and_says_so():
    r = gb(year=2027)
    assert r["components"]["gb_income_tax"] == pytest.approx(27_432.00, abs=0.01)
    assert "UK income tax for 2027 uses the 2026 figures, the latest published in the toolkit's tables" in r["notes"]
