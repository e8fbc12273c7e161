"""State and local taxes, hand-computed from each state's published figures (sources in the
table files and docs/tax.md). Single filer, $200,000 of wages, unless a test says otherwise."""

from __future__ import annotations

import pytest

from toolkit.offers.tax import BuiltinEngine, TaxHouseholds


def row(state, year=2025, wages=200_000.0, locality="", **kw):
    r = BuiltinEngine().compute(TaxHouseholds.build(year=year, country="US", region=state, locality=locality, wages=wages, **kw))
    out = r.row(0)
    c = out["components"]
    return c.get("state_income_tax", 0.0), c.get("local_income_tax", 0.0), c.get("state_payroll", 0.0), out


def test_california_2025():
    income, _, payroll, r = row("CA")
    # FTB 2025 schedule X, taxable 200,000 - 5,706 = 194,294:
    # 1% x 11,079 + 2% x 15,185 + 4% x 15,188 + 6% x 16,090 + 8% x 15,182 + 9.3% x 121,570
    #   = 110.79 + 303.70 + 607.52 + 965.40 + 1,214.56 + 11,306.01 = 14,507.98; less the $153 credit
    assert income == pytest.approx(14_354.98, abs=0.01)
    assert payroll == pytest.approx(0.012 * 200_000, abs=0.01)  # EDD: SDI 1.2% for 2025, no wage limit
    # SALT 14,354.98 + 2,400 = 16,754.98 > 15,750: itemized; federal tax 37,067 - 24% x 1,004.98
    assert r["components"]["us_federal_income_tax"] == pytest.approx(37_067 - 0.24 * 1_004.98, abs=0.01)


def test_california_2026_uses_2025_brackets_with_a_note_and_the_2026_sdi_rate():
    income, _, payroll, r = row("CA", year=2026)
    assert income == pytest.approx(14_354.98, abs=0.01)
    assert payroll == pytest.approx(0.013 * 200_000, abs=0.01)  # EDD: 1.3% for 2026
    assert "CA income tax for 2026 uses the 2025 figures, the latest published in the toolkit's tables" in r["notes"]


def test_california_mental_health_tax_and_credit_phase_out():
    income, _, _, _ = row("CA", wages=1_200_000)
    taxable = 1_200_000 - 5_706
    schedule = (110.79 + 303.70 + 607.52 + 965.40 + 1_214.56 + 0.093 * (371_479 - 72_724) + 0.103 * (445_771 - 371_479)
                + 0.113 * (742_953 - 445_771) + 0.123 * (taxable - 742_953))
    # credit gone: 153 - 6 x ceil((1,200,000 - 252,203) / 2,500) < 0; mental health 1% over $1M
    assert income == pytest.approx(schedule + 0.01 * (taxable - 1_000_000), abs=0.01)


def test_new_york_state_and_city_2025():
    income, local, payroll, _ = row("NY", locality="NYC")
    # taxable 200,000 - 8,000 = 192,000; NYAGI above 157,650 so the recapture is complete:
    # tax = 6% x 192,000 (IT-201 tax computation worksheet 1)
    assert income == pytest.approx(11_520.00, abs=0.01)
    # NYC: 3.078% x 12,000 + 3.762% x 13,000 + 3.819% x 25,000 + 3.876% x 142,000 = 7,317.09,
    # less the school tax credit: $63 fixed + rate reduction 0.171% x 12,000 + 0.228% x 180,000 (430.92)
    assert local == pytest.approx(7_317.09 - 63 - 430.92, abs=0.01)  # 6,823.17
    # PFL 0.388% capped at $354.53 + DBL 0.5% capped at $31.20
    assert payroll == pytest.approx(354.53 + 31.20, abs=0.01)


def test_new_york_2026_rates_and_pfl():
    income, local, payroll, _ = row("NY", year=2026, locality="NYC")
    assert income == pytest.approx(0.059 * 192_000, abs=0.01)  # the 6% rate is 5.9% from 2026
    assert local == pytest.approx(6_823.17, abs=0.01)
    assert payroll == pytest.approx(411.91 + 31.20, abs=0.01)


def test_new_york_recapture_phases_in_over_50000_of_agi():
    income, local, _, _ = row("NY", wages=130_000)
    # taxable 122,000: table 340 + 144 + 115.50 + 3,671.25 + 6% x 41,350 = 6,751.75;
    # flat 6% = 7,320; recapture (7,320 - 6,751.75) x (130,000 - 107,650) / 50,000 = 254.01
    assert income == pytest.approx(6_751.75 + 568.25 * 0.447, abs=0.01)
    assert local == 0.0  # outside New York City


def test_new_york_second_tier_recapture():
    income, _, _, _ = row("NY", wages=240_000)
    taxable = 232_000
    table = 340 + 144 + 115.5 + 3_671.25 + 0.06 * (215_400 - 80_650) + 0.0685 * (taxable - 215_400)
    # worksheet 2: table + recapture base 568 + incremental benefit 1,831 x (240,000 - 215,400) / 50,000
    assert income == pytest.approx(table + 568 + 1_831 * 0.492, abs=0.01)


