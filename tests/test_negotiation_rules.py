"""Talking-point rules (toolkit.negotiation.rules): one scenario where each rule fires and one
where it stays silent, plus the shared arithmetic (percentile interpolation, priorities)."""

from __future__ import annotations

import datetime as dt
import math
import re

import pandas as pd
import pytest

from toolkit.offers.models import Offer
from toolkit.negotiation.current import CurrentJob, forfeited_value
from toolkit.negotiation.rules import (
    RULE_IDS, RULES, RuleContext, TalkingPoint, interpolate_percentile, rule_back_loaded_vesting, rule_base_below_market,
    rule_bonus_fixed, rule_clawback_terms, rule_competing_offer, rule_deadline_extension, rule_make_whole,
    rule_no_competing_offer, rule_private_options_info, rule_pto_match, rule_relocation_gross_up, rule_sponsorship_costs,
    rule_total_below_market, rule_visa_wage_level, run_rules,
)
from toolkit.offers.evaluate import evaluate

TODAY = dt.date(2026, 11, 25)  # a Wednesday


def offer(id: str = "acme", **terms) -> Offer:
    data = {"id": id, "company": id.title() + " Inc", "role": "Software Engineer", "level": "L5", "currency": "USD", "base_salary": 150_000, **terms}
    return Offer.model_validate(data, context={"currency": data["currency"]})


def market(offer_id: str = "acme", **components) -> pd.DataFrame:
    """components: name=(value, p25, p50, p75) → placement rows like toolkit.market builds."""
    rows = []
    for comp, (value, p25, p50, p75) in components.items():
        rows.append({"offer_id": offer_id, "component": comp, "value": value, "percentile": 40.0, "clamped": None,
                     "p10": float("nan"), "p25": p25, "p50": p50, "p75": p75, "p90": float("nan"),
                     "gap_to_p50": p50 - value, "gap_to_p75": p75 - value, "match": "exact", "sample_size": 40,
                     "source": "Example survey 2026"})
    return pd.DataFrame(rows)


def ctx(*offers: Offer, index: int = 0, today: dt.date = TODAY, market_rows=None, current=None, wage_level=None, **kw) -> RuleContext:
    ev = evaluate(list(offers))
    forfeit = forfeited_value(current, today) if current is not None else None
    return RuleContext(evaluation=ev, index=index, today=today, market=market_rows, current=current, forfeit=forfeit,
                       wage_level=wage_level, **kw)


def one(result) -> TalkingPoint:
    assert result is not None
    if isinstance(result, list):
        assert len(result) >= 1
        return result[0]
    return result


def assert_ask(p: TalkingPoint, current: float, target: float) -> None:
    assert p.current == pytest.approx(current, abs=0.01)
    assert p.target == pytest.approx(target, abs=0.01)
    assert p.ask == pytest.approx(target - current, abs=0.01)
    assert p.rationale and p.evidence and p.script


# ---------------------------------------------------------------- shared arithmetic


def test_interpolation_is_linear_between_known_points_and_clamped_outside():
    row = {"p25": 165_000, "p50": 180_000, "p75": 195_000, "p10": float("nan")}
    assert interpolate_percentile(row, 65) == pytest.approx(189_000)
    assert interpolate_percentile(row, 50) == pytest.approx(180_000)
    assert interpolate_percentile(row, 95) == pytest.approx(195_000)  # clamped at the highest known point
    assert interpolate_percentile(row, 5) == pytest.approx(165_000)


def test_rule_ids_are_stable_and_one_function_per_id():
    assert len(RULES) == len(RULE_IDS) == 15
    assert set(RULE_IDS) == {
        "base-below-market", "total-below-market", "make-whole", "clawback-terms", "relocation-gross-up", "back-loaded-vesting",
        "private-options-info", "visa-wage-level", "visa-threshold", "sponsorship-costs", "competing-offer", "no-competing-offer",
        "deadline-extension", "pto-match", "bonus-fixed",
    }


