"""The Summary sheet: offers side by side (one column each), headline figures as formulas,
component averages, TC by year, the best value per row highlighted live, and two charts."""

from __future__ import annotations

from typing import Any

from .. import formulas as fx
from ..cells import ref
from ..layout import COMPONENT_LABELS, MAX_CHART_OFFERS, SUMMARY_ROWS, Layout
from ..styles import BEST_FILL, INT, PERCENTILE, money_format
from ..writer import SheetWriter, number

CHART_ROWS = 18  # rows one chart takes at the default row height (8.5 cm tall)
CHART_COLS = 9  # columns of default width one chart takes (17 cm wide)


def _market_value(e: Any, oid: str, component: str) -> float | None:
    m = e.market
    if m is None or not len(m):
        return None
    sel = m[(m["offer_id"] == oid) & (m["component"] == component)]
    return number(sel["percentile"].iloc[0]) if len(sel) else None


def write(sh: SheetWriter, L: Layout) -> None:
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Font, PatternFill

    from ....offers.engine import COMPONENTS

    e = L.e
    n, H = L.n, L.h
    S = L.summary
    label_col = S.label_col
    sh.setup([46] + [22] * n, (S.row("offer_id"), L.offer_col(0)))
    sh.ws.row_dimensions[S.row("missing")].height = 32
    sh.ws.row_dimensions[S.row("flags")].height = 96
    money = money_format(L.cur)
    headlines = {key: (label, kind) for key, label, kind, _ in SUMMARY_ROWS}
    companies = [o.company for o in e.offers]

    def row(first: tuple | None, cells: list[tuple | None]) -> None:
        out: list[tuple | None] = [None] * (L.offer_col(n - 1))
        out[label_col - 1] = first
        for i, c in enumerate(cells):
            out[L.offer_col(i) - 1] = c
        while out and out[-1] is None:
            out.pop()
        sh.values(out)

    def header(title: str) -> None:
        out = [None] * L.offer_col(n - 1)
        out[label_col - 1] = sh.text(title, "header", label_col)
        for i, name in enumerate(companies):
            out[L.offer_col(i) - 1] = sh.text(name, "header", L.offer_col(i))
        sh.append(out)

    for key in S.rows:
        if key is None:
            sh.values([])
        elif key == "title":
            row(("Offer comparison", "title"), [])
        elif key == "note":
            row((f"All figures in {L.cur} over a {H}-year horizon and recalculate from the yellow input cells on the Inputs, "
                 "Grants and Assumptions sheets. Best value in each row is highlighted.", "note"), [])
        elif key == "market_note":
            row(("Market percentiles come from the market file and do not recalculate.", "note"), [])
        elif key == "offer_header":
            header("Offer")
        elif key == "offer_id":
            row(("Offer id", "bold"), [(o.id, "plain") for o in e.offers])
        elif key == "currency":
            row(("Offer currency", "bold"), [(o.currency, "plain") for o in e.offers])
        elif key in headlines:
            label, kind = headlines[key]
            cells: list[tuple | None] = []
            for i, o in enumerate(e.offers):
                if key in ("market_base", "market_total"):
                    val = _market_value(e, o.id, key.split("_")[1])
                    cells.append((val if val is not None else "n/a", "plain", PERCENTILE))
                elif key == "missing":
                    cells.append((", ".join(e.missing_terms[i]) or "none", "plain_wrap"))
                elif key == "flags":
                    cells.append(("; ".join(e.flags[i]) or "none", "plain_wrap"))
                else:
                    cells.append((fx.headline(L, key, i), "bold" if key in ("year1_tc", "average_tc") else "plain",
                                  INT if kind == "int" else money))
            row((label, "bold_wrap" if kind == "text" else "bold"), cells)
        elif key == "avg_header":
            header("Average per year by component")
        elif key.startswith("avg:"):
            c = key[4:]
            row((COMPONENT_LABELS[c], "bold"), [(fx.component_average(L, c, i), "plain", money) for i in range(n)])
        elif key == "tc_header":
            header("TC by year")
        elif key.startswith("tc:"):
            k = int(key[3:])
            row((f"Year {k}", "bold"), [(fx.tc_in_year(L, i, k), "plain", money) for i in range(n)])
        else:
            raise KeyError(f"Summary: no content for row {key!r}")

    # best value in each row, live: a conditional format rather than a fixed fill
    best = PatternFill("solid", fgColor=BEST_FILL, bgColor=BEST_FILL)
    for key, _, _, better in SUMMARY_ROWS:
        if better is None:
            continue
        rng, rule = fx.best_in_row(L, key, better)
        sh.ws.conditional_formatting.add(rng, FormulaRule(formula=[rule], fill=best, font=Font(bold=True, color="006100")))

    # charts (the first MAX_CHART_OFFERS offers)
    shown = min(n, MAX_CHART_OFFERS)
    first_col, last_col = L.offer_col(0), L.offer_col(shown - 1)
    parts = ["base", "bonus", "sign_on", "equity"] + (["refresh_equity"] if e.assumptions.include_refreshers else [])
    bar = BarChart()
    bar.type, bar.grouping, bar.overlap = "col", "stacked", 100
    bar.title = f"Average TC per year by component ({L.cur})"
    bar.y_axis.title = L.cur
    bar.y_axis.numFmt = '#,##0'
    bar.y_axis.majorGridlines = bar.y_axis.majorGridlines
    for c in parts:
        r = S.row(f"avg:{c}")
        bar.add_data(Reference(sh.ws, min_col=label_col, max_col=last_col, min_row=r, max_row=r), from_rows=True, titles_from_data=True)
    head = S.row("offer_header")
    bar.set_categories(Reference(sh.ws, min_col=first_col, max_col=last_col, min_row=head, max_row=head))
    bar.height, bar.width = 8.5, 17
    bar.legend.position = "b"
    bar.x_axis.delete = False
    bar.y_axis.delete = False
    line = LineChart()
    line.title = f"TC by year ({L.cur})"
    line.y_axis.numFmt = '#,##0'
    line.add_data(Reference(sh.ws, min_col=first_col, max_col=last_col, min_row=S.row("tc_header"), max_row=S.row(f"tc:{H}")),
                  titles_from_data=True)
    line.set_categories(Reference(sh.ws, min_col=label_col, min_row=S.row("tc:1"), max_row=S.row(f"tc:{H}")))
    for series in line.series:
        series.smooth = False
    line.height, line.width = 8.5, 17
    line.legend.position = "b"
    line.x_axis.delete = False
    line.y_axis.delete = False
    chart_col = L.offer_col(n - 1) + 2  # one empty column between the offers and the charts
    sh.ws.add_chart(bar, ref(None, head, chart_col))
    sh.ws.add_chart(line, ref(None, head + CHART_ROWS, chart_col))
    # the print area covers the charts too
    sh.finish(last_col=chart_col + CHART_COLS)
