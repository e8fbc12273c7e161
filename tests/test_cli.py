"""The command line: every documented command, exit codes 0/2 and the exact error lines."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from toolkit.cli import app
from conftest import ROOT

runner = CliRunner()
SAMPLE = str(ROOT / "data" / "offers.yaml")


def run(*args):
    return runner.invoke(app, list(args))


def test_version():
    r = run("--version")
    assert r.exit_code == 0 and r.stdout.startswith("offer-toolkit 0.")


def test_compare_sample_table():
    r = run("compare", SAMPLE)
    assert r.exit_code == 0, r.output
    assert "Globex Corporation" in r.stdout and "Year-1 TC" in r.stdout and "1 EUR =" in r.stdout


def test_compare_json_shape_and_figures():
    r = run("compare", SAMPLE, "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["currency"] == "USD" and doc["horizon_years"] == 4
    assert set(doc["fx"]["EUR"]) >= {"rate", "source", "date"}
    offer = doc["offers"][0]
    for key in ("id", "company", "currency", "year1_tc", "average_tc", "total_tc", "year1_total_rewards", "average_total_rewards",
                "pto_value", "average_tc_col_adjusted", "average_tc_after_tax", "total_tc_present_value", "exercise_cost",
                "missing_terms", "flags", "years"):
        assert key in offer
    assert set(offer["years"][0]) == {"year", "base", "bonus", "sign_on", "equity", "refresh_equity", "retirement", "benefits",
                                      "relocation", "tc", "total_rewards", "tax", "tax_rate", "tc_after_tax",
                                      "total_rewards_after_tax"}
    # globex year 1: 185,000 base + 18,500 bonus + 45,000 sign-on + 5% of 300,000 RSUs
    assert offer["year1_tc"] == 263_500.00
    initech = doc["offers"][1]
    assert initech["exercise_cost"] == 84_000.00 and any(f.startswith("paper-value") for f in initech["flags"])


def test_compare_flags_override_the_file():
    doc = json.loads(run("compare", SAMPLE, "--format", "json", "--horizon", "2", "--raise", "0%", "--currency", "EUR").stdout)
    assert doc["horizon_years"] == 2 and doc["currency"] == "EUR" and len(doc["offers"][0]["years"]) == 2
    assert doc["offers"][2]["years"][0]["base"] == 94_900.00  # 7,300 × 13 months, already in EUR


@pytest.mark.parametrize("fmt, marker", [("csv", "offer_id,company,offer_currency,reporting_currency,year,base"), ("markdown", "# Offer comparison")])
def test_compare_other_formats(fmt, marker):
    r = run("compare", SAMPLE, "--format", fmt)
    assert r.exit_code == 0 and marker in r.stdout


def test_compare_with_ecb_fx_file():
    fx = str(ROOT / "tests" / "data" / "ecb_eurofxref_2026-04-13.csv")
    doc = json.loads(run("compare", SAMPLE, "--format", "json", "--fx", fx).stdout)
    assert doc["fx"]["EUR"]["rate"] == 1.1684 and doc["fx"]["EUR"]["date"] == "2026-04-13"


def test_validate_ok_and_bad(write):
    assert run("validate", SAMPLE).stdout == "ok: 3 offers in 1 file (globex, initech, hooli-de)\n"
    bad = write("bad.yaml", "offers:\n  - {company: A, currency: USD, base_salary: 1, bonus: {target: 15}}\n  - {company: B, currency: USD}\n")
    r = run("validate", str(bad))
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [
        f"error: {bad}: offer 'a' field bonus.target: expected a percentage like 15% or 0.15, got 15; write 15% (or 0.15) if you mean 15 percent",
        f"error: {bad}: offer 'b' field base_salary: required, but missing",
        "2 problems found; nothing was written.",
    ]


@pytest.mark.parametrize(
    "args, line",
    [
        (["compare", "nope.yaml"], "error: nope.yaml: file not found"),
        (["compare", SAMPLE, "--raise", "3"], "error: --raise: expected a percentage like 15% or 0.15, got 3; write 3% (or 0.03) if you mean 3 percent"),
        (["compare", SAMPLE, "--currency", "ZZZ"], "error: --currency: expected an ISO 4217 currency code like USD, EUR or GBP, got 'ZZZ'"),
        (["compare", SAMPLE, "--format", "xml"], "error: --format: expected one of table, json, csv, markdown, got 'xml'"),
        (["compare", SAMPLE, "--horizon", "41"], "error: --horizon: expected a number at most 40, got 41"),
    ],
)
def test_bad_flags_exit_2_with_one_clear_line(args, line):
    r = run(*args)
    assert r.exit_code == 2
    assert r.stderr.splitlines()[0] == line


def test_missing_fx_rate_exit_2(write):
    path = write("x.yaml", "offers:\n  - {company: A, currency: XAF, base_salary: 1000000}\n  - {company: B, currency: USD, base_salary: 1}\n")
    r = run("compare", str(path), "--currency", "USD")
    assert r.exit_code == 2 and "no FX rate XAF->USD" in r.stderr


def test_schema_is_json_schema():
    doc = json.loads(run("schema").stdout)
    assert doc["$schema"].endswith("2020-12/schema")
    assert "offers" in doc["$defs"]["OfferFile"]["properties"] and "base_salary" in doc["$defs"]["Offer"]["properties"]
    assert doc["$defs"]["Offer"]["required"] == ["company", "currency", "base_salary"]


def test_python_m_toolkit_and_no_traceback_on_bad_input(tmp_path):
    bad = tmp_path / "b.yaml"
    bad.write_text("offers: [")
    p = subprocess.run([sys.executable, "-m", "toolkit", "compare", str(bad)], capture_output=True, text=True)
    assert p.returncode == 2 and "Traceback" not in p.stderr and "malformed YAML" in p.stderr


def test_sample_file_validates_against_the_printed_schema():
    import datetime as dt

    import jsonschema
    import yaml

    def plain(x):
        if isinstance(x, dict):
            return {k: plain(v) for k, v in x.items()}
        if isinstance(x, list):
            return [plain(v) for v in x]
        return x.isoformat() if isinstance(x, dt.date) else x

    schema = json.loads(run("schema").stdout)
    jsonschema.validate(plain(yaml.safe_load(open(SAMPLE))), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"offers": [{"company": "A", "currency": "USD", "base_salary": 1, "equity": {"vesting": "weird"}}]}, schema)


def test_compare_reports_every_input_problem_together(write):
    bad = write("bad.yaml", "offers:\n  - {company: A, currency: USD, base_salary: -1}\n")
    r = run("compare", str(bad), "--current", "missing-current.yaml", "--market", "missing-market.csv", "--today", "soon")
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [
        "error: --today: expected a date like 2026-11-25, got 'soon'",
        "error: missing-market.csv: file not found",
        "error: missing-current.yaml: file not found",
        f"error: {bad}: offer 'a' field base_salary: expected a number greater than 0, got -1",
        "4 problems found; nothing was written.",
    ]


def test_compare_refuses_to_write_over_an_input_before_printing(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["company", "currency", "base_salary"])
    wb.active.append(["A", "USD", 100000])
    offers = tmp_path / "offers.xlsx"
    wb.save(offers)
    before = offers.read_bytes()
    r = run("compare", str(offers), "-o", str(offers))
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr == f"error: {offers}: refusing to overwrite one of the input files\n"
    assert offers.read_bytes() == before


def test_compare_market_with_alias_places_offers_in_the_bls_table():
    bls = str(ROOT / "data" / "market" / "bls_oews_national_M2022_sample.xlsx")
    doc = json.loads(run("compare", SAMPLE, "--market", bls, "--alias", "Software Engineer=Software Developers", "--format", "json").stdout)
    base = doc["offers"][0]["market"][0]
    assert base["component"] == "base" and base["p50"] == 127_260 and base["match"] == "role+level (any location)"
    # 185,000 lies between p75 161,480 and p90 198,100: 75 + 15 × (185,000 − 161,480) / (198,100 − 161,480)
    assert base["percentile"] == pytest.approx(75 + 15 * (185_000 - 161_480) / (198_100 - 161_480), abs=0.01)
    without = json.loads(run("compare", SAMPLE, "--market", bls, "--format", "json").stdout)
    assert without["offers"][0]["market"][0]["percentile"] is None
    assert without["offers"][0]["market"][0]["match"].startswith("no market data for role 'Software Engineer'")


def test_a_value_above_a_top_coded_point_is_reported_as_top_coded(write):
    bls = str(ROOT / "data" / "market" / "bls_oews_national_M2022_sample.xlsx")
    ceo = write("ceo.yaml", "company: A\nrole: Chief Executives\ncurrency: USD\nbase_salary: 300000\n")
    r = run("compare", str(ceo), "--market", bls, "--format", "json")
    base = json.loads(r.stdout)["offers"][0]["market"][0]
    # p75 and p90 are '#' (at or above $239,200): no number is invented for them
    assert (base["percentile"], base["clamped"], base["p75"], base["p90"], base["top_coded"]) == (50.0, "above", None, None, ["p75", "p90"])
    assert "note: " in r.stderr and "top-coded" in r.stderr
    table = run("compare", str(ceo), "--market", bls).stdout
    assert "above p50 (p75, p90 top-coded)" in table


def test_h1b_offer_gets_its_prevailing_wage_level(write):
    levels = str(ROOT / "tests" / "data" / "market_oflc_levels.csv")
    offer = write("h1b.yaml", "company: G\nrole: Software Engineer\nlocation: Seattle, WA\ncurrency: USD\nbase_salary: 150000\nvisa: h1b-new\n")
    doc = json.loads(run("compare", str(offer), "--market", levels, "--format", "json").stdout)
    level = doc["offers"][0]["visa_wage_level"]
    # Seattle levels 110k / 135k / 160k / 185k: 150,000 reaches Level 2; Level 3 is 10,000 away
    assert (level["level_reached"], level["next_level"], level["gap_to_next_level"]) == (2, 3, 10_000)
    assert "Level 2 (+$10,000 to Level 3)" in run("compare", str(offer), "--market", levels).stdout


def _run_on_terminal(args: list[str], cwd) -> bytes:
    """Run the CLI in a subprocess whose standard output is a real pseudo-terminal."""
    import os
    import pty
    import subprocess
    import sys

    main, child = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "toolkit", *args], stdout=child, stderr=subprocess.PIPE,
                            cwd=cwd, env={**os.environ, "COLUMNS": "200"})
    os.close(child)
    out = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the child closed its end
            break
        if not chunk:
            break
        out += chunk
    proc.wait(timeout=120)
    os.close(main)
    assert proc.returncode == 0, proc.stderr.read().decode()
    return out


def test_csv_on_a_terminal_loses_escape_sequences_but_piped_csv_keeps_text_as_written(tmp_path):
    """docs/sanitizing.md: CSV keeps text as written for programs, but a terminal never receives
    an escape sequence from an offer file (OSC 0 retitles the window, CSI recolours)."""
    sample = ROOT / "data" / "offers.yaml"
    text = sample.read_text(encoding="utf-8").replace(
        "company: Globex Corporation", 'company: "Globex\\e[31mRED\\e]0;pwned\\a Corp"', 1)
    assert "\\e[31m" in text
    (tmp_path / "offers.yaml").write_text(text, encoding="utf-8")
    shown = _run_on_terminal(["compare", "offers.yaml", "--format", "csv"], tmp_path)
    assert b"\x1b" not in shown and b"\x07" not in shown
    assert b"GlobexRED Corp" in shown
    piped = subprocess.run([sys.executable, "-m", "toolkit", "compare", "offers.yaml", "--format", "csv"],
                           cwd=tmp_path, capture_output=True, check=True).stdout
    assert b"Globex\x1b[31mRED\x1b]0;pwned\x07 Corp" in piped