def test_priorities_number_points_in_rule_order_and_every_point_has_a_reason():
    o = offer(deadline="2026-11-26", bonus="10%", relocation={"amount": 10_000, "grossed_up": False})
    points = run_rules(ctx(o))
    assert [p.priority for p in points] == list(range(1, len(points) + 1))
    assert [p.rule for p in points] == ["deadline-extension", "relocation-gross-up", "no-competing-offer", "bonus-fixed"]
    assert all(p.offer_id == "acme" and p.rationale and p.evidence and p.script for p in points)


# ---------------------------------------------------------------- R1 base-below-market


def test_base_below_market_asks_for_the_65th_percentile_rounded_to_1000():
    p = one(rule_base_below_market(ctx(offer(), market_rows=market(base=(150_000, 150_000, 160_000, 175_000)))))
    # p65 = 160,000 + (65 − 50)/(75 − 50) × 15,000 = 169,000
    assert p.rule == "base-below-market" and p.component == "base"
    assert_ask(p, 150_000, 169_000)
    assert "Example survey 2026" in p.evidence and "p50 $160,000" in p.evidence


def test_base_below_market_target_percentile_is_configurable_and_capped_at_20_percent():
    assert one(rule_base_below_market(ctx(offer(), market_rows=market(base=(150_000, 150_000, 160_000, 200_000)),
                                          target_percentile=55))).target == 168_000  # 160k + 0.2 × 40k
    rows = market(base=(150_000, 150_000, 160_000, 300_000))
    capped = one(rule_base_below_market(ctx(offer(), market_rows=rows)))  # p65 = 244,000 → capped at 150k × 1.2
    assert capped.target == 180_000 and "capped" in capped.rationale


def test_base_below_market_silent_at_or_above_the_median_or_without_market_data():
    assert rule_base_below_market(ctx(offer(), market_rows=market(base=(160_000, 150_000, 160_000, 175_000)))) is None
    assert rule_base_below_market(ctx(offer())) is None


# ---------------------------------------------------------------- R2 total-below-market


def test_total_below_market_with_base_fine_asks_for_equity_on_public_rsus():
    o = offer(equity={"grant_value": 200_000, "vesting": "4y-annual"})
    rows = market(base=(150_000, 140_000, 145_000, 155_000), total=(200_000, 200_000, 220_000, 245_000))
    p = one(rule_total_below_market(ctx(o, market_rows=rows)))
    # p65 total = 220k + 0.6 × 25k = 235k → 35k a year × 4 vesting years = 140k more grant (340k),
    # capped by R3 at the offer's grant × 1.2 = 240,000
    assert p.component == "equity"
    assert_ask(p, 200_000, 240_000)
    assert "R3" in p.rationale
    small_gap = market(base=(150_000, 140_000, 145_000, 155_000), total=(200_000, 195_000, 202_000, 212_000))
    # p65 total = 202k + 0.6 × 10k = 208k → 8k a year × 4 = 32k → 232,000, under the 240,000 cap
    assert_ask(one(rule_total_below_market(ctx(o, market_rows=small_gap))), 200_000, 232_000)


def test_total_below_market_without_public_rsus_asks_for_a_sign_on():
    rows = market(base=(150_000, 140_000, 145_000, 155_000), total=(150_000, 160_000, 170_000, 180_000))
    p = one(rule_total_below_market(ctx(offer(), market_rows=rows)))
    assert p.component == "sign_on"
    assert_ask(p, 0, 26_000)  # p65 = 176,000 − 150,000


