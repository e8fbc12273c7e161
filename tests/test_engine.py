"""The engine against hand-computed figures: one worked example per rule (docs/methodology.md)."""

from __future__ import annotations

import pytest

from toolkit import evaluate
from toolkit.offers.models import Assumptions

FX = {"EUR": 1.10, "GBP": 1.25, "USD": 1.0}


def run(offers, **assumptions):
    return evaluate(list(offers), Assumptions(**assumptions), {k: v for k, v in FX.items()}, currency="USD")


def year(e, component, i=0):
    return list(e.figures.parts[component][i]) if component in e.figures.parts else list(getattr(e.figures, component)[i])


@pytest.mark.parametrize(
    "salary, extra, expected",
    [
        ("95/hour", "", 197_600),
        ("95/hour", "hours_per_year: 2000", 190_000),
        ("800/day", "", 208_000),
        ("3000/week", "", 156_000),
        ("6000/biweek", "", 156_000),
        ("7000/semimonth", "", 168_000),
        ("15000/month", "", 180_000),
        ("15000/month", "extra_months: 2", 210_000),
        ("{amount: 95, per: hour}", "", 197_600),
        ('"$185,000"', "", 185_000),
        ("185k", "", 185_000),
    ],
)
def test_every_pay_period_annualised(offer_from_yaml, salary, extra, expected):
    o = offer_from_yaml(f"company: A\ncurrency: USD\nbase_salary: {salary}\n{extra}\n")
    assert run([o]).figures.parts["base"][0, 0] == pytest.approx(expected)


def test_raise_compounds_on_base_and_target_bonus_but_not_fixed_amounts(offer_from_yaml):
    o = offer_from_yaml("company: A\ncurrency: USD\nbase_salary: 100000\nbonus: {target: 10%}\nsign_on: 20000\nbenefits: {health: 6000}\n")
    e = run([o], annual_raise=0.03)
    assert year(e, "base") == pytest.approx([100_000, 103_000, 106_090, 109_272.70])
    assert year(e, "bonus") == pytest.approx([10_000, 10_300, 10_609, 10_927.27])
    assert year(e, "sign_on") == pytest.approx([20_000, 0, 0, 0])
    assert year(e, "benefits") == pytest.approx([6_000] * 4)


def test_fixed_bonus_times_expected_payout(offer_from_yaml):
    o = offer_from_yaml("company: A\ncurrency: USD\nbase_salary: 100000\nbonus: {amount: 5000, expected_payout: 80%}\n")
    assert year(run([o], annual_raise=0.05), "bonus") == pytest.approx([4_000] * 4)


def test_rsu_grant_value_with_stock_growth(offer_from_yaml):
    o = offer_from_yaml("company: A\ncurrency: USD\nbase_salary: 1\nequity: {grant_value: 100000, vesting: 4y-annual}\n")
    assert year(run([o], stock_growth=0.10), "equity") == pytest.approx([27_500, 30_250, 33_275, 36_602.5])


def test_grant_stock_growth_overrides_the_assumption(offer_from_yaml):
    o = offer_from_yaml("company: A\ncurrency: USD\nbase_salary: 1\nequity: {grant_value: 100000, vesting: 4y-annual, stock_growth: -50%}\n")
    assert year(run([o], stock_growth=0.10), "equity") == pytest.approx([12_500, 6_250, 3_125, 1_562.5])


def test_rsu_shares_times_price_monthly_growth(offer_from_yaml):
    # 4y-cliff-monthly: 25% at month 12 then 1/48 a month; P(m) = 50 × 1.2^(m/12)
    o = offer_from_yaml("company: A\ncurrency: USD\nbase_salary: 1\nequity: {shares: 1000, share_price: 50}\n")
    e = run([o], stock_growth=0.2, horizon_years=2)
    y2 = sum(1000 / 48 * 50 * 1.2 ** (m / 12) for m in range(13, 25))
    assert year(e, "equity") == pytest.approx([1000 * 0.25 * 50 * 1.2, y2])


def test_options_under_water_are_worth_nothing_but_cost_to_exercise(offer_from_yaml):
    o = offer_from_yaml("""
        company: A
        currency: USD
        base_salary: 1
        equity: {type: option, shares: 10000, strike: 10, share_price: 8, vesting: 4y-annual}
    """)
    e = run([o])
    assert year(e, "equity") == [0, 0, 0, 0]
    assert e.headlines["exercise_cost"][0] == pytest.approx(100_000)
    assert any(f.startswith("under-water") for f in e.flags[0])


def test_options_come_into_the_money_with_growth(offer_from_yaml):
    o = offer_from_yaml("""
        company: A
        currency: USD
        base_salary: 1
        equity: {type: option, shares: 10000, strike: 10, share_price: 8, vesting: 4y-annual}
    """)
    # price 8 × 1.2^k: 9.6 (under), 11.52, 13.824, 16.5888
    assert year(run([o], stock_growth=0.2), "equity") == pytest.approx([0, 3_800, 9_560, 16_472])


