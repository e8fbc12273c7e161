"""`offer-toolkit negotiate`: the negotiation plan for each offer (see toolkit.negotiation).

Thin: parse the flags, load and evaluate the offers with their `--market` placements (the
shared `load_and_evaluate`), read `--current`, call `build_plan`, render.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from . import options
from .app import app, echo, handle_errors

FORMATS = ("table", "json", "markdown")


@app.command("negotiate")
def negotiate(
    files: Annotated[List[Path], typer.Argument(help="Offer files (every offer counts as a competing offer for the others).")],
    market: options.Market = None,
    map_: options.Map = None,
    alias: options.Alias = None,
    min_samples: options.MinSamples = None,
    market_location: options.MarketLocation = None,
    market_engine: options.MarketEngine = "auto",
    scheduler: options.Scheduler = None,
    current: options.Current = None,
    offer: Annotated[Optional[str], typer.Option("--offer", help="Plan for this offer id only.")] = None,
    today: options.Today = None,
    target_percentile: Annotated[float, typer.Option("--target-percentile", help="Market percentile the base ask aims at (default 65).")] = 65.0,
    rank_by: Annotated[str, typer.Option("--rank-by", help="year1_tc, average_tc, average_total_rewards, col_adjusted or after_tax.")] = "average_tc",
    assumptions: options.AssumptionsFile = None,
    fx: options.FxFile = None,
    currency: options.Currency = None,
    tax_rate: options.TaxRate = None,
    tax_engine: options.TaxEngine = None,
    fmt: options.format_option(FORMATS) = "table",
    debug: options.Debug = False,
) -> None:
    """Plan the negotiation: missing terms, prioritised asks, one bundled counter, walk-away figures and drafts."""
    with handle_errors(debug):
        from ..errors import Issue, raise_if
        from ..negotiation import build_plan
        from ..report.negotiation import render
        from .commands import (
            MAX_PLAN_OFFERS, assumption_overrides, check_format, collect, load_and_evaluate, load_current_job, load_markets, market_options,
            parse_today,
        )

        issues: list[Issue] = []
        collect(issues, lambda: check_format(fmt, FORMATS))
        day = collect(issues, lambda: parse_today(today))
        job = collect(issues, lambda: load_current_job(current))
        overrides = collect(issues, lambda: assumption_overrides(
            horizon=None, raise_=None, stock_growth=None, include_refreshers=None, private_discount=None,
            discount_rate=None, tax_rate=tax_rate, tax_engine=tax_engine, fx_date=None,
        ))
        markets = collect(issues, lambda: load_markets(market, map_, market_options(alias, min_samples, market_location), engine=market_engine,
                                                       scheduler=scheduler, show_progress=fmt != "json")) or []
        evaluation = collect(issues, lambda: load_and_evaluate(
            files, assumptions_file=assumptions, fx_file=fx, currency=currency, overrides=overrides or {}, market=markets,
            show_progress=fmt != "json", current=job, current_path=current, today=day))
        raise_if(issues)
        # the same cap as the plan inside compare: each counter is re-evaluated against every rival,
        # so the work grows with the square of the offers (12,000 offers ran for more than 300 s)
        n = len(evaluation.offers)
        if n > MAX_PLAN_OFFERS:
            raise_if([Issue(source=", ".join(str(f) for f in files), code="too_many",
                            message=f"negotiate plans at most {MAX_PLAN_OFFERS} offers (each offer's counter is weighed against "
                                    f"every rival), got {n:,}; plan for the offers you are weighing (split the file)")])
        plan = build_plan(evaluation, current=job, today=day, target_percentile=target_percentile, rank_by=rank_by,
                          offer_id=offer, wage_levels=evaluation.wage_levels)
        echo(render(plan, fmt))
