"""US federal income tax, FICA and the withholding gap, hand-computed from the IRS tables.

Sources: IRS Rev. Proc. 2024-40 (2025 brackets), Public Law 119-21 s.70102 (2025 standard
deduction $15,750 single), IRS Rev. Proc. 2025-32 (2026 brackets, standard deduction $16,100),
SSA COLA fact sheets (wage base $176,100 for 2025, $184,500 for 2026), IRC 3101(b)(2)
(Additional Medicare over $200,000 single / $250,000 joint), IRS Publication 15 s.7 (22%/37%).
"""

from __future__ import annotations

import pytest

from toolkit.offers.tax import BuiltinEngine, TaxHouseholds


def one(**kw):
    kw.setdefault("country", "US")
    kw.setdefault("region", "TX")  # no state income tax: the figures are federal only
    r = BuiltinEngine().compute(TaxHouseholds.build(**kw))
    return r.row(0)


def test_single_200k_2025_federal_and_fica():
    r = one(year=2025, wages=200_000)
    c = r["components"]
    # taxable 200,000 - 15,750 = 184,250: 1,192.50 + 4,386 + 12,072.50 + 19,416 = 37,067
    assert c["us_federal_income_tax"] == pytest.approx(37_067.00, abs=0.01)
    assert c["us_social_security"] == pytest.approx(0.062 * 176_100, abs=0.01)  # 10,918.20
    assert c["us_medicare"] == pytest.approx(0.0145 * 200_000, abs=0.01)  # 2,900
    assert "us_additional_medicare" not in c  # exactly at the $200,000 threshold
    assert r["total_tax"] == pytest.approx(37_067 + 10_918.20 + 2_900, abs=0.01)


def test_single_200k_2026_federal_and_fica():
    c = one(year=2026, wages=200_000)["components"]
    # taxable 200,000 - 16,100 = 183,900: 10% x 12,400 + 12% x 38,000 + 22% x 55,300 + 24% x 78,200
    #   = 1,240 + 4,560 + 12,166 + 18,768 = 36,734
    assert c["us_federal_income_tax"] == pytest.approx(36_734.00, abs=0.01)
    assert c["us_social_security"] == pytest.approx(0.062 * 184_500, abs=0.01)  # 11,439


def test_social_security_stops_at_the_wage_base():
    below = one(year=2025, wages=176_000)["components"]["us_social_security"]
    at = one(year=2025, wages=176_100)["components"]["us_social_security"]
    above = one(year=2025, wages=250_000)["components"]["us_social_security"]
    assert below == pytest.approx(0.062 * 176_000, abs=0.01)
    assert at == pytest.approx(10_918.20, abs=0.01) and above == pytest.approx(10_918.20, abs=0.01)


def test_additional_medicare_above_the_threshold_single_and_joint():
    assert one(year=2025, wages=300_000)["components"]["us_additional_medicare"] == pytest.approx(0.009 * 100_000, abs=0.01)
    # Joint: 0.9% of the couple's wages above $250,000; this person's share is the household's
    # tax minus the tax without this pay: 0.009 x (300,000 + 100,000 - 250,000) - 0 = 1,350.
    r = one(year=2025, wages=300_000, filing_status="married_joint", spouse_income=100_000)
    assert r["components"]["us_additional_medicare"] == pytest.approx(1_350.0, abs=0.01)


def test_joint_filer_2025_and_a_spouse_income_counts_only_at_the_margin():
    alone = one(year=2025, wages=200_000, filing_status="married_joint")["components"]["us_federal_income_tax"]
    # taxable 200,000 - 31,500 = 168,500: 10% x 23,850 + 12% x 73,100 + 22% x 71,550 = 2,385 + 8,772 + 15,741
    assert alone == pytest.approx(26_898.00, abs=0.01)
    with_spouse = one(year=2025, wages=200_000, filing_status="married_joint", spouse_income=100_000)
    # household taxable 300,000 - 31,500 = 268,500: 2,385 + 8,772 + 22% x 109,750 + 24% x 61,800
    household = 2_385 + 8_772 + 0.22 * (206_700 - 96_950) + 0.24 * (268_500 - 206_700)
    spouse_alone = 0.10 * 23_850 + 0.12 * (68_500 - 23_850)  # taxable 100,000 - 31,500 = 68,500
    assert with_spouse["components"]["us_federal_income_tax"] == pytest.approx(household - spouse_alone, abs=0.01)


