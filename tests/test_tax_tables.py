"""The tax tables: every section names its source, brackets are well formed, the year rules."""

from __future__ import annotations

import numpy as np
import pytest

from toolkit.offers.tax.tables import _files, bracket_rate, bracket_tax, jurisdictions, section, table_years

ALL = [(c, j) for c in ("us", "de", "gb") for j in jurisdictions(c)]


def _bracket_nodes(node, path=""):
    if isinstance(node, dict):
        if "thresholds" in node:
            yield path, node
        for k, v in node.items():
            yield from _bracket_nodes(v, f"{path}.{k}")


@pytest.mark.parametrize("country,jurisdiction", ALL)
def test_every_section_of_every_file_names_an_official_source(country, jurisdiction):
    files = _files(country, jurisdiction)
    assert files, (country, jurisdiction)
    for year, doc in files.items():
        assert 2025 <= year <= 2026
        for name, sec in doc.items():
            assert isinstance(sec, dict), f"{country}/{jurisdiction}/{year}: top-level {name!r} must be a section"
            assert "source" in sec and len(sec["source"]) > 20, f"{country}/{jurisdiction}/{year} [{name}] has no source"
            for path, node in _bracket_nodes(sec):
                t = np.asarray(node["thresholds"], dtype=float)
                assert t[0] == 0 and np.all(np.diff(t) > 0) and len(node["rates"]) == len(t), f"{year} {name}{path}"


def test_the_covered_jurisdictions_are_the_issue_list():
    assert set(jurisdictions("us")) == {"federal", "ca", "ny", "wa", "ma", "il", "co", "ga", "nj", "nc", "va", "or", "pa", "mn"}
    assert table_years("us", "federal") == (2025, 2026)
    assert table_years("de", "national") == (2025, 2026)
    assert table_years("gb", "national") == (2025, 2026)


def test_a_later_year_uses_the_last_published_table_and_says_so():
    sec = section("us", "federal", "income_tax", 2028)
    assert sec.year == 2026 and sec.requested == 2028
    assert sec.note("US federal income tax") == (
        "US federal income tax for 2028 uses the 2026 figures, the latest published in the toolkit's tables")
    assert section("us", "federal", "income_tax", 2026).note("x") is None


def test_an_earlier_year_uses_the_earliest_table_and_says_so():
    sec = section("us", "federal", "payroll", 2023)
    assert sec.year == 2025
    assert "the earliest in the toolkit's tables" in sec.note("US payroll")


def test_a_section_missing_from_a_year_comes_from_the_newest_earlier_file():
    # ca/2026.toml has only the SDI rate: 2026 income tax is the 2025 table.
    assert section("us", "ca", "income_tax", 2026).year == 2025
    assert section("us", "ca", "sdi", 2026).year == 2026
    assert section("us", "ca", "nothing", 2026) is None


def test_bracket_tax_and_rate_on_the_2025_single_schedule():
    t, r = section("us", "federal", "income_tax", 2025).brackets("brackets", "single")
    # 10% x 11,925 + 12% x 36,550 + 22% x 54,875 + 24% x 80,900 = 37,067 (taxable 184,250)
    assert bracket_tax(np.array([184_250.0]), t, r)[0] == pytest.approx(37_067.0, abs=0.005)
    assert bracket_rate(np.array([184_250.0, 0.0, 1e7]), t, r).tolist() == [0.24, 0.10, 0.37]
    assert bracket_tax(np.array([-5.0]), t, r)[0] == 0.0
