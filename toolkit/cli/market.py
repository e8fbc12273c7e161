"""`offer-toolkit market summary`: percentiles per group of a market file (see toolkit.market).

Thin: parse options, call `load_market` and `summarize`, render. The import report (rows read,
kept, dropped and why) goes to stderr so that `--format json|csv` output stays machine-readable.
"""

from __future__ import annotations

import io
import json
import math
import sys
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from ..format import plain
from . import options
from ..sanitize import csv_cell, terminal
from .app import app, echo, handle_errors

market_app = typer.Typer(help="Inspect market-data files (percentile tables, raw samples, BLS, LCA, levels.fyi, surveys).",
                         no_args_is_help=True, add_completion=False, rich_markup_mode=None)
app.add_typer(market_app, name="market")

FORMATS = ("table", "json", "csv")


def _parse_pairs(values: List[str], flag: str) -> dict[str, str]:
    from ..errors import InputError, Issue

    out, issues = {}, []
    for v in values or []:
        for part in [p for p in v.split(",") if p.strip()]:
            a, sep, b = part.partition("=")
            if not sep or not a.strip() or not b.strip():
                issues.append(Issue(source=flag, message=f"expected NAME=VALUE, got {part!r}", code="bad_argument"))
            else:
                out[a.strip()] = b.strip()
    if issues:
        raise InputError(issues)
    return out


def _fmt(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float):
        return f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _render_table(frame, title: str) -> str:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    numeric = {"n", "p10", "p25", "p50", "p75", "p90", "mean", "min", "max", "level_1", "level_2", "level_3", "level_4"}
    for col in frame.columns:
        table.add_column(col, justify="right" if col in numeric or (col.startswith("p") and col[1:].isdigit()) else "left")
    for row in frame.itertuples(index=False):
        table.add_row(*[terminal(_fmt(plain(v)), keep_newlines=False) for v in row])
    buf = io.StringIO()
    # markup off: a role named "[red]x" prints as written
    Console(file=buf, width=160, color_system=None, force_terminal=False, markup=False, emoji=False, highlight=False).print(table)
    return buf.getvalue()


@market_app.command("summary")
def summary(
    file: str = typer.Argument(..., help="Market file: CSV or XLSX in any supported format."),
    role: Optional[str] = typer.Option(None, "--role", help="Only this role (case-insensitive, aliases apply)."),
    level: Optional[str] = typer.Option(None, "--level", help="Only this level (rows with no level count for every level)."),
    location: Optional[str] = typer.Option(None, "--location", help="Only this location (rows with no location count everywhere)."),
    by: str = typer.Option("role,level,location", "--by", help="Group by these keys, comma-separated."),
    fmt: options.format_option(FORMATS) = "table",
    mapping: Optional[str] = typer.Option(None, "--map", help="Column mapping: role=job_title,base=basesalary or a YAML/CSV mapping file."),
    alias: List[str] = typer.Option([], "--alias", help="Spelling alias, e.g. --alias Sr=Senior --alias SWE='Software Engineer'."),
    currency: Optional[str] = typer.Option(None, "--currency", help="Convert every figure into this currency (needs --rate for others)."),
    rate: List[str] = typer.Option([], "--rate", help="Exchange rate into --currency, e.g. --rate EUR=1.08 (1 EUR = 1.08 of --currency)."),
    all_statuses: bool = typer.Option(False, "--all-statuses", help="LCA files: count every case status, not only CERTIFIED."),
    no_escape: options.NoEscape = False,
    engine: options.Engine = "auto",
    scheduler: options.Scheduler = None,
    memory_limit: options.MemoryLimit = None,
    debug: options.Debug = False,
) -> None:
    """Print percentiles per group so you can sanity-check a market file."""
    with handle_errors(debug):
        from ..errors import InputError
        from ..market import MarketOptions, resolve_map
        from ..market.engines import open_engine
        from .progress import progress

        if fmt not in FORMATS:
            raise InputError.single("--format", f"expected one of {', '.join(FORMATS)}, got {fmt!r}", code="bad_argument")
        keys = tuple(k.strip().lower() for k in by.split(",") if k.strip())
        bad = [k for k in keys if k not in ("role", "level", "location")]
        if bad or not keys:
            raise InputError.single("--by", f"expected a comma list of role, level, location, got {by!r}", code="bad_argument")
        rates = {}
        for code, value in _parse_pairs(rate, "--rate").items():
            try:
                number = float(value)
            except ValueError:
                number = math.nan
            if not (math.isfinite(number) and number > 0):
                raise InputError.single("--rate", f"expected a positive number like EUR=1.08, got {code}={value!r}", code="bad_fx_rate")
            rates[code.upper()] = number
        options = MarketOptions(aliases=_parse_pairs(alias, "--alias"), certified_only=not all_statuses)
        chosen = open_engine(engine, [file], scheduler=scheduler, memory_limit=memory_limit)
        try:
            with progress(f"reading {file}", enabled=fmt != "json"):
                market = chosen.load(file, mapping=resolve_map(mapping), options=options)
            with progress("summarising", enabled=fmt != "json"):
                frame = _summarize(market, file, keys, role, level, location, currency, rates)
        finally:
            chosen.close()
        _summary_out(market, frame, file, fmt, no_escape)


