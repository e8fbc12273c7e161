"""Issue 11 item 4: one bounds table (toolkit/bounds.py) for models, flags and files; results
checked finite before they are rendered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit import bounds
from toolkit.cli import app

HOSTILE = Path(__file__).parent / "data" / "hostile"
runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args))


def test_every_bound_in_a_file_is_named_at_once():
    path = HOSTILE / "bounds.yaml"
    r = run("validate", str(path))
    assert r.exit_code == 2 and "Traceback" not in r.output
    lines = r.stderr.splitlines()
    expected = [
        "assumptions field annual_raise: expected a percentage above -100% and at most 1000%, got -100%",
        "assumptions field stock_growth: expected a percentage above -100% and at most 1000%, got 1001%",
        "assumptions field fx_date: expected a date between 1900-01-01 and 2200-12-31, got 2300-01-01",
        "offer 'huge' field start_date: expected a date between 1900-01-01 and 2200-12-31, got 9999-01-01",
        "offer 'huge' field deadline: expected a date between 1900-01-01 and 2200-12-31, got 1800-01-01",
        "offer 'huge' field base_salary: expected at most 1,000,000,000,000, got 2,000,000,000,000",
        "offer 'huge' field equity[0].shares: expected at most 1,000,000,000,000, got 10,000,000,000,000",
        "offer 'huge' field equity[0].strike: expected at most 1,000,000,000, got 2,000,000,000",
        "offer 'growth' field equity[0].stock_growth: expected a percentage above -100% and at most 1000%, got 2000%",
    ]
    assert lines[:-1] == [f"error: {path}: {e}" for e in expected]
    assert lines[-1] == "9 problems found; nothing was written."


def test_an_hourly_rate_is_bounded_after_it_becomes_a_salary(tmp_path):
    path = tmp_path / "hourly.yaml"
    path.write_text("offers:\n  - {id: h, company: H, currency: USD, base_salary: 900000000/hour}\n")
    r = run("validate", str(path))
    assert r.exit_code == 2 and "expected at most 1,000,000,000,000" in r.stderr


def test_overflowing_figures_are_refused_before_rendering():
    for fmt in ("json", "table", "csv"):
        r = run("compare", str(HOSTILE / "overflow.yaml"), "--format", fmt)
        assert r.exit_code == 2, r.output
        assert r.stderr.startswith(f"error: {HOSTILE / 'overflow.yaml'}: offer 'over': the figures overflow")
        assert "inf" not in r.stdout and "Traceback" not in r.output


def test_150_percent_raise_survives_revalidation():
    r = run("compare", str(HOSTILE / "high_raise.yaml"), "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["assumptions"]["annual_raise"] == 1.5 and doc["assumptions"]["stock_growth"] == 10.0
    years = doc["offers"][0]["years"]
    assert years[1]["base"] == pytest.approx(250_000)  # 100,000 × 2.5
    from toolkit import evaluate, load_offers

    e = evaluate(load_offers([HOSTILE / "high_raise.yaml"]))
    assert e.with_assumptions(stock_growth=-0.5).assumptions.annual_raise == 1.5


@pytest.mark.parametrize(
    "flag, value, message",
    [
        ("--raise", "300%", None),  # inside the bounds: accepted
        ("--raise", "1001%", "error: --raise: expected a percentage above -100% and at most 1000%, got 1001%"),
        ("--stock-growth", "-100%", "error: --stock-growth: expected a percentage above -100% and at most 1000%, got -100%"),
        ("--raise", "3", "error: --raise: expected a percentage like 15% or 0.15, got 3; write 3% (or 0.03) if you mean 3 percent"),
        ("--raise", "abc", "error: --raise: expected a percentage like 15% or 0.15, got 'abc'"),
        ("--today", "9999-12-31", "error: --today: expected a date between 1900-01-01 and 2200-12-31, got 9999-12-31"),
        ("--fx-date", "1899-12-31", "error: --fx-date: expected a date between 1900-01-01 and 2200-12-31, got 1899-12-31"),
    ],
)
def test_flags_use_the_same_bounds_and_quote_what_was_typed(flag, value, message):
    r = run("compare", str(HOSTILE / "high_raise.yaml"), flag, value, "--format", "json")
    if message is None:
        assert r.exit_code == 0, r.output
        assert json.loads(r.stdout)["assumptions"]["annual_raise"] == 3.0
    else:
        assert r.exit_code == 2 and r.stderr.splitlines()[0] == message


def test_dates_in_the_pipeline_and_current_job_are_bounded(tmp_path):
    pipeline = tmp_path / "p.yaml"
    pipeline.write_text("entries:\n  - {company: A, role: R, stage: applied, contacts: [9999-12-31]}\n")
    r = run("plan", str(pipeline), "--today", "2026-11-20")
    assert r.exit_code == 2 and "expected a date between 1900-01-01 and 2200-12-31, got 9999-12-31" in r.stderr
    current = tmp_path / "c.yaml"
    current.write_text("currency: USD\nunvested_equity: [{amount: 1000, vest_date: 9999-01-01}]\n")
    r = run("negotiate", str(HOSTILE / "high_raise.yaml"), "--current", str(current), "--today", "2026-11-20")
    assert r.exit_code == 2 and "unvested_equity[0].vest_date: expected a date between" in r.stderr


def test_the_table_is_the_one_the_docs_list():
    doc = (Path(__file__).parents[1] / "docs" / "bounds.md").read_text()
    assert bounds.AMOUNT_MAX == 1e12 and bounds.SHARES_MAX == 1e12 and bounds.PRICE_MAX == 1e9
    for needle in ("1,000,000,000,000", "1,000,000,000", "−100%", "1000%", "1900-01-01", "2200-12-31"):
        assert needle in doc
