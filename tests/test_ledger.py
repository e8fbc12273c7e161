"""The dated engine against hand computations: starts in January, July and November of 2025
and 2026, the bonus payout rules, dated payments, and the US limits per calendar year.

Sources of the limits (toolkit/offers/tables/limits/): 2025 — IRS Notice 2024-80 (402(g)
$23,500, catch-up $7,500, ages 60-63 $11,250, 415(c) $70,000, 401(a)(17) $350,000) and Rev.
Proc. 2024-25 (HSA $4,300 / $8,550); 2026 — IRS Notice 2025-67 ($24,500, $8,000, $11,250,
$72,000, $360,000) and Rev. Proc. 2025-19 (HSA $4,400 / $8,750); 2027 — Rev. Proc. 2026-24
(HSA $4,500 / $9,000; the plan limits not yet published). Statute: §423(b)(8) $25,000 of
ESPP stock a calendar year; §422(d) $100,000 of ISOs first exercisable a calendar year.
Each rule is written out in docs/methodology.md with the same examples.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit import evaluate
from toolkit.offers.limits import limit
from toolkit.offers.models import Assumptions, Offer

from strategies import offers as offer_strategy

TODAY = dt.date(2024, 12, 1)  # only offers without a start date use it (they start 2025-01-01)


def run(*offers, **assumptions):
    return evaluate(list(offers), Assumptions(**assumptions), {"EUR": 1.10}, currency="USD", today=TODAY)


def offer(start: str | None = None, location: str = "Austin, TX", **terms) -> Offer:
    data = {"id": "o", "company": "A", "currency": "USD", "location": location, "base_salary": 185_000, **terms}
    if start:
        data["start_date"] = start
    return Offer.model_validate(data)


def cal(e, key, i=0):
    """{calendar year: value} of the paid view."""
    return {y["year"]: y[key] for y in e.offer_dict(i)["calendar_years"]}


def months(e, i=0):
    return {y["year"]: y["months_employed"] for y in e.offer_dict(i)["calendar_years"]}


# ---------------------------------------------------------------- the three start dates


def test_january_2026_start_offer_years_are_calendar_years():
    # 185,000 base, 15% bonus paid in March for the calendar year before.
    e = run(offer("2026-01-05", bonus="15%"))
    assert months(e) == {2026: 12, 2027: 12, 2028: 12, 2029: 12}
    assert list(e.figures.parts["bonus"][0]) == pytest.approx([27_750] * 4)  # earned: 185,000 × 15%
    # paid: nothing in 2026 (the 2026 bonus lands in March 2027); 2029's bonus lands in March 2030
    assert cal(e, "bonus") == pytest.approx({2026: 0, 2027: 27_750, 2028: 27_750, 2029: 27_750})
    assert e.offer_dict(0)["bonus_accrued_unpaid"] == pytest.approx(27_750)
    assert e.headlines["first_12_months_cash"][0] == pytest.approx(185_000)


@pytest.mark.parametrize("rule, paid_2026, year1", [
    ("prorated", 13_875, 27_750),  # Jul-Dec 2025 = 6 months: 27,750 × 6/12, paid March 2026
    ("full", 27_750, 27_750 + 13_875),  # a full year's bonus for 2025; year 1 earns the extra 13,875
    ("none", 0, 13_875),  # nothing for the partial 2025; year 1 keeps only Jan-Jun 2026
])
def test_july_2025_start_bonus_under_each_first_year_rule(rule, paid_2026, year1):
    e = run(offer("2025-07-01", bonus={"target": "15%", "first_year": rule}))
    assert months(e) == {2025: 6, 2026: 12, 2027: 12, 2028: 12, 2029: 6}
    assert cal(e, "base")[2025] == pytest.approx(92_500)  # 185,000 × 6/12: the straddled year
    assert cal(e, "bonus")[2025] == 0
    assert cal(e, "bonus")[2026] == pytest.approx(paid_2026)
    assert e.figures.parts["bonus"][0, 0] == pytest.approx(year1)
    # the overstatement the issue names: year 1 earned 27,750, paid in 2025+2026 only 13,875
    assert e.headlines["first_12_months_cash"][0] == pytest.approx(185_000 + paid_2026)
    # 2029: Jan-Jun accrue 13,875, paid in March 2030, after the horizon
    assert e.offer_dict(0)["bonus_accrued_unpaid"] == pytest.approx(13_875)


@pytest.mark.parametrize("start, first_months, accrued_2025", [
    ("2025-11-03", 2, 4_625),  # on or before the 15th: Nov + Dec count; 27,750 × 2/12
    ("2025-11-20", 1, 2_312.5),  # after the 15th: counted from December; 27,750 × 1/12
])
def test_november_2025_start_counts_the_start_month_by_the_15th(start, first_months, accrued_2025):
    e = run(offer(start, bonus="15%"))
    assert months(e)[2025] == first_months
    assert cal(e, "base")[2025] == pytest.approx(185_000 * first_months / 12)
    assert cal(e, "bonus")[2026] == pytest.approx(accrued_2025)  # paid March 2026
    assert e.figures.parts["bonus"][0, 0] == pytest.approx(27_750)  # earned view unchanged


def test_an_eligibility_cutoff_missed_pays_nothing_for_the_first_year():
    # start 3 Nov 2025, cut-off 1 Oct: the partial 2025 bonus (4,625) is not paid; year 1 earns 27,750 − 4,625
    e = run(offer("2025-11-03", bonus={"target": "15%", "eligibility_cutoff": "10-01"}))
    assert cal(e, "bonus")[2026] == 0
    assert e.figures.parts["bonus"][0, 0] == pytest.approx(23_125)
    # a July start is before the cut-off: prorated as usual
    e = run(offer("2025-07-01", bonus={"target": "15%", "eligibility_cutoff": "10-01"}))
    assert cal(e, "bonus")[2026] == pytest.approx(13_875)


def test_fiscal_bonus_year_and_payout_month():
    # fiscal year from April, paid in June: start Jan 2026 → fiscal year Apr 2025-Mar 2026 has
    # Jan-Mar 2026 (3 months: 27,750 × 3/12 = 6,937.50), paid June 2026
    e = run(offer("2026-01-05", bonus={"target": "15%", "year": "fiscal", "fiscal_start_month": 4, "payout_month": 6}))
    assert cal(e, "bonus")[2026] == pytest.approx(6_937.5)
    assert cal(e, "bonus")[2027] == pytest.approx(27_750)  # FY Apr 2026-Mar 2027, paid June 2027


def test_july_2026_start_with_dated_raise_sign_on_in_instalments_and_relocation_date():
    e = run(offer("2026-07-01", raises=[{"date": "2027-01-01", "percent": "10%"}],
                  sign_on={"amount": 30_000, "month": 3, "installments": 3}, relocation={"amount": 12_000, "date": "2027-02-01"}))
    # base: Jul-Dec 2026 at 185,000/12; from Jan 2027 at 203,500/12
    assert cal(e, "base")[2026] == pytest.approx(92_500)
    assert cal(e, "base")[2027] == pytest.approx(203_500)
    assert e.figures.parts["base"][0, 0] == pytest.approx(92_500 + 101_750)
    # sign-on 10,000 in Oct, Nov, Dec 2026; relocation in February 2027 (month 7 of year 1)
    assert cal(e, "sign_on")[2026] == pytest.approx(30_000)
    assert cal(e, "relocation") == pytest.approx({2026: 0, 2027: 12_000, 2028: 0, 2029: 0, 2030: 0})
    assert e.figures.parts["relocation"][0, 0] == pytest.approx(12_000)


def test_vest_start_before_the_start_date_moves_the_cliff():
    # 4y-annual 400,000, vesting from 2025-07-01, start 2026-01-05: events at months 12, 24, ... of
    # vesting = June 2026, June 2027, ... (months 6, 18, 30, 42 from the start): 100,000 in each offer year
    e = run(offer("2026-01-05", equity={"grant_value": 400_000, "vesting": "4y-annual", "vest_start": "2025-07-01"}))
    assert cal(e, "equity") == pytest.approx({2026: 100_000, 2027: 100_000, 2028: 100_000, 2029: 100_000})
    assert e.vest_events["month"].tolist() == [6, 18, 30, 42]


def test_sign_on_and_relocation_after_the_horizon_are_flagged_however_they_are_dated():
    # start 1 July 2026, horizon 4 years = months 0-47 (July 2026 - June 2030)
    def beyond(**terms):
        fl = run(offer("2026-07-01", **terms)).flags[0]
        return [f for f in fl if f.startswith("sign-on-beyond-horizon")]

    assert beyond(sign_on={"amount": 10_000, "date": "2030-06-01"}) == []  # month 47: the last one counted
    assert len(beyond(sign_on={"amount": 10_000, "date": "2030-07-01"})) == 1  # month 48
    assert "1 sign-on or relocation payment(s)" in beyond(sign_on={"amount": 10_000, "month": 48})[0]
    # 4 instalments from month 46: months 46, 47 counted; 48 and 49 are not
    e = run(offer("2026-07-01", sign_on={"amount": 40_000, "month": 46, "installments": 4}))
    assert "2 sign-on or relocation payment(s)" in next(f for f in e.flags[0] if f.startswith("sign-on-beyond"))
    assert e.figures.parts["sign_on"][0].sum() == pytest.approx(20_000)
    assert len(beyond(relocation={"amount": 12_000, "date": "2031-01-01"})) == 1
    assert len(beyond(sign_on={"amount": 10_000, "year": 5})) == 1
    # no start date: the default start (2025-01-01 from TODAY) places a dated payment
    fl = run(offer(None, sign_on={"amount": 10_000, "date": "2029-01-01"})).flags[0]
    assert any(f.startswith("sign-on-beyond-horizon") for f in fl)


# ---------------------------------------------------------------- US limits per calendar year


def test_match_hits_402g_in_each_calendar_year():
    # 300,000 base, 100% match up to 10%: the employee defers 10% = 30,000 a year.
    jan = run(offer("2026-01-05", base_salary=300_000, retirement={"match": "100%", "up_to": "10%"}))
    assert cal(jan, "retirement")[2026] == pytest.approx(24_500)  # 402(g) 2026
    jul = run(offer("2025-07-01", base_salary=300_000, retirement={"match": "100%", "up_to": "10%"}))
    # 2025: Jul-Dec pay 150,000 → deferral 15,000 (< 23,500); 2026: 30,000 → 24,500
    assert cal(jul, "retirement")[2025] == pytest.approx(15_000)
    assert cal(jul, "retirement")[2026] == pytest.approx(24_500)
    assert cal(jul, "employee_deferral")[2026] == pytest.approx(24_500)
    # offer year 1 = Jul 2025-Jun 2026: 15,000 + half of 2026's 24,500 (spread by pay)
    assert jul.figures.parts["retirement"][0, 0] == pytest.approx(27_250)
    assert any("402(g)" in f for f in jul.flags[0])


@pytest.mark.parametrize("start, expected", [("2025-01-06", 35_000), ("2026-01-05", 36_000)])
def test_flat_contribution_capped_by_401a17(start, expected):
    # 500,000 base × 10%: pay counted up to 350,000 (2025) or 360,000 (2026)
    e = run(offer(start, base_salary=500_000, retirement={"employer_contribution": "10%"}))
    assert e.figures.parts["retirement"][0, 0] == pytest.approx(expected)


def test_415c_caps_a_high_employer_contribution_and_catch_up_sits_outside():
    terms = dict(base_salary=400_000, retirement={"employer_contribution": "15%", "match": "100%", "up_to": "6%", "employee_deferral": 40_000})
    e = run(offer("2026-01-05", **terms))
    # deferral 24,500 (402(g)); employer 15% × 360,000 + 6% × 360,000 = 75,600; 415(c) room 72,000 − 24,500 = 47,500
    assert cal(e, "employee_deferral")[2026] == pytest.approx(24_500)
    assert cal(e, "retirement")[2026] == pytest.approx(47_500)
    assert any("415(c)" in f for f in e.flags[0])
    # born 1965: 61 in 2026 → the 60-63 catch-up of 11,250 raises the deferral to 35,750, outside 415(c)
    e = run(offer("2026-01-05", birth_year=1965, **terms))
    assert cal(e, "employee_deferral")[2026] == pytest.approx(35_750)
    assert cal(e, "retirement")[2026] == pytest.approx(47_500)
    # born 1975: 51 in 2026 → catch-up 8,000
    e = run(offer("2026-01-05", birth_year=1975, **terms))
    assert cal(e, "employee_deferral")[2026] == pytest.approx(32_500)


def test_prior_deferrals_use_up_the_start_years_402g():
    e = run(offer("2025-07-01", base_salary=300_000, retirement={"match": "100%", "up_to": "10%", "prior_deferrals_this_year": 20_000}))
    # 2025 room 23,500 − 20,000 = 3,500 < the 15,000 wanted: matched 3,500
    assert cal(e, "retirement")[2025] == pytest.approx(3_500)
    assert cal(e, "retirement")[2026] == pytest.approx(24_500)


def test_hsa_capped_by_the_years_limit_prorated_by_months():
    e = run(offer("2025-07-01", benefits={"hsa": 6_000}))
    # 2025: 4,300 × 6/12 = 2,150; 2026: 4,400; 2027: 4,500 (Rev. Proc. 2026-24)
    assert cal(e, "benefits")[2025] == pytest.approx(2_150)
    assert cal(e, "benefits")[2026] == pytest.approx(4_400)
    assert cal(e, "benefits")[2027] == pytest.approx(4_500)
    assert e.figures.parts["benefits"][0, 0] == pytest.approx(2_150 + 2_200)
    family = run(offer("2025-07-01", benefits={"hsa": 6_000, "hsa_coverage": "family"}))
    assert cal(family, "benefits")[2025] == pytest.approx(3_000)  # under 8,550 × 6/12 = 4,275


def test_espp_423_cap_across_a_calendar_year():
    e = run(offer("2025-07-01", base_salary=300_000, benefits={"espp": {"discount": "15%", "contribution": "10%"}}))
    # 2025: 15,000 of contributions (< 25,000 × 0.85 = 21,250) → gain 15,000 × 0.15/0.85 = 2,647.06
    # 2026: 30,000 → capped at 21,250 → gain 3,750; year 1 = 2,647.06 + 3,750 / 2
    assert cal(e, "benefits")[2025] == pytest.approx(15_000 * 0.15 / 0.85)
    assert cal(e, "benefits")[2026] == pytest.approx(3_750)
    assert e.figures.parts["benefits"][0, 0] == pytest.approx(15_000 * 0.15 / 0.85 + 1_875)


def test_espp_above_15_percent_needs_qualified_false():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="15%"):
        offer("2026-01-05", benefits={"espp": {"discount": "20%", "contribution": "10%"}})
    e = run(offer("2026-01-05", base_salary=300_000, benefits={"espp": {"discount": "20%", "contribution": "10%", "qualified": False}}))
    # no §423 cap: 30,000 × 0.20 / 0.80 = 7,500
    assert cal(e, "benefits")[2026] == pytest.approx(7_500)
    assert any(f.startswith("espp-non-qualified") for f in e.flags[0])


@pytest.mark.parametrize("start, over", [
    ("2026-01-05", {2026: 50_000, 2027: 50_000, 2028: 50_000, 2029: 50_000}),
    # July: the cliff (25%) lands in June 2026 with Jul-Dec 2026's 6/48: 225,000 first exercisable in 2026
    ("2025-07-01", {2025: 0, 2026: 125_000, 2027: 50_000, 2028: 50_000, 2029: 0}),
])
def test_iso_value_above_100k_a_year_is_reported(start, over):
    # 60,000 ISOs at a 10.00 strike = 600,000 at the grant price, 4y-cliff-monthly
    e = run(offer(start, equity={"type": "option", "option_kind": "iso", "shares": 60_000, "strike": 10, "share_price": 20}))
    assert cal(e, "iso_over_limit") == pytest.approx(over)


def test_berlin_pension_untouched_by_us_rules():
    o = offer("2026-02-02", location="Berlin, Germany", currency="EUR", base_salary=500_000,
              retirement={"employer_contribution": "4%", "match": "100%", "up_to": "10%"}, benefits={"hsa": 10_000})
    e = run(o)
    # no 401(a)(17), 402(g) or HSA cap: 4% + 10% of 500,000 = 70,000 EUR = 77,000 USD
    assert e.figures.parts["retirement"][0, 0] == pytest.approx(70_000 * 1.10)
    assert e.figures.parts["benefits"][0, 0] == pytest.approx(10_000 * 1.10)
    assert not any(f.startswith("us-") for f in e.flags[0])


def test_limits_tables_project_unpublished_years_visibly():
    assert limit("deferral_402g", 2027).projected and limit("deferral_402g", 2027).value == 24_500
    assert not limit("hsa_self", 2027).projected and limit("hsa_self", 2027).value == 4_500
    assert not limit("espp_423", 2031).projected  # fixed by statute
    e = run(offer("2026-01-05", retirement={"match": "50%", "up_to": "6%"}))
    assert any("projected: not yet published" in f for f in e.flags[0])


def test_start_date_default_is_the_first_of_next_month_and_shown():
    e = run(offer(None, bonus="15%"))
    d = e.offer_dict(0)
    assert d["start_date"] == "2025-01-01" and d["start_date_assumed"] is True
    assert any(f.startswith("start-date-assumed") for f in e.flags[0])


@pytest.mark.parametrize("convention, expected", [
    ("year-end", 100_000 / 1.1 + 100_000 / 1.1**2),
    ("mid-year", 100_000 / 1.1**0.5 + 100_000 / 1.1**1.5),
    # exact: 1/12 of the salary at the end of each month m = 1..24
    ("exact", sum(100_000 / 12 / 1.1 ** (m / 12) for m in range(1, 25))),
])
def test_present_value_conventions(convention, expected):
    e = run(offer("2026-01-05", base_salary=100_000), horizon_years=2, discount_rate=0.10, pv_convention=convention)
    assert e.headlines["total_tc_present_value"][0] == pytest.approx(expected)


# ---------------------------------------------------------------- the two views agree


@settings(max_examples=60, deadline=None)
@given(o=offer_strategy(), start=st.dates(dt.date(2024, 1, 1), dt.date(2028, 12, 31)), horizon=st.integers(1, 6),
       rule=st.sampled_from(["prorated", "full", "none"]), located=st.booleans())
def test_both_views_sum_to_the_same_total(o, start, horizon, rule, located):
    o = o.model_copy(update={"start_date": start, "location": "Austin, TX" if located else None,
                             "bonus": o.bonus.model_copy(update={"first_year": rule})})
    e = run(o, horizon_years=horizon, include_refreshers=True)
    f = e.figures
    for part in f.parts:
        extra = f.calendar.bonus_accrued_unpaid if part == "bonus" else 0.0
        assert f.parts[part].sum(axis=1) == pytest.approx(f.calendar.parts[part].sum(axis=1) + extra, rel=1e-9, abs=1e-6), part
    assert f.total_rewards.sum() == pytest.approx(f.calendar.total_rewards.sum() + f.calendar.bonus_accrued_unpaid.sum(), rel=1e-9)
    assert int(f.calendar.months.sum()) == 12 * horizon


# ---------------------------------------------------------------- compare --basis calendar-year

THREE_STARTS = """
offers:
  - {id: jan, company: A, location: "Austin, TX", currency: USD, start_date: 2026-01-05, base_salary: 185000, bonus: 15%}
  - {id: jul, company: B, location: "Austin, TX", currency: USD, start_date: 2025-07-01, base_salary: 185000, bonus: 15%}
  - {id: nov, company: C, location: "Austin, TX", currency: USD, start_date: 2025-11-03, base_salary: 185000, bonus: 15%}