def _summarize(market, file, keys, role, level, location, currency, rates):
    from ..errors import InputError, Issue, MissingFxRateError
    from ..market import summarize

    fx = None
    if rates:
        from ..offers.fx import FxRate, FxTable

        # the same table offers use: a missing pair is an error naming it
        fx = FxTable((currency or "").upper(), {code: FxRate(rate, "--rate") for code, rate in rates.items()}).rate
    try:
        return summarize(market, by=keys, role=role, level=level, location=location, currency=currency, fx=fx)
    except MissingFxRateError as exc:
        if not exc.pairs:  # the market package's own message already names the file
            raise
        raise InputError([
            Issue(source=str(file), field="currency", code="missing_fx_rate",
                  message=f"no exchange rate {code}->{to}; pass --rate {code}=<{to} per 1 {code}>")
            for code, to in exc.pairs
        ]) from None


def _summary_out(market, frame, file, fmt, no_escape: bool = False) -> None:
    print(f"note: {market.report.render()}", file=sys.stderr)
    if fmt == "json":
        records = [{k: plain(v) for k, v in rec.items()} for rec in frame.to_dict(orient="records")]
        echo(json.dumps({"source": market.source, "format": market.format, "as_of": market.as_of,
                         "import": market.report.as_dict(), "groups": records}, indent=2, default=str))
    elif fmt == "csv":
        echo(frame.map(lambda v: csv_cell(v, escape=not no_escape)).to_csv(index=False), data=True)
    else:
        title = terminal(f"{market.label}: {file}", keep_newlines=False) + (f" (as of {market.as_of})" if market.as_of else "")
        shown = frame.drop(columns=[c for c in ("source", "top_coded_at") if c in frame.columns])
        echo(_render_table(shown, title) if len(frame) else "no rows match the filters")


@market_app.command("convert")
def convert(
    file: str = typer.Argument(..., help="Market file in any supported format (CSV, XLSX, Parquet)."),
    output: Annotated[Path, typer.Option("-o", "--output", help="The canonical Parquet file to write (.parquet).")] = ...,
    mapping: Optional[str] = typer.Option(None, "--map", help="Column mapping: role=job_title,base=basesalary or a YAML/CSV mapping file."),
    alias: List[str] = typer.Option([], "--alias", help="Spelling alias applied to the keys stored in the file, e.g. --alias Sr=Senior."),
    all_statuses: bool = typer.Option(False, "--all-statuses", help="LCA files: keep every case status, not only CERTIFIED."),
    force: options.Force = False,
    debug: options.Debug = False,
) -> None:
    """Import a market file once and save it as canonical Parquet, read fast afterwards (any --engine)."""
    with handle_errors(debug):
        from ..errors import InputError, Issue
        from ..io import check_outputs
        from ..market import MarketOptions, load_market, resolve_map
        from ..market.engines import missing_modules
        from .progress import progress

        if output.suffix.lower() not in (".parquet", ".pq"):
            raise InputError([Issue(source="--output", code="bad_argument", message=f"expected a path ending in .parquet, got {str(output)!r}")])
        if missing_modules("duckdb") and "pyarrow" in missing_modules("dask"):
            raise InputError([Issue(source="--output", code="missing_dependency",
                                    message="writing Parquet needs pyarrow; install it with: pip install 'offer-toolkit[scale]'")])
        check_outputs([(output, "document")], [file], force=force)  # before the (long) import
        options = MarketOptions(aliases=_parse_pairs(alias, "--alias"), certified_only=not all_statuses)
        with progress(f"importing {file}"):
            market = load_market(file, mapping=resolve_map(mapping), options=options)
        from ..market.convert import write_parquet

        with progress(f"writing {output}"):
            write_parquet(market, output, inputs=[file], force=force)
        print(f"note: {market.report.render()}", file=sys.stderr)
        echo(f"wrote {output}: {market.label}, {market.report.rows_kept:,} rows")
