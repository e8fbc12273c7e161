"""Issue 11 items 8 and 9: every problem at once with the right names, conflicting flags,
ragged CSV lines, the current job's currency, and negotiate's offer cap (tests/data/hostile/)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from toolkit.cli import app

HOSTILE = Path(__file__).parent / "data" / "hostile"
OFFERS = HOSTILE / "high_raise.yaml"
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_every_input_reports_its_problems_in_one_run():
    p = {k: HOSTILE / f"every_problem_{k}" for k in ("offers.yaml", "assumptions.yaml", "fx.csv", "current.yaml", "pipeline.yaml")}
    missing_market = HOSTILE / "no_such_market.csv"
    r = run("compare", p["offers.yaml"], "--assumptions", p["assumptions.yaml"], "--fx", p["fx.csv"], "--current", p["current.yaml"],
            "--pipeline", p["pipeline.yaml"], "--market", missing_market, "--today", "2026-11-20")
    assert r.exit_code == 2
    lines = r.stderr.splitlines()
    for needle in (f"{missing_market}: file not found", f"{p['current.yaml']}: current job field base_salary",
                   f"{p['pipeline.yaml']}: entry", f"{p['assumptions.yaml']}: assumptions field horizon_years",
                   f"{p['offers.yaml']}: offer 'a' field base_salary", f"{p['fx.csv']}: row 2 field rate"):
        assert any(needle in line for line in lines), (needle, lines)
    assert lines[-1].endswith("problems found; nothing was written.")
    r = run("validate", p["offers.yaml"], "--assumptions", p["assumptions.yaml"], "--fx", p["fx.csv"])
    assert r.exit_code == 2 and len(r.stderr.splitlines()) == 4  # three problems and the count


def test_conflicting_flags_are_refused_with_the_other_problems():
    r = run("compare", OFFERS, "--include-refreshers", "--exclude-refreshers", "--raise", "abc")
    assert r.exit_code == 2
    assert r.stderr.splitlines()[:2] == [
        "error: --include-refreshers --exclude-refreshers: these flags contradict each other; give one of --include-refreshers or --exclude-refreshers",
        "error: --raise: expected a percentage like 15% or 0.15, got 'abc'",
    ]
    assert run("compare", OFFERS, "--exclude-refreshers").exit_code == 0


def test_ragged_csv_lines_are_named_by_line_not_by_a_shifted_value():
    path = HOSTILE / "ragged_rows.csv"
    r = run("validate", path)
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [
        f"error: {path}: line 2: has 5 fields, the header has 4 (a value with an unquoted ',', or a missing one?); quote the value or fix the line",
        f"error: {path}: line 4: has 6 fields, the header has 4 (a value with an unquoted ',', or a missing one?); quote the value or fix the line",
        "2 problems found; nothing was written.",
    ]


def test_a_current_job_in_another_currency_uses_the_offers_fx_sources():
    current, fx = HOSTILE / "current_gbp.yaml", HOSTILE / "fx_gbp.csv"
    r = run("compare", OFFERS, "--current", current, "--fx", fx, "--today", "2026-11-20", "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["fx"]["GBP"]["rate"] == 1.25
    double = run("compare", OFFERS, "--current", current, "--fx", HOSTILE / "fx_gbp_double.csv", "--today", "2026-11-20",
                 "--format", "json")
    # every figure of the stay scenario is in GBP, so twice the rate gives twice the dollars
    assert json.loads(double.stdout)["current"]["year1_tc"] == 2 * doc["current"]["year1_tc"]
    r = run("negotiate", OFFERS, "--current", current, "--fx", fx, "--today", "2026-11-20")
    assert r.exit_code == 0 and "about $12,500" in r.stdout  # £10,000 forfeited × 1.25
    xaf = HOSTILE / "current_xaf.yaml"
    r = run("compare", OFFERS, "--current", xaf, "--today", "2026-11-20")
    assert r.exit_code == 2 and r.stderr.startswith(f"error: {xaf}: current job field currency: no FX rate XAF->USD")


def test_negotiate_has_the_plan_cap_of_compare_and_says_so():
    path = HOSTILE / "many_offers.csv"
    r = run("negotiate", path, "--today", "2026-11-20")
    assert r.exit_code == 2
    assert r.stderr == (f"error: {path}: negotiate plans at most 200 offers (each offer's counter is weighed against every "
                        "rival), got 201; plan for the offers you are weighing (split the file)\n")
    r = run("compare", path, "--format", "json", "--today", "2026-11-20")
    assert r.exit_code == 0 and "negotiation plan (checklist, talking points, ranking) is left out for more than 200 offers" in r.stderr


def _flags_of(command: str) -> set[str]:
    from typer.main import get_command

    group = get_command(app)
    cmd = group.get_command(None, command) if " " not in command else group.get_command(None, "market").get_command(None, "summary")
    return {o for p in cmd.params for o in (*getattr(p, "opts", ()), *getattr(p, "secondary_opts", ())) if o.startswith("--")}


def test_messages_name_only_flags_the_running_command_has(tmp_path):
    import re

    runs = [
        ("template", [tmp_path / "t.xlsx", "--from", HOSTILE / "cp1252.csv"]),
        ("compare", [HOSTILE / "cp1252.csv"]),
        ("validate", [HOSTILE / "every_problem_offers.yaml", "--fx", HOSTILE / "every_problem_fx.csv"]),
        ("negotiate", [OFFERS, "--current", HOSTILE / "current_xaf.yaml", "--today", "2026-11-20"]),
        ("compare", [OFFERS, "-o", HOSTILE / "user_workbook.xlsx"]),
        ("template", [HOSTILE / "user_workbook.xlsx"]),
        ("market summary", [HOSTILE / "random_bytes.xlsx"]),
    ]
    for command, args in runs:
        r = run(*command.split(), *args)
        assert r.exit_code == 2, (command, r.output)
        named = set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", r.stderr))
        assert named <= _flags_of(command), (command, named - _flags_of(command), r.stderr)
    assert "--encoding" in run("template", tmp_path / "t.xlsx", "--from", HOSTILE / "cp1252.csv").stderr


def test_an_amount_with_a_unicode_separator_is_an_error_not_a_traceback(tmp_path):
    # found by tests/test_fuzz.py: U+0085 (NEL) counts as whitespace for the amount pattern but not for float()
    path = tmp_path / "market.csv"
    path.write_text("role,level,location,component,currency,p10,p25,p50,p75,p90,source\n"
                    "Engineer,,,total,USD,130000,150000,1\u008575000,200000,240000,invented\n", encoding="utf-8")
    r = run("market", "summary", path)
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert "Traceback" not in r.output and r.exit_code in (0, 2)
    import pytest

    from toolkit.offers.money import AmountError, parse_amount

    with pytest.raises(AmountError, match="expected an amount like 185000"):
        parse_amount("1\u008575000", "USD")
