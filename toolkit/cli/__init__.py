"""`offer-toolkit` command line: thin commands over the Python API.

Each command lives in its own module and registers itself on the shared typer `app`;
heavy libraries (pandas, openpyxl, matplotlib) are imported inside the commands so that
`offer-toolkit --help` answers quickly.
"""

from __future__ import annotations

from .app import app
from . import brief, commands, market, negotiate, plan, template  # noqa: F401,E402  (each registers its commands on `app`)


def main() -> None:
    app()
