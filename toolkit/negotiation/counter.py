"""One bundled counter-offer per offer: every ask combined in priority order, and its effect.

Never double-counted (R3, R20):

1. Asks on the same component are not added up: their reasons overlap (a make-whole and a
   back-loaded-vesting sign-on justify the same dollars), so the bundle asks for the largest
   *allowed* increase on each component.
2. R3: an ask led by an anchor rule (`R3_CAPPED`: base-below-market, competing-offer,
   total-below-market) on base, the equity grant or relocation is capped at +20 % of the offer's
   own figure (rounded down to 1,000). Rules that restore a measured amount are exempt: make-whole
   (the forfeit), relocation-gross-up (the tax on the move), visa-wage-level (the level's wage),
   pto-match (days) and back-loaded-vesting (the vesting-pacing gap, bounded by the rival's lead).
   A sign-on is a one-off with no recurring figure to scale, so it is bounded by the figure each
   sign-on rule measures and by the year-1 ceiling below, not by +20 %.
3. Shared targets (R20): asks anchored on a total-comp figure (`TC_TARGET_RULES`: total-below-market
   aims at the market total at the target percentile, competing-offer at the rival's average TC)
   are sized, in priority order, to the gap the earlier asks leave:
   ask ≤ (target average TC − average TC with the earlier asks granted) ÷ (average TC per unit of
   this ask, measured by re-evaluation), rounded to the nearest 1,000, never below a make-whole or
   other measured ask on the same component. Make-whole asks replace forfeited pay, so they never
   count toward a market or rival target. The counter row's `reaches` says where the bundle lands
   (market percentile of base and total, the rival's figure).
4. Year-1 ceiling: the bundle's year-1 TC may not exceed
   max(best rival's year-1 TC, this offer's year-1 TC with only the market/threshold asks)
   + the make-whole ask. Above it, the rival-based asks (`RIVAL_RULES`) are trimmed, lowest
   priority first and the year-1 part of a sign-on before anything else, never below a
   make-whole or market ask on the same component.

The effect is measured by re-running `toolkit.offers.evaluate.evaluate` on the offers with the asks
applied (same assumptions, same FX table):

* base → the base salary scaled to the target (its pay period kept);
* sign_on → extra sign-on payments: per year when the ask is split (back-loaded vesting), else year 1;
* equity → the first grant enlarged by the ask (grant value, or shares at the quoted price or spread);
* relocation → the target amount, grossed up; pto_days → the target days.

When the bundle changes an ask away from its leading rule's target (R3 cap or year-1 trim), the
counter e-mail uses `ask_sentence` instead of the rule's script, so the words match the numbers.
Terms and information requests have no amount; they travel with the bundle as text. Pure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Optional, Sequence

import numpy as np

from ..offers.results import Evaluation
from ..market import offer_rows
from ..offers.models import Offer, SignOn
from .. import format as fmt
from .rules import MAX_BASE_RAISE_FRACTION as MAX_RAISE, TalkingPoint, r3_cap

MONEY_COMPONENTS = ("base", "equity", "sign_on", "relocation", "pto_days")
COLUMNS = ("offer_id", "year1_tc_before", "year1_tc_after", "average_tc_before", "average_tc_after", "summary", "reaches")
LABELS = {"base": "Base", "equity": "Equity grant", "sign_on": "Sign-on", "relocation": "Relocation", "pto_days": "PTO"}
R3_CAPPED = ("base-below-market", "competing-offer", "total-below-market")  # anchor asks: +20 % at most (R3)
R3_COMPONENTS = ("base", "equity", "relocation")  # recurring or stated figures R3 scales
TC_TARGET_RULES = ("competing-offer", "total-below-market")  # anchored on an average-TC figure: sized to the remaining gap
RIVAL_RULES = ("competing-offer", "back-loaded-vesting")  # justified by a rival: bounded by the year-1 ceiling
MAKE_WHOLE_RULES = ("make-whole",)
REASONS = {
    "base-below-market": "in line with the market data for the role",
    "total-below-market": "to bring total compensation into the market range for the role",
    "competing-offer": "which would bring the package closer to another offer I have",
    "back-loaded-vesting": "to level out the back-loaded vesting in my first two years",
    "make-whole": "to make up for what I forfeit by leaving my current job",
    "visa-threshold": "to meet the salary threshold for the visa",
}
REMAINING_REASON = "which together with the points above brings the package to {label}"


@dataclass(frozen=True)
class BundledAsk:
    component: str
    current: float
    target: float
    unit: str  # "money", "days" or "percent" (as TalkingPoint.unit)
    rules: tuple[str, ...]
    priority: int
    schedule: tuple[tuple[int, float], ...] = ()  # sign-on split by year ((year, amount), ...); empty: all in year 1
    adjusted: str = ""  # why the target differs from the leading rule's ("R3 cap", "remaining gap", "year-1 ceiling"), or ""
    reason: str = ""  # the counter e-mail's reason when `adjusted` (else REASONS[lead rule])
    currency: Optional[str] = None  # for money: the currency the amounts are in (the grant's for an equity ask)

    @property
    def ask(self) -> float:
        return self.target - self.current

    def payments(self) -> tuple[tuple[int, float], ...]:
        """The sign-on ask as (year, amount) payments (year 1 unless split)."""
        return self.schedule or ((1, self.ask),)

    def as_dict(self) -> dict[str, Any]:
        return {"component": self.component, "current": self.current, "target": self.target, "ask": self.ask,
                "unit": self.unit, "currency": self.currency, "rules": list(self.rules), "priority": self.priority,
                "schedule": [list(x) for x in self.schedule], "adjusted": self.adjusted}

    def money(self, value: float, currency: str) -> str:
        """`value` in this ask's currency (the equity grant's own currency, else the offer's `currency`)."""
        return fmt.money(value, self.currency or currency)