def test_total_below_market_carries_the_matched_market_row_as_structured_data():
    rows = market(base=(150_000, 140_000, 145_000, 155_000), total=(150_000, 160_000, 170_000, 180_000)).assign(
        matched_role="Software Developers", matched_level="", matched_location="Seattle, WA", matched_scope="city",
        matched_country="US", matched_levels=3, matched_locations=1, country_mismatch=False, as_of="2025-05-01",
        basis="Seattle, WA Example survey 2026 data for Software Developers (all levels)")
    p = one(rule_total_below_market(ctx(offer(), market_rows=rows)))
    assert p.market == {
        "component": "total", "source": "Example survey 2026", "as_of": "2025-05-01",
        "matched": {"role": "Software Developers", "level": None, "location": "Seattle, WA", "scope": "city", "country": "US",
                    "levels_pooled": 3, "locations_pooled": 1},
        "percentile": 40.0, "clamped": None, "sample_size": 40}
    assert rule_deadline_extension(ctx(offer(deadline="2026-11-27"))).market is None  # no market data cited


def test_total_below_market_silent_when_base_is_below_median_or_total_is_fine():
    low_base = market(base=(150_000, 150_000, 160_000, 175_000), total=(150_000, 160_000, 170_000, 180_000))
    assert rule_total_below_market(ctx(offer(), market_rows=low_base)) is None  # R1's job
    fine = market(base=(150_000, 140_000, 145_000, 155_000), total=(150_000, 130_000, 140_000, 150_000))
    assert rule_total_below_market(ctx(offer(), market_rows=fine)) is None


# ---------------------------------------------------------------- R5 make-whole


def job(**kw) -> CurrentJob:
    return CurrentJob.model_validate({"company": "Oldco", "currency": "USD", **kw}, context={"currency": "USD"})


def test_make_whole_asks_for_a_sign_on_covering_unvested_equity_and_bonus():
    cur = job(unvested_equity=[{"amount": 20_000, "vest_date": "2027-03-01"}, {"amount": 20_000, "vest_date": "2027-09-01"},
                               {"amount": 20_000, "vest_date": "2028-03-01"}], bonus_forfeited=15_000)
    p = one(rule_make_whole(ctx(offer(sign_on=10_000), current=cur)))
    # next 12 months: 40,000 equity (the 2028 tranche is outside) + 15,000 bonus = 55,000
    assert p.component == "sign_on"
    assert_ask(p, 10_000, 55_000)
    assert "$55,000" in p.evidence


def test_make_whole_rounds_up_so_the_sign_on_covers_the_whole_forfeit():
    cur = job(unvested_equity=[{"amount": 30_400, "vest_date": "2027-03-01"}], bonus_forfeited=10_000)
    p = one(rule_make_whole(ctx(offer(), current=cur)))
    assert_ask(p, 0, 41_000)  # 30,400 + 10,000 = 40,400 → up to 41,000 (nearest, 40,000, falls short)


def test_visa_wage_level_rounds_up_to_reach_the_level_even_just_above_a_step():
    p = one(rule_visa_wage_level(ctx(offer(visa="h1b-new"), wage_level=wage_row(2, 3, 156_001.0))))
    assert p.target == 157_000  # 156,001 → 157,000: 156,000 would stay at Level 2


def test_make_whole_silent_without_a_current_job_or_when_the_sign_on_already_covers_it():
    assert rule_make_whole(ctx(offer())) is None
    cur = job(unvested_equity=[{"amount": 20_000, "vest_date": "2027-03-01"}])
    assert rule_make_whole(ctx(offer(sign_on=25_000), current=cur)) is None
    assert rule_make_whole(ctx(offer(), current=job(unvested_equity=[{"amount": 20_000, "vest_date": "2026-01-01"}]))) is None  # already vested


# ---------------------------------------------------------------- R6/R8 clawback-terms


def test_clawback_terms_fire_on_cliff_or_gross_sign_on_and_long_relocation_repayment():
    o = offer(sign_on={"amount": 30_000, "clawback_months": 12, "clawback": "cliff", "repay_basis": "net"},
              relocation={"amount": 10_000, "grossed_up": True, "clawback_months": 24, "clawback": "prorata", "repay_basis": "net"})
    points = rule_clawback_terms(ctx(o))
    assert [p.component for p in points] == ["sign_on_terms", "relocation_terms"]
    assert all(p.ask is None for p in points)
    assert "pro-rata on the net amount" in points[0].script
    gross = offer(sign_on={"amount": 30_000, "clawback_months": 12, "clawback": "prorata", "repay_basis": "gross"})
    assert [p.component for p in rule_clawback_terms(ctx(gross))] == ["sign_on_terms"]


