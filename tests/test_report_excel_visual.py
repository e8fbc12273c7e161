"""The workbook as a reader sees it on paper: printed to PDF by headless LibreOffice and measured
on that output (not on the writer's own arithmetic) — pages per sheet within bounds, every chart
inside its sheet's print area, no two words drawn over each other on any page. The pages are
left as PNGs in reports/visual-tests/ (git-ignored) for a person to look at.

Skipped with a visible reason when LibreOffice or poppler-utils is missing; under CI=true that
is a failure.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import ROOT
from libreoffice import pdf_pngs, pdf_words, render_pdf, require_poppler, require_soffice

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

OUT = ROOT / "reports" / "visual-tests"
DATA = ROOT / "data"
FOOTER = re.compile(r"^(.+) · page (\d+)$")  # the footer every sheet prints: '<sheet> · page <n>'

# Pages each sheet may take for the sample (3 offers, market, current job, 6 follow-ups).
PAGE_BOUNDS = {
    # Summary: 4 pages since the three after-tax headline rows (issue 14) pushed its charts on
    "Summary": (2, 4), "Year by year": (1, 1), "Tax": (1, 2), "Calendar years": (1, 1), "Market": (1, 2), "Negotiation": (1, 3), "Talking points": (1, 3),
    "Drafts": (3, 10), "Follow-ups": (1, 2), "Inputs": (1, 5), "Grants": (1, 1), "Assumptions": (1, 1), "Vest events": (1, 3),
}


@pytest.fixture(scope="module")
def rendered():
    """(workbook path, pdf path, words per page, sheet of each page) for the sample with every option."""
    require_soffice()
    require_poppler()
    from toolkit.cli import app

    OUT.mkdir(parents=True, exist_ok=True)
    xlsx = OUT / "sample.xlsx"
    result = CliRunner().invoke(app, ["compare", str(DATA / "offers.yaml"), "--market", str(DATA / "market" / "percentiles.csv"),
                                      "--current", str(DATA / "current-job.yaml"), "--pipeline", str(DATA / "pipeline.yaml"),
                                      "-o", str(xlsx)])
    assert result.exit_code == 0, result.output
    pdf = render_pdf(xlsx, OUT / "pdf")
    pngs = pdf_pngs(pdf, OUT, dpi=50)
    words = pdf_words(pdf)
    assert len(pngs) == len(words)
    return xlsx, pdf, words, [_sheet_of(page) for page in words]


def _lines(page):
    """Words grouped into text lines by their vertical position (a footer is one line)."""
    rows: dict[float, list] = {}
    for w in page:
        rows.setdefault(round(w[1], 0), []).append(w)
    return [" ".join(x[4] for x in sorted(ws)) for _, ws in sorted(rows.items())]


def _text(page) -> str:
    """The page's words in pdftotext's reading order (block by block)."""
    return " ".join(w[4] for w in page)


def _sheet_of(page) -> str:
    for line in _lines(page):
        m = FOOTER.match(line.strip())
        if m:
            return m.group(1)
    return "?"


def test_every_page_has_its_footer_and_each_sheet_its_pages(rendered):
    xlsx, _, _, sheets = rendered
    assert "?" not in sheets, f"pages without a '<sheet> · page n' footer: {[i + 1 for i, s in enumerate(sheets) if s == '?']}"
    order = list(dict.fromkeys(sheets))
    assert order == openpyxl.load_workbook(xlsx, read_only=True).sheetnames  # every sheet printed, in tab order
    counts = Counter(sheets)
    out_of_bounds = {s: (n, PAGE_BOUNDS[s]) for s, n in counts.items() if not PAGE_BOUNDS[s][0] <= n <= PAGE_BOUNDS[s][1]}
    assert not out_of_bounds, f"pages per sheet (found, bounds): {out_of_bounds}"


def test_every_chart_prints_whole_on_its_sheets_pages(rendered):
    """Each chart's title, legend and last category label are on a page of its own sheet, inside the page."""
    xlsx, _, words, sheets = rendered
    wb = openpyxl.load_workbook(xlsx)
    charts = [(ws.title, ch) for ws in wb.worksheets for ch in ws._charts]
    assert len(charts) == 4  # Summary: components, TC by year, TC before and after tax; Market: the band
    for sheet, chart in charts:
        title = chart.title.tx.rich.p[0].r[0].t
        text = " ".join(_text(page) for page, s in zip(words, sheets) if s == sheet)
        assert " ".join(title.split()) in text, f"{sheet}: chart {title!r} is not printed"
    summary_pages = [page for page, s in zip(words, sheets) if s == "Summary"]
    chart_page = next(p for p in summary_pages if any(w[4] == "(USD)" for w in p) and any(w[4] == "Equity" for w in p))
    legend = {w[4] for w in chart_page}
    assert {"Base", "Bonus", "Sign-on", "Equity", "Initech", "Hooli"} <= legend  # both legends, not cut off
    assert "4" in legend and any(w[4] == "Year" for w in chart_page)
    page_h = 612.0 if chart_page and max(w[3] for w in chart_page) <= 612 else 792.0
    assert all(0 <= w[0] and w[2] <= 792 and 0 <= w[1] and w[3] <= page_h for w in chart_page)


def _overlap(a, b) -> bool:
    """Two word boxes drawn over each other (more than a hair in both directions)."""
    dx = min(a[2], b[2]) - max(a[0], b[0])
    dy = min(a[3], b[3]) - max(a[1], b[1])
    return dx > 0.5 and dy > 0.3 * min(a[3] - a[1], b[3] - b[1])


def test_no_two_words_overlap_on_any_page(rendered):
    _, _, words, sheets = rendered
    bad = []
    for n, (page, sheet) in enumerate(zip(words, sheets), start=1):
        page = sorted(page, key=lambda w: w[1])
        for i, a in enumerate(page):
            for b in page[i + 1:]:
                if b[1] > a[3]:
                    break
                if _overlap(a, b):
                    bad.append(f"page {n} ({sheet}): {a[4]!r} at ({a[0]:.0f}, {a[1]:.0f}) overlaps {b[4]!r} at ({b[0]:.0f}, {b[1]:.0f})")
    assert not bad, "\n".join(bad[:20])


def test_drafts_print_in_full(rendered):
    """Every draft's closing line reaches the paper (the old sheet printed only 'Hi [recruiter's name],')."""
    xlsx, _, words, sheets = rendered
    text = " ".join(_text(p) for p, s in zip(words, sheets) if s == "Drafts")
    wb = openpyxl.load_workbook(xlsx)
    n_blocks = sum(1 for row in wb["Drafts"].iter_rows() if row[0].font and row[0].font.sz == 12 and row[0].value)
    assert text.count("[Your name]") >= n_blocks - 6  # the follow-up notes to self have no signature
    assert "I'm looking forward to getting started." in text


def test_pngs_are_left_for_a_person(rendered):
    _, pdf, words, _ = rendered
    pngs = sorted(OUT.glob(f"{Path(pdf).stem}-*.png"))
    assert len(pngs) == len(words) and all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