def allowed_target(p: TalkingPoint) -> float:
    """The point's target after R3: anchor asks on base, equity or relocation at most +20 % of the offer's figure."""
    if p.rule in R3_CAPPED and p.component in R3_COMPONENTS and p.current and p.current > 0:
        return max(min(float(p.target), r3_cap(float(p.current))), float(p.current))
    return float(p.target)


def bundle(points: Sequence[TalkingPoint]) -> tuple[list[BundledAsk], list[TalkingPoint]]:
    """Amount asks merged per component (largest increase wins), in priority order; then the terms asks."""
    by: dict[str, list[TalkingPoint]] = {}
    terms: list[TalkingPoint] = []
    for p in sorted(points, key=lambda p: p.priority):
        if p.component in MONEY_COMPONENTS and p.ask is not None:
            if p.ask > 0:
                by.setdefault(p.component, []).append(p)
        elif p.component not in ("strategy", "bonus", "deadline"):  # the extension is its own message, sent first
            terms.append(p)
    asks = []
    for comp, ps in by.items():
        best = max(ps, key=lambda p: allowed_target(p) - float(p.current))
        target = allowed_target(best)
        if target <= float(best.current):
            continue
        schedule = tuple(best.schedule) if abs(target - float(best.target)) < 0.5 else ()
        # the rule that sets the target leads (its script goes in the counter e-mail); the others back it up
        asks.append(BundledAsk(comp, float(best.current), target, best.unit or "", tuple(dict.fromkeys([best.rule] + [p.rule for p in ps])),
                               ps[0].priority, schedule, "" if abs(target - float(best.target)) < 0.5 else "R3 cap",
                               currency=best.currency))
    asks.sort(key=lambda a: a.priority)
    return asks, terms


def apply_asks(offer: Offer, asks: Sequence[BundledAsk], fx: Any) -> Offer:
    """The offer with every amount ask granted (a new Offer; the input is not changed)."""
    update: dict[str, Any] = {}
    for a in asks:
        if a.ask <= 0:
            continue
        if a.component == "base":
            scale = a.target / offer.annual_base
            update["base_salary"] = offer.base_salary.model_copy(update={"amount": offer.base_salary.amount * scale})
        elif a.component == "sign_on":
            update["sign_on"] = tuple(offer.sign_on or ()) + tuple(SignOn(amount=amt, year=y) for y, amt in a.payments() if amt > 0)
        elif a.component == "equity":
            update["equity"] = _grow_equity(offer, a.ask, a.currency or offer.currency, fx)
        elif a.component == "relocation" and offer.relocation is not None:
            update["relocation"] = offer.relocation.model_copy(update={"amount": a.target, "grossed_up": True})
        elif a.component == "pto_days":
            update["pto_days"] = a.target
    return offer.model_copy(update=update)


