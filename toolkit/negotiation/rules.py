"""Talking-point rules: the offer, its market placement, the rival offers and the current job
→ prioritised asks (the rule table R1–R24 of the project's domain notes, §7.4; the [Sxx] tags in
the evidence are listed with titles and addresses in docs/sources.md). RULES is a tuple of small functions, each
`(ctx: RuleContext) -> TalkingPoint | list[TalkingPoint] | None`; `run_rules` calls them all
and numbers the results by the fixed order of RULE_ORDER (time-critical first, then base,
then one-off cash, then terms, then strategy notes).

Amounts: `current`, `target` and `ask` (= target − current) are in the offer's own currency
(`unit`), or in days for PTO, or None for terms and information requests. Targets are rounded
with `toolkit.format.round_money` (nearest 1,000) where the figure is an anchor (market
percentile, a rival's figure, a vesting-pacing gap bounded by the rival's lead), and *up* to the
next 1,000 (`round_up`) where falling short would miss the stated purpose: `make-whole` (cover
the forfeit), `relocation-gross-up` (cover the move after tax) and `visa-wage-level` (reach the
level's wage). A rule never proposes a target below the current figure.

R3 (offer × 1.10–1.20 on the chosen component): anchor asks on a recurring figure the offer
already has (base, the equity grant) are capped at +20 % of it (`r3_cap`); asks that restore a
measured amount (make-whole, gross-up, wage level, PTO match, vesting pacing) are not, and the
bundled counter enforces both (`counter.py`). Pure: no I/O, no clock (today is passed in).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from typing import Any, Callable, Mapping, Optional, Sequence, Union

import numpy as np

from ..market.place import market_reference
from ..offers.results import Evaluation
from ..offers.models import Offer
from .. import format as fmt
from .checklist import business_days, offer_country, us_calendar
from . import visa as V
from .current import CurrentJob, Forfeit

PERCENTILE_POINTS = (10, 25, 50, 75, 90)
MAX_BASE_RAISE_FRACTION = 0.20  # a counter is offer × 1.10–1.20 on the component [S54]
VISA_REACH_FRACTION = 0.10  # the next wage level is "within reach" if it is ≤ 10% above base
SOURCES = "docs/sources.md"  # where every [Sxx] tag in the evidence is listed with its title and address
DEFAULT_GROSS_UP_RATE = 0.2965  # 22% federal supplemental + 7.65% FICA, state excluded [S32][S31a]
SHORT_DEADLINE_BUSINESS_DAYS = 3  # R19
EXTENSION_BUSINESS_DAYS = 5
FRONT_LOADED_YEAR1 = 0.25  # a schedule vesting < 25% in year 1 is back-loaded (e.g. 5/15/40/40)
COLUMNS = ("offer_id", "priority", "rule", "component", "current", "target", "ask", "unit", "currency", "rationale", "evidence", "script")
UNITS = ("money", "days", "percent")


@dataclass(frozen=True)
class TalkingPoint:
    """One ask (or one strategy note) for one offer, with its reason, evidence and words to say."""

    rule: str
    component: str
    rationale: str
    evidence: str
    script: str
    current: Optional[float] = None
    target: Optional[float] = None
    # `unit` is what the amounts count: "money" (then `currency` is its ISO code), "days" or
    # "percent"; None for a point without amounts. A currency code given as the unit (the
    # rules' shorthand) is read as ("money", that code).
    unit: Optional[str] = None
    offer_id: str = ""
    priority: int = 0
    schedule: tuple[tuple[int, float], ...] = ()  # a sign-on ask paid over several years: ((year, amount), ...)
    # The average TC (reporting currency) the ask pursues, for asks anchored on a total-comp figure
    # (total-below-market: the market total at the target percentile; competing-offer: the rival's
    # average TC), and what that figure is. The bundle sizes such an ask to the gap the earlier asks leave.
    tc_target: Optional[float] = None
    tc_target_label: str = ""
    currency: Optional[str] = None  # with unit "money": the ISO code (kept last so positional construction is unchanged)
    # A point that cites market data: where its figure came from, as compare's `market[]` entry
    # says it (`toolkit.market.place.market_reference`); None for every other point.
    market: Optional[Mapping[str, Any]] = None

    def __post_init__(self) -> None:
        if self.unit is not None and self.unit not in UNITS:  # a currency code: money in that currency
            object.__setattr__(self, "currency", self.unit)
            object.__setattr__(self, "unit", "money")

    @property
    def ask(self) -> Optional[float]:
        if self.current is None or self.target is None:
            return None
        return self.target - self.current

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in COLUMNS}


@dataclass(frozen=True)
class RuleContext:
    """Everything a rule may read for one offer. Reporting-currency figures come from `evaluation`."""

    evaluation: Evaluation
    index: int
    today: dt.date
    target_percentile: float = 65.0
    market: Any = None  # DataFrame: this offer's market rows (one per component), or None
    wage_level: Optional[Mapping[str, Any]] = None  # this offer's wage-level row, or None
    current: Optional[CurrentJob] = None
    forfeit: Optional[Forfeit] = None
    forfeit_rate: float = 1.0  # reporting units per 1 unit of the current job's currency

    @property
    def offer(self) -> Offer:
        return self.evaluation.offers[self.index]

    @property
    def currency(self) -> str:
        return self.offer.currency

    @property
    def rate(self) -> float:
        """Reporting-currency units per 1 unit of the offer's currency."""
        return float(self.evaluation.figures.rates[self.index])

    @property
    def rivals(self) -> list[int]:
        return [j for j in range(len(self.evaluation.offers)) if j != self.index]

    def money(self, value: float) -> str:
        return fmt.money(value, self.currency)

    def own(self, reporting_value: float) -> float:
        """A reporting-currency figure (market data, TC) in the offer's currency, at the evaluation's FX table."""
        return float(reporting_value) / self.evaluation.fx.rate(self.currency)

    def own_money(self, reporting_value: float) -> str:
        """A reporting-currency figure formatted in the offer's currency (one currency per sentence)."""
        return self.money(self.own(reporting_value))

    def market_row(self, component: str) -> Optional[Mapping[str, Any]]:
        m = self.market
        if m is None or not len(m):
            return None
        rows = m[m["component"] == component]
        if not len(rows):
            return None
        row = rows.iloc[0].to_dict()
        if _nan(row.get("value")) or _nan(row.get("p50")):
            return None
        return row


