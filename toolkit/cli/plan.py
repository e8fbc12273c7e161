"""`offer-toolkit plan`: follow-ups around interviews and offer deadlines (see toolkit.followup)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from . import options
from .app import app, echo, handle_errors
from .commands import check_format, collect, parse_today

FORMATS = ("table", "json", "markdown")


@app.command("plan")
def plan(
    file: Annotated[Path, typer.Argument(help="Pipeline file: YAML/JSON/TOML, or CSV/XLSX with one row per opportunity.")],
    today: options.Today = None,
    country: options.Country = "US",
    subdivision: options.Subdivision = None,
    fmt: options.format_option(FORMATS) = "table",
    ics: Annotated[Optional[Path], typer.Option("--ics", help="Also write the actions as an iCalendar (.ics) file.")] = None,
    force: options.Force = False,
    offers: Annotated[Optional[List[Path]], typer.Option("--offers", help="Offer files: an entry with `offer: ID` takes that offer's company, role, status and deadline (the offers file wins; differences are warned).")] = None,
    debug: options.Debug = False,
) -> None:
    """List follow-up actions (overdue, due today, upcoming) with message drafts."""
    with handle_errors(debug):
        from ..errors import Issue, raise_if
        from ..followup import load_pipeline, make_calendar, plan_followups
        from ..report.ics import write_ics
        from ..report.followup import render_json, render_markdown, render_table

        issues: list[Issue] = []
        day = collect(issues, lambda: parse_today(today))  # the real date is read there, once
        if fmt not in FORMATS:
            collect(issues, lambda: check_format(fmt, FORMATS))
        calendar = collect(issues, lambda: make_calendar(country, subdivision))
        offer_set = collect(issues, lambda: _load_offers(offers)) if offers else None
        # after the offers: an entry naming an offer (`offer: ID`) takes its company and role
        pipeline = collect(issues, lambda: load_pipeline(file, offers=offer_set.offers if offer_set is not None else ()))
        if ics is not None:
            from ..io import check_outputs

            collect(issues, lambda: check_outputs([(ics, "document")], [file, *(offers or [])], force=force))
        raise_if(issues)
        if offer_set is not None:
            from ..followup import merge_offers

            pipeline, warnings = merge_offers(pipeline, offer_set.offers)
            for w in warnings:
                typer.echo(f"warning: {w}", err=True)

        result = plan_followups(pipeline, today=day, calendar=calendar)
        if fmt == "json":
            text = render_json(result)
        elif fmt == "markdown":
            text = render_markdown(result)
        else:
            tty = sys.stdout.isatty()
            width = max(80, shutil.get_terminal_size().columns) if tty else 100
            text = render_table(result, width=width, color=tty)
        if ics is not None:
            write_ics(result, ics, inputs=[file], force=force)
        echo(text)
        if ics is not None:
            typer.echo(f"wrote {ics} ({len(result.actions)} events)", err=True)


def _load_offers(paths):
    from ..offers.load import load_offers

    return load_offers(paths)
