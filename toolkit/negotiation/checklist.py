"""Terms checklist: for each offer, whether each term a candidate should have in writing is
`confirmed`, `missing` (left empty in the offer file) or `to_confirm` (given, but a detail that
decides its value is not recorded). Never guesses: a status comes only from the record.

Pure: Offer (+ today) → list of ChecklistItem. Amounts are written in the offer's currency.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any
from dataclasses import dataclass


from ..geography import resolve_location
from ..offers.models import Offer
from .. import format as fmt
from .visa import US_KINDS
from .walkaway import vesting_unstated

CONFIRMED, MISSING, TO_CONFIRM = "confirmed", "missing", "to_confirm"
ITEMS = (
    "written_offer", "base_salary", "bonus", "equity", "vesting_schedule", "share_price_basis", "refreshers",
    "retirement", "health", "start_date", "relocation", "sign_on_repayment", "visa", "deadline", "probation_notice",
)
# Items by country (docs/negotiation.md "Terms checklist"): the 409A price, the 401(k) match, the
# employer health premium and green-card sponsorship exist only in the US; a German offer gets its
# own modest, sourced items (VSOP or real shares [S66a]; probation and notice periods, BGB §622
# [S66b]); an offer whose country is unknown gets the universal items only.
US_ONLY = ("health",)
DE_ONLY = ("probation_notice",)
COLUMNS = ("offer_id", "item", "status", "reason")


@dataclass(frozen=True)
class ChecklistItem:
    item: str
    status: str  # confirmed | missing | to_confirm
    reason: str  # one line


@lru_cache(maxsize=1)
def us_calendar():
    """The follow-up planner's US federal business calendar (built once)."""
    from ..calendar import make_calendar

    return make_calendar("US")


def business_days(start: dt.date, end: dt.date) -> int:
    """Business days after `start` up to and including `end` (negative when `end` is earlier).

    Weekends and US federal holidays are skipped, with the follow-up planner's calendar.
    """
    from ..calendar import business_days_until

    calendar = us_calendar()
    if end >= start:
        return business_days_until(start, end, calendar)
    return -business_days_until(end, start, calendar)


def _written(o: Offer, today: dt.date) -> ChecklistItem:
    if o.status == "written":
        return ChecklistItem("written_offer", CONFIRMED, "written offer received")
    if o.status == "verbal":
        return ChecklistItem("written_offer", TO_CONFIRM, "verbal only: ask for the offer letter before deciding")
    return ChecklistItem("written_offer", MISSING, "status not in the file: record whether the offer is verbal or written")


def _base(o: Offer, today: dt.date) -> ChecklistItem:
    per = o.base_salary.per.value
    given = fmt.money(o.base_salary.amount, o.currency) + (f" per {per}" if per != "year" else "")
    annual = "" if per == "year" else f" ({fmt.money(o.annual_base, o.currency)} a year)"
    return ChecklistItem("base_salary", CONFIRMED, f"{given}{annual}")


def _bonus(o: Offer, today: dt.date) -> ChecklistItem:
    b = o.bonus
    if b is None:
        return ChecklistItem("bonus", MISSING, "no bonus in the file: ask whether there is one, its target and how it is paid")
    what = f"{fmt.percent(b.target, 0)} of base target" if b.target is not None else f"{fmt.money(b.amount, o.currency)} a year"
    return ChecklistItem("bonus", CONFIRMED, f"{what}, expected payout {fmt.percent(b.expected_payout, 0)}; confirm payout timing and first-year proration")


def _equity(o: Offer, today: dt.date) -> ChecklistItem:
    if not o.equity:
        return ChecklistItem("equity", MISSING, "no equity in the file: ask whether a grant is offered")
    return ChecklistItem("equity", CONFIRMED, "; ".join(grant_phrase(g, o.currency) for g in o.equity))


def _vesting(o: Offer, today: dt.date) -> ChecklistItem:
    if not o.equity:
        return ChecklistItem("vesting_schedule", MISSING, "no equity, so no vesting schedule")
    unstated = [i for i, g in enumerate(o.equity, 1) if "vesting" not in g.model_fields_set]
    if unstated:
        return ChecklistItem("vesting_schedule", TO_CONFIRM, f"grant {', '.join(map(str, unstated))}: schedule not in the file (assumed {o.equity[unstated[0] - 1].vesting.label}); ask for it")
    return ChecklistItem("vesting_schedule", CONFIRMED, "; ".join(g.vesting.label for g in o.equity))