def _nan(x: Any) -> bool:
    return fmt.is_missing(x)


def interpolate_percentile(row: Mapping[str, Any], percentile: float) -> float:
    """The market figure at `percentile`, linear between the row's known points, clamped outside them.

    Examples:
        >>> interpolate_percentile({"p25": 165000, "p50": 180000, "p75": 195000}, 65)
        189000.0
    """
    xs, ys = [], []
    for p in PERCENTILE_POINTS:
        v = row.get(f"p{p}")
        if not _nan(v):
            xs.append(p)
            ys.append(float(v))
    if not xs:
        raise ValueError("the market row has no percentile points")
    return float(np.interp(percentile, xs, ys))


def round_up(value: float, step: float = 1000.0) -> float:
    """Up to the next `step` (a figure already on a step stays): for asks that must reach a figure."""
    return float(math.ceil(value / step - 1e-9) * step)


def r3_cap(current: float) -> float:
    """R3: the highest target on a component the offer already sets, +20 % rounded down to 1,000."""
    return float(math.floor(current * (1 + MAX_BASE_RAISE_FRACTION) / 1000.0 + 1e-9) * 1000.0)


def _ordinal(p: float) -> str:
    n = int(round(p))
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def basis(row: Mapping[str, Any]) -> str:
    """The words citing a market row: what was matched (geography, source, role, level), never the offer's own.

    Built by `toolkit.market` from the matched values ('US national BLS OEWS May 2022 data for
    Software Developers (all levels)'); when another country's data was used on the user's say-so,
    the figures were converted into the offer's currency, and the phrase says so."""
    text = str(row.get("basis") or row.get("source") or "market data")
    if row.get("country_mismatch") is True:
        text += ", converted at the FX table's rate"
    return text


def _cite(row: Mapping[str, Any]) -> str:
    bits = [basis(row)]
    if not _nan(row.get("sample_size")):
        bits.append(f"n={int(row['sample_size'])}")
    if row.get("match"):
        bits.append(f"match: {row['match']}")
    return ", ".join(bits)


def _who(o: Offer) -> str:
    return " ".join(x for x in (o.level, o.role) if x) or "this role"


def _sign_on_year(o: Offer, years: Sequence[int] = (1,)) -> float:
    return float(sum(p.amount for p in o.sign_on or () if p.year in years))


def grant_currency(ctx: RuleContext) -> str:
    """The currency an equity ask is stated in: the grants' own when they share one, else the offer's."""
    codes = {g.currency or ctx.currency for g in ctx.offer.equity or ()}
    return codes.pop() if len(codes) == 1 else ctx.currency


def _grant_value_in(ctx: RuleContext, code: str) -> float:
    """Initial grants' quoted value in currency `code` (at the evaluation's FX table)."""
    fx = ctx.evaluation.fx
    return float(sum(g.start_value * fx.rate(g.currency or ctx.currency) for g in ctx.offer.equity or ())) / fx.rate(code)


def _vest_years(o: Offer) -> int:
    months = [max(m for m, _ in g.vesting.schedule) for g in o.equity or ()]
    return max(1, math.ceil(max(months) / 12)) if months else 4


def year1_fraction(o: Offer) -> Optional[float]:
    """Share of the initial grants' value vesting in the first 12 months (None without equity)."""
    grants = [g for g in o.equity or () if g.start_value > 0]
    if not grants:
        return None
    total = sum(g.start_value for g in grants)
    return sum(g.start_value * sum(f for m, f in g.vesting.schedule if m <= 12) for g in grants) / total


# ---------------------------------------------------------------- the rules


