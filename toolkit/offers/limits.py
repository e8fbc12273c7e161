"""US limits by calendar year, from the dated tables in `tables/limits/<year>.toml`.

Each year's file holds the figures published for that year, each with its source. A rule a
year's file lacks (not yet published) takes the latest earlier published value and is marked
projected; a figure fixed by statute (`statutory = true`: §423(b)(8), §422(d), the HSA
catch-up) is the law in every year and is never projected. Years before the first table take
the first table's values, also marked projected. Pure: the tables ship with the package.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

RULES = (
    "deferral_402g", "catch_up_50", "catch_up_60_63", "additions_415c", "compensation_401a17",
    "hsa_self", "hsa_family", "hsa_catch_up_55", "espp_423", "iso_422d",
)


@dataclass(frozen=True)
class Limit:
    """One rule's figure for one calendar year."""

    rule: str
    year: int
    value: float
    source: str
    what: str
    published_for: int  # the year whose table gave the figure
    statutory: bool

    @property
    def projected(self) -> bool:
        return not self.statutory and self.published_for != self.year


@lru_cache(maxsize=None)
def tables() -> dict[int, dict]:
    """Every year's table, keyed by calendar year."""
    folder = resources.files("toolkit.offers").joinpath("tables/limits")
    out = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".toml"):
            doc = tomllib.loads(entry.read_text(encoding="utf-8"))
            out[int(doc["year"])] = doc
    return dict(sorted(out.items()))


@lru_cache(maxsize=None)
def limit(rule: str, year: int) -> Limit:
    """The figure of `rule` in force for calendar `year` (projected when not published).

    Examples:
        >>> limit("deferral_402g", 2025).value, limit("hsa_self", 2027).value
        (23500.0, 4500.0)
        >>> l = limit("deferral_402g", 2027); (l.value, l.published_for, l.projected)
        (24500.0, 2026, True)
    """
    if rule not in RULES:
        raise KeyError(f"unknown limit {rule!r}")
    years = [y for y, doc in tables().items() if rule in doc]
    earlier = [y for y in years if y <= year]
    source_year = max(earlier) if earlier else min(years)
    entry = tables()[source_year][rule]
    return Limit(rule, year, float(entry["value"]), str(entry["source"]), str(entry.get("what", rule)), source_year,
                 bool(entry.get("statutory", False)))


@lru_cache(maxsize=64)
def limit_arrays(first_year: int, count: int) -> dict[str, np.ndarray]:
    """Each rule's value for calendar years first_year … first_year + count − 1, as arrays."""
    years = range(first_year, first_year + count)
    return {rule: np.array([limit(rule, y).value for y in years]) for rule in RULES}


def projected_rules(year: int, rules: tuple[str, ...] = RULES) -> list[Limit]:
    """The rules among `rules` whose figure for `year` is projected, not published."""
    return [lim for lim in (limit(r, year) for r in rules) if lim.projected]


def newest_published(rule: str) -> Limit:
    """The newest published figure of a rule (what the workbook shows as its input)."""
    year = max(y for y, doc in tables().items() if rule in doc)
    return limit(rule, year)
