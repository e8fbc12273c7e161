"""Monte Carlo equity valuation: zero volatility equals the engine, seeds reproduce, means converge."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

import toolkit
from toolkit.offers.models import Offer
from toolkit.offers.montecarlo import simulate_equity


def offer(**fields) -> Offer:
    return Offer.model_validate(fields, context={"currency": fields["currency"]})


RSU = offer(id="rsu", company="Big Co", currency="USD", base_salary=150_000,
            equity=[{"type": "rsu", "grant_value": 200_000, "vesting": "4y-cliff-quarterly"}],
            refresher={"annual_value": 40_000, "vesting": "4y-quarterly"})
OPTIONS = offer(id="opt", company="Start Co", currency="USD", base_salary=130_000,
                equity=[{"type": "option", "shares": 20_000, "strike": 3.0, "share_price": 5.0, "private": True,
                         "vesting": "4y-cliff-monthly"}])
MIXED = offer(id="mixed", company="Mixed AG", currency="EUR", base_salary=90_000,
              equity=[{"type": "rsu", "shares": 100, "share_price": 200, "currency": "USD", "vesting": "4y-annual",
                       "stock_growth": 0.25},
                      {"type": "rsu", "grant_value": 30_000, "vesting": "4y-quarterly"}])
CASH = offer(id="cash", company="Cash Ltd", currency="USD", base_salary=200_000, bonus="10%")


def evaluation(**assumptions):
    a = {"horizon_years": 4, "stock_growth": 0.08, "annual_raise": 0.03, "private_equity_discount": 0.2,
         "include_refreshers": True, **assumptions}
    return toolkit.evaluate([RSU, OPTIONS, MIXED, CASH], a, fx={"EUR": 1.1}, currency="USD")


@pytest.mark.parametrize("refreshers", [True, False])
def test_zero_volatility_reproduces_the_engine_to_the_cent(refreshers):
    e = evaluation(include_refreshers=refreshers)
    r = simulate_equity(e, volatility=0.0, paths=3, seed=1)
    for i, oid in enumerate(e.ids):
        counted = e.figures.parts["equity"][i] + (e.figures.parts["refresh_equity"][i] if refreshers else 0.0)
        for path in range(3):
            np.testing.assert_allclose(r.equity[oid][path], counted, rtol=0, atol=0.005)
            np.testing.assert_allclose(r.tc[oid][path], e.figures.tc[i], rtol=0, atol=0.005)
    q = r.quantiles
    for col in ("p10", "p50", "p90", "mean"):
        np.testing.assert_allclose(q[col], q["deterministic"], rtol=0, atol=0.005)


def test_zero_volatility_matches_the_sample_offers():
    e = toolkit.evaluate(toolkit.load_offers("data/offers.yaml")).with_assumptions(stock_growth=0.12)
    r = simulate_equity(e, volatility=0.0, paths=2)
    for i, oid in enumerate(e.ids):
        np.testing.assert_allclose(r.tc[oid][0], e.figures.tc[i], rtol=0, atol=0.005)


def test_same_seed_same_result_and_different_seed_differs():
    e = evaluation()
    a = simulate_equity(e, volatility=0.4, paths=2_000, seed=42)
    b = simulate_equity(e, volatility=0.4, paths=2_000, seed=42)
    c = simulate_equity(e, volatility=0.4, paths=2_000, seed=43)
    for oid in e.ids:
        assert np.array_equal(a.tc[oid], b.tc[oid])
    assert a.quantiles.equals(b.quantiles)
    assert not np.array_equal(a.tc["rsu"], c.tc["rsu"])


def test_an_offers_paths_do_not_depend_on_which_offers_are_simulated():
    e = evaluation()
    all_offers = simulate_equity(e, volatility=0.3, paths=500, seed=7)
    one = simulate_equity(e, volatility=0.3, paths=500, seed=7, offers=["mixed"])
    assert np.array_equal(all_offers.tc["mixed"], one.tc["mixed"])
    assert one.ids == ("mixed",)


def test_chunking_does_not_change_the_draws(monkeypatch):
    import toolkit.offers.montecarlo as mc

    e = evaluation()
    whole = simulate_equity(e, volatility=0.3, paths=1_000, seed=3)
    monkeypatch.setattr(mc, "CHUNK_ELEMENTS", 1_000)  # about 20 paths per chunk
    chunked = simulate_equity(e, volatility=0.3, paths=1_000, seed=3)
    for oid in e.ids:
        np.testing.assert_array_equal(whole.tc[oid], chunked.tc[oid])


def test_rsu_mean_converges_to_the_deterministic_value():
    # RSUs are linear in the price, and E[P(m)] = P0 (1+g)^(m/12): the sample mean must sit within
    # a few standard errors of the engine (this also checks the −σ²/2 drift correction).
    e = evaluation()
    r = simulate_equity(e, volatility=0.3, paths=40_000, seed=11)
    for oid in ("rsu", "mixed"):
        i = e.ids.index(oid)
        sample = r.equity[oid]
        se = sample.std(axis=0) / np.sqrt(sample.shape[0])
        assert np.all(np.abs(sample.mean(axis=0) - r.deterministic["equity"][i]) < 4 * se + 0.01)


def test_options_are_worth_more_on_average_under_volatility():
    # Convexity (Jensen): max(P − K, 0) averaged over prices beats the payoff at the mean price.
    e = evaluation(stock_growth=-0.2)
    r = simulate_equity(e, volatility=0.6, paths=20_000, seed=5)
    i = e.ids.index("opt")
    assert r.equity["opt"].mean(axis=0).sum() > r.deterministic["equity"][i].sum()
    assert (r.equity["opt"] >= 0).all()


def test_quantiles_are_ordered_and_cash_offers_have_no_spread():
    r = simulate_equity(evaluation(), volatility=0.3, paths=5_000, seed=1)
    q = r.quantiles
    assert list(q.columns) == ["offer_id", "year", "metric", "p10", "p50", "p90", "mean", "deterministic"]
    assert set(q["metric"]) == {"equity", "tc"}
    assert len(q) == 4 * 4 * 2
    assert (q["p10"] <= q["p50"]).all() and (q["p50"] <= q["p90"]).all()
    cash = q[q["offer_id"] == "cash"]
    np.testing.assert_allclose(cash["p10"], cash["p90"])
    spread = q[(q["offer_id"] == "rsu") & (q["metric"] == "tc") & (q["year"] == 4)].iloc[0]
    assert spread["p90"] > spread["p50"] > spread["p10"]


def test_tc_is_cash_plus_simulated_equity():
    e = evaluation()
    r = simulate_equity(e, volatility=0.3, paths=100, seed=2)
    for i, oid in enumerate(e.ids):
        cash = e.figures.tc[i] - r.deterministic["equity"][i]
        np.testing.assert_allclose(r.tc[oid] - r.equity[oid], np.broadcast_to(cash, (100, 4)), atol=1e-6)


def test_grants_of_one_offer_share_the_price_path_with_their_own_drift():
    # Both grants vest once, at month 12. With one shared shock Z, each path's equity is
    # Z × (deterministic equity), whatever the grants' growth rates; a single-grant offer in the
    # same position (same seed) sees the same Z. Independent shocks per grant would break this.
    once = {"events": [[12, 100]]}
    two = offer(id="two", company="Two", currency="USD", base_salary=100_000,
                equity=[{"grant_value": 50_000, "vesting": once, "stock_growth": 0.40},
                        {"grant_value": 20_000, "vesting": once, "stock_growth": -0.10}])
    single = offer(id="one", company="One", currency="USD", base_salary=100_000,
                   equity=[{"grant_value": 10_000, "vesting": once}])
    a = {"horizon_years": 1}
    r_two = simulate_equity(toolkit.evaluate([two], a), volatility=0.5, paths=1_000, seed=4)
    r_one = simulate_equity(toolkit.evaluate([single], a), volatility=0.5, paths=1_000, seed=4)
    z_two = r_two.equity["two"][:, 0] / r_two.deterministic["equity"][0, 0]
    z_one = r_one.equity["one"][:, 0] / r_one.deterministic["equity"][0, 0]
    np.testing.assert_allclose(z_two, z_one, rtol=1e-12)
    assert r_two.deterministic["equity"][0, 0] == pytest.approx(50_000 * 1.4 + 20_000 * 0.9, abs=0.01)


def test_average_and_to_frame():
    r = simulate_equity(evaluation(), volatility=0.3, paths=1_000, seed=1)
    avg = r.average
    assert set(avg["metric"]) == {"average_tc", "average_equity"}
    frame = r.to_frame()
    assert {"currency", "volatility", "paths"} <= set(frame.columns)
    assert 0.0 <= r.probability_below("rsu", 1e12) <= 1.0
    html = r._repr_html_()
    assert "<table" in html and "1,000 paths" in html


@pytest.mark.parametrize("kwargs, fragment", [
    ({"volatility": -0.1}, "volatility must be"),
    ({"volatility": float("nan")}, "volatility must be"),
    ({"paths": 0}, "paths must be at least 1"),
    ({"offers": ["nope"]}, "unknown offer id"),
])
def test_bad_arguments_are_refused(kwargs, fragment):
    with pytest.raises(ValueError, match=fragment):
        simulate_equity(evaluation(), **kwargs)
