"""Benchmark for GitHub issue 3, item 7: market data at scale.

Generates 1,000,000 synthetic raw samples (seeded) and prints:
  * summary time (key normalisation + grouping + percentiles, `market_from_frame` + `summarize`)
    against a plain pandas `groupby([...]).quantile([...])` on the same frame with already-clean
    keys, and the ratio (target: ≤ 3×);
  * the time to place 100,000 offers against it (target: < 2 s);
  * peak resident memory against the in-memory size of the frame (target: < 3×).

Run:  python benchmarks/bench_market.py [--rows 1000000] [--offers 100000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

import numpy as np
import pandas as pd

from toolkit.market import market_from_frame, place_offers, summarize

ROLES = ["Software Engineer", "Data Scientist", "Product Manager", "Designer", "SRE", "Data Engineer",
         "ML Engineer", "Engineering Manager", "Security Engineer", "QA Engineer"]
LEVELS = ["L3", "L4", "L5", "L6", "L7", "Senior", "Staff", "Principal"]
CITIES = ["Seattle, WA", "San Francisco, CA", "New York, NY", "Austin, TX", "Boston, MA", "Denver, CO",
          "Chicago, IL", "Berlin, Germany", "London, United Kingdom", "Toronto, Canada", "Remote", ""]
QS = [0.10, 0.25, 0.50, 0.75, 0.90]


def peak_rss_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # Linux reports KiB


def make_samples(n: int, seed: int = 42) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    base = rng.lognormal(11.8, 0.35, n).round(0)
    return pd.DataFrame({
        "role": pd.Series(np.array(ROLES, dtype=object)[rng.integers(0, len(ROLES), n)]),
        "level": pd.Series(np.array(LEVELS, dtype=object)[rng.integers(0, len(LEVELS), n)]),
        "location": pd.Series(np.array(CITIES, dtype=object)[rng.integers(0, len(CITIES), n)]),
        "base": base,
        "bonus": np.where(rng.random(n) < 0.2, np.nan, (base * rng.uniform(0.05, 0.25, n)).round(0)),
        "equity": np.where(rng.random(n) < 0.4, np.nan, (base * rng.uniform(0.1, 1.0, n)).round(0)),
        "total": (base * rng.uniform(1.1, 2.2, n)).round(0),
        "currency": "USD",
    })


def make_offers(n: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    base = rng.lognormal(11.9, 0.3, n).round(0)
    return pd.DataFrame({
        "offer_id": [f"o{i}" for i in range(n)],
        "role": np.array(ROLES + ["Astronaut"], dtype=object)[rng.integers(0, len(ROLES) + 1, n)],
        "level": np.array(LEVELS + ["L9"], dtype=object)[rng.integers(0, len(LEVELS) + 1, n)],
        "location": np.array(CITIES[:-1] + ["Paris, France"], dtype=object)[rng.integers(0, len(CITIES), n)],
        "currency": "USD", "base": base, "bonus": base * 0.15, "equity": base * 0.5, "total": base * 1.7,
        "visa_sponsorship": False,
    })


def best_of(fn, repeat: int = 3):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--offers", type=int, default=100_000)
    args = parser.parse_args()

    frame = make_samples(args.rows)
    data_bytes = int(frame.memory_usage(deep=True).sum())
    rss_before = peak_rss_bytes()
    keys = ["role", "level", "location"]
    comps = ["base", "bonus", "equity", "total"]

    t_pandas, expected = best_of(lambda: frame.groupby(keys)[comps].quantile(QS))
    t_ours, (market, summary) = best_of(lambda: (lambda m: (m, summarize(m)))(market_from_frame(frame, source="synthetic")))
    t_summary_only, _ = best_of(lambda: summarize(market))

    # the two computations agree (a spot check on one group)
    g = summary[(summary["role"] == "Software Engineer") & (summary["level"] == "L5")
                & (summary["location"] == "Seattle, WA") & (summary["component"] == "base")].iloc[0]
    ref = expected.loc[("Software Engineer", "L5", "Seattle, WA")]
    assert np.allclose([g["p10"], g["p50"], g["p90"]], [ref.loc[0.10, "base"], ref.loc[0.50, "base"], ref.loc[0.90, "base"]])

    offers = make_offers(args.offers)
    t_place, placed = best_of(lambda: place_offers(offers, [market]))
    peak = peak_rss_bytes()

    print(f"raw samples: {args.rows:,} rows x {len(frame.columns)} columns; {data_bytes / 1e6:,.1f} MB in memory (deep)")
    print(f"pandas groupby(role, level, location)[4 components].quantile(5 q), clean keys: {t_pandas:.3f} s")
    print(f"toolkit market_from_frame + summarize (key normalisation included):     {t_ours:.3f} s "
          f"(summarize alone {t_summary_only:.3f} s)")
    print(f"ratio toolkit / pandas: {t_ours / t_pandas:.2f}x  (target <= 3x)")
    print(f"place {args.offers:,} offers x {placed['component'].nunique()} components = {len(placed):,} results: {t_place:.3f} s  (target < 2 s)")
    matched = placed["percentile"].notna().mean()
    print(f"  matched with a percentile: {matched:.1%}; fallback mix: "
          + ", ".join(f"{k} {v:,}" for k, v in placed["match"].str.replace(r"^no market data.*", "no match", regex=True).value_counts().items()))
    print(f"peak RSS {peak / 1e6:,.1f} MB (before the work: {rss_before / 1e6:,.1f} MB); "
          f"ratio peak RSS / data size: {peak / data_bytes:.2f}x  (target < 3x)")


if __name__ == "__main__":
    main()
