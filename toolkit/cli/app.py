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

from typer.core import TyperGroup

from ..errors import InputError, Issue, ToolkitError, ToolkitWarning
from ..sanitize import terminal

# Flag pairs that contradict each other. Click lets the last one win without a word; the
# group records which pairs were typed so that the command refuses them with its other problems.
CONFLICTING_FLAGS = (("--include-refreshers", "--exclude-refreshers"),)
_CONFLICTS_KEY = "offer_toolkit.conflicting_flags"


class _Group(TyperGroup):
    """The root command group: notes conflicting flags from the raw arguments (ctx.meta is
    shared with the subcommand's context)."""

    def parse_args(self, ctx, args):
        typed = set()
        for arg in args:
            if arg == "--":
                break
            typed.add(arg.split("=", 1)[0])
        ctx.meta[_CONFLICTS_KEY] = [pair for pair in CONFLICTING_FLAGS if set(pair) <= typed]
        return super().parse_args(ctx, args)


def conflicting_flags() -> list[Issue]:
    """One Issue per pair of contradicting flags given to the running command."""
    try:
        from typer._click.globals import get_current_context
    except ImportError:  # pragma: no cover - typer releases that run on click itself
        from click import get_current_context
    ctx = get_current_context(silent=True)
    pairs = ctx.meta.get(_CONFLICTS_KEY, []) if ctx is not None else []
    return [Issue(source=" ".join(pair), message=f"these flags contradict each other; give one of {' or '.join(pair)}",
                  code="conflict") for pair in pairs]


app = typer.Typer(
    cls=_Group,
    name="offer-toolkit",
    help="Compare competing job offers, place them against your market data, and plan the negotiation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

EXIT_INPUT = 2


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so every `finally` and temporary-file cleanup runs."""


def _on_sigterm(signum, frame) -> None:  # noqa: ARG001 - the signal handler's signature
    raise Terminated()


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """While a command runs, SIGTERM raises `Terminated` (the default would kill the process
    and leave temporary files behind); the previous handler is restored afterwards."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def handle_errors(debug: bool = False) -> Iterator[None]:
    """Turn ToolkitError into 'file: record field x: message' lines on stderr and exit code 2,
    and ToolkitWarnings into 'warning: ...' lines on stderr."""
    try:
        with _sigterm_raises(), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ToolkitWarning)
            try:
                yield
            finally:
                shown: set[str] = set()
                for w in caught:  # each distinct warning once (a file opened twice warns twice)
                    if issubclass(w.category, ToolkitWarning) and str(w.message) not in shown:
                        shown.add(str(w.message))
                        print(f"warning: {terminal(w.message)}", file=sys.stderr)
    except ToolkitError as exc:
        if debug:
            raise
        if isinstance(exc, InputError):
            flags = command_flags()
            lines = [str(i.for_flags(flags)) for i in exc.issues]
        else:
            lines = [str(exc)]
        for line in lines:
            print(f"error: {terminal(line)}", file=sys.stderr)
        if len(lines) > 1:
            print(f"{len(lines)} problems found; nothing was written.", file=sys.stderr)
        raise typer.Exit(EXIT_INPUT) from None
    except KeyboardInterrupt as exc:
        # temporary files are removed on the way out (io.write_with); finished files stay
        terminated = isinstance(exc, Terminated)
        print(f"{'terminated' if terminated else 'interrupted'}; no half-written file was left.", file=sys.stderr)
        raise typer.Exit(143 if terminated else 130) from None


def command_flags() -> dict[str, str]:
    """The running command's flags by parameter name (`rank_by` → `--rank-by`), plus the library
    parameter names that the command spells differently (options.LIBRARY_NAMES).

    Library errors name the function's parameter; this maps them to what the user typed, and
    only to flags this command really has."""
    from .options import LIBRARY_NAMES

    # Newer typer releases carry their own copy of click; older ones run on click itself. Ask
    # typer's copy first: click may be installed anyway (dask.distributed needs it), and its
    # context would then be empty.
    try:
        from typer._click.globals import get_current_context
    except ImportError:  # pragma: no cover - depends on the installed typer
        from click import get_current_context

    ctx = get_current_context(silent=True)
    if ctx is None:
        return {}
    flags: dict[str, str] = {}
    for param in ctx.command.params:
        long = [o for o in getattr(param, "opts", ()) if o.startswith("--")]
        if long and param.name:
            flags[param.name] = long[0]
    for library_name, own_names in LIBRARY_NAMES.items():
        for own in own_names:
            if own in flags:
                flags.setdefault(library_name, flags[own])
    return flags


def echo(text: str, *, data: bool = False) -> None:
    """Write command output to stdout (kept in one place so tests can rely on it).

    `data=True` marks text kept as written for programs (CSV): piped or redirected it goes out
    unchanged, but on a terminal its escape sequences and control characters are removed, as
    for every other terminal output (docs/sanitizing.md), so a company name cannot retitle the
    window or recolour the screen."""
    if data and sys.stdout.isatty():
        text = terminal(text)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