def test_clawback_terms_silent_on_prorata_net_terms_within_12_months():
    o = offer(sign_on={"amount": 30_000, "clawback_months": 12, "clawback": "prorata", "repay_basis": "net"},
              relocation={"amount": 10_000, "clawback_months": 12, "clawback": "prorata", "repay_basis": "net"})
    assert rule_clawback_terms(ctx(o)) == []
    assert rule_clawback_terms(ctx(offer(sign_on=30_000))) == []  # no clawback recorded: a checklist item, not an ask


# ---------------------------------------------------------------- R7 relocation-gross-up


def test_relocation_without_gross_up_asks_for_net_over_one_minus_t():
    p = one(rule_relocation_gross_up(ctx(offer(relocation={"amount": 12_000, "grossed_up": False}))))
    # 12,000 / (1 − 0.2965) = 12,000 / 0.7035 = 17,057.57 → rounded UP to 18,000 (17,000 would leave
    # 17,000 × 0.7035 = 11,960 after tax, short of the 12,000 move; 18,000 leaves 12,663)
    assert_ask(p, 12_000, 18_000)
    p = one(rule_relocation_gross_up(ctx(offer(tax_rate="37%", relocation={"amount": 17_000, "grossed_up": False}))))
    assert p.target == 27_000  # 17,000 / 0.63 = 26,984.13 → up to 27,000 (domain.md §4 example ≈ 27,150)
    p = one(rule_relocation_gross_up(ctx(offer(tax_rate="20%", relocation={"amount": 8_000, "grossed_up": False}))))
    assert p.target == 10_000  # 8,000 / 0.8 = 10,000 exactly: already on a 1,000 step, not pushed to 11,000


def test_relocation_gross_up_silent_when_grossed_up_or_not_stated():
    assert rule_relocation_gross_up(ctx(offer(relocation={"amount": 12_000, "grossed_up": True}))) is None
    assert rule_relocation_gross_up(ctx(offer(relocation=12_000))) is None
    assert rule_relocation_gross_up(ctx(offer())) is None


# ---------------------------------------------------------------- R9 back-loaded-vesting


def test_back_loaded_vesting_against_a_front_loaded_rival_asks_for_a_years_1_2_sign_on():
    back = offer("back", equity={"grant_value": 400_000, "vesting": "amazon"})
    front = offer("front", equity={"grant_value": 400_000, "vesting": "4y-annual"})
    p = one(rule_back_loaded_vesting(ctx(back, front)))
    # equity year 1: 20k vs 100k (gap 80k); year 2: 60k vs 100k (gap 40k) → 120k
    assert p.component == "sign_on"
    assert_ask(p, 0, 120_000)
    assert p.schedule == ((1, 80_000), (2, 40_000))
    assert "front" in p.evidence


def test_back_loaded_vesting_counts_only_the_equity_pacing_gap_not_base_or_the_rivals_sign_on():
    # review finding: 180k on the amazon schedule vs a 200k front-loaded rival with a 20k sign-on asked
    # for a 260,000 year-1 sign-on (the whole years 1–2 TC gap: base and sign-on counted again)
    back = offer("back", base_salary=180_000, equity={"grant_value": 400_000, "vesting": "amazon"})
    front = offer("front", base_salary=200_000, sign_on=20_000, equity={"grant_value": 400_000, "vesting": "front-38-32-20-10"})
    p = one(rule_back_loaded_vesting(ctx(back, front)))
    # year 1: 400k × (38 % − 5 %) = 132,000 (rival's equity lead 152k − 20k = 132k)
    # year 2: 400k × (32 % − 15 %) = 68,000 (lead 128k − 60k = 68k) → 200,000, none of the 20k base or 20k sign-on
    assert_ask(p, 0, 200_000)
    assert p.schedule == ((1, 132_000), (2, 68_000))
    assert "$132,000 in year 1 and $68,000 in year 2" in p.script


