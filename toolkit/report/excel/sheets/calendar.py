"""The Calendar-years sheet: the paid (cash) view per offer and calendar year, as values.

Built from each offer's JSON `calendar_years` rows (`Evaluation.calendar_dict`): the year,
months employed (a partial first or last year says "partial: N months"), the components, TC
and total rewards as paid in that year, and any other key the rows carry; then per offer the
start date used and the bonus earned by the horizon's end but not yet paid
(`bonus_accrued_unpaid`). Engine values: the dated ledger is not in the workbook.
"""

from __future__ import annotations

from typing import Any

from ....format import money as show_money
from ..layout import CALENDAR_KEYS, Layout, left_out_headers
from ..styles import INT, money_format
from ..writer import SheetWriter, number
from .frames import write_block_rows

NOTE = ("Paid basis: what lands in your account in each calendar year (salary by pay date, bonus on its payout date, "
        "sign-on and relocation on their dates, equity on its vest dates). The headline figures on the Summary and the "
        "Year-by-year sheet use offer years (the k-th 12 months from the start date, earned basis). Engine values: "
        "they do not recalculate when you edit an input.")


def period(row: dict[str, Any]) -> str:
    """'full year', or 'partial: 11 months' for a first or last year the job does not fill."""
    months = row.get("months_employed")
    if row.get("partial") or (isinstance(months, int) and months < 12):
        return f"partial: {months} month{'s' if months != 1 else ''}"
    return "full year"


def write(sh: SheetWriter, L: Layout) -> None:
    spec = L.calendar
    e = L.e
    sh.setup(spec.widths, (spec.first_row, spec.col("offer_id") + 2))
    sh.title_rows(f"Calendar years: what is paid in each calendar year, in {L.cur}", NOTE)
    sh.header(spec.headers)
    money = money_format(L.cur)

    def cell(k: str, v: Any, year: dict) -> tuple | None:
        if k == "partial":
            return (period(year), "plain")
        if isinstance(v, (bool, str)):
            return (v, "plain")
        if isinstance(v, int):
            return (v, "plain", INT)
        return (float(v), "bold" if k == "tc" else "plain", money) if number(v) is not None else None

    rows = write_block_rows(sh, spec, e.offers, L.calendar_blocks, "calendar_years", cell)
    if not rows:
        sh.values([("No calendar-year view for these offers.", "note")])
    last = max(spec.first_row, spec.first_row + rows - 1)
    dropped = left_out_headers(spec, CALENDAR_KEYS, [y for b in L.calendar_blocks for y in b.get("calendar_years") or ()])
    sh.values([])
    if dropped:
        sh.values([(f"Not shown, being zero for every offer and calendar year: {', '.join(dropped)}.", "note")])
    sh.values([("Start dates and bonus not yet paid at the horizon's end", "section")])
    for o, block in zip(e.offers, L.calendar_blocks):
        if not block:
            continue
        start = block.get("start_date") or "?"
        assumed = " (assumed: no start_date given)" if block.get("start_date_assumed") else ""
        unpaid = number(block.get("bonus_accrued_unpaid")) or 0.0
        owed = (f"bonus earned but not yet paid by the horizon's end: {show_money(unpaid, L.cur)} (counted in the offer years, "
                "paid after the last calendar year shown)") if unpaid else "no bonus left unpaid at the horizon's end"
        sh.values([(f"{o.company} ({o.id}): starts {start}{assumed}; {owed}", "note")])
    sh.finish(header_row=spec.header_row, filter_area=(spec.header_row, 1, last, spec.last_col))
