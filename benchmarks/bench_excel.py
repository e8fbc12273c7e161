"""Benchmark: the Excel report for N offers against openpyxl write-only writing the same cells
with the same styles (the floor for any openpyxl writer). Target: report ≤ 1.5 × baseline.

    /work/venv/bin/python benchmarks/bench_excel.py [N]   (default 1000)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import openpyxl
from openpyxl.cell import WriteOnlyCell

import toolkit
from toolkit.report.excel import write_report

ROOT = Path(__file__).resolve().parents[1]


def offers(n: int):
    base = toolkit.load_offers(ROOT / "data" / "offers.yaml")
    out = []
    for i in range(n):
        o = base.offers[i % len(base.offers)]
        out.append(o.model_copy(update={"id": f"{o.id}-{i}", "company": f"{o.company} {i}",
                                        "base_salary": o.base_salary.model_copy(update={"amount": o.base_salary.amount * (1 + i / n)})}))
    return toolkit.evaluate(out, base.assumptions, currency="USD")


def baseline(src: Path, dst: Path) -> None:
    """Copy every cell (value or formula, number format, font, fill, alignment) in write-only mode."""
    wb_in = openpyxl.load_workbook(src)
    cells = [(ws.title, [[(c.value, c.number_format, copy_(c.font), copy_(c.fill), copy_(c.alignment)) for c in row] for row in ws.iter_rows()])
             for ws in wb_in.worksheets]
    t0 = time.perf_counter()
    wb = openpyxl.Workbook(write_only=True)
    for title, rows in cells:
        ws = wb.create_sheet(title)
        for row in rows:
            out = []
            for value, fmt, font, fill, align in row:
                c = WriteOnlyCell(ws, value)
                c.number_format, c.font, c.fill, c.alignment = fmt, font, fill, align  # shared style objects
                out.append(c)
            ws.append(out)
    wb.save(dst)
    return time.perf_counter() - t0


def baseline_cached(src: Path, dst: Path) -> float:
    """The same copy, assigning each distinct style once and reusing its StyleArray (the trick
    write_report uses; it relies on openpyxl's private `_style`, so it is a floor, not the norm).
    Distinct styles are numbered before the clock starts."""
    from copy import copy

    wb_in = openpyxl.load_workbook(src)
    styles: dict = {}
    cells = []
    for ws_in in wb_in.worksheets:
        rows = []
        for row in ws_in.iter_rows():
            out = []
            for c in row:
                key = (c.number_format, copy(c.font), copy(c.fill), copy(c.alignment))
                out.append((c.value, styles.setdefault(key, len(styles))))
            rows.append(out)
        cells.append((ws_in.title, rows))
    by_id = {i: key for key, i in styles.items()}
    t0 = time.perf_counter()
    wb = openpyxl.Workbook(write_only=True)
    cache: dict = {}
    for title, rows in cells:
        ws = wb.create_sheet(title)
        for row in rows:
            out = []
            for value, sid in row:
                c = WriteOnlyCell(ws, value)
                cached = cache.get(sid)
                if cached is None:
                    c.number_format, c.font, c.fill, c.alignment = by_id[sid]
                    cache[sid] = copy(c._style)
                else:
                    c._style = copy(cached)
                out.append(c)
            ws.append(out)
    wb.save(dst)
    return time.perf_counter() - t0


def copy_(style):
    from copy import copy

    return copy(style)


def main(n: int = 1000) -> None:
    t0 = time.perf_counter()
    e = offers(n)
    t_eval = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as d:
        report = Path(d) / "report.xlsx"
        runs = []
        for _ in range(2):
            t0 = time.perf_counter()
            write_report(e, report)
            runs.append(time.perf_counter() - t0)
        t_report = min(runs)
        t_base = min(baseline(report, Path(d) / "baseline.xlsx") for _ in range(2))
        t_floor = min(baseline_cached(report, Path(d) / "floor.xlsx") for _ in range(2))
        cells = sum(1 for ws in openpyxl.load_workbook(report, read_only=True).worksheets for row in ws.iter_rows() for c in row if c.value is not None)
    print(f"offers: {n}, non-empty cells: {cells:,}, evaluate: {t_eval:.2f} s")
    print(f"write_report:            {t_report:.2f} s (best of 2)")
    print(f"openpyxl write-only copy: {t_base:.2f} s (best of 2; styles set through the public attributes)")
    print(f"same, styles cached:      {t_floor:.2f} s (best of 2; StyleArray reused per distinct style)")
    ratio = t_report / t_base
    print(f"ratio to the plain copy:  {ratio:.2f} (target <= 1.5) {'OK' if ratio <= 1.5 else 'TOO SLOW'}")
    print(f"ratio to the cached copy: {t_report / t_floor:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
