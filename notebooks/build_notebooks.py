"""Write the notebooks in this folder from the cell sources below (no outputs are stored).

Run from anywhere:

    python notebooks/build_notebooks.py

The .ipynb files are generated: edit the cells here, rebuild, and commit both. Notebooks are
committed without outputs; tests/test_notebooks.py executes them top to bottom. Each notebook
finds the repository root itself, so it runs with the repository or notebooks/ as the
working directory. Helpers longer than a few lines belong in `toolkit/`, not here.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

SETUP = """\
%matplotlib inline
from pathlib import Path
import datetime as dt

import pandas as pd
from IPython.display import HTML, display

import toolkit

# The repository root, whether the notebook runs from the repository or from notebooks/.
ROOT = next(p for p in (Path.cwd(), *Path.cwd().parents) if (p / "data" / "offers.yaml").exists())
OFFERS = ROOT / "data" / "offers.yaml"
BLS = ROOT / "data" / "market" / "bls_oews_national_M2022_sample.xlsx"
REPORTS = ROOT / "reports"
pd.set_option("display.width", 140)"""


def md(text: str):
    return new_markdown_cell(text.strip("\n"))


def code(text: str):
    return new_code_cell(text.strip("\n"))


def compare_offers():
    return [
        md("""
# 1. Compare offers

Three invented offers in `data/offers.yaml`: a public company with back-loaded RSUs, a
startup with private options and a Berlin offer paid in euros. We load them, put them in one
currency, look at how each one's pay is built and how it changes year by year, and export the
Excel report.
"""),
        code(SETUP),
        md("""
## Load the offers

`load_offers` validates every offer and collects every problem at once. Each offer renders as
a table of its terms.
"""),
        code("""
from toolkit.report.html import offer_html

offer_set = toolkit.load_offers(OFFERS)
for offer in offer_set.offers:
    display(HTML(offer_html(offer)))
"""),
        md("""
## Evaluate

`evaluate` converts every offer to the reporting currency and computes each component for each
year. The evaluation renders as a summary table; every result is also a pandas DataFrame.
"""),
        code("""
evaluation = toolkit.evaluate(offer_set)
evaluation
"""),
        code("""
evaluation.summary[["offer_id", "company", "year1_tc", "average_tc", "total_tc", "average_total_rewards"]]
"""),
        code("""
evaluation.years_wide
"""),
        md("""
## What each offer is made of

Stacked bars: the average yearly TC of each offer split into base, bonus, sign-on and equity;
beside each stack, hatched, the same offer's average TC after tax from the tax engine.
"""),
        code("""
from toolkit.report import charts

charts.plot_tc_composition(evaluation)
"""),
        md("""
## Year by year

Globex's RSUs vest 5 / 15 / 40 / 40 %, so its TC jumps in year 3; its year-2 sign-on hides
the dip in year 2. A line per offer makes such steps visible.
"""),
        code("""
charts.plot_tc_by_year(evaluation)
"""),
        md("""
## Before and after tax

Each year's TC beside what is left after income tax and payroll contributions, as the tax
engine computes them where the offer is (Seattle: no state income tax; California; Berlin). The
legend names the engine and the tax years; `evaluation.to_dict()["offers"][i]["tax"]` has every
component.
"""),
        code("""
charts.plot_tc_after_tax(evaluation)
"""),
        md("""
## Cumulative pay

Who has earned more by the end of each year? A crossover, if any, is circled.
"""),
        code("""
from toolkit.offers.scenarios import crossover_year

charts.plot_cumulative(evaluation)
"""),
        code("""
pd.DataFrame(
    [(a, b, crossover_year(evaluation, a, b)) for a in evaluation.ids for b in evaluation.ids if a < b],
    columns=["offer", "other", "crossover_year"],
)
"""),
        md("""
## A quick scenario

What if the stock falls 30 % a year? `with_assumptions` re-evaluates without reloading.
"""),
        code("""
bear = evaluation.with_assumptions(stock_growth=-0.3)
bear
"""),
        md("""
## What if …? Move the sliders

Stock growth, raise, horizon, the discount on private equity and the reporting currency: each
change re-evaluates every offer with the same `evaluate` as above and redraws the table and the
year-by-year chart, with your current job (`data/current-job.yaml`) as the grey "now" line. No
cell needs to be run again. (Without ipywidgets — a plain `nbclient` run, or the `test` extra
alone — the cell shows a static note with the same table and chart.)
"""),
        code("""
from toolkit.negotiation import load_current
from toolkit.report.whatif import what_if_panel

TODAY = dt.date(2026, 11, 25)  # fixed, so deadlines and the stay scenario do not move with the calendar
current = load_current(ROOT / "data" / "current-job.yaml")
what_if_panel(offer_set, current=current, today=TODAY)
"""),
        md("""
## Export the Excel report and the brief

