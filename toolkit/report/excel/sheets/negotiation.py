"""The Negotiation sheet: the plan's checklist, talking points, bundled counter and message drafts."""

from __future__ import annotations

from typing import Any

from ..layout import HEADER_ROW, Layout
from ..writer import SheetWriter
from .frames import write_frame

CHECKLIST_COLS = ("offer_id", "item", "status", "reason")
TALKING_COLS = ("offer_id", "priority", "rule", "component", "current", "target", "ask", "rationale", "evidence", "script")
COUNTER_COLS = ("offer_id", "year1_tc_before", "year1_tc_after", "average_tc_before", "average_tc_after", "summary")
DRAFT_COLS = ("offer_id", "kind", "subject", "body")
WIDTHS = (14, 18, 14, 16, 14, 14, 14, 40, 40, 60)


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
        sh.finish(last_col=len(CHECKLIST_COLS), header_row=header, filter_area=(header, 1, max(last, header), len(CHECKLIST_COLS)))
        return
    sh.title_rows("Negotiation plan", "Checklist, prioritised talking points with evidence and scripts, the bundled counter and message drafts.")
    header, last = write_frame(sh, plan.checklist, CHECKLIST_COLS)
    filter_area = (header, 1, max(last, header), len(CHECKLIST_COLS))
    for title, frame, cols, money_cols in (
        ("Talking points", getattr(plan, "talking_points", None), TALKING_COLS, ("current", "target", "ask")),
        ("Bundled counter", getattr(plan, "counters", None), COUNTER_COLS, COUNTER_COLS[1:5]),
        ("Message drafts", getattr(plan, "drafts", None), DRAFT_COLS, ()),
    ):
        sh.values([])
        sh.values([(title, "section")])
        if frame is None or not len(frame):
            sh.values([("none", "note")])
            continue
        write_frame(sh, frame, cols, money_cols, L.cur)
    sh.finish(last_col=len(TALKING_COLS), header_row=None, filter_area=filter_area)
