"""`offer-toolkit brief`: the two-page offer brief (PDF or HTML) from the same inputs as `compare`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from . import options
from .app import app

DEFAULT_BRIEF = Path("reports") / "offer-brief.pdf"


@app.command("brief")
def brief(
    files: options.OfferFiles,
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the brief: .pdf or .html.")] = DEFAULT_BRIEF,
    paper: Annotated[Optional[str], typer.Option("--paper", help="letter or a4 (default: letter when the first offer is in the US, else a4).")] = None,
    market: options.Market = None,
    current: options.Current = None,
    pipeline: Annotated[Optional[Path], typer.Option("--pipeline", help="A follow-up pipeline file: the next actions and deadlines.")] = None,
    assumptions: options.AssumptionsFile = None,
    fx: options.FxFile = None,
    currency: options.Currency = None,
    horizon: options.Horizon = None,
    raise_: options.Raise = None,
    stock_growth: options.StockGrowth = None,
    include_refreshers: options.IncludeRefreshers = None,
    private_discount: options.PrivateDiscount = None,
    discount_rate: options.DiscountRate = None,
    tax_rate: options.TaxRate = None,
    fx_date: options.FxDate = None,
    map_: options.Map = None,
    alias: options.Alias = None,
    min_samples: options.MinSamples = None,
    market_location: options.MarketLocation = None,
    market_engine: options.MarketEngine = "auto",
    scheduler: options.Scheduler = None,
    today: options.Today = None,
    country: options.Country = "US",
    subdivision: options.Subdivision = None,
    encoding: options.Encoding = None,
    debug: options.Debug = False,
) -> None:
    """Write the offer brief: decision, headline table, charts, asks, counter, walk-away and next steps in two pages."""
    from .commands import compare

    # compare does the loading, checking and planning; it prints nothing here and writes only the brief
    compare(files=files, assumptions=assumptions, fx=fx, currency=currency, horizon=horizon, raise_=raise_, stock_growth=stock_growth,
            include_refreshers=include_refreshers, private_discount=private_discount, discount_rate=discount_rate, tax_rate=tax_rate,
            fx_date=fx_date, market=market, map_=map_, alias=alias, min_samples=min_samples, market_location=market_location,
            market_engine=market_engine, scheduler=scheduler, current=current, today=today, pipeline=pipeline, country=country, subdivision=subdivision, encoding=encoding,
            brief=output, paper=paper, quiet=True, debug=debug)
