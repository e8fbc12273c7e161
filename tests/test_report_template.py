"""The fill-in offer template: dotted columns, dropdowns, and a lossless YAML → XLSX → YAML round trip."""

from __future__ import annotations

import textwrap

import openpyxl
import pytest
from typer.testing import CliRunner

import toolkit
from toolkit.cli import app
from toolkit.report.template import assumption_rows, write_template

ONE_ROW_OFFERS = """
offers:
  - id: acme
    company: "=Acme Corp"
    role: Engineer
    level: L5
    location: Austin, TX
    currency: USD
    status: written
    start_date: 2027-01-11
    deadline: 2026-11-27
    base_salary: 185000
    bonus: {target: 10%, expected_payout: 90%}
    sign_on: {amount: 25000, year: 1, clawback_months: 12, clawback: prorata, repay_basis: gross}
    equity: {type: rsu, grant_value: 200k, vesting: amazon, stock_growth: 5%}
    refresher: {annual_value: 30000, vesting: 4y-annual}
    retirement: {match: 50%, up_to: 6%}
    benefits: {health: 7900, hsa: 1000, espp: {discount: 15%, contribution: 10%}, other: {gym: 600}}
    pto_days: 20
    relocation: {amount: 10000, grossed_up: true, clawback_months: 12}
    visa: {sponsorship: h1b-transfer, green_card: true, fees_paid_by: employer}
    col_index: 95
    tax_rate: 28%
    factors: {team: 4, commute: 2}
    notes: "+ask about remote days"
  - id: bistro
    company: Bistro GmbH
    currency: EUR
    base_salary: 5000/month
    extra_months: 1
    bonus: {amount: 3000}
    equity: {type: option, shares: 1000, strike: 2.5, share_price: 10, private: true, option_kind: nso, currency: USD}
    retirement: {employer_contribution: 4%}
  - company: Hourly Inc
    currency: USD
    base_salary: 95/hour
    hours_per_year: 1900
"""


def test_round_trip_yaml_template_yaml_is_lossless(tmp_path):
    src = tmp_path / "offers.yaml"
    src.write_text(textwrap.dedent(ONE_ROW_OFFERS), encoding="utf-8")
    before = toolkit.load_offers(src).offers
    path = write_template(tmp_path / "offers.xlsx", before)
    after = toolkit.load_offers(path).offers
    assert after == before


def test_template_has_dotted_columns_and_dropdowns(tmp_path):
    wb = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx"))
    ws = wb["Offers"]
    header = [c.value for c in ws[1]]
    for col in ("company", "currency", "base_salary", "bonus.target", "sign_on.amount", "equity.type", "equity.grant_value",
                "equity.vesting", "visa.sponsorship"):
        assert col in header
    lists = {str(dv.sqref).split(":")[0][:-1]: dv.formula1 for dv in ws.data_validations.dataValidation}
    letter = {name: openpyxl.utils.get_column_letter(i + 1) for i, name in enumerate(header)}
    assert "EUR" in lists[letter["currency"]] and "amazon" in lists[letter["equity.vesting"]]
    assert "blue-card" in lists[letter["visa.sponsorship"]]
    assert wb.sheetnames == ["Offers", "Assumptions", "Help"]


def test_hostile_text_in_the_template_stays_text(tmp_path):
    src = tmp_path / "offers.yaml"
    src.write_text(textwrap.dedent(ONE_ROW_OFFERS), encoding="utf-8")
    ws = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx", toolkit.load_offers(src).offers))["Offers"]
    assert ws["B2"].value == "=Acme Corp" and ws["B2"].data_type == "s"


def test_the_sample_file_round_trips_with_multi_row_terms_and_assumptions(tmp_path):
    """Two sign-on payments, a custom vesting schedule, assumptions and FX: nothing is lost."""
    from conftest import ROOT

    source = toolkit.load_offers(ROOT / "data" / "offers.yaml")
    fx = {code: spec for _, section in source.fx_sections for code, spec in section.items()}
    path = write_template(tmp_path / "t.xlsx", source.offers,
                          settings=assumption_rows(source.assumptions, source.reporting_currency, fx))
    back = toolkit.load_offers(path)
    assert back.offers == source.offers
    assert back.assumptions == source.assumptions and back.reporting_currency == source.reporting_currency
    a, b = toolkit.evaluate(source), toolkit.evaluate(back)
    assert a.to_dict() == b.to_dict()
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Offers", "Assumptions", "Help"]
    header = [c.value for c in wb["Offers"][1]]
    assert "sign_on" in header and header.index("sign_on") < header.index("sign_on.amount")


