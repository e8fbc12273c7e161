"""Market data: load salary benchmarks in many formats and place offers against them.

Data flow (GitHub issue 3):

1. `load_market(path)` → `importers/`: read the file with `toolkit.io.read_table`, find its
   `Format` in the registry (canonical percentile table or raw samples; BLS OEWS; levels.fyi;
   H-1B LCA; ai-jobs survey; OFLC-style wage levels; one module each), normalise it and count
   every dropped row once → `MarketData`.
2. `place(evaluation, markets)` → a new Evaluation with placements; underneath,
   `place_offers(targets, markets)` (module `place`) matches each offer (role, level, location, with
   fallbacks) and compute its percentile per component → one row per (offer, component).
   Raw samples are asked through `engines.base.SampleTable` (pandas in memory by default;
   DuckDB over files or Dask over a cluster: `engines.open_engine`), so every engine gives the
   same numbers; `convert.write_parquet` saves a loaded market as canonical Parquet.
3. `summarize(market)` → percentiles per group; `wage_levels(targets, markets)` → H-1B level.

Pure except `load_market`/`read_mapping`, which read through toolkit.io. Rules: docs/market.md.
"""

from __future__ import annotations

from .importers import load_market, market_from_frame, parse_map, read_mapping, resolve_map
from .model import COMPONENTS, ImportReport, MarketData, MarketOptions
from .targets import offer_rows, place
from .place import (
    JSON_KEYS, RESULT_COLUMNS, STEPS, SUMMARY_STATS, WAGE_LEVEL_COLUMNS, iter_placements, place_offers, summarize, to_market_json, wage_levels,
)

__all__ = [
    "COMPONENTS", "ImportReport", "JSON_KEYS", "MarketData", "MarketOptions", "RESULT_COLUMNS", "STEPS", "SUMMARY_STATS",
    "WAGE_LEVEL_COLUMNS", "load_market", "market_from_frame", "iter_placements", "parse_map", "place_offers", "read_mapping",
    "offer_rows", "place", "resolve_map", "summarize", "to_market_json", "wage_levels",
]
