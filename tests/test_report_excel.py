"""The Excel report's structure, text safety, atomic writing and golden snapshot (no LibreOffice)."""

from __future__ import annotations

from pathlib import Path

import dataclasses
import openpyxl
import pandas as pd
import pytest

import toolkit
from toolkit.errors import OutputError
from toolkit.report import excel as X
from toolkit.report.excel import ExcelTextWarning, write_report
from toolkit.report.excel.sheets import vest as vest_sheet

from conftest import ROOT, assert_golden

SAMPLE = ROOT / "data" / "offers.yaml"
HOSTILE = ["=1+1", "+1+1", "-1+1", "@SUM(1,2)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://example.invalid","x")', "#N/A"]


@pytest.fixture(scope="module")
def evaluation():
    return toolkit.evaluate(toolkit.load_offers(SAMPLE))


def snapshot(path: Path) -> str:
    """Canonical text of a workbook (style.md D9): sheets, panes, widths, filters and every cell."""
    wb = openpyxl.load_workbook(path)
    out = []
    for ws in wb.worksheets:
        out.append(f"== sheet {ws.title!r} dims={ws.dimensions} freeze={ws.freeze_panes} filter={ws.auto_filter.ref} "
                   f"print={ws.print_area} orient={ws.page_setup.orientation} charts={len(ws._charts)}")
        out.append(f"   print titles={ws.print_title_rows} fit={ws.page_setup.fitToWidth}x{ws.page_setup.fitToHeight} "
                   f"footer={ws.oddFooter.center.text!r} breaks={[b.id for b in ws.row_breaks.brk]} merged={sorted(map(str, ws.merged_cells.ranges))}")
        for letter, dim in sorted(ws.column_dimensions.items()):
            if dim.width:
                out.append(f"   col {letter} width={dim.width:g}")
        for r, dim in sorted(ws.row_dimensions.items()):
            if dim.height:
                out.append(f"   row {r} height={dim.height:g}")
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                flags = [f"fmt={c.number_format!r}"] if c.number_format != "General" else []
                if c.font and c.font.b:
                    flags.append("bold")
                if c.fill and c.fill.fgColor and c.fill.fgColor.rgb == "00" + X.INPUT_FILL:
                    flags.append("input")
                if c.alignment and c.alignment.wrap_text:
                    flags.append("wrap")
                if c.alignment and c.alignment.horizontal:
                    flags.append(c.alignment.horizontal)
                value = round(c.value, 6) if isinstance(c.value, float) else c.value
                out.append(f"   {c.coordinate}: {value!r} {c.data_type} {' '.join(flags)}".rstrip())
        for rng in ws.conditional_formatting:
            for rule in rng.rules:
                out.append(f"   cf {rng.sqref}: {rule.formula}")
    return "\n".join(out) + "\n"


def test_sample_report_matches_golden_snapshot(evaluation, tmp_path):
    path = write_report(evaluation, tmp_path / "offer-comparison.xlsx")
    assert_golden(snapshot(path), "report_sample.xlsx.txt")


def test_sheets_in_order_with_panes_filters_and_landscape_print(evaluation, tmp_path):
    wb = openpyxl.load_workbook(write_report(evaluation, tmp_path / "r.xlsx"))
    assert wb.sheetnames == ["Summary", "Year by year", "Tax", "Calendar years", "Market", "Negotiation", "Talking points", "Drafts", "Inputs", "Grants",
                             "Assumptions", "Vest events"]
    for name in ("Year by year", "Tax", "Calendar years", "Inputs", "Grants", "Vest events"):
        ws = wb[name]
        assert ws.freeze_panes and ws.auto_filter.ref and ws.auto_filter.ref.startswith("A3:")
        assert ws.print_title_rows == "$3:$3"  # the header row on every printed page
    for ws in wb.worksheets:
        assert ws.print_area and ws.oddFooter.center.text == "&A · page &P"
        # pages as tall as they need, except a sheet a few lines taller than one page (the sample's Tax
        # sheet): shrunk onto it rather than printing its last notes alone under a repeated header
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == (1 if ws.title == "Tax" else 0), ws.title
        assert ws["A1"].font.name == "Calibri"
    # landscape where wide (sum of the column widths), portrait where narrow
    assert {ws.title: ws.page_setup.orientation for ws in wb.worksheets if ws.title in ("Year by year", "Drafts")} == {
        "Year by year": "landscape", "Drafts": "portrait"}
    assert wb["Inputs"].page_setup.fitToWidth > 1 and wb["Inputs"].print_title_cols == "$A:$C"  # 47 columns: legible, not one page
    summary = wb["Summary"]
    assert len(summary._charts) == 3 and summary.freeze_panes == "B5"
    assert wb["Year by year"]["N4"].value.startswith("=F4+G4+H4+I4")
    assert wb["Year by year"]["F4"].number_format == '"$"#,##0'