def _grow_equity(offer: Offer, ask_amount: float, unit: str, fx: Any) -> tuple:
    """The grants with the first one enlarged by `ask_amount` (stated in currency `unit`)."""
    from ..offers.models import EquityGrant

    grants = list(offer.equity or ())
    if not grants:
        return (EquityGrant(type="rsu", grant_value=ask_amount, currency=None if unit == offer.currency else unit),)
    g = grants[0]
    ask = ask_amount * fx.rate(unit) / fx.rate(g.currency or offer.currency)  # in the grant's currency
    if g.type == "rsu" and g.grant_value is not None:
        grants[0] = g.model_copy(update={"grant_value": g.grant_value + ask})
    else:
        per_share = float(g.share_price) - (float(g.strike) if g.type == "option" else 0.0)
        if per_share <= 0:
            per_share = float(g.share_price)
        grants[0] = g.model_copy(update={"shares": float(g.shares) + ask / per_share})
    return tuple(grants)


def describe(asks: Sequence[BundledAsk], terms: Sequence[TalkingPoint], currency: str) -> str:
    """One line: 'Base $185,000 → $195,000 (+$10,000); sign-on +$10,000 in year 1; in writing: ...'."""
    bits = []
    for a in asks:
        if a.component == "pto_days":
            bits.append(f"PTO {fmt.number(a.current)} → {fmt.number(a.target)} days")
        elif a.component == "sign_on":
            bits.append("sign-on " + " and ".join(f"+{fmt.money(amt, currency)} in year {y}" for y, amt in a.payments() if amt > 0))
        elif a.component == "relocation":
            bits.append(f"relocation {a.money(a.current, currency)} → {a.money(a.target, currency)} (grossed up)")
        else:
            bits.append(f"{LABELS[a.component].lower()} {a.money(a.current, currency)} → {a.money(a.target, currency)} (+{a.money(a.ask, currency)})")
    if terms:
        bits.append("also: " + ", ".join(dict.fromkeys(TERM_LABELS.get(t.component, t.component) for t in terms)))
    if not bits:
        return "no counter: nothing to ask for on this offer"
    text = "; ".join(bits)
    return text[0].upper() + text[1:]


TERM_LABELS = {
    "sign_on_terms": "sign-on repayment pro-rata on net",
    "relocation_terms": "relocation repayment 12 months pro-rata on net",
    "equity_info": "409A/preferred price, fully diluted shares, exercise window",
    "visa": "visa and green-card costs paid by the employer, in writing",
}


def ask_sentence(a: BundledAsk, currency: str) -> str:
    """The counter e-mail's sentence for an ask whose target the bundle changed (with its reason, R24)."""
    why = a.reason or REASONS.get(a.rules[0], "")
    why = f", {why}" if why else ""
    m = lambda v: a.money(v, currency)  # noqa: E731
    if a.component == "base":
        return f"Could you bring the base to {m(a.target)}{why}?"
    if a.component == "equity":
        return f"Could the equity grant be {m(a.target)}{why}?"
    if a.component == "sign_on":
        return "Could you add a sign-on of " + " and ".join(f"{m(amt)} in year {y}" for y, amt in a.payments() if amt > 0) + f"{why}?"
    if a.component == "relocation":
        return f"Could the relocation be {m(a.target)}{why}?"
    return f"Could the {LABELS.get(a.component, a.component).lower()} be {fmt.number(a.target)}{why}?"


def _evaluate(evaluation: Evaluation, offers: Sequence[Offer]) -> Evaluation:
    from ..offers.evaluate import evaluate

    return evaluate(list(offers), evaluation.assumptions, evaluation.fx, currency=evaluation.currency)


def _year1(evaluation: Evaluation, offer: Offer, asks: Sequence[BundledAsk]) -> float:
    """Year-1 TC (reporting currency) of `offer` with `asks` granted (evaluated on its own)."""
    return float(_evaluate(evaluation, [apply_asks(offer, asks, evaluation.fx)]).headlines["year1_tc"][0])


