"""Charts: the numbers behind each figure (bar heights, line data, markers, labels), not pixels."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import dataclasses

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import toolkit
from toolkit.offers.models import Offer
from toolkit.offers.montecarlo import simulate_equity
from toolkit.report import charts


def offer(**fields) -> Offer:
    return Offer.model_validate(fields, context={"currency": fields["currency"]})


FRONT = offer(id="front", company="Front Co", currency="USD", base_salary=150_000, sign_on=[{"amount": 100_000}],
              bonus="10%")
STEADY = offer(id="steady", company="Steady Co", currency="USD", base_salary=190_000)
EQUITY = offer(id="equity", company="Equity Co", currency="USD", base_salary=120_000,
               equity=[{"type": "rsu", "grant_value": 200_000, "vesting": "4y-annual"}])


@pytest.fixture
def e():
    return toolkit.evaluate([FRONT, STEADY, EQUITY], {"horizon_years": 4})


def line_data(ax):
    return {line.get_label(): line.get_xydata() for line in ax.get_lines()}


def test_charts_are_figures_made_without_pyplot(e):
    import sys

    fig = charts.plot_tc_by_year(e)
    assert isinstance(fig, Figure)
    assert "matplotlib.pyplot" not in sys.modules or not __import__("matplotlib.pyplot").pyplot.get_fignums()
    assert matplotlib.get_backend().lower() == "agg"


def test_tc_composition_bars_stack_the_average_components(e):
    fig = charts.plot_tc_composition(e)
    ax = fig.axes[0]
    labels = [c.get_label() for c in ax.containers]
    assert labels == ["Base", "Bonus", "Sign-on", "Equity"]
    heights = np.array([[bar.get_height() for bar in c] for c in ax.containers])  # components × offers
    np.testing.assert_allclose(heights.sum(axis=0), e.headlines["average_tc"], atol=0.01)
    np.testing.assert_allclose(heights[2], [25_000, 0, 0])  # 100k sign-on over 4 years
    np.testing.assert_allclose(heights[1], [15_000, 0, 0])
    np.testing.assert_allclose(heights[3], [0, 0, 50_000])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["front", "steady", "equity"]
    assert "USD" in ax.get_title()


def test_tc_composition_for_one_year_and_refreshers(e):
    ax = charts.plot_tc_composition(e, year=1).axes[0]
    heights = np.array([[bar.get_height() for bar in c] for c in ax.containers])
    np.testing.assert_allclose(heights.sum(axis=0), e.figures.tc[:, 0], atol=0.01)
    with pytest.raises(ValueError, match="year must be between 1 and 4"):
        charts.plot_tc_composition(e, year=5)
    with_refresh = toolkit.evaluate(
        [offer(id="r", company="R", currency="USD", base_salary=100_000, refresher=40_000)],
        {"horizon_years": 4, "include_refreshers": True},
    )
    ax = charts.plot_tc_composition(with_refresh).axes[0]
    assert [c.get_label() for c in ax.containers][-1] == "Refreshers"


@pytest.fixture(scope="module")
def sample():
    """The sample offers (Seattle, California, Berlin) with the built-in tax engine."""
    from conftest import ROOT

    return toolkit.evaluate(toolkit.load_offers(ROOT / "data" / "offers.yaml"))


AFTER_TAX = "after tax (built-in tax tables, 2027–2030)"
# the Berlin offer starts in February: its tax years run to 2031, the year cut by the horizon
AFTER_TAX_DE = "after tax (built-in tax tables, 2027–2031)"


def test_tc_composition_has_an_after_tax_bar_beside_each_offer(sample):
    ax = charts.plot_tc_composition(sample).axes[0]
    labels = [c.get_label() for c in ax.containers]
    assert labels == ["Base", "Bonus", "Sign-on", "Equity", AFTER_TAX, AFTER_TAX_DE]
    after = sorted([b for c in ax.containers[4:] for b in c], key=lambda b: b.get_x())
    np.testing.assert_allclose([b.get_height() for b in after], sample.headlines["average_tc_after_tax"], atol=0.01)
    stacks = [b.get_x() + b.get_width() / 2 for b in ax.containers[0]]
    beside = [b.get_x() + b.get_width() / 2 for b in after]
    assert all(0 < a - s < 0.5 for s, a in zip(stacks, beside))  # to the right of its own offer's stack, not the next one's
    assert all(b.get_hatch() and b.get_facecolor()[:3] == (1, 1, 1) for b in after)  # white and hatched: clear in black and white
    texts = {t.get_text() for t in ax.texts}
    assert {f"${v:,.0f}" for v in sample.headlines["average_tc_after_tax"]} <= texts


def test_tc_after_tax_bars_stand_beside_the_pre_tax_ones(sample):
    fig = charts.plot_tc_after_tax(sample)
    ax = fig.axes[0]
    labels = [c.get_label() for c in ax.containers]
    assert labels == [f"{oid}: {kind}" for oid in sample.ids
                      for kind in ("pre-tax", AFTER_TAX_DE if oid == "hooli-de" else AFTER_TAX)]
    for i in range(len(sample.ids)):
        pre, post = ax.containers[2 * i], ax.containers[2 * i + 1]
        np.testing.assert_allclose([b.get_height() for b in pre], sample.figures.tc[i], atol=0.01)
        np.testing.assert_allclose([b.get_height() for b in post], sample.after_tax.after_tax_tc[i], atol=0.01)
        assert all(abs(q.get_x() - (p.get_x() + p.get_width())) < 1e-9 for p, q in zip(pre, post))  # side by side
        assert all(b.get_hatch() for b in post)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Year 1", "Year 2", "Year 3", "Year 4"]
    assert _legend_outside_axes(fig)


def test_tc_after_tax_draws_the_stay_before_and_after_tax(sample):
    """With the stay baseline, the after-tax chart has its pre-tax line and a second line of the
    stay's own TC after tax (the JSON's current.years[].tc_after_tax), labelled as after tax."""
    import datetime as dt

    from conftest import ROOT
    from toolkit.negotiation import load_current
    from toolkit.negotiation.current import evaluate_stay

    stay = evaluate_stay(load_current(ROOT / "data" / "current-job.yaml"), sample, today=dt.date(2026, 11, 25))
    current = stay.to_dict()
    for compact in (False, True):
        ax = charts.plot_tc_after_tax(sample, baseline=stay.evaluation, compact=compact).axes[0]
        data = line_data(ax)
        np.testing.assert_allclose(data["now (stay), pre-tax"][:, 1], [y["tc"] for y in current["years"]], atol=0.01)
        after_label = "now (stay), after tax" if compact else f"now (stay): {AFTER_TAX}"
        np.testing.assert_allclose(data[after_label][:, 1], [y["tc_after_tax"] for y in current["years"]], atol=0.01)
        assert all(a < t - 1000 for a, t in zip(data[after_label][:, 1], data["now (stay), pre-tax"][:, 1]))


def test_tc_after_tax_without_figures_or_at_a_flat_rate(e, sample):
    ax = charts.plot_tc_after_tax(e).axes[0]  # no location: no tax tables, no after-tax bars
    assert [c.get_label() for c in ax.containers][1] == "front: no after-tax figure (see the tax notes)"
    assert all(b.get_height() == 0 for b in ax.containers[1])
    flat = sample.with_assumptions(tax_rate=0.3, tax_engine="flat")
    ax = charts.plot_tc_after_tax(flat).axes[0]
    assert ax.containers[1].get_label() == "globex: after tax (flat rate given by you: 30.0%, 2027–2030)"
    np.testing.assert_allclose([b.get_height() for b in ax.containers[1]], flat.figures.tc[0] * 0.7, atol=0.01)


def test_tc_by_year_lines_follow_the_engine(e):
    ax = charts.plot_tc_by_year(e).axes[0]
    data = line_data(ax)
    assert list(data) == ["front", "steady", "equity"]
    for i, oid in enumerate(e.ids):
        np.testing.assert_allclose(data[oid][:, 0], [1, 2, 3, 4])
        np.testing.assert_allclose(data[oid][:, 1], e.figures.tc[i], atol=0.01)
    assert data["front"][0, 1] == pytest.approx(265_000)  # the year-1 sign-on step is visible
    with pytest.raises(ValueError, match="metric must be one of"):
        charts.plot_tc_by_year(e, metric="nope")


def test_cumulative_lines_start_at_zero_and_mark_the_crossover(e):
    ax = charts.plot_cumulative(e).axes[0]
    data = line_data(ax)
    np.testing.assert_allclose(data["front"][:, 1], [0, 265_000, 430_000, 595_000, 760_000])
    np.testing.assert_allclose(data["steady"][:, 1], [0, 190_000, 380_000, 570_000, 760_000])
    # front and steady are level after year 4 (760,000 each): level is not overtaking
    assert not [c for c in ax.collections if c.get_label() == "crossover"]
    assert "no crossover within 4 years" in [t.get_text() for t in ax.texts]


def test_cumulative_crossover_marker_position():
    front = offer(id="front", company="Front", currency="USD", base_salary=150_000, sign_on=[{"amount": 100_000}])
    steady = offer(id="steady", company="Steady", currency="USD", base_salary=190_000)
    e = toolkit.evaluate([front, steady], {"horizon_years": 4})
    ax = charts.plot_cumulative(e).axes[0]
    marks = [c for c in ax.collections if c.get_label() == "crossover"][0]
    np.testing.assert_allclose(marks.get_offsets(), [[3, 570_000]])
    assert [t.get_text() for t in ax.texts] == ["steady overtakes front (year 3)"]
    e2 = toolkit.evaluate([steady], {"horizon_years": 4})
    ax2 = charts.plot_cumulative(e2).axes[0]
    assert "no crossover within 4 years" in [t.get_text() for t in ax2.texts]


def market_frame():
    return pd.DataFrame(
        {
            "offer_id": ["steady", "front", "front"],
            "component": ["total", "total", "base"],
            "value": [190_000.0, 265_000.0, 150_000.0],
            "percentile": [55.0, 80.0, np.nan],
            "p10": [100_000.0, 100_000.0, np.nan],
            "p25": [150_000.0, 150_000.0, 120_000.0],
            "p50": [180_000.0, 180_000.0, 140_000.0],
            "p75": [220_000.0, 220_000.0, 160_000.0],
            "p90": [260_000.0, 260_000.0, np.nan],
        }
    )


def test_market_band_draws_each_row_with_the_offer_marked(e):
    e = dataclasses.replace(e, market=market_frame())
    fig = charts.plot_market_band(e)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["front · TC", "front · base", "steady · TC"]  # offer order, top to bottom
    from toolkit.report.palette import MARKERS

    diamonds = [line for line in ax.get_lines() if line.get_marker() in MARKERS]  # one marker shape per offer
    assert sorted(float(d.get_xdata()[0]) for d in diamonds) == [150_000, 190_000, 265_000]
    p10_p90 = [c for c in ax.collections if c.get_label() == "p10–p90"]
    segments = [seg for c in ax.collections if c.__class__.__name__ == "LineCollection" for seg in c.get_segments()]
    spans = sorted((float(s[0][0]), float(s[1][0])) for s in segments)
    # the base row has no p10/p90, so its line falls back to p25–p75
    assert spans == [(100_000, 260_000), (100_000, 260_000), (120_000, 160_000)]
    assert p10_p90
    boxes = [(p.get_x(), p.get_width()) for c in ax.containers for p in c]
    assert (150_000, 70_000) in boxes and (120_000, 40_000) in boxes
    assert "p80" in [t.get_text() for t in ax.texts]


def test_market_band_one_component_and_no_market(e):
    e2 = dataclasses.replace(e, market=market_frame())
    ax = charts.plot_market_band(e2, component="base").axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["front · base"]
    with pytest.raises(ValueError, match="component must be one of"):
        charts.plot_market_band(e2, component="stock")
    with pytest.raises(ValueError, match="no market data"):
        charts.plot_market_band(e)


def test_stock_sensitivity_lines_and_break_even():
    cash = offer(id="cash", company="Cash", currency="USD", base_salary=200_000)
    eq = offer(id="equity", company="Eq", currency="USD", base_salary=150_000,
               equity=[{"type": "rsu", "grant_value": 200_000, "vesting": "4y-annual"}])
    e = toolkit.evaluate([cash, eq], {"horizon_years": 4, "stock_growth": 0.1})
    ax = charts.plot_stock_sensitivity(e, growths=[-0.5, -0.25, 0.0, 0.25, 0.5]).axes[0]
    data = line_data(ax)
    np.testing.assert_allclose(data["cash"][:, 1], 200_000)
    np.testing.assert_allclose(data["equity"][:, 0], [-0.5, -0.25, 0.0, 0.25, 0.5])
    expected = [150_000 + 50_000 * np.mean([(1 + g) ** k for k in range(1, 5)]) for g in (-0.5, -0.25, 0.0, 0.25, 0.5)]
    np.testing.assert_allclose(data["equity"][:, 1], expected, atol=0.01)
    marks = [c for c in ax.collections if c.get_label() == "break-even"][0]
    np.testing.assert_allclose(marks.get_offsets(), [[0.0, 200_000]], atol=1e-3)
    assert any("at 0.0%" in t.get_text() for t in ax.texts)
    assumed = [line for line in ax.get_lines() if line.get_label().startswith("assumed")]
    assert assumed[0].get_xdata()[0] == pytest.approx(0.1)


def test_stock_sensitivity_without_a_crossing_has_no_marker(e):
    ax = charts.plot_stock_sensitivity(e, growths=[-0.5, 0.0]).axes[0]
    assert not [c for c in ax.collections if c.get_label() == "break-even"]
    with pytest.raises(ValueError, match="at least two"):
        charts.plot_stock_sensitivity(e, growths=[0.1])


def test_monte_carlo_bands_are_the_simulated_quantiles(e):
    result = simulate_equity(e, volatility=0.3, paths=2_000, seed=1)
    ax = charts.plot_monte_carlo(result).axes[0]
    q = result.quantiles
    q = q[(q["metric"] == "tc") & (q["offer_id"] == "equity")]
    data = line_data(ax)
    np.testing.assert_allclose(data["equity P50"][:, 1], q["p50"])
    band = [c for c in ax.collections if c.get_label() == "equity P10–P90"][0]
    ys = band.get_paths()[0].vertices[:, 1]
    assert ys.min() == pytest.approx(q["p10"].min()) and ys.max() == pytest.approx(q["p90"].max())
    # cash offers have a zero-width band: P10 = P50 = P90 = deterministic
    np.testing.assert_allclose(data["steady P50"][:, 1], e.figures.tc[1])


def test_monte_carlo_from_an_evaluation_is_seeded(e):
    a = line_data(charts.plot_monte_carlo(e, paths=500, seed=3, metric="equity").axes[0])
    b = line_data(charts.plot_monte_carlo(e, paths=500, seed=3, metric="equity").axes[0])
    np.testing.assert_array_equal(a["equity P50"], b["equity P50"])
    with pytest.raises(ValueError, match="metric must be one of"):
        charts.plot_monte_carlo(e, metric="cash")


def test_write_charts_saves_pngs_atomically(e, tmp_path):
    folder = tmp_path / "charts"
    paths = charts.write_charts(e, folder, paths=200)
    names = [p.name for p in paths]
    assert names == ["tc_composition.png", "tc_by_year.png", "tc_after_tax.png", "cumulative.png", "stock_sensitivity.png",
                     "monte_carlo.png"]
    for p in paths:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(x.name for x in folder.iterdir()) == sorted(names)  # no temporary files left
    with_market = dataclasses.replace(e, market=market_frame())
    paths = charts.write_charts(with_market, folder, paths=200)
    assert "market_band.png" in [p.name for p in paths]


def test_write_charts_refuses_to_overwrite_an_input(e, tmp_path):
    from toolkit.errors import OutputError

    victim = tmp_path / "tc_composition.png"
    victim.write_bytes(b"input")
    with pytest.raises(OutputError, match="refusing to overwrite"):
        charts.write_charts(e, tmp_path, inputs=[victim], paths=10)
    assert victim.read_bytes() == b"input"


# ---------------------------------------------------------------- legends, clamped labels, one palette


def _legend_outside_axes(fig) -> bool:
    """True when the legend's box lies right of the axes' data area (measured after drawing)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig).draw()
    ax = fig.axes[0]
    legend = ax.get_legend()
    renderer = fig.canvas.get_renderer()
    return legend.get_window_extent(renderer).x0 >= ax.get_window_extent(renderer).x1


