"""One palette: the colour of each offer (and of the current job) in every output.

Offers take the Okabe–Ito colour-blind-safe colours in evaluation order; the current job
("stay") is a dark grey, never an offer colour. Colour never carries meaning alone: each offer
also has a marker and a line style (charts) and its name beside it (tables), so a black-and-white
print keeps every distinction. The terminal table, the charts, the workbook and the brief all
ask here.
"""

from __future__ import annotations

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
OFFER_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
CURRENT_COLOR = "#555555"
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
LINESTYLES = ("-", "--", "-.", (0, (1, 1)))  # solid, dashed, dash-dot, dotted
HATCHES = ("", "//", "..", "xx", "\\\\", "++", "--", "oo")
CURRENT_MARKER, CURRENT_LINESTYLE = "x", (0, (4, 2, 1, 2))  # a dash-dot-dot line with crosses: "now"


def offer_color(i: int) -> str:
    """The colour of the i-th offer ('#0072B2'), the same in every output."""
    return OFFER_COLORS[i % len(OFFER_COLORS)]


def offer_marker(i: int) -> str:
    return MARKERS[i % len(MARKERS)]


def offer_linestyle(i: int):
    return LINESTYLES[i % len(LINESTYLES)]


def offer_hatch(i: int) -> str:
    return HATCHES[i % len(HATCHES)]


def argb(color: str) -> str:
    """'#0072B2' → 'FF0072B2', the form openpyxl fills and fonts take."""
    return "FF" + color.lstrip("#").upper()