def test_back_loaded_vesting_never_asks_beyond_the_rivals_actual_equity_lead():
    back = offer("back", equity={"grant_value": 400_000, "vesting": "amazon"})
    small = offer("small", equity={"grant_value": 100_000, "vesting": "front-38-32-20-10"})
    p = one(rule_back_loaded_vesting(ctx(back, small)))
    # pacing gap year 1 = 400k × 33 % = 132k, but the rival pays only 38k vs 20k → 18,000;
    # year 2: rival 32k < 60k here → 0
    assert_ask(p, 0, 18_000)
    assert p.schedule == ((1, 18_000),)


def test_back_loaded_vesting_silent_without_a_front_loaded_rival_or_when_even():
    back = offer("back", equity={"grant_value": 400_000, "vesting": "amazon"})
    assert rule_back_loaded_vesting(ctx(back)) is None
    assert rule_back_loaded_vesting(ctx(back, offer("other", equity={"grant_value": 400_000, "vesting": "amazon"}))) is None
    even = offer("even", equity={"grant_value": 400_000, "vesting": "4y-annual"})
    assert rule_back_loaded_vesting(ctx(even, offer("front", equity={"grant_value": 400_000, "vesting": "front-38-32-20-10"}))) is None
    # the rival vests more equity early, but this offer already pays more TC in years 1–2: no gap to level out
    rich = offer("rich", base_salary=300_000, equity={"grant_value": 400_000, "vesting": "amazon"})
    assert rule_back_loaded_vesting(ctx(rich, offer("front", equity={"grant_value": 400_000, "vesting": "4y-annual"}))) is None


# ---------------------------------------------------------------- R10 private-options-info


def test_private_options_ask_for_409a_preferred_fully_diluted_and_exercise_window():
    o = offer(equity={"type": "option", "shares": 10_000, "strike": 1, "share_price": 4, "private": True})
    p = one(rule_private_options_info(ctx(o)))
    for words in ("409A", "preferred price", "fully diluted", "exercise window"):
        assert words in p.script


def test_private_options_info_silent_for_public_rsus():
    assert rule_private_options_info(ctx(offer(equity={"grant_value": 100_000}))) is None


# ---------------------------------------------------------------- R12/R13 visa-wage-level


def wage_row(level: int, next_level, next_wage, level_1=120_000.0):
    return {"offer_id": "acme", "base": 150_000.0, "level_reached": level, "next_level": next_level, "next_level_wage": next_wage,
            "gap_to_next_level": (next_wage - 150_000) if next_wage else float("nan"), "level_1": level_1,
            "source": "OFLC 2026-27", "currency": "USD"}


def test_visa_wage_level_just_below_the_next_level_asks_to_reach_it():
    p = one(rule_visa_wage_level(ctx(offer(visa="h1b-new"), wage_level=wage_row(2, 3, 156_400.0))))
    assert p.component == "base"
    assert_ask(p, 150_000, 157_000)  # rounded up: rounding down would miss the level
    assert "Level 3" in p.script and "OFLC 2026-27" in p.evidence


def test_visa_wage_below_level_one_is_a_blocker():
    p = one(rule_visa_wage_level(ctx(offer(visa="h1b-new"), wage_level=wage_row(0, 1, 160_000.0, level_1=160_000.0))))
    assert "Blocker" in p.rationale and p.target == 160_000


def test_visa_wage_level_silent_when_the_next_level_is_out_of_reach_or_at_level_4():
    assert rule_visa_wage_level(ctx(offer(visa="h1b-new"), wage_level=wage_row(2, 3, 180_000.0))) is None  # 20% away
    assert rule_visa_wage_level(ctx(offer(visa="h1b-new"), wage_level=wage_row(4, None, None))) is None
    assert rule_visa_wage_level(ctx(offer(visa="h1b-new"))) is None


# ---------------------------------------------------------------- R14 sponsorship-costs


