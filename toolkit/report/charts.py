"""Charts: matplotlib `Figure` builders for an Evaluation, and `write_charts` to save them.

Every `plot_*` function takes results (an Evaluation, a MonteCarloResult) and returns a new
`matplotlib.figure.Figure`. They use `Figure()` directly, never `pyplot`, so there is no
global figure state to leak between calls or tests, and nothing is ever shown: a notebook
displays the returned figure, the command line saves it with `write_charts`. Numbers are
formatted by `toolkit.format`; what each chart shows is described in docs/charts.md.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from .. import format as fmt
from .palette import (CURRENT_COLOR, CURRENT_LINESTYLE, CURRENT_MARKER, OFFER_COLORS, offer_color, offer_hatch, offer_linestyle,
                      offer_marker)
from ..sanitize import chart_label

if TYPE_CHECKING:  # pragma: no cover
    from ..offers.montecarlo import MonteCarloResult
    from ..offers.results import Evaluation

FIGSIZE = (8.0, 4.5)
DPI = 150
PALETTE = OFFER_COLORS  # one colour per offer in evaluation order (report/palette.py)
COMPONENT_LABELS = {
    "base": "Base",
    "bonus": "Bonus",
    "sign_on": "Sign-on",
    "equity": "Equity",
    "refresh_equity": "Refreshers",
}
COMPONENT_COLORS = {
    "base": "#0072B2",
    "bonus": "#56B4E9",
    "sign_on": "#E69F00",
    "equity": "#009E73",
    "refresh_equity": "#CC79A7",
}
MARKET_COMPONENT_LABELS = {"base": "base", "bonus": "bonus", "equity": "equity", "total": "TC"}
DEFAULT_GROWTHS = tuple(np.round(np.linspace(-0.5, 1.0, 31), 10))
CHART_FILES = (
    "tc_composition.png",
    "tc_by_year.png",
    "tc_after_tax.png",
    "cumulative.png",
    "market_band.png",
    "stock_sensitivity.png",
    "monte_carlo.png",
)


def _figure(figsize: tuple[float, float] = FIGSIZE) -> tuple[Figure, Any]:
    fig = Figure(figsize=figsize, dpi=100, layout="constrained")
    return fig, fig.add_subplot()


def _legend_outside(ax, **kwargs) -> None:
    """The legend to the right of the axes, never over the data (constrained layout makes room)."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=kwargs.pop("fontsize", 8), frameon=False, **kwargs)


def _offer_line(i: int) -> dict[str, Any]:
    """Colour, marker and line style of offer i: a black-and-white print still tells the lines apart."""
    return {"color": offer_color(i), "marker": offer_marker(i), "linestyle": offer_linestyle(i)}


def placement_label(percentile: Any, clamped: Any) -> str:
    """'p37'; a placement outside the known points is '<p10' or '>p90' (the value is beyond the
    lowest or highest percentile the source gives, not at it)."""
    text = fmt.percentile(None if fmt.is_missing(percentile) else percentile)
    if clamped == "below":
        return "<" + text
    if clamped == "above":
        return ">" + text
    return text


def _money_axis(axis, currency: str) -> None:
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt.money(v, currency)))


def _percent_axis(axis) -> None:
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt.percent(v, 0)))


def tc_parts(evaluation: "Evaluation") -> tuple[str, ...]:
    """The components that add up to TC under the evaluation's assumptions (offers.engine.tc_parts)."""
    from ..offers.engine import tc_parts as parts

    return parts(evaluation.assumptions.include_refreshers)


# ---------------------------------------------------------------- deterministic charts