def test_every_figure_is_a_formula(evaluation, tmp_path):
    wb = openpyxl.load_workbook(write_report(evaluation, tmp_path / "r.xlsx"))
    ws = wb["Year by year"]
    for row in ws.iter_rows(min_row=4, min_col=5, max_col=15):
        assert all(c.data_type == "f" for c in row)
    L = X.Layout.of(evaluation)
    for key in ("year1_tc", "average_tc", "total_tc", "rank", "pto_value", "exercise_cost"):
        assert wb["Summary"].cell(L.summary.row(key), L.offer_col(0)).data_type == "f"


def test_hostile_text_is_written_as_text(evaluation, tmp_path):
    offers = [o.model_copy(update={"company": h, "notes": h}) for o, h in zip(evaluation.offers * 3, HOSTILE)]
    offers = [o.model_copy(update={"id": f"o{i}"}) for i, o in enumerate(offers)]
    e = toolkit.evaluate(offers, evaluation.assumptions, evaluation.fx)
    wb = openpyxl.load_workbook(write_report(e, tmp_path / "r.xlsx"))
    header = [c for c in wb["Summary"][4]][1:]
    assert [c.value for c in header] == [h.replace("\r", "\n") for h in HOSTILE]
    assert all(c.data_type == "s" for c in header)
    assert all(c.quotePrefix for c in header if c.value.startswith(X.FORMULA_STARTS))
    for name in ("Year by year", "Inputs"):
        for row in wb[name].iter_rows(min_row=4):
            for c in row:
                if isinstance(c.value, str) and c.value in [h.replace("\r", "\n") for h in HOSTILE]:
                    assert c.data_type == "s", (name, c.coordinate)


def test_control_characters_removed_and_long_text_cut_with_warnings(evaluation, tmp_path):
    o = evaluation.offers[0]
    bad = o.model_copy(update={"company": "Acme\x00\x07 Corp", "notes": "x" * 40_000})
    e = toolkit.evaluate([bad], evaluation.assumptions, evaluation.fx)
    with pytest.warns(ExcelTextWarning) as caught:
        path = write_report(e, tmp_path / "r.xlsx")
    messages = " ".join(str(w.message) for w in caught)
    assert "control character" in messages and "32,767" in messages
    wb = openpyxl.load_workbook(path)
    assert wb["Summary"]["B4"].value == "Acme Corp"
    notes = [c.value for row in wb["Inputs"].iter_rows(min_row=4) for c in row if isinstance(c.value, str) and c.value.startswith("xxx")]
    assert notes and len(notes[0]) == X.MAX_CELL_CHARS and notes[0].endswith("…")


def test_failed_write_leaves_the_old_report_intact(evaluation, tmp_path, monkeypatch):
    path = tmp_path / "report.xlsx"
    write_report(evaluation, path)  # an earlier report (a file the toolkit did not write needs force)
    old = path.read_bytes()

    def boom(*args, **kwargs):
        raise RuntimeError("disk full halfway")

    monkeypatch.setattr(vest_sheet, "write", boom)
    with pytest.raises(RuntimeError):
        write_report(evaluation, path)
    assert path.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]