@pytest.mark.parametrize("visa", [{"sponsorship": "h1b-new"}, {"sponsorship": "h1b-transfer", "fees_paid_by": "unknown"},
                                  {"sponsorship": "green-card", "fees_paid_by": "employee"}])
def test_sponsorship_costs_not_settled_asks_for_employer_paid_in_writing(visa):
    p = one(rule_sponsorship_costs(ctx(offer(visa=visa))))
    assert p.component == "visa" and "in writing" not in p.rationale and "offer letter" in p.script


def test_sponsorship_costs_silent_when_employer_pays_or_no_sponsorship():
    assert rule_sponsorship_costs(ctx(offer(visa={"sponsorship": "h1b-new", "fees_paid_by": "employer"}))) is None
    assert rule_sponsorship_costs(ctx(offer(visa="none"))) is None
    assert rule_sponsorship_costs(ctx(offer())) is None


# ---------------------------------------------------------------- R16 competing-offer / R17 no-competing-offer


def test_competing_offer_anchors_on_the_component_where_the_rival_is_higher():
    low = offer("low", base_salary=150_000)
    high = offer("high", base_salary=165_000)
    p = one(rule_competing_offer(ctx(low, high)))
    assert p.component == "base"
    assert_ask(p, 150_000, 165_000)
    assert "ultimatum" in p.rationale and "prefer to join" in p.script
    assert "or I" not in p.script and "unless" not in p.script


def test_competing_offer_silent_for_the_best_offer_and_rivals_in_another_currency():
    low, high = offer("low"), offer("high", base_salary=165_000)
    assert rule_competing_offer(ctx(low, high, index=1)) is None
    eur = offer("eur", currency="EUR", base_salary=300_000)
    assert rule_competing_offer(ctx(low, eur)) is None


def test_no_competing_offer_says_do_not_bluff():
    p = one(rule_no_competing_offer(ctx(offer())))
    assert "don't invent" in p.rationale and p.ask is None


def test_no_competing_offer_silent_with_a_rival():
    assert rule_no_competing_offer(ctx(offer("a"), offer("b"))) is None


# ---------------------------------------------------------------- R19 deadline-extension


def test_short_deadline_asks_for_an_extension_of_five_business_days():
    p = one(rule_deadline_extension(ctx(offer(deadline="2026-11-27"))))  # Fri: 2 business days from Wed
    assert p.component == "deadline" and "2026-12-04" in p.script


def test_deadline_extension_silent_with_three_business_days_or_none():
    assert rule_deadline_extension(ctx(offer(deadline="2026-12-01"))) is None  # Fri, Mon, Tue (Thanksgiving skipped)
    assert rule_deadline_extension(ctx(offer(deadline="2026-11-30"))) is not None  # Fri, Mon: two
    assert rule_deadline_extension(ctx(offer())) is None


# ---------------------------------------------------------------- R22 pto-match


def test_pto_below_current_asks_for_a_match_in_days():
    p = one(rule_pto_match(ctx(offer(pto_days=15), current=job(pto_days=20))))
    assert p.unit == "days"
    assert_ask(p, 15, 20)
    assert "$2,885" in p.rationale  # 5 × 150,000 / 260


def test_pto_match_silent_when_equal_or_unknown():
    assert rule_pto_match(ctx(offer(pto_days=20), current=job(pto_days=20))) is None
    assert rule_pto_match(ctx(offer(), current=job(pto_days=20))) is None
    assert rule_pto_match(ctx(offer(pto_days=10))) is None


# ---------------------------------------------------------------- R4 bonus-fixed


def test_bonus_target_is_flagged_as_fixed_per_level():
    p = one(rule_bonus_fixed(ctx(offer(bonus="15%"))))
    assert p.component == "bonus" and p.ask is None and "[S12a]" in p.evidence


def test_bonus_fixed_silent_without_a_percentage_target():
    assert rule_bonus_fixed(ctx(offer(bonus={"amount": 10_000}))) is None
    assert rule_bonus_fixed(ctx(offer())) is None


