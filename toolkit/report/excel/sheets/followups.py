"""The Follow-ups sheet: what to do next for each offer, with a draft message."""

from __future__ import annotations

from typing import Any

from ..layout import HEADER_ROW
from ..writer import SheetWriter
from .frames import write_frame

FOLLOWUP_COLS = ("company", "action", "due", "status", "reason")  # each draft is on the Drafts sheet
WIDTHS = (24, 30, 12, 12, 60)


def write(sh: SheetWriter, frame: Any) -> None:
    sh.setup(WIDTHS, (HEADER_ROW + 1, 1))
    sh.title_rows("Follow-ups", "What to do next for each offer; the draft messages are on the Drafts sheet.")
    header, last = write_frame(sh, frame, FOLLOWUP_COLS)
    sh.finish(header_row=header, filter_area=(header, 1, max(last, header), len(FOLLOWUP_COLS)))
