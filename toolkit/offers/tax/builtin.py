"""The built-in engine: groups rows by jurisdiction and year, runs one function per jurisdiction.

Rows that share country, region, locality, tax year and filing status form a group, so each
jurisdiction function sees scalar tables and arrays of pay. `COUNTRIES` is the registry: one
function per country, `fn(rows, year, status, region, locality) -> (components, notes,
table years)`, elementwise over the rows it is given. Per group the engine calls it once on
the rows stacked several times: as given; with 100 more of wages (the marginal rate); for US
rows with bonus or vested equity, without them (the withholding gap); and for rows whose
household has other income or a spouse's wages, without this person's pay (the tax on the
offer is the difference). Countries without tables get zero tax and a note that says so.
Speed (issue 14): the grouping numbers string columns by object identity and sorts with a
16-bit radix sort, results are written in group order and put back by one gather per column,
and the components are put back only when read (see `Reordered`).
"""

from __future__ import annotations

import ctypes
import hashlib
from functools import lru_cache
from importlib import resources
from typing import Callable, Iterator, Mapping

import numpy as np
import pandas as pd

from . import ca, de, fr, india, uk, us
from .base import COMPONENT_LEVEL, CURRENCY, FILING_STATUSES, LEVELS, TaxHouseholds, TaxResult, combine_notes
from .tables import section
from .us_states import US_STATES, state_tax

MARGINAL_STEP = 100.0

GroupFn = Callable[[TaxHouseholds, int, str, str, str], tuple[dict[str, np.ndarray], list[str], list[int]]]


class _FederalFigures(dict):
    """The federal figures a state's rules may start from; the federal tax with the standard
    deduction (Oregon's subtraction) is worked out only when a state asks for it."""

    def __init__(self, g: us.UsGroup, inc, figures: dict):
        super().__init__(figures)
        self._g, self._inc = g, inc

    def __missing__(self, key: str) -> np.ndarray:
        if key != "federal_tax_standard":
            raise KeyError(key)
        value = self[key] = us.federal_income_tax(self._g, self._inc, np.full(len(self._g.wages), self["standard_deduction"]))
        return value


def compute_us(h: TaxHouseholds, year: int, status: str, region: str, locality: str):
    """Federal income tax, FICA, and the state and local part for one group of US rows."""
    inc, salt, payroll, _ = us.federal_sections(year)
    notes = [n for n in (inc.note("US federal income tax"), payroll.note("US Social Security and Medicare")) if n]
    joint = status == "married_joint"
    if not joint and np.any(h.spouse_income > 0):
        notes.append("a spouse's income counts only for joint filers (filing_status married_joint)")
    g = us.UsGroup(
        year=year, status=status, state=region, locality=locality, wages=h.gross_pay, pretax=h.pretax_deductions,
        other=h.other_income, spouse=h.spouse_income if joint else np.zeros(len(h)), dependents=h.dependents,
    )
    fica = us.fica(g, payroll)
    std = us.standard_deduction(g, inc)
    cap = us.salt_cap(g, salt)
    st = state_tax(g, _FederalFigures(g, inc, {**fica, "standard_deduction": std, "salt_cap": cap}))
    deduction = np.maximum(std, np.minimum(st.salt, cap))
    fed_tax = us.federal_income_tax(g, inc, deduction)
    components = {
        "us_federal_income_tax": fed_tax,
        **fica,
        "state_income_tax": st.income,
        "local_income_tax": st.local,
        "state_payroll": st.payroll,
    }
    if np.any(g.dependents > 0):
        notes.append("US: dependents are taken as children under 17 for the child tax credit")
    return components, notes + st.notes + list(us.NOT_MODELLED), [inc.year, payroll.year, *st.table_years]


def compute_de(h: TaxHouseholds, year: int, status: str, region: str, locality: str):
    return de.compute(h, year, status, region)


def compute_gb(h: TaxHouseholds, year: int, status: str, region: str, locality: str):
    return uk.compute(h, year, status, region)


def compute_fr(h: TaxHouseholds, year: int, status: str, region: str, locality: str):
    return fr.compute(h, year, status, region)


def compute_ca(h: TaxHouseholds, year: int, status: str, region: str, locality: str):
    return ca.compute(h, year, status, region)


def compute_in(h: TaxHouseholds, year: int, status: str, region: str, locality: str):
    return india.compute(h, year, status, region)


COUNTRIES: dict[str, GroupFn] = {
    "US": compute_us, "DE": compute_de, "GB": compute_gb, "FR": compute_fr, "CA": compute_ca, "IN": compute_in,
}


