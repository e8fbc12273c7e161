"""The built-in engine as a whole: one call for many jurisdictions and years, notes, the flat engine."""

from __future__ import annotations

import numpy as np
import pytest

from toolkit.offers.tax import BuiltinEngine, FlatEngine, TaxHouseholds


def mixed(order=None):
    cols = dict(
        year=[2025, 2026, 2025, 2026, 2025, 2027, 2025],
        country=["US", "US", "DE", "GB", "JP", "US", "US"],
        region=["CA", "NY", "", "SCT", "", "WA", "TX"],
        locality=["", "NYC", "", "", "", "", ""],
        wages=[200_000.0, 150_000.0, 100_000.0, 80_000.0, 90_000.0, 120_000.0, 60_000.0],
        bonus=[20_000.0, 0.0, 5_000.0, 0.0, 0.0, 10_000.0, 0.0],
        filing_status=["single", "married_joint", "single", "single", "single", "head_of_household", "married_separate"],
    )
    if order is not None:
        cols = {k: [v[i] for i in order] for k, v in cols.items()}
    return TaxHouseholds.build(**cols)


def test_one_call_equals_row_by_row_and_order_does_not_matter():
    engine = BuiltinEngine()
    together = engine.compute(mixed())
    for i in range(7):
        alone = engine.compute(mixed([i]))
        assert alone.total_tax[0] == pytest.approx(together.total_tax[i], abs=1e-6)
        assert alone.marginal_rate[0] == pytest.approx(together.marginal_rate[i], abs=1e-9)
    order = [6, 2, 4, 0, 5, 1, 3]
    shuffled = engine.compute(mixed(order))
    np.testing.assert_allclose(shuffled.total_tax, together.total_tax[order])


def test_levels_add_up_to_the_total_and_rates_follow():
    r = BuiltinEngine().compute(mixed())
    levels = r.income_tax_national + r.income_tax_state + r.income_tax_local + r.payroll_tax
    np.testing.assert_allclose(levels, r.total_tax)
    np.testing.assert_allclose(r.effective_rate, r.total_tax / r.taxable_wages)
    assert list(r.currency) == ["USD", "USD", "EUR", "GBP", "", "USD", "USD"]


def test_a_country_without_tables_gets_zero_and_the_message():
    r = BuiltinEngine().compute(mixed())
    assert r.total_tax[4] == 0.0
    assert r.notes[4] == ("no tax tables for JP: use --tax-rate",)


def test_a_later_year_is_labelled_with_the_table_year():
    r = BuiltinEngine().compute(mixed())
    assert r.table_year[5] == 2026
    assert any("for 2027 uses the 2026 figures" in n for n in r.notes[5])


def test_bad_filing_status_and_state_are_refused():
    with pytest.raises(ValueError, match="filing_status must be one of single, married_joint, married_separate, head_of_household, got 'widow'"):
        BuiltinEngine().compute(TaxHouseholds.build(year=2025, country="US", region="TX", wages=1.0, filing_status="widow"))
    with pytest.raises(ValueError, match="unknown US state code 'XX'"):
        BuiltinEngine().compute(TaxHouseholds.build(year=2025, country="US", region="XX", wages=1.0))


def test_flat_engine_applies_the_rate_to_all_pay_and_says_whose_rate_it_is():
    r = FlatEngine(np.array([0.3, 0.25])).compute(TaxHouseholds.build(year=2025, country="US", wages=[100_000.0, 50_000.0], bonus=10_000.0))
    np.testing.assert_allclose(r.total_tax, [33_000.0, 15_000.0])
    assert r.notes[0] == ("flat rate given by you",)
    assert r.engine == "flat"


def test_version_names_the_tables():
    v = BuiltinEngine().version()
    assert v.startswith("builtin tables ") and len(v) == len("builtin tables ") + 12


def test_zero_pay_is_zero_tax():
    r = BuiltinEngine().compute(TaxHouseholds.build(year=2025, country=["US", "DE", "GB"], region=["CA", "", ""], wages=0.0))
    np.testing.assert_allclose(r.total_tax, 0.0)
    np.testing.assert_allclose(r.effective_rate, 0.0)


def _fresh(text: str) -> str:
    """An equal string that is a distinct object (the engine groups by object first)."""
    return "".join(list(text))


@pytest.mark.parametrize("rows", [12, 6_000])  # a few distinct objects, and more than the identity limit
def test_equal_strings_held_by_distinct_objects_group_as_one(rows):
    cols = dict(
        year=np.tile([2025, 2026, 2027], rows // 3),
        country=[["US", "DE", "GB"][i % 3] for i in range(rows)],
        region=[["NY", "", "SCT"][i % 3] for i in range(rows)],
        locality=[["NYC", "", ""][i % 3] for i in range(rows)],
        filing_status=[["single", "married_joint"][i % 2] for i in range(rows)],
        wages=np.linspace(20_000.0, 400_000.0, rows), equity=np.linspace(0.0, 50_000.0, rows),
        other_income=np.where(np.arange(rows) % 5 == 0, 3_000.0, 0.0),
    )
    shared = TaxHouseholds.build(**cols)
    fresh = TaxHouseholds.build(**{k: [_fresh(s) for s in v] if isinstance(v, list) else v for k, v in cols.items()})
    assert fresh.country[0] is not fresh.country[3]
    a, b = BuiltinEngine().compute(shared), BuiltinEngine().compute(fresh)
    for name in ("total_tax", "income_tax_national", "income_tax_state", "income_tax_local", "payroll_tax",
                 "marginal_rate", "withholding_gap", "table_year"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert list(a.notes) == list(b.notes) and list(a.currency) == list(b.currency)
    assert dict(a.components.items()).keys() == dict(b.components.items()).keys()


def test_components_are_full_columns_in_the_callers_order():
    h = mixed()
    r = BuiltinEngine().compute(h)
    assert len(r.components) == len(list(r.components)) and "us_federal_income_tax" in r.components
    total = sum(r.components[k] for k in r.components)
    np.testing.assert_allclose(total, r.total_tax)
    assert r.components["de_income_tax"][2] > 0 and r.components["de_income_tax"][0] == 0
