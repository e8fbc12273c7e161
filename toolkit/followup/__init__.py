"""Follow-up planner: after the interview, what to send and when (GitHub issue 7).

Data flow:

1. `load_pipeline(path)` reads a YAML/JSON/TOML document or a CSV/XLSX table through
   `toolkit.io`, and parses every entry into frozen models (`models.py`), collecting every
   problem into one `InputError`.
2. `plan_followups(pipeline, today=..., country=..., subdivision=..., rules=...)` applies the
   rules (`rules.py`) on a business-day calendar (`calendar.py`, `holidays` package) and
   fills each action's message draft (`drafts.py`). Pure: `today` is a parameter.
3. `render.py` turns the `FollowupPlan` into a table, Markdown or JSON text; `ics.py` into an
   iCalendar file; `FollowupPlan.to_frame()` into the Excel report's Follow-ups sheet.

docs/followup.md states every rule and default.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Optional, Sequence

from pydantic import ValidationError

from ..errors import Issue, raise_if
from ..offers.load import assign_ids, RawOffer
from ..calendar import BusinessCalendar, add_business_days, business_days_until, make_calendar
from .models import (
    Action,
    ActionKind,
    Entry,
    FollowupPlan,
    InlineOffer,
    Interview,
    Pipeline,
    Rules,
    Stage,
    Status,
    validation_issues,
)
from .rules import plan_followups

from .offers import merge_offers  # noqa: E402  (the planner reads the offers: issue 12)

__all__ = [
    "merge_offers",
    "Action",
    "ActionKind",
    "BusinessCalendar",
    "Entry",
    "FollowupPlan",
    "InlineOffer",
    "Interview",
    "Pipeline",
    "Rules",
    "Stage",
    "Status",
    "add_business_days",
    "business_days_until",
    "load_pipeline",
    "make_calendar",
    "parse_pipeline",
    "plan_followups",
]

TOP_LEVEL_KEYS = ("entries", "rules")
#: Columns of a CSV/XLSX pipeline. `interviews` and `contacts` hold dates separated by ';';
#: `key_point` belongs to the last interview; `contact_name`/`contact_email` form `contact`.
TABLE_COLUMNS = (
    "id", "company", "role", "contact_name", "contact_email", "stage", "stage_since",
    "interviews", "key_point", "promised_by", "contacts", "offer", "deadline", "notes",
)  # fmt: skip


def _split_dates(cell: Optional[str]) -> list[str]:
    return [p.strip() for p in re.split(r"[;\n]", cell or "") if p.strip()]


def _row_to_entry(row: dict[str, Any]) -> dict[str, Any]:
    """A table row (all text) as the same mapping a YAML entry would be."""
    data: dict[str, Any] = {}
    for key in ("id", "company", "role", "stage", "stage_since", "promised_by", "offer", "deadline", "notes"):
        if row.get(key) not in (None, ""):
            data[key] = row[key]
    if row.get("contact_name") or row.get("contact_email"):
        data["contact"] = {"name": row.get("contact_name") or "", "email": row.get("contact_email")}
    interviews: list[Any] = [{"date": d} for d in _split_dates(row.get("interviews"))]
    if row.get("key_point"):
        if interviews:
            interviews[-1]["key_point"] = row["key_point"]
        else:  # reported as "interviews[0].date: required, but missing"
            interviews.append({"key_point": row["key_point"]})
    if interviews:
        data["interviews"] = interviews
    if row.get("contacts"):
        data["contacts"] = _split_dates(row["contacts"])
    return data


def _id_issues(raws: list[RawOffer], positions: list[str]) -> list[Issue]:
    """Give entries without an `id` one, in place, by the offer rules (`toolkit.offers.load.assign_ids`):
    the slug of the company (python-slugify), -2, -3 ... for repeats. Only explicitly given
    duplicate ids are an error, reported on the later entry (by position) and naming the first.

    `positions` holds each raw's "entry 3" / "row 4" (raw.record words it as an offer)."""
    first: dict[str, str] = {}
    repeats: list[tuple[str, str]] = []  # (id, position) of each explicit repeat, in file order
    for r, position in zip(raws, positions):
        given = r.data.get("id")
        if isinstance(given, str) and given.strip():
            key = given.strip()
            if key in first:
                repeats.append((key, position))
            first.setdefault(key, position)
    found = assign_ids(raws)  # one issue per explicit repeat, in file order
    issues = [
        Issue(issue.source, f"duplicate entry id {key!r}, already used by {first[key]}; ids must be unique",
              record=position, field=issue.field, code=issue.code)
        for issue, (key, position) in zip(found, repeats)
    ]
    return issues + found[len(repeats):]


