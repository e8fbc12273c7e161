"""The Negotiation sheet: the plan's checklist, talking points, bundled counter and message drafts."""

from __future__ import annotations

from typing import Any

from ..layout import HEADER_ROW, Layout
from ..writer import SheetWriter
from .frames import write_frame

CHECKLIST_COLS = ("offer_id", "item", "status", "reason")
TALKING_COLS = ("offer_id", "priority", "rule", "component", "current", "target", "ask", "rationale", "evidence", "script")
# the summary in the column that holds the checklist's reason, so one wide column serves both tables
COUNTER_COLS = ("offer_id", "year1_tc_before", "year1_tc_after", "summary", "average_tc_before", "average_tc_after")
WIDTHS = (14, 20, 16, 60, 16, 16)  # the most each column takes; the reason and the summary wrap
TALKING_WIDTHS = (14, 9, 20, 16, 12, 12, 12, 44, 44, 50)


def write(sh: SheetWriter, L: Layout, plan: Any) -> None:
    import pandas as pd

    e = L.e
    sh.setup(WIDTHS, (HEADER_ROW + 1, 1))
    if plan is None:
        sh.title_rows("Negotiation", "Run `offer-toolkit negotiate` to fill in the talking points, the bundled counter and the message drafts.")
        checklist = pd.DataFrame(
            [{"offer_id": oid, "item": term, "status": "missing", "reason": "not in the offer record; ask for it in writing"}
             for oid, terms in zip(e.ids, e.missing_terms) for term in terms],
            columns=list(CHECKLIST_COLS),
        )
        header, last = write_frame(sh, checklist, CHECKLIST_COLS)
        sh.finish(header_row=header, filter_area=(header, 1, max(last, header), len(CHECKLIST_COLS)))
        return
    sh.title_rows("Negotiation plan", "The checklist of terms and the bundled counter; the talking points and the message drafts have sheets of their own.")
    header, last = write_frame(sh, plan.checklist, CHECKLIST_COLS)
    filter_area = (header, 1, max(last, header), len(CHECKLIST_COLS))
    frame = getattr(plan, "counters", None)
    sh.values([])
    sh.values([("Bundled counter", "section")])
    if frame is None or not len(frame):
        sh.values([("none", "note")])
    else:
        write_frame(sh, frame, COUNTER_COLS, ("year1_tc_before", "year1_tc_after", "average_tc_before", "average_tc_after"), L.cur)
    sh.finish(header_row=None, filter_area=filter_area)


def write_talking_points(sh: SheetWriter, L: Layout, plan: Any) -> None:
    """The Talking points sheet: each ask with its amounts in its own unit, rationale, evidence and script."""
    sh.setup(TALKING_WIDTHS, (HEADER_ROW + 1, 1))
    sh.title_rows("Talking points", "Prioritised asks for each offer with the evidence and the words to use; amounts in each ask's own unit.")
    frame = getattr(plan, "talking_points", None) if plan is not None else None
    if frame is None or not len(frame):
        sh.values([("No talking points: run compare with -o, or offer-toolkit negotiate.", "note")])
        sh.finish()
        return
    header, last = write_frame(sh, frame, TALKING_COLS, ("current", "target", "ask"), L.cur, unit_col="unit")
    sh.finish(header_row=header, filter_area=(header, 1, max(last, header), len(TALKING_COLS)), landscape=True)