def rule_base_below_market(ctx: RuleContext) -> Optional[TalkingPoint]:
    """R1: base below the market median → ask for base at the target percentile (default p65)."""
    row = ctx.market_row("base")
    if row is None or not float(row["value"]) < float(row["p50"]):
        return None
    current = ctx.offer.annual_base
    market_target = interpolate_percentile(row, ctx.target_percentile) / ctx.rate
    target = round_money_at_least(market_target, current)
    cap = current * (1 + MAX_BASE_RAISE_FRACTION)
    capped = target > cap
    if capped:
        target = r3_cap(current)
    if target <= current:
        return None
    tp = _ordinal(ctx.target_percentile)
    if row.get("clamped") == "below":
        where = f"below the {_ordinal(float(row['percentile']))} percentile"
    elif not _nan(row.get("percentile")):
        where = f"at the {_ordinal(float(row['percentile']))} percentile"
    else:
        where = "below the median"
    rationale = (f"Base {ctx.money(current)} sits {where} of the market ({basis(row)}; median {ctx.own_money(row['p50'])}); "
                 f"the {tp} percentile is {ctx.money(market_target)}")
    rationale += f", capped at a {MAX_BASE_RAISE_FRACTION:.0%} raise on the offer." if capped else "."
    evidence = (f"{_cite(row)}: base p50 {ctx.own_money(row['p50'])}, p75 {ctx.own_money(row['p75'])}; "
                f"offer at {fmt.percentile(row.get('percentile'))} [S58][S54]")
    script = (f"Based on {basis(row)}, the {tp} percentile for base is about "
              f"{ctx.money(market_target)}. Could you bring the base to {ctx.money(target)}?")
    return TalkingPoint("base-below-market", "base", rationale, evidence, script, current, target, ctx.currency,
                        market=market_reference(row))


def round_money_at_least(value: float, floor_value: float) -> float:
    """`value` rounded to the nearest 1,000, or up to the next 1,000 if the nearest is not above `floor_value`."""
    r = fmt.round_money(value)
    return r if r > floor_value else round_up(value)


def rule_total_below_market(ctx: RuleContext) -> Optional[TalkingPoint]:
    """R2: base at or above the median but total comp below it → equity (public RSUs) or sign-on."""
    base, total = ctx.market_row("base"), ctx.market_row("total")
    if base is None or total is None:
        return None
    if float(base["value"]) < float(base["p50"]) or not float(total["value"]) < float(total["p50"]):
        return None
    tc_target = interpolate_percentile(total, ctx.target_percentile)
    gap = ctx.own(tc_target - float(total["value"]))  # a year, in the offer's currency
    if gap <= 0:
        return None
    o, tp = ctx.offer, _ordinal(ctx.target_percentile)
    public_rsu = any(g.type == "rsu" and not g.private for g in o.equity or ())
    unit = ctx.currency
    if public_rsu:
        years = _vest_years(o)
        unit = grant_currency(ctx)  # the ask is stated in the currency the grant is priced in
        per_own = ctx.evaluation.fx.rate(ctx.currency) / ctx.evaluation.fx.rate(unit)  # grant-currency units per offer unit
        current = _grant_value_in(ctx, unit)
        target = round_money_at_least(current + gap * per_own * years, current)
        if current > 0:
            target = min(target, r3_cap(current))
        m = lambda v: fmt.money(v, unit)  # noqa: E731
        component, what = "equity", f"an RSU grant of {m(target)} (+{m(target - current)} over {years} years)"
    else:
        current = _sign_on_year(o)
        target = round_money_at_least(current + gap, current)
        component, what = "sign_on", f"a year-1 sign-on of {ctx.money(target)}"
    if target <= current:
        return None
    rationale = (f"Base is at or above the market median, but total comp {ctx.own_money(total['value'])} is below the median "
                 f"{ctx.own_money(total['p50'])}; closing the gap to the {tp} percentile ({ctx.own_money(tc_target)}) needs about "
                 f"{ctx.money(gap)} a year. Hold base; equity and sign-on move more easily.")
    if component == "equity" and target < current + gap * per_own * years - 0.5:
        rationale += (f" The grant ask is capped at +{MAX_BASE_RAISE_FRACTION:.0%} of the offer's grant of {fmt.money(current, unit)} (R3).")
    evidence = (f"{_cite(total)}: total p50 {ctx.own_money(total['p50'])}, p75 {ctx.own_money(total['p75'])}; "
                f"offer at {fmt.percentile(total.get('percentile'))} [S58]")
    script = (f"The base works for me. On total compensation the offer is below the median of {basis(total)}; "
              f"would {what} be possible to bring it to the {tp} percentile?")
    return TalkingPoint("total-below-market", component, rationale, evidence, script, current, target, unit,
                        tc_target=tc_target, tc_target_label=f"the {tp} percentile of the market total",
                        market=market_reference(total))


def rule_make_whole(ctx: RuleContext) -> Optional[TalkingPoint]:
    """R5: unvested equity or bonus forfeited at the current job → a make-whole sign-on."""
    f = ctx.forfeit
    if f is None or f.total <= 0:
        return None
    forfeit_own = f.total * ctx.forfeit_rate / ctx.rate
    current = _sign_on_year(ctx.offer)
    if forfeit_own <= current:
        return None
    target = round_up(forfeit_own)
    company = ctx.current.company if ctx.current and ctx.current.company else "my current employer"
    parts = []
    if f.equity:
        parts.append(f"{fmt.money(f.equity, f.currency)} in equity vesting by {f.until.isoformat()}")
    if f.bonus:
        parts.append(f"a {fmt.money(f.bonus, f.currency)} bonus")
    covers = (f"the year-1 sign-on of {ctx.money(current)} covers only part of it" if current
              else "the offer has no year-1 sign-on to cover it")
    if f.currency == ctx.currency:
        rationale = f"Leaving {company} on {f.leave_date.isoformat()} forfeits {' and '.join(parts)}; {covers}."
    else:  # one currency per sentence: the forfeit as the current job states it, then in the offer's currency
        rationale = (f"Leaving {company} on {f.leave_date.isoformat()} forfeits {' and '.join(parts)}, {fmt.money(f.total, f.currency)} in all. "
                     f"That is about {ctx.money(forfeit_own)} at the FX table's rate; {covers}.")
    evidence = f"current job: {' + '.join(parts)} = {fmt.money(f.total, f.currency)} [S59a][S59b][S59c]"
    script = (f"By moving I'd forfeit about {ctx.money(forfeit_own)} in unvested equity and bonus at {company}. "
              f"A year-1 sign-on of {ctx.money(target)}{f' (rather than {ctx.money(current)})' if current else ''} would make me whole.")
    return TalkingPoint("make-whole", "sign_on", rationale, evidence, script, current, target, ctx.currency)