def _price_basis(o: Offer, today: dt.date) -> ChecklistItem:
    if not o.equity:
        return ChecklistItem("share_price_basis", MISSING, "no equity in the file")
    dollar = [i for i, g in enumerate(o.equity, 1) if g.type == "rsu" and g.grant_value is not None]
    if dollar:
        return ChecklistItem("share_price_basis", TO_CONFIRM, "dollar grant: ask which price turns it into shares (e.g. a 30-day average) and how shares are rounded")
    private = [g for g in o.equity if g.private]
    if private:
        country = offer_country(o)
        if country == "US":
            return ChecklistItem("share_price_basis", TO_CONFIRM, "private shares: ask for the 409A price, the latest preferred price and fully diluted shares")
        if country == "DE":
            return ChecklistItem("share_price_basis", TO_CONFIRM, "private shares: ask whether these are real shares or a VSOP (virtual shares: a "
                                 "contractual claim to a cash payout, taxed as wages, usually only at an exit) [S66a], the latest valuation "
                                 "and the fully diluted share count")
        return ChecklistItem("share_price_basis", TO_CONFIRM, "private shares: ask for the latest valuation per share and the fully diluted share count")
    return ChecklistItem("share_price_basis", CONFIRMED, "share count given in the offer")


def _refreshers(o: Offer, today: dt.date) -> ChecklistItem:
    if o.refresher is None:
        return ChecklistItem("refreshers", MISSING, "no refresher in the file: ask about the refresh-grant policy")
    return ChecklistItem("refreshers", CONFIRMED, f"expected {fmt.money(o.refresher.annual_value, o.refresher.currency or o.currency)} a year (not promised)")


def _retirement(o: Offer, today: dt.date) -> ChecklistItem:
    r = o.retirement
    if r is None:
        if offer_country(o) == "US":
            return ChecklistItem("retirement", MISSING, "no retirement plan in the file: ask for the 401(k) match formula and vesting")
        return ChecklistItem("retirement", MISSING, "no retirement plan in the file: ask whether the employer contributes to a pension")
    bits = [f"{fmt.percent(t.match, 0)} match up to {fmt.percent(t.up_to, 0)}" for t in r.tiers]
    if r.employer_contribution is not None:
        bits.append(f"{fmt.percent(r.employer_contribution, 0)} employer contribution")
    if vesting_unstated(o):
        # The walk-away counts none of this money until the schedule is known (docs/negotiation.md).
        plan = "401(k)" if offer_country(o) == "US" else "pension"
        return ChecklistItem("retirement", TO_CONFIRM, "; ".join(bits) + f"; vesting not in the file: confirm the {plan} vesting "
                             "schedule in writing (immediate, a cliff or graded)")
    if r.vesting is not None:
        bits.append(retirement_vesting_phrase(r.vesting))
    return ChecklistItem("retirement", CONFIRMED, "; ".join(bits) or "employee deferral only: no employer money in the file")


def retirement_vesting_phrase(v: Any) -> str:
    """'vests immediately', 'vests after a 3-year cliff', 'vests graded 20/40/60/80/100% by year'."""
    if v.graded is not None:
        return "vests graded " + "/".join(fmt.number(100 * f) for f in v.graded) + "% by year"
    if not v.cliff_years:
        return "vests immediately"
    return f"vests after a {v.cliff_years}-year cliff"


def _health(o: Offer, today: dt.date) -> ChecklistItem:
    if o.benefits is None or o.benefits.health is None:
        return ChecklistItem("health", MISSING, "no health cover in the file: ask for the employer premium contribution")
    return ChecklistItem("health", CONFIRMED, f"employer pays {fmt.money(o.benefits.health, o.currency)} a year")


def _start(o: Offer, today: dt.date) -> ChecklistItem:
    if o.start_date is None:
        return ChecklistItem("start_date", MISSING, "no start date in the file: agree one in writing")
    if o.start_date < today:
        return ChecklistItem("start_date", TO_CONFIRM, f"the start date {o.start_date.isoformat()} is already past: agree a new one in writing")
    if o.deadline is not None and o.deadline > o.start_date:
        return ChecklistItem("start_date", TO_CONFIRM, f"the response deadline {o.deadline.isoformat()} falls after the start date "
                             f"{o.start_date.isoformat()}: one of them is wrong; confirm both in writing")
    return ChecklistItem("start_date", CONFIRMED, o.start_date.isoformat())


def grant_phrase(g: Any, offer_currency: str) -> str:
    """'RSUs worth $300,000', '40,000 ISO options at strike $2.10 (private)', '400 RSUs at $180.00'."""
    cur = g.currency or offer_currency
    if g.type == "option":
        kind = g.option_kind.upper() if g.option_kind else "stock"
        return f"{fmt.number(g.shares)} {kind} options at strike {fmt.money(g.strike, cur, decimals=2)}{' (private)' if g.private else ''}"
    if g.grant_value is not None:
        return f"RSUs worth {fmt.money(g.grant_value, cur)}"
    return f"{fmt.number(g.shares)} RSUs at {fmt.money(g.share_price, cur, decimals=2)}"


def _repayment_gaps(term: Any) -> list[str]:
    """The repayment terms a sign-on payment or relocation leaves unrecorded."""
    if term.clawback_months is None:
        return ["repayment period"]
    gaps = []
    if term.clawback_months > 0:
        if term.clawback is None:
            gaps.append("pro-rata or cliff repayment")
        if term.repay_basis is None:
            gaps.append("gross or net repayment basis")
    return gaps


