"""Matching offers to market rows: fallback order, most-specific row, min_samples, aliases, filters."""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.market import MarketOptions, market_from_frame, place_offers


def offers(*rows, **amounts) -> pd.DataFrame:
    """offers(("SWE", "L5", "Seattle, WA"), ...) with base=[...] etc."""
    n = len(rows)
    frame = pd.DataFrame({
        "offer_id": [f"o{i}" for i in range(n)],
        "role": [r[0] for r in rows], "level": [r[1] for r in rows], "location": [r[2] for r in rows],
        "currency": ["USD"] * n, "visa_sponsorship": [False] * n,
    })
    for comp in ("base", "bonus", "equity", "total"):
        frame[comp] = amounts.get(comp, [np.nan] * n)
    return frame


def table(rows, **opts):
    """Percentile rows (role, level, location, p50, sample_size) → MarketData."""
    frame = pd.DataFrame({
        "role": [r[0] for r in rows], "level": [r[1] for r in rows], "location": [r[2] for r in rows],
        "component": "base", "currency": "USD",
        "p25": [str(r[3] - 10) for r in rows], "p50": [str(r[3]) for r in rows],
        "sample_size": [str(r[4]) if len(r) > 4 else "" for r in rows],
    })
    return market_from_frame(frame, source="table.csv", options=MarketOptions(**opts))


def samples(rows, **opts):
    """Raw samples (role, level, location, base[, company]) → MarketData."""
    frame = pd.DataFrame({
        "role": [r[0] for r in rows], "level": [r[1] for r in rows], "location": [r[2] for r in rows],
        "base": [str(r[3]) for r in rows], "company": [r[4] if len(r) > 4 else "" for r in rows], "currency": "USD",
    })
    return market_from_frame(frame, source="samples.csv", options=MarketOptions(**opts))


def test_fallback_order():
    market = table([
        ("SWE", "L5", "Seattle", 100, 40),
        ("SWE", "L5", "Austin", 200, 50),
        ("SWE", "L4", "Seattle", 300, 10),
        ("SWE", "L3", "Boston", 400, 99),
    ])
    got = place_offers(offers(
        ("SWE", "L5", "Seattle"),   # exact
        ("SWE", "L5", "Denver"),    # role+level: Seattle and Austin tie on specificity, larger sample wins
        ("SWE", "L7", "Seattle"),   # role+location: L5 and L4 Seattle tie, larger sample wins
        ("SWE", "L7", "Denver"),    # role only: the largest sample overall
        ("PM", "L5", "Seattle"),    # no role match
    ), [market])
    assert list(got["match"]) == [
        "exact", "role+level (any location)", "role+location (any level)", "role only",
        "no market data for role 'PM', level 'L5', location 'Seattle'",
    ]
    assert list(got["p50"][:4]) == [100, 200, 100, 400]
    assert np.isnan(got["p50"].iloc[4]) and np.isnan(got["percentile"].iloc[4])
    assert got["source"].iloc[4] is None


def test_empty_level_or_location_matches_any_value_and_most_specific_wins():
    market = table([
        ("SWE", "", "", 100),
        ("SWE", "L5", "", 200),
        ("SWE", "L5", "Seattle", 300),
        ("SWE", "", "Seattle", 400),
    ])
    got = place_offers(offers(
        ("SWE", "L5", "Seattle"),   # all four match; level+location row wins
        ("SWE", "L5", "Denver"),    # (L5, any) beats (any, any)
        ("SWE", "L6", "Seattle"),   # (any, Seattle) beats (any, any)
        ("SWE", "L6", "Denver"),    # (any, any)
        ("SWE", None, None),        # an offer without level/location still matches wildcard rows exactly
    ), [market])
    assert list(got["match"]) == ["exact"] * 5
    assert list(got["p50"]) == [300, 200, 400, 100, 100]
    assert got["match_rows"].iloc[0] == "row 4: SWE / L5 / Seattle"


def test_raw_samples_pool_every_matching_row_and_need_min_samples():
    rows = [("SWE", "L5", "Seattle", v) for v in (100, 200, 300)]
    rows += [("SWE", "L5", "", v) for v in (400, 500)]          # no location: counts everywhere
    rows += [("SWE", "L4", "Seattle", v) for v in (10, 20)]
    rows += [("SWE", "L5", "Austin", v) for v in (1000,)]
    got = place_offers(offers(("SWE", "L5", "Seattle"), base=[300.0]), [samples(rows)])
    r = got.iloc[0]
    assert r["match"] == "exact" and r["sample_size"] == 5
    assert r["p50"] == np.percentile([100, 200, 300, 400, 500], 50)
    assert r["match_rows"].startswith("2 group(s): ")

    stricter = place_offers(offers(("SWE", "L5", "Seattle"), base=[300.0]), [samples(rows, min_samples=7)])
    r = stricter.iloc[0]  # exact has 5, role+level has 6 (adds Austin), role+location has 7 (adds L4)
    assert r["match"] == "role+location (any level)" and r["sample_size"] == 7

    none = place_offers(offers(("SWE", "L5", "Seattle"), base=[300.0]), [samples(rows, min_samples=50)])
    assert none["match"].iloc[0] == (
        "no market data for role 'SWE', level 'L5', location 'Seattle'; only 8 samples of base (min_samples 50)")
    assert np.isnan(none["percentile"].iloc[0])


def test_aliases_case_and_whitespace():
    market = table([("Software Engineer", "Senior", "San Francisco, CA", 100),
                    ("Senior Software Engineer", "", "", 200)],
                   aliases={"Sr": "Senior", "SWE": "Software Engineer"})
    got = place_offers(offers(("swe", "SR", "  san   francisco,CA "), ("Sr SWE", "sr", "San Francisco, CA, USA")), [market])
    assert list(got["match"]) == ["exact", "exact"]
    assert list(got["p50"]) == [100, 200]  # aliases apply to whole values and to words inside them


def test_company_filter_changes_the_pool():
    rows = [("SWE", "L5", "", v, "Acme") for v in (100, 100, 100, 100, 100)]
    rows += [("SWE", "L5", "", v, "Globex") for v in (900, 900, 900, 900, 900)]
    all_rows = place_offers(offers(("SWE", "L5", "X")), [samples(rows)])
    assert all_rows["p50"].iloc[0] == 500 and all_rows["sample_size"].iloc[0] == 10
    acme = place_offers(offers(("SWE", "L5", "X")), [samples(rows, companies={"acme"})])
    assert acme["p50"].iloc[0] == 100 and acme["sample_size"].iloc[0] == 5


def test_best_match_across_markets_then_earlier_market():
    broad = table([("SWE", "", "", 100)])
    precise = table([("SWE", "L5", "Denver", 200)])
    other = table([("SWE", "L9", "Mars", 300)])
    got = place_offers(offers(("SWE", "L5", "Denver"), ("SWE", "L6", "Paris")), [other, broad, precise])
    assert list(got["p50"]) == [100, 100]  # both exact via broad (earlier), not 'other' (role only)
    got = place_offers(offers(("SWE", "L5", "Denver")), [precise, broad])
    assert list(got["p50"]) == [200]


def test_one_row_per_offer_and_covered_component():
    market = table([("SWE", "", "", 100)])
    got = place_offers(offers(("SWE", "L5", "X"), ("SWE", "L6", "Y"), base=[1.0, 2.0]), [market])
    assert list(got["offer_id"]) == ["o0", "o1"] and set(got["component"]) == {"base"}
