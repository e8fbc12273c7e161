"""The offer brief, rendered for real: HTML always; PDF through WeasyPrint, then PNG with pdftoppm.

What is asserted is measured on the rendered output, not on the writer's own arithmetic:
the page count (pdfinfo), the text a reader can select (pdftotext) against the figures of
`compare --format json` for the same inputs, the links (pdfinfo -url), and page 1 at 50 dpi
against a golden PNG: the mean absolute pixel difference must stay under 2% of the 0–255 range
(GOLDEN_TOLERANCE). Regenerate the golden after an intended change of the layout with

    UPDATE_GOLDEN=1 python -m pytest tests/test_report_brief.py

and look at it (tests/golden/brief_page1_50dpi.png) before committing. Run locally, the tests
leave every page as PNG in reports/brief-pages/ (git-ignored) so a person can look.
Outside CI, a missing WeasyPrint system library or poppler skips the PDF tests with the reason;
under CI (CI=true) it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit import format as fmt
from toolkit.cli import app

ROOT = Path(__file__).resolve().parent.parent
OFFERS = str(ROOT / "data" / "offers.yaml")
CURRENT = str(ROOT / "data" / "current-job.yaml")
MARKET = str(ROOT / "data" / "market" / "percentiles.csv")
PIPELINE = str(ROOT / "data" / "pipeline.yaml")
SAMPLE = [OFFERS, "--market", MARKET, "--current", CURRENT, "--pipeline", PIPELINE, "--today", "2026-11-25"]
GOLDEN_PNG = ROOT / "tests" / "golden" / "brief_page1_50dpi.png"
GOLDEN_TOLERANCE = 0.02  # mean |Δpixel| / 255 on page 1 at 50 dpi, greyscale
PAGES_DIR = ROOT / "reports" / "brief-pages"
HEADLINE_KEYS = ("year1_tc", "average_tc", "total_tc", "year1_total_rewards", "average_total_rewards", "pto_value",
                 "average_tc_col_adjusted", "average_tc_after_tax", "total_tc_present_value", "exercise_cost")
runner = CliRunner()


def _require_pdf_tools() -> None:
    """WeasyPrint with its libraries, and poppler; skip with the reason outside CI, fail under CI."""
    problems = []
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        problems.append(f"WeasyPrint cannot load ({exc})")
    for tool in ("pdftoppm", "pdftotext", "pdfinfo"):
        if shutil.which(tool) is None:
            problems.append(f"{tool} is missing (apt-get install poppler-utils)")
    if problems:
        if os.environ.get("CI") == "true":
            pytest.fail("; ".join(problems))
        pytest.skip("; ".join(problems))


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory) -> Path:
    _require_pdf_tools()
    out = tmp_path_factory.mktemp("brief") / "offer-brief.pdf"
    result = runner.invoke(app, ["brief", *SAMPLE, "-o", str(out)])
    assert result.exit_code == 0, result.output
    _keep_pages(out, "sample")
    return out


@pytest.fixture(scope="module")
def sample_json() -> dict:
    result = runner.invoke(app, ["compare", *SAMPLE, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _keep_pages(pdf: Path, name: str) -> None:
    """Locally, leave every page as PNG under reports/brief-pages/ for a person to look at."""
    if os.environ.get("CI") == "true":
        return
    PAGES_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(PAGES_DIR / name)], check=True)


# ---------------------------------------------------------------- the PDF


def test_the_sample_brief_fits_two_pages_on_letter(sample_pdf):
    assert _pages(sample_pdf) <= 2
    info = subprocess.run(["pdfinfo", str(sample_pdf)], capture_output=True, text=True, check=True).stdout
    assert "612 x 792 pts (letter)" in info  # the first offer is in Seattle


def test_the_pdf_text_has_every_headline_figure_and_yearly_tc_of_the_json(sample_pdf, sample_json):
    text = _text(sample_pdf)
    cur = sample_json["currency"]
    for o in sample_json["offers"]:
        for key in HEADLINE_KEYS:
            if o[key] is not None:
                assert fmt.money(o[key], cur) in text, f"{o['id']} {key} {fmt.money(o[key], cur)} not in the PDF text"
        for y in o["years"]:
            assert fmt.money(y["tc"], cur) in text, f"{o['id']} year {y['year']} TC not in the PDF text"
        for key in ("average_tc", "average_tc_after_tax"):  # the brief's two 'vs now' rows, before and after tax
            vs = o["vs_current"][key]
            assert fmt.versus(vs["difference"], vs["fraction"], cur) in text
    for y in sample_json["current"]["years"]:
        assert fmt.money(y["tc"], cur) in text
    for heading in ("Headline figures", "Terms still to confirm", "Top asks, with their evidence", "The bundled counter and where it lands",
                    "Walk-away", "Next follow-up actions and deadlines", "Assumptions."):
        assert heading in text


def test_the_after_tax_section_names_the_engine_and_each_tax_year(sample_pdf, sample_json):
    """The engine and its tax years are named; every tax year's label, after-tax TC, tax and
    effective rate from the JSON tax block is printed, each offer on its line (a fifth year may wrap)."""
    text = _text(sample_pdf)
    cur = sample_json["currency"]
    # one engine for all; the Berlin offer's tax years run to 2031 (the year cut by the horizon), so no common span
    assert "Tax engine: built-in tax tables" in " ".join(text.split())
    lines = text.splitlines()
    for o in sample_json["offers"]:
        t = o["tax"]
        assert t["engine_version"] in text
        at = next(k for k, line in enumerate(lines) if line.strip().startswith(o["id"]) and f"{t['years'][0]['year']} $" in line)
        row = " ".join(lines[at:at + 2])  # a fifth tax year (a start after January) may wrap to the next line
        for y in t["years"]:
            cell = f"{y['year']} {fmt.money(y['after_tax_tc'], cur)} ({fmt.money(y['total_tax'], cur)}, {fmt.percent(y['effective_rate'])})"
            assert cell in row, f"{o['id']}: {cell!r} not on its line {row!r}"
    assert "US · WA, single" in text and "DE, single" in text
    assert "later years use the latest published tables" in text


def test_the_links_in_the_pdf_work(sample_pdf):
    urls = subprocess.run(["pdfinfo", "-url", str(sample_pdf)], capture_output=True, text=True, check=True).stdout
    assert "https://www.ecb.europa.eu/" in urls  # the FX source
    assert "https://" in urls.split("ecb.europa.eu", 1)[1]  # and the sources cited by the asks


def test_page_one_matches_the_golden_png(sample_pdf, tmp_path):
    from PIL import Image, ImageChops, ImageStat

    subprocess.run(["pdftoppm", "-r", "50", "-gray", "-png", "-f", "1", "-l", "1", "-singlefile", str(sample_pdf), str(tmp_path / "page1")], check=True)
    page = Image.open(tmp_path / "page1.png").convert("L")
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN_PNG.parent.mkdir(parents=True, exist_ok=True)
        page.save(GOLDEN_PNG, optimize=True)
    assert GOLDEN_PNG.exists(), f"{GOLDEN_PNG} is missing; run UPDATE_GOLDEN=1 python -m pytest {Path(__file__).name} and look at it"
    golden = Image.open(GOLDEN_PNG).convert("L")
    assert page.size == golden.size, f"page 1 is {page.size} px, the golden {golden.size}"
    diff = ImageStat.Stat(ImageChops.difference(page, golden)).mean[0] / 255
    assert diff < GOLDEN_TOLERANCE, f"page 1 differs from the golden by {diff:.2%} (tolerance {GOLDEN_TOLERANCE:.0%}); look at {PAGES_DIR}"


def test_six_offers_take_at_most_three_pages_and_a4_when_asked(tmp_path):
    _require_pdf_tools()
    import yaml

    doc = yaml.safe_load(Path(OFFERS).read_text())
    more = [dict(o, id=o["id"] + "-b", company=o["company"] + " B") for o in doc["offers"]]
    doc["offers"] += more
    offers = tmp_path / "six.yaml"
    offers.write_text(yaml.safe_dump(doc, sort_keys=False))
    out = tmp_path / "six.pdf"
    result = runner.invoke(app, ["brief", str(offers), "--market", MARKET, "--current", CURRENT, "--pipeline", PIPELINE,
                                 "--today", "2026-11-25", "--paper", "a4", "-o", str(out)])
    assert result.exit_code == 0, result.output
    _keep_pages(out, "six-offers")
    assert _pages(out) <= 3
    assert "595.276 x 841.89 pts (A4)" in subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout


def test_compare_writes_the_brief_beside_its_table(tmp_path):
    _require_pdf_tools()
    out = tmp_path / "brief.pdf"
    result = runner.invoke(app, ["compare", *SAMPLE, "--brief", str(out)])
    assert result.exit_code == 0, result.output
    assert "Year-1 TC vs now" in result.stdout and _pages(out) <= 2


# ---------------------------------------------------------------- the HTML (no system library)


class _Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.th_scopes: list[str | None] = []
        self.img_alts: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("h1", "h2"):
            self.headings.append(tag)
        if tag == "th":
            self.th_scopes.append(a.get("scope"))
        if tag == "img":
            self.img_alts.append(a.get("alt"))


def test_the_html_has_headings_table_headers_and_alt_text_that_states_the_figures(tmp_path):
    out = tmp_path / "brief.html"
    result = runner.invoke(app, ["brief", *SAMPLE, "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    outline = _Outline()
    outline.feed(html)
    assert outline.headings.count("h1") == 1 and outline.headings.count("h2") >= 6
    assert outline.th_scopes and all(scope in ("col", "row") for scope in outline.th_scopes)
    assert len(outline.img_alts) == 2
    year_chart, market_chart = outline.img_alts
    assert "globex: $263,500 ($197,840 after tax), $289,605 ($209,707 after tax)" in year_chart
    # the stay's line after tax too: the JSON's current.years[].tc_after_tax, not its pre-tax TC
    current = json.loads(runner.invoke(app, ["compare", *SAMPLE, "--format", "json"]).stdout)["current"]
    assert current["years"][0]["tc_after_tax"] < current["years"][0]["tc"] - 1000
    assert "now (stay): " + ", ".join(f"{fmt.money(y['tc'], 'USD')} ({fmt.money(y['tc_after_tax'], 'USD')} after tax)"
                                      for y in current["years"]) in year_chart
    assert "after tax: the tax engine's figures, after tax (built-in tax tables, 2027–2030)" in year_chart
    assert "p37" in market_chart
    assert 'lang="en"' in html and "<script" not in html
    # each ask in its own unit and currency, as the negotiation plan states it
    assert "$185,000 → $204,000" in html and "€0 → €50,000" in html and "money 185" not in html


def _broken_weasyprint(tmp_path: Path) -> dict:
    """An environment whose `import weasyprint` fails the way it does without Pango (macOS, Windows)."""
    fake = tmp_path / "fake" / "weasyprint"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise OSError(\"cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file\")\n")
    return {**os.environ, "PYTHONPATH": str(tmp_path / "fake") + os.pathsep + os.environ.get("PYTHONPATH", "")}


def test_without_the_pdf_libraries_html_still_works_and_pdf_says_how_to_install(tmp_path):
    env = _broken_weasyprint(tmp_path)
    html = tmp_path / "brief.html"
    ok = subprocess.run([sys.executable, "-m", "toolkit", "brief", OFFERS, "-o", str(html), "--today", "2026-11-25"],
                        capture_output=True, text=True, env=env, cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert html.exists() and "Headline figures" in html.read_text(encoding="utf-8")
    pdf = tmp_path / "brief.pdf"
    bad = subprocess.run([sys.executable, "-m", "toolkit", "brief", OFFERS, "-o", str(pdf)], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    assert "apt-get install libpango-1.0-0" in bad.stderr and "-o brief.html" in bad.stderr and "brew install pango" in bad.stderr
    assert not pdf.exists()
    compare = subprocess.run([sys.executable, "-m", "toolkit", "compare", OFFERS, "--brief", str(pdf)], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert compare.returncode == 2 and compare.stdout == "" and not pdf.exists()  # refused before the table is printed


def test_bad_brief_options_are_reported_together():
    result = runner.invoke(app, ["brief", OFFERS, "-o", "brief.docx", "--paper", "a5", "--raise", "lots"])
    assert result.exit_code == 2
    for part in ("--output: expected a path ending in .pdf or .html", "--paper: expected letter or a4, got 'a5'", "--raise"):
        assert part in result.stderr


def test_paper_follows_the_first_offers_country():
    from toolkit.offers.models import Offer
    from toolkit.report.brief import max_pages, paper_for

    us = Offer.model_validate({"company": "A", "currency": "USD", "base_salary": 1, "location": "Austin, TX"}, context={"currency": "USD"})
    de = Offer.model_validate({"company": "B", "currency": "EUR", "base_salary": 1, "location": "Berlin, Germany"}, context={"currency": "EUR"})
    assert paper_for([us, de]) == "letter" and paper_for([de, us]) == "a4"
    assert [max_pages(n) for n in (1, 3, 4, 6, 7)] == [2, 2, 3, 3, 4]


def test_the_decision_sentence_says_only_what_the_figures_support(sample_json):
    from toolkit.report.brief import decision_sentence

    doc = sample_json  # compare's JSON carries the plan's ranking
    sentence = decision_sentence(doc)
    avg = {o["id"]: o["average_tc"] for o in doc["offers"]}
    assert sentence.startswith(f"Globex Corporation leads on average TC at {fmt.money(avg['globex'], 'USD')} a year")
    assert fmt.money(avg["globex"] - avg["initech"], "USD") + " (+26.2%) more than Initech Labs" in sentence
    assert "more than staying at Example Current Employer Inc. (invented)" in sentence
    assert sentence.endswith(".") and ". " not in sentence.replace("Inc. (", "")  # one sentence
    assert "but Initech Labs scores highest on your own weighted factors" in sentence  # its personal score ranks first


def test_brief_takes_every_option_of_compare_but_compares_own_outputs():
    import typer.main

    from toolkit.cli.brief import NOT_FOR_BRIEF

    def flags(name):
        command = typer.main.get_command(app).commands[name]
        return {o for p in command.params for o in getattr(p, "opts", ()) if o.startswith("--")}

    compare_only = {"--output", "--charts", "--format", "--no-escape", "--quiet", "--brief"}
    assert flags("compare") - compare_only <= flags("brief")
    assert {"--output", "--paper"} <= flags("brief") and "--charts" not in flags("brief")
    assert "fmt" in NOT_FOR_BRIEF


def test_after_tax_rows_name_their_own_engine_when_offers_differ():
    """One offer with its own flat rate: no shared engine line; each row names its engine and
    tax years, the flat one 'flat rate given by you'."""
    import toolkit
    from toolkit.report.brief import _after_tax
    from toolkit.report.text import build_document, round_document

    offer_set = toolkit.load_offers(OFFERS)
    offers = list(offer_set.offers)
    offers[1] = offers[1].model_copy(update={"tax_rate": 0.3})
    offers[2] = offers[2].model_copy(update={"location": "Tokyo, Japan"})
    e = toolkit.evaluate(offers, offer_set.assumptions)
    block = _after_tax(round_document(build_document(e)))
    assert block["engine"] == "" and all(r["own_engine"] for r in block["rows"])
    assert [(r["engine"], r["span"]) for r in block["rows"]] == [
        ("built-in tax tables", "2027–2030"), ("flat rate given by you: 30.0%", "2027–2030"), ("built-in tax tables", "2027–2031")]
    assert block["rows"][1]["years"][0] == {"label": "2027", "after": "$165,200", "tax": "$70,800", "rate": "30.0%"}
    assert block["rows"][1]["notes"] == ""  # the engine cell already says the rate is yours
    assert block["rows"][2]["years"] == [] and "no tax tables for JP" in block["rows"][2]["notes"]  # printed as "no after-tax figure"


def test_a_flag_several_offers_share_is_noted_once_naming_them(sample_pdf):
    text = " ".join(_text(sample_pdf).split())
    assert "globex, initech: us-limits-projected:" in text
    assert "• initech: us-limits-projected" not in text
