"""Offer files → models: every shape of file, default ids, merging, and every problem at once."""

from __future__ import annotations

import json

import pytest

from toolkit import load_offers
from toolkit.errors import InputError

GOOD = """
offers:
  - company: Acme Corp
    currency: USD
    base_salary: 150k
"""


def issues(path, **kw):
    with pytest.raises(InputError) as err:
        load_offers(path, **kw)
    return [str(i) for i in err.value.issues], err.value.issues


@pytest.mark.parametrize(
    "offer, field, fragment",
    [
        ("bonus: {target: 15}", "bonus.target", "expected a percentage like 15% or 0.15, got 15; write 15% (or 0.15)"),
        ("base_salary: -5", "base_salary", "expected a number greater than 0, got -5"),
        ("currency: XYZ", "currency", "expected an ISO 4217 currency code like USD, EUR or GBP, got 'XYZ'"),
        ("base_salary: '€65,000'", "base_salary", "written in '€', but the offer's currency is USD"),
        ("base_salary: 65.000", "base_salary", "'65.000' is ambiguous"),
        ("equity: {grant_value: 1, vesting: weekly}", "equity[0].vesting", "unknown vesting preset 'weekly'"),
        ("equity: {grant_value: 1, vesting: {yearly: [50, 40]}}", "equity[0].vesting", "must sum to 100%, got 90% (50% + 40%)"),
        ("equity: {type: option, grant_value: 100}", "equity[0]", "options are given by shares, strike and share_price, never by grant_value"),
        ("equity: {type: option, shares: 10}", "equity[0]", "needs shares, strike and share_price; missing strike, share_price"),
        ("equity: {shares: 10}", "equity[0]", "an RSU grant given in shares needs share_price"),
        ("bonsu: 3", "bonsu", "unknown field 'bonsu'; did you mean 'bonus'?"),
        ("sign_on: {amount: 5000, year: 0}", "sign_on[0].year", "expected a number at least 1, got 0"),
        ("col_index: 0", "col_index", "expected a number greater than 0, got 0"),
        ("benefits: {espp: {discount: 100%, contribution: 10%}}", "benefits.espp.discount", "below 100%"),
        ("status: signed", "status", "expected 'verbal' or 'written', got 'signed'"),
        ("start_date: 2026-02-30", "start_date", "expected a date like 2026-01-15"),
        ("extra_months: 1", "extra_months", "applies only to a base salary given per month (like \"5000/month\"); base_salary is per year"),
        ("hours_per_year: 1800", "hours_per_year", "applies only to a base salary given per hour"),
        ("visa: {sponsorship: h1b}", "visa.sponsorship", "expected 'none', 'h1b-new'"),
        ("retirement: {match: 50%}", "retirement.tiers[0].up_to", "required, but missing"),
    ],
)
def test_bad_offer_fields_name_file_offer_and_field(write, offer, field, fragment):
    text = "offers:\n  - company: Acme\n    currency: USD\n    base_salary: 100k\n"
    key = offer.split(":")[0]
    text = "\n".join(line for line in text.splitlines() if not line.strip().startswith(key + ":")) + f"\n    {offer}\n"
    path = write("offers.yaml", text)
    lines, found = issues(path)
    prefix = f"{path}: offer 'acme'" + (f" field {field}: " if field else ": ")  # the default id names it
    assert any(line.startswith(prefix) and fragment in line for line in lines), lines


def test_all_problems_in_all_files_reported_together(write):
    a = write("a.yaml", "offers:\n  - {company: A, currency: USD, base_salary: -1}\n  - {company: B, currency: ZZZ, base_salary: 1}\n")
    b = write("b.json", json.dumps([{"company": "C", "currency": "USD"}]))
    lines, _ = issues([a, b])
    assert len(lines) == 3
    assert lines[2] == f"{b}: offer 'c' field base_salary: required, but missing"


def test_document_shapes(write):
    single = write("one.yaml", "company: Solo\ncurrency: GBP\nbase_salary: 60000\n")
    bare = write("list.json", json.dumps([{"company": "X", "currency": "USD", "base_salary": 1}]))
    toml = write("o.toml", '[[offers]]\ncompany = "T"\ncurrency = "EUR"\nbase_salary = "€70,000"\n')
    s = load_offers([single, bare, toml])
    assert [o.id for o in s.offers] == ["solo", "x", "t"]
    assert s.offers[2].annual_base == 70_000


def test_default_ids_slug_with_suffixes_and_explicit_duplicates_are_errors(write):
    path = write("o.yaml", """
        offers:
          - {company: Acme Inc., currency: USD, base_salary: 1}
          - {company: Acme Inc., currency: USD, base_salary: 2}
          - {id: acme-inc-3, company: Other, currency: USD, base_salary: 3}
          - {company: Acme Inc., currency: USD, base_salary: 4}
    """)
    assert [o.id for o in load_offers(path).offers] == ["acme-inc", "acme-inc-2", "acme-inc-3", "acme-inc-4"]
    dup = write("d.yaml", "offers:\n  - {id: x, company: A, currency: USD, base_salary: 1}\n  - {id: x, company: B, currency: USD, base_salary: 1}\n")
    lines, found = issues(dup)
    assert lines == [f"{dup}: offer 'x' (#2) field id: duplicate offer id 'x'; ids must be unique"]
    assert found[0].code == "duplicate"


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("offers: []\n", "the file contains no offers"),
        ("offers: 3\n", "expected a list of offers"),
        ("title: x\n", "expected an 'offers:' list"),
        ("offers: [{company: A, currency: USD, base_salary: 1}]\nextra: 1\n", "unknown top-level key 'extra'"),
    ],
)
def test_file_level_problems(write, text, fragment):
    lines, _ = issues(write("o.yaml", text))
    assert any(fragment in line for line in lines), lines


