"""Market-data value objects: options, the import report and the loaded `MarketData` bundle.

Pure data: nothing here reads files or computes percentiles. Column names of the frames a
`MarketData` carries are module constants so every other market module spells them once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Optional

import pandas as pd
from pydantic import BaseModel, ConfigDict, field_validator, model_validator

COMPONENTS = ("base", "bonus", "equity", "total")
KEYS = ("role", "level", "location")
REPORTED_POINTS = (10, 25, 50, 75, 90)  # the p-values every result row carries

# columns of the normalised frames that code refers to by name
COMPONENT = "component"
YEARS, DATE = "years_experience", "date"
WAGE_LEVEL_COLS = ("level_1", "level_2", "level_3", "level_4")


def key_column(key: str) -> str:
    """Column holding the matching key of `key` ('role' → '_role'): folded, aliased text that
    `place` and `summarize` compare; the plain column keeps the spelling shown to people."""
    return "_" + key


KEY_COLUMNS = tuple(key_column(k) for k in KEYS)  # ('_role', '_level', '_location')


def pcol(k: int) -> str:
    """Column name of the k-th percentile: 25 → 'p25'."""
    return f"p{k}"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, str_strip_whitespace=True)


class MarketOptions(_Frozen):
    """How market rows are matched and which raw samples count.

    Attributes:
        aliases: spelling → canonical spelling, applied to role, level and location keys of both
            offers and market rows, e.g. ``{"Sr": "Senior", "SWE": "Software Engineer"}``.
        min_samples: raw samples: a pooled match is used only with at least this many values.
        years_experience: raw samples: keep rows whose years of experience lie in [min, max]
            (either end may be None); rows without a value are dropped when a range is set.
        companies: raw samples: keep only these companies (case-insensitive); empty = all.
        date_from / date_to: raw samples: keep rows dated within the range (inclusive).
        certified_only: LCA files: keep only cases whose status is exactly CERTIFIED.
        default_currency: currency of files that carry no currency column (US sources such as
            BLS, LCA and levels.fyi are USD regardless).
        market_location: the place whose rows to use for offers that set no `market_location`
            of their own (`--market-location`): the user's explicit say-so to use another
            country's data (docs/market.md "Geography").
    """

    aliases: tuple[tuple[str, str], ...] = ()
    min_samples: int = 5
    years_experience: Optional[tuple[Optional[float], Optional[float]]] = None
    companies: frozenset[str] = frozenset()
    date_from: Optional[date] = None
    date_to: Optional[date] = None
    certified_only: bool = True
    default_currency: Optional[str] = None
    market_location: Optional[str] = None

    @field_validator("aliases", mode="before")
    @classmethod
    def _aliases(cls, value):
        if isinstance(value, dict):
            return tuple((str(k), str(v)) for k, v in value.items())
        return value

    @field_validator("companies", mode="before")
    @classmethod
    def _companies(cls, value):
        if isinstance(value, str):
            return frozenset({value})
        return frozenset(value or ())

    @model_validator(mode="after")
    def _check(self):
        if self.min_samples < 1:
            raise ValueError(f"min_samples must be at least 1, got {self.min_samples}")
        return self

    @property
    def alias_map(self) -> dict[str, str]:
        return dict(self.aliases)


class ImportReport(_Frozen):
    """What an importer did: rows read, kept and dropped (with the reason for each count)."""

    source: str
    format: str
    rows_read: int
    rows_kept: int
    dropped: tuple[tuple[str, int], ...] = ()  # (reason, rows)
    values_dropped: tuple[tuple[str, int], ...] = ()  # (reason, cells) where the row stayed
    notes: tuple[str, ...] = ()

    @property
    def rows_dropped(self) -> int:
        return sum(n for _, n in self.dropped)

    def render(self) -> str:
        """One line: 'file: format; read 10 rows, kept 8, dropped 2 (2 repeated header row)'."""
        text = f"{self.source}: {self.format}; read {self.rows_read:,} rows, kept {self.rows_kept:,}, dropped {self.rows_dropped:,}"
        if self.dropped:
            text += " (" + "; ".join(f"{n:,} {reason}" for reason, n in self.dropped) + ")"
        if self.values_dropped:
            text += "; values ignored: " + "; ".join(f"{n:,} {reason}" for reason, n in self.values_dropped)
        for note in self.notes:
            text += f"; {note}"
        return text

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "format": self.format,
            "rows_read": self.rows_read,
            "rows_kept": self.rows_kept,
            "rows_dropped": self.rows_dropped,
            "dropped": {r: n for r, n in self.dropped},
            "values_dropped": {r: n for r, n in self.values_dropped},
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class MarketData:
    """One loaded market file in canonical form.

    Attributes:
        source: the file path (or a label for an in-memory frame); used in messages.
        label: a human name for the source ("BLS OEWS May 2022", "levels.fyi export", ...).
        format: the detected format: 'percentiles', 'samples', 'bls_oews', 'levels_fyi',
            'lca', 'ai_jobs', 'wage_levels'.
        Every frame also carries the matching keys `_role`, `_level`, `_location` (KEY_COLUMNS).
        percentiles: one row per (role, level, location, component) with columns role, level,
            location, component, currency, p<k> for every known percentile k, top_coded (comma
            list of p-columns that were top-coded, '' otherwise), occupation, source, as_of,
            sample_size, row. None when the file has no percentile rows.
        samples: one row per reported figure with columns role, level, location, currency,
            base, bonus, equity, total (float, NaN = missing), years_experience, company, date,
            occupation, row. None when the file has no raw samples.
        wage_levels: prevailing-wage levels: role, occupation, location, currency, level_1 …
            level_4 (annual, NaN = unknown), row. None when the file has none.
        as_of: the latest as-of date found (text, ISO where possible), or None.
        currencies: every currency the figures are in.
        report: the ImportReport.
        options: the MarketOptions the file was loaded with (aliases are already applied to the
            keys; min_samples is used when placing offers).
        table: the raw samples as a market engine holds them (`engines.base.SampleTable`:
            DuckDB over files, Dask over a cluster) when they are not in memory; None otherwise.
    """

    source: str
    label: str
    format: str
    report: ImportReport
    options: MarketOptions = field(default_factory=MarketOptions)
    percentiles: Optional[pd.DataFrame] = None
    samples: Optional[pd.DataFrame] = None
    wage_levels: Optional[pd.DataFrame] = None
    as_of: Optional[str] = None
    currencies: tuple[str, ...] = ()
    table: Optional[object] = None  # an engine's SampleTable when the raw samples are not in `samples`
    areas: Optional[pd.DataFrame] = None  # OFLC Geography file: area, area_name, state, county

    @property
    def components(self) -> tuple[str, ...]:
        found: list[str] = []
        if self.percentiles is not None and len(self.percentiles):
            found += list(pd.unique(self.percentiles[COMPONENT].astype(str)))
        if self.samples is not None and len(self.samples):
            found += [c for c in COMPONENTS if c in self.samples and self.samples[c].notna().any()]
        elif self.table is not None:
            found += list(self.table.components())
        return tuple(c for c in COMPONENTS if c in found)
