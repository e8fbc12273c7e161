"""`offer-toolkit template`: a fill-in offer workbook (see toolkit.report.template)."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .app import app, echo, handle_errors


@app.command("template")
def template(
    output: Path = typer.Argument(..., help="The .xlsx to write (one offer per row, dotted column names)."),
    from_: Optional[List[Path]] = typer.Option(None, "--from", help="Pre-fill from offer files (YAML, JSON, TOML, CSV, XLSX)."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for input errors."),
) -> None:
    """Write an offer workbook to fill in; `compare` reads it back."""
    with handle_errors(debug):
        from ..errors import InputError, Issue
        from ..load import load_offers
        from ..report.template import write_template

        if output.suffix.lower() != ".xlsx":
            raise InputError([Issue(source=str(output), message=f"expected a .xlsx output file, got {output.suffix or 'no extension'!r}", code="flag")])
        offers = load_offers(from_).offers if from_ else ()
        path = write_template(output, offers, inputs=from_ or ())
        n = len(offers)
        echo(f"wrote {path}" + (f" with {n} offer{'s' if n != 1 else ''}" if n else " (empty; one offer per row)"))