def test_private_grant_discount_and_paper_value_flag(offer_from_yaml):
    o = offer_from_yaml("company: A\ncurrency: USD\nbase_salary: 1\nequity: {grant_value: 100000, vesting: 4y-annual, private: true}\n")
    e = run([o], private_equity_discount=0.5)
    assert year(e, "equity") == pytest.approx([12_500] * 4)
    assert any(f.startswith("paper-value") for f in e.flags[0])


def test_currency_conversion_of_offer_and_of_a_grant_priced_elsewhere(offer_from_yaml):
    o = offer_from_yaml("""
        company: B
        currency: EUR
        base_salary: €100,000
        equity: {shares: 100, share_price: 100, currency: GBP, vesting: 4y-annual}
    """)
    e = run([o])
    assert e.figures.parts["base"][0, 0] == pytest.approx(110_000)  # 100,000 × 1.10
    assert e.figures.parts["equity"][0, 0] == pytest.approx(3_125)  # 10,000 GBP × 25% × 1.25
    assert e.to_dict()["fx"]["EUR"]["rate"] == 1.10


def test_sign_on_counted_in_its_year_and_clawback_terms_kept(offer_from_yaml):
    o = offer_from_yaml("""
        company: A
        currency: USD
        base_salary: 1
        sign_on:
          - {amount: 30k, year: 1, clawback_months: 12, clawback: prorata, repay_basis: net}
          - {amount: 20k, year: 2, clawback_months: 24, clawback: cliff}
          - {amount: 5k, year: 6}
    """)
    assert o.sign_on[0].clawback == "prorata" and o.sign_on[0].clawback_months == 12 and o.sign_on[0].repay_basis == "net"
    assert o.sign_on[1].clawback == "cliff"
    e = run([o])
    assert year(e, "sign_on") == [30_000, 20_000, 0, 0]
    assert any(f.startswith("sign-on-beyond-horizon") for f in e.flags[0])


# Limits by calendar year (toolkit/offers/tables/limits/2026.toml, IRS Notice 2025-67): a start on
# 5 January 2026 makes offer year 1 the calendar year 2026. The US limits follow the location,
# never the currency: a USD offer in London gets none, a Berlin pension is not a 401(k).
US_2026 = "location: Austin, TX\nstart_date: 2026-01-05\n"


@pytest.mark.parametrize(
    "currency, where, base, retirement, expected",
    [
        ("USD", US_2026, 100_000, "[{match: 100%, up_to: 3%}, {match: 50%, up_to: 2%}]", 4_000),
        ("USD", US_2026, 500_000, "{match: 100%, up_to: 6%}", 21_600),  # pay capped at 360,000
        ("USD", US_2026, 450_000, "{match: 100%, up_to: 10%}", 24_500),  # deferral capped at 24,500
        ("USD", US_2026, 450_000, "[{match: 100%, up_to: 3%}, {match: 50%, up_to: 2%}]", 14_400),
        ("USD", US_2026, 400_000, "[{match: 100%, up_to: 6%}, {match: 50%, up_to: 4%}]", 23_050),  # cap binds in tier 2
        ("EUR", "location: Berlin, Germany\n", 400_000, "[{match: 100%, up_to: 6%}, {match: 50%, up_to: 4%}]", 32_000 * 1.10),  # no US caps
        ("EUR", "location: Berlin, Germany\n", 100_000, "{employer_contribution: 4%}", 4_400),
        ("USD", US_2026, 400_000, "{employer_contribution: 10%}", 36_000),  # 401(a)(17): 10% of 360,000
        ("USD", "location: London, UK\n", 400_000, "{employer_contribution: 10%}", 40_000),  # USD, not in the US
    ],
)
def test_retirement_with_401k_caps(offer_from_yaml, currency, where, base, retirement, expected):
    o = offer_from_yaml(f"company: A\ncurrency: {currency}\n{where}base_salary: {base}\nretirement: {retirement}\n")
    assert run([o]).figures.parts["retirement"][0, 0] == pytest.approx(expected)


@pytest.mark.parametrize("currency, where, expected", [("USD", US_2026, 3_750), ("EUR", "location: Berlin, Germany\n", 30_000 * 0.15 / 0.85 * 1.10)])
def test_espp_gain_with_the_us_cap(offer_from_yaml, currency, where, expected):
    o = offer_from_yaml(f"company: A\ncurrency: {currency}\n{where}base_salary: 300000\nbenefits: {{espp: {{discount: 15%, contribution: 10%}}}}\n")
    # US: min(30,000, 25,000 × 0.85) × 0.15 / 0.85 = 3,750
    assert run([o]).figures.parts["benefits"][0, 0] == pytest.approx(expected)


