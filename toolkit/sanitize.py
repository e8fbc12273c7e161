"""The one text cleaner: user text made safe for each output format.

Part of the shared base. Offer files, tables and market files are untrusted; their text
(company names, roles, notes, ids) reaches CSV, Markdown, the terminal, chart labels and
workbooks. Every renderer passes user text through the function for its format here, so
the rules live in one place (listed in docs/sanitizing.md):

- CSV (`csv_cell`): a text cell that a spreadsheet would evaluate (`= + - @`, tab, CR or LF
  first, as OWASP's CSV-injection page lists) gets a leading `'`; numbers stay numbers.
- Markdown (`md_inline`, `md_fence`): one-line fields are flattened to one line and every
  character Markdown gives a meaning is backslash-escaped, so text cannot open a heading,
  link, emphasis, HTML tag or code fence, nor break a table; drafts sit in a fence longer
  than any run of backticks inside them.
- Terminal (`terminal`): escape sequences (CSI, OSC, ...), other control characters and
  bidirectional overrides are removed. Renderers also turn rich markup off, so
  `Initech [acquired]` prints as written.
- Charts (`chart_label`): matplotlib reads `$...$` as mathtext; `$` is escaped.
- Workbooks (`workbook_text`): the control characters XML 1.0 forbids are removed (the
  caller warns); `is_formula_like` tells the writer to store the text with a quote prefix.
"""

from __future__ import annotations

import re
from typing import Any

# OWASP "CSV Injection": no cell may start with these (../shared/docs/excel-testing.md §3).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")

# Characters an XLSX cell cannot hold (openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE).
WORKBOOK_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# Terminal: ANSI/VT escape sequences first (so their parameters go too), then any other C0/C1
# control character except newline and tab, then bidirectional overrides ("Trojan source").
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor movement, erase
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window title, hyperlinks
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[@-Z\\-_]?"  # other two-character escapes, or a lone ESC
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NEWLINES = re.compile(r"\r\n|[\r\n\u2028\u2029\x85\x0b\x0c]")

# Markdown: the ASCII punctuation that can open or close a construct (emphasis, code, link
# and image brackets, HTML and autolinks, tables, headings, strikethrough, entities, math in
# GitHub's dialect). Parentheses and `!` need no escape once `[` and `]` have one.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&$])")
_MD_LINE_START = re.compile(r"^(\s*)([+\-=]|\d+[.)])")


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet would evaluate `text` typed into a cell."""
    return text.startswith(FORMULA_STARTS)


def csv_cell(value: Any, *, escape: bool = True) -> Any:
    """A CSV cell: formula-like text gets a leading `'`; numbers, None and bools are unchanged.

    With `escape=False` (`--no-escape`) text is returned as written, for programs that read
    the CSV; never open such a file in a spreadsheet.
    """
    if not isinstance(value, str) or not escape:
        return value
    return "'" + value if is_formula_like(value) else value


def one_line(text: Any) -> str:
    """Text with every line break (CR, LF, U+2028, ...) turned into one space."""
    return _NEWLINES.sub(" ", str(text))


def terminal(text: Any, *, keep_newlines: bool = True) -> str:
    """Text safe to print: escape sequences, control characters and bidi overrides removed."""
    s = str(text)
    if not keep_newlines:
        s = one_line(s)
    s = _ESCAPES.sub("", s)
    if keep_newlines:
        s = s.replace("\r\n", "\n")
        return _CONTROLS.sub("", s.replace("\t", "    "))
    return _CONTROLS.sub("", s.replace("\t", " "))


def md_inline(text: Any) -> str:
    """User text for one line of Markdown (a table cell, heading, list item): flattened and escaped."""
    s = terminal(one_line(text), keep_newlines=False)
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2) if m.group(2)[0] in "+-=" else
                              m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], s)


def md_code(text: Any) -> str:
    """Inline code holding `text` verbatim: delimited by one backtick more than the longest
    run inside (padded with spaces when the text starts or ends with a backtick)."""
    body = terminal(one_line(text), keep_newlines=False)
    ticks = "`" * (max((len(m) for m in re.findall(r"`+", body)), default=0) + 1)
    pad = " " if body.startswith("`") or body.endswith("`") else ""
    return f"{ticks}{pad}{body}{pad}{ticks}"


def md_fence(text: Any, info: str = "text") -> list[str]:
    """Lines of a fenced code block holding `text` verbatim: the fence is one backtick longer
    than the longest run of backticks inside, so the text cannot close it."""
    body = terminal(text)
    runs = [len(m) for m in re.findall(r"`+", body)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    return [fence + info, *body.split("\n"), fence]


def chart_label(text: Any) -> str:
    """A matplotlib label: one line, no control characters, `$` escaped (no mathtext)."""
    return terminal(one_line(text), keep_newlines=False).replace("$", r"\$")


def workbook_text(value: Any) -> tuple[str, int]:
    """(text a workbook cell can hold, number of forbidden control characters removed)."""
    return WORKBOOK_ILLEGAL.subn("", str(value))
