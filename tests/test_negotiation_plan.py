"""build_plan / NegotiationPlan: DataFrame columns other reports read, the JSON blocks for
`compare`, the decision summary (ranking, personal score, crossover, break-even), current job."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from toolkit.errors import InputError
from toolkit.offers.load import load_offers
from toolkit.offers.models import Offer
from toolkit.negotiation import build_plan, load_current
from toolkit.negotiation.current import forfeited_value
from toolkit.negotiation.ranking import personal_scores
from toolkit.offers.scenarios import break_even_growth as _break_even_growth, crossover_year as _crossover_year
from toolkit.offers.evaluate import evaluate
from toolkit.report import text

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def evaluation():
    return evaluate(load_offers([ROOT / "data" / "offers.yaml"]))


def offer(id, **terms) -> Offer:
    data = {"id": id, "company": id.title(), "currency": "USD", "base_salary": 150_000, **terms}
    return Offer.model_validate(data, context={"currency": "USD"})


def test_dataframe_columns_are_the_contract(evaluation):
    plan = build_plan(evaluation, today=TODAY)
    assert list(plan.checklist.columns) == ["offer_id", "item", "status", "reason"]
    assert list(plan.talking_points.columns) == [
        "offer_id", "priority", "rule", "component", "current", "target", "ask", "unit", "currency", "rationale", "evidence", "script"]
    assert list(plan.counters.columns) == ["offer_id", "year1_tc_before", "year1_tc_after", "average_tc_before", "average_tc_after", "summary", "reaches"]
    assert list(plan.walkaway.columns) == ["offer_id", "month", "cash_received", "equity_received", "retirement_vested", "repayment_owed", "net_value"]
    assert list(plan.drafts.columns) == ["offer_id", "kind", "subject", "body"]
    assert list(plan.ranking["offer_id"]) == ["globex", "initech", "hooli-de"]
    assert "<h4>Talking points</h4>" in plan._repr_html_()


def test_compare_json_blocks_plug_into_build_document(evaluation):
    plan = build_plan(evaluation, today=TODAY)
    doc = text.build_document(evaluation, offer_blocks=plan.offer_blocks(), document_blocks=plan.document_blocks())
    json.loads(text.render_json(doc))
    first = doc["offers"][0]
    assert {"checklist", "talking_points", "counter", "walkaway"} <= set(first)
    assert first["checklist"][0] == {"item": "written_offer", "status": "confirmed", "reason": "written offer received"}
    assert doc["ranking"]["offers"][0]["rank"] == 1
    assert "year1_tc" in first  # the compare figures are still there


def test_offer_blocks_are_empty_for_offers_outside_the_plan(evaluation):
    plan = build_plan(evaluation, today=TODAY, offer_id="initech")
    doc = text.build_document(evaluation, offer_blocks=plan.offer_blocks())
    assert "checklist" not in doc["offers"][0] and "checklist" in doc["offers"][1]


def test_ranking_on_a_chosen_figure_with_a_weighted_personal_score():
    offers = [offer("a", factors={"growth": 4, "commute": 2}), offer("b", base_salary=160_000, factors={"growth": 2, "commute": 5})]
    ev = evaluate(offers, {"weights": {"growth": 3, "commute": 1}})
    plan = build_plan(ev, today=TODAY, rank_by="year1_tc")
    r = plan.ranking.set_index("offer_id")
    assert list(plan.ranking["offer_id"]) == ["b", "a"]
    assert r.loc["a", "score"] == pytest.approx((3 * 4 + 1 * 2) / 4)  # 3.5
    assert r.loc["b", "score"] == pytest.approx((3 * 2 + 1 * 5) / 4)  # 2.75
    assert r.loc["a", "score_rank"] == 1 and r.loc["b", "rank"] == 1
    assert personal_scores(offers, None) == [3.0, 3.5]  # no weights: every factor weighs 1


def test_rank_by_must_be_known_and_computable(evaluation):
    with pytest.raises(InputError, match="expected one of year1_tc, average_tc"):
        build_plan(evaluation, today=TODAY, rank_by="vibes")
    # after tax is computed by the built-in tax engine from each offer's location (docs/tax.md)
    after = build_plan(evaluation, today=TODAY, rank_by="after_tax")
    want = sorted(evaluation.ids, key=lambda i: -evaluation.headlines["average_tc_after_tax"][evaluation.ids.index(i)])
    assert list(after.ranking["offer_id"]) == want
    plan = build_plan(evaluation, today=TODAY, rank_by="col_adjusted")  # only hooli-de has a col_index
    assert list(plan.ranking["offer_id"]) == ["hooli-de", "globex", "initech"]
    assert plan.ranking.iloc[0]["rank"] == 1 and plan.ranking["rank"].iloc[1:].isna().all()


def test_crossover_year_and_break_even_growth_between_the_top_two():
    cash = offer("cash", base_salary=200_000)
    stock = offer("stock", base_salary=100_000, equity={"grant_value": 400_000, "vesting": "4y-annual"})
    ev = evaluate([cash, stock])  # TC 200k a year each at 0% growth → tie
    ev2 = evaluate([cash, offer("late", base_salary=150_000, equity={"grant_value": 400_000, "vesting": "amazon"})])
    # late: 170k, 210k, 230k, 230k vs 200k a year → cumulative −30k, −20k, +10k: crosses in year 3
    assert _crossover_year(ev2, "cash", "late") == 3
    g = _break_even_growth(evaluate([cash, offer("s2", base_salary=90_000, equity={"grant_value": 400_000, "vesting": "4y-annual"})]), "cash", "s2")
    assert g is not None and g > 0
    assert _break_even_growth(ev, "cash", "cash") in (None, -0.9)
    plan = build_plan(ev2, today=TODAY)
    assert plan.decision["top"] == "late" and plan.decision["crossover_year"] == 3


def test_plan_validates_its_arguments(evaluation):
    with pytest.raises(InputError) as err:
        build_plan(evaluation, today=TODAY, target_percentile=120, offer_id="nope")
    # The library names its own parameters; the CLI maps them to --target-percentile and --offer.
    assert [(i.source, i.field) for i in err.value.issues] == [("argument", "target_percentile"), ("argument", "offer_id")]
    assert str(err.value.issues[1]).startswith("argument offer_id: no offer with id 'nope'")


def test_load_current_and_forfeit_window():
    job = load_current(ROOT / "data" / "current-job.yaml")
    assert job.pto_days == 20 and job.base_salary.amount == 165_000
    f = forfeited_value(job, dt.date(2027, 1, 11))
    assert f.equity == 40_000 and f.bonus == 15_000 and f.total == 55_000


def test_load_current_needs_a_mapping_and_a_currency(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("- 1\n", encoding="utf-8")
    with pytest.raises(InputError, match="expected a mapping"):
        load_current(p)
    p.write_text("company: X\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_current(p)
    assert [i.field for i in err.value.issues] == ["currency"]


def test_the_negotiation_core_does_not_import_the_cli_or_report_writers():
    import subprocess
    import sys

    code = "import toolkit.negotiation, sys; print(sorted(m for m in ('typer', 'openpyxl', 'matplotlib') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_equal_personal_scores_share_a_rank_and_the_table_shows_the_tie():
    from toolkit.negotiation.ranking import competition_ranks
    from toolkit.report.negotiation import render_markdown, render_table

    # unweighted means: a (4+4)/2 = 4.00, b (3+4)/2 = 3.50, c (4+3)/2 = 3.50, d (2+2)/2 = 2.00
    offers = [offer("a", factors={"growth": 4, "commute": 4}), offer("b", base_salary=170_000, factors={"growth": 3, "commute": 4}),
              offer("c", base_salary=160_000, factors={"growth": 4, "commute": 3}), offer("d", factors={"growth": 2, "commute": 2})]
    plan = build_plan(evaluate(offers), today=TODAY)
    r = plan.ranking.set_index("offer_id")
    assert [r.loc[k, "score"] for k in "abcd"] == [4.0, 3.5, 3.5, 2.0]
    assert [r.loc[k, "score_rank"] for k in "abcd"] == [1, 2, 2, 4]  # competition ranking, not 1, 3, 2, 4
    assert [bool(r.loc[k, "score_tied"]) for k in "abcd"] == [False, True, True, False]
    table = render_table(plan)
    assert "personal score  score rank" in table
    rows = {line.split()[1]: line for line in table.splitlines() if line.startswith("  ") and line.split()[:1] in (["1"], ["2"], ["3"], ["4"])}
    assert rows["b"].endswith("3.50     2 (tie)") and rows["c"].endswith("3.50     2 (tie)")
    assert rows["a"].endswith("4.00           1") and rows["d"].endswith("2.00           4")
    assert "| 3.50 | 2 (tie) |" in render_markdown(plan)
    assert competition_ranks([3.5, None, 3.5 + 1e-12, 5.0]) == [2, None, 2, 1]


def test_equal_figures_share_a_rank_and_the_summary_says_they_tie():
    from toolkit.offers.models import Assumptions

    offers = [offer(oid, base_salary=b, factors={"growth": g}) for oid, b, g in (("a", 100_000, 3), ("b", 100_000, 3), ("c", 90_000, 5))]
    plan = build_plan(evaluate(offers, Assumptions(weights={"growth": 1})), today=dt.date(2026, 11, 20))
    assert list(plan.ranking["rank"]) == [1, 1, 3] and list(plan.ranking["score_rank"]) == [2, 2, 1]
    assert plan.decision["tied"] is True