The workbook and the two-page brief go to `reports/` (git-ignored). The same files are written
by `offer-toolkit compare data/offers.yaml --current data/current-job.yaml -o reports/offers.xlsx
--brief reports/offer-brief.pdf`. The PDF needs WeasyPrint's Pango library; without it the
brief is written as HTML instead.
"""),
        code("""
from toolkit.negotiation.current import evaluate_stay
from toolkit.report.brief import PdfRendererMissing, write_offer_brief
from toolkit.report.excel import write_report

path = write_report(evaluation, REPORTS / "01-compare-offers.xlsx", inputs=[OFFERS])
print(path.relative_to(ROOT), f"{path.stat().st_size:,} bytes")
stay = evaluate_stay(current, evaluation, today=TODAY)
try:
    brief = write_offer_brief(REPORTS / "01-offer-brief.pdf", evaluation, stay=stay, today=TODAY, inputs=[OFFERS])
except PdfRendererMissing as exc:
    print(exc)
    brief = write_offer_brief(REPORTS / "01-offer-brief.html", evaluation, stay=stay, today=TODAY, inputs=[OFFERS])
print(brief.relative_to(ROOT), f"{brief.stat().st_size:,} bytes")
"""),
    ]


def market_data():
    return [
        md("""
# 2. Market data

A real public file: the US Bureau of Labor Statistics' Occupational Employment and Wage
Statistics (OEWS), national, May 2022, in its original workbook layout. `data/market/` holds
a slice of it (computer occupations and a few others; see `data/market/README.md`). BLS wages
are annual base pay by occupation for the whole country, so they are a coarse yardstick for a
base salary, not for TC.
"""),
        code(SETUP),
        md("""
## Load the workbook

`load_market` recognises the BLS layout, reads its quirks (`*` = not available, `#` = at or
above the top-coded wage, rows with only hourly wages) and reports what it dropped and why.
"""),
        code("""
from toolkit.market import MarketOptions, load_market, summarize

# BLS titles are occupations; the example offers say "Software Engineer".
options = MarketOptions(aliases={"Software Engineer": "Software Developers"})
market = load_market(BLS, options=options)
print(market.report.render())
"""),
        md("""
## Summarise

Percentiles per occupation. Chief Executives are top-coded at p75 and p90: BLS publishes only
"at or above $239,200", so those cells are empty and flagged rather than guessed.
"""),
        code("""
summary = summarize(market)
summary[["role", "p10", "p25", "p50", "p75", "p90", "top_coded"]]
"""),
        code("""
summary[summary["role"].str.contains("Software|Chief", regex=True)][["role", "p25", "p50", "p75", "p90", "top_coded"]]
"""),
        md("""
## Place the offers

`toolkit.place(toolkit.evaluate(...), [market])` places each offer's components against the matching
occupation; `evaluation.market` has one row per offer and component with its percentile and
the gap to the median and p75.
"""),
        code("""
evaluation = toolkit.place(toolkit.evaluate(toolkit.load_offers(OFFERS)), [market])
placements = evaluation.market
placements[["offer_id", "component", "value", "percentile", "p25", "p50", "p75", "gap_to_p50", "match", "source"]]
"""),
        code("""
from toolkit.report import charts
from toolkit.report.html import frame_html

display(HTML(frame_html(placements[["offer_id", "component", "value", "percentile", "p50", "gap_to_p50"]],
                        "Offers against BLS OEWS 2022", money_columns=["value", "p50", "gap_to_p50"],
                        currency=evaluation.currency)))
"""),
        md("""
## The offers against the market band

Each row: the p10–p90 range as a line, p25–p75 as a box, the median as a tick and the offer as
a diamond with its percentile.
"""),
        code("""
charts.plot_market_band(evaluation)
"""),
        md("""
## Export the workbook and the brief

Both carry the placements: the workbook's Market sheet and the brief's market band chart.
"""),
        code("""
from toolkit.report.brief import PdfRendererMissing, write_offer_brief
from toolkit.report.excel import write_report

TODAY = dt.date(2026, 11, 25)
path = write_report(evaluation, REPORTS / "02-market-data.xlsx", inputs=[OFFERS, BLS])
print(path.relative_to(ROOT), f"{path.stat().st_size:,} bytes")
try:
    brief = write_offer_brief(REPORTS / "02-offer-brief.pdf", evaluation, today=TODAY, inputs=[OFFERS, BLS])
except PdfRendererMissing as exc:
    print(exc)
    brief = write_offer_brief(REPORTS / "02-offer-brief.html", evaluation, today=TODAY, inputs=[OFFERS, BLS])
print(brief.relative_to(ROOT), f"{brief.stat().st_size:,} bytes")
"""),
    ]


def negotiation_plan():
    return [
        md("""
# 3. Negotiation plan

From the evaluation (with market placements) to a plan: a checklist of terms to get in
writing, talking points with asks, scenario sweeps of the stock price, a Monte Carlo range for
the equity and the message drafts.
"""),
        code(SETUP),
        code("""
from toolkit.market import MarketOptions, load_market
from toolkit.negotiation import build_plan
from toolkit.report import charts

