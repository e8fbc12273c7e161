"""The Excel report: a live workbook whose figures are formulas over marked input cells.

Data flow: an `Evaluation` (plus an optional negotiation plan and follow-ups) → one .xlsx
written atomically through `toolkit.io.write_with`. Every engine figure on the Summary and
Year-by-year sheets is an Excel formula that mirrors `toolkit.offers.engine` rule by rule, so
that editing an input cell (a base salary, the raise, stock growth, an FX rate) and
recalculating gives what `compare` computes with that input. This package computes no
figure itself: the engine's numbers are used only for the market percentiles (market data is
not in the workbook) and by the tests.

Modules by concern:
  cells      (sheet, row, column) → address, sheet names quoted by rule; the only place an address is spelled
  layout     each sheet's spec (columns/rows in order) and the `Layout` of one evaluation
  formulas   the formulas, one function per engine rule
  styles     number formats, fonts, fills
  writer     the text-safe cell writer and a write-only sheet with its page setup
  sheets/    one module per sheet
  workbook   tab order, assembly, atomic save (`write_report`)
"""

from __future__ import annotations

from .layout import (ASSUMPTIONS, CALENDAR, DRAFTS, FOLLOWUPS, TALKING, GRANTS, INPUTS, MARKET, NEGOTIATION, SUMMARY, TAX, VEST, YEARS, Column, Layout,
                     RowSpec, TableSpec)
from .styles import DATE, FONT, HEADER_FILL, INPUT_FILL, PCT, money_format
from .workbook import build_workbook, write_report
from .writer import FORMULA_STARTS, MAX_CELL_CHARS, ExcelTextWarning, F, clean_text

__all__ = [
    "write_report", "build_workbook", "ExcelTextWarning", "F", "clean_text", "money_format", "Layout", "TableSpec", "RowSpec",
    "Column", "FORMULA_STARTS", "MAX_CELL_CHARS", "DATE", "FONT", "HEADER_FILL", "INPUT_FILL", "PCT",
    "SUMMARY", "YEARS", "MARKET", "NEGOTIATION", "TALKING", "DRAFTS", "FOLLOWUPS", "INPUTS", "GRANTS", "ASSUMPTIONS", "VEST", "TAX", "CALENDAR",
]
