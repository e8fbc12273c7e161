"""Every source tag the negotiation code cites ([S52a], [S58], ...) is listed in docs/sources.md
with a title and an address, and no user-facing text points at notes that are not in the repository."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from toolkit.offers.load import load_offers
from toolkit.negotiation import build_plan, load_current
from toolkit.report.negotiation import render_table
from toolkit.offers.evaluate import evaluate

ROOT = Path(__file__).resolve().parent.parent
TAG = re.compile(r"\[(S\d+[a-z]?)\]")


def _listed() -> dict[str, str]:
    text = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    return {m.group(1): m.group(2) for m in re.finditer(r"^- \*\*\[(S\d+[a-z]?)\]\*\* (.+)$", text, re.M)}


def test_every_tag_in_the_negotiation_code_is_listed_with_a_title_and_an_address():
    cited = {t for path in (ROOT / "toolkit" / "negotiation").glob("*.py") for t in TAG.findall(path.read_text(encoding="utf-8"))}
    assert {"S52a", "S53a", "S58", "S59a", "S16a"} <= cited  # the scan finds the tags (rules, current job)
    listed = _listed()
    assert sorted(cited - set(listed)) == []
    for tag in cited:
        assert re.search(r"\S.*: <https?://\S+>", listed[tag]), (tag, listed[tag])


def test_the_plan_cites_docs_sources_md_and_never_domain_md():
    ev = evaluate(load_offers([ROOT / "data" / "offers.yaml"]))
    plan = build_plan(ev, current=load_current(ROOT / "data" / "current-job.yaml"), today=dt.date(2026, 11, 25))
    text = render_table(plan) + plan.talking_points.to_string() + plan.drafts.to_string()
    assert "domain.md" not in text
    assert "docs/sources.md" in render_table(plan)
    assert set(TAG.findall(text)) <= set(_listed())


def test_evidence_that_cited_domain_notes_now_names_the_topic_and_docs_sources_md():
    from toolkit.offers.models import Offer
    from toolkit.negotiation.rules import RuleContext, rule_no_competing_offer, rule_private_options_info

    o = Offer.model_validate({"id": "p", "company": "P", "currency": "USD", "base_salary": 100_000,
                              "equity": {"type": "option", "shares": 1000, "strike": 1, "share_price": 2, "private": True}},
                             context={"currency": "USD"})
    ctx = RuleContext(evaluation=evaluate([o]), index=0, today=dt.date(2026, 11, 25))
    assert rule_no_competing_offer(ctx).evidence == "negotiation guides: no bluffing, reasons for every ask [S52a][S53a] (docs/sources.md)"
    assert rule_private_options_info(ctx).evidence.endswith("[S11c][S9d][S11b] (docs/sources.md)")
