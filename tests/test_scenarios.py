"""Scenarios: sweeps, grids, break-even stock growth and the cumulative-TC crossover year."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

import toolkit
from toolkit.errors import InputError
from toolkit.offers.models import Offer
from toolkit.offers.scenarios import break_even_growth, crossover_year, crossovers, evaluate_at, grid, sweep


def offer(**fields) -> Offer:
    return Offer.model_validate(fields, context={"currency": fields["currency"]})


# Cash-heavy vs equity-heavy, 4 years, no raise, annual vesting:
#   cash:   200,000 a year.
#   equity: 150,000 base + 200,000 RSUs vesting 25% a year at months 12, 24, 36, 48;
#           vest value at growth g in year k = 50,000 × (1 + g)^k.
CASH = offer(id="cash", company="Cash Co", currency="USD", base_salary=200_000)
EQUITY = offer(id="equity", company="Equity Co", currency="USD", base_salary=150_000,
               equity=[{"type": "rsu", "grant_value": 200_000, "vesting": "4y-annual"}])
# Front-loaded: a 100,000 sign-on in year 1, then less each year than `steady`.
FRONT = offer(id="front", company="Front Co", currency="USD", base_salary=150_000, sign_on=[{"amount": 100_000}])
STEADY = offer(id="steady", company="Steady Co", currency="USD", base_salary=190_000)


def evaluation(*offers, **assumptions):
    return toolkit.evaluate(list(offers), {"horizon_years": 4, **assumptions})


def test_sweep_has_one_row_per_value_and_offer_with_headlines():
    e = evaluation(CASH, EQUITY)
    table = sweep(e, "stock_growth", [-0.3, 0.0, 0.3])
    assert list(table.columns[:4]) == ["stock_growth", "offer_id", "company", "currency"]
    assert {"year1_tc", "average_tc", "total_tc"} <= set(table.columns)
    assert len(table) == 6
    row = table[(table["stock_growth"] == 0.0) & (table["offer_id"] == "equity")].iloc[0]
    assert row["average_tc"] == pytest.approx(200_000, abs=0.01)
    row = table[(table["stock_growth"] == 0.3) & (table["offer_id"] == "equity")].iloc[0]
    expected = 150_000 + 50_000 * sum(1.3**k for k in range(1, 5)) / 4
    assert row["average_tc"] == pytest.approx(expected, abs=0.01)
    cash = table[table["offer_id"] == "cash"]["average_tc"]
    np.testing.assert_allclose(cash, 200_000)


def test_sweep_matches_with_assumptions_and_accepts_growth_above_100_percent():
    e = evaluation(CASH, EQUITY)
    table = sweep(e, "stock_growth", [1.5])
    direct = e.with_assumptions(stock_growth="150%").summary
    np.testing.assert_allclose(table["average_tc"], direct["average_tc"], atol=0.01)


def test_sweep_over_the_horizon_and_unknown_names():
    e = evaluation(CASH, EQUITY)
    table = sweep(e, "horizon_years", [1, 2])
    assert table[table["offer_id"] == "cash"]["total_tc"].tolist() == pytest.approx([200_000, 400_000])
    with pytest.raises(ValueError, match="unknown assumption 'stok_growth'"):
        sweep(e, "stok_growth", [0.1])
    with pytest.raises(InputError):
        sweep(e, "horizon_years", [0])


def test_grid_is_the_product_of_the_axes():
    e = evaluation(CASH, EQUITY)
    table = grid(e, {"stock_growth": [0.0, 0.1], "annual_raise": [0.0, 0.05, 0.1]})
    assert len(table) == 2 * 3 * 2
    assert list(table.columns[:3]) == ["stock_growth", "annual_raise", "offer_id"]


def test_break_even_growth_is_where_average_tc_is_equal():
    # Equal average TC when 50,000 × mean((1+g)^k, k=1..4) = 50,000, i.e. g = 0 exactly.
    e = evaluation(CASH, EQUITY, stock_growth=0.2)
    g = break_even_growth(e, "equity", "cash")
    assert g == pytest.approx(0.0, abs=1e-6)
    assert break_even_growth(e, "cash", "equity") == pytest.approx(0.0, abs=1e-6)
    at = e.with_assumptions(stock_growth=g).headlines["average_tc"]
    assert at[0] == pytest.approx(at[1], abs=1.0)


def test_break_even_growth_with_a_non_trivial_root():
    # A 220,000 cash offer: 150,000 + 50,000 × mean((1+g)^k) = 220,000 ⇔ mean((1+g)^k) = 1.4.
    richer = offer(id="richer", company="Richer", currency="USD", base_salary=220_000)
    e = evaluation(richer, EQUITY)
    g = break_even_growth(e, "equity", "richer")
    assert np.mean([(1 + g) ** k for k in range(1, 5)]) == pytest.approx(1.4, abs=1e-6)


def test_break_even_growth_is_none_without_a_crossing():
    e = evaluation(STEADY, CASH)  # no equity: the gap never changes sign
    assert break_even_growth(e, "steady", "cash") is None
    e = evaluation(CASH, EQUITY)
    assert break_even_growth(e, "equity", "cash", lo=0.1, hi=0.5) is None
    assert break_even_growth(evaluation(CASH, CASH.model_copy(update={"id": "twin"})), "cash", "twin") is None
    with pytest.raises(ValueError, match="unknown offer id 'nope'"):
        break_even_growth(e, "nope", "cash")


def test_crossover_year_is_the_first_year_the_trailing_offer_leads_cumulatively():
    # front: 250,000 then 150,000 a year; steady: 190,000 a year.
    # cumulative front 250, 400, 550, 700; steady 190, 380, 570, 760 (thousands) → year 3.
    e = evaluation(FRONT, STEADY)
    assert crossover_year(e, "front", "steady") == 3
    assert crossover_year(e, "steady", "front") == 3
    found = crossovers(e)
    assert found == [{"year": 3, "leader": "front", "overtaker": "steady", "cumulative": pytest.approx(570_000)}]


def test_crossover_year_is_none_when_the_leader_stays_ahead():
    e = evaluation(CASH, STEADY)
    assert crossover_year(e, "cash", "steady") is None
    assert crossovers(e) == []


def test_evaluate_at_changes_only_the_named_assumption():
    e = evaluation(CASH, EQUITY, annual_raise=0.03)
    changed = evaluate_at(e, stock_growth=0.1)
    assert changed.assumptions.stock_growth == 0.1
    assert changed.assumptions.annual_raise == 0.03
    assert e.assumptions.stock_growth == 0.0
