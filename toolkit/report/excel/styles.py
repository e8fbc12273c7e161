"""Number formats, fonts and fills of the workbook, and a cache of finished cell styles.

Display only: cell values stay unrounded. Everything that decides how a figure looks (its
currency symbol, its unit) is named here once; the sheet modules pick a format by name.
"""

from __future__ import annotations

from copy import copy
from typing import Any

from ...format import SYMBOL

FONT = "Calibri"

# Excel number formats.
PCT = "0.0%"
PCT2 = "0.00%"
RATE = "0.0000"
NUM = "#,##0.##"
INT = "0"
DATE = "yyyy-mm-dd"
PERCENTILE = '"p"0'
FRACTION = "0.0000%"
DAYS = '0 "days"'
PCT0 = "0%"

INPUT_FILL, HEADER_FILL, BEST_FILL, LOW_FILL, HIGH_FILL = "FFF2CC", "1F4E78", "C6EFCE", "FFC7CE", "BDD7EE"


def money_format(currency: str, decimals: int = 0) -> str:
    """'USD' → '"$"#,##0'; an unknown code is written before the number ('"XYZ "#,##0')."""
    symbol = SYMBOL.get(currency, f"{currency} ").replace('"', "")
    return f'"{symbol}"#,##0' + ("." + "0" * decimals if decimals else "")


SIGNED_PCT = "+0.0%;-0.0%;0.0%"


def pct_format(value: object, most: int = 2) -> str:
    """'0%' for a whole percentage (15%), else one or two decimals as the value needs (2.5% → '0.0%').

    Examples:
        >>> pct_format(0.15), pct_format(0.025), pct_format(0.0125), pct_format(None)
        ('0%', '0.0%', '0.00%', '0%')
    """
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return PCT0
    for decimals in range(most + 1):
        scaled = value * 100 * 10**decimals
        if abs(scaled - round(scaled)) < 1e-6:
            return "0" + ("." + "0" * decimals if decimals else "") + "%"
    return "0." + "0" * most + "%"


def signed_money_format(currency: str) -> str:
    """A difference in `currency`, always signed: '+"$"#,##0;-"$"#,##0;"$"0'."""
    plain = money_format(currency)
    return f"+{plain};-{plain};{plain.replace('#,##0', '0')}"


class Styles:
    """Named cell styles → cached StyleArrays (copying one is much cheaper than re-hashing Fonts).

    A kind is a font role ('plain', 'bold', 'input', 'header', 'title', 'section', 'note'),
    optionally suffixed '_wrap' for wrapped, top-aligned text.
    """

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill

        self.Alignment = Alignment
        self._cache: dict[tuple[str, str | None], Any] = {}
        self.fonts = {
            "plain": Font(name=FONT, size=11),
            "bold": Font(name=FONT, size=11, bold=True),
            "input": Font(name=FONT, size=11, color="0000FF"),
            "header": Font(name=FONT, size=11, bold=True, color="FFFFFF"),
            "title": Font(name=FONT, size=16, bold=True, color=HEADER_FILL),
            "section": Font(name=FONT, size=12, bold=True, color=HEADER_FILL),
            "note": Font(name=FONT, size=10, italic=True, color="595959"),
        }
        self.fills = {"input": PatternFill("solid", fgColor=INPUT_FILL), "header": PatternFill("solid", fgColor=HEADER_FILL)}

    def apply(self, cell: Any, kind: str, fmt: str | None, wrap: bool = False, align: str | None = None) -> None:
        """Font and fill of `kind`, number format `fmt`; wrapped text and a horizontal alignment on request.

        Every cell is top-aligned, so that a one-line cell beside a wrapped one starts on the same line.
        """
        key = (kind, fmt, wrap, align)
        cached = self._cache.get(key)
        if cached is not None:
            cell._style = copy(cached)
            return
        role = kind[: -len("_wrap")] if kind.endswith("_wrap") else kind
        cell.font = self.fonts.get(role, self.fonts["plain"])
        if role in self.fills:
            cell.fill = self.fills[role]
        if fmt:
            cell.number_format = fmt
        # right-aligned numbers sit one indent in from the edge, clear of the text column to their right;
        # their header takes the same indent so it lines up with them
        indent = 1 if align == "right" else 0
        if role == "header":
            cell.alignment = self.Alignment(wrap_text=True, vertical="bottom", horizontal=align, indent=indent)
        else:
            cell.alignment = self.Alignment(wrap_text=wrap or None, vertical="top", horizontal=align, indent=indent)
        self._cache[key] = copy(cell._style)
