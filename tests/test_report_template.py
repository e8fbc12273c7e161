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
    wb["Offers"]["B2"], wb["Offers"]["F2"], wb["Offers"]["J2"] = "A", "USD", 100_000  # company, currency, base_salary
    wb.save(path)
    with pytest.raises(InputError) as err:
        toolkit.load_offers(path)
    assert [str(i) for i in err.value.issues] == [
        f"{path}: Assumptions sheet field horizon_years: the setting 'horizon_years' appears more than once; keep one"]
