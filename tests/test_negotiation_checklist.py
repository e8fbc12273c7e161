"""Terms checklist: statuses come from the record only (missing = field left empty)."""

from __future__ import annotations

import datetime as dt

from toolkit.offers.models import Offer
from toolkit.negotiation.checklist import DE_ONLY, ITEMS as ALL_ITEMS, build_checklist, business_days

TODAY = dt.date(2026, 11, 25)
ITEMS = tuple(i for i in ALL_ITEMS if i not in DE_ONLY)  # a US offer's items


def offer(**terms) -> Offer:
    data = {"id": "acme", "company": "Acme", "currency": "USD", "base_salary": 150_000, "location": "Seattle, WA", **terms}
    return Offer.model_validate(data, context={"currency": "USD"})


def statuses(o: Offer) -> dict[str, str]:
    return {c.item: c.status for c in build_checklist(o, TODAY)}


def test_a_bare_offer_lists_every_empty_term_as_missing_and_nothing_else():
    s = statuses(offer())
    assert list(s) == list(ITEMS)
    assert s["base_salary"] == "confirmed"
    assert {k for k, v in s.items() if v == "missing"} == set(ITEMS) - {"base_salary"}
    assert all(c.reason and "\n" not in c.reason for c in build_checklist(offer(), TODAY))


def test_a_complete_offer_is_confirmed_throughout():
    o = offer(
        status="written", start_date="2027-01-04", deadline="2026-12-10", bonus="10%",
        equity={"shares": 100, "share_price": 100, "vesting": "4y-quarterly"}, refresher=20_000,
        retirement={"match": "50%", "up_to": "6%", "vesting": "immediate"}, benefits={"health": 8_000},
        relocation={"amount": 10_000, "grossed_up": True, "clawback_months": 12, "clawback": "prorata", "repay_basis": "net"},
        sign_on={"amount": 20_000, "clawback_months": 12, "clawback": "prorata", "repay_basis": "net"},
        visa={"sponsorship": "h1b-transfer", "fees_paid_by": "employer", "green_card": True},
    )
    assert set(statuses(o).values()) == {"confirmed"}


def test_given_terms_with_unrecorded_details_are_to_confirm():
    o = offer(
        status="verbal", equity={"grant_value": 100_000}, relocation={"amount": 10_000},
        sign_on={"amount": 20_000, "clawback_months": 12}, visa="h1b-new",
    )
    s = statuses(o)
    assert s["written_offer"] == "to_confirm"
    assert s["vesting_schedule"] == "to_confirm"  # not in the file; the default preset was assumed
    assert s["share_price_basis"] == "to_confirm"  # dollar grant → which price makes shares
    assert s["relocation"] == "to_confirm" and s["sign_on_repayment"] == "to_confirm" and s["visa"] == "to_confirm"
    reasons = {c.item: c.reason for c in build_checklist(o, TODAY)}
    assert "gross-up" in reasons["relocation"] and "pro-rata or cliff" in reasons["sign_on_repayment"]
    assert "who pays the fees" in reasons["visa"]


def test_visa_none_is_confirmed_and_deadline_counts_business_days():
    s = {c.item: c for c in build_checklist(offer(visa="none", deadline="2026-12-02"), TODAY)}
    assert s["visa"].status == "confirmed"
    # Thanksgiving (Thu 26 Nov) is not a business day: Fri 27, Mon 30, Tue 1, Wed 2
    assert s["deadline"].reason == "respond by 2026-12-02 (4 business days from 2026-11-25)"


def test_business_days_skip_weekends_and_holidays_and_go_negative_after_the_date():
    assert business_days(TODAY, dt.date(2026, 11, 27)) == 1  # Thanksgiving is skipped
    assert business_days(TODAY, dt.date(2026, 11, 30)) == 2
    assert business_days(TODAY, TODAY) == 0
    assert business_days(TODAY, dt.date(2026, 11, 23)) == -2


def test_a_passed_deadline_is_to_confirm():
    items = {c.item: c for c in build_checklist(offer(deadline="2026-11-20"), TODAY)}
    assert items["deadline"].status == "to_confirm"
    assert items["deadline"].reason == "the deadline 2026-11-20 has passed: confirm with the employer that the offer still stands"


def test_employer_retirement_money_without_vesting_asks_for_the_schedule_in_writing():
    # The walk-away counts none of it (walkaway.retirement_note); the checklist asks for the schedule.
    item = {c.item: c for c in build_checklist(offer(retirement={"match": "50%", "up_to": "6%"}), TODAY)}["retirement"]
    assert item.status == "to_confirm"
    assert item.reason == ("50% match up to 6%; vesting not in the file: confirm the 401(k) vesting schedule in writing "
                           "(immediate, a cliff or graded)")
    berlin = offer(location="Berlin, Germany", currency="EUR", retirement={"employer_contribution": "4%"})
    item = {c.item: c for c in build_checklist(berlin, TODAY)}["retirement"]
    assert item.status == "to_confirm" and "pension vesting schedule" in item.reason and "401(k)" not in item.reason


def test_stated_retirement_vesting_or_no_employer_money_is_confirmed():
    def retirement(**r):
        return {c.item: c for c in build_checklist(offer(retirement=r), TODAY)}["retirement"]

    assert retirement(match="100%", up_to="4%", vesting={"cliff_years": 3}).reason == "100% match up to 4%; vests after a 3-year cliff"
    assert retirement(employer_contribution="5%", vesting={"graded": [20, 40, 60, 80, 100]}).reason == (
        "5% employer contribution; vests graded 20/40/60/80/100% by year")
    assert retirement(match="50%", up_to="6%", vesting="immediate").status == "confirmed"
    # No employer money: nothing vests, so nothing to ask about vesting.
    assert retirement(employer_contribution="0%").status == "confirmed"
    assert retirement(employee_deferral="6%").reason == "employee deferral only: no employer money in the file"
