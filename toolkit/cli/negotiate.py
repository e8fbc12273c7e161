"""`offer-toolkit negotiate`: the negotiation plan for each offer (see toolkit.negotiation).

Thin: parse the flags, load and evaluate the offers with their `--market` placements (the
shared `load_and_evaluate`), read `--current`, call `build_plan`, render.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .app import app, echo, handle_errors

FORMATS = ("table", "json", "markdown")


@app.command("negotiate")
def negotiate(
    files: List[Path] = typer.Argument(..., help="Offer files (every offer counts as a competing offer for the others)."),
    market: Optional[List[Path]] = typer.Option(None, "--market", help="Market data file (repeatable): percentiles, samples, BLS, LCA, OFLC levels."),
    map_: Optional[str] = typer.Option(None, "--map", help="Market column mapping: role=job_title,base=basesalary or a mapping file."),
    alias: Optional[List[str]] = typer.Option(None, "--alias", help="Match market names to yours: --alias 'Software Engineer=Software Developers' (repeatable)."),
    min_samples: Optional[int] = typer.Option(None, "--min-samples", min=1, help="Raw-sample values needed before a market match is used (default 5)."),
    current: Optional[Path] = typer.Option(None, "--current", help="Your current job (YAML): pay, PTO, unvested equity, forfeited bonus."),
    offer: Optional[str] = typer.Option(None, "--offer", help="Plan for this offer id only."),
    today: Optional[str] = typer.Option(None, "--today", help="Plan as of this date (YYYY-MM-DD); default: the real date."),
    target_percentile: float = typer.Option(65.0, "--target-percentile", help="Market percentile the base ask aims at (default 65)."),
    rank_by: str = typer.Option("average_tc", "--rank-by", help="year1_tc, average_tc, average_total_rewards, col_adjusted or after_tax."),
    assumptions: Optional[Path] = typer.Option(None, "--assumptions", help="A separate assumptions file."),
    fx: Optional[Path] = typer.Option(None, "--fx", help="FX rates: a currency,rate CSV or the ECB reference-rate CSV."),
    currency: Optional[str] = typer.Option(None, "--currency", help="Reporting currency."),
    tax_rate: Optional[str] = typer.Option(None, "--tax-rate", help="Effective tax rate (after-tax ranking, net repayments, gross-up), like 30%."),
    fmt: str = typer.Option("table", "--format", help="table, json or markdown."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for input errors."),
) -> None:
    """Plan the negotiation: missing terms, prioritised asks, one bundled counter, walk-away figures and drafts."""
    with handle_errors(debug):
        from ..errors import Issue, raise_if
        from ..negotiation import build_plan
        from ..report.negotiation import render
        from .commands import (
            assumption_overrides, check_format, collect, load_and_evaluate, load_current_job, load_markets, market_options,
            parse_today,
        )

        issues: list[Issue] = []
        collect(issues, lambda: check_format(fmt, FORMATS))
        day = collect(issues, lambda: parse_today(today))
        job = collect(issues, lambda: load_current_job(current))
        overrides = collect(issues, lambda: assumption_overrides(
            horizon=None, raise_=None, stock_growth=None, include_refreshers=None, private_discount=None,
            discount_rate=None, tax_rate=tax_rate, fx_date=None,
        ))
        markets = collect(issues, lambda: load_markets(market, map_, market_options(alias, min_samples))) or []
        evaluation = collect(issues, lambda: load_and_evaluate(
            files, assumptions_file=assumptions, fx_file=fx, currency=currency, overrides=overrides or {}, market=markets))
        raise_if(issues)
        plan = build_plan(evaluation, current=job, today=day, target_percentile=target_percentile, rank_by=rank_by,
                          offer_id=offer, wage_levels=evaluation.wage_levels)
        echo(render(plan, fmt))
