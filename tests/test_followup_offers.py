"""The planner reads the offers (issue 12): `offer: ID` entries take the offer's company, role, status
and deadline; the offers file wins, with a warning; an offer with no deadline gets an action."""

from __future__ import annotations

import datetime as dt

from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.followup import ActionKind, load_pipeline, merge_offers, plan_followups
from toolkit.offers.load import load_offers

TODAY = dt.date(2026, 12, 1)
OFFERS = """
offers:
  - {id: cascade, company: Cascade, role: Software Engineer, currency: USD, base_salary: 150000, status: written, deadline: 2026-12-18}
  - {id: dune, company: Dune, role: Data Engineer, currency: USD, base_salary: 140000, status: verbal}
"""
PIPELINE = """
entries:
  - {id: cascade, company: Cascade, role: Software Engineer, stage: offer, offer: cascade}
  - {id: dune, company: Dune Ltd, role: Data Engineer, stage: interviewing, offer: dune}
"""


def files(write):
    return write("offers.yaml", OFFERS), write("pipeline.yaml", PIPELINE)


def test_an_entry_naming_an_offer_keeps_its_deadline(write):
    # Why (issue 12): "The follow-up planner drops an offer's deadline when the pipeline entry names the
    # offer (`offer: cascade`) but does not retype the deadline, without a warning".
    offers, pipeline = files(write)
    merged, warnings = merge_offers(load_pipeline(pipeline), load_offers([offers]).offers)
    plan = plan_followups(merged, today=TODAY)
    cascade = [a for a in plan.actions if a.entry_id == "cascade"]
    assert [a.action for a in cascade] == [ActionKind.DEADLINE_REMINDER]
    assert "18 Dec" in cascade[0].reason
    assert any("company 'Dune Ltd' differs from the offers file's 'Dune'; using the offers file" in w for w in warnings)
    assert any("stage 'interviewing' but the offers file has a verbal offer" in w for w in warnings)


def test_an_offer_with_no_deadline_anywhere_gets_an_action(write):
    # Why (issue 12): "an offer with no deadline gets no action at all"
    offers, pipeline = files(write)
    merged, _ = merge_offers(load_pipeline(pipeline), load_offers([offers]).offers)
    dune = [a for a in plan_followups(merged, today=TODAY).actions if a.entry_id == "dune"]
    assert [a.action for a in dune] == [ActionKind.ASK_DEADLINE]
    assert dune[0].due == TODAY and "ask for the decision date and the offer in writing" in dune[0].reason
    assert "by when you would need my decision" in dune[0].draft


def test_a_deadline_disagreement_is_warned_and_the_offers_file_wins(write):
    offers = write("o.yaml", OFFERS)
    pipeline = write("p.yaml", "entries:\n  - {id: c, company: Cascade, role: Software Engineer, stage: offer, offer: cascade, deadline: 2026-12-20}\n")
    merged, warnings = merge_offers(load_pipeline(pipeline), load_offers([offers]).offers)
    assert merged.entries[0].deadline == dt.date(2026, 12, 18)
    assert warnings == [f"{pipeline}: entry 'c': deadline 2026-12-20 differs from the offers file's 2026-12-18; using the offers file"]


def test_plan_offers_flag_and_compare_pipeline(write):
    offers, pipeline = files(write)
    r = CliRunner().invoke(app, ["plan", str(pipeline), "--offers", str(offers), "--today", "2026-12-01", "--format", "json"])
    assert r.exit_code == 0, r.output
    assert "warning: " in r.stderr and "deadline_reminder" in r.stdout
    assert "ask_deadline" in r.stdout
    r = CliRunner().invoke(app, ["compare", str(offers), "--pipeline", str(pipeline), "--today", "2026-12-19"])
    assert r.exit_code == 0, r.output
    # a passed deadline is flagged by compare too
    assert "warning: offer 'cascade': the response deadline 2026-12-18 has passed (today 2026-12-19)" in r.stderr
    assert "company 'Dune Ltd' differs" in r.stderr


def test_an_entry_naming_an_offer_needs_no_company_or_role_of_its_own(write):
    # Issue 12 item 10: an entry with `offer: ID` takes that offer's company and role; the pipeline's
    # required fields are company, role and stage only when the entry names no offer.
    offers = write("o.yaml", OFFERS)
    pipeline = write("p.yaml", "entries:\n  - {id: c, stage: offer, offer: cascade}\n")
    merged, warnings = merge_offers(load_pipeline(pipeline, offers=load_offers([offers]).offers), load_offers([offers]).offers)
    entry = merged.entries[0]
    assert (entry.company, entry.role, entry.deadline) == ("Cascade", "Software Engineer", dt.date(2026, 12, 18))
    assert warnings == []
    for command in (["plan", str(pipeline), "--offers", str(offers)], ["compare", str(offers), "--pipeline", str(pipeline)]):
        r = CliRunner().invoke(app, [*command, "--today", "2026-12-01"])
        assert r.exit_code == 0, r.output


def test_without_the_offers_an_entry_naming_an_offer_still_needs_its_company(write):
    pipeline = write("p.yaml", "entries:\n  - {id: c, stage: offer, offer: cascade}\n")
    r = CliRunner().invoke(app, ["plan", str(pipeline), "--today", "2026-12-01"])
    assert r.exit_code == 2 and "field company: required, but missing" in r.stderr and "Traceback" not in r.output
