"""The text renderers: one document, four views that show the same figures."""

from __future__ import annotations

import csv
import io
import json

import toolkit
from conftest import ROOT
from toolkit import format as fmt
from toolkit.report import text
from toolkit.report.document import build_compare_document, render_compare


def _document():
    return build_compare_document(toolkit.evaluate(toolkit.load_offers(ROOT / "data" / "offers.yaml")))


def test_round_document_rounds_money_to_cents_but_not_rates():
    doc = {"year1_tc": 1.005, "fx": {"EUR": {"rate": 1.123456}}, "assumptions": {"annual_raise": 0.03}, "nested": [2.499999]}
    assert text.round_document(doc) == {"year1_tc": fmt.cents(1.005), "fx": {"EUR": {"rate": 1.123456}},
                                        "assumptions": {"annual_raise": 0.03}, "nested": [2.5]}


def test_every_view_shows_the_same_year1_tc():
    doc = _document()
    figures = [o["year1_tc"] for o in doc["offers"]]
    table = render_compare(doc, "table")
    markdown = render_compare(doc, "markdown")
    rows = list(csv.DictReader(io.StringIO(render_compare(doc, "csv"))))
    as_json = json.loads(render_compare(doc, "json"))
    for offer, value in zip(doc["offers"], figures):
        shown = fmt.money(value, doc["currency"])
        assert shown in table and shown in markdown
        assert {float(r["year1_tc"]) for r in rows if r["offer_id"] == offer["id"]} == {value}
    assert [o["year1_tc"] for o in as_json["offers"]] == figures


def test_the_table_labels_every_headline_it_shows():
    doc = _document()
    table = render_compare(doc, "table")
    for key, label in text.ROWS:
        if any(o.get(key) is not None for o in doc["offers"]):
            assert label in table


def test_the_current_job_says_how_it_was_taxed_or_why_it_was_not():
    import copy

    doc = _document()
    taxed = copy.deepcopy(doc["offers"][0]["tax"])  # globex: Seattle, built-in tables
    doc["current"] = {"notes": [], "tax": taxed}
    lines = [line for line in text._tax_notes(doc) if line.startswith("now: ")]
    assert lines[0].startswith(f"now: after tax by the built-in tables ({taxed['engine_version']}) for US/WA, single, tax years ")
    assert [line[5:] for line in lines[1:]] == taxed["notes"]
    untaxed = copy.deepcopy(taxed)
    untaxed["profile"].update(country="XX", state=None)
    untaxed["engine_version"], untaxed["notes"] = "", ["no tax tables for XX: use --tax-rate"]
    for year in untaxed["years"]:
        year["total_tax"] = year["after_tax_tc"] = None
    doc["current"] = {"notes": [], "tax": untaxed}
    assert [line for line in text._tax_notes(doc) if line.startswith("now: ")] == [
        "now: no after-tax figure for XX", "now: no tax tables for XX: use --tax-rate"]
