"""The built-in engine against PolicyEngine-US, component by component, and the PolicyEngine
engine itself (one simulation per run, the disk cache, non-US rows).

Needs the `tax-us` extra: skipped with a visible reason without it, a failure under CI=true.
The grid runs PolicyEngine once (about 2-3 minutes cold, in a temporary cache). Every cell must
agree within $1 per component, or the difference must be one of KNOWN_DEVIATIONS below; a
listed deviation makes that cell an expected failure with its reason, never a silent pass.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest

from toolkit.offers.tax import BuiltinEngine, TaxHouseholds
from toolkit.offers.tax import us
from toolkit.offers.tax.policyengine import PolicyEngineUS, installed_version


def _require_policyengine() -> None:
    if installed_version() is None:
        reason = "PolicyEngine-US is not installed (pip install -e '.[tax-us]')"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: required)")
        pytest.skip(reason)


COMPONENTS = ("us_federal_income_tax", "us_social_security", "us_medicare", "us_additional_medicare",
              "state_income_tax", "local_income_tax", "state_payroll")
PLACES = [("CA", ""), ("NY", ""), ("NY", "NYC"), ("WA", ""), ("TX", ""), ("FL", ""), ("MA", ""), ("IL", ""),
          ("CO", ""), ("GA", ""), ("NJ", ""), ("NC", ""), ("VA", ""), ("OR", ""), ("PA", ""), ("MN", "")]
INCOMES = (60_000, 120_000, 200_000, 400_000)
STATUSES = ("single", "married_joint")
YEARS = (2025, 2026)
CELLS = list(itertools.product(YEARS, PLACES, INCOMES, STATUSES))


@dataclass(frozen=True)
class Cell:
    year: int
    state: str
    locality: str
    income: float
    status: str
    itemizes: bool  # the toolkit itemizes state and local income tax on the federal return
    salt_share: float  # state and local income tax and state payroll over the standard deduction


@dataclass(frozen=True)
class Deviation:
    """A known difference between PolicyEngine-US and the toolkit, with the official figure."""

    key: str
    component: str
    applies: Callable[[Cell], bool]
    reason: str


# Checked on 2026-12-05 against policyengine-us 2.68.0.
KNOWN_DEVIATIONS = (
    Deviation("federal-salt", "us_federal_income_tax", lambda c: c.itemizes or c.salt_share > 0.8,
              "PolicyEngine bases the SALT deduction on its estimate of state income tax withheld and leaves out the "
              "state disability and family-leave contributions; the toolkit deducts the year's state and local income "
              "tax and the contributions the Schedule A instructions list (line 5a: CA SDI, NY DBL/PFL, NJ TDI/FLI/UI, "
              "PA UC), within the IRC 164(b)(7) cap"),
    Deviation("ca-sdi-2025", "state_payroll", lambda c: c.state == "CA" and c.year == 2025,
              "PolicyEngine applies the 2026 SDI rate (1.3%) to 2025; EDD's 2025 rate is 1.2% of all wages"),
    Deviation("co-tabor-2025", "state_income_tax", lambda c: c.state == "CO" and c.year == 2025,
              "PolicyEngine subtracts Colorado's 2025 TABOR sales-tax refund ($25-$59 a person by AGI), a one-time "
              "refundable credit the toolkit leaves out"),
    Deviation("co-addback", "state_income_tax", lambda c: c.state == "CO" and c.income >= 300_000,
              "above $300,000 of AGI PolicyEngine works out the federal-deduction add-back (C.R.S. 39-22-104(3)(p)) from "
              "its own itemized deductions; the toolkit adds back the standard deduction above $12,000 (2025) or "
              "$1,000 (2026); the remaining difference is not established"),
    Deviation("or-kicker-2025", "state_income_tax", lambda c: c.state == "OR" and c.year == 2025,
              "PolicyEngine credits Oregon's 2025 surplus refund ('kicker', 9.863% of the prior year's tax, which it "
              "takes from this year's); a one-time refund the toolkit leaves out"),
    Deviation("or-2026-tables", "state_income_tax", lambda c: c.state == "OR" and c.year == 2026,
              "the toolkit has Oregon's 2025 tables only and uses them for 2026 (the later-year rule, said in the "
              "notes); PolicyEngine has 2026 brackets and standard deduction"),
    Deviation("ca-2026-tables", "state_income_tax", lambda c: c.state == "CA" and c.year == 2026,
              "the toolkit uses the FTB 2025 schedules for 2026 (the later-year rule, said in the notes); "
              "PolicyEngine projects them with its own CPI uprating"),
    Deviation("il-2026-exemption", "state_income_tax", lambda c: c.state == "IL" and c.year == 2026,
              "PolicyEngine indexes the Illinois exemption to $2,925 for 2026; the toolkit keeps the published 2025 "
              "$2,850 (the later-year rule)"),
    Deviation("ny-2026-recapture-rounding", "state_income_tax",
              lambda c: c.state == "NY" and c.year == 2026 and c.income == 200_000 and c.status == "single",
              "PolicyEngine adds the rounded $567 recapture; IT-201 worksheet 1 multiplies: 5.9% x 192,000 - table "
              "tax = $568.25 more than the table"),
    Deviation("ga-itemizer", "state_income_tax", lambda c: c.state == "GA" and c.itemizes,
              "PolicyEngine follows a Georgia itemized path (itemized deductions less adjustments, and a $300 itemizer "
              "credit) when the federal return itemizes; the toolkit keeps the Georgia standard deduction (not checked "
              "against IT-511)"),
    Deviation("mn-paid-leave-cap", "state_payroll", lambda c: c.state == "MN" and c.year == 2026 and c.income > 184_500,
              "PolicyEngine caps Minnesota Paid Leave wages at $185,000; the toolkit at the 2026 Social Security wage "
              "base, $184,500 (Minn. Stat. 268B.14)"),
)


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    _require_policyengine()
    h = TaxHouseholds.build(
        year=[c[0] for c in CELLS], country="US", region=[c[1][0] for c in CELLS], locality=[c[1][1] for c in CELLS],
        wages=[float(c[2]) for c in CELLS], filing_status=[c[3] for c in CELLS],
    )
    engine = PolicyEngineUS(tmp_path_factory.mktemp("pe-cache"))
    pe = engine.compute(h)
    assert engine.simulations_run == 1  # one simulation for every household of the run
    return h, BuiltinEngine().compute(h), pe


def _itemizes(year: int, status: str, income: float, federal: float, salt: float) -> tuple[bool, float]:
    """(did the toolkit itemize, state and local taxes as a share of the standard deduction)."""
    inc = us.federal_sections(year)[0]
    g = us.UsGroup(year=year, status=status, state="", locality="", wages=np.array([income]), pretax=np.zeros(1),
                   other=np.zeros(1), spouse=np.zeros(1), dependents=np.zeros(1, dtype=int))
    std = us.standard_deduction(g, inc)
    with_standard = us.federal_income_tax(g, inc, np.array([std]))
    return bool(federal < with_standard[0] - 0.005), salt / std


@pytest.mark.parametrize("cell", CELLS, ids=[f"{y}-{s}{'-' + l if l else ''}-{i // 1000}k-{st}" for y, (s, l), i, st in CELLS])
def test_builtin_matches_policyengine_within_a_dollar_or_a_listed_deviation(grid, cell):
    h, builtin, pe = grid
    i = CELLS.index(cell)
    year, (state, locality), income, status = cell
    federal = builtin.components["us_federal_income_tax"][i]
    salt = sum(float(builtin.components[k][i]) for k in ("state_income_tax", "local_income_tax", "state_payroll") if k in builtin.components)
    c = Cell(year, state, locality, float(income), status, *_itemizes(year, status, float(income), federal, salt))
    unexplained, explained = [], []
    for name in COMPONENTS:
        ours = float(builtin.components.get(name, np.zeros(len(h)))[i])
        theirs = float(pe.components.get(name, np.zeros(len(h)))[i])
        if abs(ours - theirs) <= 1.0:
            continue
        known = [d for d in KNOWN_DEVIATIONS if d.component == name and d.applies(c)]
        line = f"{name}: toolkit {ours:,.2f}, PolicyEngine {theirs:,.2f}"
        if known:
            explained.append(f"{line} ({known[0].key}: {known[0].reason})")
        else:
            unexplained.append(line)
    assert not unexplained, "unexplained differences over $1: " + "; ".join(unexplained)
    if explained:
        pytest.xfail("; ".join(explained))


def test_policyengine_engine_cache_and_non_us_rows(tmp_path):
    _require_policyengine()
    h = TaxHouseholds.build(year=2025, country=["US", "US", "DE"], region=["WA", "NY", ""], locality=["", "NYC", ""],
                            wages=[150_000.0, 200_000.0, 100_000.0], bonus=[20_000.0, 0.0, 0.0])
    engine = PolicyEngineUS(tmp_path)
    cold = engine.compute(h)
    assert engine.simulations_run == 1
    warm_engine = PolicyEngineUS(tmp_path)
    warm = warm_engine.compute(h)
    assert warm_engine.simulations_run == 0  # every row came from the cache
    np.testing.assert_allclose(warm.total_tax, cold.total_tax)
    assert cold.engine == "policyengine" and cold.engine_version.startswith("policyengine-us ")
    # NYC: PolicyEngine's own figures (IT-201 2025): NYS 6% x 192,000 - its $0.25 rounding, NYC 6,823.17
    assert cold.components["local_income_tax"][1] == pytest.approx(6_823.17, abs=0.01)
    # the German row is the built-in engine's, and says so
    assert cold.components["de_income_tax"][2] == 23_835.0
    assert cold.notes[2][0] == "PolicyEngine-US covers the US only: these figures come from the built-in tables"
    # a $20,000 bonus in the 24% bracket: owed 4,800 at filing vs 22% withheld (4,400)
    assert cold.withholding_gap[0] == pytest.approx(400.0, abs=1.0)