def _relocation(o: Offer, today: dt.date) -> ChecklistItem:
    r = o.relocation
    if r is None:
        return ChecklistItem("relocation", MISSING, "no relocation in the file: ask whether it is offered (if you are moving)")
    unknown = (["gross-up"] if r.grossed_up is None else []) + _repayment_gaps(r)
    head = f"{fmt.money(r.amount, o.currency)}{', grossed up' if r.grossed_up else (', not grossed up' if r.grossed_up is False else '')}"
    if unknown:
        return ChecklistItem("relocation", TO_CONFIRM, f"{head}; not recorded: {', '.join(unknown)}")
    terms = f"repay {r.clawback} over {r.clawback_months} months on {r.repay_basis}" if r.clawback_months else "no repayment"
    return ChecklistItem("relocation", CONFIRMED, f"{head}; {terms}")


def _sign_on(o: Offer, today: dt.date) -> ChecklistItem:
    if not o.sign_on:
        return ChecklistItem("sign_on_repayment", MISSING, "no sign-on in the file: ask whether one is offered and its repayment terms")
    unknown, known = [], []
    for k, p in enumerate(o.sign_on, 1):
        label = f"{fmt.money(p.amount, o.currency)} (year {p.year})"
        gaps = _repayment_gaps(p)
        if gaps:
            unknown.append(f"{label}: {', '.join(gaps)}")
        else:
            known.append(f"{label}: {f'{p.clawback} over {p.clawback_months} months, {p.repay_basis}' if p.clawback_months else 'no repayment'}")
    if unknown:
        return ChecklistItem("sign_on_repayment", TO_CONFIRM, "not recorded: " + "; ".join(unknown))
    return ChecklistItem("sign_on_repayment", CONFIRMED, "; ".join(known))


def _visa(o: Offer, today: dt.date) -> ChecklistItem:
    v = o.visa
    if v is None or v.sponsorship is None:
        return ChecklistItem("visa", MISSING, "no visa terms in the file: record `visa: none`, or get sponsorship, fees and timing in writing")
    if v.sponsorship == "none":
        return ChecklistItem("visa", CONFIRMED, "no sponsorship needed")
    gaps = []
    if v.fees_paid_by in (None, "unknown"):
        gaps.append("who pays the fees")
    if v.green_card is None and v.sponsorship in US_KINDS and v.sponsorship != "green-card":
        gaps.append("green-card sponsorship")  # a US term: never asked of a Blue Card or Skilled Worker offer
    if gaps:
        return ChecklistItem("visa", TO_CONFIRM, f"{v.sponsorship} sponsorship; not recorded: {', '.join(gaps)}; also confirm filing timing")
    if v.fees_paid_by == "employee":
        return ChecklistItem("visa", TO_CONFIRM, f"{v.sponsorship} sponsorship with fees paid by you: employer costs cannot be passed on; confirm")
    if v.sponsorship not in US_KINDS:
        return ChecklistItem("visa", CONFIRMED, f"{v.sponsorship}, fees paid by the employer; confirm filing timing")
    gc = "green card sponsored" if v.green_card or v.sponsorship == "green-card" else "no green-card sponsorship"
    return ChecklistItem("visa", CONFIRMED, f"{v.sponsorship}, fees paid by the employer, {gc}; confirm filing timing")


def _deadline(o: Offer, today: dt.date) -> ChecklistItem:
    if o.deadline is None:
        return ChecklistItem("deadline", MISSING, "no response deadline in the file: ask when they need an answer")
    if o.deadline < today:
        return ChecklistItem("deadline", TO_CONFIRM, f"the deadline {o.deadline.isoformat()} has passed: confirm with the employer that the offer still stands")
    days = business_days(today, o.deadline)
    return ChecklistItem("deadline", CONFIRMED, f"respond by {o.deadline.isoformat()} ({days} business day{'s' if days != 1 else ''} from {today.isoformat()})")


def _probation_notice(o: Offer, today: dt.date) -> ChecklistItem:
    return ChecklistItem("probation_notice", TO_CONFIRM, "get the probation period and the notice periods in the contract: by law "
                         "probation is at most 6 months with 2 weeks' notice, then at least 4 weeks to the 15th or the end of a month, "
                         "unless the contract or a collective agreement says otherwise (BGB §622) [S66b]")


CHECKS = (_written, _base, _bonus, _equity, _vesting, _price_basis, _refreshers, _retirement, _health, _start,
          _relocation, _sign_on, _visa, _deadline, _probation_notice)


def offer_country(o: Offer) -> str:
    """ISO alpha-2 country of the offer's location ('' when it does not say)."""
    return resolve_location(o.location).country if o.location else ""


def build_checklist(offer: Offer, today: dt.date) -> list[ChecklistItem]:
    """The checklist items that exist in the offer's country, in the fixed order of ITEMS.

    US-only items (the employer health premium) are kept for US offers and for offers that
    record that term; German items only for offers in Germany; unknown countries get the
    universal items only."""
    country = offer_country(offer)
    out = []
    for check, item in zip(CHECKS, ITEMS):
        if item in US_ONLY and country != "US" and not (item == "health" and offer.benefits and offer.benefits.health is not None):
            continue
        if item in DE_ONLY and country != "DE":
            continue
        out.append(check(offer, today))
    return out
