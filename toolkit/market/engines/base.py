"""The market-engine seam: what placement and `summarize` ask of a table of raw samples.

`place.py` decides everything (fallback steps, min_samples, the percentile rule, the result
columns); an engine only answers three questions about the samples, whatever holds them
(pandas in memory, DuckDB over files, Dask over a cluster):

1. `groups()`: the (role, level, location) groups with their display names and how many values
   of each component they hold (a small table: one row per group);
2. `measure(comp, factors, pools, queries)`: for each pool (a set of group ids of one role) its
   size and p10…p90 (numpy's linear rule), and for each queried value how many pooled values
   lie below it and how many equal it;
3. `summary(by, keys, factors, currency)`: n, p10…p90, mean, min, max per group of `by`.

Pure: no file is read here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Protocol, Sequence

import numpy as np
import pandas as pd

from .. import model as M


@dataclass(frozen=True)
class Groups:
    """The groups of a raw-sample table. Arrays are indexed by group id 0..G-1.

    Attributes:
        role, level, location: the matching keys ('' = empty, meaning any).
        display: (role, level, location) as people wrote them.
        shown: 'Role / Level / Location' from `display`, for match descriptions.
        counts: component → number of non-missing values per group.
    """

    role: np.ndarray
    level: np.ndarray
    location: np.ndarray
    display: tuple[np.ndarray, np.ndarray, np.ndarray]
    shown: list[str]
    counts: Mapping[str, np.ndarray]
    by_role: Mapping[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def build(cls, role, level, location, display, counts) -> "Groups":
        """Groups from key arrays, display arrays (role, level, location) and counts per component."""
        def text(values):
            return np.asarray(pd.Series(values, dtype=object).fillna("").astype(str), dtype=object)

        role = text(role)
        display = tuple(text(d) for d in display)
        by_role = {k: np.flatnonzero(role == k) for k in np.unique(role)} if len(role) else {}
        shown = [show_key(a, b, c) for a, b, c in zip(*display)]
        return cls(role, text(level), text(location), display, shown, dict(counts), by_role)


@dataclass(frozen=True)
class PoolMeasure:
    """One pool: its size, its REPORTED_POINTS percentiles, and per queried value the number of
    pooled values strictly below it and equal to it (NaN queries: both 0)."""

    size: int
    points: np.ndarray
    below: np.ndarray
    equal: np.ndarray


class SampleTable(Protocol):
    """Raw samples held by an engine (see the module docstring)."""

    engine: str

    def components(self) -> tuple[str, ...]: ...

    def currencies(self) -> tuple[str, ...]: ...

    def groups(self) -> Groups: ...

    def measure(self, comp: str, factors: Mapping[str, float], pools: Sequence[np.ndarray],
                queries: Sequence[np.ndarray]) -> list[PoolMeasure]: ...

    def summary(self, by: Sequence[str], keys: Mapping[str, str], factors: Mapping[str, float] | None,
                currency: str | None) -> pd.DataFrame: ...


SUMMARY_STATS = ("n", *(M.pcol(k) for k in M.REPORTED_POINTS), "mean", "min", "max")


def show_key(role, level, location) -> str:
    return f"{role} / {level or 'any level'} / {location or 'any location'}"


def key_filter(frame_keys: Mapping[str, np.ndarray], keys: Mapping[str, str]) -> np.ndarray | None:
    """Rows kept by `summarize`'s filters: the key equals, or (level, location) is empty = any."""
    keep = None
    for key, wanted in keys.items():
        col = frame_keys[key]
        ok = (col == wanted) | ((col == "") & (key != "role"))
        keep = ok if keep is None else keep & ok
    return keep
