"""`offer-toolkit compare`, `validate`, `schema` and `--version`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from . import options
from .app import app, conflicting_flags, echo, handle_errors
from ..errors import ARGUMENT, InputError, Issue, raise_if


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


FORMATS = ("table", "json", "csv", "markdown")  # as report.document.FORMATS (not imported: --help stays light)
VALIDATE_FORMATS = ("text", "json")
MAX_REPORT_OFFERS = 2_000  # bench_excel.py: 1,000 offers take about 7 s and 450,000 cells
MAX_CHART_OFFERS = 30  # beyond this, bars and lines are unreadable
MAX_PLAN_OFFERS = 200  # every offer's counter is re-evaluated against every rival


FLAG_FIELDS = {
    "--horizon": "horizon_years", "--raise": "annual_raise", "--stock-growth": "stock_growth",
    "--include-refreshers/--exclude-refreshers": "include_refreshers", "--private-discount": "private_equity_discount",
    "--discount-rate": "discount_rate", "--tax-rate": "tax_rate", "--fx-date": "fx_date", "--tax-engine": "tax_engine",
}


def assumption_overrides(
    *, horizon: Optional[int], raise_: Optional[str], stock_growth: Optional[str], include_refreshers: Optional[bool],
    private_discount: Optional[str], discount_rate: Optional[str], tax_rate: Optional[str], fx_date: Optional[str],
    tax_engine: Optional[str] = None,
) -> dict:
    """Command-line assumption flags → a mapping for load_offers(overrides=...); bad values raise InputError.

    Each flag is validated as typed, by the same model field (and bounds) as the assumptions
    in a file, so a message names the flag and quotes what was typed ("--raise: ... got 3000%")."""
    from pydantic import ValidationError

    from ..offers.models import Assumptions
    from ..validation import issues_from_validation

    typed = {"--horizon": horizon, "--raise": raise_, "--stock-growth": stock_growth,
             "--include-refreshers/--exclude-refreshers": include_refreshers, "--private-discount": private_discount,
             "--discount-rate": discount_rate, "--tax-rate": tax_rate, "--fx-date": fx_date, "--tax-engine": tax_engine}
    issues: list[Issue] = []
    out = {}
    for flag, value in typed.items():
        if value is None:
            continue
        field = FLAG_FIELDS[flag]
        try:
            # (flat is checked against the merged assumptions later: the rate may be in the file)
            probe = {field: value, **({"tax_rate": 0.0} if field == "tax_engine" and value == "flat" else {})}
            out[field] = getattr(Assumptions.model_validate(probe), field)
        except ValidationError as exc:
            for issue in issues_from_validation(exc, source=flag, record="", model=Assumptions):
                shown = str(value)
                message = issue.message if shown in issue.message else f"{issue.message} (you typed {shown!r})"
                issues.append(Issue(source=flag, message=message, code="bad_argument"))
    if out.get("tax_engine") in ("builtin", "policyengine") and "tax_rate" in out:
        issues.append(Issue(source="--tax-rate", message=f"--tax-rate applies one flat rate; it cannot be combined with --tax-engine {out['tax_engine']}", code="bad_argument"))
    if issues:
        raise InputError(issues)
    if "tax_rate" in out and "tax_engine" not in out:
        out["tax_engine"] = "flat"  # --tax-rate implies flat for every offer, whatever the file says
    return out


def load_and_evaluate(files, *, assumptions_file, fx_file, currency, overrides, market=None, encoding=None, show_progress=True,
                      current=None, current_path=None, today=None):
    """The shared front half of compare/validate/negotiate: load, read --fx, evaluate.

    With the current job (`current`, read from `current_path`), its currency joins the FX table
    from the same sources as the offers' (--fx, the files' fx: sections, the bundled ECB rates),
    and a missing rate names that file and its `currency` field. `today` (--today) sets the start
    date assumed for offers without one."""
    from ..offers.fx import read_fx_csv
    from ..io import read_text
    from ..offers.load import load_offers
    from ..offers.money import AmountError, parse_currency
    from ..offers.evaluate import evaluate

    # --currency, the offer files (with --assumptions) and --fx are each read even when another
    # fails, so that one run reports the problems of all of them
    issues: list[Issue] = []
    reporting = None
    if currency is not None:
        try:
            reporting = parse_currency(currency)
        except AmountError as exc:
            issues.append(Issue(source="--currency", message=str(exc), code="bad_currency"))
    offer_set = collect(issues, lambda: load_offers(files, assumptions=assumptions_file, overrides=overrides, encoding=encoding))
    fx = None
    if fx_file is not None:
        from ..io import file_kind

        def read_fx():
            if file_kind(Path(fx_file)) != "csv":
                raise InputError([Issue(source=str(fx_file), message="--fx expects a CSV (currency,rate or the ECB reference-rate file); put rates in an offer file's fx: section instead", code="bad_argument")])
            # without valid offers the reporting currency may be unknown: the file is still checked (against EUR)
            code = reporting or (offer_set.reporting_currency or offer_set.offers[0].currency if offer_set is not None else "EUR")
            return read_fx_csv(read_text(fx_file), code, str(fx_file))

        fx = collect(issues, read_fx)
    raise_if(issues)
    also: dict = {}
    if current is not None and getattr(current, "currency", None):
        also[current.currency] = [(str(current_path or "current job"), "current job", "currency")]
    if not market:
        return evaluate(offer_set, fx=fx, currency=reporting, also_convert=also or None, today=today)
    from ..market import place
    from ..market.targets import currency_uses
    from .progress import progress

    for code, uses in currency_uses(market).items():
        also.setdefault(code, []).extend(uses)
    evaluation = evaluate(offer_set, fx=fx, currency=reporting, also_convert=also, today=today)
    with progress(f"placing {len(evaluation.offers):,} offers", enabled=show_progress):
        return place(evaluation, market)


def market_options(alias: Optional[List[str]] = None, min_samples: Optional[int] = None, market_location: Optional[str] = None):
    """--alias A=B (repeatable), --min-samples N and --market-location X as MarketOptions, or None for the defaults."""
    if not alias and min_samples is None and not market_location:
        return None
    from ..market import MarketOptions
    from .market import _parse_pairs

    settings: dict = {"aliases": _parse_pairs(alias or [], "--alias")}
    if min_samples is not None:
        settings["min_samples"] = min_samples
    if market_location:
        settings["market_location"] = market_location
    return MarketOptions(**settings)


def load_markets(paths, map_: Optional[str] = None, options=None, *, engine: str = "auto", scheduler: Optional[str] = None,
                 memory_limit: Optional[str] = None, show_progress: bool = True) -> list:
    """Every --market file, with every file's problems reported together, through the chosen
    market engine (closed when the process ends: a Dask cluster lives until then)."""
    if not paths:
        return []
    import atexit

    from ..market import resolve_map
    from ..market.engines import open_engine
    from .progress import progress

    mapping = resolve_map(map_)
    chosen = open_engine(engine, paths, scheduler=scheduler, memory_limit=memory_limit)
    atexit.register(chosen.close)
    markets, issues = [], []
    with progress("loading market data", total=len(paths), enabled=show_progress) as bar:
        for path in paths:
            try:
                markets.append(chosen.load(path, mapping=mapping, options=options))
            except InputError as exc:
                issues.extend(exc.issues)
            bar.advance()
    if issues:
        raise InputError(issues)
    for m in markets:  # rows read, kept and dropped (and why), as `market summary` prints them
        print(f"note: {m.report.render()}", file=sys.stderr)
    return markets


def parse_today(value: Optional[str]):
    """--today as a date; the real date when not given (the only place that reads the clock)."""
    import datetime as dt

    from ..bounds import check_date

    if value is None:
        return dt.date.today()
    try:
        return check_date(dt.date.fromisoformat(value))
    except ValueError as exc:
        message = str(exc) if "between" in str(exc) else f"expected a date like 2026-11-25, got {value!r}"
        raise InputError([Issue(source="--today", message=message, code="bad_argument")]) from None


def collect(issues: list[Issue], step):
    """Run one loading step; on bad input keep its issues and return None, so every input's
    problems are reported together."""
    try:
        return step()
    except InputError as exc:
        issues.extend(exc.issues)
        return None


def load_followup_pipeline(path: Optional[Path], offers=()):
    """The --pipeline file, or None; entries naming one of `offers` may leave out company and role."""
    if path is None:
        return None
    from ..followup import load_pipeline

    return load_pipeline(path, offers=offers)


def load_current_job(path: Optional[Path]):
    """The --current file as a CurrentJob, or None."""
    if path is None:
        return None
    from ..negotiation import load_current

    return load_current(path)


def stay_baseline(job, evaluation, *, today, source: Optional[Path] = None):
    """The current job as the 'stay' scenario (negotiation.current.Baseline), or None without --current."""
    if job is None:
        return None
    from ..negotiation.current import evaluate_stay

    return evaluate_stay(job, evaluation, today=today, source=str(source) if source is not None else None)


def build_negotiation_plan(evaluation, *, current=None, today, **options):
    """The negotiation plan for compare (the wage levels come from the market placement)."""
    from ..negotiation import build_plan

    return build_plan(evaluation, current=current, today=today, wage_levels=evaluation.wage_levels, **options)


def check_format(fmt: str, choices=FORMATS) -> None:
    if fmt not in choices:
        raise InputError([Issue(source="--format", message=f"expected one of {', '.join(choices)}, got {fmt!r}", code="bad_argument")])


def check_brief_path(path: Path, paper: Optional[str]) -> list[Issue]:
    """A brief path ends in .pdf or .html, the paper is known, and a PDF can be rendered here.
    (Issues name the `brief` argument: --brief in compare, --output in the brief command.)"""
    issues = []
    if path.suffix.lower() not in (".pdf", ".html"):
        issues.append(Issue(source=ARGUMENT, field="brief", message=f"expected a path ending in .pdf or .html, got {str(path)!r}", code="bad_argument"))
    elif path.suffix.lower() == ".pdf":
        from ..errors import ToolkitError
        from ..report.brief import require_pdf_renderer

        try:
            require_pdf_renderer()  # before anything is printed or written: a missing library leaves no half-done output
        except ToolkitError as exc:
            issues.append(Issue(source=ARGUMENT, field="brief", message=str(exc), code="missing_dependency"))
    if paper is not None and paper.lower() not in ("letter", "a4"):
        issues.append(Issue(source=ARGUMENT, field="paper", message=f"expected letter or a4, got {paper!r}", code="not_a_choice"))
    return issues


def check_compare_outputs(output: Optional[Path], charts: Optional[Path], inputs, force: bool, brief: Optional[Path] = None) -> None:
    """The workbook, the brief and every chart file `compare` may write, checked together (io.check_outputs)."""
    from ..io import check_outputs

    targets: list = []
    if output is not None:
        targets.append((output, "report"))
    if brief is not None:
        targets.append((brief, "document"))
    if charts is not None:
        if charts.exists() and not charts.is_dir():
            raise InputError([Issue(source="--charts", message=f"{str(charts)!r} exists and is not a folder", code="bad_output")])
        from ..report.charts import CHART_FILES

        targets += [(charts / name, "chart") for name in CHART_FILES]
    check_outputs(targets, inputs, force=force)


@app.command()
def compare(
    files: options.OfferFiles,
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
    tax_engine: options.TaxEngine = None,
    fx_date: options.FxDate = None,
    market: options.Market = None,
    map_: options.Map = None,
    alias: options.Alias = None,
    min_samples: options.MinSamples = None,
    market_location: options.MarketLocation = None,
    market_engine: options.MarketEngine = "auto",
    scheduler: options.Scheduler = None,
    current: options.Current = None,
    today: options.Today = None,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write the live Excel report here (.xlsx).")] = None,
    charts: Annotated[Optional[Path], typer.Option("--charts", help="Write the charts as PNG files into this folder.")] = None,
    pipeline: options.Pipeline = None,
    country: options.Country = "US",
    subdivision: options.Subdivision = None,
    fmt: options.format_option(FORMATS) = "table",
    basis: options.Basis = "offer-year",
    encoding: options.Encoding = None,
    no_escape: options.NoEscape = False,
    brief: Annotated[Optional[Path], typer.Option("--brief", help="Also write the offer brief here (.pdf or .html).")] = None,
    paper: Annotated[Optional[str], typer.Option("--paper", help="The brief's paper: letter or a4 (default: letter when the first offer is in the US).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="Print no comparison; only write the files asked for (-o, --charts, --brief).")] = False,
    force: options.Force = False,
    debug: options.Debug = False,
) -> None:
    """Compare offers side by side: year-by-year and headline total compensation in one currency."""
    with handle_errors(debug):
        issues: list[Issue] = conflicting_flags()  # --include-refreshers --exclude-refreshers, ...
        if basis not in ("offer-year", "calendar-year"):
            issues.append(Issue(source="--basis", message=f"expected offer-year or calendar-year, got {basis!r}", code="bad_argument"))
        overrides = collect(issues, lambda: assumption_overrides(
            horizon=horizon, raise_=raise_, stock_growth=stock_growth, include_refreshers=include_refreshers,
            private_discount=private_discount, discount_rate=discount_rate, tax_rate=tax_rate, fx_date=fx_date,
            tax_engine=tax_engine,
        ))
        collect(issues, lambda: check_format(fmt))
        day = collect(issues, lambda: parse_today(today))
        if output is not None and output.suffix.lower() != ".xlsx":
            issues.append(Issue(source="--output", message=f"expected a path ending in .xlsx, got {str(output)!r}", code="bad_argument"))
        if brief is not None:
            issues.extend(check_brief_path(brief, paper))
        markets = collect(issues, lambda: load_markets(market, map_, market_options(alias, min_samples, market_location), engine=market_engine,
                                                       scheduler=scheduler, show_progress=fmt != "json")) or []
        job = collect(issues, lambda: load_current_job(current))
        evaluation = collect(issues, lambda: load_and_evaluate(
            files, assumptions_file=assumptions, fx_file=fx, currency=currency, overrides=overrides or {}, market=markets,
            encoding=encoding, show_progress=fmt != "json", current=job, current_path=current, today=day))
        # after the offers: a pipeline entry naming an offer (`offer: ID`) takes its company and role
        followup_pipeline = collect(issues, lambda: load_followup_pipeline(pipeline, evaluation.offers if evaluation else ()))
        inputs = [*files, *(market or []), *(p for p in (assumptions, fx, current, pipeline) if p is not None)]
        # every output of the run is checked before any is written, with the other problems
        collect(issues, lambda: check_compare_outputs(output, charts, inputs, force, brief))
        raise_if(issues)
        # Outputs meant to be read by a person; a big table belongs in --format csv or json.
        # Refused before anything is printed, like a bad output path.
        n = len(evaluation.offers)
        if output is not None and n > MAX_REPORT_OFFERS:
            issues.append(Issue(source="--output", message=f"the Excel report holds at most {MAX_REPORT_OFFERS:,} offers, got {n:,}; use --format csv or json for a table this size, or split the file", code="too_many"))
        if charts is not None and n > MAX_CHART_OFFERS:
            issues.append(Issue(source="--charts", message=f"charts compare at most {MAX_CHART_OFFERS} offers, got {n:,}; chart a selection of them", code="too_many"))
        if brief is not None and n > MAX_CHART_OFFERS:
            issues.append(Issue(source=ARGUMENT, field="brief", message=f"a brief compares at most {MAX_CHART_OFFERS} offers, got {n:,}; brief a selection of them", code="too_many"))
        raise_if(issues)

        # The plan re-evaluates each offer for its counter; only JSON and the workbook show it,
        # and it is meant for the handful of offers one person weighs.
        plan = None
        if fmt == "json" or output is not None or brief is not None:
            if n <= MAX_PLAN_OFFERS:
                plan = build_negotiation_plan(evaluation, current=job, today=day)
            else:
                print(f"note: the negotiation plan (checklist, talking points, ranking) is left out for more than {MAX_PLAN_OFFERS} offers", file=sys.stderr)
        for o in evaluation.offers:  # a passed deadline is flagged here too, not only by the planner
            if o.deadline is not None and o.deadline < day:
                print(f"warning: offer {o.id!r}: the response deadline {o.deadline.isoformat()} has passed (today "
                      f"{day.isoformat()}); confirm the offer still stands", file=sys.stderr)
        followups = None
        if followup_pipeline is not None:
            from ..followup import plan_followups

            from ..followup import merge_offers

            # the pipeline reads this comparison's offers: an `offer: ID` entry takes its company, role and deadline
            merged, warnings = merge_offers(followup_pipeline, evaluation.offers)
            for w in warnings:
                print(f"warning: {w}", file=sys.stderr)
            followups = plan_followups(merged, today=day, country=country, subdivision=subdivision).to_frame(labels=True)
        from ..report.document import build_compare_document, render_compare

        stay = stay_baseline(job, evaluation, today=day, source=current)
        document = build_compare_document(evaluation, plan if fmt == "json" else None, stay=stay)
        if not quiet:
            # offer colours only on a terminal that wants them (https://no-color.org)
            echo(render_compare(document, fmt, escape=not no_escape, color=sys.stdout.isatty() and not os.environ.get("NO_COLOR"), basis=basis),
                 data=fmt == "csv")
        new_folders = [f for f in {output.parent if output else None, charts, brief.parent if brief else None} if f is not None and not f.exists()]
        if brief is not None:
            from ..report.brief import write_offer_brief

            path = write_offer_brief(brief, evaluation, plan=plan, stay=stay, followups=followups, today=day,
                                     paper=paper.lower() if paper else None, inputs=inputs, force=force)
            print(f"wrote {path}", file=sys.stderr)
        if output is not None:
            from ..report.excel import write_report

            path = write_report(evaluation, output, plan=plan, followups=followups, stay=stay, inputs=inputs, force=force)
            print(f"wrote {path}", file=sys.stderr)
        if charts is not None:
            from ..report.charts import write_charts

            for path in write_charts(evaluation, charts, inputs=inputs, force=force):
                print(f"wrote {path}", file=sys.stderr)
        for folder in sorted(new_folders):
            print(f"note: created the folder {folder}", file=sys.stderr)


@app.command()
def validate(
    files: Annotated[List[Path], typer.Argument(help="Offer files to check.")],
    assumptions: options.AssumptionsFile = None,
    fx: options.FxFile = None,
    currency: options.Currency = None,
    fmt: options.format_option(VALIDATE_FORMATS) = "text",
    encoding: options.Encoding = None,
    debug: options.Debug = False,
) -> None:
    """Check offer files and print every problem (exit 0 when valid, 2 otherwise).

    With --format json, stdout carries {"ok": ..., "offers": n, "issues": [{source, record,
    field, code, message}]}; the codes are listed in docs/errors.md."""
    if fmt == "json":
        _validate_json(files, assumptions, fx, currency, encoding)
        return
    with handle_errors(debug):
        check_format(fmt, VALIDATE_FORMATS)
        evaluation = load_and_evaluate(files, assumptions_file=assumptions, fx_file=fx, currency=currency, overrides={}, encoding=encoding)
        n = len(evaluation.offers)
        shown = ", ".join(evaluation.ids[:10]) + (f", … and {n - 10:,} more" if n > 10 else "")
        echo(f"ok: {n:,} offer{'s' if n != 1 else ''} in {len(files)} file{'s' if len(files) != 1 else ''} ({shown})")


def _validate_json(files, assumptions, fx, currency, encoding) -> None:
    """validate --format json: the result as a JSON document on stdout, exit 0 or 2."""
    import json

    from ..errors import ToolkitError
    from .app import command_flags

    try:
        evaluation = load_and_evaluate(files, assumptions_file=assumptions, fx_file=fx, currency=currency, overrides={}, encoding=encoding)
    except InputError as exc:
        flags = command_flags()
        issues = [i.for_flags(flags).as_dict() for i in exc.issues]
        echo(json.dumps({"ok": False, "offers": None, "issues": issues}, indent=2, ensure_ascii=False))
        raise typer.Exit(2) from None
    except ToolkitError as exc:
        echo(json.dumps({"ok": False, "offers": None, "issues": [{"source": "", "record": "", "field": "", "code": "bad_output", "message": str(exc)}]}, indent=2))
        raise typer.Exit(2) from None
    echo(json.dumps({"ok": True, "offers": len(evaluation.offers), "ids": evaluation.ids, "issues": []}, indent=2, ensure_ascii=False))


@app.command()
def schema(debug: options.Debug = False) -> None:
    """Print the JSON Schema of the offer file, for editors that validate YAML as it is typed."""
    import json

    from ..offers.models import offer_file_schema

    schema_doc = offer_file_schema()
    echo(json.dumps(schema_doc, indent=2))
