"""The built-in engine's every figure on a grid pinned by a golden file.

The grid covers every built-in jurisdiction (US federal with each covered state, NYC, a
no-wage-tax state, an uncovered state and no state; Germany with and without church tax, in a
reduced-rate region, with and without children; the UK and Scotland; a country without tables),
every filing status, a table year, a later year and an earlier one, and pay just below, at and
above every figure in the jurisdiction's tables (brackets, wage bases, caps, phase-outs, as
wages and as wages plus the standard deduction), with bonus, equity, a pre-tax deferral, other
income, a spouse's wages and dependents varied across rows. It was generated from the engine
before its vectorised rewrite, so any change of a figure (beyond float noise far below a cent)
fails here; the hand-computed tests in test_tax_*.py say which figures are right. Regenerate
with `pytest --update-golden` only when the tables or rules change on purpose, and review.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from typing import Any, Mapping

import numpy as np

from tests.conftest import GOLDEN
from toolkit.offers.tax import BuiltinEngine, TaxHouseholds
from toolkit.offers.tax.base import COMPONENT_LEVEL, FILING_STATUSES, RESULT_COLUMNS
from toolkit.offers.tax.tables import section

GOLDEN_FILE = GOLDEN / "tax_builtin_grid.csv"
NOTES_FILE = GOLDEN / "tax_builtin_grid_notes.txt"

YEARS = (2024, 2025, 2026, 2027)  # 2024: before every table; 2027: after the last
US_PLACES = [("CA", ""), ("CA", "SF"), ("NY", ""), ("NY", "NYC"), ("WA", ""), ("MA", ""), ("IL", ""), ("CO", ""),
             ("GA", ""), ("NJ", ""), ("NC", ""), ("VA", ""), ("OR", ""), ("PA", ""), ("MN", ""), ("TX", ""),
             ("FL", ""), ("OH", ""), ("", "")]
DE_PLACES = [("", False, 0), ("", True, 0), ("BY", True, 2), ("BE", False, 1), ("", False, 3)]
GB_PLACES = ["", "SCT"]

# (bonus share, equity, pre-tax share, other income, spouse wages, dependents) by row, in turn.
MIXES = [
    (0.0, 0.0, 0.0, 0.0, 0.0, 0),
    (0.15, 20_000.0, 0.06, 0.0, 0.0, 0),
    (0.0, 0.0, 0.0, 8_000.0, 0.0, 1),
    (0.10, 0.0, 0.04, 0.0, 70_000.0, 2),
    (0.0, 1_200_000.0, 0.0, 0.0, 0.0, 0),
    (0.05, 5_000.0, 0.10, 2_500.0, 150_000.0, 3),
]
FIXED = [0.0, 35_000.0, 160_000.0, 2_500_000.0]


def _numbers(node: Any) -> list[float]:
    """Every figure of a table section that can be an amount (rates and years left out)."""
    if isinstance(node, Mapping):
        return [x for k, v in node.items() if k != "source" for x in _numbers(v)]
    if isinstance(node, (list, tuple)):
        return [x for v in node for x in _numbers(v)]
    if isinstance(node, (int, float)) and not isinstance(node, bool) and 1_000 <= node <= 3_000_000:
        return [float(node)]
    return []


def _figures(country: str, jurisdictions: list[str], year: int) -> list[float]:
    out: set[float] = set()
    for jur in jurisdictions:
        for name in ("income_tax", "salt", "payroll", "withholding", "sdi", "nyc", "solidarity", "church", "social",
                     "national_insurance", "scotland"):
            sec = section(country, jur, name, year)
            if sec is not None:
                out.update(_numbers(sec.data))
    return sorted(out)


def _incomes(figures: list[float], shift: float, part: int, parts: int) -> list[float]:
    """Part `part` of `parts` of the incomes at and 30 below every figure (also + `shift`), so
    that the year × status combinations together hit every figure, plus a few fixed incomes."""
    cands = sorted({round(f + s + d, 2) for f in figures for s in (0.0, shift) for d in (-30.0, 0.0) if f + s + d > 0})
    return FIXED + cands[part::parts]


def grid() -> TaxHouseholds:
    rows: list[dict] = []

    def add(place: dict, incomes: list[float]) -> None:
        for i, gross in enumerate(incomes):
            bonus_share, equity, pretax_share, other, spouse, deps = MIXES[(i + len(rows)) % len(MIXES)]
            equity = min(equity, 0.5 * gross) if equity < 1_000_000 else equity
            wages = max(gross - equity, 0.0) / (1.0 + bonus_share)
            rows.append(dict(place, wages=round(wages, 2), bonus=round(wages * bonus_share, 2), equity=equity,
                             pretax_deductions=round(min(pretax_share * wages, 23_500.0), 2), other_income=other,
                             spouse_income=spouse, dependents=place.get("dependents", deps)))

    combos = [(y, s) for y in YEARS[1:] for s in FILING_STATUSES]
    # The year before every table only needs to show that the earliest tables are used.
    for part, (year, status) in enumerate([(YEARS[0], "single")] + combos):
        parts = len(combos) if part else 0
        std = float(section("us", "federal", "income_tax", year).by_status("standard_deduction", status))
        for state, locality in US_PLACES:
            figures = _figures("us", ["federal"] + ([state.lower()] if state else []), year) if parts else []
            add(dict(year=year, country="US", region=state, locality=locality, filing_status=status),
                _incomes(figures, std, part - 1, max(parts, 1)))
        for region, church, children in DE_PLACES:
            figures = _figures("de", ["national"], year) if parts else []
            add(dict(year=year, country="DE", region=region, locality="", filing_status=status, church_tax=church,
                     dependents=children), _incomes(figures, 1_230.0, part - 1, max(parts, 1)))
        for region in GB_PLACES:
            figures = _figures("gb", ["national"], year) if parts else []
            add(dict(year=year, country="GB", region=region, locality="", filing_status=status),
                _incomes(figures, 12_570.0, part - 1, max(parts, 1)))
        add(dict(year=year, country="BR", region="", locality="", filing_status=status), [50_000.0])
    cols = {k: [r.get(k, False if k == "church_tax" else None) for r in rows] for k in rows[0] | {"church_tax": 0}}
    return TaxHouseholds.build(**cols)


def _fmt(x: float, digits: int = 6) -> str:
    return "0" if x == 0 else f"{x:.{digits}f}".rstrip("0").rstrip(".")


def _notes_key(notes: tuple) -> str:
    return hashlib.sha256("\n".join(notes).encode()).hexdigest()[:10]


INPUTS = ("year", "country", "region", "locality", "filing_status", "dependents", "wages", "bonus", "equity",
          "pretax_deductions", "other_income", "spouse_income", "church_tax")


def render(h: TaxHouseholds) -> tuple[str, str]:
    """(the grid as CSV, every distinct notes tuple keyed by its hash) for the current engine."""
    r = BuiltinEngine().compute(h)
    # The components the grid's jurisdictions report (countries added later do not change it).
    components = tuple(c for c in COMPONENT_LEVEL if c in r.components)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(INPUTS + RESULT_COLUMNS + ("currency", "table_year", "notes") + components)
    notes: dict[str, tuple] = {}
    for i in range(len(h)):
        key = _notes_key(r.notes[i])
        notes[key] = r.notes[i]
        inputs = [getattr(h, k)[i] for k in INPUTS]
        inputs = [int(v) if isinstance(v, (bool, np.bool_)) else (_fmt(float(v)) if isinstance(v, np.floating) else v) for v in inputs]
        results = [_fmt(float(getattr(r, k)[i]), 12 if k.endswith("rate") else 6) for k in RESULT_COLUMNS]
        comps = [_fmt(float(r.components[c][i])) if c in r.components else "0" for c in components]
        w.writerow(inputs + results + [r.currency[i], int(r.table_year[i]), key] + comps)
    text = "\n\n".join(f"[{k}]\n" + "\n".join(v) for k, v in sorted(notes.items())) + "\n"
    return out.getvalue(), text


def test_every_figure_matches_the_golden_grid():
    csv_text, notes_text = render(grid())
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN_FILE.write_text(csv_text, encoding="utf-8")
        NOTES_FILE.write_text(notes_text, encoding="utf-8")
    assert GOLDEN_FILE.exists(), f"{GOLDEN_FILE} is missing; run pytest --update-golden once and review it"
    _check(csv_text, notes_text)


def test_groups_run_in_chunks_give_the_same_figures_and_notes(monkeypatch):
    # Groups of the grid hold 10-30 rows; chunks of 4 split every one of them, with notes that
    # only some chunks need (a spouse's income, dependents, church tax).
    from toolkit.offers.tax import builtin

    monkeypatch.setattr(builtin, "CHUNK_ROWS", 4)
    _check(*render(grid()))


def _check(csv_text: str, notes_text: str) -> None:
    assert notes_text == NOTES_FILE.read_text(encoding="utf-8")
    want = list(csv.reader(io.StringIO(GOLDEN_FILE.read_text(encoding="utf-8"))))
    got = list(csv.reader(io.StringIO(csv_text)))
    assert got[0] == want[0], "the grid's columns changed"
    assert len(got) == len(want), f"the grid has {len(got) - 1} rows, the golden file {len(want) - 1}"
    header = want[0]
    numeric = set(RESULT_COLUMNS) | set(COMPONENT_LEVEL)
    problems = []
    for line, (g, e) in enumerate(zip(got[1:], want[1:]), start=2):
        for name, a, b in zip(header, g, e):
            if name in numeric:
                # Amounts must agree far below a cent and rates to 1e-9: float noise from a
                # different order of additions is about 1e-10; a changed rule is cents or more.
                if abs(float(a) - float(b)) > (1e-9 if name.endswith("rate") else 1e-5):
                    problems.append(f"line {line} {name}: {a} != {b} ({', '.join(g[:7])})")
            elif a != b:
                problems.append(f"line {line} {name}: {a!r} != {b!r}")
    assert not problems, f"{len(problems)} differences, first ones:\n" + "\n".join(problems[:20])


def test_the_grid_covers_every_jurisdiction_status_and_year():
    h = grid()
    places = {(c, r, loc) for c, r, loc in zip(h.country, h.region, h.locality)}
    assert len(places) == len(US_PLACES) + 3 + len(GB_PLACES) + 1  # DE regions "", BY, BE
    assert set(h.filing_status) == set(FILING_STATUSES) and set(h.year) == set(YEARS)
    assert 3_000 <= len(h) <= 8_000
