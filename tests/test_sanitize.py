"""The one text cleaner (toolkit/sanitize.py): each format's rule on the payloads OWASP and
CommonMark name, and on terminal escape sequences."""

from __future__ import annotations

import csv
import io

import pytest

from toolkit import sanitize


@pytest.mark.parametrize("text", ["=1+1", "+1+1", "-1+1", "@SUM(1,2)", "\t=1+1", "\r=1+1", "\n=1+1", "=", '=1+2";=1+2'])
def test_csv_cell_prefixes_every_formula_start(text):
    assert sanitize.csv_cell(text) == "'" + text
    assert sanitize.csv_cell(text, escape=False) == text


@pytest.mark.parametrize("value", [1, -5, 2.5, -0.0, None, True, "Globex", "5-year plan", " =x"])
def test_csv_cell_leaves_numbers_and_plain_text(value):
    assert sanitize.csv_cell(value) == value


def test_csv_round_trip_keeps_quotes_inside_one_cell():
    buf = io.StringIO()
    csv.writer(buf).writerow([sanitize.csv_cell('=1+2";=1+2'), 3])
    assert buf.getvalue().strip() == '"\'=1+2"";=1+2",3'  # OWASP's own example
    assert next(csv.reader([buf.getvalue()])) == ["'=1+2\";=1+2", "3"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("# Heading", "\\# Heading"),
        ("[link](http://x)", "\\[link\\](http://x)"),
        ("![img](x) (note)", "!\\[img\\](x) (note)"),
        ("a | b", "a \\| b"),
        ("```fence```", "\\`\\`\\`fence\\`\\`\\`"),
        ("<script>", "\\<script\\>"),
        ("two\nlines\r\nhere", "two lines here"),
        ("- item", "\\- item"),
        ("1. item", "1\\. item"),
        ("*bold* _em_ ~~s~~", "\\*bold\\* \\_em\\_ \\~\\~s\\~\\~"),
        ("AT&T", "AT\\&T"),
    ],
)
def test_md_inline(text, expected):
    assert sanitize.md_inline(text) == expected


def test_md_fence_is_longer_than_any_backtick_run_inside():
    lines = sanitize.md_fence("a\n````\nb")
    assert lines[0] == "`````text" and lines[-1] == "`````" and lines[1:-1] == ["a", "````", "b"]
    assert sanitize.md_code("a`b") == "``a`b``" and sanitize.md_code("`x") == "`` `x ``"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Esc\x1b[31mRed\x1b[0m", "EscRed"),
        ("\x1b]0;title\x07Co", "Co"),
        ("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("nul\x00bell\x07del\x7f", "nulbelldel"),
        ("\x9b31mC1", "C1"),
        ("bidi\u202eevil\u2066", "bidievil"),
        ("Initech [acquired] [/bold]", "Initech [acquired] [/bold]"),
    ],
)
def test_terminal_strips_escapes_and_controls_but_not_brackets(text, expected):
    assert sanitize.terminal(text) == expected


def test_terminal_keeps_or_flattens_newlines():
    assert sanitize.terminal("a\r\nb\tc") == "a\nb    c"
    assert sanitize.terminal("a\r\nb\u2028c", keep_newlines=False) == "a b c"


def test_chart_label_escapes_mathtext():
    assert sanitize.chart_label("$x$ and $y$") == r"\$x\$ and \$y\$"
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    ax.set_title(sanitize.chart_label(r"$\frac{a}{b}$ Co"))
    fig.canvas.draw()  # mathtext would typeset the fraction; escaped, it is plain text and draws
    assert ax.get_title() == r"\$\frac{a}{b}\$ Co"


def test_workbook_text_counts_removed_controls():
    assert sanitize.workbook_text("a\x00b\x1fc\td\ne") == ("abc\td\ne", 2)
    assert sanitize.is_formula_like("=1") and not sanitize.is_formula_like("1=1")