def rule_clawback_terms(ctx: RuleContext) -> list[TalkingPoint]:
    """R6/R8: cliff or gross-basis repayment (or relocation repayment beyond 12 months) → pro-rata on net."""
    o, out = ctx.offer, []
    bad = [p for p in o.sign_on or () if (p.clawback_months or 0) > 0 and (p.clawback == "cliff" or p.repay_basis == "gross")]
    if bad:
        what = "; ".join(f"{ctx.money(p.amount)} (year {p.year}): {p.clawback or 'repayment'} over {p.clawback_months} months on {p.repay_basis or 'an unstated'} basis" for p in bad)
        out.append(TalkingPoint(
            "clawback-terms", "sign_on_terms",
            "Repaying a cliff or the gross amount costs more than the cash you kept; monthly pro-rata on the net amount is the fair standard.",
            f"offer: {what}; sign-on repayment practice [S16a][S16b][S16c] ({SOURCES})",
            "Could the sign-on repayment be monthly pro-rata on the net amount, and waived if I'm let go without cause?",
        ))
    r = o.relocation
    if r is not None and (r.clawback_months or 0) > 0 and (r.clawback == "cliff" or r.repay_basis == "gross" or r.clawback_months > 12):
        out.append(TalkingPoint(
            "clawback-terms", "relocation_terms",
            "Relocation repayment should run at most 12 months, pro-rata, on the net amount (a gross-up paid to the tax office is hard to recover).",
            f"offer: relocation {ctx.money(r.amount)} repayable over {r.clawback_months} months, {r.clawback or 'type not stated'}, {r.repay_basis or 'basis not stated'}; relocation payback practice [S34][S35] ({SOURCES})",
            "Could the relocation repayment be a 12-month pro-rata schedule on the net amount?",
        ))
    return out


def rule_relocation_gross_up(ctx: RuleContext) -> Optional[TalkingPoint]:
    """R7: taxable relocation without a gross-up → ask for it (net ÷ (1 − t))."""
    o = ctx.offer
    r = o.relocation
    if r is None or r.grossed_up is not False or r.amount <= 0:
        return None
    t = o.tax_rate if o.tax_rate is not None else (ctx.evaluation.assumptions.tax_rate if ctx.evaluation.assumptions.tax_rate is not None else DEFAULT_GROSS_UP_RATE)
    target = round_up(r.amount / (1 - t))  # up: rounding down would leave part of the move uncovered
    rationale = (f"Relocation money is taxable wages, so {ctx.money(r.amount)} leaves about {ctx.money(r.amount * (1 - t))} after tax "
                 f"at {fmt.percent(t, 2)}; a gross-up of {ctx.money(r.amount)} ÷ (1 − {fmt.percent(t, 2)}) keeps the move covered.")
    evidence = f"US: moving reimbursements are taxable since 2018, made permanent in 2025 [S29a][S30a]; inverse gross-up net/(1 − t) [S31a]; t = {fmt.percent(t, 2)}"
    script = f"Since relocation is taxed as income, could it be grossed up (about {ctx.money(target)}) so the {ctx.money(r.amount)} covers the move?"
    return TalkingPoint("relocation-gross-up", "relocation", rationale, evidence, script, r.amount, target, ctx.currency)


def _grant_year_fractions(g: Any, years: int) -> list[float]:
    """Share of one grant vesting in each of the first `years` years (year k: months 12(k−1) < m ≤ 12k)."""
    return [sum(f for m, f in g.vesting.schedule if 12 * k < m <= 12 * (k + 1)) for k in range(years)]


def year_fractions(o: Offer, years: int = 2) -> list[float]:
    """Share of the initial grants' quoted value vesting in each of the first `years` years (value-weighted)."""
    grants = [g for g in o.equity or () if g.start_value > 0]
    total = sum(g.start_value for g in grants)
    if not total:
        return [0.0] * years
    per = [(g.start_value, _grant_year_fractions(g, years)) for g in grants]
    return [sum(v * fr[k] for v, fr in per) / total for k in range(years)]


def _grant_values_reporting(ctx: RuleContext, o: Offer) -> list[tuple[Any, float]]:
    """(grant, value at the quoted price net of any strike) in the reporting currency."""
    fx = ctx.evaluation.fx
    return [(g, max(g.start_value - g.strike_total, 0.0) * fx.rate(g.currency or o.currency)) for g in o.equity or ()]


