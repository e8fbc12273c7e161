"""The Follow-ups sheet: what to do next for each offer, with a draft message."""

from __future__ import annotations

from typing import Any

from ..layout import HEADER_ROW
from ..writer import SheetWriter
from .frames import write_frame

FOLLOWUP_COLS = ("company", "action", "due", "status", "reason", "draft")
WIDTHS = (24, 30, 12, 12, 40, 60)


def write(sh: SheetWriter, frame: Any) -> None:
    sh.setup(WIDTHS, (HEADER_ROW + 1, 1))
    sh.title_rows("Follow-ups", "What to do next for each offer, with a draft message.")
    header, last = write_frame(sh, frame, FOLLOWUP_COLS)
    sh.finish(last_col=len(FOLLOWUP_COLS), header_row=header, filter_area=(header, 1, max(last, header), len(FOLLOWUP_COLS)))
