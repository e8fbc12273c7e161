"""Hypothesis strategies for offers (kept apart so property tests stay short)."""

from __future__ import annotations

from hypothesis import strategies as st

from toolkit.offers import vesting
from toolkit.offers.models import Offer

money = st.floats(min_value=1_000, max_value=2_000_000, allow_nan=False, allow_infinity=False)
fraction = st.floats(min_value=0, max_value=1, allow_nan=False)
presets = st.sampled_from(sorted(vesting.PRESETS))


@st.composite
def offers(draw, currency=st.sampled_from(["USD", "EUR"])):
    data = {
        "company": "P",
        "currency": draw(currency),
        "base_salary": draw(money),
        "bonus": {"target": draw(st.floats(0, 1))},
        "sign_on": [{"amount": draw(st.floats(0, 100_000)), "year": draw(st.integers(1, 4))}],
        "equity": [{"grant_value": draw(st.floats(0, 1_000_000)), "vesting": draw(presets)}],
        "refresher": {"annual_value": draw(st.floats(0, 200_000))},
        "retirement": [{"match": draw(fraction), "up_to": draw(st.floats(0, 0.1))}],
        "benefits": {"health": draw(st.floats(0, 20_000)), "espp": {"discount": draw(st.floats(0, 0.15)), "contribution": draw(st.floats(0, 0.15))}},
        "relocation": draw(st.floats(0, 50_000)),
    }
    return Offer.model_validate(data)


@st.composite
def yearly_percents(draw):
    """Integer percentages that sum to 100 over 1-6 years."""
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=0, max_size=5)))
    points = [0, *cuts, 100]
    return [b - a for a, b in zip(points, points[1:])]
