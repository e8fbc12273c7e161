"""Workbook assembly: the sheets in tab order, written top to bottom, saved atomically."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from .layout import ASSUMPTIONS, FOLLOWUPS, GRANTS, INPUTS, MARKET, NEGOTIATION, SUMMARY, VEST, YEARS, Layout
from .sheets import assumptions, followups as followups_sheet, grants, inputs, market, negotiation, summary, vest, years
from .styles import Styles
from .writer import SheetWriter

if TYPE_CHECKING:  # pragma: no cover
    from ...offers.results import Evaluation


def sheet_names(followups: bool) -> list[str]:
    """Tab order: what a reader wants first, then the inputs, then the machinery."""
    return [SUMMARY, YEARS, MARKET, NEGOTIATION] + ([FOLLOWUPS] if followups else []) + [INPUTS, GRANTS, ASSUMPTIONS, VEST]


def build_workbook(evaluation: "Evaluation", *, plan: Any = None, followups: Any = None, layout: Layout | None = None) -> Any:
    """The report as an unsaved write-only openpyxl Workbook (save it once).

    `layout` (default `Layout.of(evaluation)`) decides where every column and row goes.
    """
    from openpyxl import Workbook

    L = layout if layout is not None else Layout.of(evaluation)
    if L.e is not evaluation:
        raise ValueError("layout was made for another evaluation")
    wb = Workbook(write_only=True)
    wb.properties.creator = "offer-toolkit"
    wb.properties.title = "Offer comparison"
    styles = Styles()
    sheets = {name: SheetWriter(wb, name, styles) for name in sheet_names(followups is not None)}
    try:
        summary.write(sheets[SUMMARY], L)
        years.write(sheets[YEARS], L)
        market.write(sheets[MARKET], L)
        negotiation.write(sheets[NEGOTIATION], L, plan)
        if followups is not None:
            followups_sheet.write(sheets[FOLLOWUPS], followups)
        inputs.write(sheets[INPUTS], L)
        grants.write(sheets[GRANTS], L)
        assumptions.write(sheets[ASSUMPTIONS], L)
        vest.write(sheets[VEST], L)
    except BaseException:
        for sheet in sheets.values():  # close the streams so nothing is left half-open
            with contextlib.suppress(Exception):
                sheet.ws.close()
        raise
    return wb


def write_report(evaluation: "Evaluation", path: str | Path, *, plan: Any = None, followups: Any = None,
                 inputs: Sequence[str | Path] = ()) -> Path:
    """Write the Excel report to `path` atomically and return the path.

    Args:
        evaluation: a `toolkit.Evaluation`.
        path: the .xlsx to write; its folder is created when missing.
        plan: an optional negotiation plan (checklist, talking_points, counters, drafts DataFrames).
        followups: an optional DataFrame of follow-ups (company, action, due, status, reason, draft).
        inputs: the input files, which are never overwritten.

    Raises:
        OutputError: `path` is one of the inputs, or its folder cannot be created.

    Warns:
        ExcelTextWarning: text was cleaned of forbidden control characters or cut to 32,767 characters.
    """
    from ...io import write_with

    def writer(tmp: Path) -> None:
        build_workbook(evaluation, plan=plan, followups=followups).save(tmp)

    return write_with(path, writer, inputs)