@lru_cache(maxsize=1)
def tables_digest() -> str:
    """A short hash of every table file: the built-in engine's version changes with its data."""
    digest = hashlib.sha256()
    root = resources.files("toolkit.offers.tax").joinpath("data")
    stack = [root]
    files = []
    while stack:
        node = stack.pop()
        for entry in node.iterdir():
            if entry.is_dir():
                stack.append(entry)
            elif entry.name.endswith(".toml"):
                files.append(entry)
    for entry in sorted(files, key=lambda e: str(e)):
        digest.update(entry.name.encode())
        digest.update(entry.read_bytes())
    return digest.hexdigest()[:12]


def check_households(h: TaxHouseholds) -> None:
    _check_statuses(pd.unique(h.filing_status))


def _check_statuses(statuses) -> None:
    bad = sorted({str(s) for s in statuses if s not in FILING_STATUSES})
    if bad:
        raise ValueError(f"filing_status must be one of {', '.join(FILING_STATUSES)}, got {', '.join(map(repr, bad))}")


NUMERIC = ("year", "dependents", "wages", "bonus", "equity", "pretax_deductions", "other_income", "spouse_income", "church_tax")
STRINGS = ("country", "region", "locality", "filing_status")

# Above this many distinct string objects in a column, numbering by identity gains nothing.
_MAX_IDENTITIES = 4096


