"""`offer-toolkit compare` on the sample data, in every format, compared exactly with golden files.

The sample's FX date and --today are pinned, so the output is deterministic. Regenerate with
`python -m pytest tests/test_compare_golden.py --update-golden` and review the diff.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest import ROOT, assert_golden
from toolkit.cli import app

ARGS = [str(ROOT / "data" / "offers.yaml"), "--market", str(ROOT / "data" / "market" / "percentiles.csv"),
        "--current", str(ROOT / "data" / "current-job.yaml"), "--today", "2026-11-25"]


def _compare(fmt: str) -> str:
    result = CliRunner().invoke(app, ["compare", *ARGS, "--format", fmt], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    return result.stdout.replace(str(ROOT), "__root__")


@pytest.mark.parametrize("fmt, name", [("table", "compare_sample.txt"), ("markdown", "compare_sample.md"),
                                       ("csv", "compare_sample.csv"), ("json", "compare_sample.json")])
def test_compare_on_the_sample_data_matches_its_golden_file(fmt, name):
    assert_golden(_compare(fmt), name)


def test_the_json_document_is_the_library_document():
    # The CLI prints what toolkit.report.document builds: Python users get the same document.
    import datetime as dt

    import toolkit
    from toolkit.market.targets import currency_uses
    from toolkit.negotiation import build_plan, load_current
    from toolkit.negotiation.current import evaluate_stay
    from toolkit.report.document import build_compare_document

    market = toolkit.load_market(ROOT / "data" / "market" / "percentiles.csv")
    evaluation = toolkit.place(toolkit.evaluate(toolkit.load_offers(ROOT / "data" / "offers.yaml"), also_convert=currency_uses([market])), [market])
    job = load_current(ROOT / "data" / "current-job.yaml")
    today = dt.date(2026, 11, 25)
    plan = build_plan(evaluation, current=job, today=today, wage_levels=evaluation.wage_levels)
    stay = evaluate_stay(job, evaluation, today=today, source=str(ROOT / "data" / "current-job.yaml"))
    document = json.loads(json.dumps(build_compare_document(evaluation, plan, stay=stay)).replace(str(ROOT), "__root__"))
    assert document == json.loads(_compare("json"))
