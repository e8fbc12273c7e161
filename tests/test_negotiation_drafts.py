"""Message drafts: golden files (tests/golden/negotiation_*.txt, compared exactly).

Regenerate with UPDATE_GOLDEN=1 and review the diff; never edit the files by hand.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from toolkit.offers.load import load_offers
from toolkit.negotiation import build_plan, load_current
from toolkit.negotiation.drafts import KINDS
from toolkit.offers.evaluate import evaluate
from conftest import assert_golden

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def plan():
    ev = evaluate(load_offers([ROOT / "data" / "offers.yaml"]))
    return build_plan(ev, current=load_current(ROOT / "data" / "current-job.yaml"), today=TODAY)


def _text(plan, offer_id: str, kind: str) -> str:
    d = plan.drafts[(plan.drafts["offer_id"] == offer_id) & (plan.drafts["kind"] == kind)].iloc[0]
    return f"Subject: {d['subject']}\n\n{d['body']}"


@pytest.mark.parametrize("kind", KINDS)
def test_globex_drafts_match_golden(plan, kind):
    assert_golden(_text(plan, "globex", kind), f"negotiation_{kind}.txt")


def test_initech_counter_with_a_competing_offer_matches_golden(plan):
    assert_golden(_text(plan, "initech", "counter_offer"), "negotiation_counter_offer_initech.txt")


def test_every_offer_gets_all_five_drafts_with_no_unfilled_template_fields(plan):
    assert list(plan.drafts.columns) == ["offer_id", "kind", "subject", "body"]
    assert plan.drafts.groupby("offer_id")["kind"].apply(list).to_dict() == {oid: list(KINDS) for oid in plan.offer_ids}
    for body in plan.drafts["body"]:
        assert "{" not in body and "}" not in body and "None" not in body and "nan" not in body


def test_acceptance_restates_the_terms_and_asks_for_them_in_writing(plan):
    text = _text(plan, "globex", "acceptance")
    assert "Base salary: $185,000 a year" in text and "Start date: 2027-01-11" in text
    assert "offer letter" in text
