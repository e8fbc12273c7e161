"""Importers: each real format and its quirks, the canonical shapes, and --map."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import InputError
from toolkit.market import MarketOptions, load_market, market_from_frame, parse_map, read_mapping, summarize

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared real data not found at {SHARED} (copied beside the repo in CI)")


def row_of(frame: pd.DataFrame, column: str, prefix: str) -> pd.Series:
    hits = frame[frame[column].astype(str).str.startswith(prefix)]
    assert len(hits) == 1, hits
    return hits.iloc[0]


def dropped(market) -> dict[str, int]:
    return dict(market.report.dropped)


# ---------------------------------------------------------------- BLS OEWS


def check_bls(market):
    assert market.format == "bls_oews"
    assert market.as_of == "2022-05"
    p = market.percentiles
    swe = row_of(p, "occupation", "15-1252")
    assert swe["role"] == "Software Developers"
    assert (swe["p25"], swe["p50"], swe["p75"], swe["p90"]) == (96790, 127260, 161480, 198100)
    assert swe["component"] == "base" and swe["currency"] == "USD" and swe["top_coded"] == ""
    ceo = row_of(p, "occupation", "11-1011")
    assert ceo["p50"] == 189520
    assert np.isnan(ceo["p75"]) and np.isnan(ceo["p90"])
    assert ceo["top_coded"] == "p75,p90"
    assert ceo["top_coded_at"] == 239200  # read from the Field Descriptions sheet
    assert not p["occupation"].str.startswith("11-1010").any()  # broad 'Chief Executives' duplicate dropped
    return p


def test_bls_slice_check_values_and_top_coding():
    market = load_market(DATA / "market_bls_oews_slice_M2022_dl.xlsx")
    p = check_bls(market)
    d = dropped(market)
    assert d["occupation listed twice (same AREA and OCC_CODE)"] == 1
    assert d["hourly wages only (HOURLY=TRUE): no annual percentiles published"] == 1
    legislators = row_of(p, "role", "Legislators")  # ANNUAL=TRUE: '*' in hourly columns is irrelevant
    assert legislators["p50"] == 48090
    assert market.report.rows_read == 10 and market.report.rows_kept == 6


@needs_shared
def test_bls_full_workbook():
    market = load_market(SHARED / "bls_oews_national_M2022_dl.xlsx")
    p = check_bls(market)
    assert len(p) > 1000
    assert (p["top_coded"] != "").sum() >= 40  # '#' appears in dozens of rows
    r = market.report
    assert r.rows_read == 1402 and r.rows_kept + r.rows_dropped == r.rows_read


def test_bls_top_coded_never_becomes_a_number():
    market = load_market(DATA / "market_bls_oews_slice_M2022_dl.xlsx")
    offers = pd.DataFrame({"offer_id": ["ceo"], "role": ["Chief Executives"], "level": [None], "location": [None],
                           "currency": ["USD"], "base": [300000.0], "bonus": [None], "equity": [None], "total": [None],
                           "visa_sponsorship": [False]})
    from toolkit.market import place_offers

    r = place_offers(offers, [market]).iloc[0]
    assert r["top_coded"] == "p75,p90"
    assert np.isnan(r["p75"]) and np.isnan(r["p90"]) and np.isnan(r["gap_to_p75"])
    assert r["percentile"] == 50 and r["clamped"] == "above"


# ---------------------------------------------------------------- H-1B LCA


def check_lca_2018(market):
    assert market.format == "lca"
    s = market.samples
    assert len(s) == 10
    ms = s[s["company"] == "MICROSOFT CORPORATION"].iloc[0]
    assert ms["role"] == "SOFTWARE ENGINEER" and ms["location"] == "Redmond, WA" and ms["base"] == 143915
    assert ms["occupation"] == "15-1132 SOFTWARE DEVELOPERS, APPLICATIONS"  # quoted comma inside a ';' file
    assert "ignored an unnamed index column" in market.report.notes
    lv = market.wage_levels
    swe = lv[(lv["role"] == "SOFTWARE ENGINEER") & (lv["location"] == "Redmond, WA")].iloc[0]
    assert swe["level_2"] == 112549 and np.isnan(swe["level_1"])


def test_lca_fy2018_sample_semicolon_index_column():
    check_lca_2018(load_market(DATA / "market_lca_fy2018_sample.csv"))


@needs_shared
def test_lca_fy2018_shared_file():
    check_lca_2018(load_market(SHARED / "h1b_lca_FY2018_insight_test1_sample.csv"))


def test_lca_old_column_names_units_and_certified_filter():
    market = load_market(DATA / "market_lca_old_names.csv")
    assert market.format == "lca"
    # Hour 50×2080, Week 2000×52, Bi-Weekly 4000×26, Month 10000×12, Year 125000
    assert sorted(market.samples["base"]) == [104000, 104000, 104000, 120000, 125000]
    assert set(market.samples["location"].astype(str)) == {"Seattle, WA"}
    d = dropped(market)
    assert d["case status CERTIFIED-WITHDRAWN (only CERTIFIED counts)"] == 1
    assert d["case status DENIED (only CERTIFIED counts)"] == 1
    everything = load_market(DATA / "market_lca_old_names.csv", options=MarketOptions(certified_only=False))
    assert len(everything.samples) == 7


def test_lca_comma_separated_and_unknown_unit(tmp_path):
    f = tmp_path / "lca.csv"
    f.write_text(
        "CASE_STATUS,JOB_TITLE,SOC_CODE,SOC_NAME,WAGE_RATE_OF_PAY_FROM,WAGE_UNIT_OF_PAY,WORKSITE_CITY,WORKSITE_STATE\n"
        "CERTIFIED,DATA SCIENTIST,15-2051,DATA SCIENTISTS,60,Hour,AUSTIN,TX\n"
        "CERTIFIED,DATA SCIENTIST,15-2051,DATA SCIENTISTS,60,Fortnightly-ish,AUSTIN,TX\n"
    )
    market = load_market(f)
    assert list(market.samples["base"]) == [124800]
    assert dict(market.report.values_dropped)["unknown wage unit 'Fortnightly-ish'"] == 1


# ---------------------------------------------------------------- ai-jobs survey


def test_ai_jobs_slice_duplicates_dropped_index_ignored():
    market = load_market(DATA / "market_ai_jobs_slice.csv")
    assert market.format == "ai_jobs"
    assert dropped(market) == {"exact duplicate of an earlier survey row": 2}
    s = market.samples
    first = s.iloc[0]
    assert (first["role"], first["level"], first["location"], first["base"], first["currency"]) == (
        "Data Scientist", "Mid-level", "DE", 79833, "USD")  # salary_in_usd, not the EUR salary


@needs_shared
def test_ai_jobs_full_survey_42_duplicates():
    market = load_market(SHARED / "kaggle_ds_salaries_2022.csv")
    assert market.report.rows_read == 607
    assert dropped(market) == {"exact duplicate of an earlier survey row": 42}
    assert len(market.samples) == 565
    assert market.as_of == "2022-01-01"


# ---------------------------------------------------------------- levels.fyi


def test_levels_fyi_missing_markers_zero_base_and_locations():
    market = load_market(DATA / "market_levels_fyi.csv")
    assert market.format == "levels_fyi"
    s = market.samples.set_index("company")
    assert np.isnan(s.loc["eBay", "base"])  # zero base = not reported
    assert s.loc["eBay", "total"] == 100000
    assert np.isnan(s.loc["Amazon", "equity"]) and np.isnan(s.loc["Amazon", "bonus"])  # N/A, None
    assert np.isnan(s.loc["Microsoft", "equity"])  # null
    assert np.isnan(s.loc["Oracle", "years_experience"]) is False or s.loc["Oracle", "years_experience"] == 1.5
    # 'Seattle, WA, United States' and 'Seattle, WA' are one location; 'Berlin, BE, Germany' → 'berlin, germany'
    assert s.loc["Microsoft", "_location"] == s.loc["Amazon", "_location"] == "seattle, wa"
    assert s.loc["SAP", "_location"] == "berlin, germany"
    values = dict(market.report.values_dropped)
    assert values["zero base salary (means 'not reported'; treated as missing)"] == 1
    assert values["text in number column 'total'"] == 1
    assert market.currencies == ("USD",)


def test_levels_fyi_years_and_company_filters():
    opts = MarketOptions(years_experience=(4, 7), companies={"amazon", "Microsoft", "SAP", "Zalando"})
    market = load_market(DATA / "market_levels_fyi.csv", options=opts)
    assert sorted(market.samples["company"].astype(str)) == ["Microsoft", "SAP", "Zalando"]
    d = dropped(market)
    assert d["outside the years-of-experience filter"] == 2  # Oracle 1.5, Amazon 8
    assert d["not one of the selected companies"] == 2  # eBay, Apple


# ---------------------------------------------------------------- OFLC-style wage levels


def test_oflc_level_table():
    market = load_market(DATA / "market_oflc_levels.csv")
    assert market.format == "wage_levels"
    lv = market.wage_levels
    assert list(lv.loc[0, ["level_1", "level_2", "level_3", "level_4"]]) == [110000, 135000, 160000, 185000]
    assert lv.loc[0, "occupation"] == "15-1252 Software Developers"
    assert lv.loc[1, "location"] == ""  # empty area = any


# ---------------------------------------------------------------- canonical shapes and mapping


def test_canonical_percentile_table_column_spellings():
    market = load_market(DATA / "market_percentiles.csv")
    assert market.format == "percentiles"
    row = market.percentiles.iloc[0]
    assert (row["p10"], row["p25"], row["p50"], row["p75"], row["p90"]) == (150000, 165000, 180000, 195000, 215000)
    assert row["sample_size"] == 40 and row["source"] == "fixture"
    assert market.currencies == ("EUR", "USD") and market.as_of == "2025-01-01"


def test_canonical_raw_samples():
    market = load_market(DATA / "market_samples.csv")
    assert market.format == "samples"
    assert len(market.samples) == 9
    assert market.samples["date"].max() == pd.Timestamp("2024-05-15")


def test_date_filter():
    from datetime import date

    market = load_market(DATA / "market_samples.csv", options=MarketOptions(date_from=date(2024, 2, 1), date_to=date(2024, 4, 30)))
    assert sorted(market.samples["base"]) == [200, 200, 300]


def test_map_inline_and_file_give_the_same_result():
    inline = load_market(DATA / "market_mapped.csv", mapping=parse_map("role=job_title,level=grade,location=city,base=basesalary,currency=ccy"))
    from_file = load_market(DATA / "market_mapped.csv", mapping=read_mapping(DATA / "market_map.yaml"))
    assert list(inline.samples["base"]) == list(from_file.samples["base"]) == [150000, 170000, 190000]
    assert inline.samples["level"].astype(str).tolist() == ["L5"] * 3


def test_map_naming_an_absent_column_lists_the_columns():
    with pytest.raises(InputError) as err:
        load_market(DATA / "market_mapped.csv", mapping={"role": "jobtitle"})
    assert str(err.value).endswith(
        "field role: column 'jobtitle' (mapped to 'role') not found; columns present: ['job_title', 'grade', 'city', 'basesalary', 'ccy']")


def test_parse_map_rejects_malformed_pairs():
    with pytest.raises(InputError, match="expected canonical=column pairs like role=job_title, got 'base'"):
        parse_map("role=title,base")


def test_unknown_columns_lists_found_and_needed():
    with pytest.raises(InputError) as err:
        load_market(DATA / "market_unknown_columns.csv")
    msg = str(err.value)
    assert "columns found: ['title', 'grade', 'pay']" in msg
    assert "raw samples need role and at least one of base, bonus, equity, total" in msg


def test_percentile_rows_with_text_or_decreasing_values_are_dropped_and_counted():
    frame = pd.DataFrame({
        "role": ["A", "B", "C", "D"], "component": ["base", "base", "base", "stock options"], "currency": ["USD"] * 4,
        "p25": ["100", "lots", "300", "1"], "p50": ["200", "200", "250", "2"],
    })
    market = market_from_frame(frame, source="t.csv")
    assert list(market.percentiles["role"].astype(str)) == ["A"]
    d = dropped(market)
    assert d["text in number column 'p25'"] == 1
    assert d["percentiles decrease (p-values must not go down as the percentile goes up)"] == 1
    assert d["unknown component 'stock options' (expected base, bonus, equity or total)"] == 1


def test_missing_currency_column_needs_a_default():
    frame = pd.DataFrame({"role": ["A"], "base": ["1"]})
    with pytest.raises(InputError, match="no 'currency' column"):
        market_from_frame(frame, source="t.csv")
    m = market_from_frame(frame, source="t.csv", options=MarketOptions(default_currency="GBP"))
    assert m.currencies == ("GBP",)


def test_summary_of_ai_jobs_matches_numpy():
    market = load_market(DATA / "market_ai_jobs_slice.csv")
    got = summarize(market, by=("level",))
    s = market.samples
    for rec in got.itertuples():
        values = s.loc[s["level"] == rec.level, "base"].to_numpy()
        assert rec.n == len(values)
        assert np.allclose([rec.p10, rec.p25, rec.p50, rec.p75, rec.p90], np.percentile(values, [10, 25, 50, 75, 90]))