def year1_ceiling(evaluation: Evaluation, i: int, points: Sequence[TalkingPoint]) -> float:
    """max(best rival's year-1 TC, year-1 TC with the market/threshold asks only) + the make-whole ask."""
    o = evaluation.offers[i]
    y1 = evaluation.headlines["year1_tc"]
    rivals = [float(y1[j]) for j in range(len(evaluation.offers)) if j != i and not math.isnan(float(y1[j]))]
    market_asks, _ = bundle([p for p in points if p.rule not in RIVAL_RULES + MAKE_WHOLE_RULES])
    own = _year1(evaluation, o, market_asks)
    rate = float(evaluation.figures.rates[i])
    make_whole = max([float(p.ask) for p in points if p.rule in MAKE_WHOLE_RULES and p.ask is not None and p.ask > 0] or [0.0]) * rate
    return max(rivals + [own]) + make_whole


def _trim(ask: BundledAsk, units: float, floor_ask: float, why: str = "year-1 ceiling") -> BundledAsk:
    """`ask` reduced by `units` (its own unit, rounded up to 1,000; the year-1 sign-on part first), not below `floor_ask`."""
    cut = min(math.ceil(units / 1000.0 - 1e-9) * 1000.0, ask.ask - floor_ask)
    if cut <= 0:
        return ask
    schedule = ask.schedule
    if ask.component == "sign_on":
        pay = dict(ask.payments())
        left = cut
        for y in sorted(pay):
            take = min(pay[y], left)
            pay[y] -= take
            left -= take
        schedule = tuple((y, v) for y, v in sorted(pay.items()) if v > 0) if ask.schedule else ()
    return replace(ask, target=ask.target - cut, schedule=schedule, adjusted=why, reason="")


def cap_year1(evaluation: Evaluation, i: int, asks: list[BundledAsk], points: Sequence[TalkingPoint]) -> list[BundledAsk]:
    """Trim the rival-based asks until the bundle's year-1 TC is at most `year1_ceiling`."""
    o = evaluation.offers[i]
    ceiling = year1_ceiling(evaluation, i, points)
    rate = float(evaluation.figures.rates[i])
    # each pass trims one ask; an ask that cannot lower year 1 is passed over, so this many passes
    # can bring every rival ask down to its floor
    for _ in range(4 * len(asks) + 4):
        excess = _year1(evaluation, o, asks) - ceiling
        if excess <= 0.5:
            break
        rival = sorted((k for k, a in enumerate(asks) if a.rules[0] in RIVAL_RULES),
                       key=lambda k: (asks[k].component != "sign_on", -asks[k].priority))
        if not rival:
            break
        for k in rival:
            a = asks[k]
            others = [p for p in points if p.component == a.component and p.rule not in RIVAL_RULES and p.ask is not None and p.ask > 0]
            floor_ask = max([allowed_target(p) - float(p.current) for p in others] or [0.0])
            # year-1 effect of one unit of this ask, from the evaluation with and without it
            without = [x for x in asks if x is not a]
            effect = (_year1(evaluation, o, asks) - _year1(evaluation, o, without)) / a.ask if a.ask > 0 else 0.0
            units = excess / effect if effect > 0 else 0.0
            if a.component == "sign_on":
                # the year-1 part is cut first, one for one; a sign-on paid only in later years
                # (a back-loaded-vesting ask) cannot lower year 1 and is left alone
                year1_part = sum(v for y, v in a.payments() if y == 1)
                effect = rate if year1_part > 0 else 0.0
                units = min(excess / rate, year1_part)
            if effect <= 0:
                continue
            trimmed = _trim(a, units, floor_ask)
            if trimmed.ask <= 0:
                asks = without
            else:
                if trimmed.ask <= floor_ask + 0.5 and others:  # down to the make-whole/market ask: that rule leads now
                    trimmed = _led_by(trimmed, others, a.rules)
                asks = [trimmed if x is a else x for x in asks]
            break
    return asks


RIVAL_MARGIN = 0.02  # a counter citing a rival lands at most 2% above that rival's average TC


