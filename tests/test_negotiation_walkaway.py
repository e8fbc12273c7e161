"""Walk-away arithmetic, hand-computed."""

from __future__ import annotations

import datetime as dt

import pytest

from toolkit.offers.models import Offer
from toolkit.negotiation.current import CurrentJob
from toolkit.negotiation.walkaway import forfeit_rows, offer_walkaway, repayment
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


def test_second_year_sign_on_relocation_bonus_and_vesting_are_counted_when_received():
    o = offer(
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
    # month 12: base 120k + bonus 12k + relocation 10k; the first 12k of RSUs vest; nothing owed
    assert r[12]["cash_received"] == pytest.approx(142_000)
    assert r[12]["equity_received"] == pytest.approx(12_000)
    assert r[12]["repayment_owed"] == pytest.approx(0)
    # month 18: + 6 months base + year-2 sign-on 20k, 6 of 12 months served → owe 10k
    assert r[18]["cash_received"] == pytest.approx(142_000 + 60_000 + 20_000)
    assert r[18]["repayment_owed"] == pytest.approx(10_000)
    assert r[18]["net_value"] == pytest.approx(222_000 + 12_000 - 10_000)


def test_forfeit_rows_list_every_unvested_tranche_after_today_and_the_bonus():
    job = CurrentJob.model_validate({"currency": "USD", "bonus_forfeited": 15_000, "unvested_equity": [
        {"amount": 10_000, "vest_date": "2026-10-01"}, {"amount": 10_000, "vest_date": "2027-02-15"},
        {"amount": 10_000, "vest_date": "2028-02-15"}]}, context={"currency": "USD"})
    out = forfeit_rows(job, dt.date(2026, 11, 25), 1.0)
    assert [(r["item"], r["amount"], r["within_12_months"]) for r in out] == [
        ("unvested equity", 10_000, True), ("unvested equity", 10_000, False), ("bonus forfeited", 15_000, True)]
