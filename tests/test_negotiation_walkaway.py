"""Walk-away arithmetic on the paid view, hand-computed (rules: docs/negotiation.md "Walk-away value").

Limits used: IRS Notice 2025-67 (2026 402(g) $24,500; 401(a)(17) $360,000) — a 6% match on
$185,000 (11,100 a year) is under every one of them, so no cap enters these figures.
"""

from __future__ import annotations

import datetime as dt

import pytest

from toolkit.offers.models import Offer
from toolkit.negotiation.current import CurrentJob
from toolkit.negotiation.walkaway import forfeit_rows, offer_walkaway, repayment, retirement_note
from toolkit.offers.evaluate import evaluate


def offer(**terms) -> Offer:
    data = {"id": "acme", "company": "Acme", "currency": "USD", "base_salary": 120_000, **terms}
    return Offer.model_validate(data, context={"currency": "USD"})


def rows(o: Offer, months=(6, 12, 18, 24), **assumptions):
    return {r["month"]: r for r in offer_walkaway(evaluate([o], assumptions or None), 0, months)}


def test_leaving_at_month_6_with_a_45k_prorata_12_month_clawback_owes_22500():
    r = rows(offer(sign_on={"amount": 45_000, "clawback_months": 12, "clawback": "prorata", "repay_basis": "gross"}))
    assert r[6]["repayment_owed"] == pytest.approx(22_500)
    assert r[6]["cash_received"] == pytest.approx(60_000 + 45_000)  # six months of base + the sign-on
    assert r[6]["net_value"] == pytest.approx(105_000 - 22_500)
    assert r[12]["repayment_owed"] == pytest.approx(0)


def test_cliff_and_unstated_clawbacks_owe_the_whole_amount_and_net_basis_uses_the_tax_rate():
    assert repayment(45_000, 11, 12, "cliff") == 45_000
    assert repayment(45_000, 11, 12, None) == 45_000  # type not stated: worst case
    assert repayment(45_000, 6, 12, "prorata", "net", 0.30) == pytest.approx(15_750)  # 22,500 × 0.7
    assert repayment(45_000, 6, 12, "prorata", "net", None) == pytest.approx(22_500)  # no tax rate: gross


def test_second_year_sign_on_relocation_bonus_and_vesting_are_counted_when_paid():
    o = offer(
        start_date="2027-01-04",
        bonus={"amount": 12_000},
        sign_on=[{"amount": 20_000, "year": 2, "clawback_months": 12, "clawback": "prorata"}],
        relocation={"amount": 10_000, "clawback_months": 12, "clawback": "cliff"},
        equity={"grant_value": 48_000, "vesting": "4y-annual"},
    )
    r = rows(o)
    # month 6: base 60k + relocation 10k; relocation still owed in full (cliff)
    assert r[6]["cash_received"] == pytest.approx(70_000)
    assert r[6]["equity_received"] == pytest.approx(0)
    assert r[6]["repayment_owed"] == pytest.approx(10_000)
    # month 12: base 120k + relocation 10k; the 2027 bonus is paid in March 2028 (month 14), not yet;
    # the first 12k of RSUs vest at month 12; nothing owed
    assert r[12]["cash_received"] == pytest.approx(130_000)
    assert r[12]["equity_received"] == pytest.approx(12_000)
    assert r[12]["repayment_owed"] == pytest.approx(0)
    # month 18: + 6 months base + the 2027 bonus (March 2028) + year-2 sign-on 20k (month 12),
    # 6 of 12 months served → owe 10k
    assert r[18]["cash_received"] == pytest.approx(130_000 + 60_000 + 12_000 + 20_000)
    assert r[18]["repayment_owed"] == pytest.approx(10_000)
    assert r[18]["net_value"] == pytest.approx(222_000 + 12_000 - 10_000)


JULY_2026 = dict(
    start_date="2026-07-01", location="Austin, TX", base_salary=185_000, bonus="15%",
    sign_on={"amount": 30_000, "installments": 2, "clawback_months": 12, "clawback": "prorata"},
    retirement={"match": "100%", "up_to": "6%", "vesting": {"cliff_years": 3}},
)


