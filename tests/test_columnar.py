"""The columnar path (offers/columnar.py) against the document path, on the same offers.

The document path is run through the loader's own stages (read → split sections → assign ids
→ parse offers), so the two differ only in how the rows are validated and evaluated."""

from __future__ import annotations

import csv
import os

import numpy as np
import pytest

from toolkit.errors import InputError
from toolkit.offers import columnar
from toolkit.offers.evaluate import evaluate
from toolkit.offers.load import (
    CROSS_FILE_CHECKS, RawOffer, Sections, assign_ids, check_reporting_currency, load_offers, merge_assumptions,
    parse_offer, parse_offers, read_offer_file, split_sections,
)

FX = {"EUR": 1.10, "GBP": 1.30, "CHF": 1.12}

# Every kind of column the columnar path takes: plain fields, dotted terms, whole-term
# shorthand cells, switches (type, private, status), periods, own-currency grants, defaults.
HEADER = [
    "id", "company", "role", "level", "location", "currency", "status", "start_date", "base_salary", "hours_per_year",
    "extra_months", "bonus.target", "bonus.amount", "bonus.expected_payout", "sign_on",
    "equity.type", "equity.grant_value", "equity.shares", "equity.share_price", "equity.strike", "equity.vesting",
    "equity.private", "equity.currency", "equity.stock_growth", "refresher.annual_value", "refresher.vesting",
    "retirement.match", "retirement.up_to", "retirement.employer_contribution", "benefits.health", "benefits.hsa",
    "benefits.espp.discount", "benefits.espp.contribution", "pto_days", "relocation", "visa", "col_index", "tax_rate",
]
GOOD = [
    ["", "Globex", "Engineer", "L5", "Seattle, WA", "USD", "written", "2027-01-11", "$185,000", "", "", "10%", "", "100%",
     "45k", "rsu", "300k", "", "", "", "amazon", "", "", "", "60k", "4y-quarterly", "100%", "3%", "", "7900", "1000",
     "15%", "10%", "20", "12k", "h1b-transfer", "118", "32%"],
    ["", "Initech", "0777", "5.10", ".inf", "usd", "verbal", "", "95/hour", "2000", "", "15%", "", "", "",
     "option", "", "40000", "8.50", "2.10", "4y-cliff-monthly", "true", "", "-10%", "", "", "", "", "4%", "", "", "", "",
     "", "", "", "", ""],
    ["acme-eu", "Acme", "Engineer", "", "Berlin", "EUR", "", "", "5000/month", "", "1", "", "12000", "80%", "",
     "rsu", "", "1000", "120", "", "4y-annual", "false", "CHF", "", "", "", "", "", "5%", "", "", "", "", "30", "", "",
     "", ""],
    ["", "Globex", "Engineer", "L6", "London", "GBP", "", "", "£120,000", "", "", "", "", "", "20k", "", "", "", "",
     "", "", "", "", "", "20k", "", "50%", "6%", "", "", "", "", "", "25", "", "none", "", ""],
    ["7", "Hooli", "", "", "", "USD", "", "", "150000", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
     "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
]


def write_table(path, rows, header=HEADER):
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def document_path(path):
    """The same file through the row-by-row stages: (offers, every problem)."""
    kind, content = read_offer_file(path)
    f = split_sections(str(path), kind, content)
    issues = list(f.issues) + assign_ids(f.raws)
    offers, _, problems = parse_offers(f.raws)
    return offers, [str(i) for i in issues + problems]


def columnar_path(path):
    try:
        offer_set = load_offers(path)
    except InputError as exc:
        return None, [str(i) for i in exc.issues]
    assert isinstance(offer_set.offers, columnar.OfferColumns)
    return offer_set, []


def same_evaluation(a, b):
    assert a.ids == b.ids
    assert a.currencies == b.currencies
    for name in a.figures.parts:
        assert np.array_equal(a.figures.parts[name], b.figures.parts[name]), name
    assert np.array_equal(a.figures.tc, b.figures.tc)
    assert np.array_equal(a.figures.exercise_cost, b.figures.exercise_cost)
    assert np.array_equal(a.figures.pto_value, b.figures.pto_value, equal_nan=True)
    assert a.summary.equals(b.summary)
    assert a.to_dict() == b.to_dict()


def test_both_paths_give_identical_evaluations(tmp_path):
    path = write_table(tmp_path / "offers.csv", GOOD + [["", *r[1:]] for r in GOOD] * 2)  # repeats: default ids -2, -3
    offer_set, problems = columnar_path(path)
    assert not problems
    models, doc_problems = document_path(path)
    assert not doc_problems
    assert len(offer_set.offers) == len(models) == 15
    assert [offer_set[i] for i in range(15)] == models  # models built on demand are the same
    for include in (False, True):
        same_evaluation(evaluate(offer_set, {"include_refreshers": include}, FX, currency="USD"),
                        evaluate(models, {"include_refreshers": include}, FX, currency="USD"))
    assert offer_set.offers[1].role == "0777" and offer_set.offers[1].level == "5.10"


@pytest.mark.parametrize("kind", ["xlsx", "parquet"])
def test_workbooks_and_parquet_take_the_same_path(tmp_path, kind):
    import pandas as pd

    if kind == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            reason = "Parquet offer tables need the scale extra: pip install -e '.[scale]'"
            if os.environ.get("CI") == "true":
                pytest.fail(f"{reason} (CI=true: required)")
            pytest.skip(reason)
    csv_path = write_table(tmp_path / "offers.csv", GOOD)
    frame = pd.read_csv(csv_path, dtype=object, keep_default_na=False).replace("", None)
    path = tmp_path / f"offers.{kind}"
    if kind == "xlsx":
        frame.to_excel(path, index=False, sheet_name="Offers")
    else:
        frame.to_parquet(path)
    offer_set, problems = columnar_path(path)
    assert not problems
    same_evaluation(evaluate(offer_set, fx=FX, currency="USD"), evaluate(load_offers(csv_path), fx=FX, currency="USD"))


def row(company, currency="USD", base_salary="90000", **cells):
    """A table row by column name (dots written as __)."""
    values = {"company": company, "currency": currency, "base_salary": base_salary, **{k.replace("__", "."): v for k, v in cells.items()}}
    return [values.get(h, "") for h in HEADER]


BAD = [
    # cells refused by one field
    row("Bad Amount", base_salary="lots"),
    row("Percent Typo", bonus__target="15"),
    row("European", currency="EUR", base_salary="80.000"),
    row("Wrong Symbol", base_salary="€90,000"),
    row("No Currency", currency=""),
    row("Bad Date", start_date="2026-02-30"),
    row("Bad Preset", equity__grant_value="300k", equity__vesting="monthly-ish"),
    row("PTO", pto_days="400"),
    row("Tax", tax_rate="100%"),
    # rules that span fields
    row("Both Bonus", bonus__target="10%", bonus__amount="5000"),
    row("Option No Strike", equity__type="option", equity__shares="100", equity__share_price="5"),
    row("RSU With Strike", equity__type="rsu", equity__grant_value="50k", equity__strike="2"),
    row("Extra Months", extra_months="1"),
    row("Own Currency", equity__grant_value="$300k", equity__currency="EUR"),
    # ids
    row("Dup A", id="5"),
    row("Dup B", id="5.0"),
]


def test_both_paths_give_identical_messages(tmp_path):
    path = write_table(tmp_path / "bad.csv", GOOD + BAD)
    _, columnar_messages = columnar_path(path)
    _, document_messages = document_path(path)
    assert columnar_messages == document_messages
    assert len(columnar_messages) == len(BAD) - 1  # one message per bad row; the first of two duplicates is fine
    text = "\n".join(columnar_messages)
    for fragment in ("row 7 (offer 'bad-amount')", "got 15; write 15% (or 0.15)", "'80.000' is ambiguous",
                     "give the bonus as a target or as an amount, not both", "duplicate offer id '5'",
                     "applies only to a base salary given per month"):
        assert fragment in text, fragment


def test_a_flow_cell_sends_the_table_row_by_row(tmp_path):
    header = ["company", "currency", "base_salary", "equity"]
    path = write_table(tmp_path / "flow.csv", [["Acme", "USD", "100k", "[{grant_value: 300k}, {grant_value: 50k}]"]], header)
    offers = load_offers(path).offers
    assert isinstance(offers, tuple) and len(offers[0].equity) == 2


def test_unknown_columns_go_row_by_row_with_the_usual_message(tmp_path):
    path = write_table(tmp_path / "typo.csv", [["Acme", "USD", "100k", "10%"]], ["company", "currency", "base_salary", "bonus.targte"])
    with pytest.raises(InputError, match="unknown field 'targte'; did you mean 'target'"):
        load_offers(path)
    assert columnar.resolve("bonus.targte") is None
    assert columnar.resolve("retirement.match").path == ("retirement", "tiers", "match")
    assert columnar.resolve("benefits.other.gym") is None  # a mapping: row by row


def test_leaf_model_keeps_the_fields_own_rules():
    from pydantic import ValidationError

    from toolkit.offers.models import Espp, Offer

    tax = columnar.leaf_model(Offer, "tax_rate")
    assert tax.model_validate({"tax_rate": "30%"}).tax_rate == 0.3
    with pytest.raises(ValidationError, match="below 100%"):  # a field validator of Offer, not of the type
        tax.model_validate({"tax_rate": "100%"})
    with pytest.raises(ValidationError, match="below 100%"):
        columnar.leaf_model(Espp, "discount").model_validate({"discount": 1})


def test_every_rule_spanning_fields_is_one_the_signature_sees():
    """The columnar path checks rules that span fields on one offer per signature (filled
    columns, Literal/bool switches, shapes of parsed terms). A new model validator must be
    reviewed against that: add it here once it only looks at those."""
    from pydantic import BaseModel

    from toolkit.offers import models

    reviewed = {
        "Pay": {"_parse", "_bounded"},  # value rules: WHOLE_ONLY, never split into columns
        "Espp": {"_423"},  # discount above 15% needs qualified: false: columnar.VALUE_RULES puts the side in the signature
        "Bonus": {"_scalar", "_one_basis"}, "SignOn": {"_scalar", "_one_when"}, "Vesting": {"_parse", "_one_form"},
        # the dated terms' own shapes (filled fields; a Deferral's number ≤ 1 is a share of pay, checked per cell)
        "Deferral": {"_scalar", "_one"}, "RetirementVesting": {"_shapes", "_one"}, "Raise": {"_when"},
        "EquityGrant": {"_own_currency", "_complete"}, "Refresher": {"_scalar"}, "Retirement": {"_shapes", "_something"},
        "Relocation": {"_scalar"}, "Visa": {"_scalar"},
        "Repayable": {"_scalar"},  # the base of SignOn and Relocation: a bare value is the amount
        # field validators that read other fields (info.data):
        "Offer": {"_matches_pay_period"},
    }
    found = {}
    for name in dir(models):
        model = getattr(models, name)
        if isinstance(model, type) and issubclass(model, BaseModel) and model.__module__ == models.__name__:
            decs = model.__pydantic_decorators__
            spanning = set(decs.model_validators)
            spanning |= {k for k, d in decs.field_validators.items() if "info" in d.func.__code__.co_varnames[: d.func.__code__.co_argcount]
                         and "info.data" in _source(d.func)}
            if spanning:
                found[model.__name__] = spanning
    found.pop("Assumptions", None), found.pop("OfferFile", None)
    assert found == reviewed
    assert columnar.WHOLE_ONLY == {"Pay"} and columnar.resolve("base_salary.amount") is None


def _source(fn) -> str:
    import inspect

    return inspect.getsource(fn)


def test_columns_hold_distinct_values_once(tmp_path):
    path = write_table(tmp_path / "offers.csv", [["", *r[1:]] for r in GOOD] * 200)
    offers = load_offers(path).offers
    assert len(offers) == 1000
    assert len(offers.col("currency").values) <= 5  # per distinct cell, not per row
    assert offers.field_values("company")[:2] == ["Globex", "Initech"]
    assert offers.currencies() == ["USD", "EUR", "CHF", "GBP"]


# ------------------------------------------------------------------ the loader's stages, one by one

def test_stage_split_sections_of_a_document():
    found = split_sections("f.yaml", "document", {"offers": [{"company": "A"}], "fx": {"EUR": 1.1}, "reporting_currency": "USD"})
    assert [r.position for r in found.raws] == ["#1"] and found.sections["fx"] == {"EUR": 1.1} and not found.issues


def test_stage_assign_ids_and_parse_offer():
    raws = [RawOffer({"company": "Acme", "currency": "USD", "base_salary": 1}, "#1", "f"),
            RawOffer({"company": "Acme", "currency": "USD", "base_salary": 1}, "#2", "f")]
    assert assign_ids(raws) == []
    assert [parse_offer(r)[0].id for r in raws] == ["acme", "acme-2"]


def test_stage_merge_assumptions_and_cross_file_checks():
    merged, issues = merge_assumptions([("a.yaml", {"annual_raise": "3%"}), ("b.yaml", {"annual_raise": 0.03})], {})
    assert merged.annual_raise == 0.03 and not issues
    sections = Sections(fx=[("a.yaml", {"EUR": 1.1}), ("b.yaml", {"EUR": "1.2"})], reporting=[("a.yaml", "usd"), ("b.yaml", "EUR")])
    code, issues = check_reporting_currency(sections)
    assert code == "USD" and "EUR disagrees with USD in a.yaml" in str(issues[0])
    assert ["'1.2' disagrees with the rate in a.yaml" in str(i) for c in CROSS_FILE_CHECKS for i in c(sections)] == [True]


def test_benchmark_table_same_figures(tmp_path):
    """The benchmark's generated table (OFFER_TOOLKIT_ROWS rows, default 3,000) on both paths."""
    import sys

    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parents[1] / "benchmarks"))
    from bench_engine import write_offers

    path = tmp_path / "big.csv"
    write_offers(path, int(os.environ.get("OFFER_TOOLKIT_ROWS", "3000")))
    models, problems = document_path(path)
    assert not problems
    same_evaluation(evaluate(load_offers(path), fx=FX, currency="USD"), evaluate(models, fx=FX, currency="USD"))
