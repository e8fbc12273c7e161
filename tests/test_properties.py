"""Invariants that must hold for any offer (Hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit import evaluate
from toolkit.offers.models import Assumptions, Vesting
from toolkit.offers.engine import COMPONENTS

from strategies import offers, yearly_percents

FX = {"EUR": 1.1}
A = st.builds(
    Assumptions,
    horizon_years=st.integers(1, 8),
    annual_raise=st.floats(0, 0.1),
    stock_growth=st.floats(-0.5, 0.5),
    include_refreshers=st.booleans(),
)


@settings(max_examples=60, deadline=None)
@given(offer=offers(), a=A)
def test_totals_equal_the_sum_of_their_parts(offer, a):
    e = evaluate([offer], a, FX, currency="USD")
    p = e.figures.parts
    tc = p["base"] + p["bonus"] + p["sign_on"] + p["equity"] + (p["refresh_equity"] if a.include_refreshers else 0)
    np.testing.assert_allclose(e.figures.tc, tc, rtol=1e-12)
    np.testing.assert_allclose(e.figures.total_rewards, tc + p["retirement"] + p["benefits"] + p["relocation"], rtol=1e-12)
    assert e.headlines["total_tc"][0] == pytest.approx(e.figures.tc.sum())


@settings(max_examples=60, deadline=None)
@given(offer=offers(), a=A, more=st.floats(1, 500_000))
def test_more_base_never_lowers_any_total(offer, a, more):
    richer = offer.model_copy(update={"base_salary": offer.base_salary.model_copy(update={"amount": offer.base_salary.amount + more})})
    e = evaluate([offer, richer], a, FX, currency="USD")
    assert np.all(e.figures.tc[1] >= e.figures.tc[0] - 1e-6)
    assert np.all(e.figures.total_rewards[1] >= e.figures.total_rewards[0] - 1e-6)


@settings(max_examples=100, deadline=None)
@given(percents=yearly_percents(), frequency=st.sampled_from(["monthly", "quarterly", "semiannual", "annual"]), cliff=st.integers(0, 24))
def test_vest_fractions_sum_to_the_grant(percents, frequency, cliff):
    schedule = Vesting.model_validate({"yearly": percents, "frequency": frequency, "cliff_months": cliff}).schedule
    assert sum(f for _, f in schedule) == pytest.approx(1.0, abs=1e-12)
    assert all(m >= 1 for m, _ in schedule)


@settings(max_examples=40, deadline=None)
@given(offer=offers(currency=st.just("EUR")), k=st.floats(0.1, 10))
def test_scaling_inputs_scales_totals_without_caps(offer, k):
    """EUR offers have no 401(k)/ESPP caps, so every figure is linear in the amounts."""
    def scale(o):
        return o.model_copy(update={
            "base_salary": o.base_salary.model_copy(update={"amount": o.base_salary.amount * k}),
            "sign_on": tuple(s.model_copy(update={"amount": s.amount * k}) for s in o.sign_on),
            "equity": tuple(g.model_copy(update={"grant_value": g.grant_value * k}) for g in o.equity),
            "refresher": o.refresher.model_copy(update={"annual_value": o.refresher.annual_value * k}),
            "benefits": o.benefits.model_copy(update={"health": o.benefits.health * k}),
            "relocation": o.relocation.model_copy(update={"amount": o.relocation.amount * k}),
        })
    e = evaluate([offer, scale(offer)], Assumptions(), {}, currency="EUR")
    np.testing.assert_allclose(e.figures.total_rewards[1], e.figures.total_rewards[0] * k, rtol=1e-9, atol=1e-6)


@settings(max_examples=30, deadline=None)
@given(a=offers(), b=offers())
def test_offer_order_does_not_change_results(a, b):
    b = b.model_copy(update={"id": "other"})
    ab = evaluate([a, b], Assumptions(), FX, currency="USD")
    ba = evaluate([b, a], Assumptions(), FX, currency="USD")
    for c in COMPONENTS:
        np.testing.assert_allclose(ab.figures.parts[c][0], ba.figures.parts[c][1])
