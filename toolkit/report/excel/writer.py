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
from .fit import DIGIT_PX, column_px, longest_word_units, row_height, row_px, shown, text_units, wrapped_lines
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


# Kinds whose text runs on to the right over empty cells (titles and notes): they neither set
# a column's width nor wrap.
OVERFLOW_KINDS = frozenset({"title", "note", "section"})
FONT_SIZE = {"title": 16.0, "section": 12.0, "note": 10.0}
BOLD_KINDS = frozenset({"bold", "header", "title", "section"})
MIN_WIDTH = 4.0
DEFAULT_MAX_WIDTH = 60.0
PORTRAIT_MAX_PX = 700  # wider than this (about 7.3 inches) prints in landscape
LANDSCAPE_PX = 960  # printable width of a landscape Letter page (10 inches at 96 px)
ONE_PAGE_SLACK = 0.15  # a sheet at most 15% taller than one page is shrunk onto it (see _page_setup)
MIN_PRINT_SCALE = 0.75  # below this, 11-point text prints under 8 points: too small to read
NUMBER_GAP = 1.5  # units of space left of a right-aligned number column


class SheetWriter:
    """A worksheet written in openpyxl's write-only mode, rows buffered until `finish`.

    Rows are collected as cell specs `(value, kind, fmt[, hint])`; `finish` then sizes each
    column from its content (bounded by the spec's width), wraps text that does not fit and
    sizes each row from its wrapped line count, aligns each header like its column, sets up
    printing, and streams the rows. `hint` is the value a formula is expected to show (for
    its width); without one a money formula is measured at `big`, the largest figure.
    """

    def __init__(self, wb: Any, title: str, styles: Styles, big: float = 1e6) -> None:
        self.ws = wb.create_sheet(title)
        self.title = title
        self.styles = styles
        self.big = big
        self.rows: list[list[tuple | None]] = []
        self.header_rows: set[int] = set()
        self.charts: list[tuple[Any, int, int]] = []
        self.caps: list[float] = []
        self.freeze: tuple[int, int] | None = None
        self.widths: list[float] = []

    @property
    def row(self) -> int:
        """The last row written so far (1-based; 0 before the first)."""
        return len(self.rows)

    def setup(self, caps: Sequence[float], freeze: tuple[int, int] | None) -> None:
        """The most each column may take (the content decides below that) and the first unfrozen cell."""
        self.caps = list(caps)
        self.freeze = freeze

    def values(self, specs: Sequence[tuple | None]) -> int:
        """Append a row of (value, kind, fmt[, hint]) specs (None for an empty cell)."""
        self.rows.append([None if s is None else tuple(s) for s in specs])
        return self.row

    def title_rows(self, title: str, note: str) -> None:
        self.values([(title, "title")])
        self.values([(note, "note")])

    def header(self, names: Sequence[str | None]) -> int:
        self.values([(n, "header") if n is not None else None for n in names])
        self.header_rows.add(self.row)
        return self.row

    def chart(self, chart: Any, row: int, col: int | None = None) -> None:
        """Anchor `chart` with its top-left corner at (row, col); col None: just right of the
        previous chart (known once the columns are sized). The print area will include it."""
        self.charts.append((chart, row, col))

    # ------------------------------------------------------------------ measuring
    def _natural(self, spec: tuple) -> tuple[float, float]:
        """(units to show the cell on one line, units of its longest word)."""
        value, kind, fmt = (spec + (None, None))[:3]
        kind = kind or "plain"
        if isinstance(value, F) or (not isinstance(value, str) and value is not None and not isinstance(value, bool)):
            hint = spec[3] if len(spec) > 3 and spec[3] is not None else None
            if hint is None and isinstance(value, F):
                hint = self.big if (fmt and "#,##0" in fmt and "%" not in fmt) else 1.0
            text = shown(hint if hint is not None else value, fmt)
            w = text_units(text, kind.startswith("bold"))
            return w, w
        if value is None:
            return 0.0, 0.0
        text = "TRUE" if value is True else "FALSE" if value is False else str(value)
        bold = kind.split("_")[0] in BOLD_KINDS
        size = FONT_SIZE.get(kind.split("_")[0], 11.0)
        return text_units(text, bold, size), longest_word_units(text, bold, size)

    def _fit_columns(self) -> list[float]:
        ncols = max([len(r) for r in self.rows] + [len(self.caps), 1])
        need = [0.0] * ncols
        word = [0.0] * ncols
        for r, cells in enumerate(self.rows, start=1):
            header = r in self.header_rows
            for c, spec in enumerate(cells):
                if spec is None or (spec[1] or "plain") in OVERFLOW_KINDS:
                    continue
                natural, longest = self._natural(spec)
                word[c] = max(word[c], longest)
                need[c] = max(need[c], natural)  # a header too: it wraps only when its column is at the cap
        numeric = self._numeric_columns()
        widths = []
        for c in range(ncols):
            cap = self.caps[c] if c < len(self.caps) else DEFAULT_MAX_WIDTH
            cap = max(cap, MIN_WIDTH)
            # a header's longest word always fits (so no header word is broken), then the content up to the cap
            w = max(min(need[c], cap), min(word[c], max(cap, 30.0)), MIN_WIDTH) if (need[c] or word[c]) else 0.0
            pad = NUMBER_GAP if c in numeric else 0.5  # right-aligned numbers keep clear of the text to their left
            widths.append(round(w + pad, 1) if w else 0.0)
        return widths

    def _numeric_columns(self) -> set[int]:
        votes: dict[int, list[int]] = {}
        for r, cells in enumerate(self.rows, start=1):
            if r in self.header_rows:
                continue
            for c, spec in enumerate(cells):
                if spec is None or (spec[1] or "plain") in OVERFLOW_KINDS or spec[0] is None:
                    continue
                v = spec[0]
                numeric = isinstance(v, F) or (isinstance(v, (int, float)) and not isinstance(v, bool))
                votes.setdefault(c, [0, 0])[0 if numeric else 1] += 1
        return {c for c, (num, txt) in votes.items() if num > txt}

    # ------------------------------------------------------------------ writing
    def _cell(self, value: Any, kind: str, fmt: str | None, row: int, col: int, wrap: bool, align: str | None) -> Any:
        from openpyxl.cell import WriteOnlyCell

        if isinstance(value, F):  # a formula built by the formula code
            c = WriteOnlyCell(self.ws, str(value))
        elif isinstance(value, str):
            s = clean_text(value, ref(self.title, row, col))
            c = WriteOnlyCell(self.ws, None)
            c._value = s
            c.data_type = "s"
            self.styles.apply(c, kind, None, wrap, align)
            if s.startswith(FORMULA_STARTS):
                c.quotePrefix = True
            return c
        elif isinstance(value, (bool, dt.date)) or value is None:
            c = WriteOnlyCell(self.ws, value)
        else:
            c = WriteOnlyCell(self.ws, number(value))
        self.styles.apply(c, kind, fmt, wrap, align)
        return c

    def finish(self, *, header_row: int | None = None, filter_area: tuple[int, int, int, int] | None = None,
               landscape: bool | None = None, repeat_cols: int = 0) -> None:
        """Size, style and stream every row, then set up printing.

        `header_row` is repeated at the top of every printed page; `filter_area` is
        (first row, first column, last row, last column) of the autofilter. A sheet with
        `repeat_cols` (its first columns repeated on every page) is printed as many pages wide
        as it takes to stay at MIN_PRINT_SCALE or more, instead of one microscopic page.
        """
        self.repeat_cols = repeat_cols
        from openpyxl.worksheet.properties import PageSetupProperties

        ws = self.ws
        # write-only mode writes the sheet's head (properties, panes, column widths) with the first row
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        widths = self.widths = self._fit_columns()
        for i, w in enumerate(widths, start=1):
            if w:
                ws.column_dimensions[column_letter(i)].width = w
        if self.freeze:
            ws.freeze_panes = ref(None, *self.freeze)
        numeric = self._numeric_columns()
        last_used = max((c for c, w in enumerate(widths, start=1) if w), default=1)
        span_units = sum(widths[:last_used]) + (last_used - 1) * 5 / DIGIT_PX
        heights: list[float] = []
        for r, cells in enumerate(self.rows, start=1):
            header = r in self.header_rows
            lines_pt = 0.0
            out = []
            for c, spec in enumerate(cells):
                if spec is None:
                    out.append(None)
                    continue
                value, kind, fmt = (spec + (None, None))[:3]
                kind = kind or "plain"
                base = kind[: -len("_wrap")] if kind.endswith("_wrap") else kind
                size = FONT_SIZE.get(base, 11.0)
                wrap = False
                if isinstance(value, str) and not isinstance(value, F) and base in OVERFLOW_KINDS and c == 0 and len(cells) == 1 \
                        and last_used > 1 and text_units(value, base in BOLD_KINDS, size) > span_units:
                    # a title or note wider than the table: merged across the table and wrapped, so it prints whole
                    ws.merged_cells.add(area(None, r, 1, r, last_used))
                    wrap = True
                    lines_pt = max(lines_pt, row_height(wrapped_lines(value, span_units, base in BOLD_KINDS, size), size))
                elif isinstance(value, str) and not isinstance(value, F) and base not in OVERFLOW_KINDS:
                    text = value
                    bold = base in BOLD_KINDS
                    if header or kind.endswith("_wrap") or "\n" in text or text_units(text, bold, size) > widths[c]:
                        wrap = True
                        lines = wrapped_lines(text, widths[c], bold, size)
                    else:
                        lines = 1
                    lines_pt = max(lines_pt, row_height(lines, size))
                elif base in OVERFLOW_KINDS:
                    lines_pt = max(lines_pt, row_height(1, size))
                is_number = isinstance(value, F) or (isinstance(value, (int, float)) and not isinstance(value, bool))
                align = ("right" if c in numeric else "left") if header else ("right" if is_number and c in numeric else None)
                out.append(self._cell(value, base, fmt, r, c + 1, wrap, align))
            if lines_pt > row_height(1) + 0.05:
                ws.row_dimensions[r].height = lines_pt
            heights.append(lines_pt or row_height(1))
            ws.append(out)
        self._page_setup(widths, heights, header_row, filter_area, landscape)

    def _page_setup(self, widths: list[float], heights: list[float], header_row: int | None,
                    filter_area: tuple[int, int, int, int] | None, landscape: bool | None) -> None:
        ws = self.ws
        last_row, last_col = max(self.row, 1), max(sum(1 for w in widths if w), 1)
        last_col = max(last_col, max((c for c, w in enumerate(widths, start=1) if w), default=1))
        c_end = 0
        for chart, row, col in self.charts:
            col = col if col is not None else c_end + 1
            ws.add_chart(chart, ref(None, row, col))
            r_end, c_end = chart_extent(chart, row, col, widths, heights)
            last_row, last_col = max(last_row, r_end), max(last_col, c_end)
        if filter_area:
            ws.auto_filter.ref = area(None, *filter_area)
        ws.print_area = area(None, 1, 1, last_row, last_col)
        wide = sum(column_px(widths[c - 1] if c <= len(widths) and widths[c - 1] else DEFAULT_COL_WIDTH)
                   for c in range(1, last_col + 1)) > PORTRAIT_MAX_PX
        ws.page_setup.orientation = "landscape" if (wide if landscape is None else landscape) else "portrait"
        pages_wide = 1
        if getattr(self, "repeat_cols", 0):
            total = sum(column_px(w) for w in widths[:last_col] if w)
            pages_wide = max(1, math.ceil(total * MIN_PRINT_SCALE / LANDSCAPE_PX))
            ws.print_title_cols = f"{column_letter(1)}:{column_letter(self.repeat_cols)}"
        ws.page_setup.fitToWidth = pages_wide
        ws.page_setup.fitToHeight = 0
        if pages_wide == 1 and not self.charts:
            # a sheet that overflows one page by a few lines (the Tax sheet's last notes) would print
            # them alone on a second page under a repeated header: shrink it onto one page instead
            page_w, page_h = (LANDSCAPE_PX, PORTRAIT_MAX_PX) if ws.page_setup.orientation == "landscape" else (PORTRAIT_MAX_PX, LANDSCAPE_PX)
            total_w = sum(column_px(widths[c - 1] if c <= len(widths) and widths[c - 1] else DEFAULT_COL_WIDTH)
                          for c in range(1, last_col + 1))
            scale = min(1.0, page_w / max(total_w, 1.0))
            content_h = sum(heights[:last_row]) * 96 / 72 * scale
            if page_h < content_h <= page_h * (1 + ONE_PAGE_SLACK):
                ws.page_setup.fitToHeight = 1
        ws.print_options.gridLines = False
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.oddFooter.center.text = "&A · page &P"
        ws.oddFooter.center.size = 9
        if header_row:
            ws.print_title_rows = f"{header_row}:{header_row}"


LO_DEFAULT_ROW_PT = 12.8
DEFAULT_COL_WIDTH = 8.43  # Excel's default column width (Calibri 11)
CM_PX = 96 / 2.54


def chart_extent(chart: Any, row: int, col: int, widths: Sequence[float], heights: Sequence[float]) -> tuple[int, int]:
    """(last row, last column) a chart anchored at (row, col) covers, from its size in cm."""
    need_w, need_h = chart.width * CM_PX, chart.height * CM_PX
    c, got = col, 0.0
    while True:
        w = widths[c - 1] if c <= len(widths) and widths[c - 1] else DEFAULT_COL_WIDTH
        got += column_px(w)
        if got >= need_w:
            break
        c += 1
    r, got = row, 0.0
    while True:
        # past the table LibreOffice's default row (0.45 cm) is shorter than Excel's 15 pt: count the shorter
        h = heights[r - 1] if r <= len(heights) else LO_DEFAULT_ROW_PT
        got += row_px(h)
        if got >= need_h:
            break
        r += 1
    return r + 1, c
