"""OFLC wage-level files as published (ALC_Export.csv + Geography.csv): hourly wages × 2080 unless
labelled annual, areas resolved through the Geography file, 'area not resolved' rather than another
area's row, and the July–June wage year (issue 12)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.market import MarketOptions, load_market, wage_levels
from toolkit.market.importers.oflc import wage_year, wage_year_text

DATA = Path(__file__).parent / "data" / "OFLC_Wages_2025-26"
ALC, GEO = DATA / "ALC_Export.csv", DATA / "Geography.csv"
SHARED_GEO = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "oflc_wages_2025-26_Geography.csv"
OPTIONS = MarketOptions(aliases={"Software Engineer": "15-1252"})


def target(**cols) -> pd.DataFrame:
    row = {"offer_id": "o", "role": "Software Engineer", "level": None, "location": "Seattle, WA", "currency": "USD",
           "base": 120_000.0, "visa_sponsorship": True, "oflc_area": None, "county": None, **cols}
    return pd.DataFrame([row])


def markets():
    return [load_market(ALC, options=OPTIONS), load_market(GEO)]


def test_alc_export_is_read_as_hourly_and_annualised():
    m = load_market(ALC, options=OPTIONS)
    assert m.format == "oflc_alc" and m.as_of == "2025-07-01"
    lv = m.wage_levels.set_index(["occupation", "location"])
    assert lv.loc[("15-1252", "42660"), "level_1"] == pytest.approx(50 * 2080)  # 104,000
    assert lv.loc[("15-1252", "42660"), "level_4"] == pytest.approx(86 * 2080)  # 178,880
    lv = m.wage_levels.set_index("occupation")
    assert lv.loc["25-1021", "level_1"] == pytest.approx(80_000)  # labelled annual: not × 2080
    assert "11-1011" not in lv.index  # no leveled wage: skipped and counted
    assert dict(m.report.dropped) == {"no leveled wage": 1}
    assert "wage year 1 Jul 2025 – 30 Jun 2026" in m.report.render()


def test_a_120k_base_at_50_to_86_an_hour_is_level_one_not_level_four():
    # Why (issue 12): "a $120,000 base at levels of $50–86/hour is called Level IV instead of Level I".
    # 50 × 2080 = 104,000 ≤ 120,000 < 62 × 2080 = 128,960
    r = wage_levels(target(), markets()).iloc[0]
    assert r["level_reached"] == 1 and r["next_level"] == 2
    assert r["level_wage"] == pytest.approx(104_000) and r["gap_to_next_level"] == pytest.approx(8_960)
    assert r["area"] == "42660 Seattle-Tacoma-Bellevue, WA"
    assert r["source"] == "OFLC wage levels (ALC_Export), wage year 1 Jul 2025 – 30 Jun 2026"


def test_the_area_comes_from_oflc_area_county_or_the_city_table():
    assert wage_levels(target(location=None, oflc_area="41860"), markets()).iloc[0]["level_1"] == pytest.approx(55 * 2080)
    r = wage_levels(target(location="Daly City, CA", county="San Mateo County"), markets()).iloc[0]
    assert r["area"].startswith("41860")
    assert wage_levels(target(location="Oakland, CA"), markets()).iloc[0]["area"].startswith("41860")  # Alameda County


def test_area_not_resolved_never_falls_back_to_another_area():
    r = wage_levels(target(location="Boise, ID"), markets()).iloc[0]
    assert pd.isna(r["level_reached"]) and r["match"].startswith("area not resolved: Boise, ID is not in the city table")
    r = wage_levels(target(), [load_market(ALC, options=OPTIONS)]).iloc[0]  # no Geography file
    assert r["match"].startswith("area not resolved: county King County needs the OFLC Geography file")
    r = wage_levels(target(location="Austin, TX", oflc_area="12420"), markets()).iloc[0]
    assert r["match"] == "no OFLC row for SOC 'Software Engineer' (as aliased) in area 12420" and pd.isna(r["level_1"])


@pytest.mark.skipif(not SHARED_GEO.is_file(), reason=f"shared real data not found at {SHARED_GEO}")
def test_the_real_geography_file_resolves_seattle():
    geo = load_market(SHARED_GEO)
    assert geo.format == "oflc_geography" and geo.as_of == "2025-07-01" and len(geo.areas) > 3000
    r = wage_levels(target(), [load_market(ALC, options=OPTIONS), geo]).iloc[0]
    assert r["area"] == "42660 Seattle-Tacoma-Bellevue, WA" and r["level_reached"] == 1


def test_wage_year():
    assert wage_year("x/OFLC_Wages_2026-27/ALC_Export.csv") == "2026-07-01"
    assert wage_year("ALC_Export.csv") is None and wage_year("2025-30.csv") is None
    assert wage_year_text(None) == "wage year not stated in the file name"


def test_compare_cli_with_alc_and_geography(tmp_path):
    offers = tmp_path / "o.yaml"
    offers.write_text("offers:\n  - {id: o, company: Acme, role: Software Engineer, location: 'Seattle, WA', currency: USD,"
                      " base_salary: 120000, visa: h1b-new}\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["compare", str(offers), "--market", str(ALC), "--market", str(GEO),
                                 "--alias", "Software Engineer=15-1252", "--format", "json"])
    assert r.exit_code == 0, r.output
    level = json.loads(r.stdout)["offers"][0]["visa_wage_level"]
    assert level["level_reached"] == 1 and level["area"] == "42660 Seattle-Tacoma-Bellevue, WA"