def cap_to_rival(evaluation: Evaluation, i: int, asks: list[BundledAsk], points: Sequence[TalkingPoint]) -> list[BundledAsk]:
    """A bundle that cites a rival lands at most RIVAL_MARGIN above that rival's average TC.

    The rival-based asks are trimmed (lowest priority first) by the excess ÷ their per-unit effect on
    the average TC, never below a market or make-whole ask on the same component; if the other asks
    alone already land above the limit, the bundle stops citing the rival (its rule is dropped from
    the asks' backing rules), so no sentence compares the counter with a rival it overtakes."""
    rival = next((p for p in points if p.rule == "competing-offer" and p.tc_target is not None), None)
    if rival is None or not any("competing-offer" in a.rules for a in asks):
        return asks
    o = evaluation.offers[i]
    limit = float(rival.tc_target) * (1 + RIVAL_MARGIN)
    for _ in range(4):
        market_asks = [a for a in asks if a.rules[0] not in MAKE_WHOLE_RULES]
        excess = _average(evaluation, o, market_asks) - limit
        if excess <= 0.5:
            return asks
        led = sorted((k for k, a in enumerate(asks) if a.rules[0] in RIVAL_RULES and a.ask > 0), key=lambda k: -asks[k].priority)
        if not led:
            break
        a = asks[led[0]]
        without = [x for x in asks if x is not a]
        effect = (_average(evaluation, o, market_asks) - _average(evaluation, o, [x for x in without if x.rules[0] not in MAKE_WHOLE_RULES])) / a.ask
        if effect <= 0:
            break
        others = [p for p in points if p.component == a.component and p.rule not in RIVAL_RULES and p.ask is not None and p.ask > 0]
        floor_ask = max([allowed_target(p) - float(p.current) for p in others] or [0.0])
        trimmed = _trim(a, excess / effect, floor_ask, "2% over the rival")
        if trimmed.ask <= 0.5:
            asks = without
        elif trimmed.ask <= floor_ask + 0.5 and others:
            asks = [_led_by(trimmed, others, a.rules) if x is a else x for x in asks]
        else:
            asks = [trimmed if x is a else x for x in asks]
    market_asks = [a for a in asks if a.rules[0] not in MAKE_WHOLE_RULES]
    if _average(evaluation, o, market_asks) - limit > 0.5:
        asks = [replace(a, rules=tuple(r for r in a.rules if r != "competing-offer")) for a in asks if a.rules[0] != "competing-offer"]
    return asks


def _led_by(ask: BundledAsk, others: Sequence[TalkingPoint], rules: Sequence[str]) -> BundledAsk:
    """`ask` set back to the largest allowed ask among `others` (that rule leads now)."""
    lead = max(others, key=lambda p: allowed_target(p) - float(p.current))
    target = allowed_target(lead)
    return replace(ask, rules=tuple(dict.fromkeys([lead.rule] + list(rules))), schedule=(), current=float(lead.current),
                   unit=lead.unit or ask.unit, currency=lead.currency,
                   target=target, adjusted="" if abs(target - float(lead.target)) < 0.5 else "R3 cap", reason="")


def _average(evaluation: Evaluation, offer: Offer, asks: Sequence[BundledAsk]) -> float:
    """Average TC (reporting currency) of `offer` with `asks` granted (evaluated on its own)."""
    return float(_evaluate(evaluation, [apply_asks(offer, asks, evaluation.fx)]).headlines["average_tc"][0])


