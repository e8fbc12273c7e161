"""The Summary sheet: offers side by side (one column each; with --current the stay scenario
first), headline figures as formulas, 'vs now' rows, component averages, TC by year, the best
value per row highlighted live, and two charts below the table (on a page of their own)."""

from __future__ import annotations

from typing import Any

from .. import formulas as fx
from ..layout import COMPONENT_LABELS, MAX_CHART_OFFERS, SUMMARY_ROWS, VERSUS_ROWS, Layout
from ..styles import BEST_FILL, INT, PERCENTILE, money_format, signed_money_format, SIGNED_PCT
from ..writer import SheetWriter, clean_text, number
from ...palette import argb, offer_color

LABEL_MAX, VALUE_MAX = 44, 24  # widths: the label column and each offer column at most
CHART_W, CHART_H = 12.5, 8.5  # cm: two side by side fit a landscape page


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
    from openpyxl.worksheet.pagebreak import Break

    e = L.e
    n, H = L.n, L.h
    S = L.summary
    stay = L.stay.evaluation if L.stay is not None else None
    label_col = S.label_col
    last_col = L.offer_col(n - 1)
    caps = [VALUE_MAX] * last_col
    caps[label_col - 1] = LABEL_MAX
    sh.setup(caps, (S.row("offer_id"), L.offer_col(0)))
    money = money_format(L.cur)
    headlines = {key: (label, kind) for key, label, kind, _ in SUMMARY_ROWS}
    versus = {key: (label, figure, kind) for key, label, figure, kind in VERSUS_ROWS}

    def row(first: tuple | None, cells: list[tuple | None], now: tuple | None = None) -> None:
        out: list[tuple | None] = [None] * last_col
        out[label_col - 1] = first
        if stay is not None:
            out[L.baseline_col - 1] = now
        for i, c in enumerate(cells):
            out[L.offer_col(i) - 1] = c
        while out and out[-1] is None:
            out.pop()
        sh.values(out)

    def header(title: str) -> None:
        out: list[str | None] = [None] * last_col
        out[label_col - 1] = title
        if stay is not None:
            out[L.baseline_col - 1] = f"Now: {L.stay.job.company or 'current job'}"
        for i, o in enumerate(e.offers):
            out[L.offer_col(i) - 1] = o.company
        sh.header(out)

    def now(value: Any, fmt: str | None = money) -> tuple | None:
        return None if stay is None else (value, "plain", fmt)

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
        elif key == "stay_note":
            row((f"'Now' is staying in your current job, computed by the same engine from {L.stay.start.isoformat()} "
                 "(docs/current.md); its figures do not recalculate.", "note"), [])
        elif key == "offer_header":
            header("Offer")
        elif key == "offer_id":
            row(("Offer id", "bold"), [(o.id, "plain") for o in e.offers], now("current job", None))
        elif key == "currency":
            row(("Offer currency", "bold"), [(o.currency, "plain") for o in e.offers], now(L.stay.job.currency if stay else None, None))
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
                    hint = number(e.headlines[key][i]) if key in e.headlines else None
                    cells.append((fx.headline(L, key, i), "bold" if key in ("year1_tc", "average_tc") else "plain",
                                  INT if kind == "int" else money, hint))
            stay_value = None
            if stay is not None and key in stay.headlines:
                v = number(stay.headlines[key][0])
                stay_value = now(v if v is not None else "n/a")
            elif stay is not None and key == "flags":
                stay_value = now("; ".join(stay.flags[0]) or "none", None)
            row((label, "bold_wrap" if kind == "text" else "bold"), cells, stay_value)
        elif key in versus:
            label, figure, kind = versus[key]
            fmt = SIGNED_PCT if kind == "pct" else signed_money_format(L.cur)
            row((label, "bold"), [(fx.versus_now(L, key, figure, i), "bold", fmt) for i in range(n)])
        elif key == "avg_header":
            sh.ws.row_breaks.append(Break(id=sh.row))  # the breakdowns start a page: a header never ends one
            header("Average per year by component")
        elif key.startswith("avg:"):
            c = key[4:]
            row((COMPONENT_LABELS[c], "bold"), [(fx.component_average(L, c, i), "plain", money) for i in range(n)],
                now(float(stay.figures.parts[c][0].mean())) if stay is not None else None)
        elif key == "tc_header":
            header("TC by year")
        elif key.startswith("tc:"):
            k = int(key[3:])
            row((f"Year {k}", "bold"), [(fx.tc_in_year(L, i, k), "plain", money) for i in range(n)],
                now(float(stay.figures.tc[0, k - 1])) if stay is not None else None)
        elif key == "tat_header":
            header("TC after tax by year (tax engine)")
        elif key.startswith("tat:"):
            k = int(key[4:])
            row((f"Year {k}", "bold"), [(fx.tc_after_tax_in_year(L, i, k), "plain", money, number(e.after_tax.after_tax_tc[i, k - 1]))
                                        for i in range(n)],
                now(_stay_after_tax(stay, k)) if stay is not None else None)
        else:
            raise KeyError(f"Summary: no content for row {key!r}")

    # best value in each row, live: a conditional format rather than a fixed fill
    best = PatternFill("solid", fgColor=BEST_FILL, bgColor=BEST_FILL)
    for key, _, _, better in SUMMARY_ROWS:
        if better is None:
            continue
        rng, rule = fx.best_in_row(L, key, better)
        sh.ws.conditional_formatting.add(rng, FormulaRule(formula=[rule], fill=best, font=Font(bold=True, color="006100")))

    # charts (the first MAX_CHART_OFFERS offers) below the table, on a page of their own
    shown = min(n, MAX_CHART_OFFERS)
    first_col, last_shown = L.offer_col(0), L.offer_col(shown - 1)
    parts = ["base", "bonus", "sign_on", "equity"] + (["refresh_equity"] if e.assumptions.include_refreshers else [])
    bar = BarChart()
    bar.type, bar.grouping, bar.overlap = "col", "stacked", 100
    bar.title = f"Average TC per year by component ({L.cur})"
    bar.y_axis.title = L.cur
    bar.y_axis.numFmt = '#,##0'
    bar.y_axis.majorGridlines = bar.y_axis.majorGridlines
    for c in parts:
        r = S.row(f"avg:{c}")
        series_ref = Reference(sh.ws, min_col=label_col, max_col=last_shown, min_row=r, max_row=r)
        if stay is not None:  # the label, then the offers (skipping the 'Now' column)
            from openpyxl.chart import Series

            s = Series(Reference(sh.ws, min_col=first_col, max_col=last_shown, min_row=r, max_row=r),
                       title_from_data=False, title=COMPONENT_LABELS[c])
            bar.series.append(s)
        else:
            bar.add_data(series_ref, from_rows=True, titles_from_data=True)
    head = S.row("offer_header")
    bar.set_categories(Reference(sh.ws, min_col=first_col, max_col=last_shown, min_row=head, max_row=head))
    bar.height, bar.width = CHART_H, CHART_W
    bar.legend.position = "b"
    bar.x_axis.delete = False
    bar.y_axis.delete = False
    line = LineChart()
    line.title = f"TC by year ({L.cur})"
    line.y_axis.numFmt = '#,##0'
    line.add_data(Reference(sh.ws, min_col=first_col, max_col=last_shown, min_row=S.row("tc_header"), max_row=S.row(f"tc:{H}")),
                  titles_from_data=True)
    line.set_categories(Reference(sh.ws, min_col=label_col, min_row=S.row("tc:1"), max_row=S.row(f"tc:{H}")))
    for i, series in enumerate(line.series):
        series.smooth = False
        series.graphicalProperties.line.solidFill = argb(offer_color(i))[2:]  # the offer's colour in every output
    line.height, line.width = CHART_H, CHART_W
    line.legend.position = "b"
    line.x_axis.delete = False
    line.y_axis.delete = False
    top = sh.row + 3
    sh.ws.row_breaks.append(Break(id=top - 2))  # the charts on a page of their own, never cut by a page break
    sh.chart(bar, top, label_col)
    sh.chart(line, top)  # beside the bar chart
    sh.chart(after_tax_chart(sh, L, shown), top + CHART_ROWS, label_col)  # below them, on the same page
    sh.finish()