def test_pretax_deferral_lowers_income_tax_but_not_fica():
    c = one(year=2025, wages=200_000, pretax_deductions=23_500)["components"]
    # taxable 200,000 - 23,500 - 15,750 = 160,750: 37,067 - 24% x 23,500 = 31,427
    assert c["us_federal_income_tax"] == pytest.approx(31_427.00, abs=0.01)
    assert c["us_medicare"] == pytest.approx(2_900.0, abs=0.01)


def test_child_tax_credit_and_its_phase_out():
    # 2 children, $100,000 single: tax on 84,250 = 1,192.50 + 4,386 + 22% x 35,775 = 13,449 less 2 x 2,200
    c = one(year=2025, wages=100_000, dependents=2)["components"]
    assert c["us_federal_income_tax"] == pytest.approx(13_449.00 - 4_400, abs=0.01)
    # $210,000: credit 4,400 - $50 x 10 (each $1,000 over $200,000) = 3,900
    c = one(year=2025, wages=210_000, dependents=2)["components"]
    tax = 37_067 + 0.24 * 10_000 - 3_900
    assert c["us_federal_income_tax"] == pytest.approx(tax, abs=0.01)


def test_withholding_gap_is_tax_on_supplemental_pay_minus_22_percent():
    r = one(year=2025, wages=150_000, bonus=30_000, equity=20_000)
    # The $50,000 of bonus and equity is taxed at 24% here (taxable 134,250 → 184,250, all in
    # the 24% bracket above 103,350): 12,000 owed; withheld 22% x 50,000 = 11,000 → gap 1,000.
    assert r["withholding_gap"] == pytest.approx(1_000.0, abs=0.01)
    assert one(year=2025, wages=150_000)["withholding_gap"] == 0.0


def test_withholding_gap_above_one_million_uses_37_percent():
    r = one(year=2025, wages=500_000, equity=1_500_000)
    # withheld 22% x 1,000,000 + 37% x 500,000 = 405,000; owed: the tax on 2,000,000 - 15,750
    # minus the tax on 500,000 - 15,750; both above 626,350 for the larger amount
    t = [0, 11_925, 48_475, 103_350, 197_300, 250_525, 626_350]
    rates = [0.10, 0.12, 0.22, 0.24, 0.32, 0.35, 0.37]

    def tax(x):
        return sum(r_ * max(0.0, min(x, hi) - lo) for lo, hi, r_ in zip(t, t[1:] + [float("inf")], rates))

    owed = tax(2_000_000 - 15_750) - tax(500_000 - 15_750)
    assert r["withholding_gap"] == pytest.approx(owed - 405_000, abs=0.01)


def test_marginal_rate_counts_every_tax_on_the_next_dollar():
    # $150,000 single in Texas: 24% federal + 1.45% Medicare + 6.2% Social Security
    assert one(year=2025, wages=150_000)["marginal_rate"] == pytest.approx(0.24 + 0.0145 + 0.062, abs=1e-9)
    # above the wage base and the Additional Medicare threshold: 32% + 1.45% + 0.9%
    assert one(year=2025, wages=240_000)["marginal_rate"] == pytest.approx(0.32 + 0.0145 + 0.009, abs=1e-9)


def test_other_income_is_taxed_but_only_the_increment_is_the_offers():
    r = one(year=2025, wages=100_000, other_income=50_000)
    # household taxable 134,250; without the wages: 34,250. Income tax difference:
    with_pay = 1_192.50 + 4_386 + 0.22 * 54_875 + 0.24 * (134_250 - 103_350)
    without = 1_192.50 + 0.12 * (34_250 - 11_925)
    assert r["components"]["us_federal_income_tax"] == pytest.approx(with_pay - without, abs=0.01)
    assert r["components"]["us_medicare"] == pytest.approx(1_450.0, abs=0.01)