def rule_back_loaded_vesting(ctx: RuleContext) -> Optional[TalkingPoint]:
    """R9: back-loaded vesting against a front-loaded rival → a years 1–2 sign-on for the *equity pacing* gap.

    Per year k in 1–2: gap_k = min(pacing_k, lead_k, tc_lead_k), floored at 0, where
    pacing_k = Σ grant value × (rival's year-k vest fraction − this grant's year-k fraction)
    (this offer's own grant, re-paced on the rival's schedule: the cash-flow gap that is due to
    back-loading alone), lead_k = rival's year-k equity − this offer's year-k equity (never ask
    for more than the rival actually pays in equity that year) and tc_lead_k = rival's year-k TC −
    this offer's (no gap to level out when this offer already pays more that year). Base, bonus and
    sign-on differences only ever lower the ask: `competing-offer` asks for those, so the same money
    is not counted twice. The ask is split by year (`schedule`), each part rounded to the nearest
    1,000 (it is bounded by the rival's lead, so rounding up could overshoot it).
    """
    o = ctx.offer
    f1 = year1_fraction(o)
    if f1 is None or f1 >= FRONT_LOADED_YEAR1 - 1e-9:
        return None
    eq, tc = ctx.evaluation.figures.parts["equity"], ctx.evaluation.figures.tc
    n = min(2, eq.shape[1])
    own_values = _grant_values_reporting(ctx, o)
    best, best_gaps = None, [0.0] * n
    for j in ctx.rivals:
        rival = ctx.evaluation.offers[j]
        rf = year1_fraction(rival)
        if rf is None or rf < FRONT_LOADED_YEAR1 - 1e-9:
            continue
        rival_k = year_fractions(rival, n)
        gaps = []
        for k in range(n):
            pacing = sum(v * (rival_k[k] - _grant_year_fractions(g, n)[k]) for g, v in own_values)
            lead = float(eq[j, k] - eq[ctx.index, k])
            tc_lead = float(tc[j, k] - tc[ctx.index, k])
            gaps.append(max(min(pacing, lead, tc_lead), 0.0))
        if sum(gaps) > sum(best_gaps):
            best, best_gaps = j, gaps
    if best is None:
        return None
    parts = [(k + 1, fmt.round_money(g / ctx.rate)) for k, g in enumerate(best_gaps)]
    parts = tuple((y, a) for y, a in parts if a > 0)
    if not parts:
        return None
    ask = sum(a for _, a in parts)
    current = _sign_on_year(o, (1, 2))
    target = current + ask
    rival = ctx.evaluation.offers[best]
    rival_k = year_fractions(rival, n)
    own_k = year_fractions(o, n)
    per_year = ", ".join(f"year {k + 1}: {ctx.own_money(eq[best, k])} vs {ctx.own_money(eq[ctx.index, k])} "
                         f"({fmt.percent(rival_k[k], 0)} vs {fmt.percent(own_k[k], 0)} of the grant)" for k in range(n))
    split = " and ".join(f"{ctx.money(a)} in year {y}" for y, a in parts)
    rationale = (f"Only {fmt.percent(f1, 0)} of the grant vests in year 1, while {rival.company} vests {fmt.percent(year1_fraction(rival), 0)}; "
                 f"on the rival's pacing this grant would pay {ctx.money(ask)} more in years 1–2 (equity only; "
                 f"base and sign-on differences are the competing-offer ask).")
    evidence = f"{rival.id}: equity {per_year} [S4a][S4b][S5a]"
    script = (f"Year by year, the vesting here is back-loaded, so the equity in my first two years comes in about {ctx.money(ask)} "
              f"below the same grant on a front-loaded schedule. Could a sign-on of {split} level that out?")
    return TalkingPoint("back-loaded-vesting", "sign_on", rationale, evidence, script, current, target, ctx.currency, schedule=parts)


def rule_private_options_info(ctx: RuleContext) -> Optional[TalkingPoint]:
    """R10: private-company equity → ask for the numbers that value it, and the exercise window."""
    private = [g for g in ctx.offer.equity or () if g.private]
    if not private:
        return None
    options = any(g.type == "option" for g in private)
    ask = "the current 409A price, the latest preferred price and the fully diluted share count"
    if options:
        ask += ", plus the post-termination exercise window (and whether it can be extended) and early exercise"
    return TalkingPoint(
        "private-options-info", "equity_info",
        "Private shares are valued on paper only; without these numbers the grant's ownership share and value cannot be checked.",
        f"valuing private equity: ownership % = shares / fully diluted shares [S11c][S9d][S11b] ({SOURCES})",
        f"To value the equity properly, could you share {ask}?",
    )


