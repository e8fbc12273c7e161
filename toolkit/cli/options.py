"""Command-line options shared by several commands, declared once (typer `Annotated` aliases).

A command writes `currency: options.Currency = None` instead of repeating the flag, its help
and its type; so `--currency` reads and behaves the same in `compare`, `validate` and
`negotiate`. Options that belong to one command stay in that command's module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

import typer

OfferFiles = Annotated[List[Path], typer.Argument(help="Offer files: YAML, JSON, TOML, or a CSV/XLSX table (one offer per row).")]
AssumptionsFile = Annotated[Optional[Path], typer.Option("--assumptions", help="A separate assumptions file.")]
FxFile = Annotated[Optional[Path], typer.Option("--fx", help="FX rates: a currency,rate CSV or the ECB reference-rate CSV.")]
Currency = Annotated[Optional[str], typer.Option("--currency", help="Reporting currency (default: the file's, else the first offer's).")]
Horizon = Annotated[Optional[int], typer.Option("--horizon", help="Years to project (1-40, default 4).")]
Raise = Annotated[Optional[str], typer.Option("--raise", help="Annual base raise, like 3%.")]
StockGrowth = Annotated[Optional[str], typer.Option("--stock-growth", help="Annual share-price growth, like 0% or -20%.")]
IncludeRefreshers = Annotated[Optional[bool], typer.Option("--include-refreshers/--exclude-refreshers", help="Count expected refreshers in TC.")]
PrivateDiscount = Annotated[Optional[str], typer.Option("--private-discount", help="Discount on private-company equity, like 50%.")]
DiscountRate = Annotated[Optional[str], typer.Option("--discount-rate", help="Discount rate for the present value, like 5%.")]
TaxRate = Annotated[Optional[str], typer.Option("--tax-rate", help="One flat tax rate for every offer's after-tax figures, like 30% (implies --tax-engine flat).")]
TaxEngine = Annotated[Optional[str], typer.Option("--tax-engine", help="After-tax figures by: builtin (default; US federal + 13 states + NYC, DE, UK), policyengine (the tax-us extra) or flat (needs --tax-rate).")]
FxDate = Annotated[Optional[str], typer.Option("--fx-date", help="Date of the bundled ECB rates to use (YYYY-MM-DD).")]
Market = Annotated[Optional[List[Path]], typer.Option("--market", help="Market data file to place the offers in (repeatable): percentiles, samples, BLS, LCA, OFLC levels.")]
Map = Annotated[Optional[str], typer.Option("--map", help="Market column mapping: role=job_title,base=basesalary or a mapping file.")]
Alias = Annotated[Optional[List[str]], typer.Option("--alias", help="Match market names to yours: --alias 'Software Engineer=Software Developers' (repeatable).")]
MinSamples = Annotated[Optional[int], typer.Option("--min-samples", min=1, help="Raw-sample values needed before a market match is used (default 5).")]
MarketLocation = Annotated[Optional[str], typer.Option("--market-location", help="Use market rows for this place (e.g. 'U.S.') for offers without their own market_location; another country's data is used only when asked for.")]
MarketEngine = Annotated[str, typer.Option("--market-engine", help="Market engine: auto, pandas, duckdb or dask (see docs/market.md).")]
Engine = Annotated[str, typer.Option("--engine", help="Market engine: auto, pandas, duckdb or dask (see docs/market.md).")]
Scheduler = Annotated[Optional[str], typer.Option("--scheduler", help="Dask scheduler address for the dask engine (default: a local cluster of 2 processes on 127.0.0.1).")]
MemoryLimit = Annotated[Optional[str], typer.Option("--memory-limit", help="DuckDB memory limit, like 2GB (default 2GB).")]
Current = Annotated[Optional[Path], typer.Option("--current", help="Your current job (YAML): the 'stay' baseline, make-whole and forfeit figures.")]
Today = Annotated[Optional[str], typer.Option("--today", help="The date deadline rules count from, and after which an offer without a start_date starts (the 1st of the next month) (YYYY-MM-DD; default: today).")]
Basis = Annotated[str, typer.Option("--basis", help="Year blocks of the table, Markdown and CSV: offer-year (earned, default) or calendar-year (paid, partial years said). JSON has both.")]
Pipeline = Annotated[Optional[Path], typer.Option("--pipeline", help="A follow-up pipeline file: adds a Follow-ups sheet to the report.")]
Country = Annotated[str, typer.Option("--country", help="Public-holiday country for business days (ISO 3166 code, holidays package).")]
Subdivision = Annotated[Optional[str], typer.Option("--subdivision", help="State or region for extra holidays, e.g. CA.")]
Encoding = Annotated[Optional[str], typer.Option("--encoding", help="Encoding of CSV offer tables that are not UTF-8, like cp1252.")]
NoEscape = Annotated[bool, typer.Option("--no-escape", help="CSV: write text cells as read, without the ' that stops a spreadsheet running =, +, -, @ (for programs only; see docs/sanitizing.md).")]
Force = Annotated[bool, typer.Option("--force", help="Replace an existing output that offer-toolkit did not write, or a filled-in template (docs/outputs.md).")]
Debug = Annotated[bool, typer.Option("--debug", help="Show tracebacks for input errors too.")]


def format_option(choices: tuple[str, ...]):
    """`--format` with the command's own choices in its help (the values are checked by the command)."""
    return Annotated[str, typer.Option("--format", help=", ".join(choices[:-1]) + f" or {choices[-1]}.")]


# Library parameter names that differ from the command's own parameter names, so that an
# `Issue(source=ARGUMENT, field=...)` raised by the library is reported under the flag
# the user typed (see app.handle_errors). Only names the running command has are mapped.
LIBRARY_NAMES = {"mapping": ("map_", "mapping"), "engine": ("market_engine", "engine"), "offer_id": ("offer",), "brief": ("output",)}
