"""The notebook what-if panel: the same evaluate() behind every slider; a static note without ipywidgets."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import datetime as dt
import os
import sys
from pathlib import Path

import pytest

import toolkit
from toolkit.negotiation.current import load_current
from toolkit.report.whatif import StaticPanel, what_if_panel, whatif_evaluation

ROOT = Path(__file__).resolve().parent.parent
OFFERS = ROOT / "data" / "offers.yaml"
TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def offer_set():
    return toolkit.load_offers(OFFERS)


def _widgets():
    try:
        import ipywidgets  # noqa: F401
    except ImportError as exc:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"ipywidgets is not installed ({exc}); install the test extra")


def test_whatif_evaluation_is_evaluate_with_those_assumptions(offer_set):
    e = whatif_evaluation(offer_set, stock_growth=-0.3, annual_raise=0.05, horizon_years=6, private_equity_discount=0.5)
    expected = toolkit.evaluate(offer_set).with_assumptions(stock_growth=-0.3, annual_raise=0.05, horizon_years=6, private_equity_discount=0.5)
    assert list(e.headlines["average_tc"]) == pytest.approx(list(expected.headlines["average_tc"]))
    eur = whatif_evaluation(offer_set, stock_growth=0.0, annual_raise=0.03, horizon_years=4, private_equity_discount=0.0, currency="EUR")
    assert eur.currency == "EUR"
    # the Berlin offer's base in euros is its own: 13 × 7,300
    assert eur.figures.parts["base"][2, 0] == pytest.approx(13 * 7_300)


def test_moving_a_slider_re_evaluates_without_running_a_cell(offer_set, capsys):
    _widgets()
    panel = what_if_panel(offer_set, current=load_current(ROOT / "data" / "current-job.yaml"), today=TODAY)
    assert panel.evaluation.assumptions.stock_growth == 0.0
    panel.controls["stock_growth"].value = -0.5
    assert panel.evaluation.assumptions.stock_growth == -0.5
    bear = toolkit.evaluate(offer_set).with_assumptions(stock_growth=-0.5)
    assert list(panel.evaluation.headlines["average_tc"]) == pytest.approx(list(bear.headlines["average_tc"]))
    panel.controls["horizon_years"].value = 6
    assert panel.evaluation.horizon_years == 6 and panel.evaluation.assumptions.stock_growth == -0.5
    panel.controls["currency"].value = "EUR"
    assert panel.evaluation.currency == "EUR"


def test_without_ipywidgets_the_panel_is_a_static_note_with_the_table(offer_set, monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # `import ipywidgets` now raises ImportError
    panel = what_if_panel(offer_set, current=load_current(ROOT / "data" / "current-job.yaml"), today=TODAY)
    assert isinstance(panel, StaticPanel)
    html = panel._repr_html_()
    assert "ipywidgets is not available" in html and "globex" in html and "+$43,500 (+19.8%)" in html