def rule_visa_wage_level(ctx: RuleContext) -> Optional[TalkingPoint]:
    """R12/R13: the offered wage is below prevailing-wage Level I (blocker) or just below the next level."""
    row = ctx.wage_level
    if not row:
        return None
    level = row.get("level_reached")
    if _nan(level):
        return None
    level = int(level)
    factor = 1.0
    cur = row.get("currency")
    if cur and cur != ctx.currency:
        factor = ctx.evaluation.fx.rate(cur) / ctx.rate
    current = ctx.offer.annual_base
    source = row.get("source") or "prevailing-wage data"
    if level == 0:
        wage = row.get("level_1")
        if _nan(wage):
            return None
        target = round_up(float(wage) * factor)
        return TalkingPoint(
            "visa-wage-level", "base",
            f"Blocker: base {ctx.money(current)} is below prevailing-wage Level I ({ctx.money(float(wage) * factor)}); the petition cannot be filed below the required wage.",
            f"{source}: Level I {ctx.money(float(wage) * factor)} [S36a]",
            f"For the visa filing the base has to meet the prevailing wage; could it be set at {ctx.money(target)}?",
            current, max(target, current), ctx.currency,
        )
    nxt, wage = row.get("next_level"), row.get("next_level_wage")
    if _nan(nxt) or _nan(wage):
        return None
    wage_own = float(wage) * factor
    gap = wage_own - current
    if gap <= 0 or gap > VISA_REACH_FRACTION * current:
        return None
    target = round_up(wage_own)
    kind = ctx.offer.visa.sponsorship if ctx.offer.visa else None
    if V.lottery_applies(kind):
        # only a cap-subject new H-1B is selected by the weighted lottery (90 FR 60864) [S65e]
        why = f"which gives {int(nxt)} lottery entries instead of {level} and matches a more senior role"
        evidence = f"{source}: Level {int(nxt)} {ctx.money(wage_own)}; weighted H-1B lottery for cap-subject registrations from FY2027 [S65e][S39a][S37c]"
        script = (f"Moving the base to {ctx.money(target)} would reach prevailing-wage Level {int(nxt)}, which improves my chances in the "
                  f"H-1B lottery; could we do that?")
    else:
        # a transfer, cap-exempt, H-1B1 or E-3 worker is not in the lottery [S65c][S65d]: the level only describes the role
        why = (f"which matches a more senior role; there is no lottery for a {V.label(kind)} "
               f"(a worker already counted against the cap, or outside it, is not selected again)")
        evidence = f"{source}: Level {int(nxt)} {ctx.money(wage_own)}; level descriptions [S37c]; cap counting [S65c][S65d]"
        script = (f"Moving the base to {ctx.money(target)} would match prevailing-wage Level {int(nxt)}, the level for the experience "
                  f"this role asks for; could we do that?")
    return TalkingPoint(
        "visa-wage-level", "base",
        f"Base {ctx.money(current)} reaches prevailing-wage Level {level}; {ctx.money(gap)} more reaches Level {int(nxt)}, {why}.",
        evidence, script, current, target, ctx.currency,
    )


def rule_sponsorship_costs(ctx: RuleContext) -> Optional[TalkingPoint]:
    """R14: sponsorship needed and the fees not settled (or put on the employee) → employer pays, in writing.

    What the sentence claims depends on the visa type (`visa.py`): the LCA rules only for H-1B,
    H-1B1 and E-3; each fee only for the petitions its source names; PERM only when a green card
    is sponsored; neutral wording for TN, L-1, O-1, Blue Card and other routes."""
    v = ctx.offer.visa
    if v is None or v.sponsorship in (None, "none") or v.fees_paid_by == "employer":
        return None
    kind = v.sponsorship
    who = {"employee": "the offer puts them on you", "unknown": "the offer leaves open who pays", None: "the offer does not say who pays"}[v.fees_paid_by]
    perm = V.perm_applies(kind, v.green_card)
    fees = V.fees_for(kind)
    bits, tags = [], []
    if V.needs_lca(kind):
        bits.append(f"for this {V.label(kind)} the employer's own LCA and petition costs (legal and filing fees) may not be deducted "
                    "from the worker's pay where that takes it below the required wage")
        tags += ["DOL Fact Sheet #62H [S42a][S65b]"]
    if any(f.name.startswith("ACWIA") for f in fees):
        bits.append("the ACWIA fee can never be charged to the worker")
    if perm:
        bits.append("PERM labor-certification costs, attorney fees included, are the employer's (20 CFR 656.12(b))")
        tags.append("[S42c]")
    if kind == "skilled-worker":
        bits.append("a UK sponsor may not recoup the Immigration Skills Charge, the certificate of sponsorship fee or sponsorship legal fees from the worker")
        tags.append("[S46d][S46f]")
    if bits:
        rationale = f"Sponsorship ({V.label(kind)}): {'; '.join(bits)}; {who}."
    else:  # TN, L-1, O-1, Blue Card, other: no legal claim, just get it in writing
        rationale = f"Sponsorship ({V.label(kind)}) involves filing and legal costs; {who}. Get in writing that the employer pays them."
    if fees:
        tags.append("fees that apply to this petition type: " + "; ".join(f"{f.name} {f.amount} ({f.applies})" for f in fees) + " [S65a]")
    gc = ""
    if perm:
        gc = " and the date by which the green-card (PERM) process will start"
    elif kind in V.US_KINDS and kind != "green-card" and v.green_card is None:
        gc = ", and whether the company would sponsor a green card later"
    script = f"Could the offer letter state that the company pays all visa costs (filing, legal and any special fees){gc}?"
    return TalkingPoint("sponsorship-costs", "visa", rationale, "; ".join(tags) or f"visa type {V.label(kind)} ({SOURCES})", script)