def test_refuses_to_overwrite_an_input(evaluation, tmp_path):
    src = tmp_path / "offers.xlsx"
    src.write_bytes(b"input")
    with pytest.raises(OutputError, match="refusing to overwrite"):
        write_report(evaluation, src, inputs=[src])
    assert src.read_bytes() == b"input"


def test_missing_folder_is_created(evaluation, tmp_path):
    path = write_report(evaluation, tmp_path / "reports" / "deep" / "r.xlsx")
    assert path.exists()


def test_market_sheet_plan_and_followups(evaluation, tmp_path):
    market = pd.DataFrame([
        {"offer_id": "globex", "component": "base", "value": 185000.0, "percentile": 62.0, "clamped": None, "p10": 120000, "p25": 150000,
         "p50": 175000, "p75": 200000, "p90": 230000, "gap_to_p50": -10000, "gap_to_p75": 15000, "match": "=role SWE", "sample_size": 40, "source": "@levels"},
        {"offer_id": "initech", "component": "total", "value": 236000.0, "percentile": 20.0, "clamped": "below", "p10": 240000, "p25": 250000,
         "p50": 280000, "p75": 320000, "p90": 360000, "gap_to_p50": 44000, "gap_to_p75": 84000, "match": "role", "sample_size": 12, "source": "survey"},
    ])
    e = toolkit.evaluate(toolkit.load_offers(SAMPLE))
    e = dataclasses.replace(e, market=market)

    class Plan:
        checklist = pd.DataFrame({"offer_id": ["globex"], "item": ["refresher"], "status": ["missing"], "reason": ["ask"]})
        talking_points = pd.DataFrame({"offer_id": ["globex"], "priority": [1], "rule": ["below-p50"], "component": ["base"], "current": [185000.0],
                                       "target": [200000.0], "ask": [200000.0], "rationale": ["r"], "evidence": ["e"], "script": ["-say this"]})
        counters = pd.DataFrame({"offer_id": ["globex"], "year1_tc_before": [1.0], "year1_tc_after": [2.0], "average_tc_before": [1.0],
                                 "average_tc_after": [2.0], "summary": ["s"]})
        drafts = pd.DataFrame({"offer_id": ["globex"], "kind": ["counter"], "subject": ["Re: offer"], "body": ["Hello"]})

    follow = pd.DataFrame({"company": ["=Globex"], "action": ["reply"], "due": ["2026-11-20"], "status": ["open"], "reason": ["r"], "draft": ["d"]})
    wb = openpyxl.load_workbook(write_report(e, tmp_path / "r.xlsx", plan=Plan(), followups=follow))
    assert "Follow-ups" in wb.sheetnames
    m = wb["Market"]
    assert m["E4"].value == 185000 and m["O4"].value == "=role SWE" and m["O4"].data_type == "s"
    assert len(m.conditional_formatting) >= 1 and len(m._charts) == 1
    assert wb["Follow-ups"]["A4"].value == "=Globex" and wb["Follow-ups"]["A4"].data_type == "s"
    texts = [c.value for row in wb["Talking points"].iter_rows() for c in row if c.value]
    assert "-say this" in texts and wb["Talking points"]["E4"].number_format == '"$"#,##0'
    drafts = [c.value for row in wb["Drafts"].iter_rows() for c in row if c.value]
    assert "globex · counter" in drafts and "Re: offer" in drafts and "Hello" in drafts
    assert "Follow-up: =Globex · reply" in drafts and "d" in drafts
    L = X.Layout.of(e)
    assert wb["Summary"].cell(L.summary.row("market_base"), L.offer_col(0)).value == 62


def test_without_market_or_plan_the_sheets_say_so(evaluation, tmp_path):
    wb = openpyxl.load_workbook(write_report(evaluation, tmp_path / "r.xlsx"))
    assert "No market file was given" in wb["Market"]["A2"].value
    assert "offer-toolkit negotiate" in wb["Negotiation"]["A2"].value
    items = [(r[0].value, r[1].value, r[2].value) for r in wb["Negotiation"].iter_rows(min_row=4)]
    assert ("initech", "visa", "missing") in items


