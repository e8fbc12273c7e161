"""Visa rules by visa type (toolkit/negotiation/visa.py and the rules that read it): no lottery claim
where no lottery applies, each fee only for the petitions its source names, PERM only with a green
card, neutral words for other routes, and the EU Blue Card / UK Skilled Worker thresholds."""

from __future__ import annotations

import datetime as dt

import pytest

from toolkit.negotiation import visa as V
from toolkit.negotiation.checklist import build_checklist
from toolkit.negotiation.rules import RuleContext, rule_sponsorship_costs, rule_visa_threshold, rule_visa_wage_level
from toolkit.offers.evaluate import evaluate
from toolkit.offers.models import Offer

TODAY = dt.date(2026, 11, 25)


def offer(**terms) -> Offer:
    data = {"id": "acme", "company": "Acme", "role": "Software Engineer", "currency": "USD", "base_salary": 150_000,
            "location": "Seattle, WA", **terms}
    return Offer.model_validate(data, context={"currency": data["currency"]})


def ctx(o: Offer, wage_level=None) -> RuleContext:
    return RuleContext(evaluation=evaluate([o]), index=0, today=TODAY, wage_level=wage_level)


# Level 2 reached at 150,000, Level 3 at 155,000: 5,000 more is within the 10% reach
LEVELS = {"level_reached": 2, "next_level": 3, "next_level_wage": 155_000.0, "level_1": 110_000.0, "level_2": 140_000.0,
          "level_3": 155_000.0, "level_4": 175_000.0, "currency": "USD", "source": "OFLC fixture"}


def test_an_h1b_transfer_is_never_told_about_lottery_entries():
    # Why (issue 12): "gives 2 lottery entries instead of 1 … improves my H-1B chances" for a transfer.
    # INA 214(g)(7): a worker already counted against the cap is not counted (or selected) again.
    p = rule_visa_wage_level(ctx(offer(visa="h1b-transfer"), LEVELS))
    assert p is not None and p.target == 155_000
    text = p.rationale + p.script + p.evidence
    assert "lottery entries" not in text and "H-1B chances" not in text and "improves my" not in text
    assert "no lottery" in p.rationale


@pytest.mark.parametrize("kind", ["h1b-cap-exempt", "h1b1", "e3"])
def test_no_lottery_claim_for_cap_exempt_h1b1_or_e3(kind):
    p = rule_visa_wage_level(ctx(offer(visa=kind), LEVELS))
    assert p is not None and "lottery entries" not in p.rationale and "lottery" not in p.script


def test_a_new_cap_subject_h1b_keeps_the_weighted_lottery_point_with_its_rule():
    p = rule_visa_wage_level(ctx(offer(visa="h1b-new"), LEVELS))
    assert "3 lottery entries instead of 2" in p.rationale and "[S65e]" in p.evidence  # 90 FR 60864


@pytest.mark.parametrize("kind, location, currency", [("blue-card", "Berlin, Germany", "EUR"), ("tn", "Seattle, WA", "USD"),
                                                      ("l1", "Seattle, WA", "USD"), ("o1", "Seattle, WA", "USD"),
                                                      ("skilled-worker", "London, UK", "GBP")])
def test_non_lca_routes_get_no_lca_acwia_or_perm_claim_and_no_green_card_date(kind, location, currency):
    # Why (issue 12): a Blue Card or TN offer was told the costs are the employer's "by law for the LCA,
    # ACWIA and PERM" and asked for a green-card start date.
    p = rule_sponsorship_costs(ctx(offer(visa=kind, location=location, currency=currency, base_salary=90_000)))
    assert p is not None
    text = p.rationale + p.script + p.evidence
    assert "LCA" not in text and "ACWIA" not in text and "PERM" not in text and "by law" not in text
    assert "start" not in p.script and "green-card (PERM)" not in p.script
    if kind in ("blue-card", "skilled-worker"):  # a US term: never asked outside the US
        assert "green" not in p.script


