"""Cell addresses: (sheet, row, column) → an A1 reference, with sheet names quoted by rule.

The one place in the workbook code that spells an address. Every other module asks its
sheet's spec (`layout.py`) for a row and a column number and passes them here. Rows and
columns are 1-based, as Excel shows them. Pure string work: no openpyxl, no I/O.

Modelled on XlsxWriter's `utility.py` (`xl_rowcol_to_cell`, `quote_sheetname`); openpyxl's
`quote_sheetname` quotes every name, which Excel accepts but makes formulas harder to read.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ...io import column_letters

MAX_ROW = 1_048_576
MAX_COL = 16_384

# A sheet name made of letters, digits, "_" and "." needs no quotes unless it starts with a
# digit or a dot or could be read as a reference (A1, R1C1, R, C, RC); every other name is
# quoted and its own apostrophes doubled. These are the rules XlsxWriter documents.
_PLAIN_NAME = re.compile(r"^[^\W\d.][\w.]*$")
_A1 = re.compile(r"^([A-Z]{1,3})(\d+)$")
_R1C1_START = re.compile(r"^(?:R(\d*))?(?:C(\d*))?")


@lru_cache(maxsize=None)
def column_letter(col: int) -> str:
    """1 → 'A', 27 → 'AA', 16384 → 'XFD'.

    Examples:
        >>> column_letter(1), column_letter(26), column_letter(27), column_letter(16384)
        ('A', 'Z', 'AA', 'XFD')
    """
    if not 1 <= col <= MAX_COL:
        raise ValueError(f"column must be between 1 and {MAX_COL:,}, got {col!r}")
    return column_letters(col)


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _looks_like_reference(name: str) -> bool:
    upper = name.upper()
    m = _A1.match(upper)
    if m and _column_number(m.group(1)) <= MAX_COL and 1 <= int(m.group(2)) <= MAX_ROW:
        return True
    if upper in ("R", "C", "RC"):
        return True
    m = _R1C1_START.match(upper)
    if m and m.group(0):
        row, col = m.group(1), m.group(2)
        if (row and 1 <= int(row) <= MAX_ROW) or (col and 1 <= int(col) <= MAX_COL):
            return True
    return False


@lru_cache(maxsize=None)
def quote_sheetname(name: str) -> str:
    """A sheet name as it must appear before '!' in a formula.

    Examples:
        >>> quote_sheetname("Inputs"), quote_sheetname("Year by year"), quote_sheetname("Follow-ups")
        ('Inputs', "'Year by year'", "'Follow-ups'")
        >>> quote_sheetname("O'Brien"), quote_sheetname("A1"), quote_sheetname("2026")
        ("'O''Brien'", "'A1'", "'2026'")
    """
    if _PLAIN_NAME.match(name) and not _looks_like_reference(name):
        return name
    return "'" + name.replace("'", "''") + "'"


def cell(row: int, col: int, *, row_abs: bool = False, col_abs: bool = False) -> str:
    """(4, 14) → 'N4'; with row_abs and col_abs → '$N$4'.

    Examples:
        >>> cell(4, 14), cell(4, 14, row_abs=True, col_abs=True), cell(8, 2, col_abs=True)
        ('N4', '$N$4', '$B8')
    """
    if not 1 <= row <= MAX_ROW:
        raise ValueError(f"row must be between 1 and {MAX_ROW:,}, got {row!r}")
    return f"{'$' if col_abs else ''}{column_letter(col)}{'$' if row_abs else ''}{row}"


def _prefix(sheet: str | None) -> str:
    return f"{quote_sheetname(sheet)}!" if sheet else ""


def ref(sheet: str | None, row: int, col: int, *, absolute: bool = False, row_abs: bool | None = None,
        col_abs: bool | None = None) -> str:
    """A cell on `sheet` (None: the formula's own sheet). `absolute` sets both anchors.

    Examples:
        >>> ref("Year by year", 4, 14), ref("Assumptions", 11, 2, absolute=True), ref(None, 4, 1, col_abs=True)
        ("'Year by year'!N4", 'Assumptions!$B$11', '$A4')
    """
    ra = absolute if row_abs is None else row_abs
    ca = absolute if col_abs is None else col_abs
    return _prefix(sheet) + cell(row, col, row_abs=ra, col_abs=ca)


def area(sheet: str | None, first_row: int, first_col: int, last_row: int, last_col: int, *, absolute: bool = False,
         row_abs: bool | None = None, col_abs: bool | None = None) -> str:
    """A range on `sheet`; the sheet is named once, before the first corner.

    Examples:
        >>> area("Vest events", 4, 16, 59, 16, absolute=True), area(None, 8, 2, 8, 4, col_abs=True)
        ("'Vest events'!$P$4:$P$59", '$B8:$D8')
    """
    ra = absolute if row_abs is None else row_abs
    ca = absolute if col_abs is None else col_abs
    return (_prefix(sheet) + cell(first_row, first_col, row_abs=ra, col_abs=ca) + ":"
            + cell(last_row, last_col, row_abs=ra, col_abs=ca))
