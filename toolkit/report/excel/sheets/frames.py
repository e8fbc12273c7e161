"""A titled block of a DataFrame's columns, for the Negotiation and Follow-ups sheets."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Sequence

from ..styles import DATE, NUM, money_format
from ..writer import SheetWriter, number


def write_frame(sh: SheetWriter, frame: Any, columns: Sequence[str], money_cols: Sequence[str] = (), currency: str = "") -> tuple[int, int]:
    """Write the header and rows of `frame`'s `columns` that exist; returns (header row, last row)."""
    present = [c for c in columns if c in getattr(frame, "columns", ())]
    header = sh.header([c.replace("_", " ").capitalize() for c in present])
    money = money_format(currency) if currency else NUM
    for rec in frame[present].to_dict("records") if present else []:
        specs: list[tuple | None] = []
        for c in present:
            v = rec[c]
            if v is None or (isinstance(v, float) and math.isnan(v)):
                specs.append(None)
            elif c in money_cols and number(v) is not None:
                specs.append((number(v), "plain", money))
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                specs.append((float(v), "plain", NUM))
            elif hasattr(v, "isoformat") and not isinstance(v, str):
                specs.append((v if isinstance(v, dt.date) else str(v), "plain", DATE))
            else:
                specs.append((str(v), "plain_wrap"))
        sh.values(specs)
    return header, sh.row