def plot_tc_composition(evaluation: "Evaluation", *, year: int | None = None) -> Figure:
    """Stacked bars, one per offer: the components of TC (average per year, or one year).

    Args:
        evaluation: the evaluation to draw.
        year: 1-based year to show; None (default) shows the average over the horizon, so each
            bar's height is the offer's `average_tc`.
    """
    h = evaluation.horizon_years
    if year is not None and not 1 <= year <= h:
        raise ValueError(f"year must be between 1 and {h}, got {year!r}")
    fig, ax = _figure()
    x = np.arange(len(evaluation.ids))
    after = _after_tax(evaluation)
    taxed = after is not None and not np.isnan(after[0]).all()
    # with after-tax figures, each offer's stack moves left and its after-tax bar stands beside it
    width, shift = (0.36, 0.19) if taxed else (0.6, 0.0)
    bottom = np.zeros(len(x))
    for comp in tc_parts(evaluation):
        arr = evaluation.figures.parts[comp]
        heights = arr.mean(axis=1) if year is None else arr[:, year - 1]
        ax.bar(x - shift, heights, bottom=bottom, label=COMPONENT_LABELS[comp], color=COMPONENT_COLORS[comp], width=width)
        bottom = bottom + heights
    for xi, total in zip(x, bottom):
        ax.annotate(fmt.money(total, evaluation.currency), (xi - shift, total), ha="center", va="bottom",
                    xytext=(0, 3), textcoords="offset points", fontsize=9 if not taxed else 7)
    if taxed:
        values, labels = after
        heights = np.nanmean(values, axis=1) if year is None else values[:, year - 1]
        for label in dict.fromkeys(labels):  # one bar container per distinct label (engine and tax years)
            mask = np.array([lab == label for lab in labels]) & ~np.isnan(heights)
            ax.bar((x + shift)[mask], heights[mask], width=width, label=chart_label(label), **AFTER_TAX_STYLE)
        for xi, v in zip(x, heights):
            if not np.isnan(v):
                ax.annotate(fmt.money(v, evaluation.currency), (xi + shift, v), ha="center", va="bottom",
                            xytext=(0, 3), textcoords="offset points", fontsize=7)
    ax.set_xticks(x, [chart_label(i) for i in evaluation.ids])
    _money_axis(ax.yaxis, evaluation.currency)
    when = f"year {year}" if year is not None else f"average per year over {h} years"
    ax.set_title(f"TC composition ({when}, {evaluation.currency})")
    ax.set_ylabel(f"TC ({evaluation.currency})")
    # outside the axes: inside, it covers the label of whichever bar stands tallest under it
    _legend_outside(ax)
    ax.margins(y=0.12)
    return fig


# After-tax bars: white with the hatch in black (composition chart) or in the offer's colour
# (by-year chart), so that before and after tax stay apart on a black-and-white print.
AFTER_TAX_STYLE = {"facecolor": "white", "edgecolor": "#333333", "hatch": "////", "linewidth": 0.8}


def _after_tax(evaluation: "Evaluation") -> tuple[np.ndarray, list[str]] | None:
    """(offers × offer years after-tax TC, each offer's 'after tax (engine, tax years)' label), or
    None when the evaluation has no tax step."""
    from .taxlabels import after_tax_label

    after = getattr(evaluation, "after_tax", None)
    if after is None:
        return None
    labels = [after_tax_label(after.offer_block(i)) for i in range(len(evaluation.ids))]
    return np.asarray(after.after_tax_tc, dtype=float), labels


