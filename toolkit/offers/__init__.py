"""The offer engine: offer records in, year-by-year figures in one currency out.

Modules, in the order they build on each other: `money` (typed amounts) and `vesting`
(schedules) → `models` (frozen pydantic offers and assumptions) → `fx` (rates with their
source) → `load` (files → an `OfferSet`, every problem at once) → `engine` (the vectorised
year-by-year arrays) → `results` (the `Evaluation` every consumer types) → `evaluate` (the one
orchestration function) → `scenarios` and `montecarlo` (what-ifs on an Evaluation).
Imports only the shared base (`toolkit.errors`, `toolkit.io`, ...); nothing here knows about
market data, negotiation, follow-ups or rendering.
"""