def test_benefits_periods_are_annualised(offer_from_yaml):
    o = offer_from_yaml("company: A\ncurrency: USD\nbase_salary: 1\nbenefits: {health: 500/month, hsa: 1000, other: {gym: 50/month, learning: 1500}}\n")
    assert run([o]).figures.parts["benefits"][0, 0] == pytest.approx(6_000 + 1_000 + 600 + 1_500)


def test_refreshers_vest_from_each_anniversary_and_count_only_when_included(offer_from_yaml):
    o = offer_from_yaml("company: A\ncurrency: USD\nbase_salary: 100000\nrefresher: {annual_value: 40000, vesting: 4y-annual}\n")
    e = run([o])
    assert year(e, "refresh_equity") == pytest.approx([0, 10_000, 20_000, 30_000])
    assert year(e, "tc") == pytest.approx([100_000] * 4)
    e2 = run([o], include_refreshers=True, stock_growth=0.1)
    # r = 12 months after each grant → × 1.1; r = 24 → × 1.21
    assert year(e2, "refresh_equity") == pytest.approx([0, 11_000, 11_000 + 12_100, 11_000 + 12_100 + 13_310])
    assert year(e2, "tc")[3] == pytest.approx(100_000 + 36_410)


def test_relocation_counts_once_in_year_one_of_total_rewards_not_tc(offer_from_yaml):
    o = offer_from_yaml("company: A\ncurrency: USD\nbase_salary: 100000\nrelocation: {amount: 10000, grossed_up: false, clawback_months: 12}\n")
    e = run([o])
    assert year(e, "relocation") == [10_000, 0, 0, 0]
    assert year(e, "tc")[0] == 100_000
    assert year(e, "total_rewards")[0] == 110_000


def test_headline_figures(offer_from_yaml):
    o = offer_from_yaml("""
        company: A
        currency: USD
        base_salary: 104000
        bonus: 10%
        sign_on: 20000
        pto_days: 20
        col_index: 125
        tax_rate: 30%
    """)
    e = run([o], horizon_years=2, discount_rate=0.10)
    h = {k: float(v[0]) for k, v in e.headlines.items()}
    tc = [104_000 + 10_400 + 20_000, 104_000 + 10_400]
    assert h["year1_tc"] == pytest.approx(134_400)
    assert h["average_tc"] == pytest.approx(sum(tc) / 2)
    assert h["total_tc"] == pytest.approx(sum(tc))
    assert h["pto_value"] == pytest.approx(104_000 / 260 * 20)  # 8,000
    assert h["average_tc_col_adjusted"] == pytest.approx(sum(tc) / 2 * 100 / 125)
    assert h["average_tc_after_tax"] == pytest.approx(sum(tc) / 2 * 0.7)
    assert h["total_tc_present_value"] == pytest.approx(tc[0] / 1.1 + tc[1] / 1.21)


def test_optional_headlines_are_null_without_their_inputs(offer_from_yaml):
    o = offer_from_yaml("company: A\ncurrency: USD\nbase_salary: 100000\n")
    d = run([o]).to_dict()["offers"][0]
    assert d["pto_value"] is None and d["average_tc_col_adjusted"] is None
    assert d["average_tc_after_tax"] is None and d["total_tc_present_value"] is None


def test_assumption_tax_rate_applies_when_the_offer_has_none(offer_from_yaml):
    o = offer_from_yaml("company: A\ncurrency: USD\nbase_salary: 100000\n")
    assert run([o], tax_rate=0.25).headlines["average_tc_after_tax"][0] == pytest.approx(75_000)


def test_missing_terms_listed_and_counted_as_zero(offer_from_yaml):
    o = offer_from_yaml("company: A\ncurrency: USD\nbase_salary: 100000\nbonus: 10%\n")
    e = run([o])
    assert "bonus" not in e.missing_terms[0]
    assert {"equity", "sign_on", "retirement", "visa", "deadline"} <= set(e.missing_terms[0])
    assert year(e, "equity") == [0, 0, 0, 0]


def test_years_frame_is_tidy_and_matches_arrays(offer_from_yaml):
    o = offer_from_yaml("company: A\ncurrency: USD\nbase_salary: 100000\n")
    e = run([o, o.model_copy(update={"id": "b"})])
    frame = e.years
    assert list(frame.columns) == ["offer_id", "year", "component", "amount"]
    assert len(frame) == 2 * 4 * 10
    assert frame.query("offer_id == 'b' and year == 3 and component == 'tc'")["amount"].item() == pytest.approx(100_000)
    assert list(e.summary["offer_id"]) == ["a", "b"]


def test_with_assumptions_re_evaluates_without_reloading(offer_from_yaml):
    o = offer_from_yaml("company: A\ncurrency: USD\nbase_salary: 1\nequity: {grant_value: 100000, vesting: 4y-annual}\n")
    e = run([o])
    worse = e.with_assumptions(stock_growth=-0.3)
    assert worse.figures.parts["equity"][0, 0] == pytest.approx(25_000 * 0.7)
    assert e.figures.parts["equity"][0, 0] == pytest.approx(25_000)
