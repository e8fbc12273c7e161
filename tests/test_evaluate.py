"""The engine's pipeline: evaluate → Evaluation, market placement as its own step, re-evaluation."""

from __future__ import annotations

import dataclasses

import pytest

import toolkit
from conftest import ROOT
from toolkit.errors import InputError
from toolkit.market.targets import currency_uses
from toolkit.offers.results import Evaluation

OFFERS = ROOT / "data" / "offers.yaml"
MARKET = ROOT / "data" / "market" / "percentiles.csv"


@pytest.fixture(scope="module")
def evaluation() -> Evaluation:
    return toolkit.evaluate(toolkit.load_offers(OFFERS))


def test_evaluate_returns_an_unplaced_evaluation_that_can_be_recomputed(evaluation):
    assert evaluation.market is None and evaluation.wage_levels is None
    assert evaluation.recompute is not None
    assert evaluation.ids == ["globex", "initech", "hooli-de"]


def test_place_returns_a_new_evaluation_and_leaves_the_old_one_alone(evaluation):
    market = toolkit.load_market(MARKET)
    placed = toolkit.place(evaluation, [market])
    assert placed is not evaluation and evaluation.market is None
    assert set(placed.market["offer_id"]) <= set(evaluation.ids) and len(placed.market)
    assert placed.figures is evaluation.figures  # placement adds data; it does not recompute figures


def test_with_assumptions_on_a_placed_evaluation_places_again(evaluation):
    placed = toolkit.place(evaluation, [toolkit.load_market(MARKET)])
    growth = placed.with_assumptions(stock_growth=-0.5)
    assert growth.market is not None
    assert growth.headlines["average_tc"][0] < placed.headlines["average_tc"][0]
    base = placed.market.set_index(["offer_id", "component"])["value"]
    again = growth.market.set_index(["offer_id", "component"])["value"]
    assert again.loc[("globex", "total")] < base.loc[("globex", "total")]  # the placed value followed the figures


def test_an_evaluation_built_by_hand_says_how_to_get_one_that_recomputes(evaluation):
    bare = dataclasses.replace(evaluation, recompute=None)
    with pytest.raises(ValueError, match="call evaluate"):
        bare.with_assumptions(stock_growth=0.1)


def test_market_currencies_are_converted_by_the_same_fx_table(evaluation):
    market = toolkit.load_market(MARKET)
    uses = currency_uses([market])
    placed = toolkit.place(toolkit.evaluate(toolkit.load_offers(OFFERS), also_convert=uses), [market])
    assert set(uses) <= set(placed.fx.rates) | {placed.currency}
    assert set(placed.to_dict()["fx"]) >= {c for c in uses if c != placed.currency}


def test_no_offers_is_an_input_error():
    with pytest.raises(InputError, match="no offers to evaluate"):
        toolkit.evaluate([])
