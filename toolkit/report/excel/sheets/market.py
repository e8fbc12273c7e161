"""The Market sheet: each offer against the market band (static: market data is not in the workbook)."""

from __future__ import annotations

import math
from typing import Any

from ..layout import MAX_CHART_OFFERS, Layout
from ..styles import HIGH_FILL, INT, LOW_FILL, PERCENTILE, money_format
from ..writer import SheetWriter, number

BAND = ("p25", "p50", "p75", "p90")


def write(sh: SheetWriter, L: Layout) -> None:
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill
    from openpyxl.worksheet.pagebreak import Break

    e, spec = L.e, L.market
    m = e.market
    sh.setup(spec.widths, (spec.first_row, spec.col("label") + 1) if m is not None else None)
    if m is None:
        sh.title_rows("Market", "No market file was given: run compare with --market FILE to place each offer against market pay.")
        sh.finish()
        return
    sh.title_rows(f"Market: each offer against the market band, in {L.cur}",
                  "Value below p50 is shaded red, above p75 blue. Figures come from the market file and do not recalculate.")
    sh.header(spec.headers)
    money = money_format(L.cur)
    company = {o.id: o.company for o in e.offers}
    records = m.to_dict("records")

    def g(rec: dict, key: str) -> Any:
        v = rec.get(key)
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else v

    for rec in records:
        oid = str(g(rec, "offer_id") or "")
        comp = str(g(rec, "component") or "")
        clamped = g(rec, "clamped")
        values = {
            "label": (f"{company.get(oid, oid)} · {comp}", "plain"), "offer_id": (oid, "plain"), "company": (company.get(oid, ""), "plain"),
            "component": (comp, "plain"), "value": (number(g(rec, "value")), "bold", money),
            "percentile": (number(g(rec, "percentile")), "plain", PERCENTILE), "clamped": (str(clamped) if clamped else None, "plain"),
            "gap_to_p50": (number(g(rec, "gap_to_p50")), "plain", money), "gap_to_p75": (number(g(rec, "gap_to_p75")), "plain", money),
            "match": (g(rec, "match"), "plain_wrap"), "sample_size": (number(g(rec, "sample_size")), "plain", INT),
            "source": (g(rec, "source"), "plain_wrap"),
        }
        values.update({p: (number(g(rec, p)), "plain", money) for p in ("p10", *BAND)})
        sh.values(spec.row_values(values))
    first, last = spec.first_row, max(spec.first_row, spec.first_row + len(records) - 1)
    ws = sh.ws
    low = PatternFill("solid", fgColor=LOW_FILL, bgColor=LOW_FILL)
    high = PatternFill("solid", fgColor=HIGH_FILL, bgColor=HIGH_FILL)
    value = spec.ref("value", first, col_abs=True)
    cells = spec.span("value", first, last, external=False, absolute=False)
    p50, p75 = spec.ref("p50", first, col_abs=True), spec.ref("p75", first, col_abs=True)
    ws.conditional_formatting.add(cells, FormulaRule(formula=[f"AND(ISNUMBER({p50}),{value}<{p50})"], fill=low))
    ws.conditional_formatting.add(cells, FormulaRule(formula=[f"AND(ISNUMBER({p75}),{value}>{p75})"], fill=high))
    if records:
        shown = min(len(records), 4 * MAX_CHART_OFFERS)
        head = spec.header_row
        bar = BarChart()
        bar.type = "col"
        bar.title = "Offer against the market band (p25, p50, p75, p90)"
        bar.add_data(Reference(ws, min_col=spec.col("value"), min_row=head, max_row=head + shown), titles_from_data=True)
        bar.set_categories(Reference(ws, min_col=spec.col("label"), min_row=first, max_row=first + shown - 1))
        bar.y_axis.numFmt = "#,##0"
        band = LineChart()
        for p in BAND:
            band.add_data(Reference(ws, min_col=spec.col(p), min_row=head, max_row=head + shown), titles_from_data=True)
        for series in band.series:
            series.smooth = False  # straight segments: the band is per placement, not a curve
        bar += band
        bar.height, bar.width = 12, 24
        bar.legend.position = "b"
        bar.x_axis.delete = False
        bar.y_axis.delete = False
        ws.row_breaks.append(Break(id=last + 1))  # the chart on a page of its own, never cut by a page break
        sh.chart(bar, last + 2, spec.col("label"))
    sh.finish(header_row=spec.header_row, filter_area=(spec.header_row, 1, last, spec.last_col))