def test_talking_point_amounts_take_their_own_unit(evaluation, tmp_path):
    """Days as days, euros as euros, percentages as percentages (not the reporting currency)."""

    class Plan:
        checklist = pd.DataFrame(columns=["offer_id", "item", "status", "reason"])
        talking_points = pd.DataFrame({
            "offer_id": ["globex", "hooli-de", "globex"], "priority": [1, 1, 2], "rule": ["pto-match", "make-whole", "x"],
            "component": ["pto_days", "sign_on", "bonus"], "current": [15.0, 0.0, 0.1], "target": [20.0, 50000.0, 0.15],
            "ask": [5.0, 50000.0, 0.05], "unit": ["days", "money", "percent"], "currency": [None, "EUR", None],
            "rationale": ["r"] * 3, "evidence": ["e"] * 3, "script": ["s"] * 3})
        counters = drafts = None

    wb = openpyxl.load_workbook(write_report(evaluation, tmp_path / "r.xlsx", plan=Plan()))
    ws = wb["Talking points"]
    header = [c.value for c in ws[3]]
    formats = [[ws.cell(r, header.index(k) + 1).number_format for k in ("Current", "Target", "Ask")] for r in (4, 5, 6)]
    assert formats == [['0 "days"'] * 3, ['"€"#,##0'] * 3, ["0%"] * 3]


# ---------------------------------------------------------------- Tax and Calendar-years sheets


def _table(ws, header_row: int = 3) -> tuple[list[str], list[list]]:
    """(headers, data rows up to the first empty row) of a table sheet."""
    header = [c.value for c in ws[header_row]]
    while header and header[-1] is None:
        header.pop()
    rows = []
    for row in ws.iter_rows(min_row=header_row + 1, max_col=len(header), values_only=True):
        if all(v is None for v in row):
            break
        rows.append(list(row))
    return header, rows


def _text(ws) -> str:
    return "\n".join(str(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str))


def test_tax_sheet_holds_the_engines_figures_per_offer_and_tax_year(evaluation, tmp_path):
    """One row per entry of each offer's JSON tax.years, values equal to the block (no formulas),
    the engine, its version, the profile and every note below, and the plain warning on top."""
    from toolkit.report.document import build_compare_document

    wb = openpyxl.load_workbook(write_report(evaluation, tmp_path / "r.xlsx"))
    ws = wb["Tax"]
    header, rows = _table(ws)
    # local income tax is zero for every offer (Seattle, California, Berlin): left out, and said so
    assert header == ["Offer #", "Offer id", "Company", "Tax year", "Months employed", "Share within the horizon", "Taxed pay",
                      "Pre-tax deduction", "Income tax: national", "Income tax: state",
                      "Payroll and social contributions", "Total tax", "TC after tax", "Effective rate", "Marginal rate",
                      "US withholding gap"]
    assert "Not shown, being zero for every offer and tax year: Income tax: local." in _text(ws)
    doc = build_compare_document(evaluation)
    keys = ["year", "months", "horizon_share", "taxable_wages", "pretax_deduction", "income_tax_national", "income_tax_state",
            "payroll_tax", "total_tax", "after_tax_tc", "effective_rate", "marginal_rate", "withholding_gap"]
    expected = [[i + 1, o["id"], o["company"]] + [y[k] for k in keys] for i, o in enumerate(doc["offers"]) for y in o["tax"]["years"]]
    assert len(rows) == len(expected) == sum(len(o["tax"]["years"]) for o in doc["offers"])
    for got, want in zip(rows, expected):
        assert got[:4] == want[:4]  # offer, company and the engine's tax-year label (text: '2027' or '2026/27')
        assert got[4:] == pytest.approx(want[4:], abs=0.006)  # the JSON rounds money to cents
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)  # values: the engine's figures
    assert ws.cell(4, header.index("Effective rate") + 1).number_format == "0.0%"
    text = _text(ws)
    assert "These are the tax engine's figures (values: they do not recalculate" in ws["A2"].value
    assert "applies each year's effective rate" in ws["A2"].value and "only approximately" in ws["A2"].value
    for o in doc["offers"]:
        t = o["tax"]
        span = f"{t['years'][0]['year']}–{t['years'][-1]['year']}"  # Berlin starts in February: 2031 is cut by the horizon
        assert f"{o['company']} ({o['id']}): built-in tax tables ({t['engine_version']}); tax years {span}" in text
        assert all(note in text for note in t["notes"])
        assert t["basis"] in text
    assert "Profile: US · WA · single, 0 dependents" in text and "Profile: DE · single, 0 dependents" in text