CHART_ROWS = 19  # rows below the first charts' anchor where the next chart starts (8.5 cm at LibreOffice's 0.45 cm rows)


def _stay_after_tax(stay: Any, k: int) -> float | str:
    v = number(stay.after_tax.after_tax_tc[0, k - 1])
    return v if v is not None else "n/a"


def after_tax_chart(sh: SheetWriter, L: Layout, shown: int) -> Any:
    """Clustered bars per offer year: each offer's TC (solid, its colour) beside its TC after tax
    (the same colour, hatched, labelled 'after tax (engine, tax years)'), from the Summary rows."""
    from openpyxl.chart import BarChart, Reference, Series
    from openpyxl.drawing.fill import ColorChoice, PatternFillProperties

    from ...taxlabels import after_tax_label

    S, H = L.summary, L.h
    chart = BarChart()
    chart.type, chart.grouping = "col", "clustered"
    chart.title = f"TC by year, before and after tax ({L.cur})"
    chart.y_axis.numFmt = "#,##0"
    for i in range(shown):
        o, col = L.e.offers[i], L.offer_col(i)
        color = argb(offer_color(i))[2:]
        pre = Series(Reference(sh.ws, min_col=col, max_col=col, min_row=S.row("tc:1"), max_row=S.row(f"tc:{H}")),
                     title=clean_text(f"{o.company}: pre-tax", "Summary chart"))
        pre.graphicalProperties.solidFill = color
        pre.graphicalProperties.line.solidFill = color
        post = Series(Reference(sh.ws, min_col=col, max_col=col, min_row=S.row("tat:1"), max_row=S.row(f"tat:{H}")),
                      title=clean_text(f"{o.company}: {after_tax_label(L.tax_blocks[i])}", "Summary chart"))
        post.graphicalProperties.pattFill = PatternFillProperties(prst="wdUpDiag", fgClr=ColorChoice(srgbClr=color),
                                                                  bgClr=ColorChoice(srgbClr="FFFFFF"))
        post.graphicalProperties.line.solidFill = color
        chart.series += [pre, post]
    chart.set_categories(Reference(sh.ws, min_col=S.label_col, min_row=S.row("tc:1"), max_row=S.row(f"tc:{H}")))
    chart.height, chart.width = CHART_H, 2 * CHART_W
    chart.legend.position = "r"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    return chart
