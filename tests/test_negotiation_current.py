"""The current job: the extended file schema and the stay scenario (`--current` baseline).

Every expected figure is computed by hand in the test from the file's numbers (docs/current.md
states the rules): year k of the stay scenario is the k-th 12 months from the earliest offer's
start date; a current grant vests on vest_start + its schedule's months.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import toolkit
from toolkit.cli import app
from toolkit.errors import InputError
from toolkit.negotiation.current import (
    CurrentJob, evaluate_stay, forfeited_value, load_current, month_offset, stay_offer, stay_start,
)

ROOT = Path(__file__).resolve().parent.parent
OFFERS = ROOT / "data" / "offers.yaml"
CURRENT = ROOT / "data" / "current-job.yaml"
TODAY = dt.date(2026, 11, 25)
runner = CliRunner()


def job(**fields) -> CurrentJob:
    return CurrentJob.model_validate({"currency": "USD", **fields}, context={"currency": "USD"})


def sample_evaluation(**assumptions):
    e = toolkit.evaluate(toolkit.load_offers(OFFERS))
    return e.with_assumptions(**assumptions) if assumptions else e


def test_todays_file_still_reads_and_its_bonus_is_an_amount():
    current = load_current(CURRENT)
    assert current.bonus.amount == 15_000 and current.bonus.target is None
    assert current.base_salary.amount == 165_000 and len(current.unvested_equity) == 5


def test_stay_year_k_counts_from_the_earliest_offer_start_and_tranches_vest_on_their_dates():
    # Offers start 2027-01-11, 2027-01-04, 2027-02-01: year 1 of staying is 2027-01-04 .. 2028-01-03.
    e = sample_evaluation()
    stay = evaluate_stay(load_current(CURRENT), e, today=TODAY)
    assert stay.start == dt.date(2027, 1, 4)
    years = stay.to_dict()["years"]
    # Year 1: base 165,000 + bonus 15,000 + tranches of 2027-02-15, -05-15, -08-15, -11-15 (4 × 10,000).
    assert years[0]["tc"] == pytest.approx(165_000 + 15_000 + 40_000)
    # Year 2: base raised 3% (the offers' assumption) + 15,000 + the 2028-02-15 tranche.
    assert years[1]["tc"] == pytest.approx(165_000 * 1.03 + 15_000 + 10_000)
    assert years[3]["tc"] == pytest.approx(165_000 * 1.03 ** 3 + 15_000)


def test_vs_current_gives_differences_and_fractions_of_the_stay_figures():
    e = sample_evaluation()
    stay = evaluate_stay(load_current(CURRENT), e, today=TODAY)
    globex = stay.versus(e, 0)
    # Globex year 1: 185,000 + 10% bonus 18,500 + sign-on 45,000 + 5% of 300,000 RSUs = 263,500.
    assert globex["year1_tc"]["offer"] == pytest.approx(263_500)
    assert globex["year1_tc"]["difference"] == pytest.approx(263_500 - 220_000)
    assert globex["year1_tc"]["fraction"] == pytest.approx(round(43_500 / 220_000, 4))
    stay_avg = (220_000 + 194_950 + (165_000 * 1.03 ** 2 + 15_000) + (165_000 * 1.03 ** 3 + 15_000)) / 4
    assert globex["average_tc"]["current"] == pytest.approx(stay_avg)


def test_a_grant_with_its_vesting_keeps_only_the_events_after_the_start():
    # 200,000 of RSUs, 25% a year from 2025-03-01: vests 2026-03-01 (before the start: not counted),
    # 2027-03-01 (month 2 from 2027-01-04, which runs to 2027-03-03: year 1), 2028-03-01 (month 14: year 2),
    # 2029-03-01 (month 26: year 3).
    current = job(base_salary=100_000, equity=[{"grant_value": 200_000, "vest_start": "2025-03-01",
                                                "vesting": {"yearly": [25, 25, 25, 25]}}])
    offer = stay_offer(current, dt.date(2027, 1, 4))
    (grant,) = offer.equity
    assert grant.grant_value == pytest.approx(150_000)
    assert grant.vesting.schedule == ((2, pytest.approx(1 / 3)), (14, pytest.approx(1 / 3)), (26, pytest.approx(1 / 3)))
    e = sample_evaluation(stock_growth=0.10)
    stay = evaluate_stay(current, e, today=TODAY).to_dict()
    # Month-2 vest: 50,000 × 1.1^(2/12); the price grows from the stay start to the end of the vest's month.
    assert stay["years"][0]["equity"] == pytest.approx(50_000 * 1.1 ** (2 / 12))
    assert stay["years"][1]["equity"] == pytest.approx(50_000 * 1.1 ** (14 / 12))
    assert stay["years"][2]["equity"] == pytest.approx(50_000 * 1.1 ** (26 / 12))
    assert stay["years"][3]["equity"] == 0


def test_an_option_grant_keeps_its_remaining_shares_and_strike():
    current = job(base_salary=100_000, equity=[{"type": "option", "shares": 4_000, "strike": 2, "share_price": 10,
                                                "vest_start": "2026-01-04", "vesting": {"yearly": [25, 25, 25, 25]}}])
    (grant,) = stay_offer(current, dt.date(2027, 1, 4)).equity
    # The vests fall on 2027-01-04 (the start itself: kept, month 1), 2028-, 2029- and 2030-01-04: all four remain.
    assert grant.shares == pytest.approx(4_000) and grant.strike == 2
    stay = evaluate_stay(current, sample_evaluation(), today=TODAY).to_dict()
    assert stay["years"][0]["equity"] == pytest.approx(1_000 * (10 - 2))
    assert stay["exercise_cost"] == pytest.approx(4_000 * 2)


def test_bonus_as_a_target_and_offer_record_fields():
    current = job(base_salary=150_000, bonus="10%", location="Austin, TX", retirement={"match": "50%", "up_to": "6%"})
    offer = stay_offer(current, dt.date(2027, 1, 4))
    assert offer.bonus.target == pytest.approx(0.10) and offer.location == "Austin, TX"
    stay = evaluate_stay(current, sample_evaluation(), today=TODAY).to_dict()
    assert stay["years"][0]["bonus"] == pytest.approx(15_000)
    assert stay["years"][0]["retirement"] == pytest.approx(150_000 * 0.06 * 0.5)


def test_grant_tranches_join_the_forfeit():
    current = job(equity=[{"grant_value": 40_000, "vest_start": "2026-06-01", "vesting": {"yearly": [25, 25, 25, 25]}}])
    f = forfeited_value(current, dt.date(2026, 12, 1))
    # vests 2027-06-01 (10,000) is within 12 months of 2026-12-01; 2028-06-01 is not.
    assert f.equity == pytest.approx(10_000)


def test_month_offsets_and_the_default_start():
    start = dt.date(2027, 1, 31)
    assert month_offset(start, dt.date(2027, 2, 28)) == 1  # before 2027-02-31 would be: still month 1
    assert month_offset(start, dt.date(2028, 1, 30)) == 12
    assert month_offset(start, dt.date(2028, 1, 31)) == 13
    assert stay_start([], dt.date(2026, 11, 25)) == dt.date(2026, 12, 1)
    assert stay_start([], dt.date(2026, 12, 1)) == dt.date(2027, 1, 1)


def test_without_a_base_salary_there_is_no_baseline():
    stay = evaluate_stay(job(bonus_forfeited=5_000), sample_evaluation(), today=TODAY)
    doc = stay.to_dict()
    assert doc["baseline"] is False and "no base_salary" in doc["notes"][0]
    assert stay.offer_block(sample_evaluation(), 0) == {}


def test_a_grant_in_another_currency_is_refused_with_the_field_named(tmp_path):
    path = tmp_path / "current.yaml"
    path.write_text("currency: EUR\nbase_salary: 80k\nequity: [{grant_value: 10k, currency: USD, vest_start: 2026-01-01}]\n")
    with pytest.raises(InputError) as info:
        load_current(path)
    assert "equity[0] is in USD but the job is paid in EUR" in str(info.value)


def test_a_current_grant_needs_its_vest_start(tmp_path):
    path = tmp_path / "current.yaml"
    path.write_text("currency: USD\nbase_salary: 80k\nequity: [{grant_value: 10k}]\n")
    result = runner.invoke(app, ["compare", str(OFFERS), "--current", str(path)])
    assert result.exit_code == 2
    assert "vest_start" in result.stderr and "Traceback" not in result.stderr


# ------------------------------------------------------------------ compare --current


def compare(*args: str):
    result = runner.invoke(app, ["compare", str(OFFERS), "--current", str(CURRENT), "--today", "2026-11-25", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_json_has_a_current_block_and_each_offer_vs_current():
    doc = json.loads(compare("--format", "json"))
    assert doc["current"]["baseline"] is True and doc["current"]["start_date"] == "2027-01-04"
    assert doc["current"]["year1_tc"] == 220_000.0
    vs = {o["id"]: o["vs_current"] for o in doc["offers"]}
    assert vs["globex"]["year1_tc"] == {"offer": 263_500.0, "current": 220_000.0, "difference": 43_500.0, "fraction": 0.1977}
    assert vs["hooli-de"]["average_tc"]["difference"] < 0


def test_table_and_markdown_show_the_baseline_column_and_vs_now_rows():
    table = compare()
    assert "Now: Example Current" in table
    assert "Year-1 TC vs now" in table and "+$43,500 (+19.8%)" in table
    md = compare("--format", "markdown")
    header = next(line for line in md.splitlines() if line.startswith("|  |"))
    assert header.split("|")[2].strip() == "Now: Example Current Employer Inc. (invented)"
    assert "| Year-1 TC vs now | baseline | +$43,500 (+19.8%) |" in md


def test_csv_has_the_stay_rows_first_and_the_differences():
    rows = list(csv.DictReader(io.StringIO(compare("--format", "csv"))))
    assert [r["scenario"] for r in rows[:4]] == ["current"] * 4 and rows[0]["tc"] == "220000.0"
    globex = next(r for r in rows if r["offer_id"] == "globex")
    assert globex["vs_current_year1_tc_difference"] == "43500.0" and globex["vs_current_year1_tc_fraction"] == "0.1977"


def test_calendar_basis_shows_the_stay_baseline_paid_view(tmp_path):
    # One offer starting 1 July 2026 → staying is counted from then. Current job: 120,000 base,
    # 10% target bonus (calendar year, paid in March), no raise. A new hire's first bonus year would
    # be prorated (6/12); staying, the 2026 bonus is paid in full in March 2027: 12,000.
    offers = tmp_path / "one.yaml"
    offers.write_text("offers:\n  - {id: a, company: A, currency: USD, start_date: 2026-07-01, base_salary: 150000}\n", encoding="utf-8")
    current = tmp_path / "current.yaml"
    current.write_text("company: Now Inc\ncurrency: USD\nbase_salary: 120000\nbonus: 10%\n", encoding="utf-8")
    result = runner.invoke(app, ["compare", str(offers), "--current", str(current), "--today", "2026-05-01",
                                 "--basis", "calendar-year", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = [r for r in csv.DictReader(io.StringIO(result.stdout)) if r["scenario"] == "current"]
    assert [(r["year"], r["months_employed"], r["partial"]) for r in rows] == [
        ("2026", "6", "True"), ("2027", "12", "False"), ("2028", "12", "False"), ("2029", "12", "False"), ("2030", "6", "True")]
    assert [float(r["base"]) for r in rows] == pytest.approx([60_000, 120_000, 120_000, 120_000, 60_000])
    assert [float(r["bonus"]) for r in rows] == pytest.approx([0, 12_000, 12_000, 12_000, 12_000])
    doc = json.loads(runner.invoke(app, ["compare", str(offers), "--current", str(current), "--today", "2026-05-01",
                                         "--format", "json"]).stdout)
    stay = doc["current"]
    assert stay["years"][0]["bonus"] == pytest.approx(12_000)  # the earned view is unchanged: 12 months' accrual
    assert stay["first_12_months_cash"] == pytest.approx(120_000 + 12_000)  # March 2027 is month 8
    assert stay["bonus_accrued_unpaid"] == pytest.approx(6_000)  # Jan-Jun 2030, paid March 2031
    assert [y["bonus"] for y in stay["calendar_years"]] == pytest.approx([0, 12_000, 12_000, 12_000, 12_000])
    table = runner.invoke(app, ["compare", str(offers), "--current", str(current), "--today", "2026-05-01",
                                "--basis", "calendar-year"]).stdout
    months_row = next(line for line in table.splitlines() if line.strip().startswith("Months employed"))
    assert "—" not in months_row.split()[2]  # the baseline column has its months, not a dash


def test_staying_from_january_is_paid_the_previous_years_bonus_in_march():
    # The sample: offers start 2027-01-04, so staying counts from then. The 2026 bonus is paid in
    # March 2027 to people still employed: the file's bonus_forfeited, 15,000, lands in calendar 2027;
    # the 2027 bonus (15,000, a fixed amount) in March 2028, and so on; the 2030 one after the horizon.
    doc = json.loads(compare("--format", "json"))
    stay = doc["current"]
    assert [y["year"] for y in stay["calendar_years"]] == [2027, 2028, 2029, 2030]
    assert [y["bonus"] for y in stay["calendar_years"]] == pytest.approx([15_000] * 4)
    assert stay["calendar_years"][0]["tc"] == pytest.approx(165_000 + 15_000 + 40_000)  # + the four 2027 tranches
    assert stay["first_12_months_cash"] == pytest.approx(165_000 + 15_000)
    assert stay["bonus_accrued_unpaid"] == pytest.approx(15_000)
    assert stay["years"][0]["bonus"] == pytest.approx(15_000)  # earned view: 2027's own bonus


def test_a_biweekly_current_job_is_paid_by_pay_date_in_the_calendar_years():
    # 130,000 biweekly from the offer's start 5 January 2026: 25 pay dates of 5,000 in 2026 (methodology §3)
    e = toolkit.evaluate([toolkit.offers.models.Offer.model_validate(
        {"id": "a", "company": "A", "currency": "USD", "start_date": "2026-01-05", "base_salary": 150_000})])
    stay = evaluate_stay(job(base_salary=130_000, pay_frequency="biweekly"), e, today=dt.date(2025, 12, 1)).to_dict()
    assert [y["base"] for y in stay["calendar_years"]] == pytest.approx([125_000, 130_000, 130_000, 135_000])
    assert stay["years"][0]["base"] == pytest.approx(130_000)


def test_without_current_the_outputs_have_no_baseline():
    result = runner.invoke(app, ["compare", str(OFFERS), "--format", "json"])
    doc = json.loads(result.stdout)
    assert "current" not in doc and all("vs_current" not in o for o in doc["offers"])
    result = runner.invoke(app, ["compare", str(OFFERS), "--format", "csv"])
    assert result.stdout.startswith("offer_id,")


def test_a_current_job_in_another_currency_is_converted_with_the_offers_fx(tmp_path):
    offers = tmp_path / "eur.yaml"
    offers.write_text("assumptions: {fx_date: 2026-10-30}\noffers:\n  - {id: solo, company: Solo, currency: EUR, base_salary: 90k, start_date: 2027-02-01}\n")
    current = tmp_path / "current.yaml"
    current.write_text("currency: USD\nbase_salary: 100k\nbonus_forfeited: 5k\n")
    result = runner.invoke(app, ["compare", str(offers), "--current", str(current), "--today", "2026-11-25", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    rate = doc["fx"]["USD"]["rate"]  # EUR per USD, the bundled ECB rate of 2026-10-30, listed because the stay uses it
    assert doc["current"]["year1_tc"] == pytest.approx(100_000 * rate, abs=0.01)
    assert doc["offers"][0]["vs_current"]["year1_tc"]["difference"] == pytest.approx(90_000 - 100_000 * rate, abs=0.01)


# ------------------------------------------------------------------ the stay's after-tax figures (docs/current.md)


def _builtin_tax(year: int, region: str, wages: float, bonus: float = 0.0, equity: float = 0.0) -> float:
    from toolkit.offers.tax import BuiltinEngine, TaxHouseholds

    h = TaxHouseholds.build(year=year, country="US", region=region, wages=wages, bonus=bonus, equity=equity)
    return float(BuiltinEngine().compute(h).total_tax[0])


def test_the_stay_is_taxed_per_tax_year_by_the_offers_engine_on_its_paid_view():
    # The sample job works in Seattle, WA. Calendar 2027 (paid view): base 165,000 + the 2026 bonus
    # paid in March 2027 (bonus_forfeited, 15,000) + four 10,000 tranches = 220,000 of wages.
    doc = json.loads(compare("--format", "json"))
    stay = doc["current"]
    y2027 = stay["tax"]["years"][0]
    assert (y2027["year"], y2027["taxable_wages"]) == ("2027", 220_000.0)
    assert stay["tax"]["profile"]["country"] == "US" and stay["tax"]["profile"]["state"] == "WA"
    # The same wages through BuiltinEngine directly (salary as wages, bonus supplemental, vests as wages).
    assert y2027["total_tax"] == pytest.approx(_builtin_tax(2027, "WA", 165_000, 15_000, 40_000), abs=0.01)
    # By hand, federal income tax (2027 uses the 2026 figures, IRS Rev. Proc. 2025-32: standard deduction
    # 16,100; 10% to 12,400, 12% to 50,400, 22% to 105,700, 24% to 201,775, 32% above):
    # 220,000 − 16,100 = 203,900 → 1,240 + 4,560 + 12,166 + 23,058 + 0.32 × 2,125 = 41,704. WA: no income tax.
    assert y2027["income_tax_national"] == pytest.approx(41_704, abs=1)
    assert y2027["income_tax_state"] == 0
    # Offer year 1 is calendar 2027 here (start 4 January): all of that tax falls in it.
    assert stay["years"][0]["tax"] == pytest.approx(y2027["total_tax"], abs=0.01)
    assert stay["year1_tc_after_tax"] == pytest.approx(220_000 - y2027["total_tax"], abs=0.01)
    vs = {o["id"]: o["vs_current"]["average_tc_after_tax"] for o in doc["offers"]}
    globex = next(o for o in doc["offers"] if o["id"] == "globex")
    assert vs["globex"]["difference"] == pytest.approx(globex["average_tc_after_tax"] - stay["average_tc_after_tax"], abs=0.01)
    assert vs["globex"]["current"] == pytest.approx(stay["average_tc_after_tax"], abs=0.01)
    table = compare()
    assert "Average TC after tax vs now" in table
    stay_row = next(line for line in table.splitlines() if line.startswith("Year-1 TC after tax"))
    assert stay_row.split()[4] == "$160,722"  # the Now column


def test_the_stay_tax_year_holds_the_bonus_paid_in_full_not_a_new_hires(tmp_path):
    # Offers from 1 July 2026; staying in Austin, TX (no state income tax) at 120,000 + 10% bonus,
    # no raise. Staying, the 2026 bonus is paid in full in March 2027 (12,000), not prorated as a
    # new hire's (6,000): tax year 2027 is taxed on 132,000, and 2026 on the six months' 60,000.
    offers = tmp_path / "one.yaml"
    offers.write_text("assumptions: {annual_raise: 0}\noffers:\n  - {id: a, company: A, currency: USD, start_date: 2026-07-01, base_salary: 150000}\n",
                      encoding="utf-8")
    current = tmp_path / "current.yaml"
    current.write_text("company: Now Inc\ncurrency: USD\nlocation: Austin, TX\nbase_salary: 120000\nbonus: 10%\n", encoding="utf-8")
    result = runner.invoke(app, ["compare", str(offers), "--current", str(current), "--today", "2026-05-01", "--format", "json"])
    assert result.exit_code == 0, result.output
    years = {y["year"]: y for y in json.loads(result.stdout)["current"]["tax"]["years"]}
    assert years["2026"]["taxable_wages"] == pytest.approx(60_000) and years["2027"]["taxable_wages"] == pytest.approx(132_000)
    assert years["2026"]["total_tax"] == pytest.approx(_builtin_tax(2026, "TX", 60_000), abs=0.01)
    assert years["2027"]["total_tax"] == pytest.approx(_builtin_tax(2027, "TX", 120_000, 12_000), abs=0.01)


def test_the_current_jobs_tax_profile_and_flat_rate_are_used_as_an_offers(tmp_path):
    current = tmp_path / "current.yaml"
    current.write_text("currency: USD\nbase_salary: 165k\ntax: {country: US, state: CA, filing_status: married_joint}\n", encoding="utf-8")
    result = runner.invoke(app, ["compare", str(OFFERS), "--current", str(current), "--today", "2026-11-25", "--format", "json"])
    assert result.exit_code == 0, result.output
    tax = json.loads(result.stdout)["current"]["tax"]
    assert (tax["profile"]["state"], tax["profile"]["filing_status"]) == ("CA", "married_joint")
    assert tax["years"][0]["income_tax_state"] > 0
    # --tax-rate: a flat 30% on each offer year's taxed pay, the stay's too (165,000 in year 1).
    result = runner.invoke(app, ["compare", str(OFFERS), "--current", str(current), "--today", "2026-11-25",
                                 "--tax-rate", "0.3", "--format", "json"])
    assert result.exit_code == 0, result.output
    stay = json.loads(result.stdout)["current"]
    assert stay["tax"]["engine"] == "flat" and stay["years"][0]["tax"] == pytest.approx(0.3 * 165_000)


def test_without_a_location_the_stay_says_why_it_has_no_after_tax_figure(tmp_path):
    current = tmp_path / "current.yaml"
    current.write_text("company: Now Inc\ncurrency: USD\nbase_salary: 165k\n", encoding="utf-8")
    result = runner.invoke(app, ["compare", str(OFFERS), "--current", str(current), "--today", "2026-11-25"])
    assert result.exit_code == 0, result.output
    assert "no after-tax figure for the current job: give its location" in " ".join(result.stdout.split())
    doc = json.loads(runner.invoke(app, ["compare", str(OFFERS), "--current", str(current), "--today", "2026-11-25",
                                         "--format", "json"]).stdout)
    assert doc["current"]["year1_tc_after_tax"] is None
    vs = doc["offers"][0]["vs_current"]["average_tc_after_tax"]
    assert vs["difference"] is None and vs["current"] is None and vs["offer"] > 0