def plot_tc_after_tax(evaluation: "Evaluation", *, baseline: "Evaluation | None" = None, compact: bool = False,
                      figsize: tuple[float, float] = FIGSIZE) -> Figure:
    """TC by offer year, before and after tax: per year, each offer's TC (solid, its colour and
    hatch) beside its TC after tax (white, hatched in its colour), the after-tax bars labelled
    'after tax (engine, tax years)' from the offer's tax block. An offer the engine cannot tax
    has no after-tax bar and its legend entry says so.

    `baseline`: the stay scenario's evaluation, drawn as the grey "now (stay)" line of pre-tax TC and,
    when the engine can tax it, a grey dotted line of its own TC after tax.
    `compact`: a short legend for small figures (the brief): one entry per offer and one per
    distinct after-tax label, instead of two per offer.
    """
    from matplotlib.patches import Patch

    f = evaluation.figures
    after = _after_tax(evaluation)
    values, labels = after if after is not None else (np.full_like(f.tc, np.nan), [""] * len(evaluation.ids))
    n, h = len(evaluation.ids), evaluation.horizon_years
    fig, ax = _figure(figsize)
    years = np.arange(1, h + 1)
    width = 0.8 / (2 * n)
    handles: list[Any] = []
    for i, oid in enumerate(evaluation.ids):
        left = years - 0.4 + 2 * i * width + width / 2
        color = offer_color(i)
        pre = ax.bar(left, f.tc[i], width=width, color=color, edgecolor="black", linewidth=0.4, hatch=offer_hatch(i),
                     label=chart_label(oid if compact else f"{oid}: pre-tax"))
        handles.append(pre)
        if np.isnan(values[i]).all():
            none = ax.bar(left + width, np.zeros(h), width=width, facecolor="white", edgecolor="none",
                          label=chart_label(f"{oid}: no after-tax figure" + ("" if compact else " (see the tax notes)")))
            handles.append(none)
            continue
        post = ax.bar(left + width, values[i], width=width, label=chart_label(f"{oid}: {labels[i]}"),
                      **{**AFTER_TAX_STYLE, "edgecolor": color, "linewidth": 1.0})
        if not compact:
            handles.append(post)
    if compact:  # one white hatched key per distinct engine and tax years
        handles += [Patch(label=chart_label(label), **AFTER_TAX_STYLE)
                    for label in dict.fromkeys(lab for lab, v in zip(labels, values) if not np.isnan(v).all())]
    if baseline is not None:
        line, = ax.plot(years, baseline.figures.tc[0], marker=CURRENT_MARKER, linestyle=CURRENT_LINESTYLE, color=CURRENT_COLOR,
                        label="now (stay), pre-tax")
        handles.insert(0, line)
        stay_after = _after_tax(baseline)
        if stay_after is not None and not np.isnan(stay_after[0][0]).all():
            # the stay's own after-tax TC (its engine, its tax years) beside the offers' after-tax bars;
            # its label is short only when the same engine and years already name a key in the legend
            label = stay_after[1][0]
            shown = compact and label in [lab for lab, v in zip(labels, values) if not np.isnan(v).all()]
            after_line, = ax.plot(years, stay_after[0][0], marker=CURRENT_MARKER, linestyle=":", color=CURRENT_COLOR, linewidth=1.2,
                                  label=chart_label("now (stay), after tax" if shown else f"now (stay): {label}"))
            handles.insert(1, after_line)
    _money_axis(ax.yaxis, evaluation.currency)
    ax.set_title(f"TC by year, before and after tax ({evaluation.currency})")
    ax.set_ylabel(f"TC ({evaluation.currency})")
    if compact:  # a small figure: plain year numbers, and the legend below the axes where it has the full width
        ax.set_xticks(years)
        ax.set_xlabel("Year")
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3, fontsize=6.5, frameon=False)
    else:
        ax.set_xticks(years, [f"Year {k}" for k in years])
        _legend_outside(ax, handles=handles, fontsize=7)
    return fig


def plot_tc_by_year(evaluation: "Evaluation", *, metric: str = "tc", baseline: "Evaluation | None" = None,
                    figsize: tuple[float, float] = FIGSIZE) -> Figure:
    """One line per offer: TC (or `total_rewards`, or one component) in each year.

    A year-5 cliff, a back-loaded vesting schedule or a year-1 sign-on shows as a step.
    `baseline`: the stay scenario's evaluation (negotiation.current.Baseline.evaluation), drawn
    as a grey dash-dot line labelled "now".
    """
    f = evaluation.figures
    values = {"tc": f.tc, "total_rewards": f.total_rewards, **f.parts}
    if metric not in values:
        raise ValueError(f"metric must be one of {sorted(values)}, got {metric!r}")
    fig, ax = _figure(figsize)
    years = np.arange(1, evaluation.horizon_years + 1)
    if baseline is not None:
        b = baseline.figures
        stay = {"tc": b.tc, "total_rewards": b.total_rewards, **b.parts}[metric][0]
        ax.plot(years, stay, marker=CURRENT_MARKER, linestyle=CURRENT_LINESTYLE, color=CURRENT_COLOR, label="now (stay)")
    for i, oid in enumerate(evaluation.ids):
        ax.plot(years, values[metric][i], label=chart_label(oid), **_offer_line(i))
    ax.set_xticks(years)
    ax.set_xlabel("Year")
    _money_axis(ax.yaxis, evaluation.currency)
    name = {"tc": "TC", "total_rewards": "Total rewards"}.get(metric, COMPONENT_LABELS.get(metric, metric))
    ax.set_title(f"{name} by year ({evaluation.currency})")
    ax.set_ylabel(f"{name} ({evaluation.currency})")
    _legend_outside(ax)
    return fig


