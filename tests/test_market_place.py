"""Placing figures: interpolation and clamping, the raw-sample rank, summarize vs numpy, FX, wage levels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import MissingFxRateError
from toolkit.market import RESULT_COLUMNS, MarketOptions, load_market, market_from_frame, place_offers, summarize, wage_levels

DATA = Path(__file__).parent / "data"


def offers(values, *, role="SWE", level="L5", location="Seattle, WA", component="base", currency="USD", sponsored=False):
    n = len(values)
    frame = pd.DataFrame({"offer_id": [f"o{i}" for i in range(n)], "role": role, "level": level, "location": location,
                          "currency": currency, "visa_sponsorship": sponsored})
    for comp in ("base", "bonus", "equity", "total"):
        frame[comp] = values if comp == component else np.nan
    return frame


TABLE = pd.DataFrame({"role": ["SWE"], "level": ["L5"], "location": ["Seattle, WA"], "component": ["base"], "currency": ["USD"],
                      "p10": ["100"], "p25": ["200"], "p50": ["300"], "p75": ["400"], "p90": ["500"]})


def test_result_has_exactly_the_json_keys_plus_extras():
    got = place_offers(offers([250.0]), [market_from_frame(TABLE)])
    assert tuple(got.columns) == RESULT_COLUMNS
    rec = got.to_dict(orient="records")[0]
    assert {"component", "value", "percentile", "clamped", "p10", "p25", "p50", "p75", "p90", "gap_to_p50",
            "gap_to_p75", "match", "sample_size", "source"} <= set(rec)


@pytest.mark.parametrize(("value", "percentile", "clamped"), [
    (250.0, 37.5, None),      # halfway between p25=200 and p50=300
    (300.0, 50.0, None),
    (100.0, 10.0, None),      # exactly the lowest known point
    (500.0, 90.0, None),
    (50.0, 10.0, "below"),    # below p10: reported as p10, clamped
    (600.0, 90.0, "above"),
    (460.0, 84.0, None),      # 75 + 15 × 60/100
])
def test_percentile_table_interpolation_and_clamping(value, percentile, clamped):
    got = place_offers(offers([value]), [market_from_frame(TABLE)]).iloc[0]
    assert got["percentile"] == pytest.approx(percentile)
    assert got["clamped"] == clamped
    assert got["gap_to_p50"] == pytest.approx(300 - value)
    assert got["gap_to_p75"] == pytest.approx(400 - value)


def test_interpolation_skips_missing_points():
    t = TABLE.assign(p25=[""], p75=[""])  # known: 10→100, 50→300, 90→500
    got = place_offers(offers([200.0, 400.0]), [market_from_frame(t)])
    assert list(got["percentile"]) == pytest.approx([30.0, 70.0])
    assert np.isnan(got["p25"].iloc[0]) and np.isnan(got["gap_to_p75"].iloc[0])


def raw(values, **extra):
    frame = pd.DataFrame({"role": "SWE", "level": "L5", "location": "Seattle, WA", "base": [str(v) for v in values], "currency": "USD"})
    return market_from_frame(frame.assign(**extra), source="raw.csv")


@pytest.mark.parametrize(("value", "percentile"), [
    (200.0, 40.0),   # below 1, equal 2: 100 × (1 + 1) / 5
    (250.0, 60.0),   # below 3
    (50.0, 0.0),
    (400.0, 90.0),   # below 4, equal 1: 100 × 4.5 / 5
    (999.0, 100.0),
])
def test_raw_sample_rank_formula(value, percentile):
    got = place_offers(offers([value]), [raw([100, 200, 200, 300, 400])]).iloc[0]
    assert got["percentile"] == pytest.approx(percentile)
    assert got["sample_size"] == 5
    assert got["clamped"] is None
    assert got["p50"] == 200 and got["p25"] == 200 and got["p75"] == 300
    assert got["p10"] == pytest.approx(np.percentile([100, 200, 200, 300, 400], 10))


def test_summarize_agrees_with_an_independent_numpy_computation():
    rng = np.random.default_rng(7)
    n = 3000
    roles = rng.choice(["Software Engineer", " software  engineer", "Data Scientist"], n)
    levels = rng.choice(["L4", "L5", ""], n)
    locs = rng.choice(["Seattle, WA", "seattle,wa", "Berlin, Germany"], n)
    base = rng.lognormal(11.5, 0.3, n).round(2)
    bonus = np.where(rng.random(n) < 0.3, np.nan, base * 0.1)
    frame = pd.DataFrame({"role": roles, "level": levels, "location": locs, "base": base, "bonus": bonus, "currency": "USD"})
    market = market_from_frame(frame, source="gen.csv")
    got = summarize(market)
    clean = frame.assign(role=frame["role"].str.split().str.join(" ").str.lower(),
                         location=frame["location"].str.replace(" ", "").str.lower())
    checked = 0
    for rec in got.itertuples():
        sel = ((clean["role"] == rec.role.lower()) & (clean["level"] == rec.level)
               & (clean["location"] == rec.location.replace(" ", "").lower()))
        values = clean.loc[sel, rec.component].dropna().to_numpy()
        assert rec.n == len(values)
        expected = np.percentile(values, [10, 25, 50, 75, 90])
        assert [rec.p10, rec.p25, rec.p50, rec.p75, rec.p90] == pytest.approx(expected)
        assert rec.mean == pytest.approx(values.mean()) and rec.min == values.min() and rec.max == values.max()
        checked += 1
    assert checked == 2 * 3 * 2 * 2  # roles × levels × locations × components, spellings folded together
    assert got["n"].sum() == frame["base"].notna().sum() + frame["bonus"].notna().sum()


def test_summarize_filters_keep_rows_meant_for_any_level():
    frame = pd.DataFrame({"role": "SWE", "level": ["L5", "L4", ""], "location": "X", "base": ["1", "2", "3"], "currency": "USD"})
    got = summarize(market_from_frame(frame), by=("level",), level="l5")
    assert list(got["level"]) == ["", "L5"] and list(got["n"]) == [1, 1]


def test_eur_market_converted_with_fx():
    market = load_market(DATA / "market_eur_percentiles.csv")
    o = offers([88000.0], role="Software Engineer", level="Senior", location="Berlin, Germany")
    got = place_offers(o, [market], fx=lambda code: {"EUR": 1.1}[code]).iloc[0]
    assert got["p50"] == pytest.approx(88000) and got["p25"] == pytest.approx(77000)
    assert got["percentile"] == pytest.approx(50) and got["currency"] == "USD"


def test_eur_market_without_rates_names_the_file_and_pair():
    market = load_market(DATA / "market_eur_percentiles.csv")
    with pytest.raises(MissingFxRateError) as err:
        place_offers(offers([1.0]), [market])
    (issue,) = err.value.issues
    assert issue.code == "missing_fx_rate"
    assert str(issue) == (f"{DATA / 'market_eur_percentiles.csv'}: field currency: market figures are in EUR but the offers "
                          "are reported in USD, and no exchange rate was given (need EUR->USD)")


def test_mixed_currency_raw_samples_are_converted_before_pooling():
    frame = pd.DataFrame({"role": "SWE", "level": "L5", "location": "X", "base": ["100", "100", "100"],
                          "currency": ["USD", "EUR", "GBP"]})
    market = market_from_frame(frame, options=MarketOptions(min_samples=3))
    got = place_offers(offers([150.0], location="X"), [market], fx=lambda c: {"EUR": 1.5, "GBP": 2.0}[c]).iloc[0]
    assert got["p50"] == 150 and got["percentile"] == pytest.approx(50)


def test_100k_offers_are_vectorised():
    rng = np.random.default_rng(1)
    n = 50_000
    frame = pd.DataFrame({"role": rng.choice(["A", "B", "C"], n), "level": rng.choice(["1", "2"], n),
                          "location": rng.choice(["x", "y", ""], n), "base": rng.normal(100, 10, n), "currency": "USD"})
    market = market_from_frame(frame)
    o = offers(rng.normal(100, 10, 100_000), role="B", level="2", location="x")
    import time

    start = time.perf_counter()
    got = place_offers(o, [market])
    assert time.perf_counter() - start < 5
    assert len(got) == 100_000 and (got["match"] == "exact").all()


def test_wage_levels_from_an_oflc_table():
    market = load_market(DATA / "market_oflc_levels.csv")
    t = pd.concat([
        offers([140000.0], role="Software Engineer", location="Seattle, WA", sponsored=True),
        offers([100000.0], role="Software Engineer", location="Denver, CO", sponsored=True),
        offers([125000.0], role="Data Scientist", location="Seattle, WA", sponsored=True),
        offers([90000.0], role="Software Engineer", location="Seattle, WA", sponsored=True),
        offers([500000.0], role="Software Engineer", location="Seattle, WA", sponsored=False),
        offers([1.0], role="Astronaut", location="Seattle, WA", sponsored=True),
    ], ignore_index=True).assign(offer_id=["a", "b", "c", "d", "e", "f"])
    got = wage_levels(t, [market]).set_index("offer_id")
    assert "e" not in got.index  # no sponsorship, no row
    assert (got.loc["a", "level_reached"], got.loc["a", "next_level"], got.loc["a", "next_level_wage"], got.loc["a", "gap_to_next_level"]) == (2, 3, 160000, 20000)
    assert (got.loc["b", "level_reached"], got.loc["b", "next_level_wage"]) == (1, 120000)  # the any-area row
    assert (got.loc["c", "level_reached"], got.loc["c", "next_level"], got.loc["c", "gap_to_next_level"]) == (2, 4, 35000)  # Level 3 unknown
    assert (got.loc["d", "level_reached"], got.loc["d", "next_level"], got.loc["d", "gap_to_next_level"]) == (0, 1, 20000)
    assert got.loc["a", "occupation"] == "15-1252 Software Developers" and got.loc["a", "area"] == "Seattle, WA"
    assert got.loc["f", "match"] == "no prevailing-wage levels for role 'Astronaut', location 'Seattle, WA'"


def test_wage_levels_from_lca_rows():
    market = load_market(DATA / "market_lca_fy2018_sample.csv")
    t = offers([120000.0], role="Software Engineer", location="Redmond, WA", sponsored=True)
    got = wage_levels(t, [market]).iloc[0]
    assert got["level_2"] == 112549 and got["level_reached"] == 2 and pd.isna(got["next_level"])


def test_to_market_json_has_exactly_the_issue_keys_and_nulls():
    from toolkit.market import JSON_KEYS, to_market_json
    from toolkit.market.place import GEO_JSON_KEYS

    market = market_from_frame(TABLE.assign(p75=["#"], p90=["#"]))
    o = pd.concat([offers([250.0]), offers([1.0], role="PM")], ignore_index=True).assign(offer_id=["a", "b"])
    doc = to_market_json(place_offers(o, [market]))
    (a,) = doc["a"]
    assert tuple(a) == JSON_KEYS + GEO_JSON_KEYS
    assert a["matched"]["role"] == "SWE" and a["country_mismatch"] is False
    assert a["p75"] is None and a["gap_to_p75"] is None and a["clamped"] is None and a["percentile"] == 37.5
    assert a["source"] == "<frame>" and a["match"] == "exact"  # no source column: the file name
    (b,) = doc["b"]
    assert b["match"] == "no market data for role 'PM', level 'L5', location 'Seattle, WA'"
    assert b["percentile"] is None and b["p50"] is None and b["source"] is None and b["sample_size"] is None


def test_sample_market_file_for_the_example_offers():
    root = Path(__file__).resolve().parents[1]
    market = load_market(root / "data" / "market" / "percentiles.csv")
    p = market.percentiles
    assert len(p) == 24 and set(p["source"]) == {"invented example"}
    assert set(p["level"].astype(str)) == {"L5", "Senior"}
    assert set(p.loc[p["location"].astype(str) == "Berlin, Germany", "currency"]) == {"EUR"}
    assert market.currencies == ("EUR", "USD")


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 1000), min_size=5, max_size=40), st.integers(0, 1100), st.integers(0, 1100))
def test_raw_rank_is_monotone_and_within_0_100(values, a, b):
    market = raw(values)
    lo, hi = sorted((a, b))
    got = place_offers(offers([float(lo), float(hi)]), [market])
    p_lo, p_hi = got["percentile"]
    assert 0 <= p_lo <= p_hi <= 100
    arr = np.array(values)
    assert p_lo == pytest.approx(100 * ((arr < lo).sum() + 0.5 * (arr == lo).sum()) / len(arr))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 10_000), min_size=2, max_size=5, unique=True), st.floats(0, 12_000))
def test_interpolated_percentile_stays_between_known_points(points, value):
    pts = sorted(points)
    cols = ["p10", "p25", "p50", "p75", "p90"][: len(pts)]
    t = pd.DataFrame({"role": ["SWE"], "component": ["base"], "currency": ["USD"], **{c: [str(v)] for c, v in zip(cols, pts)}})
    got = place_offers(offers([value]), [market_from_frame(t)]).iloc[0]
    ks = [int(c[1:]) for c in cols]
    assert ks[0] <= got["percentile"] <= ks[-1]
    assert (got["clamped"] == "below") == (value < pts[0]) and (got["clamped"] == "above") == (value > pts[-1])


@pytest.mark.parametrize(("fixture", "role", "level", "location", "match"), [
    ("market_bls_oews_slice_M2022_dl.xlsx", "Software Developers", "L5", "Seattle, WA", "role+level (any location)"),
    ("market_lca_old_names.csv", "Software Engineer", "", "Seattle, WA", "exact"),
    ("market_levels_fyi.csv", "Software Engineer", "", "", "role only"),
    ("market_ai_jobs_slice.csv", "Data Scientist", "Mid-level", "", "role only"),  # < 5 Mid-level samples
    ("market_percentiles.csv", "Software Engineer", "L5", "Seattle, WA", "exact"),
    ("market_samples.csv", "Software Engineer", "L5", "Seattle, WA", "exact"),
])
def test_every_format_places_an_offer(fixture, role, level, location, match):
    market = load_market(DATA / fixture)
    o = offers([150000.0], role=role, level=level or None, location=location or None)
    got = place_offers(o, [market], fx=lambda c: {"EUR": 1.1}[c])
    base = got[got["component"] == "base"].iloc[0]
    assert base["match"] == match
    assert base["source"] and 0 <= base["percentile"] <= 100
