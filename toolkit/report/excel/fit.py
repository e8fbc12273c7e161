"""How big text and numbers are on screen and paper: column widths from content, the lines
wrapped text takes in a column, and row heights from those lines (openpyxl does not auto-fit).

Widths are in Excel's column units (the width of the digit '0' in the default font, 7 px for
Calibri 11 at 96 dpi); character widths are Calibri's, rounded *up* to the pixel so that an
estimate errs towards a little spare room rather than clipped text (LibreOffice renders with
Carlito, which has Calibri's metrics). Pure: no openpyxl.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

DIGIT_PX = 7.0  # width of '0' in Calibri 11 at 96 dpi: one column unit
CELL_PADDING_PX = 8.0  # left + right cell margins, with a pixel to spare
MAX_ROW_HEIGHT = 409.0  # points: Excel's limit
POINTS_PER_LINE = 1.36  # line height ÷ font size (Calibri 11 → 15 pt rows)

_NARROW = set(" ijl'|.,:;!`")
_THIN = set('frtI()[]{}-/"J')
_SMALL = set("csz*?")
_WIDE = set("mw%")
_WIDER = set("MW@")
_ROUND_CAPS = set("CDGHNOQU")


@lru_cache(maxsize=65536)
def char_px(ch: str) -> float:
    """Approximate advance width of one character in Calibri 11, in pixels."""
    if ch in _NARROW:
        return 3.5
    if ch in _THIN:
        return 4.5
    if ch in _SMALL:
        return 6.0
    if ch in _WIDE:
        return 11.0
    if ch in _WIDER:
        return 13.0
    if ch in _ROUND_CAPS:
        return 9.0
    if ch.isupper():
        return 8.0
    if ord(ch) > 0x2E80:  # CJK and other full-width scripts
        return 14.0
    return 7.0


@lru_cache(maxsize=65536)
def text_px(text: str, bold: bool = False, size: float = 11.0) -> float:
    """Width of one line of text in pixels."""
    px = sum(char_px(c) for c in text)
    return px * (1.07 if bold else 1.0) * size / 11.0


def text_units(text: str, bold: bool = False, size: float = 11.0) -> float:
    """Width (column units) a cell needs to show the longest line of `text` without wrapping."""
    lines = text.split("\n") or [""]
    return (max(text_px(line, bold, size) for line in lines) + CELL_PADDING_PX) / DIGIT_PX


def longest_word_units(text: str, bold: bool = False, size: float = 11.0) -> float:
    words = text.split()
    return (max((text_px(w, bold, size) for w in words), default=0.0) + CELL_PADDING_PX) / DIGIT_PX


def wrapped_lines(text: str, width: float, bold: bool = False, size: float = 11.0) -> int:
    """Lines `text` takes in a column `width` units wide when wrapped at spaces (a word longer
    than the column is broken, as Excel and LibreOffice do)."""
    room = max(width * DIGIT_PX - CELL_PADDING_PX, DIGIT_PX)
    space = text_px(" ", bold, size)
    total = 0
    for paragraph in text.split("\n"):
        lines, used = 1, 0.0
        for word in paragraph.split(" "):
            w = text_px(word, bold, size)
            if used and used + space + w > room:
                lines += 1
                used = 0.0
            if w > room:  # broken inside the word
                extra = math.ceil(w / room) - 1
                lines += extra
                w -= extra * room
            used += (space if used else 0.0) + w
        total += lines
    return total


def row_height(lines: int, size: float = 11.0) -> float:
    """Points for `lines` lines of text in a font of `size` points, capped at Excel's maximum."""
    return min(round(lines * size * POINTS_PER_LINE + 2, 1), MAX_ROW_HEIGHT)


def column_px(width: float) -> float:
    """Pixels of a column `width` units wide (Excel: width × digit width + 5 px of padding)."""
    return width * DIGIT_PX + 5


def row_px(height_pt: float) -> float:
    return height_pt * 96 / 72


_QUOTED = re.compile(r'"([^"]*)"')


@lru_cache(maxsize=4096)
def _parse_format(fmt: str) -> tuple[str, str, bool, int, bool]:
    """(prefix, suffix, thousands, decimals, percent) of a simple number format."""
    head = fmt.split(";")[0]
    parts = _QUOTED.split(head)
    core_index = max(range(len(parts)), key=lambda k: ("0" in parts[k] or "#" in parts[k]) if k % 2 == 0 else False)
    prefix = "".join(p for k, p in enumerate(parts[:core_index]))
    suffix = "".join(p for p in parts[core_index + 1:])
    core = parts[core_index]
    prefix += core[: len(core) - len(core.lstrip())]
    suffix = core[len(core.rstrip()):] + suffix
    core = core.strip()
    decimals = len(core.split(".")[1].rstrip("%")) if "." in core else 0
    return prefix, suffix, "," in core, decimals, "%" in core


def shown(value: object, fmt: str | None) -> str:
    """The text a number shows in `fmt` (the formats this workbook uses), or str(value).

    Examples:
        >>> shown(1231368.4, '"$"#,##0'), shown(0.125, "0.0%"), shown(20, '0 "days"'), shown(62, '"p"0')
        ('$1,231,368', '12.5%', '20 days', 'p62')
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if hasattr(value, "isoformat"):
            return "2026-12-31"
        return "" if value is None else str(value)
    if not fmt or fmt == "General":
        return f"{value:.10g}"
    if fmt.startswith("yyyy"):
        return "2026-12-31"
    prefix, suffix, thousands, decimals, percent = _parse_format(fmt)
    v = value * 100 if percent else value
    body = f"{abs(v):{',' if thousands else ''}.{decimals}f}"
    return ("-" if v < 0 else "") + prefix + body + ("%" if percent else "") + suffix