def test_july_2026_start_bonus_on_its_payout_date_sign_on_instalments_and_a_3_year_401k_cliff():
    # 185,000 from 1 July 2026 = 15,416.67 a month; 15% calendar-year bonus paid in March:
    # 2026 prorated 6/12 × 27,750 = 13,875 paid March 2027 (month 8), 27,750 in March 2028
    # (month 20) and March 2029 (month 32). Sign-on 15,000 in July and 15,000 in August 2026.
    # Match 6% × 185,000 = 11,100 a year = 925 a month, vested only after 3 years.
    r = rows(offer(**JULY_2026), months=(6, 8, 9, 12, 24, 36))
    assert r[6]["cash_received"] == pytest.approx(92_500 + 30_000)
    assert r[6]["repayment_owed"] == pytest.approx(30_000 * 6 / 12)  # pro-rata, 6 of 12 months served
    assert r[6]["retirement_vested"] == 0  # 5,550 paid in, none vested
    assert r[6]["net_value"] == pytest.approx(107_500)
    # the March bonus counts only when employed through its payout month (month 8)
    assert r[8]["cash_received"] == pytest.approx(185_000 * 8 / 12 + 30_000)
    assert r[9]["cash_received"] == pytest.approx(185_000 * 9 / 12 + 30_000 + 13_875)
    assert r[12]["cash_received"] == pytest.approx(185_000 + 13_875 + 30_000)  # 228,875
    assert r[12]["repayment_owed"] == 0
    assert r[12]["net_value"] == pytest.approx(228_875)
    assert r[24]["cash_received"] == pytest.approx(370_000 + 13_875 + 27_750 + 30_000)  # 441,625
    assert r[24]["retirement_vested"] == 0  # 22,200 paid in, cliff at 36 months
    # at 36 months the cliff is reached: 36 × 925 = 33,300 vested; the March 2029 bonus is in
    assert r[36]["retirement_vested"] == pytest.approx(33_300)
    assert r[36]["net_value"] == pytest.approx(555_000 + 13_875 + 27_750 + 27_750 + 30_000 + 33_300)
    # the earned view still says year 1 earned the full 27,750 bonus
    e = evaluate([offer(**JULY_2026)])
    assert e.figures.parts["bonus"][0, 0] == pytest.approx(27_750)


def test_graded_and_immediate_401k_vesting_and_no_stated_vesting():
    graded = {**JULY_2026, "retirement": {"match": "100%", "up_to": "6%", "vesting": {"graded": [20, 40, 60, 80, 100]}}}
    assert rows(offer(**graded), months=(30,))[30]["retirement_vested"] == pytest.approx(0.40 * 30 * 925)  # 2 years done: 40%
    immediate = {**JULY_2026, "retirement": {"match": "100%", "up_to": "6%", "vesting": "immediate"}}
    assert rows(offer(**immediate), months=(6,))[6]["retirement_vested"] == pytest.approx(5_550)
    unstated = {**JULY_2026, "retirement": {"match": "100%", "up_to": "6%"}}
    assert rows(offer(**unstated), months=(48,))[48]["retirement_vested"] == 0  # not stated: none counted
    assert retirement_note(offer(**unstated)) is not None and retirement_note(offer(**immediate)) is None


def test_instalments_received_after_the_walk_away_month_are_neither_cash_nor_owed():
    # 24,000 in 4 monthly instalments from month 3 (Oct 2026 … Jan 2027), 12-month cliff clawback
    o = offer(**{**JULY_2026, "sign_on": {"amount": 24_000, "month": 3, "installments": 4, "clawback_months": 12, "clawback": "cliff"}})
    r = rows(o, months=(3, 5, 14, 15))
    assert r[3]["cash_received"] == pytest.approx(185_000 / 4)  # nothing paid yet, nothing owed
    assert r[3]["repayment_owed"] == 0
    assert r[5]["repayment_owed"] == pytest.approx(12_000)  # 2 instalments received, all owed (cliff)
    assert r[14]["repayment_owed"] == pytest.approx(24_000)  # 11 months served since the first instalment (month 3)
    assert r[15]["repayment_owed"] == 0  # 12 months served: the clock runs from the payment's first instalment


def test_forfeit_rows_list_every_unvested_tranche_after_today_and_the_bonus():
    job = CurrentJob.model_validate({"currency": "USD", "bonus_forfeited": 15_000, "unvested_equity": [
        {"amount": 10_000, "vest_date": "2026-10-01"}, {"amount": 10_000, "vest_date": "2027-02-15"},
        {"amount": 10_000, "vest_date": "2028-02-15"}]}, context={"currency": "USD"})
    out = forfeit_rows(job, dt.date(2026, 11, 25), 1.0)
    assert [(r["item"], r["amount"], r["within_12_months"]) for r in out] == [
        ("unvested equity", 10_000, True), ("unvested equity", 10_000, False), ("bonus forfeited", 15_000, True)]