def rule_visa_threshold(ctx: RuleContext) -> Optional[TalkingPoint]:
    """R15: a Blue Card offer in Germany or a Skilled Worker offer in the UK below the route's salary floor."""
    v, o = ctx.offer.visa, ctx.offer
    if v is None:
        return None
    t = V.threshold_for(v.sponsorship, offer_country(o))
    if t is None or o.currency != t.currency:
        return None
    current = o.annual_base
    m = lambda x: fmt.money(x, t.currency)  # noqa: E731
    if current >= t.annual:
        return None
    lower = f" ({m(t.lower)} for {t.lower_when})" if t.lower else ""
    hourly = f"; the hourly floor is {fmt.money(t.hourly_floor, t.currency, decimals=2)}" if t.hourly_floor else ""
    return TalkingPoint(
        "visa-threshold", "base",
        f"Base {m(current)} is below the {t.route} salary threshold of {m(t.annual)}{lower} ({t.valid}; it is indexed, so check the "
        f"figure for your start date){hourly}. Below it the permit may be refused unless a lower threshold applies.",
        f"{t.route} thresholds {t.valid} {t.tags}",
        f"For the {t.route} the salary needs to be at least {m(t.annual)}; could the base be set at {m(round_up(t.annual))}?",
        current, round_up(t.annual), t.currency,
    )





def rule_competing_offer(ctx: RuleContext) -> Optional[TalkingPoint]:
    """R16: a rival in the same currency pays more on average → signal demand, anchored on the
    component where it is higher. The ask is the smaller of the rival's lead on that component and
    the average yearly TC gap (a base ask is also capped at +20%, R3)."""
    ev, i = ctx.evaluation, ctx.index
    avg = ev.headlines["average_tc"]
    better = [j for j in ctx.rivals if avg[j] > avg[i] + 0.5 and ev.offers[j].currency == ctx.currency]
    if not better:
        return None
    j = max(better, key=lambda k: avg[k])
    rival = ev.offers[j]
    parts = ev.figures.parts
    gap = float(avg[j] - avg[i]) / ctx.rate  # a year, in the offer's currency
    unit = ctx.currency
    diffs = {c: float(parts[c][j].mean() - parts[c][i].mean()) for c in ("base", "sign_on", "equity")}
    o = ctx.offer
    # No equity ask without a basis: the offer has no grant and the market data gives no equity figure.
    market_equity = ctx.market_row("equity")
    equity_basis = any(g.start_value > 0 for g in o.equity or ()) or (market_equity is not None and float(market_equity["p50"]) > 0)
    skipped = ""
    if not equity_basis and diffs["equity"] > 0:
        skipped = "no equity in this offer and no market equity figure: no equity ask"
        diffs.pop("equity")
    component = max(diffs, key=lambda c: diffs[c])
    if diffs[component] <= 0:
        if not skipped:
            return None
        return TalkingPoint(
            "competing-offer", "strategy",
            f"{rival.company} pays {ctx.money(gap)} a year more on average, mostly in equity; {skipped}. Share the other offer as "
            "a sign of demand and ask what flexibility there is, without naming a number this offer has no basis for.",
            f"{rival.id}: average TC {ctx.own_money(avg[j])} vs {ctx.own_money(avg[i])} [S57][S52a]",
            f"I'd prefer to join {o.company}, and I want to be open with you: I have another offer whose package is worth more "
            "overall. Is there any flexibility in the package?",
        )
    if component == "base":
        current = o.annual_base
        rival_value = float(parts["base"][j, 0]) / ctx.rate
        target = round_money_at_least(min(rival_value, current + gap), current)
        target = min(target, r3_cap(current))
        shown = f"a base of {ctx.money(rival_value)}"
        want = f"the base to {ctx.money(target)}"
    elif component == "equity":
        years = _vest_years(o)
        unit = grant_currency(ctx)
        per_own = ev.fx.rate(ctx.currency) / ev.fx.rate(unit)
        current = _grant_value_in(ctx, unit)
        target = round_money_at_least(current + min(diffs["equity"] / ctx.rate, gap) * per_own * years, current)
        if current > 0:
            target = min(target, r3_cap(current))
        # never more than the rival's own grant lead on this component
        rival_grant = sum(g.start_value * ev.fx.rate(g.currency or rival.currency) for g in rival.equity or ()) / ev.fx.rate(unit)
        target = min(target, max(float(math.floor(rival_grant / 1000.0 + 1e-9) * 1000.0), current))
        shown = f"equity worth {ctx.own_money(parts['equity'][j].mean())} a year"
        want = f"the equity grant to {fmt.money(target, unit)}"
    else:
        current = _sign_on_year(o, tuple(range(1, ev.horizon_years + 1)))
        lead = float(parts["sign_on"][j].sum() - parts["sign_on"][i].sum()) / ctx.rate
        target = round_money_at_least(current + min(lead, gap), current)
        shown = f"{ctx.own_money(parts['sign_on'][j].sum())} in sign-on"
        want = f"the sign-on to {ctx.money(target)}"
    if target <= current:
        return None
    rationale = (f"{rival.company} pays {ctx.money(gap)} a year more on average, most of it in "
                 f"{component.replace('_', '-')}; share it as a sign of demand, not an ultimatum.")
    if skipped:
        rationale += f" ({skipped}.)"
    evidence = f"{rival.id}: average TC {ctx.own_money(avg[j])} vs {ctx.own_money(avg[i])}; {shown} [S57][S52a][S58]"
    script = (f"I'd prefer to join {o.company}, and I want to be open with you: I have another offer with {shown}. "
              f"If you could bring {want}, I'd be ready to move forward.")
    return TalkingPoint("competing-offer", component, rationale, evidence, script, current, target, unit,
                        tc_target=float(avg[j]), tc_target_label=f"{rival.company}'s average TC")