def plot_cumulative(evaluation: "Evaluation") -> Figure:
    """Cumulative TC from the start date, one line per offer, each crossover marked.

    A crossover (scenarios.crossovers) is the first year in which the offer that was behind
    has earned more in total; it is marked at the overtaker's cumulative TC that year.
    """
    from ..offers.scenarios import crossovers

    fig, ax = _figure()
    h = evaluation.horizon_years
    years = np.arange(0, h + 1)
    cum = np.concatenate([np.zeros((len(evaluation.ids), 1)), np.cumsum(evaluation.figures.tc, axis=1)], axis=1)
    for i, oid in enumerate(evaluation.ids):
        ax.plot(years, cum[i], label=chart_label(oid), **_offer_line(i))
    found = crossovers(evaluation)
    if found:
        ax.scatter([c["year"] for c in found], [c["cumulative"] for c in found], s=160, facecolors="none",
                   edgecolors="#D55E00", linewidths=2, zorder=5, label="crossover")
        for c in found:
            ax.annotate(chart_label(f"{c['overtaker']} overtakes {c['leader']} (year {c['year']})"), (c["year"], c["cumulative"]),
                        xytext=(-10, 12), textcoords="offset points", ha="right", fontsize=8, color="#D55E00")
    else:
        ax.text(0.02, 0.95, f"no crossover within {h} years", transform=ax.transAxes, va="top", fontsize=8,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8})
    ax.set_xticks(years)
    ax.set_xlabel("Years from start")
    _money_axis(ax.yaxis, evaluation.currency)
    ax.set_title(f"Cumulative TC ({evaluation.currency})")
    ax.set_ylabel(f"Cumulative TC ({evaluation.currency})")
    _legend_outside(ax)
    return fig


def market_rows(evaluation: "Evaluation", component: str | None = None):
    """The market placements a band chart draws: rows of `evaluation.market` (offer order kept).

    `component=None` keeps every component. Raises ValueError without market data.
    """
    market = evaluation.market
    if market is None or len(market) == 0:
        raise ValueError("no market data in this evaluation; pass market=[load_market(path)] to evaluate()")
    rows = market
    if component is not None:
        known = sorted(set(market["component"]))
        if component not in known:
            raise ValueError(f"component must be one of {known}, got {component!r}")
        rows = market[market["component"] == component]
    order = {oid: i for i, oid in enumerate(evaluation.ids)}
    rows = rows.assign(_order=rows["offer_id"].map(order)).sort_values(["_order"], kind="stable").drop(columns="_order")
    return rows.reset_index(drop=True)


