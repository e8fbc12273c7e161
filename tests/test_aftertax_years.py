"""Tax per tax year from the paid view, the cut last year, and the allocation to offer years (offers/aftertax.py).

Every figure is worked by hand from the official tables named beside it; docs/tax.md states the rules.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from toolkit.offers.evaluate import evaluate
from toolkit.offers.load import load_offers

PFML = 0.0113 * 0.7143  # WA Paid Leave 2026: 1.13% of wages up to 184,500, employee share 71.43% (ESD)


def _years(block):
    return {y["year"]: y for y in block["years"]}


def test_seattle_november_2026_start_two_calendar_years_and_the_cut_third(write):
    path = write("o.yaml", """
        assumptions: {horizon_years: 2, annual_raise: 0%}
        offers:
          - {id: s, company: S, currency: USD, base_salary: 240k, location: "Seattle, WA", start_date: 2026-11-02, sign_on: 30k}
        """)
    ev = evaluate(load_offers([path]), today=dt.date(2026, 10, 1))
    block = ev.offer_dict(0)["tax"]
    y = _years(block)
    assert [(k, v["months"]) for k, v in y.items()] == [("2026", 2), ("2027", 12), ("2028", 10)]
    # 2026: November and December pay (40,000) and the sign-on paid at the start (30,000): 70,000.
    # Federal 2026 single (Rev. Proc. 2025-32 §4.01, §4.14): 70,000 - 16,100 = 53,900 taxable:
    # 10% x 12,400 + 12% x 38,000 + 22% x 3,500 = 1,240 + 4,560 + 770 = 6,570
    assert y["2026"]["income_tax_national"] == pytest.approx(6_570, abs=0.01)
    # SS 6.2% x 70,000 = 4,340; Medicare 1.45% x 70,000 = 1,015; WA PFML and WA Cares 0.58% x 70,000 = 406
    assert y["2026"]["payroll_tax"] == pytest.approx(4_340 + 1_015 + PFML * 70_000 + 406, abs=0.01)
    tax_2026 = 6_570 + 4_340 + 1_015 + PFML * 70_000 + 406
    # withholding gap: without the 30,000 sign-on 40,000 - 16,100 = 23,900 taxable → 1,240 + 12% x 11,500 = 2,620;
    # so 3,950 is owed on it, and 22% x 30,000 = 6,600 was withheld: 2,650 over-withheld
    assert y["2026"]["withholding_gap"] == pytest.approx(6_570 - 2_620 - 6_600, abs=0.01)
    # 2027 (the 2026 tables, the latest published): 240,000 - 16,100 = 223,900 taxable →
    # 1,240 + 4,560 + 12,166 + 24% x 96,075 (23,058) + 32% x 22,125 (7,080) = 48,104;
    # SS 6.2% x 184,500 = 11,439; Medicare 1.45% x 240,000 = 3,480 + 0.9% x 40,000 = 360; PFML on 184,500; Cares 1,392
    full_year = 48_104 + 11_439 + 3_480 + 360 + PFML * 184_500 + 1_392
    assert y["2027"]["total_tax"] == pytest.approx(full_year, abs=0.01)
    # 2028 is cut by the horizon after October: taxed on the last 12 months' pay (240,000, the same as 2027),
    # and the horizon's share of it counts: 200,000 / 240,000
    assert y["2028"]["horizon_share"] == pytest.approx(200_000 / 240_000, abs=1e-6)
    assert y["2028"]["taxable_wages"] == pytest.approx(200_000, abs=0.01)
    assert y["2028"]["total_tax"] == pytest.approx(full_year * 5 / 6, abs=0.01)
    assert y["2028"]["effective_rate"] == pytest.approx(full_year / 240_000, abs=1e-6)
    # Offer year 1 (November 2026 - October 2027) holds all of 2026 and 200,000 of 2027's 240,000 of pay;
    # offer year 2 the other 40,000 of 2027 and all of 2028 within the horizon.
    years = ev.offer_dict(0)["years"]
    assert years[0]["tax"] == pytest.approx(tax_2026 + full_year * 10 / 12, abs=0.01)
    assert years[1]["tax"] == pytest.approx(full_year * 2 / 12 + full_year * 5 / 6, abs=0.01)
    assert any("tax year 2026 is partial (2 months from November 2026): only the pay from the start is counted" in n
               for n in block["notes"])


def test_new_york_city_november_2026_start(write):
    path = write("o.yaml", """
        assumptions: {horizon_years: 1}
        offers:
          - {id: n, company: N, currency: USD, base_salary: 96k, location: "New York, NY", start_date: 2026-11-02}
        """)
    ev = evaluate(load_offers([path]), today=dt.date(2026, 10, 1))
    y = _years(ev.offer_dict(0)["tax"])
    # 2026: 16,000 of pay. Federal: 16,000 - 16,100 < 0 → 0. SS 992, Medicare 232.
    # NY (Tax Law §601, 2026 rates): 16,000 - 8,000 = 8,000 x 3.9% = 312.
    # NYC: 8,000 x 3.078% = 246.24, less the school tax credit 63 and the rate reduction 0.171% x 8,000 = 13.68 → 169.56.
    # PFL 0.432% x 16,000 = 69.12; DBL 0.5% x 16,000 capped at 31.20.
    assert y["2026"]["income_tax_national"] == pytest.approx(0.0, abs=0.01)
    assert y["2026"]["income_tax_state"] == pytest.approx(312.00, abs=0.01)
    assert y["2026"]["income_tax_local"] == pytest.approx(169.56, abs=0.01)
    assert y["2026"]["payroll_tax"] == pytest.approx(992 + 232 + 69.12 + 31.20, abs=0.01)
    tax_2026 = 312 + 169.56 + 992 + 232 + 69.12 + 31.20
    # 2027, cut after October (80,000 of pay within the horizon), taxed on 96,000 with the 2026 tables:
    # federal 96,000 - 16,100 = 79,900 → 1,240 + 4,560 + 22% x 29,500 = 12,290;
    # NY 88,000 taxable: 3.9% x 8,500 + 4.4% x 3,200 + 5.15% x 2,200 + 5.4% x 66,750 + 5.9% x 7,350 = 4,623.75
    # (AGI under 107,650: no recapture); NYC 3.078% x 12,000 + 3.762% x 13,000 + 3.819% x 25,000 + 3.876% x 38,000
    # = 3,286.05 less 63 and the rate reduction 0.171% x 12,000 + 0.228% x 76,000 = 193.80 → 3,029.25;
    # SS 5,952, Medicare 1,392, PFL capped at 411.91, DBL 31.20
    share = 80_000 / 96_000
    assert y["2027"]["income_tax_national"] == pytest.approx(12_290 * share, abs=0.01)
    assert y["2027"]["income_tax_state"] == pytest.approx(4_623.75 * share, abs=0.01)
    assert y["2027"]["income_tax_local"] == pytest.approx(3_029.25 * share, abs=0.01)
    assert y["2027"]["payroll_tax"] == pytest.approx((5_952 + 1_392 + 411.91 + 31.20) * share, abs=0.01)
    full_2027 = 12_290 + 4_623.75 + 3_029.25 + 5_952 + 1_392 + 411.91 + 31.20
    assert ev.after_tax.tax[0, 0] == pytest.approx(tax_2026 + full_2027 * share, abs=0.01)


def test_uk_january_2027_start_straddles_two_tax_years(write):
    path = write("o.yaml", """
        reporting_currency: GBP
        assumptions: {horizon_years: 1}
        offers:
          - {id: u, company: U, currency: GBP, base_salary: 120k, location: "London, UK", start_date: 2027-01-04}
        """)
    ev = evaluate(load_offers([path]), today=dt.date(2026, 12, 1))
    block = ev.offer_dict(0)["tax"]
    y = _years(block)
    # January-March 2027 pay falls in 2026/27 (6 April 2026 - 5 April 2027); April-December in 2027/28
    assert [(k, v["months"]) for k, v in y.items()] == [("2026/27", 3), ("2027/28", 9)]
    # 2026/27 on 30,000 (HMRC rates and allowances): (30,000 - 12,570) x 20% = 3,486; NI 8% x 17,430 = 1,394.40
    assert y["2026/27"]["income_tax_national"] == pytest.approx(3_486.00, abs=0.01)
    assert y["2026/27"]["payroll_tax"] == pytest.approx(1_394.40, abs=0.01)
    # 2027/28 is cut by the horizon after December (90,000 of pay): taxed on the last 12 months (120,000, the
    # 2026/27 tables): allowance 12,570 - (120,000 - 100,000) / 2 = 2,570; 117,430 taxable →
    # 20% x 37,700 + 40% x 79,730 = 39,432; NI 8% x 37,700 + 2% x 69,730 = 4,410.60; share 90,000 / 120,000
    assert y["2027/28"]["income_tax_national"] == pytest.approx(39_432 * 0.75, abs=0.01)
    assert y["2027/28"]["payroll_tax"] == pytest.approx(4_410.60 * 0.75, abs=0.01)
    assert ev.after_tax.tax[0, 0] == pytest.approx(3_486 + 1_394.40 + (39_432 + 4_410.60) * 0.75, abs=0.01)
    assert any("tax years run from 6 April" in n for n in block["notes"])


def test_uk_bonus_paid_in_march_falls_in_the_tax_year_ending_in_april(write):
    path = write("o.yaml", """
        reporting_currency: GBP
        assumptions: {horizon_years: 2}
        offers:
          - {id: u, company: U, currency: GBP, base_salary: 60k, bonus: {amount: 12000}, location: "London, UK",
             start_date: 2027-01-04}
        """)
    ev = evaluate(load_offers([path]), today=dt.date(2026, 12, 1))
    y = _years(ev.offer_dict(0)["tax"])
    # the 2027 bonus (12,000, calendar bonus year) is paid in March 2028: tax year 2027/28 (to 5 April 2028)
    # holds April-December 2027 pay (45,000) and January-March 2028 (15,000) and that bonus
    assert y["2027/28"]["taxable_wages"] == pytest.approx(45_000 + 15_000 + 12_000, abs=0.01)
    assert y["2026/27"]["taxable_wages"] == pytest.approx(15_000, abs=0.01)


def _random_offers(rng) -> str:
    places = ["Seattle, WA", "New York, NY", "San Francisco, CA", "Austin, TX", "Berlin, Germany", "London, UK", "Edinburgh, Scotland, UK"]
    cur = {"Berlin, Germany": "EUR", "London, UK": "GBP", "Edinburgh, Scotland, UK": "GBP"}
    lines = []
    for i in range(24):
        place = places[rng.integers(len(places))]
        start = dt.date(2026 + int(rng.integers(0, 2)), int(rng.integers(1, 13)), int(rng.integers(1, 29)))
        parts = [f"id: o{i}", "company: C", f"currency: {cur.get(place, 'USD')}", f"base_salary: {int(rng.integers(40, 400))}k",
                 f"location: '{place}'", f"start_date: {start.isoformat()}"]
        if rng.random() < 0.7:
            parts.append(f"bonus: {{target: {int(rng.integers(5, 30))}%, payout_month: {int(rng.integers(1, 13))}}}")
        if rng.random() < 0.5:
            parts.append(f"sign_on: [{{amount: {int(rng.integers(5, 80))}k, month: {int(rng.integers(0, 30))}}}]")
        if rng.random() < 0.6:
            parts.append(f"equity: [{{type: rsu, grant_value: {int(rng.integers(20, 600))}k, vesting: 4y-cliff-quarterly}}]")
        if rng.random() < 0.3:
            parts.append("retirement: {match: 100%, up_to: 5%}")
        lines.append("  - {" + ", ".join(parts) + "}")
    return "offers:\n" + "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed,horizon", [(1, 1), (2, 3), (3, 4), (4, 2)])
def test_allocated_offer_year_tax_sums_to_the_tax_years_within_the_horizon(write, seed, horizon):
    rng = np.random.default_rng(seed)
    path = write("o.yaml", f"reporting_currency: USD\nfx: {{EUR: 1.10, GBP: 1.30}}\nassumptions: {{horizon_years: {horizon}}}\n"
                 + _random_offers(rng))
    ev = evaluate(load_offers([path]), today=dt.date(2026, 1, 1))
    at = ev.after_tax
    np.testing.assert_allclose(at.tax.sum(axis=1), at.total_tax.sum(axis=1), rtol=1e-9, atol=1e-6)
    # every payment within the horizon is in exactly one tax year (April years too): the same total as the calendar years
    c = ev.figures.calendar
    paid = sum(c.parts[k] for k in ("base", "bonus", "sign_on", "relocation", "equity")).sum(axis=1)
    np.testing.assert_allclose(at.taxable_wages.sum(axis=1), paid, rtol=1e-9)
    assert (at.horizon_share > 0).all() and (at.horizon_share <= 1 + 1e-9).all()
    assert np.isfinite(at.tax).all() and (at.tax >= 0).all()