def test_fees_follow_the_petition_types_their_source_names():
    assert [f.name for f in V.fees_for("h1b1")] == ["ACWIA training fee", "Asylum Program Fee"]  # no fraud fee for H-1B1
    assert "Fraud Prevention and Detection fee" in [f.name for f in V.fees_for("h1b-transfer")]
    assert not any("100,000" in f.name for f in V.fees_for("h1b-transfer"))  # a change of employer is outside the proclamation
    assert any("100,000" in f.name for f in V.fees_for("h1b-new"))
    assert not any(f.name.startswith("ACWIA") for f in V.fees_for("e3"))
    p = rule_sponsorship_costs(ctx(offer(visa="h1b-transfer")))
    assert "$100,000" not in p.evidence and "ACWIA" in p.evidence and "PERM" not in p.rationale


def test_perm_only_when_a_green_card_is_sponsored():
    with_gc = rule_sponsorship_costs(ctx(offer(visa={"sponsorship": "h1b-transfer", "green_card": True})))
    without = rule_sponsorship_costs(ctx(offer(visa={"sponsorship": "h1b-transfer", "green_card": False})))
    assert "PERM" in with_gc.rationale and "green-card (PERM)" in with_gc.script
    assert "PERM" not in without.rationale and "green" not in without.script


def test_blue_card_threshold_for_a_german_offer_below_it():
    # EU Blue Card 2026: €50,700 (50% of the €101,400 pension ceiling) [S47a][S47b]
    o = offer(visa="blue-card", location="Berlin, Germany", currency="EUR", base_salary=48_000)
    p = rule_visa_threshold(ctx(o))
    assert p.current == 48_000 and p.target == 51_000 and (p.unit, p.currency) == ("money", "EUR")
    assert "€50,700" in p.rationale and "€45,934" in p.rationale
    assert rule_visa_threshold(ctx(offer(visa="blue-card", location="Berlin, Germany", currency="EUR", base_salary=60_000))) is None
    assert rule_visa_threshold(ctx(offer(visa="blue-card", location="Paris, France", currency="EUR", base_salary=40_000))) is None


def test_uk_skilled_worker_threshold():
    p = rule_visa_threshold(ctx(offer(visa="skilled-worker", location="London, UK", currency="GBP", base_salary=38_000)))
    assert "£41,700" in p.rationale and "£17.13" in p.rationale


def test_a_german_gmbh_is_never_asked_for_a_green_card_or_a_409a_price():
    # Why (issue 12): "The checklist asks a German GmbH for a green-card sponsorship and a 409A price."
    o = offer(company="Hooli Deutschland GmbH", location="Berlin, Germany", currency="EUR", visa="blue-card",
              equity={"type": "option", "shares": 1000, "strike": 1, "share_price": 5, "private": True})
    items = {c.item: c.reason for c in build_checklist(o, TODAY)}
    text = " ".join(items.values())
    assert "green-card" not in text and "green card" not in text and "409A" not in text and "401(k)" not in text
    assert "VSOP" in items["share_price_basis"] and "BGB §622" in items["probation_notice"]
    assert "health" not in items  # the employer health premium is a US item


def test_unknown_country_gets_the_universal_items_only():
    o = offer(location=None, equity={"type": "option", "shares": 1000, "strike": 1, "share_price": 5, "private": True})
    items = {c.item: c.reason for c in build_checklist(o, TODAY)}
    assert "409A" not in " ".join(items.values()) and "401(k)" not in " ".join(items.values())
    assert "probation_notice" not in items and "health" not in items


def test_a_us_offer_keeps_409a_and_401k():
    o = offer(equity={"type": "option", "shares": 1000, "strike": 1, "share_price": 5, "private": True})
    items = {c.item: c.reason for c in build_checklist(o, TODAY)}
    assert "409A" in items["share_price_basis"] and "401(k)" in items["retirement"]