def test_tax_sheet_follows_the_block_not_offer_years(evaluation, tmp_path, monkeypatch):
    """Tax years that are not offer years (more rows than the horizon, UK labels, a new key)
    come through as the block has them: the sheet depends on neither their number nor their meaning."""
    from toolkit.offers import aftertax

    real = aftertax.AfterTax.offer_block

    def block(self, i):
        b = real(self, i)
        years = [dict(y, year=f"{2026 + k}/{27 + k}", months_in_offer_years=12 - k) for k, y in enumerate(b["years"])]
        years = [{k: v for k, v in y.items() if k != "offer_year"} for y in years]
        return {**b, "years": years + [dict(years[-1], year="2031/32")]}

    monkeypatch.setattr(aftertax.AfterTax, "offer_block", block)
    wb = openpyxl.load_workbook(write_report(evaluation, tmp_path / "r.xlsx"))
    header, rows = _table(wb["Tax"])
    assert "Offer year" not in header and header[-1] == "Months in offer years"
    assert len(rows) == sum(len(evaluation.after_tax.tax_year_rows(i)) + 1 for i in range(3))
    assert [r[3] for r in rows[:5]] == ["2026/27", "2027/28", "2028/29", "2029/30", "2031/32"]
    assert "tax years 2026/27–2031/32" in _text(wb["Tax"])


def test_flat_rate_offers_say_the_rate_is_yours(tmp_path):
    e = toolkit.evaluate(toolkit.load_offers(SAMPLE), {**toolkit.load_offers(SAMPLE).assumptions.model_dump(), "tax_rate": 0.3})
    wb = openpyxl.load_workbook(write_report(e, tmp_path / "r.xlsx"))
    text = _text(wb["Tax"])
    assert "Globex Corporation (globex): flat rate given by you: 30.0%; tax years 2027–2030" in text
    header, rows = _table(wb["Tax"])
    assert [r[header.index("Effective rate")] for r in rows] == pytest.approx([0.3] * len(rows))


def test_calendar_years_sheet_is_the_paid_view(evaluation, tmp_path):
    wb = openpyxl.load_workbook(write_report(evaluation, tmp_path / "r.xlsx"))
    ws = wb["Calendar years"]
    header, rows = _table(ws)
    assert header[:6] == ["Offer #", "Offer id", "Company", "Calendar year", "Months employed", "Period"]
    assert "Refresh equity" not in header and "Your pre-tax deferral" in header  # refreshers are zero everywhere here
    assert "Not shown, being zero for every offer and calendar year: Refresh equity, ISO value over the $100,000 limit." in _text(ws)
    assert {"Base", "Bonus", "Sign-on", "Equity", "TC (paid)", "Total rewards (paid)"} <= set(header)
    want = [(i, y) for i in range(len(evaluation.offers)) for y in evaluation.calendar_dict(i)["calendar_years"]]
    assert len(rows) == len(want)
    col = {h: k for k, h in enumerate(header)}
    for got, (i, y) in zip(rows, want):
        assert got[col["Offer id"]] == evaluation.ids[i] and got[col["Calendar year"]] == y["year"]
        assert got[col["Months employed"]] == y["months_employed"]
        assert got[col["Period"]] == (f"partial: {y['months_employed']} month{'s' if y['months_employed'] != 1 else ''}"
                                      if y["partial"] else "full year")
        assert got[col["TC (paid)"]] == pytest.approx(y["tc"]) and got[col["Bonus"]] == pytest.approx(y["bonus"])
    assert any(r[col["Period"]].startswith("partial: ") for r in rows)  # the Berlin offer starts in February
    assert "Paid basis" in ws["A2"].value and "headline figures" in ws["A2"].value and "use offer years" in ws["A2"].value
    text = _text(ws)
    unpaid = evaluation.calendar_dict(0)["bonus_accrued_unpaid"]
    assert unpaid > 0 and f"bonus earned but not yet paid by the horizon's end: ${unpaid:,.0f}" in text