def net_shared_targets(evaluation: Evaluation, i: int, asks: list[BundledAsk], points: Sequence[TalkingPoint]) -> list[BundledAsk]:
    """Size each ask led by a TC_TARGET_RULES point to the gap the earlier asks (priority order) leave.

    remaining = point.tc_target − average TC with the earlier asks granted (make-whole asks left out);
    the ask becomes min(ask, remaining ÷ per-unit effect) rounded to the nearest 1,000, not below the
    largest measured ask on the same component; an ask with nothing left to close is dropped.
    """
    o = evaluation.offers[i]
    lead_point = {p.rule: p for p in points if p.tc_target is not None}
    out = list(asks)
    k = 0
    while k < len(out):
        a = out[k]
        p = lead_point.get(a.rules[0])
        if p is None or a.ask <= 0:
            k += 1
            continue
        earlier = [x for x in out[:k] if x.rules[0] not in MAKE_WHOLE_RULES]
        before = _average(evaluation, o, earlier)
        per_unit = (_average(evaluation, o, earlier + [a]) - before) / a.ask
        if per_unit <= 0:
            k += 1
            continue
        need = fmt.round_money(max(float(p.tc_target) - before, 0.0) / per_unit)
        if need >= a.ask - 0.5:
            k += 1
            continue
        others = [q for q in points if q.component == a.component and q.rule not in TC_TARGET_RULES and q.ask is not None and q.ask > 0]
        floor_ask = max([allowed_target(q) - float(q.current) for q in others] or [0.0])
        if need <= floor_ask + 0.5:
            if others and floor_ask > 0:
                out[k] = _led_by(a, others, a.rules)
                k += 1
            else:
                del out[k]  # the earlier asks already reach the target
            continue
        label = f"{p.tc_target_label} ({fmt.money(p.tc_target, evaluation.currency)} a year)"
        out[k] = replace(a, target=a.current + need, schedule=(), adjusted="remaining gap", reason=REMAINING_REASON.format(label=label))
        k += 1
    return out


def percentile_of(row: Any, value: float) -> tuple[float, Optional[str]]:
    """Where `value` falls in a market row (p10…p90, linear between known points): (percentile, 'below'/'above'/None)."""
    from .rules import PERCENTILE_POINTS, _nan

    xs, ks = [], []
    for k in PERCENTILE_POINTS:
        v = row.get(f"p{k}")
        if not _nan(v):
            xs.append(float(v))
            ks.append(float(k))
    if not xs:
        return float("nan"), None
    clamped = "below" if value < xs[0] - 0.5 else "above" if value > xs[-1] + 0.5 else None
    return float(np.interp(value, xs, ks)), clamped


def why_no_points(row: Any) -> str:
    """Why a market row has no percentile to place against: its no-match text, top-coding, or no points."""
    match = str(row.get("match") or "")
    if match.startswith("no market data"):
        return match
    top = row.get("top_coded")
    if top and isinstance(top, str):
        return f"the market file gives {top} only as top-coded values"
    return "the matched market row has no percentile points for it"


def _where(p: float, clamped: Optional[str]) -> str:
    from .rules import _ordinal

    if clamped == "below":
        return f"below the {_ordinal(p)} percentile"
    if clamped == "above":
        return f"above the {_ordinal(p)} percentile"
    return f"at the {_ordinal(p)} percentile"