def parse_pipeline(raw: Any, *, source: str, labels: Optional[list[str]] = None, offers: Sequence[Any] = ()) -> Pipeline:
    """Parse a pipeline document (already read) into a `Pipeline`.

    Args:
        raw: a mapping with `entries` (a list of mappings) and optional `rules`, or a bare list.
        source: the file name, for messages.
        labels: record labels per entry ("row 3"), for tables; default "entry '<id>'".
        offers: the offers being compared; an entry with `offer: ID` that leaves out `company` or
            `role` takes them from the offer with that id (`merge_offers` then reconciles the rest).

    Raises:
        InputError: every problem in the document at once.
    """
    issues: list[Issue] = []
    rules = Rules()
    if isinstance(raw, list):
        raw = {"entries": raw}
    if not isinstance(raw, dict):
        raise_if([Issue(source, f"expected a mapping with 'entries' (and optional 'rules'), got {type(raw).__name__}", code="wrong_type")])
    for key in raw:
        if key not in TOP_LEVEL_KEYS:
            issues.append(Issue(source, f"unknown top-level key {key!r}; expected one of: {', '.join(TOP_LEVEL_KEYS)}", code="unknown_field"))
    if "rules" in raw:
        if not isinstance(raw["rules"], dict):
            issues.append(Issue(source, f"expected a mapping of rule names to numbers, got {raw['rules']!r}", field="rules", code="wrong_type"))
        else:
            try:
                rules = Rules.model_validate(raw["rules"])
            except ValidationError as exc:
                issues += validation_issues(exc, source=source, model=Rules, prefix=("rules",))
    items = raw.get("entries")
    if not isinstance(items, list) or not items:
        found = "nothing" if items is None else (f"{type(items).__name__} {items!r}" if not isinstance(items, list) else "an empty list")
        issues.append(Issue(source, f"expected a list of opportunities, found {found}", field="entries", code="missing"))
        items = []
    raws: list[RawOffer] = []
    positions: list[str] = []  # "entry 3" / "row 4", unique in the file
    for n, item in enumerate(items, start=1):
        position = labels[n - 1] if labels else f"entry {n}"
        if not isinstance(item, dict):
            issues.append(Issue(source, f"expected a mapping with company, role, stage, ..., got {item!r}", record=position, code="wrong_type"))
            continue
        item = _fill_from_offer(dict(item), offers)
        if isinstance(item.get("id"), int) and not isinstance(item["id"], bool):
            item["id"] = str(item["id"])  # `id: 42`
        raws.append(RawOffer(item, position, source))
        positions.append(position)
    # Default ids as for offers (the company's slug, -2, -3 ...); duplicates reported in file order.
    duplicates = {i.record: i for i in _id_issues(raws, positions)}
    entries: list[Entry] = []
    for r, label in zip(raws, positions):
        item = r.data
        if label in duplicates:
            issues.append(duplicates.pop(label))
        if not labels and isinstance(item.get("id"), str) and item["id"].strip():
            label = f"entry {item['id'].strip()!r}"
        try:
            entries.append(Entry.model_validate(item))
        except ValidationError as exc:
            found = validation_issues(exc, source=source, record=label, model=Entry)
            if "id" not in item:  # no id and no usable company: the company issue says it all
                found = [i for i in found if i.field != "id"]
            issues += found
    issues += duplicates.values()
    raise_if(issues)
    return Pipeline(source=source, entries=tuple(entries), rules=rules)


def _fill_from_offer(item: dict[str, Any], offers: Sequence[Any]) -> dict[str, Any]:
    """An entry naming an offer by id (`offer: cascade`) may leave out company and role: they come
    from that offer. What the entry gives itself is kept here; `merge_offers` warns on differences."""
    ref = item.get("offer")
    if not isinstance(ref, str) or not offers:
        return item
    offer = next((o for o in offers if str(getattr(o, "id", "")) == ref.strip()), None)
    if offer is None:
        return item
    for field in ("company", "role"):
        if item.get(field) in (None, "") and getattr(offer, field, None):
            item[field] = getattr(offer, field)
    return item


def load_pipeline(path: str | os.PathLike, offers: Sequence[Any] = ()) -> Pipeline:
    """Read and parse a pipeline file: YAML/JSON/TOML (`entries` + `rules`) or CSV/XLSX (one row each).

    Args:
        path: the pipeline file.
        offers: the offers being compared (see `parse_pipeline`).

    Raises:
        InputError: unreadable file, or every problem found in its entries.
    """
    from .. import io

    p = Path(path)
    if io.file_kind(p) in ("csv", "xlsx"):
        frame = io.read_table(p, as_text=True)
        issues = [
            Issue(str(p), f"unknown column; expected some of: {', '.join(TABLE_COLUMNS)}", field=c, code="unknown_field")
            for c in frame.columns
            if c not in TABLE_COLUMNS
        ]
        raise_if(issues)
        rows = [_row_to_entry(r) for r in frame.to_dict(orient="records")]
        labels = [f"row {i + 2}" for i in range(len(rows))]  # spreadsheet numbering: the header is row 1
        return parse_pipeline(rows, source=str(p), labels=labels, offers=offers)
    return parse_pipeline(io.read_document(p), source=str(p), offers=offers)
