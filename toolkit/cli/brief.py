"""`offer-toolkit brief`: the two-page offer brief (PDF or HTML) from the same inputs as `compare`.

The command takes every option of `compare` except compare's own outputs (-o for the workbook,
--charts, --format, --no-escape, --quiet, --brief): its signature is built from compare's, so an
assumption, tax or basis option added to compare is a brief option too, with the same help.
It then runs compare with `--brief OUTPUT --quiet`.
"""

from __future__ import annotations

import inspect
import typing
from pathlib import Path
from typing import Annotated, Optional

import typer

from .app import app
from .commands import compare

DEFAULT_BRIEF = Path("reports") / "offer-brief.pdf"
NOT_FOR_BRIEF = ("output", "charts", "fmt", "no_escape", "quiet", "brief", "paper")


def brief(**options) -> None:
    """Write the offer brief: decision, headline table, charts, asks, counter, walk-away and next steps in two pages."""
    output, paper = options.pop("output"), options.pop("paper")
    compare(**options, brief=output, paper=paper, quiet=True)


def _signature() -> tuple[inspect.Signature, dict]:
    hints = typing.get_type_hints(compare, include_extras=True)
    own = {
        "output": inspect.Parameter("output", inspect.Parameter.KEYWORD_ONLY, default=DEFAULT_BRIEF,
                                    annotation=Annotated[Path, typer.Option("-o", "--output", help="Where to write the brief: .pdf or .html.")]),
        "paper": inspect.Parameter("paper", inspect.Parameter.KEYWORD_ONLY, default=None,
                                   annotation=Annotated[Optional[str], typer.Option("--paper", help="letter or a4 (default: letter when the first offer is in the US, else a4).")]),
    }
    params = []
    for name, p in inspect.signature(compare).parameters.items():
        if name in NOT_FOR_BRIEF:
            continue
        params.append(p.replace(kind=inspect.Parameter.KEYWORD_ONLY, annotation=hints[name]))
        if name == "files":
            params += own.values()
    annotations = {p.name: p.annotation for p in params}
    return inspect.Signature(params), annotations


brief.__signature__, brief.__annotations__ = _signature()
app.command("brief")(brief)