def landing(evaluation: Evaluation, i: int, asks: Sequence[BundledAsk], points: Sequence[TalkingPoint], target_percentile: float) -> dict[str, Any]:
    """Where the bundle lands against the figures its asks cite (reporting currency), and a sentence saying so.

    The average TC is taken with every ask but the make-whole ones (they replace forfeited pay, not
    market pay); what the make-whole adds a year is reported beside it.
    """
    from .rules import _ordinal, interpolate_percentile

    o = evaluation.offers[i]
    cur = evaluation.currency
    m = lambda v: fmt.money(v, cur)  # noqa: E731
    market_asks = [a for a in asks if a.rules[0] not in MAKE_WHOLE_RULES]
    avg = _average(evaluation, o, market_asks)
    make_whole = _average(evaluation, o, asks) - avg
    out: dict[str, Any] = {"average_tc": avg, "make_whole_a_year": make_whole, "total_percentile": None, "total_target": None,
                           "base_percentile": None, "rival": None, "rival_average_tc": None, "text": ""}
    rows = _market(evaluation, o.id)
    bits = []
    skipped = []
    base_ask = next((a for a in asks if a.component == "base"), None)
    if base_ask is not None and "base" in rows:
        p, c = percentile_of(rows["base"], base_ask.target * float(evaluation.figures.rates[i]))
        if not np.isnan(p):
            out["base_percentile"] = p
            bits.append(f"base {base_ask.money(base_ask.target, o.currency)} is {_where(p, c)} of the market base.")
        else:
            skipped.append(f"base ({why_no_points(rows['base'])})")
    sentence = f"average TC {m(avg)} a year"
    if make_whole > 0.5:
        sentence += f" before the make-whole sign-on (which adds {m(make_whole)} a year)"
    if "total" in rows:
        p, c = percentile_of(rows["total"], avg)
        if not np.isnan(p):
            # a component without percentile points is skipped, never interpolated (issue 12)
            target = interpolate_percentile(rows["total"], target_percentile)
            out.update(total_percentile=p, total_target=target)
            sentence += f" is {_where(p, c)} of the market total ({_ordinal(target_percentile)}: {m(target)})"
        else:
            skipped.append(f"total ({why_no_points(rows['total'])})")
    bits.append(sentence + ".")
    if skipped:
        bits.append("not placed against the market: " + "; ".join(skipped) + ".")
    rival = next((q for q in points if q.rule == "competing-offer" and q.tc_target is not None), None)
    if rival is not None and any("competing-offer" in a.rules for a in asks):
        out.update(rival=rival.tc_target_label, rival_average_tc=float(rival.tc_target))
        gap = float(rival.tc_target) - avg
        if gap > 0.5:
            bits.append(f"{rival.tc_target_label} of {m(rival.tc_target)} stays {m(gap)} a year ahead.")
        elif gap >= -0.5:
            bits.append(f"{rival.tc_target_label} of {m(rival.tc_target)} is reached.")
        else:  # at most RIVAL_MARGIN above it (cap_to_rival)
            bits.append(f"{rival.tc_target_label} of {m(rival.tc_target)} is passed by {m(-gap)} a year "
                        f"(at most {RIVAL_MARGIN:.0%}).")
    if any(a.adjusted == "R3 cap" for a in asks):
        bits.append(f"(R3 caps each anchored ask at +{MAX_RAISE:.0%} of the offer's figure.)")
    # one currency per sentence: the base in the offer's (or grant's) currency, TC figures in the reporting currency
    text = " ".join(b[0].upper() + b[1:] for b in bits)
    out["text"] = "Lands at: " + text[0].lower() + text[1:]
    return out


def _market(evaluation: Evaluation, oid: str) -> dict[str, Any]:
    """This offer's market placement rows by component (reporting currency), {} without market data."""
    rows = offer_rows(evaluation.market, oid)
    return {} if rows is None else {str(r["component"]): r for r in rows.to_dict("records")}


def build_counters(evaluation: Evaluation, points: dict[str, list[TalkingPoint]], target_percentile: float = 65.0
                   ) -> tuple[list[dict[str, Any]], dict[str, tuple[list[BundledAsk], list[TalkingPoint]]], dict[str, dict[str, Any]]]:
    """Counter rows (COLUMNS) for the offers in `points`, their bundles and where each bundle lands, by offer id."""
    bundles, lands = {}, {}
    for i, o in enumerate(evaluation.offers):
        if o.id in points:
            asks, terms = bundle(points[o.id])
            asks = net_shared_targets(evaluation, i, asks, points[o.id])
            asks = cap_year1(evaluation, i, asks, points[o.id])
            asks = cap_to_rival(evaluation, i, asks, points[o.id])
            bundles[o.id] = (asks, terms)
            lands[o.id] = landing(evaluation, i, asks, points[o.id], target_percentile)
    changed = [apply_asks(o, bundles[o.id][0], evaluation.fx) if o.id in bundles else o for o in evaluation.offers]
    after = _evaluate(evaluation, changed)
    h0, h1 = evaluation.headlines, after.headlines
    rows = []
    for i, o in enumerate(evaluation.offers):
        if o.id not in bundles:
            continue
        asks, terms = bundles[o.id]
        rows.append({
            "offer_id": o.id,
            "year1_tc_before": float(h0["year1_tc"][i]), "year1_tc_after": float(h1["year1_tc"][i]),
            "average_tc_before": float(h0["average_tc"][i]), "average_tc_after": float(h1["average_tc"][i]),
            "summary": describe(asks, terms, o.currency),
            "reaches": lands[o.id]["text"] if asks else "",
        })
    return rows, bundles, lands