def test_washington_no_income_tax_but_pfml_and_wa_cares():
    income, _, payroll, r = row("WA")
    # PFML 0.92% x 71.52% of wages up to $176,100 = 1,158.71; WA Cares 0.58% x 200,000 = 1,160
    assert income == 0.0
    assert payroll == pytest.approx(0.0092 * 0.7152 * 176_100 + 0.0058 * 200_000, abs=0.01)
    _, _, payroll26, _ = row("WA", year=2026)
    assert payroll26 == pytest.approx(0.0113 * 0.7143 * 184_500 + 0.0058 * 200_000, abs=0.01)


@pytest.mark.parametrize("state", ["TX", "FL", "AK", "NV", "NH", "SD", "TN", "WY"])
def test_states_without_wage_income_tax(state):
    income, local, payroll, r = row(state)
    assert (income, local, payroll) == (0.0, 0.0, 0.0)
    assert not [n for n in r["notes"] if "not included" in n]


# (state, year, income tax, payroll) for $200,000 single; the computation is in the comment.
CASES = [
    ("MA", 2025, 0.05 * (200_000 - 4_400 - 2_000), (0.0018 + 0.4 * 0.007) * 176_100),  # FICA deduction capped at $2,000
    ("MA", 2026, 0.05 * (200_000 - 4_400 - 2_000), (0.0018 + 0.4 * 0.007) * 184_500),
    ("IL", 2025, 0.0495 * (200_000 - 2_850), 0.0),
    ("CO", 2025, 0.044 * (200_000 - 15_750), 0.0045 * 176_100),  # federal taxable income, FAMLI 0.45%
    ("GA", 2025, 0.0519 * (200_000 - 12_000), 0.0),
    # NJ: 1.4% x 20,000 + 1.75% x 15,000 + 3.5% x 5,000 + 5.525% x 35,000 + 6.37% x 124,000; TDI+FLI, UI+WF
    ("NJ", 2025, 280 + 262.5 + 175 + 1_933.75 + 7_898.8, 0.0056 * 165_400 + 0.00425 * 43_300),
    ("NC", 2025, 0.0425 * (200_000 - 12_750), 0.0),
    ("NC", 2026, 0.0399 * (200_000 - 12_750), 0.0),
    ("VA", 2025, 60 + 60 + 600 + 0.0575 * (200_000 - 8_750 - 930 - 17_000), 0.0),
    # OR: no federal-tax subtraction above $145,000 of AGI, no exemption credit above $100,000:
    # 4.75% x 4,400 + 6.75% x 6,700 + 8.75% x 113,900 + 9.9% x (197,165 - 125,000); transit 0.1% + PLO 0.6%
    ("OR", 2025, 209 + 452.25 + 9_966.25 + 0.099 * 72_165, 0.001 * 200_000 + 0.006 * 176_100),
    ("PA", 2025, 0.0307 * 200_000, 0.0007 * 200_000),
    ("MN", 2025, 0.0535 * 32_570 + 0.068 * (106_990 - 32_570) + 0.0785 * (185_050 - 106_990), 0.0),
    ("MN", 2026, 0.0535 * 33_310 + 0.068 * (109_430 - 33_310) + 0.0785 * (184_700 - 109_430), 0.0044 * 184_500),
]


@pytest.mark.parametrize("state,year,income_tax,payroll", CASES)
def test_state_at_200k(state, year, income_tax, payroll):
    income, _, pay, _ = row(state, year=year)
    assert income == pytest.approx(income_tax, abs=0.01)
    assert pay == pytest.approx(payroll, abs=0.01)


def test_massachusetts_taxes_the_401k_deferral_and_pennsylvania_too():
    ma, _, _, _ = row("MA", pretax_deductions=20_000)
    assert ma == pytest.approx(0.05 * (200_000 - 4_400 - 2_000), abs=0.01)
    pa, _, _, _ = row("PA", pretax_deductions=20_000)
    assert pa == pytest.approx(0.0307 * 200_000, abs=0.01)
    ca, _, _, _ = row("CA", pretax_deductions=20_000)
    assert ca < 14_354.98 - 1_800  # California follows the federal exclusion (9.3% x 20,000)


def test_oregon_federal_tax_subtraction_below_the_phase_out():
    income, _, _, _ = row("OR", wages=80_000)
    # federal tax (standard deduction) on 64,250: 1,192.50 + 4,386 + 22% x 15,775 = 9,049 → capped at 8,500
    # OR taxable 80,000 - 8,500 - 2,835 = 68,665: 209 + 452.25 + 8.75% x 57,565 = 5,698.19; credit $256
    assert income == pytest.approx(209 + 452.25 + 0.0875 * 57_565 - 256, abs=0.01)


def test_colorado_adds_back_deductions_above_300k_of_agi():
    income, _, _, _ = row("CO", wages=400_000)
    assert income == pytest.approx(0.044 * (400_000 - 12_000), abs=0.01)


def test_a_state_without_tables_says_so_and_is_not_a_silent_zero():
    income, _, payroll, r = row("OH")
    assert (income, payroll) == (0.0, 0.0)
    assert ("state tax not included for OH: the built-in tables do not cover it; install the tax-us extra and use "
            "--tax-engine policyengine") in r["notes"]


def test_no_state_says_set_tax_state():
    _, _, _, r = row("")
    assert "state tax not included: set tax.state" in r["notes"]


def test_an_unmodelled_locality_is_named():
    _, local, _, r = row("CA", locality="San Francisco")
    assert local == 0.0 and "local income tax for San Francisco is not modelled" in r["notes"]
