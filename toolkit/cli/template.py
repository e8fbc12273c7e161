"""`offer-toolkit template`: a fill-in offer workbook (see toolkit.report.template)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from . import options
from .app import app, echo, handle_errors


@app.command("template")
def template(
    output: Annotated[Path, typer.Argument(help="The .xlsx to write (one offer per row, dotted column names).")],
    from_: Annotated[Optional[List[Path]], typer.Option("--from", help="Pre-fill from offer files (YAML, JSON, TOML, CSV, XLSX).")] = None,
    encoding: options.Encoding = None,
    force: options.Force = False,
    debug: options.Debug = False,
) -> None:
    """Write an offer workbook to fill in; `compare` reads it back."""
    with handle_errors(debug):
        from ..errors import InputError, Issue
        from ..offers.load import load_offers
        from ..report.template import assumption_rows, write_template

        if output.suffix.lower() != ".xlsx":
            raise InputError([Issue(source=str(output), message=f"expected a .xlsx output file, got {output.suffix or 'no extension'!r}", code="bad_argument")])
        from ..io import check_outputs
        from .commands import collect

        offers, settings = (), ()
        issues: list[Issue] = []
        collect(issues, lambda: check_outputs([(output, "template", not from_)], from_ or (), force=force))
        offer_set = collect(issues, lambda: load_offers(from_, encoding=encoding)) if from_ else None
        if issues:
            raise InputError(issues)
        if offer_set is not None:
            fx: dict = {}
            for _, section in offer_set.fx_sections:
                for code, spec in section.items():
                    fx.setdefault(code, spec)
            offers = offer_set.offers
            settings = assumption_rows(offer_set.assumptions, offer_set.reporting_currency, fx)
        path = write_template(output, offers, settings=settings, inputs=from_ or (), force=force)
        n = len(offers)
        echo(f"wrote {path}" + (f" with {n} offer{'s' if n != 1 else ''}" if n else " (empty; one offer per row)"))