def test_assumptions_file_flags_and_conflicts(write):
    offers = write("o.yaml", "assumptions: {annual_raise: 3%, horizon_years: 3}\n" + GOOD)
    same = write("a.yaml", "annual_raise: 3%\nstock_growth: 5%\n")
    s = load_offers(offers, assumptions=same, overrides={"horizon_years": 5})
    assert (s.assumptions.annual_raise, s.assumptions.stock_growth, s.assumptions.horizon_years) == (0.03, 0.05, 5)
    other = write("b.yaml", "assumptions: {annual_raise: 4%}\n" + GOOD.replace("Acme Corp", "Beta"))
    lines, found = issues([offers, other])
    assert found[0].code == "conflict" and "annual_raise" in lines[0] and str(offers) in lines[0]


def test_bad_assumptions_named(write):
    lines, _ = issues(write("o.yaml", "assumptions: {horizon_years: 50, stock_growth: -100%}\n" + GOOD))
    assert any("field horizon_years: expected a number at most 40, got 50" in l for l in lines)
    assert any("field stock_growth: expected a percentage above -100% and at most 1000%, got -100%" in l for l in lines)


FLAT = (
    "company,currency,base_salary,bonus.target,sign_on.amount,sign_on.clawback_months,equity.type,equity.grant_value,"
    "equity.vesting,retirement.match,retirement.up_to,benefits.other.gym,visa.sponsorship,start_date\n"
    "Acme,USD,185000,15%,20000,12,rsu,400000,amazon,50%,6%,50/month,h1b-transfer,2027-01-04\n"
    "Beta,EUR,\"€70,000\",,,,,,,,,,,\n"
)


def test_flat_csv_table_with_dotted_columns(write):
    s = load_offers(write("offers.csv", FLAT))
    acme, beta = s.offers
    assert acme.bonus.target == 0.15 and acme.sign_on[0].clawback_months == 12
    assert acme.equity[0].vesting.preset == "amazon" and acme.retirement.tiers[0].up_to == 0.06
    assert acme.benefits.other == {"gym": 600.0} and acme.visa.sponsorship == "h1b-transfer"
    assert str(acme.start_date) == "2027-01-04"
    assert beta.bonus is None and beta.equity is None and beta.annual_base == 70_000


def test_flat_xlsx_table(tmp_path):
    import csv
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in csv.reader(io.StringIO(FLAT)):
        ws.append([None if c == "" else c for c in row])
    path = tmp_path / "offers.xlsx"
    wb.save(path)
    s = load_offers(path)
    assert [o.id for o in s.offers] == ["acme", "beta"]
    assert s.offers[0].equity[0].grant_value == 400_000


def test_flat_table_errors_name_the_row(write):
    path = write("o.csv", "company,currency,base_salary,bonus.target\nAcme,USD,100000,15\nBeta,USD,abc,\n")
    lines, _ = issues(path)
    assert lines[0].startswith(f"{path}: row 2 (offer 'acme') field bonus.target: expected a percentage")
    assert lines[1].startswith(f"{path}: row 3 (offer 'beta') field base_salary: expected an amount")


def test_flat_table_without_company_column(write):
    lines, _ = issues(write("o.csv", "name,salary\nA,1\n"))
    assert "needs a 'company' column" in lines[0] and "['name', 'salary']" in lines[0]


def test_xlsx_date_column_with_blanks(tmp_path):
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["company", "currency", "base_salary", "start_date"])
    ws.append(["A", "USD", 100000, dt.datetime(2027, 1, 4)])
    ws.append(["B", "USD", 90000, None])
    path = tmp_path / "dates.xlsx"
    wb.save(path)
    a, b = load_offers(path).offers
    assert a.start_date == dt.date(2027, 1, 4) and b.start_date is None


def test_an_offer_table_far_larger_than_any_real_one_is_refused_without_reading_it(tmp_path):
    import time

    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:  # sparse: 100 MB on paper, nothing to parse
        fh.truncate(300 * 1024 * 1024)
    start = time.perf_counter()
    lines, _ = issues(path)
    assert time.perf_counter() - start < 1
    assert lines == [f"{path}: the file is 314.6 MB, larger than the 268 MB limit for this kind of file"]


