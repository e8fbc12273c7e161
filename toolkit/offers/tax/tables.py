"""The built-in engine's data: one TOML file per jurisdiction and tax year, and bracket maths.

Files live in `data/<country>/<jurisdiction>/<year>.toml` (e.g. `us/ca/2025.toml`,
`de/national/2026.toml`). Each file has sections (`income_tax`, `payroll`, `nyc`, ...), and
every section names its official `source`. A file may leave a section out: a year then uses
the newest earlier file that has it, and the later-year rule applies the same way to years
after the last published table. Either way `section()` returns the year actually used, so the
caller can say so. Nothing here knows a jurisdiction's rules; it only reads and looks up.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Mapping

import numpy as np

_ROOT = "data"


@lru_cache(maxsize=None)
def _files(country: str, jurisdiction: str) -> dict[int, Mapping[str, Any]]:
    """{year: parsed file} for one jurisdiction; {} when there are none."""
    base = resources.files("toolkit.offers.tax").joinpath(_ROOT, country, jurisdiction)
    if not base.is_dir():
        return {}
    out: dict[int, Mapping[str, Any]] = {}
    for entry in base.iterdir():
        if entry.name.endswith(".toml") and entry.name[:-5].isdigit():
            out[int(entry.name[:-5])] = tomllib.loads(entry.read_text(encoding="utf-8"))
    return out


def jurisdictions(country: str) -> tuple[str, ...]:
    """The jurisdictions with table files under one country (`us` → `federal`, `ca`, ...)."""
    base = resources.files("toolkit.offers.tax").joinpath(_ROOT, country)
    if not base.is_dir():
        return ()
    return tuple(sorted(e.name for e in base.iterdir() if e.is_dir() and not e.name.startswith("_")))


def table_years(country: str, jurisdiction: str) -> tuple[int, ...]:
    return tuple(sorted(_files(country, jurisdiction)))


@dataclass(frozen=True)
class Section:
    """One section of one jurisdiction's tables, and the tax year the figures are for."""

    country: str
    jurisdiction: str
    name: str
    year: int  # the year of the file the section came from
    requested: int  # the tax year asked for
    data: Mapping[str, Any]

    @property
    def source(self) -> str:
        return str(self.data.get("source", ""))

    def note(self, label: str) -> str | None:
        """The later-year (or earlier-year) sentence, or None when the year's own table was used."""
        if self.year == self.requested:
            return None
        if self.requested > self.year:
            return (f"{label} for {self.requested} uses the {self.year} figures, the latest published "
                    f"in the toolkit's tables")
        return f"{label} for {self.requested} uses the {self.year} figures, the earliest in the toolkit's tables"

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def by_status(self, key: str, status: str) -> Any:
        """A figure that may differ by filing status: a table keyed by status, or one value."""
        value = self.data[key]
        if isinstance(value, Mapping):
            return value[status]
        return value

    def brackets(self, key: str, status: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(thresholds, rates) of a bracket schedule, per status when the table has one per status."""
        node = self.data[key]
        if status is not None and status in node:
            node = node[status]
        return _bracket_arrays(id(node), node)


_BRACKET_CACHE: dict[int, tuple[np.ndarray, np.ndarray, Mapping]] = {}


def _bracket_arrays(key: int, node: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    hit = _BRACKET_CACHE.get(key)
    if hit is not None and hit[2] is node:
        return hit[0], hit[1]
    thresholds = np.asarray(node["thresholds"], dtype=float)
    rates = np.asarray(node["rates"], dtype=float)
    if thresholds.shape != rates.shape or thresholds[0] != 0 or np.any(np.diff(thresholds) <= 0):
        raise ValueError(f"bad bracket table {node!r}: thresholds must start at 0 and rise, one rate each")
    _BRACKET_CACHE[key] = (thresholds, rates, node)
    return thresholds, rates


@lru_cache(maxsize=None)
def section(country: str, jurisdiction: str, name: str, year: int) -> Section | None:
    """The section for `year`: from that year's file, else the newest earlier file that has it,
    else (for years before every table) the earliest file that has it. None if no file has it.
    Cached: the engine asks for the same sections once per group of rows, hundreds of times a run."""
    files = _files(country, jurisdiction)
    having = sorted(y for y, doc in files.items() if name in doc)
    if not having:
        return None
    earlier = [y for y in having if y <= year]
    used = earlier[-1] if earlier else having[0]
    return Section(country, jurisdiction, name, used, year, files[used][name])


def bracket_tax(income: np.ndarray, thresholds: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """Tax on `income` under a marginal schedule (rate[i] applies from thresholds[i] up).

    Notes: the tax is piecewise linear in income, so it is interpolated between the tax at each
    threshold (and at a point far beyond the last), which costs O(n log k) instead of O(n k).

    Examples:
        >>> float(bracket_tax(np.array([50_000.0]), np.array([0.0, 11_925, 48_475]), np.array([0.10, 0.12, 0.22]))[0])
        5914.0
    """
    xs, ys = _cumulative(thresholds.tobytes(), rates.tobytes())
    return np.interp(np.maximum(np.asarray(income, dtype=float), 0.0), xs, ys)


@lru_cache(maxsize=512)
def _cumulative(thresholds_bytes: bytes, rates_bytes: bytes) -> tuple[np.ndarray, np.ndarray]:
    thresholds = np.frombuffer(thresholds_bytes)
    rates = np.frombuffer(rates_bytes)
    far = max(thresholds[-1] * 10.0, 1e12)
    xs = np.append(thresholds, far)
    ys = np.concatenate([[0.0], np.cumsum(np.diff(xs) * rates)])
    return xs, ys


def bracket_rate(income: np.ndarray, thresholds: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """The marginal rate of the bracket each income falls in (the rate on the next unit)."""
    idx = np.searchsorted(thresholds, np.maximum(np.asarray(income, dtype=float), 0.0), side="right") - 1
    return rates[np.clip(idx, 0, len(rates) - 1)]


def capped(amount: np.ndarray, cap: float | None) -> np.ndarray:
    """min(amount, cap), with no cap when cap is None."""
    return amount if cap is None else np.minimum(amount, cap)