"""


def test_compare_basis_calendar_year_for_the_three_start_dates(tmp_path):
    import csv
    import io
    import json

    from typer.testing import CliRunner

    from toolkit.cli import app

    path = tmp_path / "offers.yaml"
    path.write_text(THREE_STARTS, encoding="utf-8")
    run_cli = lambda *args: CliRunner().invoke(app, ["compare", str(path), "--today", "2025-06-01", *args])  # noqa: E731
    result = run_cli("--basis", "calendar-year", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = {(r["offer_id"], int(r["year"])): r for r in csv.DictReader(io.StringIO(result.stdout))}
    # base by calendar year: 185,000 × months / 12; bonus: the previous calendar year's accrual, paid in March
    expected = {
        ("jan", 2026): (12, 185_000, 0), ("jan", 2027): (12, 185_000, 27_750), ("jan", 2029): (12, 185_000, 27_750),
        ("jul", 2025): (6, 92_500, 0), ("jul", 2026): (12, 185_000, 13_875), ("jul", 2029): (6, 92_500, 27_750),
        ("nov", 2025): (2, 30_833.33, 0), ("nov", 2026): (12, 185_000, 4_625), ("nov", 2029): (10, 154_166.67, 27_750),
    }
    for key, (months_employed, base, bonus) in expected.items():
        row = rows[key]
        assert int(row["months_employed"]) == months_employed, key
        assert float(row["base"]) == pytest.approx(base, abs=0.01), key
        assert float(row["bonus"]) == pytest.approx(bonus, abs=0.01), key
        assert row["partial"] == str(months_employed < 12)
    assert ("jan", 2030) not in rows and ("jul", 2030) not in rows
    document = json.loads(run_cli("--format", "json").stdout)
    by_id = {o["id"]: o for o in document["offers"]}
    # 27,750 of Jan-Dec 2029 (jan), Jan-Jun 2029 = 13,875 (jul), Jan-Oct 2029 = 23,125 (nov): paid in March 2030
    assert [by_id[i]["bonus_accrued_unpaid"] for i in ("jan", "jul", "nov")] == pytest.approx([27_750, 13_875, 23_125])
    assert [y["year"] for y in by_id["nov"]["calendar_years"]] == [2025, 2026, 2027, 2028, 2029]
    table = run_cli("--basis", "calendar-year").stdout
    assert "paid (cash) basis by calendar year" in table and "6 (partial)" in table and "2 (partial)" in table
    bad = run_cli("--basis", "fiscal")
    assert bad.exit_code == 2 and "--basis" in bad.output


# ---------------------------------------------------------------- Evaluation.calendar_years (DataFrame)


def test_calendar_years_frame_is_the_json_calendar_years_row_for_row():
    # July 2025 start (6 months in 2025 and 2029) and a January 2026 start (4 full years):
    # the frame has one row per offer and calendar year employed, the JSON the same figures.
    e = run(offer("2025-07-01", bonus="15%"), offer("2026-01-05", id="jan", bonus="15%"))
    frame = e.calendar_years
    assert list(frame.columns[:4]) == ["offer_id", "year", "months_employed", "partial"]
    jul = frame[frame["offer_id"] == "o"]
    assert jul["year"].tolist() == [2025, 2026, 2027, 2028, 2029]
    assert jul["months_employed"].tolist() == [6, 12, 12, 12, 6]
    assert jul["partial"].tolist() == [True, False, False, False, True]
    assert jul["base"].tolist() == pytest.approx([92_500, 185_000, 185_000, 185_000, 92_500])
    assert jul["bonus"].tolist() == pytest.approx([0, 13_875, 27_750, 27_750, 27_750])  # paid each March
    assert frame[frame["offer_id"] == "jan"]["year"].tolist() == [2026, 2027, 2028, 2029]  # no empty 2030 row
    for i, oid in enumerate(e.ids):
        rows = e.offer_dict(i)["calendar_years"]
        mine = frame[frame["offer_id"] == oid].drop(columns="offer_id").to_dict("records")
        assert [list(r) for r in rows] == [list(r) for r in mine]
        assert rows == mine  # the same numbers from the same arrays


# ---------------------------------------------------------------- pay_frequency (methodology §3)


def test_biweekly_pay_from_5_january_2026_counts_pay_dates_per_calendar_year():
    # 130,000 biweekly = 5,000 a pay date; first pay date one period after the start, in arrears:
    # 19 Jan 2026, then every 14 days: 2026 has 19 Jan … 21 Dec = 1 + 2 + 3 + 2 + 2 + 2 + 2 + 3 + 2 + 2 + 2 + 2
    # = 25 pay dates (Jan 19; Feb 2, 16; Mar 2, 16, 30; Apr 13, 27; May 11, 25; Jun 8, 22; Jul 6, 20;
    # Aug 3, 17, 31; Sep 14, 28; Oct 12, 26; Nov 9, 23; Dec 7, 21); 2027 4 Jan … 20 Dec = 26;
    # 2028 3 Jan … 18 Dec = 26; 2029 1 Jan … 31 Dec = 27 (a 27-pay-date year).
    freq = {f: offer("2026-01-05", id=f, base_salary=130_000, pay_frequency=f) for f in ("monthly", "semimonthly", "biweekly", "weekly")}
    e = run(*freq.values())
    assert cal(e, "base", 2) == pytest.approx({2026: 125_000, 2027: 130_000, 2028: 130_000, 2029: 135_000})
    # weekly, 2,500 a pay date: 2026 12 Jan … 28 Dec = 51, 2027 4 Jan … 27 Dec = 52, 2028 3 Jan … 25 Dec = 52,
    # 2029 1 Jan … 31 Dec = 53
    assert cal(e, "base", 3) == pytest.approx({2026: 127_500, 2027: 130_000, 2028: 130_000, 2029: 132_500})
    # monthly (default) and semimonthly (the 15th and the last day: two pay dates each month) are unchanged
    assert cal(e, "base", 0) == cal(e, "base", 1) == pytest.approx({2026: 130_000, 2027: 130_000, 2028: 130_000, 2029: 130_000})
    # the offer-year (earned) view does not change with the pay frequency
    assert (e.figures.parts["base"] == 130_000).all()
    # first 12 months: the 25 pay dates of 2026 (the 26th, 4 January 2027, is month 12)
    assert e.headlines["first_12_months_cash"][2] == pytest.approx(125_000)


def test_biweekly_pay_feeds_the_limits_and_the_walk_away():
    from toolkit.negotiation.walkaway import offer_walkaway

    # A 6% match on pay by pay date: 2026 25 × 5,000 × 6% = 7,500; 2029 27 × 5,000 × 6% = 8,100
    o = offer("2026-01-05", base_salary=130_000, pay_frequency="biweekly",
              retirement={"match": "100%", "up_to": "6%", "vesting": "immediate"})
    e = run(o)
    assert cal(e, "retirement") == pytest.approx({2026: 7_500, 2027: 7_800, 2028: 7_800, 2029: 8_100})
    assert e.figures.parts["retirement"].sum() == pytest.approx(31_200)  # spread back to offer years by earned pay
    # leaving after 1 month: one pay date (19 January); after 2 months: three (2 and 16 February)
    w = {r["month"]: r for r in offer_walkaway(e, 0, (1, 2))}
    assert w[1]["cash_received"] == pytest.approx(5_000) and w[2]["cash_received"] == pytest.approx(15_000)
    assert w[2]["retirement_vested"] == pytest.approx(900)


def test_a_start_after_the_15th_anchors_pay_at_the_first_month_counted():
    # start 20 January 2026 counts from February (§1): biweekly pay dates from 15 February 2026
    # (1 Feb + 14): Feb 15; Mar 1, 15, 29; ... the 2026 count is 23 (15 Feb + 14 × 22 = 20 Dec)
    e = run(offer("2026-01-20", base_salary=130_000, pay_frequency="biweekly"))
    assert cal(e, "base")[2026] == pytest.approx(23 * 5_000)


def test_a_biweekly_table_column_gives_the_same_figures_as_the_document(tmp_path):
    from toolkit.offers.load import load_offers

    path = tmp_path / "offers.csv"
    path.write_text("id,company,currency,location,start_date,base_salary,pay_frequency\n"
                    "a,A,USD,\"Austin, TX\",2026-01-05,130000,biweekly\nb,B,USD,\"Austin, TX\",2026-01-05,130000,\n", encoding="utf-8")
    e = evaluate(load_offers(path), Assumptions(), {}, currency="USD", today=TODAY)
    assert cal(e, "base", 0) == pytest.approx({2026: 125_000, 2027: 130_000, 2028: 130_000, 2029: 135_000})
    assert cal(e, "base", 1) == pytest.approx({2026: 130_000, 2027: 130_000, 2028: 130_000, 2029: 130_000})


@settings(max_examples=40, deadline=None)
@given(o=offer_strategy(), start=st.dates(dt.date(2024, 1, 1), dt.date(2028, 12, 31)), horizon=st.integers(1, 5),
       freq=st.sampled_from(["monthly", "biweekly", "weekly"]), located=st.booleans())
def test_the_walk_away_ledger_month_by_month_adds_up_to_the_paid_view(o, start, horizon, freq, located):
    from toolkit.offers.engine import paid_by_month

    o = o.model_copy(update={"start_date": start, "pay_frequency": freq, "location": "Austin, TX" if located else None})
    e = run(o, horizon_years=horizon)
    f = e.figures
    paid = paid_by_month(e.offers, e.assumptions, e.fx, f.start)
    cy = (int(f.start[0]) % 12 + np.arange(12 * horizon)) // 12  # each month's calendar-year column
    for part, months in paid.items():
        by_year = np.bincount(cy, weights=months[0], minlength=horizon + 1)
        assert by_year == pytest.approx(f.calendar.parts[part][0], rel=1e-9, abs=1e-6), part