market = load_market(BLS, options=MarketOptions(aliases={"Software Engineer": "Software Developers"}))
evaluation = toolkit.place(toolkit.evaluate(toolkit.load_offers(OFFERS)), [market])
TODAY = dt.date(2026, 11, 25)  # fixed, so the deadlines in the plan do not move with the calendar
plan = build_plan(evaluation, today=TODAY)
plan
"""),
        md("""
The BLS table is US national data. The Berlin offer (`hooli-de`) is **not** placed against it:
another country's rows are used only when you ask for them (`market_location` on the offer or
`--market-location`), so its placements say why instead of quoting US wages in euros.
"""),
        code("""
evaluation.market.loc[evaluation.market["offer_id"] == "hooli-de", ["component", "match", "country_mismatch"]]
"""),
        md("""
## Checklist

What each offer still needs in writing or clarified.
"""),
        code("""
plan.checklist[plan.checklist["status"].isin(["missing", "to_confirm"])]  # confirmed terms need nothing more
"""),
        md("""
## Talking points
"""),
        code("""
plan.talking_points[["offer_id", "priority", "component", "current", "ask", "rationale"]]
"""),
        md("""
## Scenario sweeps: how much depends on the stock?

`sweep` evaluates every offer at each stock growth; `break_even_growth` finds the growth at
which two offers' average TC are equal (None if they never are in −90 %…+200 %).
"""),
        code("""
from toolkit.offers.scenarios import break_even_growth, sweep

table = sweep(evaluation, "stock_growth", [-0.5, -0.3, -0.1, 0.0, 0.1, 0.3, 0.5])
table.pivot(index="stock_growth", columns="offer_id", values="average_tc").round(0)
"""),
        code("""
pd.DataFrame(
    [(a, b, break_even_growth(evaluation, a, b)) for a in evaluation.ids for b in evaluation.ids if a < b],
    columns=["offer", "other", "break_even_growth"],
)
"""),
        code("""
charts.plot_stock_sensitivity(evaluation)
"""),
        md("""
## Uncertain stock prices

50,000 lognormal price paths per offer with 40 % annual volatility, drifting so
the expected price grows as assumed. The range (P10–P90) of each offer's TC per year shows
how much of it is a bet on the stock. The seed makes the numbers reproducible.
"""),
        code("""
from toolkit.offers.montecarlo import simulate_equity

mc = simulate_equity(evaluation, volatility=0.4, paths=50_000, seed=2026)
mc.average
"""),
        code("""
charts.plot_monte_carlo(mc)
"""),
        code("""
WALK_AWAY = 250_000  # the average yearly TC below which you would rather stay where you are
{oid: f"{mc.probability_below(oid, WALK_AWAY):.0%}" for oid in evaluation.ids}
"""),
        md("""
The chance that each offer's average TC over the horizon ends below the walk-away figure:
the cash in an offer is certain, so only the equity can pull it under.

## Drafts

A counter-offer message per offer, ready to edit.
"""),
        code("""
draft = plan.drafts[plan.drafts["kind"] == "counter_offer"].iloc[0]
print(draft["subject"])
print()
print(draft["body"])
"""),
        md("""
## Export the workbook and the brief

The plan goes into both: the workbook's Negotiation sheet, and the brief's terms to confirm,
top asks, bundled counter and walk-away table.
"""),
        code("""
from toolkit.report.brief import PdfRendererMissing, write_offer_brief
from toolkit.report.excel import write_report

path = write_report(evaluation, REPORTS / "03-negotiation-plan.xlsx", plan=plan, inputs=[OFFERS, BLS])
print(path.relative_to(ROOT), f"{path.stat().st_size:,} bytes")
try:
    brief = write_offer_brief(REPORTS / "03-offer-brief.pdf", evaluation, plan=plan, today=TODAY, inputs=[OFFERS, BLS])
except PdfRendererMissing as exc:
    print(exc)
    brief = write_offer_brief(REPORTS / "03-offer-brief.html", evaluation, plan=plan, today=TODAY, inputs=[OFFERS, BLS])
print(brief.relative_to(ROOT), f"{brief.stat().st_size:,} bytes")
"""),
    ]


NOTEBOOKS = {
    "01-compare-offers.ipynb": compare_offers,
    "02-market-data.ipynb": market_data,
    "03-negotiation-plan.ipynb": negotiation_plan,
}


def build(folder: Path = HERE) -> list[Path]:
    """Write every notebook into `folder`; return the paths."""
    out = []
    for name, cells in NOTEBOOKS.items():
        nb = new_notebook(cells=cells())
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.metadata["language_info"] = {"name": "python"}
        for i, cell in enumerate(nb.cells):
            cell["id"] = f"{Path(name).stem[:2]}-{i:02d}"  # stable ids: rebuilding gives no diff
        nbformat.validate(nb)
        path = folder / name
        path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
        out.append(path)
    return out


if __name__ == "__main__":
    for p in build():
        print(p.name)