def plot_market_band(evaluation: "Evaluation", *, component: str | None = None, width: float = FIGSIZE[0],
                     height: float | None = None) -> Figure:
    """Each offer against its market band: p10–p90 line, p25–p75 box, p50 tick, the offer as a diamond.

    One row per (offer, component) in `evaluation.market`; `component` ("base", "total", ...)
    keeps one. Percentiles the source does not give (NaN) are left out; the percentile of the
    offer is written beside its marker, as `<p10` / `>p90` when it lies beyond the known points.
    """
    rows = market_rows(evaluation, component)
    fig = Figure(figsize=(width, height or max(2.5, 0.55 * len(rows) + 1.5)), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    y = np.arange(len(rows))[::-1]
    currency = evaluation.currency
    index = {oid: i for i, oid in enumerate(evaluation.ids)}
    in_legend: set = set()
    labels = []
    for yi, (_, r) in zip(y, rows.iterrows()):
        comp = MARKET_COMPONENT_LABELS.get(r["component"], str(r["component"]))
        labels.append(chart_label(f"{r['offer_id']} · {comp}"))
        p = {k: float(r[k]) if r.get(k) is not None and not fmt.is_missing(r.get(k)) else None for k in ("p10", "p25", "p50", "p75", "p90")}
        lo, hi = p["p10"] if p["p10"] is not None else p["p25"], p["p90"] if p["p90"] is not None else p["p75"]
        if lo is not None and hi is not None:
            ax.hlines(yi, lo, hi, color="#999999", linewidth=2, label="p10–p90" if yi == y[0] else None)
        if p["p25"] is not None and p["p75"] is not None:
            ax.barh(yi, p["p75"] - p["p25"], left=p["p25"], height=0.4, color="#DDDDDD", edgecolor="#777777",
                    label="p25–p75" if yi == y[0] else None)
        if p["p50"] is not None:
            ax.plot([p["p50"]], [yi], marker="|", markersize=14, color="#333333", linestyle="none",
                    label="p50" if yi == y[0] else None)
        value = r.get("value")
        if value is not None and not fmt.is_missing(value):
            i = index.get(r["offer_id"], 0)
            ax.plot([float(value)], [yi], marker=offer_marker(i), markersize=8, color=offer_color(i), markeredgecolor="black",
                    markeredgewidth=0.6, linestyle="none", label=None if r["offer_id"] in in_legend else chart_label(str(r["offer_id"])))
            in_legend.add(r["offer_id"])
            ax.annotate(placement_label(r.get("percentile"), r.get("clamped")), (float(value), yi),
                        xytext=(6, 6), textcoords="offset points", fontsize=8)
    ax.set_yticks(y, labels)
    _money_axis(ax.xaxis, currency)
    ax.set_title(f"Offers against the market ({currency})")
    ax.margins(x=0.08)
    _legend_outside(ax)
    return fig


def plot_stock_sensitivity(evaluation: "Evaluation", *, growths: Sequence[float] | None = None) -> Figure:
    """Average TC against the annual stock growth, one line per offer, break-even rates marked.

    Args:
        evaluation: the base evaluation (its own stock growth is drawn as a dashed line).
        growths: the growth rates on the x axis (fractions; default −50 % to +100 %).

    Each pair of offers whose lines cross inside the range gets a marker at the break-even
    growth (scenarios.break_even_growth) and a label.
    """
    from ..offers.scenarios import break_even_growth, evaluate_at, sweep

    xs = np.array(sorted(set(DEFAULT_GROWTHS if growths is None else (float(g) for g in growths))), dtype=float)
    if len(xs) < 2:
        raise ValueError(f"growths needs at least two distinct values, got {list(xs)}")
    table = sweep(evaluation, "stock_growth", list(xs))
    fig, ax = _figure()
    for i, oid in enumerate(evaluation.ids):
        sel = table[table["offer_id"] == oid]
        ax.plot(sel["stock_growth"].to_numpy(float), sel["average_tc"].to_numpy(float), label=chart_label(oid),
                **{**_offer_line(i), "marker": None})
    ids = evaluation.ids
    points = []
    for a in range(len(ids)):
        for b in range(a + 1, len(ids)):
            g = break_even_growth(evaluation, ids[a], ids[b], lo=float(xs[0]), hi=float(xs[-1]))
            if g is not None:
                avg = float(evaluate_at(evaluation, stock_growth=g).headlines["average_tc"][a])
                points.append((g, avg, ids[a], ids[b]))
    if points:
        ax.scatter([p[0] for p in points], [p[1] for p in points], s=80, marker="X", color="#D55E00", zorder=5,
                   label="break-even")
        for g, avg, a_id, b_id in points:
            ax.annotate(chart_label(f"{a_id} = {b_id} at {fmt.percent(g)}"), (g, avg), xytext=(6, -12), textcoords="offset points",
                        fontsize=8, color="#D55E00")
    current = evaluation.assumptions.stock_growth
    ax.axvline(current, color="#777777", linestyle="--", linewidth=1, label=f"assumed ({fmt.percent(current, 0)})")
    _percent_axis(ax.xaxis)
    _money_axis(ax.yaxis, evaluation.currency)
    ax.set_xlabel("Annual stock growth")
    ax.set_ylabel(f"Average TC ({evaluation.currency})")
    ax.set_title(f"Sensitivity of average TC to stock growth ({evaluation.currency})")
    _legend_outside(ax)
    return fig


def plot_monte_carlo(
    result: "MonteCarloResult | Evaluation",
    *,
    metric: str = "tc",
    volatility: float = 0.3,
    paths: int = 10_000,
    seed: int | None = 0,
) -> Figure:
    """The spread of outcomes under uncertain stock prices: P50 line and P10–P90 band per offer.

    Args:
        result: a MonteCarloResult, or an Evaluation to simulate with `volatility`, `paths`, `seed`.
        metric: "tc" (default) or "equity".

    The engine's deterministic value is drawn as a dotted line for comparison.
    """
    from ..offers.montecarlo import METRICS, MonteCarloResult, simulate_equity

    if metric not in METRICS:
        raise ValueError(f"metric must be one of {list(METRICS)}, got {metric!r}")
    if not isinstance(result, MonteCarloResult):
        result = simulate_equity(result, volatility=volatility, paths=paths, seed=seed)
    q = result.quantiles
    q = q[q["metric"] == metric]
    fig, ax = _figure()
    for i, oid in enumerate(result.ids):
        sel = q[q["offer_id"] == oid]
        years = sel["year"].to_numpy()
        ax.fill_between(years, sel["p10"].to_numpy(float), sel["p90"].to_numpy(float), color=offer_color(i), alpha=0.2,
                        label=chart_label(f"{oid} P10–P90"))
        ax.plot(years, sel["p50"].to_numpy(float), label=chart_label(f"{oid} P50"), **_offer_line(i))
        ax.plot(years, sel["deterministic"].to_numpy(float), linestyle=":", color=offer_color(i), linewidth=1)
    ax.set_xticks(list(result.years))
    ax.set_xlabel("Year")
    _money_axis(ax.yaxis, result.currency)
    name = "TC" if metric == "tc" else "Equity"
    ax.set_ylabel(f"{name} ({result.currency})")
    ax.set_title(f"{name} under uncertain stock prices (volatility {fmt.percent(result.volatility, 0)}, "
                 f"{fmt.number(result.paths)} paths; dotted: deterministic)", fontsize=10)
    _legend_outside(ax, fontsize=7)
    return fig


# ---------------------------------------------------------------- saving


def build_charts(
    evaluation: "Evaluation", *, volatility: float = 0.3, paths: int = 10_000, seed: int | None = 0
) -> dict[str, Figure]:
    """Every chart for an evaluation, keyed by file name (the market band only with market data)."""
    charts = {
        "tc_composition.png": plot_tc_composition(evaluation),
        "tc_by_year.png": plot_tc_by_year(evaluation),
        "tc_after_tax.png": plot_tc_after_tax(evaluation),
        "cumulative.png": plot_cumulative(evaluation),
    }
    if evaluation.market is not None and len(evaluation.market):
        charts["market_band.png"] = plot_market_band(evaluation)
    charts["stock_sensitivity.png"] = plot_stock_sensitivity(evaluation)
    charts["monte_carlo.png"] = plot_monte_carlo(evaluation, volatility=volatility, paths=paths, seed=seed)
    return charts


def write_charts(
    evaluation: "Evaluation",
    folder: str | os.PathLike,
    inputs: Sequence[str | os.PathLike] = (),
    *,
    volatility: float = 0.3,
    paths: int = 10_000,
    seed: int | None = 0,
    dpi: int = DPI,
    force: bool = False,
) -> list[Path]:
    """Save every chart as a PNG in `folder` (created if missing); return the paths written.

    Each file is written to a temporary name and renamed into place (toolkit.io.write_with), so
    an interrupted run never leaves a half-written PNG; a path that is one of `inputs` is refused.
    The Monte Carlo chart uses a fixed seed by default so reruns give the same picture. A PNG
    there that offer-toolkit did not write is replaced only with `force` (docs/outputs.md).
    """
    from ..io import TOOLKIT, write_with

    out = []
    for name, fig in build_charts(evaluation, volatility=volatility, paths=paths, seed=seed).items():
        # the PNG's Software text names offer-toolkit: how the output guard knows its own charts
        save = lambda tmp, fig=fig: fig.savefig(tmp, format="png", dpi=dpi, metadata={"Software": TOOLKIT})  # noqa: E731
        out.append(write_with(Path(folder) / name, save, inputs, kind="chart", force=force))
    return out