def test_no_rule_proposes_a_target_below_current():
    o = offer(sign_on=100_000, pto_days=30, relocation={"amount": 1, "grossed_up": False})
    points = run_rules(ctx(o, offer("b", base_salary=151_000), current=job(pto_days=10, bonus_forfeited=1_000),
                           market_rows=market(base=(150_000, 149_000, 150_500, 151_000))))
    assert all(p.ask is None or p.ask > 0 for p in points)
    assert not any(math.isnan(p.target) for p in points if p.target is not None)


# ---------------------------------------------------------------- one currency per sentence

SYMBOLS = re.compile(r"[$€£]")


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!])\s+", text) if s]


def assert_one_currency_per_sentence(text: str) -> None:
    for sentence in _sentences(text):
        assert len(set(SYMBOLS.findall(sentence))) <= 1, sentence


def test_a_eur_offer_states_the_market_in_euros_at_the_evaluations_fx_rate():
    o = offer("eur", currency="EUR", base_salary=80_000)
    ev = evaluate([o], fx={"EUR": 1.10}, currency="USD")
    assert ev.fx.rate("EUR") == pytest.approx(1.10)
    # market rows are in the reporting currency (USD): 88,000 / 99,000 / 110,000 = €80,000 / €90,000 / €100,000
    rows = market("eur", base=(88_000.0, 88_000.0, 99_000.0, 110_000.0))
    c = RuleContext(evaluation=ev, index=0, today=TODAY, market=rows)
    p = one(rule_base_below_market(c))
    # p65 = 99,000 + 0.6 × 11,000 = 105,600 USD = €96,000 (= the +20 % cap on €80,000)
    assert_ask(p, 80_000, 96_000)
    assert p.rationale == ("Base €80,000 sits at the 40th percentile of the market (Example survey 2026; median €90,000); "
                           "the 65th percentile is €96,000.")
    assert "base p50 €90,000, p75 €100,000" in p.evidence
    assert "about €96,000" in p.script
    for text in (p.rationale, p.evidence, p.script):
        assert "$" not in text


def test_make_whole_for_a_eur_offer_keeps_dollars_and_euros_in_separate_sentences():
    o = offer("eur", currency="EUR", base_salary=80_000)
    ev = evaluate([o], fx={"EUR": 1.10}, currency="USD")
    job = CurrentJob.model_validate({"company": "Old Co", "currency": "USD", "bonus_forfeited": 55_000}, context={"currency": "USD"})
    c = RuleContext(evaluation=ev, index=0, today=TODAY, current=job, forfeit=forfeited_value(job, TODAY), forfeit_rate=ev.fx.rate("USD"))
    p = one(rule_make_whole(c))
    assert_ask(p, 0, 50_000)  # $55,000 ÷ 1.10 = €50,000
    assert p.rationale == (f"Leaving Old Co on {TODAY.isoformat()} forfeits a $55,000 bonus, $55,000 in all. "
                           "That is about €50,000 at the FX table's rate; the offer has no year-1 sign-on to cover it.")
    for text in (p.rationale, p.evidence, p.script):
        assert_one_currency_per_sentence(text)


def test_the_user_s_contoso_plan_has_one_currency_per_sentence():
    from toolkit.negotiation import build_plan, load_current
    from toolkit.offers.load import load_offers
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    ev = evaluate(load_offers([root / "data" / "offers.yaml"]))
    plan = build_plan(ev, current=load_current(root / "data" / "current-job.yaml"), today=TODAY)
    for r in plan.talking_points.itertuples():
        for text in (r.rationale, r.evidence, r.script):
            assert_one_currency_per_sentence(text)


def test_a_passed_deadline_asks_whether_the_offer_still_stands_not_for_an_extension():
    tp = rule_deadline_extension(ctx(offer(deadline="2026-11-20")))  # today is 2026-11-25
    assert "has passed" in tp.rationale and "is the offer still open" in tp.script
    assert "extend" not in tp.script