def rule_no_competing_offer(ctx: RuleContext) -> Optional[TalkingPoint]:
    """R17: no competing offer → don't bluff; lean on market data and reasons."""
    if ctx.rivals:
        return None
    return TalkingPoint(
        "no-competing-offer", "strategy",
        "There is no competing offer to cite: don't invent one. Anchor each ask on market data and a stated reason.",
        f"negotiation guides: no bluffing, reasons for every ask [S52a][S53a] ({SOURCES})",
        "I'm excited about the role; based on the market data for it, here is what would make this an easy yes for me.",
    )


def rule_deadline_extension(ctx: RuleContext) -> Optional[TalkingPoint]:
    """R19: a deadline under 3 business days away → ask for an extension, with a reason; a
    deadline already passed → ask whether the offer still stands (the follow-up planner's
    'deadline passed' action says the same)."""
    d = ctx.offer.deadline
    if d is None:
        return None
    if d < ctx.today:
        return TalkingPoint(
            "deadline-extension", "deadline",
            f"The deadline {d.isoformat()} has passed. Before negotiating anything, confirm that the offer is still open and agree a new date to answer by.",
            f"deadline {d.isoformat()}, today {ctx.today.isoformat()} [S61a]",
            f"I know the {d.isoformat()} deadline has passed; is the offer still open, and by when would you need my answer?",
        )
    days = business_days(ctx.today, d)
    if days >= SHORT_DEADLINE_BUSINESS_DAYS:
        return None
    proposed = extension_date(ctx.today, d)
    return TalkingPoint(
        "deadline-extension", "deadline",
        f"The deadline {d.isoformat()} is in {days} business day{'s' if days != 1 else ''}: too short to decide well. Short or exploding deadlines are a pressure tactic; ask for time and tell your other processes.",
        f"deadline {d.isoformat()}, today {ctx.today.isoformat()} [S56][S61a][S53b]",
        f"I want to give this the careful decision it deserves; could I have until {proposed.isoformat()} to respond?",
    )


def extension_date(today: dt.date, deadline: dt.date) -> dt.date:
    """The date to propose: EXTENSION_BUSINESS_DAYS business days after the later of today and the deadline."""
    from ..calendar import add_business_days

    return add_business_days(max(today, deadline), EXTENSION_BUSINESS_DAYS, us_calendar())


def rule_pto_match(ctx: RuleContext) -> Optional[TalkingPoint]:
    """R22: fewer PTO days than the current job → ask for a match, valued at base ÷ 260 a day."""
    cur, o = ctx.current, ctx.offer
    if cur is None or cur.pto_days is None or o.pto_days is None or not o.pto_days < cur.pto_days:
        return None
    days = cur.pto_days - o.pto_days
    value = days * o.annual_base / 260.0
    return TalkingPoint(
        "pto-match", "pto_days",
        f"{fmt.number(o.pto_days)} PTO days against {fmt.number(cur.pto_days)} now: {fmt.number(days)} days worth about {ctx.money(value)} a year at base ÷ 260.",
        f"current job: {fmt.number(cur.pto_days)} days [S27c][S52d]",
        f"I have {fmt.number(cur.pto_days)} days of PTO today; could you match that?",
        float(o.pto_days), float(cur.pto_days), "days",
    )


def rule_bonus_fixed(ctx: RuleContext) -> Optional[TalkingPoint]:
    """R4: a bonus given as a % target → usually fixed per level; spend capital elsewhere."""
    b = ctx.offer.bonus
    if b is None or b.target is None:
        return None
    return TalkingPoint(
        "bonus-fixed", "bonus",
        f"The {fmt.percent(b.target, 0)} bonus target is usually fixed per level, especially at large companies; don't spend negotiating capital on it.",
        "levels.fyi: bonus % fixed per level [S12a]",
        "(No ask: confirm how the bonus is paid and prorated in the first year.)",
    )


Rule = Callable[[RuleContext], Union[TalkingPoint, list, None]]
RULES: tuple[Rule, ...] = (
    rule_deadline_extension,
    rule_visa_wage_level,
    rule_visa_threshold,
    rule_base_below_market,
    rule_competing_offer,
    rule_total_below_market,
    rule_make_whole,
    rule_back_loaded_vesting,
    rule_private_options_info,
    rule_sponsorship_costs,
    rule_clawback_terms,
    rule_relocation_gross_up,
    rule_pto_match,
    rule_no_competing_offer,
    rule_bonus_fixed,
)
RULE_IDS = (
    "deadline-extension", "visa-wage-level", "visa-threshold", "base-below-market", "competing-offer", "total-below-market", "make-whole",
    "back-loaded-vesting", "private-options-info", "sponsorship-costs", "clawback-terms", "relocation-gross-up",
    "pto-match", "no-competing-offer", "bonus-fixed",
)


def run_rules(ctx: RuleContext, rules: Sequence[Rule] = RULES) -> list[TalkingPoint]:
    """Every rule's points for one offer, numbered 1..n in RULES order (the priority)."""
    points: list[TalkingPoint] = []
    for rule in rules:
        out = rule(ctx)
        if out is None:
            continue
        points.extend(out if isinstance(out, list) else [out])
    # R3/R24 guard: an ask is always an increase; a point whose rounded target is not above
    # the current figure is dropped rather than shown as a zero or negative ask.
    points = [p for p in points if p.ask is None or p.ask > 0]
    oid = ctx.offer.id or ""
    return [replace(p, offer_id=oid, priority=k) for k, p in enumerate(points, start=1)]