def test_every_legend_sits_outside_the_data_area(e):
    e_market = dataclasses.replace(e, market=market_frame())
    figures = [charts.plot_tc_composition(e), charts.plot_tc_by_year(e), charts.plot_cumulative(e),
               charts.plot_market_band(e_market), charts.plot_stock_sensitivity(e, growths=[-0.2, 0.0, 0.2]),
               charts.plot_monte_carlo(e, paths=200, seed=1)]
    assert all(_legend_outside_axes(f) for f in figures)


def test_clamped_placements_are_labelled_beyond_the_known_points(e):
    frame = market_frame()
    frame["clamped"] = [None, "above", None]
    frame.loc[1, "percentile"] = 90.0
    frame.loc[0, "value"], frame.loc[0, "percentile"], frame.loc[0, "clamped"] = 90_000.0, 10.0, "below"
    fig = charts.plot_market_band(dataclasses.replace(e, market=frame))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert ">p90" in texts and "<p10" in texts
    assert charts.placement_label(37.2, None) == "p37"


def test_an_offer_has_the_same_colour_in_every_chart_and_the_terminal(e):
    from toolkit.report.palette import offer_color

    by_year = {line.get_label(): line.get_color() for line in charts.plot_tc_by_year(e).axes[0].get_lines()}
    cumulative = {line.get_label(): line.get_color() for line in charts.plot_cumulative(e).axes[0].get_lines()}
    band = {line.get_label(): line.get_color() for line in charts.plot_market_band(dataclasses.replace(e, market=market_frame())).axes[0].get_lines()}
    for i, oid in enumerate(e.ids):
        assert by_year[oid] == cumulative[oid] == offer_color(i)
        if oid in band:
            assert band[oid] == offer_color(i)
    from toolkit.report import text

    table = text.render_table(text.build_document(e), color=True)
    r, g, b = (int(offer_color(1)[k:k + 2], 16) for k in (1, 3, 5))
    assert f"38;2;{r};{g};{b}m" in table and "Steady Co" in table  # offer 2's header in its chart colour


def test_the_stay_baseline_is_a_grey_line_labelled_now(e):
    from toolkit.report.palette import CURRENT_COLOR

    stay = toolkit.evaluate([offer(id="current", company="Now Co", currency="USD", base_salary=100_000)], {"horizon_years": 4})
    lines = {line.get_label(): line for line in charts.plot_tc_by_year(e, baseline=stay).axes[0].get_lines()}
    assert lines["now (stay)"].get_color() == CURRENT_COLOR
    np.testing.assert_allclose(lines["now (stay)"].get_ydata(), [100_000] * 4)


def test_lines_differ_in_marker_and_style_not_only_colour(e):
    """Printed in black and white, each line (and the stay line) is still told apart by its marks."""
    stay = toolkit.evaluate([offer(id="current", company="Now Co", currency="USD", base_salary=100_000)], {"horizon_years": 4})
    lines = charts.plot_tc_by_year(e, baseline=stay).axes[0].get_lines()
    marks = [(line.get_marker(), str(line.get_linestyle())) for line in lines]
    assert len(set(marks)) == len(marks) == len(e.ids) + 1