def test_summary_charts_after_tax_bars_beside_pre_tax(evaluation, tmp_path):
    wb = openpyxl.load_workbook(write_report(evaluation, tmp_path / "r.xlsx"))
    ws = wb["Summary"]
    L = X.Layout.of(evaluation)
    chart = ws._charts[2]
    assert chart.grouping == "clustered" and chart.type == "col"
    titles = [s.tx.v for s in chart.series]
    assert titles[:2] == ["Globex Corporation: pre-tax", "Globex Corporation: after tax (built-in tax tables, 2027–2030)"]
    assert len(titles) == 2 * len(evaluation.offers)
    refs = [s.val.numRef.f for s in chart.series]
    assert refs[1].endswith(f"${L.summary.row('tat:1')}:$B${L.summary.row('tat:' + str(L.h))}")
    assert chart.series[1].graphicalProperties.pattFill is not None  # hatched: apart from pre-tax in black and white
    # the rows it reads: TC after tax by year, formulas over the Year-by-year sheet
    cell = ws.cell(L.summary.row("tat:1"), L.offer_col(0))
    assert cell.value == "=" + L.years.ref("tc_after_tax", L.year_row(0, 1), external=True)


def test_offer_without_tax_figures_shows_na_never_its_pre_tax_pay(evaluation, tmp_path):
    """An offer in a country without tax tables: the engine has no after-tax figure, so the
    workbook writes "n/a" (a blank rate would read as 0% tax and show the pre-tax TC)."""
    o = evaluation.offers[1].model_copy(update={"location": "Tokyo, Japan", "tax": None})
    e = toolkit.evaluate([evaluation.offers[0], o], evaluation.assumptions, evaluation.fx)
    assert __import__("numpy").isnan(e.after_tax.after_tax_tc[1]).all()
    wb = openpyxl.load_workbook(write_report(e, tmp_path / "r.xlsx"))
    L = X.Layout.of(e)
    years = wb["Year by year"]
    assert years[L.years.ref("tax_rate", L.year_row(1, 1))].value == "n/a"
    assert years[L.years.ref("tc_after_tax", L.year_row(1, 1))].value.startswith("=IF(ISNUMBER(")
    for key in ("year1_tc_after_tax", "average_tc_after_tax"):
        assert wb["Summary"].cell(L.summary.row(key), L.offer_col(1)).value == "n/a"
        assert wb["Summary"].cell(L.summary.row(key), L.offer_col(0)).data_type == "f"
    assert "no tax tables for JP" in _text(wb["Tax"])


def test_left_out_columns_are_only_those_zero_everywhere():
    from toolkit.report.excel.layout import TAX_KEYS, block_spec, left_out

    rows = [{"year": "2027", "income_tax_local": 0.0, "income_tax_state": 0.0, "withholding_gap": None},
            {"year": "2028", "income_tax_local": 0.0, "income_tax_state": 12.5, "withholding_gap": 0.0}]
    assert left_out(rows, ["year", "income_tax_local", "income_tax_state", "withholding_gap"]) == ["income_tax_local", "withholding_gap"]
    spec = block_spec("Tax", (), TAX_KEYS, rows, frozenset({"year"}))
    assert [c.key for c in spec.columns] == ["year", "income_tax_state"]
    assert [c.key for c in block_spec("Tax", (), TAX_KEYS, rows, frozenset(TAX_KEYS)).columns] == [
        "year", "income_tax_state", "income_tax_local", "withholding_gap"]
