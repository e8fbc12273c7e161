"""Writes the hostile XLSX files in this folder (run: python tests/data/hostile/make_xlsx.py).

Each file attacks one reader guard of issue 11 item 3; the committed files are this script's
output, so a reader can see how each was made. Invented data only.
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent
HEADER = ["id", "company", "currency", "base_salary"]


def offers(ws) -> None:
    ws.append(HEADER)
    ws.append(["a", "Alpha Inc", "USD", 150000])
    ws.append(["b", "Beta LLC", "USD", 140000])


def patch(path: Path, member: str, edit) -> None:
    """Rewrite one zip member in place (to write what openpyxl will not)."""
    with zipfile.ZipFile(path) as zf:
        items = [(i, zf.read(i.filename)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in items:
            zf.writestr(info, edit(data) if info.filename == member else data)


def main() -> None:
    # 1. One stray cell at the last column and row: 12 real cells, a used range of 17 billion.
    wb = Workbook(); ws = wb.active; ws.title = "Offers"; offers(ws); ws["XFD1048576"] = "x"
    wb.save(HERE / "stray_cell.xlsx")
    # 2. A stray cell in the last row of column A: 6 million cells of range for 13 values.
    wb = Workbook(); ws = wb.active; ws.title = "Offers"; offers(ws); ws["A1048576"] = "stray"
    wb.save(HERE / "stray_row.xlsx")
    # 3. A sheet that declares A1:XFD1048576 but holds 12 cells: read by its real cells.
    wb = Workbook(); ws = wb.active; ws.title = "Offers"; offers(ws)
    wb.save(HERE / "lying_dimension.xlsx")
    patch(HERE / "lying_dimension.xlsx", "xl/worksheets/sheet1.xml",
          lambda d: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', d))
    # 4. A CSV renamed .xlsx, and random bytes named .xlsx.
    (HERE / "csv_renamed.xlsx").write_text("id,company,currency,base_salary\na,Alpha Inc,USD,150000\n")
    (HERE / "random_bytes.xlsx").write_bytes(os.urandom(3000) if not (HERE / "random_bytes.xlsx").exists()
                                             else (HERE / "random_bytes.xlsx").read_bytes())
    # 5. Error cells with their cached error values, and a formula openpyxl saves without one.
    wb = Workbook(); ws = wb.active; ws.title = "Offers"; offers(ws)
    ws.append(["c", "Gamma", "USD", "#DIV/0!"]); ws.append(["d", "#N/A", "USD", 120000])
    ws.append(["e", "Epsilon", "USD", "=100000*1.5"])
    wb.save(HERE / "error_cells.xlsx")
    # 6. A market table whose first sheet is hidden (an old copy) and whose second is the data.
    wb = Workbook(); old = wb.active; old.title = "Old rates"
    old.append(["role", "component", "currency", "p50"]); old.append(["Engineer", "base", "USD", 1])
    old.sheet_state = "hidden"
    data = wb.create_sheet("Data")
    data.append(["role", "level", "location", "component", "currency", "p10", "p25", "p50", "p75", "p90", "source"])
    data.append(["Engineer", "L5", "Seattle, WA", "base", "USD", 150000, 165000, 180000, 195000, 215000, "invented"])
    wb.save(HERE / "hidden_first_sheet.xlsx")

    # 7. Files the output guard must protect: a user's own workbook, chart and calendar; a
    #    template filled in by hand; a template from an older version (openpyxl's creator).
    wb = Workbook(); ws = wb.active; ws.title = "Budget"; ws.append(["month", "rent"]); ws.append(["Jan", 1200])
    wb.properties.creator = "Jane Doe"
    wb.save(HERE / "user_workbook.xlsx")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 2)); fig.add_subplot().plot([1, 2], [3, 4])
    fig.savefig(HERE / "user_chart.png", format="png", dpi=50)
    (HERE / "user_calendar.ics").write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Jane//Her calendar//EN\r\nEND:VCALENDAR\r\n")
    from toolkit import load_offers
    from toolkit.report.template import build_template

    wb = build_template(load_offers([HERE / "high_raise.yaml"]).offers)
    wb.save(HERE / "filled_template.xlsx")
    wb = build_template()
    wb.properties.creator = "openpyxl"
    wb.custom_doc_props.props.clear()
    ws = wb["Offers"]; ws.append(["x", "Typed By Hand Inc", "USD", 99000])
    wb.save(HERE / "legacy_filled_template.xlsx")


if __name__ == "__main__":
    main()
