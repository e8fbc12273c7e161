"""iCalendar export: one all-day event per action, importable by calendar apps.

Place in the data flow: presentation. `build_calendar(plan)` returns an `icalendar.Calendar`
(pure, deterministic: DTSTAMP is midnight UTC of the plan's `today`, and each UID is a hash
of the entry id, action and due date, so the same input and `--today` give the same bytes);
`write_ics(plan, out, inputs)` writes it atomically through `toolkit.io.write_with`.
"""

from __future__ import annotations

import hashlib
import os
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from typing import Sequence

from ..followup.models import FollowupPlan

PRODID = "-//offer-toolkit//follow-up planner//EN"
UID_DOMAIN = "offer-toolkit.invalid"


def _uid(parts: Sequence[str], seen: dict[str, int]) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:24]
    seen[digest] = seen.get(digest, 0) + 1
    suffix = f"-{seen[digest]}" if seen[digest] > 1 else ""
    return f"{digest}{suffix}@{UID_DOMAIN}"


def build_calendar(plan: FollowupPlan):
    """The plan as an `icalendar.Calendar`: an all-day VEVENT per action, on its due date.

    SUMMARY is "<Action>: <Company>"; DESCRIPTION holds the reason, then the draft;
    STATUS (the plan's status) goes in CATEGORIES.
    """
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Follow-ups")
    stamp = datetime.combine(plan.today, time(0, 0), tzinfo=timezone.utc)
    seen: dict[str, int] = {}
    for a in plan.actions:
        company = a.company or "All applications"
        event = Event()
        # The UID leaves out the reason and status (they change with --today) so that
        # re-importing a later plan updates an event instead of duplicating it.
        event.add("uid", _uid([a.entry_id or "", a.action.value, a.due.isoformat()], seen))
        event.add("dtstamp", stamp)
        event.add("dtstart", a.due)
        event.add("dtend", a.due + timedelta(days=1))
        event.add("summary", f"{a.action.label}: {company}")
        event.add("description", f"{a.reason}\n\n{a.draft}")
        event.add("categories", [a.status.value])
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal


def render_ics(plan: FollowupPlan) -> bytes:
    """The iCalendar bytes (CRLF line endings, folded lines, per RFC 5545)."""
    return build_calendar(plan).to_ical()


def write_ics(plan: FollowupPlan, out: str | os.PathLike, inputs: Sequence[str | os.PathLike] = (), *, force: bool = False) -> Path:
    """Write the plan to `out` as .ics, atomically, refusing to overwrite any of `inputs` and, unless
    `force`, a file offer-toolkit did not write (its PRODID names offer-toolkit; docs/outputs.md)."""
    from ..io import write_with

    data = render_ics(plan)
    return write_with(out, lambda tmp: tmp.write_bytes(data), inputs, kind="document", force=force)
