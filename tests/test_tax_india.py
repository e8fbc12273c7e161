"""India, hand-computed from the new-regime rates of the Finance Act, 2025 (s.115BAC(1A), s.16(ia)
standard deduction, s.87A rebate with marginal relief, First Schedule surcharge with marginal
relief, 4% cess; incometaxindia.gov.in), unchanged for 2026-27 (Union Budget 2026-27), and the
EPF wage ceiling (EPF Scheme, 1952 para 26A(2))."""

from __future__ import annotations

import pytest

from toolkit.offers.evaluate import evaluate
from toolkit.offers.load import load_offers
from toolkit.offers.tax import BuiltinEngine, TaxHouseholds, tax_year_label

LAKH = 100_000


def india(year=2025, wages=30 * LAKH, **kw):
    return BuiltinEngine().compute(TaxHouseholds.build(year=year, country="IN", wages=wages, **kw)).row(0)


def slabs(x):
    """The new-regime slabs, written out."""
    t = [0, 4 * LAKH, 8 * LAKH, 12 * LAKH, 16 * LAKH, 20 * LAKH, 24 * LAKH, float("inf")]
    r = [0.0, 0.05, 0.10, 0.15, 0.20, 0.25, 0.30]
    return sum(r[i] * max(min(x, t[i + 1]) - t[i], 0) for i in range(7))


def test_30_lakh_salary_2025_26():
    r = india()
    c = r["components"]
    # total income 30,00,000 - 75,000 = 29,25,000; slabs: 20,000 + 40,000 + 60,000 + 80,000 + 1,00,000
    # + 30% x 5,25,000 = 3,00,000 + 1,57,500 = 4,57,500; no rebate, no surcharge; cess 4% = 18,300
    assert slabs(29.25 * LAKH) == pytest.approx(457_500.0)
    assert c["in_income_tax"] == pytest.approx(457_500.0, abs=0.01)
    assert c["in_cess"] == pytest.approx(18_300.0, abs=0.01)
    assert "in_surcharge" not in c
    assert c["in_epf"] == pytest.approx(0.12 * 180_000, abs=0.01)  # 21,600: the wage ceiling
    assert r["currency"] == "INR" and tax_year_label("IN", 2025) == "2025/26"
    assert r["marginal_rate"] == pytest.approx(0.30 * 1.04, abs=1e-9)


def test_the_87a_rebate_edge_at_12_lakh_and_its_marginal_relief():
    # salary 12,75,000: total income exactly 12,00,000; slab tax 60,000, all rebated
    assert "in_income_tax" not in india(wages=12.75 * LAKH)["components"]
    # salary 12,85,000: income 12,10,000; slab tax 60,000 + 15% x 10,000 = 61,500, but the tax may not
    # exceed the income above 12 lakh: 10,000 (+ 4% cess = 400)
    c = india(wages=12.85 * LAKH)["components"]
    assert slabs(12.10 * LAKH) == pytest.approx(61_500.0)
    assert c["in_income_tax"] == pytest.approx(10_000.0, abs=0.01)
    assert c["in_cess"] == pytest.approx(400.0, abs=0.01)
    # relief ends where 60,000 + 15% x e = e, e = 70,588.24: at income 12,80,000 the full slab tax applies
    c = india(wages=13.55 * LAKH)["components"]
    assert c["in_income_tax"] == pytest.approx(slabs(12.80 * LAKH), abs=0.01)  # 72,000


def test_surcharge_with_marginal_relief_at_50_lakh_and_at_the_25_percent_cap():
    # salary 51,00,000: income 50,25,000; slab tax 3,00,000 + 30% x 26,25,000 = 10,87,500; 10% surcharge
    # would be 1,08,750, but tax + surcharge may exceed the tax at 50 lakh (3,00,000 + 30% x 26,00,000 =
    # 10,80,000) by at most the 25,000 of income above it: surcharge = 10,80,000 + 25,000 - 10,87,500 = 17,500
    c = india(wages=51 * LAKH)["components"]
    assert c["in_income_tax"] == pytest.approx(1_087_500.0, abs=0.01)
    assert c["in_surcharge"] == pytest.approx(17_500.0, abs=0.01)
    assert c["in_cess"] == pytest.approx(0.04 * (1_087_500 + 17_500), abs=0.01)
    # salary 3 crore: income 2,99,25,000: 25% (the new regime's cap); tax 85,57,500, surcharge 21,39,375
    c = india(wages=300 * LAKH)["components"]
    tax = slabs(299.25 * LAKH)
    assert c["in_income_tax"] == pytest.approx(tax, abs=0.01) and tax == pytest.approx(8_557_500.0)
    assert c["in_surcharge"] == pytest.approx(0.25 * tax, abs=0.01)
    assert c["in_cess"] == pytest.approx(0.04 * 1.25 * tax, abs=0.01)  # 4,27,875
    # well inside the 1-2 crore band, 15%: salary 1.5 crore, income 1,49,25,000
    c = india(wages=150 * LAKH)["components"]
    assert c["in_surcharge"] == pytest.approx(0.15 * slabs(149.25 * LAKH), abs=0.01)


def test_epf_below_the_ceiling_on_wages_only_and_the_deferral_note():
    # a salary of 1,50,000 a year: EPF 12% of it; no tax (income 75,000)
    assert india(wages=150_000.0)["components"] == {"in_epf": pytest.approx(18_000.0)}
    # a bonus is not basic pay: EPF stays at the ceiling amount
    assert india(wages=20 * LAKH, bonus=5 * LAKH)["components"]["in_epf"] == pytest.approx(21_600.0)
    r = india(pretax_deductions=150_000.0)
    assert r["components"]["in_income_tax"] == pytest.approx(457_500.0, abs=0.01)
    assert any("new regime allows no deduction" in n for n in r["notes"])


def test_2026_27_same_rates_and_later_years_say_so():
    assert india(year=2026)["components"]["in_income_tax"] == pytest.approx(457_500.0, abs=0.01)
    assert india(year=2026)["table_year"] == 2026
    r = india(year=2027)
    # years are named by the year the tax year starts in, as for the UK (2027 = 2027/28)
    assert "India income tax for 2027 uses the 2026 figures, the latest published in the toolkit's tables" in r["notes"]


@pytest.mark.parametrize("location", ["Bengaluru, India", "Bangalore", "Mumbai", "Pune, India"])
def test_an_indian_location_is_taxed_in_india_in_rupees(write, location):
    path = write("o.yaml", f"offers: [{{id: b, company: B, currency: INR, base_salary: 3000000, location: '{location}', "
                           "start_date: 2025-04-01}]\n")
    ev = evaluate(load_offers([path]))
    assert ev.after_tax.profiles[0].country == "IN"
    year1 = ev.offer_dict(0)["tax"]["years"][0]
    assert year1["year"] == "2025/26"
    assert year1["total_tax"] == pytest.approx(457_500 + 18_300 + 21_600, abs=0.01)
