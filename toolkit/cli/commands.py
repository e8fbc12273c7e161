"""`offer-toolkit compare`, `validate`, `schema` and `--version`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from .app import app, echo, handle_errors
from ..errors import InputError, Issue


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"offer-toolkit {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Optional[bool] = typer.Option(None, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """Compare competing job offers, place them against your market data, and plan the negotiation."""


FORMATS = ("table", "json", "csv", "markdown")


def _flag_fraction(value: Optional[str], flag: str, issues: list[Issue], *, max_bare: float = 1.0) -> Optional[float]:
    from ..money import AmountError, parse_fraction

    if value is None:
        return None
    try:
        return parse_fraction(value, max_bare=max_bare)
    except AmountError as exc:
        issues.append(Issue(source=flag, message=str(exc), code="flag"))
        return None


def assumption_overrides(
    *, horizon: Optional[int], raise_: Optional[str], stock_growth: Optional[str], include_refreshers: Optional[bool],
    private_discount: Optional[str], discount_rate: Optional[str], tax_rate: Optional[str], fx_date: Optional[str],
) -> dict:
    """Command-line assumption flags → a mapping for load_offers(overrides=...); bad values raise InputError."""
    issues: list[Issue] = []
    out = {
        "horizon_years": horizon,
        "annual_raise": _flag_fraction(raise_, "--raise", issues),
        "stock_growth": _flag_fraction(stock_growth, "--stock-growth", issues),
        "include_refreshers": include_refreshers,
        "private_equity_discount": _flag_fraction(private_discount, "--private-discount", issues),
        "discount_rate": _flag_fraction(discount_rate, "--discount-rate", issues),
        "tax_rate": _flag_fraction(tax_rate, "--tax-rate", issues),
        "fx_date": fx_date,
    }
    if issues:
        raise InputError(issues)
    return {k: v for k, v in out.items() if v is not None}


def load_and_evaluate(files, *, assumptions_file, fx_file, currency, overrides, market=None):
    """The shared front half of compare/validate/negotiate: load, read --fx, evaluate."""
    from ..fx import read_fx_csv
    from ..io import read_text
    from ..load import load_offers
    from ..money import AmountError, parse_currency
    from ..pipeline import evaluate

    reporting = None
    if currency is not None:
        try:
            reporting = parse_currency(currency)
        except AmountError as exc:
            raise InputError([Issue(source="--currency", message=str(exc), code="currency")]) from None
    offer_set = load_offers(files, assumptions=assumptions_file, overrides=overrides)
    fx = None
    if fx_file is not None:
        code = reporting or offer_set.reporting_currency or offer_set.offers[0].currency
        fx = read_fx_csv(read_text(fx_file), code, str(fx_file))
    return evaluate(offer_set, fx=fx, currency=reporting, market=market)


def render(evaluation, fmt: str, **blocks) -> str:
    from ..report import text

    document = text.build_document(evaluation, **blocks)
    if fmt == "json":
        return text.render_json(document)
    if fmt == "csv":
        return text.render_csv(document)
    if fmt == "markdown":
        return text.render_markdown(document)
    return text.render_table(document)


def check_format(fmt: str, choices=FORMATS) -> None:
    if fmt not in choices:
        raise InputError([Issue(source="--format", message=f"expected one of {', '.join(choices)}, got {fmt!r}", code="flag")])


@app.command()
def compare(
    files: List[Path] = typer.Argument(..., help="Offer files: YAML, JSON, TOML, or a CSV/XLSX table (one offer per row)."),
    assumptions: Optional[Path] = typer.Option(None, "--assumptions", help="A separate assumptions file."),
    fx: Optional[Path] = typer.Option(None, "--fx", help="FX rates: a currency,rate CSV or the ECB reference-rate CSV."),
    currency: Optional[str] = typer.Option(None, "--currency", help="Reporting currency (default: the file's, else the first offer's)."),
    horizon: Optional[int] = typer.Option(None, "--horizon", help="Years to project (1-40, default 4)."),
    raise_: Optional[str] = typer.Option(None, "--raise", help="Annual base raise, like 3%."),
    stock_growth: Optional[str] = typer.Option(None, "--stock-growth", help="Annual share-price growth, like 0% or -20%."),
    include_refreshers: Optional[bool] = typer.Option(None, "--include-refreshers/--exclude-refreshers", help="Count expected refreshers in TC."),
    private_discount: Optional[str] = typer.Option(None, "--private-discount", help="Discount on private-company equity, like 50%."),
    discount_rate: Optional[str] = typer.Option(None, "--discount-rate", help="Discount rate for the present value, like 5%."),
    tax_rate: Optional[str] = typer.Option(None, "--tax-rate", help="Effective tax rate for the after-tax figure, like 30%."),
    fx_date: Optional[str] = typer.Option(None, "--fx-date", help="Date of the bundled ECB rates to use (YYYY-MM-DD)."),
    fmt: str = typer.Option("table", "--format", help="table, json, csv or markdown."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for input errors."),
) -> None:
    """Compare offers side by side: year-by-year and headline total compensation in one currency."""
    with handle_errors(debug):
        check_format(fmt)
        overrides = assumption_overrides(
            horizon=horizon, raise_=raise_, stock_growth=stock_growth, include_refreshers=include_refreshers,
            private_discount=private_discount, discount_rate=discount_rate, tax_rate=tax_rate, fx_date=fx_date,
        )
        evaluation = load_and_evaluate(files, assumptions_file=assumptions, fx_file=fx, currency=currency, overrides=overrides)
        echo(render(evaluation, fmt))


@app.command()
def validate(
    files: List[Path] = typer.Argument(..., help="Offer files to check."),
    assumptions: Optional[Path] = typer.Option(None, "--assumptions", help="A separate assumptions file."),
    fx: Optional[Path] = typer.Option(None, "--fx", help="FX rates file."),
    currency: Optional[str] = typer.Option(None, "--currency", help="Reporting currency."),
) -> None:
    """Check offer files and print every problem (exit 0 when valid, 2 otherwise)."""
    with handle_errors():
        evaluation = load_and_evaluate(files, assumptions_file=assumptions, fx_file=fx, currency=currency, overrides={})
        n = len(evaluation.offers)
        echo(f"ok: {n} offer{'s' if n != 1 else ''} in {len(files)} file{'s' if len(files) != 1 else ''} ({', '.join(evaluation.ids)})")


@app.command()
def schema() -> None:
    """Print the JSON Schema of the offer file, for editors that validate YAML as it is typed."""
    import json

    from ..models import OfferFile

    doc = OfferFile.model_json_schema()
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["title"] = "offer-toolkit offer file"
    echo(json.dumps(doc, indent=2))
