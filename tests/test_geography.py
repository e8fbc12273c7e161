"""toolkit/geography.py: written locations resolve to country, region, city, metro and scope."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from toolkit.geography import US_CITIES, US_STATES, Place, country_name, national, resolve_location

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared real data not found at {SHARED} (copied beside the repo in CI)")


@pytest.mark.parametrize("text, country, region, city, scope", [
    ("Seattle, WA", "US", "WA", "Seattle", "city"),
    ("Seattle, WA, United States", "US", "WA", "Seattle", "city"),
    ("REDMOND, WA", "US", "WA", "Redmond", "city"),              # LCA worksites are in capitals
    ("Berlin, Germany", "DE", "", "Berlin", "city"),
    ("Berlin, BE, Germany", "DE", "BE", "Berlin", "city"),       # levels.fyi outside the US
    ("Berlin, DE", "DE", "", "Berlin", "city"),                  # a known German city: not Delaware
    ("Dover, DE", "US", "DE", "Dover", "city"),                  # 'City, ST' is the US otherwise
    ("London, EN, United Kingdom", "GB", "EN", "London", "city"),
    ("London, UK", "GB", "", "London", "city"),
    ("Toronto, ON", "CA", "ON", "Toronto", "city"),
    ("Hong Kong, HK, Hong Kong (SAR)", "HK", "HK", "Hong Kong", "city"),
    ("Remote, US", "US", "", "", "country"),
    ("Remote (US)", "US", "", "", "country"),
    ("US Remote", "US", "", "", "country"),
    ("San Francisco Bay Area", "US", "CA", "", "metro"),
    ("California", "US", "CA", "", "state"),
    ("U.S.", "US", "", "", "national"),                          # BLS OEWS AREA_TITLE
    ("DE", "DE", "", "", "country"),                             # ai-jobs company_location
    ("CA", "CA", "", "", "country"),                             # a bare code is a country code
    ("Germany", "DE", "", "", "country"),
    ("Remote", "", "", "", "unknown"),
    ("", "", "", "", "unknown"),
])
def test_resolve_location_table(text, country, region, city, scope):
    p = resolve_location(text)
    assert (p.country, p.region, p.city, p.scope) == (country, region, city, scope)


def test_remote_us_is_the_us_with_no_city():
    p = resolve_location("Remote, US")
    assert p.remote and p.country == "US" and not p.city and not p.metro and p.country_wide


def test_us_city_table_gives_county_and_metro():
    p = resolve_location("Mountain View, CA")
    assert (p.county, p.metro) == ("Santa Clara County", "San Jose-Sunnyvale-Santa Clara, CA")


def test_default_country_applies_only_when_the_text_names_none():
    assert resolve_location("", default_country="US") == Place(country="US", scope="country")
    assert resolve_location("Berlin, Germany", default_country="US").country == "DE"


def test_national_and_names():
    assert national("us") == Place(country="US", scope="national", text="US national")
    assert country_name("DE") == "Germany" and country_name("ZZ") == "ZZ"
    assert resolve_location("Remote, US").describe() == "United States (remote, no city)"
    assert resolve_location("Seattle, WA").describe() == "Seattle, WA"


def test_state_table_is_complete():
    assert len(US_STATES) == 52  # 50 states, DC, Puerto Rico
    assert all(s in US_STATES for _, s in US_CITIES)


@needs_shared
def test_every_city_county_and_metro_is_in_the_real_oflc_geography_file():
    # The table's counties and metro titles must be OFLC's spelling, or area lookups miss.
    geo = pd.read_csv(f"{SHARED}/oflc_wages_2025-26_Geography.csv", dtype=str)
    pairs = set(zip(geo.StateAb, geo.CountyTownName, geo.AreaName))
    for (city, state), (county, metro) in US_CITIES.items():
        assert (state, county, metro) in pairs, (city, state, county, metro)


@needs_shared
def test_every_location_in_the_real_levelsfyi_slice_resolves_to_a_country():
    df = pd.read_csv(f"{SHARED}/levelsfyi_salary_data_sample3000.csv")
    places = {loc: resolve_location(loc) for loc in df["location"].dropna().unique()}
    assert all(p.country for p in places.values())
    assert places["Bangalore, KA, India"].country == "IN"
    assert places["Paris, IL, France"].country == "FR"


@needs_shared
def test_every_ai_jobs_company_location_resolves():
    df = pd.read_csv(f"{SHARED}/kaggle_ds_salaries_2022.csv")
    assert all(resolve_location(c).scope == "country" for c in df["company_location"].unique())