def test_cli_template_from_an_offer_file_and_compare_reads_it(tmp_path):
    src = tmp_path / "offers.yaml"
    src.write_text(textwrap.dedent(ONE_ROW_OFFERS), encoding="utf-8")
    out = tmp_path / "offers.xlsx"
    result = CliRunner().invoke(app, ["template", str(out), "--from", str(src)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.stdout and "3 offers" in result.stdout
    result = CliRunner().invoke(app, ["compare", str(out)])
    assert result.exit_code == 0, result.output


def test_cli_template_refuses_to_overwrite_its_input(tmp_path):
    src = tmp_path / "offers.xlsx"
    write_template(src)
    before = src.read_bytes()
    result = CliRunner().invoke(app, ["template", str(src), "--from", str(src)])
    assert result.exit_code == 2
    assert src.read_bytes() == before


def test_names_with_dots_round_trip_as_yaml_cells(tmp_path):
    src = tmp_path / "rich.yaml"
    src.write_text(textwrap.dedent("""
        assumptions: {weights: {team.size: 1, growth: 2}}
        offers:
          - company: acme
            currency: USD
            base_salary: 100k
            benefits: {other: {gym.fee: 300}}
            factors: {team.size: 2, growth: 4}
    """), encoding="utf-8")
    source = toolkit.load_offers(src)
    path = write_template(tmp_path / "t.xlsx", source.offers, settings=assumption_rows(source.assumptions))
    back = toolkit.load_offers(path)
    assert back.offers == source.offers and back.assumptions == source.assumptions


def test_a_setting_given_twice_on_the_assumptions_sheet_is_an_error(tmp_path):
    from toolkit.errors import InputError

    path = write_template(tmp_path / "t.xlsx", settings=[("horizon_years", 5), ("horizon_years", 3)])
    wb = openpyxl.load_workbook(path)
    _fill(wb["Offers"], {"company": "A", "currency": "USD", "base_salary": 100_000})
    wb.save(path)
    with pytest.raises(InputError) as err:
        toolkit.load_offers(path)
    assert [str(i) for i in err.value.issues] == [
        f"{path}: Assumptions sheet field horizon_years: the setting 'horizon_years' appears more than once; keep one"]


def _fill(ws, cells: dict) -> None:
    """Fill row 2 of the Offers sheet by column name, as a user would."""
    header = [c.value for c in ws[1]]
    for name, value in cells.items():
        ws.cell(row=2, column=header.index(name) + 1, value=value)


NEWER_FIELDS = {
    "company": "Payroll Co", "currency": "USD", "base_salary": 156_000, "location": "New York, NY", "start_date": "2027-07-01",
    "pay_frequency": "biweekly", "birth_year": 1990, "raises": "[{percent: 4%, month: 12}]",
    "bonus.target": 0.10, "bonus.payout_month": 3, "bonus.first_year": "none", "bonus.year": "calendar",
    "retirement.match": 1.0, "retirement.up_to": 0.04, "retirement.vesting": "{cliff_years: 2}",
    "retirement.employee_deferral": "10%", "retirement.prior_deferrals_this_year": 5_000,
    "sign_on.amount": 12_000, "sign_on.installments": 3, "sign_on.month": 1,
    "benefits.hsa": 1_000, "benefits.hsa_coverage": "family", "relocation.amount": 5_000, "relocation.date": "2027-08-01",
    "tax.filing_status": "married_joint", "tax.spouse_income": 40_000, "tax.dependents": 1, "tax.locality": "NYC",
}


def test_newer_offer_fields_have_columns_with_lists_for_closed_choices(tmp_path):
    ws = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx"))["Offers"]
    header = [c.value for c in ws[1]]
    assert set(NEWER_FIELDS) <= set(header)
    lists = {str(dv.sqref).split(":")[0][:-1]: dv.formula1 for dv in ws.data_validations.dataValidation}
    letter = {name: openpyxl.utils.get_column_letter(i + 1) for i, name in enumerate(header)}
    assert lists[letter["pay_frequency"]] == '"monthly,semimonthly,biweekly,weekly"'
    assert lists[letter["bonus.first_year"]] == '"prorated,full,none"'
    assert lists[letter["tax.filing_status"]] == '"single,married_joint,married_separate,head_of_household"'
    assert lists[letter["benefits.hsa_coverage"]] == '"self,family"' and lists[letter["tax.church_tax"]] == '"TRUE,FALSE"'


def test_a_filled_row_of_the_newer_columns_loads_and_evaluates_like_the_same_yaml(tmp_path):
    """Template -> one row filled by column name -> load -> evaluate: the same offer and the
    same figures as the YAML a user would write by hand."""
    path = write_template(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    _fill(wb["Offers"], NEWER_FIELDS)
    wb.save(path)
    src = tmp_path / "same.yaml"
    src.write_text(textwrap.dedent("""
        offers:
          - company: Payroll Co
            currency: USD
            base_salary: 156000
            location: New York, NY
            start_date: 2027-07-01
            pay_frequency: biweekly
            birth_year: 1990
            raises: [{percent: 4%, month: 12}]
            bonus: {target: 10%, payout_month: 3, first_year: none, year: calendar}
            retirement: {match: 100%, up_to: 4%, vesting: {cliff_years: 2}, employee_deferral: 10%, prior_deferrals_this_year: 5000}
            sign_on: {amount: 12000, installments: 3, month: 1}
            benefits: {hsa: 1000, hsa_coverage: family}
            relocation: {amount: 5000, date: 2027-08-01}
            tax: {filing_status: married_joint, spouse_income: 40000, dependents: 1, locality: NYC}
    """), encoding="utf-8")
    filled, written = toolkit.load_offers(path), toolkit.load_offers(src)
    o = filled.offers[0]
    assert o == written.offers[0]
    assert o.pay_frequency == "biweekly" and o.retirement.vesting.cliff_years == 2 and o.bonus.first_year == "none"
    assert o.retirement.employee_deferral.percent == 0.10 and o.tax.filing_status == "married_joint"
    a, b = toolkit.evaluate(filled), toolkit.evaluate(written)
    assert a.to_dict() == b.to_dict()
    # docs/methodology.md §4: first_year none drops the partial first bonus year (Jul-Dec 2027,
    # 6 months of 156,000 x 10% = 7,800), so offer year 1 earns 15,600 - 7,800; a 100% match up
    # to 4% of 156,000 (the 10% deferral covers it) is 6,240 a year.
    year1 = a.to_dict()["offers"][0]["years"][0]
    assert year1["bonus"] == pytest.approx(7_800) and year1["retirement"] == pytest.approx(6_240)


def test_the_newer_fields_round_trip_yaml_template_yaml(tmp_path):
    src = tmp_path / "offers.yaml"
    src.write_text(textwrap.dedent("""
        offers:
          - company: Acme
            currency: USD
            base_salary: 120000
            location: Austin, TX
            market_location: U.S.
            pay_frequency: weekly
            raises: [{percent: 3%, date: 2028-04-01}]
            bonus: {target: 5%, year: fiscal, fiscal_start_month: 7, payout_month: 9, first_year: full, eligibility_cutoff: 10-01}
            equity: {grant_value: 40k, vest_start: 2027-03-01}
            refresher: {annual_value: 10k, month: 3}
            retirement: {employer_contribution: 3%, vesting: {graded: [20, 40, 60, 80, 100]}, employee_deferral: 8000}
            benefits: {espp: {discount: 15%, contribution: 10%, qualified: true}}
            relocation: {amount: 3000, month: 2}
            tax: {country: US, state: TX, other_income: 2000}
          - company: Tiers Inc
            currency: USD
            base_salary: 100000
            retirement: {tiers: [{match: 100%, up_to: 3%}, {match: 50%, up_to: 2%}], vesting: {graded: [25, 50, 75, 100]}}
          - company: Berlin GmbH
            currency: EUR
            base_salary: 70000
            location: Berlin, Germany
            retirement: {employer_contribution: 4%, vesting: immediate}
            tax: {church_tax: true}
    """), encoding="utf-8")
    before = toolkit.load_offers(src).offers
    after = toolkit.load_offers(write_template(tmp_path / "t.xlsx", before)).offers
    assert after == before


def test_tax_assumptions_round_trip_as_dotted_settings(tmp_path):
    """`assumptions: tax:` (a section, not a number) is written as tax.<field> settings, which
    the loader nests back; before, `template --from` stopped with a traceback on it."""
    src = tmp_path / "offers.yaml"
    src.write_text(textwrap.dedent("""
        assumptions: {tax: {filing_status: married_joint, dependents: 2}, tax_engine: builtin, pv_convention: mid-year}
        offers:
          - {company: Acme, currency: USD, base_salary: 150k, location: "Austin, TX"}
    """), encoding="utf-8")
    out = tmp_path / "t.xlsx"
    result = CliRunner().invoke(app, ["template", str(out), "--from", str(src)])
    assert result.exit_code == 0, result.output
    settings = dict(openpyxl.load_workbook(out)["Assumptions"].iter_rows(min_row=2, max_row=5, values_only=True))
    assert settings["tax.filing_status"] == "married_joint" and settings["tax.dependents"] == 2
    assert toolkit.load_offers(out).assumptions == toolkit.load_offers(src).assumptions
