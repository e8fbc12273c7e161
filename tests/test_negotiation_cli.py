"""`offer-toolkit negotiate`: exit codes, exact error lines, JSON blocks, the sample plan."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from toolkit.cli import app

ROOT = Path(__file__).resolve().parent.parent
OFFERS = str(ROOT / "data" / "offers.yaml")
CURRENT = str(ROOT / "data" / "current-job.yaml")
MARKET = str(ROOT / "tests" / "data" / "market_percentiles.csv")
LEVELS = str(ROOT / "tests" / "data" / "market_oflc_levels.csv")
TODAY = "2026-11-25"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["negotiate", *args])


def test_table_output_shows_every_section_for_the_sample_offers():
    result = run(OFFERS, "--current", CURRENT, "--today", TODAY)
    assert result.exit_code == 0, result.output
    out = result.stdout
    for heading in ("Decision summary (ranked by average_tc)", "Terms checklist", "Talking points (in priority order)",
                    "Bundled counter-offer", "Walk-away value", "--- counter_offer ---", "--- decline ---"):
        assert heading in out
    assert "make-whole [sign_on]: $45,000 → $55,000 (+$10,000)" in out
    assert "Leaving Example Current Employer Inc. (invented) now forfeits $65,000" in out


def test_json_carries_checklist_talking_points_counter_walkaway_drafts_and_ranking():
    result = run(OFFERS, "--current", CURRENT, "--today", TODAY, "--format", "json", "--market", MARKET, "--market", LEVELS)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [o["id"] for o in doc["offers"]] == ["globex", "initech", "hooli-de"]
    globex = doc["offers"][0]
    assert set(globex["checklist"][0]) == {"item", "status", "reason"}
    assert set(globex["talking_points"][0]) >= {"priority", "rule", "component", "current", "target", "ask", "rationale", "evidence", "script"}
    assert {"year1_tc_before", "year1_tc_after", "average_tc_before", "average_tc_after", "summary", "asks"} <= set(globex["counter"])
    assert [w["month"] for w in globex["walkaway"]] == [6, 12, 18, 24]
    assert globex["walkaway"][0]["repayment_owed"] == 34500.0  # 22,500 sign-on (pro-rata) + 12,000 relocation (type unstated: cliff)
    assert [d["kind"] for d in globex["drafts"]] == ["counter_offer", "deadline_extension", "acceptance", "decline", "feedback_request"]
    assert doc["ranking"]["rank_by"] == "average_tc" and doc["ranking"]["offers"][0]["offer_id"] == "globex"
    assert doc["forfeit"]["total"] == 65000.0
    hooli = {t["rule"]: t for t in doc["offers"][2]["talking_points"]}
    assert hooli["base-below-market"]["target"] == 113000.0 and "fixture" in hooli["base-below-market"]["evidence"]


def test_offer_option_limits_the_plan_to_one_offer_and_markdown_renders():
    result = run(OFFERS, "--today", TODAY, "--offer", "initech", "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert "## Initech Labs (`initech`)" in result.stdout and "(`globex`)" not in result.stdout
    assert "competing-offer" in result.stdout  # the other offers still count as rivals


def test_a_bad_current_file_reports_every_problem_with_file_and_field(tmp_path):
    bad = tmp_path / "current.yaml"
    bad.write_text("company: X\ncurrency: USD\npto_days: 400\nunvested_equity:\n  - {amount: 10k, vest_date: soon}\nbonsu: 5\n", encoding="utf-8")
    result = run(OFFERS, "--current", str(bad), "--today", TODAY)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: {bad}: current job field pto_days: expected a number at most 366, got 400",
        f"error: {bad}: current job field unvested_equity[0].vest_date: expected a date like 2026-01-15, got 'soon'",
        f"error: {bad}: current job field bonsu: unknown field 'bonsu'; did you mean 'bonus'?",
        "3 problems found; nothing was written.",
    ]
    assert result.stdout == ""


def test_bad_flags_are_reported_together():
    result = run(OFFERS, "--today", "2026-13-01", "--format", "xml")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: --format: expected one of table, json, markdown, got 'xml'",
        "error: --today: expected a date like 2026-11-25, got '2026-13-01'",
        "2 problems found; nothing was written.",
    ]


def test_unknown_offer_id_and_missing_current_file_exit_2():
    result = run(OFFERS, "--today", TODAY, "--offer", "nope")
    assert result.exit_code == 2
    assert result.stderr == "error: --offer: no offer with id 'nope'; ids: globex, initech, hooli-de\n"
    result = run(OFFERS, "--today", TODAY, "--current", "no/such/current.yaml")
    assert result.exit_code == 2
    assert result.stderr == "error: no/such/current.yaml: file not found\n"


def _ranking(*args: str) -> dict:
    result = run(OFFERS, "--today", TODAY, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["ranking"]


def _compare(*args: str) -> dict:
    result = runner.invoke(app, ["compare", OFFERS, "--today", TODAY, "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return {o["id"]: o for o in json.loads(result.stdout)["offers"]}


def test_rank_by_after_tax_uses_the_tax_engines_figures():
    """--rank-by after_tax (or its full name) ranks on the engine's average TC after tax, the
    figure compare prints; with a flat --tax-rate it is the pre-tax average × (1 − rate)."""
    offers = _compare()
    for key in ("after_tax", "average_tc_after_tax"):
        r = _ranking("--rank-by", key)
        assert r["rank_by"] == "average_tc_after_tax"
        rows = [(x["offer_id"], x["rank"], x["value"]) for x in r["offers"]]
        want = sorted(offers.values(), key=lambda o: -o["average_tc_after_tax"])
        assert [(oid, rank) for oid, rank, _ in rows] == [(o["id"], k) for k, o in enumerate(want, start=1)]
        assert all(abs(v - offers[oid]["average_tc_after_tax"]) <= 0.005 for oid, _, v in rows)
        assert offers["initech"]["average_tc_after_tax"] < offers["initech"]["average_tc"] * 0.7  # CA: more than 30% in tax
    flat = _ranking("--rank-by", "after_tax", "--tax-rate", "30%")
    pre = _compare()
    assert all(abs(x["value"] - 0.7 * pre[x["offer_id"]]["average_tc"]) <= 0.01 for x in flat["offers"])


def test_rank_by_after_tax_skips_an_offer_the_engine_cannot_tax(tmp_path):
    """An offer in a country without tax tables has no after-tax figure: it is ranked last,
    unranked, never on its pre-tax pay."""
    path = tmp_path / "offers.yaml"
    path.write_text("offers:\n"
                    "  - {id: sea, company: Sea, currency: USD, base_salary: 200k, location: 'Seattle, WA', start_date: 2027-01-04}\n"
                    "  - {id: tok, company: Tok, currency: USD, base_salary: 400k, location: 'Tokyo, Japan', start_date: 2027-01-04}\n",
                    encoding="utf-8")
    result = run(str(path), "--today", TODAY, "--format", "json", "--rank-by", "after_tax")
    assert result.exit_code == 0, result.output
    r = json.loads(result.stdout)["ranking"]
    assert r["top"] == "sea" and r["runner_up"] is None
    assert [(x["offer_id"], x["rank"]) for x in r["offers"]] == [("sea", 1), ("tok", None)]


def test_market_based_talking_points_carry_compares_market_entry_as_structured_data():
    """`talking_points[].market` on base-below-market / total-below-market: the same source,
    as-of date, matched row, percentile and sample size as compare's `market[]` entry."""
    from toolkit.market.place import REFERENCE_KEYS

    args = (OFFERS, "--today", TODAY, "--format", "json", "--market", str(ROOT / "data" / "market" / "percentiles.csv"))
    negotiate = run(*args)
    assert negotiate.exit_code == 0, negotiate.output
    compare = runner.invoke(app, ["compare", *args])
    assert compare.exit_code == 0, compare.output
    market = {o["id"]: {m["component"]: m for m in o["market"]} for o in json.loads(compare.stdout)["offers"]}
    cited = 0
    for o in json.loads(negotiate.stdout)["offers"]:
        for t in o["talking_points"]:
            if t["rule"] in ("base-below-market", "total-below-market"):
                ref = t["market"]
                assert list(ref) == list(REFERENCE_KEYS)
                assert ref == {k: market[o["id"]][ref["component"]][k] for k in REFERENCE_KEYS}
                assert ref["matched"]["role"] and ref["source"] and ref["percentile"] is not None
                cited += 1
            else:
                assert "market" not in t
    assert cited >= 2