def test_a_large_table_read_row_by_row_has_the_smaller_limit(tmp_path, write):
    path = tmp_path / "big.csv"
    with path.open("wb") as fh:  # sparse: 70 MB on paper
        fh.truncate(70 * 1024 * 1024)
    other = write("other.yaml", GOOD)
    lines, _ = issues([path, other])
    assert lines == [f"{path}: the file is 73.4 MB, larger than the 67 MB limit for a table read row by row; up to 268 MB "
                     "is read column by column when it is the only offer file, has only offer-field columns and no YAML cells"]


def test_assumptions_that_mean_the_same_agree_and_flags_settle_conflicts(write):
    a = write("a.yaml", "assumptions: {annual_raise: 3%}\nfx: {EUR: 1.2}\n" + GOOD)
    b = write("b.yaml", "assumptions: {annual_raise: 0.03}\nfx: {EUR: '1.20'}\n" + GOOD.replace("Acme Corp", "Beta"))
    assert load_offers([a, b]).assumptions.annual_raise == 0.03
    c = write("c.yaml", "assumptions: {annual_raise: 5%}\n" + GOOD.replace("Acme Corp", "Gamma"))
    lines, _ = issues([a, c])
    assert lines == [f"{c}: assumptions field annual_raise: '5%' disagrees with 0.03 in {a}; set it in one file or with a command-line flag"]
    assert load_offers([a, c], overrides={"annual_raise": 0.01}).assumptions.annual_raise == 0.01


def test_errors_name_the_offer_by_its_assigned_id(write):
    path = write("o.yaml", "offers:\n  - {company: acme, currency: USD, base_salary: 1}\n  - {company: acme, currency: USD, base_salary: -1}\n")
    lines, _ = issues(path)
    assert lines == [f"{path}: offer 'acme-2' field base_salary: expected a number greater than 0, got -1"]


def test_flat_table_cells_may_hold_a_whole_term_as_yaml(write):
    path = write("o.csv", 'company,currency,base_salary,sign_on,equity.grant_value,equity.vesting\n'
                          'A,USD,1,"[{amount: 10k, year: 1}, {amount: 5k, year: 2}]",100000,"{yearly: [50, 50], frequency: annual}"\n')
    offer = load_offers(path).offers[0]
    assert [(s.amount, s.year) for s in offer.sign_on] == [(10_000, 1), (5_000, 2)]
    assert offer.equity[0].vesting.schedule == ((12, 0.5), (24, 0.5))


def test_flat_table_yaml_cell_problems_name_row_and_field(write):
    path = write("o.csv", 'company,currency,base_salary,sign_on,sign_on.amount,equity\n'
                          'A,USD,1,"[{amount: 1}]",5,\n'
                          'B,USD,1,,,"[{grant_value: 1"\n')
    lines, _ = issues(path)
    assert lines[0] == f"{path}: row 2 (offer 'A') field sign_on: sign_on is given both as one YAML cell and as sign_on.* columns; use one or the other"
    assert lines[1].startswith(f"{path}: row 3 (offer 'B') field equity: malformed YAML in the cell")


@pytest.mark.parametrize("text, fragment", [
    ("company: A\ncurrency: USD\nbase_salary: 1\nbase_salary: 2\n", "the key 'base_salary' appears twice in one mapping"),
])
def test_a_key_written_twice_is_an_error(write, text, fragment):
    lines, _ = issues(write("dup.yaml", text))
    assert fragment in lines[0]
    with pytest.raises(InputError, match="the key 'base_salary' appears twice in one object"):
        load_offers(write("dup.json", '{"company": "A", "currency": "USD", "base_salary": 1, "base_salary": 2}'))


def test_a_column_written_twice_is_an_error(write):
    path = write("dup.csv", "company,currency,base_salary,base_salary\nA,USD,1,2\n")
    lines, _ = issues(path)
    assert lines == [f"{path}: field base_salary: the column 'base_salary' appears more than once; keep one"]


@pytest.mark.parametrize("header, row", [("bonus,bonus.target", '"{target: 10%}",20%'), ("bonus.target,bonus", '20%,"{target: 10%}"')])
def test_a_yaml_cell_and_dotted_columns_for_one_term_conflict_in_either_order(write, header, row):
    path = write("o.csv", f"company,currency,base_salary,{header}\nA,USD,1,{row}\nB,USD,-1,,\n")
    lines, _ = issues(path)
    assert lines[0] == f"{path}: row 2 (offer 'A') field bonus: bonus is given both as one YAML cell and as bonus.* columns; use one or the other"
    assert lines[1].startswith(f"{path}: row 3 (offer 'b') field base_salary")  # the other rows are still checked


def test_numbers_in_text_fields_are_text(write):
    offer = load_offers(write("o.csv", "id,company,level,currency,base_salary\n123,1800,5,USD,1\n")).offers[0]
    assert (offer.id, offer.company, offer.level) == ("123", "1800", "5")


def test_a_generated_report_is_not_read_as_offers(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Summary"
    for name in ("Year by year", "Vest events"):
        wb.create_sheet(name)
    path = tmp_path / "report.xlsx"
    wb.save(path)
    lines, _ = issues(path)
    assert lines == [f"{path}: this is an offer-toolkit report, not an offer table; write an offer workbook with `offer-toolkit template FILE.xlsx --from offers.yaml`"]
