"""`offer-toolkit market summary`: formats, and exit 2 with exact messages on bad input."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit.cli import app

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def run(*args):
    return CliRunner().invoke(app, ["market", "summary", *map(str, args)])


def test_table_format_shows_the_check_values():
    r = run(DATA / "market_bls_oews_slice_M2022_dl.xlsx", "--role", "software developers")
    assert r.exit_code == 0, r.stderr
    out = r.stdout
    assert "Software Developers" in out
    for figure in ("96,790", "127,260", "161,480", "198,100"):
        assert figure in out
    assert "as of 2022-05" in out
    assert r.stderr.startswith("note: ") and "1 rows have top-coded percentiles (at or above $239,200 a year)" in r.stderr


def test_json_format_carries_groups_and_the_import_report():
    r = run(DATA / "market_samples.csv", "--by", "role,level", "--format", "json", "--role", "software engineer", "--level", "L5")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["format"] == "samples" and doc["import"]["rows_read"] == 9
    base = [g for g in doc["groups"] if g["component"] == "base"]
    assert [(g["level"], g["n"], g["p50"]) for g in base] == [("L5", 6, 250.0)]
    bonus = [g for g in doc["groups"] if g["component"] == "bonus"][0]
    assert bonus["n"] == 5 and bonus["p50"] == 20.0


def test_csv_format():
    r = run(DATA / "market_ai_jobs_slice.csv", "--by", "level", "--format", "csv")
    assert r.exit_code == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert list(rows[0]) == ["level", "component", "currency", "n", "p10", "p25", "p50", "p75", "p90", "mean", "min", "max", "source"]
    assert sum(int(x["n"]) for x in rows) == 34


def test_map_and_alias_options(tmp_path):
    r = run(DATA / "market_mapped.csv", "--map", "role=job_title,level=grade,location=city,base=basesalary,currency=ccy",
            "--alias", "SWE=Software Engineer", "--role", "swe", "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["groups"][0]["p50"] == 170000
    r = run(DATA / "market_mapped.csv", "--map", DATA / "market_map.yaml", "--format", "json")
    assert r.exit_code == 0, r.stderr


def test_text_in_number_columns_is_a_counted_drop_not_a_crash():
    path = DATA / "market_bad_text.csv"
    r = run(path)
    assert r.exit_code == 0
    assert r.stderr == f"note: {path}: raw samples; read 4 rows, kept 2, dropped 2 (2 text in number column 'base')\n"


def test_only_text_in_number_columns_is_exit_2():
    path = DATA / "market_bad_all_text.csv"
    r = run(path)
    assert r.exit_code == 2
    assert r.stderr == f"error: {path}: no usable rows: raw samples; read 2 rows, kept 0, dropped 2 (2 text in number column 'base')\n"


def test_duplicated_header_rows_are_dropped_and_reported():
    path = DATA / "market_dup_headers.csv"
    r = run(path, "--format", "json")
    assert r.exit_code == 0
    assert r.stderr == f"note: {path}: percentile table; read 4 rows, kept 2, dropped 2 (2 repeated header row)\n"
    assert [g["level"] for g in json.loads(r.stdout)["groups"]] == ["L5", "L4"]


@pytest.mark.parametrize(("name", "message"), [
    ("market_empty.csv", "the file is empty"),
    ("market_header_only.csv", "the file has a header row but no data rows"),
    ("market_malformed.xlsx", "not a valid XLSX file (it must be a zip archive): File is not a zip file"),
    ("market_unknown_columns.csv",
     "cannot tell what kind of market file this is; columns found: ['title', 'grade', 'pay']; a percentile table needs role, "
     "component, currency and at least two percentile columns (p25, p50, ...); raw samples need role and at least one of "
     "base, bonus, equity, total; map other names with --map role=<column>,base=<column>"),
])
def test_bad_files_exit_2_with_one_message(name, message):
    path = DATA / name
    r = run(path)
    assert r.exit_code == 2
    assert r.stderr == f"error: {path}: {message}\n"


def test_zip_bomb_is_refused(tmp_path):
    import zipfile

    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * 50_000_000)
    r = run(bomb)
    assert r.exit_code == 2
    assert "refused: member 'xl/worksheets/sheet1.xml' unpacks to 50 MB" in r.stderr
    assert "Traceback" not in r.stderr


def test_mixed_currencies_without_rates():
    path = DATA / "market_mixed_currency.csv"
    r = run(path, "--currency", "USD")
    assert r.exit_code == 2
    assert r.stderr == (
        f"error: {path}: field currency: market figures are in EUR but the summary is asked in USD, and no exchange rate was given (need EUR->USD)\n"
        f"error: {path}: field currency: market figures are in GBP but the summary is asked in USD, and no exchange rate was given (need GBP->USD)\n"
        "2 problems found; nothing was written.\n")


def test_mixed_currencies_with_rates_and_without_conversion():
    path = DATA / "market_mixed_currency.csv"
    r = run(path, "--currency", "USD", "--rate", "EUR=1.5", "--rate", "GBP=2", "--format", "json")
    assert r.exit_code == 0, r.stderr
    (group,) = json.loads(r.stdout)["groups"]
    assert group["currency"] == "USD" and group["n"] == 3 and group["p50"] == 180000
    r = run(path, "--format", "json")  # no --currency: one group per currency, nothing converted
    assert sorted(g["currency"] for g in json.loads(r.stdout)["groups"]) == ["EUR", "GBP", "USD"]


def test_bad_options():
    r = run(DATA / "market_samples.csv", "--format", "yaml")
    assert r.exit_code == 2 and r.stderr == "error: --format: expected one of table, json, csv, got 'yaml'\n"
    r = run(DATA / "market_samples.csv", "--by", "role,company")
    assert r.exit_code == 2 and r.stderr == "error: --by: expected a comma list of role, level, location, got 'role,company'\n"


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared real data not found at {SHARED}")
@pytest.mark.parametrize("name", ["bls_oews_national_M2022_dl.xlsx", "kaggle_ds_salaries_2022.csv", "h1b_lca_FY2018_insight_test1_sample.csv"])
def test_every_real_file_summarises(name):
    r = run(SHARED / name, "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["groups"]


def test_a_rate_missing_among_the_given_rates_names_the_file_and_the_flag():
    path = DATA / "market_mixed_currency.csv"
    r = run(path, "--currency", "USD", "--rate", "EUR=1.5")
    assert r.exit_code == 2
    assert f"error: {path}: field currency: no exchange rate GBP->USD; pass --rate GBP=<USD per 1 GBP>" in r.stderr
