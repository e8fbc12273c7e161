"""The Drafts sheet: every message draft (the negotiation plan's and the follow-ups'), one block
each — a heading, the subject, then the body one paragraph per row so the whole text shows on
screen and on paper (a cell's height is capped at 409 points; a paragraph is not)."""

from __future__ import annotations

from typing import Any, Iterator

from ..layout import HEADER_ROW
from ..writer import SheetWriter

TEXT_WIDTH = 100  # units: about 14 words a line, a comfortable reading measure on screen and paper
LABEL_WIDTH = 12


def _blocks(plan: Any, followups: Any) -> Iterator[tuple[str, str, str]]:
    """(heading, subject, body) of every draft."""
    drafts = getattr(plan, "drafts", None) if plan is not None else None
    if drafts is not None and len(drafts):
        for rec in drafts.to_dict("records"):
            kind = str(rec.get("kind") or "draft").replace("_", " ")
            yield f"{rec.get('offer_id', '')} · {kind}", str(rec.get("subject") or ""), str(rec.get("body") or "")
    if followups is not None and "draft" in getattr(followups, "columns", ()):
        for rec in followups.to_dict("records"):
            body = rec.get("draft")
            if isinstance(body, str) and body.strip():
                yield f"Follow-up: {rec.get('company', '')} · {rec.get('action', '')}", "", body


def write(sh: SheetWriter, plan: Any, followups: Any) -> None:
    sh.setup((LABEL_WIDTH, TEXT_WIDTH), (HEADER_ROW, 1))
    blocks = list(_blocks(plan, followups))
    sh.title_rows("Message drafts", f"{len(blocks)} draft(s): fill in the [bracketed] parts before sending.")
    sh.values([])
    if not blocks:
        sh.values([("No drafts: run compare with -o and an offer file (negotiation drafts) or --pipeline (follow-ups).", "note")])
    for heading, subject, body in blocks:
        sh.values([(heading, "section")])
        if subject:
            sh.values([("Subject", "bold"), (subject, "plain")])
        for k, paragraph in enumerate(body.strip("\n").split("\n\n")):
            sh.values([("Body", "bold") if k == 0 else None, (paragraph, "plain_wrap")])
        sh.values([])
    sh.finish(landscape=False)