def _codes(col: np.ndarray) -> tuple[np.ndarray, int]:
    """(codes, count): a small integer per row such that equal codes mean equal values.

    Object (string) columns are numbered by object identity, read as the array's pointers:
    columns built by np.repeat, np.full or from repeated literals hold a handful of objects,
    and hashing 400,000 pointers costs about a tenth of hashing 400,000 strings. Equal strings
    that are distinct objects get distinct codes; `groups` merges those by value. A column of
    many distinct objects is numbered by value instead. Years are numbered by offset.
    """
    n = len(col)
    if col.dtype == object:
        col = np.ascontiguousarray(col)
        pointers = np.ctypeslib.as_array((ctypes.c_ssize_t * n).from_address(col.ctypes.data))
        if (pointers == pointers[0]).all():  # one object throughout (np.full, one place)
            return np.zeros(n, dtype=np.intp), 1
        # A spread sample shows a column of strings made one by one without hashing them all.
        if len(np.unique(pointers[::max(1, n // 2048)])) <= _MAX_IDENTITIES // 8:
            codes, uniques = pd.factorize(pointers)
            if len(uniques) <= _MAX_IDENTITIES:
                return codes, len(uniques)
        codes, uniques = pd.factorize(col, use_na_sentinel=False)
        return codes, len(uniques)
    low, high = int(col.min()), int(col.max())
    if high - low < _MAX_IDENTITIES:
        return col - low, high - low + 1
    codes, uniques = pd.factorize(col)
    return codes, len(uniques)


Group = tuple[str, str, str, int, str]  # country, region, locality, tax year, filing status


def groups(h: TaxHouseholds) -> tuple[list[Group], list[np.ndarray], np.ndarray]:
    """(labels, indices, row_group): group g's (country, region, locality, year, status), its
    rows (rising), and each row's group number.

    Each column is numbered (`_codes`), the numbers combined into one key, and the rows put in
    key order by a stable counting sort (numpy's radix sort for 16-bit keys: a few ms for
    400,000 rows, where grouping five object columns by value took 100 ms).
    """
    n = len(h)
    if n == 0:
        return [], [], np.zeros(0, dtype=np.intp)
    key = np.zeros(n, dtype=np.int64)
    size = 1
    for name in STRINGS + ("year",):
        codes, count = _codes(getattr(h, name))
        if size * count >= 1 << 62:  # renumbering the key so far keeps the product in range
            key, uniques = pd.factorize(key)
            size = len(uniques)
        if count > 1:
            key *= count
            key += codes
            size *= count
    if size >= 1 << 16:
        key, uniques = pd.factorize(key)
        size = len(uniques)
    order = np.argsort(key.astype(np.uint16) if size < 1 << 16 else key, kind="stable")
    counts = np.bincount(key, minlength=size)
    stops = np.cumsum(counts)
    labels: list[Group] = []
    parts: list[list[np.ndarray]] = []
    number = np.zeros(size, dtype=np.intp)  # key -> group number
    for k in np.flatnonzero(counts).tolist():
        rows = order[stops[k] - counts[k]:stops[k]]
        first = rows[0]
        label = (h.country[first], h.region[first], h.locality[first], int(h.year[first]), h.filing_status[first])
        try:  # equal strings held by distinct objects got distinct keys: one group by value
            g = labels.index(label)
        except ValueError:
            g = len(labels)
            labels.append(label)
            parts.append([])
        parts[g].append(rows)
        number[k] = g
    indices = [p[0] if len(p) == 1 else np.sort(np.concatenate(p)) for p in parts]
    return labels, indices, number[key]


class _Stacker:
    """Builds a group's rows several times over, so that one call of the jurisdiction function
    answers them all: as given; with 100 more wages (the marginal rate); the rows with bonus or
    equity without them (the US withholding gap); and the rows whose household has other income
    or a spouse's wages without this pay (the tax on this pay is the difference).

    Rows are gathered straight into the stacked arrays; a column that is zero in every row of
    the run is not gathered at all, and the year is the group's."""

    def __init__(self, h: TaxHouseholds):
        self.h = h
        self.zero = {k for k in NUMERIC if k != "year" and not getattr(h, k).any()}

    def column(self, name: str, idx: np.ndarray) -> np.ndarray:
        if name in self.zero:
            return np.zeros(len(idx))
        return getattr(self.h, name)[idx]

    def stack(self, idx: np.ndarray, year: int, rows: dict[str, np.ndarray], supplemental: np.ndarray | None,
              more: np.ndarray | None) -> TaxHouseholds:
        m = len(idx)
        s = 0 if supplemental is None else len(supplemental)
        length = 2 * m + s + (0 if more is None else len(more))
        out = {}
        for name in NUMERIC:
            if name == "year":
                out[name] = np.full(length, year, dtype=np.int64)
                continue
            if name in self.zero:
                out[name] = np.zeros(length, dtype=getattr(self.h, name).dtype)
                continue
            col = getattr(self.h, name)
            buf = np.empty(length, dtype=col.dtype)
            given = rows.get(name)
            if given is None:
                np.take(col, idx, out=buf[:m])
                given = buf[:m]
            else:
                buf[:m] = given
            if name == "wages":
                np.add(given, MARGINAL_STEP, out=buf[m:2 * m])
            else:
                buf[m:2 * m] = given
            if supplemental is not None:
                if name in ("bonus", "equity"):
                    buf[2 * m:2 * m + s] = 0
                else:
                    np.take(given, supplemental, out=buf[2 * m:2 * m + s])
            if more is not None:
                if name in ("wages", "bonus", "equity", "pretax_deductions"):
                    buf[2 * m + s:] = 0
                else:
                    np.take(given, more, out=buf[2 * m + s:])
            out[name] = buf
        empty = np.empty(0, dtype=object)  # the group's shared strings travel as arguments
        return TaxHouseholds(country=empty, region=empty, locality=empty, filing_status=empty, **out)


CHUNK_ROWS = 12_288  # rows of one group per call of a jurisdiction function (see compute)


def _run_chunk(fn: GroupFn, stacker: _Stacker, idx: np.ndarray, start: int, label: Group, n: int, results) -> tuple[tuple[str, ...], list[int]]:
    """Run one jurisdiction function on rows `idx` of one group and write their results at
    [start, start + len(idx)) of the group-order arrays; (notes, table years) back."""
    country, region, locality, year, status = label
    comps, levels, total, marginal, gap = results
    m = len(idx)
    stop = start + m
    # The tax on this pay: the household's tax minus its tax without this pay (the
    # household without it owes nothing unless it has other income or a spouse's wages).
    rows = {k: stacker.column(k, idx) for k in ("other_income", "spouse_income")}
    has_more = (rows["other_income"] != 0) | (rows["spouse_income"] != 0)
    more = np.flatnonzero(has_more) if has_more.any() else None
    with_supplemental = None
    if country == "US":  # the withholding gap needs the tax without bonus and equity
        rows.update({k: stacker.column(k, idx) for k in ("bonus", "equity")})
        supplemental = rows["bonus"] + rows["equity"]
        with_supplemental = np.flatnonzero(supplemental > 0)
        if not len(with_supplemental):
            with_supplemental = None
    g = stacker.stack(idx, year, rows, with_supplemental, more)
    out, notes, years = fn(g, int(year), str(status), str(region), str(locality))
    s = 0 if with_supplemental is None else len(with_supplemental)
    base = slice(2 * m + s, len(g))
    raw_total = np.zeros(m)
    up_total = np.zeros(m)
    group_total = total[start:stop]
    for name, v in out.items():
        own = v[:m]
        if more is not None:
            own = own.copy()
            own[more] -= v[base]
        raw_total += v[:m]
        up_total += v[m:2 * m]
        group_total += own
        if name not in comps:
            comps[name] = np.zeros(n)
        comps[name][start:stop] = own
        levels[COMPONENT_LEVEL[name]][start:stop] += own
    np.subtract(up_total, raw_total, out=up_total)
    np.divide(up_total, MARGINAL_STEP, out=marginal[start:stop])
    if with_supplemental is not None:
        wh = section("us", "federal", "withholding", int(year))
        fed = out["us_federal_income_tax"]
        owed = fed[with_supplemental] - fed[2 * m:2 * m + s]
        gap[start + with_supplemental] = owed - us.supplemental_withholding(supplemental[with_supplemental], wh)
    return combine_notes(notes), years


def merge_notes(lists: list[tuple[str, ...]]) -> tuple[str, ...]:
    """One group's notes from its chunks' notes. A function writes its notes in a fixed order,
    some only when a row needs them (a spouse's income, dependents), so each chunk's list is
    a part of the group's in that order; a note first seen in a later chunk goes right after
    the note before it there."""
    merged = list(lists[0])
    for notes in lists[1:]:
        at = -1
        for note in notes:
            if note in merged:
                at = merged.index(note)
            else:
                at += 1
                merged.insert(at, note)
    return tuple(merged)


class Reordered(Mapping):
    """Columns held in group order, each put in the caller's order when first read.

    The after-tax step reads the totals by level, not the components; gathering 16 component
    columns of 400,000 rows would be a fifth of the engine's time, so only readers pay it."""

    def __init__(self, columns: dict[str, np.ndarray], back: np.ndarray):
        self._columns, self._back, self._done = columns, back, {}

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._done:
            self._done[name] = self._columns[name][self._back]
        return self._done[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)


PACKED = (*LEVELS, "total", "marginal", "gap")


class BuiltinEngine:
    """Tables shipped with the toolkit: US federal + 13 states + NYC, DE, GB, FR, CA with Ontario, IN (see docs/tax.md)."""

    name = "builtin"

    def version(self) -> str:
        return f"builtin tables {tables_digest()}"

    def compute(self, households: TaxHouseholds) -> TaxResult:
        h = households
        n = len(h)
        labels, indices, row_group = groups(h)
        _check_statuses({label[4] for label in labels})
        # Results are written group after group in group order (contiguous slices) and put back
        # in the caller's order by one np.take over all result rows at the end: gathering costs
        # about half what scattering each group's rows into place costs, and one take of a
        # (7, n) block a third of seven separate gathers.
        order = np.concatenate(indices) if indices else np.zeros(0, dtype=np.intp)
        back = np.empty(n, dtype=np.intp)
        back[order] = np.arange(n)
        stacker = _Stacker(h)
        comps: dict[str, np.ndarray] = {}
        # One row per per-person result, in group order; put back with one np.take at the end.
        packed = np.zeros((len(PACKED), n))
        levels = {level: packed[PACKED.index(level)] for level in LEVELS}
        total, marginal, gap = packed[PACKED.index("total")], packed[PACKED.index("marginal")], packed[PACKED.index("gap")]
        group_years: list[int] = []
        group_notes_list: list[tuple[str, ...]] = []
        group_currency: list[str] = []
        stop = 0
        for (country, region, locality, year, status), idx in zip(labels, indices):
            m = len(idx)
            start, stop = stop, stop + m
            group_currency.append(CURRENCY.get(country, ""))
            fn = COUNTRIES.get(country)
            if fn is None:
                group_notes_list.append((f"no tax tables for {country}: use --tax-rate",))
                group_years.append(year)
                continue
            if country == "US" and region and region not in US_STATES:
                raise ValueError(f"unknown US state code {region!r}")
            # Large groups go to the function in chunks: arrays of a few ten thousand rows stay
            # in the CPU caches, where one call on 100,000 rows stacked three times took twice
            # as long per row (measured: 24 ms vs 12 ms per 300,000 stacked WA rows).
            chunk_notes, chunk_years = [], []
            for first in range(0, m, CHUNK_ROWS):
                part = idx[first:first + CHUNK_ROWS]
                results = (comps, levels, total, marginal, gap)
                notes, years = _run_chunk(fn, stacker, part, start + first, (country, region, locality, year, status), n, results)
                chunk_notes.append(notes)
                chunk_years.append(min(years))
            group_years.append(min(chunk_years))
            group_notes_list.append(merge_notes(chunk_notes))
        packed = np.take(packed, back, axis=1)
        levels = {level: packed[PACKED.index(level)] for level in LEVELS}
        total, marginal, gap = packed[PACKED.index("total")], packed[PACKED.index("marginal")], packed[PACKED.index("gap")]
        # Per-group values reach the rows by one gather from a short table each.
        boxed = np.empty(len(group_notes_list), dtype=object)
        boxed[:] = group_notes_list
        notes = boxed[row_group]
        currency = np.array(group_currency, dtype=object)[row_group]
        table_year = np.array(group_years, dtype=np.int64)[row_group]
        gross = h.gross_pay
        effective = np.zeros(n)
        np.divide(total, gross, out=effective, where=gross > 0)
        return TaxResult(
            engine=self.name,
            engine_version=self.version(),
            taxable_wages=gross,
            income_tax_national=levels["national"],
            income_tax_state=levels["state"],
            income_tax_local=levels["local"],
            payroll_tax=levels["payroll"],
            total_tax=total,
            effective_rate=effective,
            marginal_rate=marginal,
            withholding_gap=gap,
            currency=currency,
            table_year=table_year,
            components=Reordered(comps, back),
            notes=notes,
        )
