"""Workbook assembly: the sheets in tab order, written top to bottom, saved atomically."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from .layout import ASSUMPTIONS, CALENDAR, DRAFTS, FOLLOWUPS, TALKING, GRANTS, INPUTS, MARKET, NEGOTIATION, SUMMARY, TAX, VEST, YEARS, Layout
from .sheets import assumptions, calendar, drafts, followups as followups_sheet, grants, inputs, market, negotiation, summary, tax, vest, years
from .styles import Styles
from .writer import SheetWriter

if TYPE_CHECKING:  # pragma: no cover
    from ...offers.results import Evaluation


def sheet_names(followups: bool) -> list[str]:
    """Tab order: what a reader wants first, then the inputs, then the machinery."""
    return [SUMMARY, YEARS, TAX, CALENDAR, MARKET, NEGOTIATION, TALKING, DRAFTS] + ([FOLLOWUPS] if followups else []) + [INPUTS, GRANTS, ASSUMPTIONS, VEST]


def _largest_figure(evaluation: "Evaluation", stay: Any) -> float:
    """The largest money figure the workbook shows (the widest a money formula can get)."""
    import numpy as np

    values = [np.nanmax(np.abs(arr)) for arr in evaluation.headlines.values() if np.size(arr) and not np.all(np.isnan(arr))]
    if stay is not None and getattr(stay, "evaluation", None) is not None:
        values += [np.nanmax(np.abs(arr)) for arr in stay.evaluation.headlines.values() if np.size(arr) and not np.all(np.isnan(arr))]
    return float(max(values, default=1e6))


def build_workbook(evaluation: "Evaluation", *, plan: Any = None, followups: Any = None, stay: Any = None,
                   layout: Layout | None = None) -> Any:
    """The report as an unsaved write-only openpyxl Workbook (save it once).

    `stay` (a `negotiation.current.Baseline`, from --current) adds the Summary's 'Now' column and
    'vs now' rows. `layout` (default `Layout.of(evaluation, stay)`) decides where every column and row goes.
    """
    from openpyxl import Workbook
    from openpyxl.packaging.custom import StringProperty

    from ...io import KIND_PROPERTY, TOOLKIT

    L = layout if layout is not None else Layout.of(evaluation, stay)
    if L.e is not evaluation:
        raise ValueError("layout was made for another evaluation")
    wb = Workbook(write_only=True)
    wb.properties.creator = TOOLKIT  # with KIND_PROPERTY, how the output guard knows its own reports
    wb.custom_doc_props.append(StringProperty(name=KIND_PROPERTY, value="report"))
    wb.properties.title = "Offer comparison"
    styles = Styles()
    big = _largest_figure(evaluation, L.stay)
    sheets = {name: SheetWriter(wb, name, styles, big) for name in sheet_names(followups is not None)}
    try:
        summary.write(sheets[SUMMARY], L)
        years.write(sheets[YEARS], L)
        tax.write(sheets[TAX], L)
        calendar.write(sheets[CALENDAR], L)
        market.write(sheets[MARKET], L)
        negotiation.write(sheets[NEGOTIATION], L, plan)
        negotiation.write_talking_points(sheets[TALKING], L, plan)
        drafts.write(sheets[DRAFTS], plan, followups)
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


def write_report(evaluation: "Evaluation", path: str | Path, *, plan: Any = None, followups: Any = None, stay: Any = None,
                 inputs: Sequence[str | Path] = (), force: bool = False) -> Path:
    """Write the Excel report to `path` atomically and return the path.

    Args:
        evaluation: a `toolkit.Evaluation`.
        path: the .xlsx to write; its folder is created when missing.
        plan: an optional negotiation plan (checklist, talking_points, counters, drafts DataFrames).
        followups: an optional DataFrame of follow-ups (company, action, due, status, reason, draft).
        stay: the current job as the stay scenario (`negotiation.current.Baseline`, from --current):
            the Summary shows it as a 'Now' column and each offer's difference from it.
        inputs: the input files, which are never overwritten.
        force: replace an existing workbook that offer-toolkit did not write (docs/outputs.md).

    Raises:
        OutputError: `path` is one of the inputs, or its folder cannot be created.

    Warns:
        ExcelTextWarning: text was cleaned of forbidden control characters or cut to 32,767 characters.
    """
    from ...io import write_with

    def writer(tmp: Path) -> None:
        build_workbook(evaluation, plan=plan, followups=followups, stay=stay).save(tmp)

    return write_with(path, writer, inputs, kind="report", force=force)
