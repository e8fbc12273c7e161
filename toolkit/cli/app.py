"""The typer application and the one place where errors become messages and exit codes.

Exit codes: 0 success, 2 bad input (any `ToolkitError`: every problem is printed, one per
line, on stderr, with no traceback), 1 a bug (the traceback is kept). Command modules
register themselves on `app` and wrap their bodies in `handle_errors`.
"""

from __future__ import annotations

import contextlib
import sys
import warnings
from typing import Iterator

import typer

from ..errors import InputError, ToolkitError, ToolkitWarning

app = typer.Typer(
    name="offer-toolkit",
    help="Compare competing job offers, place them against your market data, and plan the negotiation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

EXIT_INPUT = 2


@contextlib.contextmanager
def handle_errors(debug: bool = False) -> Iterator[None]:
    """Turn ToolkitError into 'file: record field x: message' lines on stderr and exit code 2,
    and ToolkitWarnings into 'warning: ...' lines on stderr."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ToolkitWarning)
            try:
                yield
            finally:
                for w in caught:
                    if issubclass(w.category, ToolkitWarning):
                        print(f"warning: {w.message}", file=sys.stderr)
    except ToolkitError as exc:
        if debug:
            raise
        lines = [str(i) for i in exc.issues] if isinstance(exc, InputError) else [str(exc)]
        for line in lines:
            print(f"error: {line}", file=sys.stderr)
        if len(lines) > 1:
            print(f"{len(lines)} problems found; nothing was written.", file=sys.stderr)
        raise typer.Exit(EXIT_INPUT) from None
    except KeyboardInterrupt:
        print("interrupted; nothing was written.", file=sys.stderr)
        raise typer.Exit(130) from None


def echo(text: str) -> None:
    """Write command output to stdout (kept in one place so tests can rely on it)."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
