"""Render a `FollowupPlan` as a terminal table, Markdown or JSON text.

Place in the data flow: presentation only; returns strings, never prints or writes files.
Actions are grouped as overdue, due today and upcoming; each group is a table (number,
due date, company, action, reason) followed by the numbered drafts. Output is
deterministic: fixed width and no colour unless the caller asks for colour.
"""

from __future__ import annotations

import io
import json
import textwrap
from datetime import date

from .. import sanitize
from ..followup.models import Action, FollowupPlan, Status

GROUPS = ((Status.OVERDUE, "Overdue"), (Status.DUE_TODAY, "Due today"), (Status.UPCOMING, "Upcoming"))
DEFAULT_WIDTH = 100


def display_date(d: date) -> str:
    """'Fri 27 Nov 2026'."""
    return f"{d:%a} {d.day} {d:%b %Y}"


def _company(a: Action) -> str:
    return a.company or "(all)"


def _calendar_name(plan: FollowupPlan) -> str:
    return f"{plan.country}-{plan.subdivision}" if plan.subdivision else plan.country


def _numbered(plan: FollowupPlan) -> list[tuple[Status, str, list[tuple[int, Action]]]]:
    out, n = [], 0
    for status, title in GROUPS:
        rows = []
        for a in plan.by_status(status):
            n += 1
            rows.append((n, a))
        out.append((status, title, rows))
    return out


def render_json(plan: FollowupPlan) -> str:
    """`{"today": ..., "actions": [{"company", "action", "due", "status", "reason", "draft"}]}`."""
    return json.dumps(plan.as_dict(), indent=2, ensure_ascii=False) + "\n"


def render_markdown(plan: FollowupPlan) -> str:
    """A Markdown document: one section per group, a table, then the drafts."""
    lines = [
        f"# Follow-up plan for {display_date(plan.today)}",
        "",
        f"{len(plan.actions)} action{'s' if len(plan.actions) != 1 else ''}; "
        f"business days exclude weekends and {_calendar_name(plan)} public holidays.",
    ]
    for _status, title, rows in _numbered(plan):
        lines += ["", f"## {title} ({len(rows)})", ""]
        if not rows:
            lines.append("Nothing.")
            continue
        lines += ["| # | Due | Company | Action | Reason |", "|---|---|---|---|---|"]
        for n, a in rows:
            reason = sanitize.terminal(sanitize.one_line(a.reason), keep_newlines=False).replace("|", "\\|")
            lines.append(f"| {n} | {display_date(a.due)} | {sanitize.md_inline(_company(a))} | {a.action.label} | {reason} |")
        for n, a in rows:
            lines += ["", f"### {n}. {sanitize.md_inline(_company(a))}: {a.action.label}", "", *sanitize.md_fence(a.draft)]
    return "\n".join(lines) + "\n"


def render_table(plan: FollowupPlan, *, width: int = DEFAULT_WIDTH, color: bool = False) -> str:
    """A rich table per group plus the numbered drafts, as plain text (ANSI codes only if `color`)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    buf = io.StringIO()
    console = Console(
        file=buf,
        width=width,
        color_system="auto" if color else None,
        force_terminal=color,
        highlight=False,
        markup=False,  # user text (companies, reasons) prints as written, brackets and all
        emoji=False,
        legacy_windows=False,
    )
    console.print(
        Text(
            f"Follow-up plan for {display_date(plan.today)}: {len(plan.actions)} action{'s' if len(plan.actions) != 1 else ''} "
            f"(business days: {_calendar_name(plan)} calendar)",
            style="bold",
        )
    )
    style = {Status.OVERDUE: "bold red", Status.DUE_TODAY: "bold yellow", Status.UPCOMING: "bold green"}
    for status, title, rows in _numbered(plan):
        console.print()
        console.print(Text(f"{title} ({len(rows)})", style=style[status]))
        if not rows:
            console.print("  nothing")
            continue
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=True)
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("Due", no_wrap=True)
        table.add_column("Company", no_wrap=True)
        table.add_column("Action", no_wrap=True)
        table.add_column("Reason", ratio=1)
        for n, a in rows:
            table.add_row(str(n), display_date(a.due), sanitize.terminal(_company(a), keep_newlines=False), a.action.label,
                          sanitize.terminal(a.reason, keep_newlines=False))
        console.print(table)
    if plan.actions:
        console.print()
        console.print(Text("Drafts", style="bold"))
        for _status, _title, rows in _numbered(plan):
            for n, a in rows:
                console.print()
                company = sanitize.terminal(_company(a), keep_newlines=False)
                console.print(Text(f"[{n}] {company}: {a.action.label} (due {display_date(a.due)})", style="bold"))
                console.print(Text(_indent(sanitize.terminal(a.draft), width - 1)), soft_wrap=True)
    return buf.getvalue()


def _indent(text: str, width: int) -> str:
    """Indent a draft by four spaces, wrapping each line to `width` (rich would not indent)."""
    out = []
    for line in text.splitlines():
        if not line:
            out.append("")
            continue
        out += textwrap.wrap(line, width=width, initial_indent="    ", subsequent_indent="    ", break_long_words=False)
    return "\n".join(out)
