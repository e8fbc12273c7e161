"""Message drafts filled from the offer and its plan: plain templates (no network, no language
model). Kinds: counter_offer, deadline_extension, acceptance, decline, feedback_request.
Placeholders the toolkit cannot know stay in square brackets ([recruiter's name], [Your name]).
Every ask in the counter carries its reason (R24); the tone stays positive (domain.md §7.1).
Pure: `today` is passed in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Sequence

from ..offers.money import DEFAULT_HOURS_PER_YEAR
from ..offers.models import Offer
from .. import format as fmt
from .checklist import grant_phrase
from .counter import BundledAsk, ask_sentence
from .rules import TalkingPoint, extension_date
from .visa import US_KINDS

KINDS = ("counter_offer", "deadline_extension", "acceptance", "decline", "feedback_request")
COLUMNS = ("offer_id", "kind", "subject", "body")
SIGN_OFF = "Best regards,\n[Your name]"


@dataclass(frozen=True)
class Draft:
    offer_id: str
    kind: str
    subject: str
    body: str


def _title(o: Offer) -> str:
    return " ".join(x for x in (o.role, f"({o.level})" if o.level else None) if x) or "the role"


def _greeting() -> str:
    return "Hi [recruiter's name],"


def counter_offer(o: Offer, asks: Sequence[BundledAsk], terms: Sequence[TalkingPoint], points: Sequence[TalkingPoint], has_rivals: bool) -> Draft:
    by_rule = {p.rule: p for p in points}
    lines = [
        _greeting(), "",
        f"Thank you again for the offer to join {o.company} as {_title(o)}. I'm excited about the role and the team, "
        "and I'd like to find a way to make this work.", "",
    ]
    if asks or terms:
        lines.append("Having looked at the whole package, here is what would let me accept, in order of importance to me:")
        lines.append("")
        items = sorted([(a.priority, ask_sentence(a, o.currency) if a.adjusted else by_rule[a.rules[0]].script) for a in asks]
                       + [(t.priority, t.script) for t in terms])
        lines += [f"{k}. {script}" for k, (_, script) in enumerate(items, start=1)]
        lines += ["", "I'm asking for these together so that we can settle everything in one step. "
                      "If we can get there, I'm ready to sign."]
    else:
        lines.append("The offer looks fair to me; before I sign, could you confirm the terms in writing?")
    lines += ["", SIGN_OFF]
    return Draft(o.id or "", "counter_offer", f"{o.company} offer: a few points before I accept", "\n".join(lines) + "\n")


def deadline_extension(o: Offer, today: dt.date, has_rivals: bool) -> Draft:
    if o.deadline is not None and o.deadline < today:  # too late to extend: ask whether it still stands
        body = "\n".join([
            _greeting(), "",
            f"Thank you again for the offer to join {o.company}. I know the {o.deadline.isoformat()} deadline has passed, "
            "and I'm sorry to come back to you after it.",
            "", "I'm still very interested. Is the offer still open, and if so, by when would you need my answer?",
            "", SIGN_OFF,
        ])
        return Draft(o.id or "", "deadline_extension", f"{o.company} offer: is it still open?", body + "\n")
    when = extension_date(today, o.deadline or today)
    reason = ("I'm finishing conversations that were already under way, and I want to make a decision I'm fully committed to."
              if has_rivals else "I want to review the details carefully and make a decision I'm fully committed to.")
    deadline = f"the {o.deadline.isoformat()} deadline" if o.deadline else "your timeline"
    body = "\n".join([
        _greeting(), "",
        f"Thank you for the offer to join {o.company}; I'm very interested. {reason}",
        "",
        f"Would it be possible to extend {deadline} to {when.isoformat()}? I'll come back to you sooner if I can.",
        "", SIGN_OFF,
    ])
    return Draft(o.id or "", "deadline_extension", f"{o.company} offer: response date", body + "\n")


def base_as_offered(o: Offer) -> str:
    """The base salary restated as offered: per hour, per month, ... in the offer's currency, with the
    annual figure in brackets when the period is not a year (issue 12: never '$196,000 a year' for $98/hour).

    Examples:
        >>> o = Offer(company="A", currency="USD", base_salary="98/hour")
        >>> base_as_offered(o)
        '$98.00 an hour ($203,840 a year at 2,080 hours)'
    """
    pay = o.base_salary
    per = pay.per.value
    if per == "year":
        return f"{fmt.money(pay.amount, o.currency)} a year"
    decimals = 0 if float(pay.amount).is_integer() and per != "hour" else 2
    amount = fmt.money(pay.amount, o.currency, decimals=decimals)
    article = "an" if per == "hour" else "a"
    if per == "hour":
        basis = f" at {fmt.number(o.hours_per_year or DEFAULT_HOURS_PER_YEAR)} hours"
    elif per == "month":
        n = 12 + (o.extra_months or 0)
        basis = f", {fmt.number(n)} payments" if o.extra_months else ""
    else:
        basis = ""
    return f"{amount} {article} {per} ({fmt.money(o.annual_base, o.currency)} a year{basis})"


def _start_line(o: Offer, today: dt.date) -> str:
    """The start date as agreed, unless it is past or falls before the response deadline (then to be agreed)."""
    if o.start_date is None:
        return "[start date]"
    if o.start_date < today:
        return f"[to be agreed: the start date in the offer, {o.start_date.isoformat()}, has passed]"
    if o.deadline is not None and o.deadline > o.start_date:
        return f"[to be agreed: the offer's start date {o.start_date.isoformat()} is before its response deadline {o.deadline.isoformat()}]"
    return o.start_date.isoformat()


def _terms_lines(o: Offer, today: dt.date) -> list[str]:
    cur = o.currency
    out = [f"- Base salary: {base_as_offered(o)}"]
    if o.bonus is not None:
        out.append(f"- Bonus: {fmt.percent(o.bonus.target, 0) + ' of base (target)' if o.bonus.target is not None else fmt.money(o.bonus.amount, cur) + ' a year'}")
    for p in o.sign_on or ():
        kind = {"prorata": "pro-rata ", "cliff": "in full "}.get(p.clawback or "", "")
        terms = f", repayable {kind}over {p.clawback_months} months{' on the ' + p.repay_basis + ' amount' if p.repay_basis else ''}" if p.clawback_months else ""
        out.append(f"- Sign-on: {fmt.money(p.amount, cur)} in year {p.year}{terms}")
    for g in o.equity or ():
        out.append(f"- Equity: {grant_phrase(g, cur)}, vesting on the {g.vesting.label} schedule")
    if o.relocation is not None:
        out.append(f"- Relocation: {fmt.money(o.relocation.amount, cur)}{' (grossed up)' if o.relocation.grossed_up else ''}")
    if o.pto_days is not None:
        out.append(f"- PTO: {fmt.number(o.pto_days)} days")
    if o.visa is not None and o.visa.sponsorship not in (None, "none"):
        fees = {"employer": ", fees paid by the company", "employee": ", fees paid by me"}.get(o.visa.fees_paid_by or "", "")
        gc = "; green-card sponsorship" if o.visa.green_card and o.visa.sponsorship in US_KINDS else ""
        out.append(f"- Visa: {o.visa.sponsorship} sponsorship{fees}{gc}")
    out.append(f"- Start date: {_start_line(o, today)}")
    return out


def acceptance(o: Offer, today: dt.date) -> Draft:
    body = "\n".join([
        _greeting(), "",
        f"I'm delighted to accept the offer to join {o.company} as {_title(o)}. Thank you for working with me on it.",
        "", "To make sure we have the same understanding, these are the terms as I have them:", "",
        *_terms_lines(o, today),
        "", "Could you send the updated offer letter with these terms so that I can sign it? "
            "Once I have it in writing I'll give notice at my current job.",
        "", "I'm looking forward to getting started.", "", SIGN_OFF,
    ])
    return Draft(o.id or "", "acceptance", f"Accepting the {o.company} offer", body + "\n")


def decline(o: Offer) -> Draft:
    body = "\n".join([
        _greeting(), "",
        f"Thank you for the offer to join {o.company} as {_title(o)}, and for the time you and the team spent with me.",
        "", "After a lot of thought I've decided to decline: I've accepted a role that fits my current goals more closely. "
            "It was a hard decision, and I was impressed by the people I met.",
        "", "I'd be glad to stay in touch, and I hope our paths cross again.", "", SIGN_OFF,
    ])
    return Draft(o.id or "", "decline", f"{o.company} offer: my decision", body + "\n")


def feedback_request(o: Offer) -> Draft:
    body = "\n".join([
        _greeting(), "",
        f"Thank you for letting me know, and for considering me for {_title(o)} at {o.company}. I enjoyed the conversations with the team.",
        "", "If you're able to share it, I'd value any feedback on where I could have been stronger; it would help me a lot.",
        "", "I remain interested in the company and would be glad to be considered for future roles.", "", SIGN_OFF,
    ])
    return Draft(o.id or "", "feedback_request", f"{_title(o)} at {o.company}: feedback", body + "\n")


def build_drafts(o: Offer, *, asks: Sequence[BundledAsk], terms: Sequence[TalkingPoint], points: Sequence[TalkingPoint],
                 today: dt.date, has_rivals: bool) -> list[Draft]:
    """All five drafts for one offer, in KINDS order."""
    return [
        counter_offer(o, asks, terms, points, has_rivals),
        deadline_extension(o, today, has_rivals),
        acceptance(o, today),
        decline(o),
        feedback_request(o),
    ]


__all__ = ["COLUMNS", "Draft", "KINDS", "build_drafts"]
