"""One bundled counter-offer per offer: every ask combined in priority order, and its effect.

Asks on the same component are not added up: their reasons overlap (a make-whole and a
back-loaded-vesting sign-on justify the same dollars), so the bundle asks for the largest
increase on each component. The effect is measured by re-running `toolkit.pipeline.evaluate`
on the offers with the asks applied (same assumptions, same FX table):

* base → the base salary scaled to the target (its pay period kept);
* sign_on → an extra sign-on payment of the ask in year 1;
* equity → the first grant enlarged by the ask (grant value, or shares at the quoted price or spread);
* relocation → the target amount, grossed up; pto_days → the target days.

Terms and information requests have no amount; they travel with the bundle as text. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from ..models import Offer, SignOn
from .. import format as fmt
from .rules import TalkingPoint

MONEY_COMPONENTS = ("base", "equity", "sign_on", "relocation", "pto_days")
COLUMNS = ("offer_id", "year1_tc_before", "year1_tc_after", "average_tc_before", "average_tc_after", "summary")
LABELS = {"base": "Base", "equity": "Equity grant", "sign_on": "Sign-on", "relocation": "Relocation", "pto_days": "PTO"}


@dataclass(frozen=True)
class BundledAsk:
    component: str
    current: float
    target: float
    unit: str
    rules: tuple[str, ...]
    priority: int

    @property
    def ask(self) -> float:
        return self.target - self.current

    def as_dict(self) -> dict[str, Any]:
        return {"component": self.component, "current": self.current, "target": self.target, "ask": self.ask,
                "unit": self.unit, "rules": list(self.rules), "priority": self.priority}


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
        best = max(ps, key=lambda p: p.ask)
        # the rule that sets the target leads (its script goes in the counter e-mail); the others back it up
        asks.append(BundledAsk(comp, float(best.current), float(best.target), best.unit or "", tuple(dict.fromkeys([best.rule] + [p.rule for p in ps])), ps[0].priority))
    asks.sort(key=lambda a: a.priority)
    return asks, terms


def apply_asks(offer: Offer, asks: Sequence[BundledAsk], fx: Any) -> Offer:
    """The offer with every amount ask granted (a new Offer; the input is not changed)."""
    update: dict[str, Any] = {}
    own_rate = fx.rate(offer.currency)
    for a in asks:
        if a.ask <= 0:
            continue
        if a.component == "base":
            scale = a.target / offer.annual_base
            update["base_salary"] = offer.base_salary.model_copy(update={"amount": offer.base_salary.amount * scale})
        elif a.component == "sign_on":
            update["sign_on"] = tuple(offer.sign_on or ()) + (SignOn(amount=a.ask, year=1),)
        elif a.component == "equity":
            update["equity"] = _grow_equity(offer, a.ask, own_rate, fx)
        elif a.component == "relocation" and offer.relocation is not None:
            update["relocation"] = offer.relocation.model_copy(update={"amount": a.target, "grossed_up": True})
        elif a.component == "pto_days":
            update["pto_days"] = a.target
    return offer.model_copy(update=update)


def _grow_equity(offer: Offer, ask_own: float, own_rate: float, fx: Any) -> tuple:
    from ..models import EquityGrant

    grants = list(offer.equity or ())
    if not grants:
        return (EquityGrant(type="rsu", grant_value=ask_own),)
    g = grants[0]
    ask = ask_own * own_rate / fx.rate(g.currency or offer.currency)  # in the grant's currency
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
            bits.append(f"sign-on +{fmt.money(a.ask, currency)} in year 1")
        elif a.component == "relocation":
            bits.append(f"relocation {fmt.money(a.current, currency)} → {fmt.money(a.target, currency)} (grossed up)")
        else:
            bits.append(f"{LABELS[a.component].lower()} {fmt.money(a.current, currency)} → {fmt.money(a.target, currency)} (+{fmt.money(a.ask, currency)})")
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


def build_counters(evaluation: Any, points: dict[str, list[TalkingPoint]]) -> tuple[list[dict[str, Any]], dict[str, tuple[list[BundledAsk], list[TalkingPoint]]]]:
    """Counter rows (COLUMNS) for the offers in `points`, and their bundles, by offer id."""
    from ..pipeline import evaluate

    bundles = {oid: bundle(ps) for oid, ps in points.items()}
    changed = [apply_asks(o, bundles[o.id][0], evaluation.fx) if o.id in bundles else o for o in evaluation.offers]
    after = evaluate(changed, evaluation.assumptions, evaluation.fx, currency=evaluation.currency)
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
        })
    return rows, bundles
