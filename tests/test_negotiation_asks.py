"""Asks a recruiter can say yes to, and drafts that restate the terms as offered (issue 12)."""

from __future__ import annotations

import datetime as dt

import pytest

from toolkit.negotiation import build_plan
from toolkit.negotiation.drafts import base_as_offered
from toolkit.offers.evaluate import evaluate
from toolkit.offers.models import Offer

TODAY = dt.date(2026, 12, 1)


def offer(id: str, **terms) -> Offer:
    data = {"id": id, "company": id.title(), "role": "Software Engineer", "location": "Seattle, WA", "currency": "USD",
            "base_salary": 150_000, **terms}
    return Offer.model_validate(data, context={"currency": data["currency"]})


def hourly_vs_equity_rival():
    cascade = offer("cascade", base_salary="98/hour", start_date="2027-01-10", deadline="2026-12-20")
    rival = offer("rival", base_salary=190_000, equity={"type": "rsu", "grant_value": 400_000, "vesting": "4y-cliff-monthly"})
    return evaluate([cascade, rival])


def test_no_equity_ask_without_a_basis_and_the_rule_says_so():
    # Why (issue 12): "An hourly offer with no equity gets `competing-offer [equity]: $0 → $426,000` and a counter
    # that asks for a $350,000 grant."
    plan = build_plan(hourly_vs_equity_rival(), today=TODAY, offer_id="cascade")
    tp = plan.talking_points
    assert not len(tp[(tp["component"] == "equity")])
    note = tp[tp["rule"] == "competing-offer"].iloc[0]
    assert note["component"] == "strategy" and "no equity in this offer" in note["rationale"] and "no equity ask" in note["rationale"]
    assert "$" not in note["script"]  # no number this offer has no basis for
    assert not [a for a in plan.bundles["cascade"]["asks"] if a["component"] == "equity"]


def test_acceptance_restates_an_hourly_offer_per_hour():
    # Why (issue 12): "Its acceptance draft restates `Base salary: $196,000 a year` for an offer made at $98/hour."
    plan = build_plan(hourly_vs_equity_rival(), today=TODAY, offer_id="cascade")
    body = plan.drafts.set_index("kind").loc["acceptance", "body"]
    assert "- Base salary: $98.00 an hour ($203,840 a year at 2,080 hours)" in body  # 98 × 2,080
    assert "$196,000" not in body


def test_a_monthly_euro_offer_is_restated_per_month_in_euros():
    o = offer("hooli", currency="EUR", location="Berlin, Germany", base_salary="€7,300/month", extra_months=1)
    assert base_as_offered(o) == "€7,300 a month (€94,900 a year, 13 payments)"  # 7,300 × 13


def test_a_past_start_date_or_a_deadline_after_the_start_is_flagged_not_restated():
    past = offer("late", start_date="2026-11-01")
    plan = build_plan(evaluate([past]), today=TODAY)
    item = plan.checklist.set_index("item").loc["start_date"]
    assert item["status"] == "to_confirm" and "already past" in item["reason"]
    body = plan.drafts.set_index("kind").loc["acceptance", "body"]
    assert "- Start date: [to be agreed: the start date in the offer, 2026-11-01, has passed]" in body
    odd = offer("odd", start_date="2027-01-04", deadline="2027-01-15")
    plan = build_plan(evaluate([odd]), today=TODAY)
    assert "falls after the start date" in plan.checklist.set_index("item").loc["start_date", "reason"]
    assert "- Start date: 2027-01-04" not in plan.drafts.set_index("kind").loc["acceptance", "body"]


def test_a_counter_citing_a_rival_lands_at_most_2_percent_above_it_and_the_summary_agrees():
    # Why (issue 12): "the bundled counter then overtakes the rival it cites while the summary says the rival 'stays ahead'"
    a = offer("a", base_salary=180_000, equity={"grant_value": 400_000, "vesting": "amazon"})
    b = offer("b", base_salary=200_000, sign_on=20_000, equity={"grant_value": 400_000, "vesting": "front-38-32-20-10"})
    ev = evaluate([a, b])
    plan = build_plan(ev, today=TODAY, offer_id="a")
    row = plan.counters.iloc[0]
    rival = float(ev.headlines["average_tc"][1])
    assert row["average_tc_after"] <= rival * 1.02 + 0.5
    assert "stays" not in row["reaches"] or row["average_tc_after"] < rival
    after = plan.decision["if_counters_granted"]
    assert after["top"] == ("a" if row["average_tc_after"] > rival else "b")


def test_the_decision_summary_is_recomputed_after_the_bundle():
    from toolkit.report.negotiation import render_table

    a = offer("a", base_salary=180_000, equity={"grant_value": 400_000, "vesting": "amazon"})
    b = offer("b", base_salary=200_000, sign_on=20_000, equity={"grant_value": 400_000, "vesting": "front-38-32-20-10"})
    text = render_table(build_plan(evaluate([a, b]), today=TODAY, offer_id="a"))
    assert "b leads a on average_tc" in text and "If every counter below is granted: a leads b on average_tc." in text


def test_units_travel_with_every_number():
    # Why (issue 12): "Talking points print days and percentages with a money format (`Current $18 / Target $20`
    # for PTO days) and euro amounts with a dollar sign."
    from toolkit.negotiation import load_current
    from toolkit.report.negotiation import render_markdown, render_table
    import json as _json
    from toolkit.report.negotiation import render_json

    eur = offer("hooli", currency="EUR", location="Berlin, Germany", base_salary=90_000, pto_days=18,
                relocation={"amount": 5_000, "grossed_up": False})
    job = load_current_yaml(pto_days=20)
    plan = build_plan(evaluate([eur], fx={"EUR": 1.1}, currency="USD"), current=job, today=TODAY)
    doc = _json.loads(render_json(plan))
    points = {p["rule"]: p for p in doc["offers"][0]["talking_points"]}
    assert (points["pto-match"]["unit"], points["pto-match"]["currency"]) == ("days", None)
    assert (points["relocation-gross-up"]["unit"], points["relocation-gross-up"]["currency"]) == ("money", "EUR")
    for text in (render_table(plan), render_markdown(plan)):
        assert "18 days → 20 days (+2 days)" in text
        assert "€5,000 → €" in text and "$18" not in text
    asks = doc["offers"][0]["counter"]["asks"]
    assert {a["component"]: (a["unit"], a["currency"]) for a in asks}["pto_days"] == ("days", None)


def load_current_yaml(**terms):
    from toolkit.negotiation.current import CurrentJob

    return CurrentJob.model_validate({"currency": "EUR", **terms}, context={"currency": "EUR"})
