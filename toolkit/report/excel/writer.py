"""Writing cells: the one text writer (never a formula), formulas marked as `F`, and a sheet
streamed row by row in openpyxl's write-only mode with its page setup.

Text goes through `SheetWriter.text`, which never lets a string become a formula, an error
value or a hyperlink (data_type 's' plus quotePrefix), strips the control characters Excel
forbids and cuts overlong strings, each with an `ExcelTextWarning`. Only strings built as
`F` by the formula code are written as formulas.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from typing import Any, Iterable, Sequence

from ...errors import ToolkitWarning
from ...sanitize import FORMULA_STARTS, workbook_text
from .cells import area, column_letter, ref
from .styles import Styles

MAX_CELL_CHARS = 32_767


class F(str):
    """A formula the workbook code built. Only an F is ever written as a formula; any other str is text."""


class ExcelTextWarning(ToolkitWarning):
    """Text was changed to fit in a cell: forbidden control characters removed, or cut."""


def clean_text(value: Any, where: str = "") -> str:
    """Text as it can be stored in a cell: forbidden control characters removed, cut to 32,767."""
    text, removed = workbook_text(value)  # the shared cleaner (toolkit.sanitize)
    if removed:
        warnings.warn(f"{where}: removed {removed} control character(s) that Excel does not allow", ExcelTextWarning, stacklevel=4)
    if len(text) > MAX_CELL_CHARS:
        warnings.warn(
            f"{where}: text of {len(text):,} characters cut to Excel's limit of {MAX_CELL_CHARS:,}", ExcelTextWarning, stacklevel=4
        )
        text = text[: MAX_CELL_CHARS - 1] + "…"
    return text


def number(value: Any) -> float | None:
    """A finite float, or None for missing, NaN, infinite, bool and non-numbers."""
    if value is None or isinstance(value, bool):
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) or math.isinf(v) else v


class SheetWriter:
    """A write-only worksheet plus the row counter and the style cache.

    Column widths, frozen panes and row heights must be set before the first row is
    appended (write-only mode streams rows to disk).
    """

    def __init__(self, wb: Any, title: str, styles: Styles) -> None:
        self.ws = wb.create_sheet(title)
        self.title = title
        self.styles = styles
        self.row = 0

    def setup(self, widths: Sequence[float], freeze: tuple[int, int] | None) -> None:
        """Column widths and the first unfrozen cell (row, column)."""
        from openpyxl.worksheet.properties import PageSetupProperties

        for i, w in enumerate(widths, start=1):
            self.ws.column_dimensions[column_letter(i)].width = w
        self.ws.row_dimensions[1].height = 24
        if freeze:
            self.ws.freeze_panes = ref(None, *freeze)
        self.ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)

    def cell(self, value: Any, kind: str = "plain", fmt: str | None = None, col: int = 1) -> Any:
        from openpyxl.cell import WriteOnlyCell

        if isinstance(value, F):  # a formula built by the formula code
            c = WriteOnlyCell(self.ws, str(value))
        elif isinstance(value, str):
            return self.text(value, kind, col)
        elif isinstance(value, (bool, dt.date)) or value is None:
            c = WriteOnlyCell(self.ws, value)
        else:
            c = WriteOnlyCell(self.ws, number(value))
        self.styles.apply(c, kind, fmt)
        return c

    def text(self, value: Any, kind: str = "plain", col: int = 1) -> Any:
        """Text that can never become a formula, an error value or a hyperlink (`col` is 1-based)."""
        from openpyxl.cell import WriteOnlyCell

        s = clean_text(value, ref(self.title, self.row + 1, col) if col >= 1 else self.title)
        c = WriteOnlyCell(self.ws, None)
        c._value = s
        c.data_type = "s"
        self.styles.apply(c, kind, None)
        if s.startswith(FORMULA_STARTS):
            c.quotePrefix = True
        return c

    def append(self, cells: Iterable[Any]) -> int:
        self.ws.append(list(cells))
        self.row += 1
        return self.row

    def values(self, specs: Sequence[tuple | None]) -> int:
        """Append a row of (value, kind, fmt) specs (None for an empty cell)."""
        out = []
        for i, spec in enumerate(specs, start=1):
            if spec is None:
                out.append(None)
            else:
                value, kind, fmt = (tuple(spec) + (None, None))[:3]
                out.append(self.cell(value, kind or "plain", fmt, col=i))
        return self.append(out)

    def title_rows(self, title: str, note: str) -> None:
        self.values([(title, "title")])
        self.values([(note, "note")])

    def header(self, names: Sequence[str]) -> int:
        return self.append([self.text(n, "header", i) for i, n in enumerate(names, start=1)])

    def finish(self, *, last_col: int, header_row: int | None = None, filter_area: tuple[int, int, int, int] | None = None) -> None:
        """Page setup: print area A1 to (last row, last_col), landscape, one page wide.

        `filter_area` is (first row, first column, last row, last column) of the autofilter.
        """
        ws = self.ws
        if filter_area:
            ws.auto_filter.ref = area(None, *filter_area)
        ws.print_area = area(None, 1, 1, max(self.row, 1), max(last_col, 1))
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.gridLines = False
        ws.page_margins.left = ws.page_margins.right = 0.5
        if header_row:
            ws.print_title_rows = f"{header_row}:{header_row}"
