"""The workbook's formulas: each one mirrors a rule of `toolkit.offers.engine` (see docs/excel.md).

Every function returns an `F` (the only kind of string written as a formula) built from
addresses the `Layout` gives, never from typed letters or row numbers. Only functions that
Excel and LibreOffice share are used (SUM, AVERAGE, SUMIFS, SUMPRODUCT, INDEX, MATCH, IF,
ISNUMBER, MIN, MAX, RANK); no `_xlfn.` functions.
"""

from __future__ import annotations

import numpy as np

from .cells import area, ref
from .layout import Layout
from .writer import F

DAYS_PER_YEAR = 260
AFTER_TAX_HEADLINES = ("year1_tc_after_tax", "average_tc_after_tax", "average_total_rewards_after_tax",
                       "average_tc_after_tax_col_adjusted")
PERIODS = ("hour", "day", "week", "biweek", "semimonth", "month", "year")


# ---------------------------------------------------------------------- Inputs


def annual_factor(L: Layout, i: int) -> F:
    """Pay periods per year: hours (2080 when not given), 12 + extra months, 260 days, 52 weeks, …"""
    r = L.inputs_row(i)
    per, hours, extra = (L.inputs.ref(k, r) for k in ("per", "hours", "extra"))
    return F(
        f'=IF({per}="hour",IF(ISNUMBER({hours}),{hours},2080),'
        f'IF({per}="month",12+IF(ISNUMBER({extra}),{extra},0),'
        f'IF({per}="day",{DAYS_PER_YEAR},IF({per}="week",52,IF({per}="biweek",26,'
        f'IF({per}="semimonth",24,1))))))'
    )


def annual_base(L: Layout, i: int) -> F:
    r = L.inputs_row(i)
    return F(f"={L.inputs.ref('base', r)}*{L.inputs.ref('factor', r)}")


def offer_fx(L: Layout, i: int) -> F:
    return F("=" + L.fx_lookup(L.inputs.ref("currency", L.inputs_row(i))))


# ---------------------------------------------------------------------- Grants


def grant_fx(L: Layout, r: int) -> F:
    return F("=" + L.fx_lookup(L.grants.ref("currency", r)))


def start_value(L: Layout, r: int) -> F:
    """Grant value when given, else shares × share price."""
    g = lambda k: L.grants.ref(k, r)  # noqa: E731
    return F(f"=IF(ISNUMBER({g('value')}),{g('value')},{g('shares')}*{g('price')})")


def strike_total(L: Layout, r: int) -> F:
    g = lambda k: L.grants.ref(k, r)  # noqa: E731
    return F(f'=IF({g("kind")}="option",{g("shares")}*{g("strike")},0)')


def growth_used(L: Layout, r: int) -> F:
    """The grant's own stock growth when given, else the assumption."""
    own = L.grants.ref("own_growth", r)
    return F(f"=IF(ISNUMBER({own}),{own},{L.A('growth')})")


def multiplier(L: Layout, r: int) -> F:
    """1 − private-equity discount for private grants."""
    return F(f"=IF({L.grants.ref('private', r)},1-{L.A('discount')},1)")


# ---------------------------------------------------------------------- Vest events


def from_grant(L: Layout, key: str, grant_row: int) -> F:
    """A vest event's copy of its grant's cell."""
    return F("=" + L.grants.ref(key, grant_row, external=True, absolute=True))


def vest_value(L: Layout, r: int) -> F:
    """fraction × MAX(start × (1 + growth)^((month − granted at) / 12) − strike total, 0) × fx × multiplier."""
    v = lambda k: L.vest.ref(k, r)  # noqa: E731
    return F(f"={v('fraction')}*MAX({v('start_value')}*(1+{v('growth')})^(({v('month')}-{v('granted_at')})/12)"
             f"-{v('strike_total')},0)*{v('fx')}*{v('multiplier')}")


def exercise_cost(L: Layout, r: int) -> F:
    v = lambda k: L.vest.ref(k, r)  # noqa: E731
    return F(f"={v('fraction')}*{v('strike_total')}*{v('fx')}")


# ---------------------------------------------------------------------- Year by year


def _y(L: Layout, key: str, r: int, **kw: bool) -> str:
    return L.years.ref(key, r, **kw)


def base_own(L: Layout, i: int, r: int) -> F:
    """Annual base × (1 + raise)^(year − 1), in the offer's currency."""
    return F(f"={L.I('annual', i)}*(1+{L.A('raise')})^({_y(L, 'year', r, col_abs=True)}-1)")


def base(L: Layout, i: int, r: int) -> F:
    return F(f"={_y(L, 'base_own', r)}*{L.I('fx', i)}")


def bonus(L: Layout, i: int, r: int) -> F:
    """base_k × target × payout + amount × payout × fx."""
    pay = L.I("payout", i)
    return F(f"={_y(L, 'base', r)}*({L.I('bonus_target', i)}*{pay})+{L.I('bonus_amount', i)}*{pay}*{L.I('fx', i)}")


def sign_on(L: Layout, i: int, k: int) -> F:
    return F(f"={L.I(f'sign_on_{k}', i)}*{L.I('fx', i)}")


def equity(L: Layout, r: int, refresher: int) -> F:
    """SUMIFS of vest-event values by offer number, year and refresher flag (0 or 1).

    Offers are matched by number, never by (user-typed) id, so the criteria cannot be hijacked.
    """
    first, last = L.vest.first_row, L.ev_last
    s = lambda k: L.vest.span(k, first, last)  # noqa: E731
    return F(f"=SUMIFS({s('value')},{s('offer_no')},{_y(L, 'offer_no', r, col_abs=True)},"
             f"{s('year')},{_y(L, 'year', r, col_abs=True)},{s('refresher')},{refresher})")


def retirement(L: Layout, i: int, r: int) -> F:
    """flat × base + Σ match_t × slice_t, with the 401(k) limits for USD offers, then × fx."""
    own = _y(L, "base_own", r)
    cur = L.I("currency", i)
    comp = f"MIN({own},{L.A('comp_limit')})"
    D = L.A("deferral_limit")
    capped, uncapped, prior = [], [], []
    for t in range(1, L.tiers + 1):
        m, u = L.I(f"match_{t}", i), L.I(f"up_to_{t}", i)
        room = D if not prior else f"MAX({D}-({'+'.join(prior)})*{comp},0)"
        capped.append(f"{m}*MIN({u}*{comp},{room})")
        uncapped.append(f"{m}*{u}*{own}")
        prior.append(u)
    return F(f"=({L.I('employer', i)}*{own}+IF({cur}=\"USD\",{'+'.join(capped)},{'+'.join(uncapped)}))*{L.I('fx', i)}")


def benefits(L: Layout, i: int, r: int) -> F:
    """(health + HSA + other + ESPP spend × d/(1−d)) × fx; spend capped by the ESPP limit for USD offers."""
    own = _y(L, "base_own", r)
    d, c = L.I("espp_discount", i), L.I("espp_contribution", i)
    spend = f"IF({L.I('currency', i)}=\"USD\",MIN({c}*{own},{L.A('espp_limit')}*(1-{d})),{c}*{own})"
    return F(f"=({L.I('health', i)}+{L.I('hsa', i)}+{L.I('other', i)}+{spend}*({d}/(1-{d})))*{L.I('fx', i)}")


def relocation(L: Layout, i: int, r: int) -> F:
    return F(f"=IF({_y(L, 'year', r, col_abs=True)}=1,{L.I('relocation', i)},0)*{L.I('fx', i)}")


def tc(L: Layout, r: int) -> F:
    """The engine's TC rule (offers.engine.tc_parts) as a formula: the parts always counted, plus
    the parts counted only when the Assumptions cell says refreshers are included."""
    from ...offers.engine import tc_parts

    y = lambda k: _y(L, k, r)  # noqa: E731
    always = tc_parts(include_refreshers=False)
    when_included = [p for p in tc_parts(include_refreshers=True) if p not in always]
    terms = [y(p) for p in always] + [f"IF({L.A('refreshers')},{y(p)},0)" for p in when_included]
    return F("=" + "+".join(terms))


def engine_tax_rate(L: Layout, i: int, k: int) -> float:
    """The share of offer i's year-k TC the engine takes as tax: 1 − after-tax TC ÷ TC (NaN when
    the engine gives no after-tax figure). Read from the per-offer-year after-tax TC, so it does not
    depend on how the engine's tax years map to offer years (the Tax sheet shows those)."""
    after = float(L.e.after_tax.after_tax_tc[i, k - 1])
    tc_ = float(L.e.figures.tc[i, k - 1])
    if after != after:
        return float("nan")
    if tc_ == 0:
        rate = float(L.e.after_tax.effective_rate[i, k - 1]) if L.e.after_tax.effective_rate.shape[1] >= k else float("nan")
        return rate
    return 1.0 - after / tc_


def tax_rate(L: Layout, i: int, k: int) -> F | float | str:
    """The year's tax rate on TC: the engine's figure (a value; "n/a" where the engine has none,
    never a blank that would count as no tax), or for an offer taxed at a flat rate the Inputs or
    Assumptions cell that holds it (so editing that rate flows)."""
    after = L.e.after_tax
    value = engine_tax_rate(L, i, k)
    if after.engine[i] != "flat":
        return value if value == value else "n/a"
    own = L.e.offers[i].tax_rate is not None
    cell = L.I("tax", i) if own else L.A("tax_rate")
    return F(f"=IF(ISNUMBER({cell}),{cell},{value!r})")


def tc_after_tax(L: Layout, r: int) -> F:
    rate = _y(L, "tax_rate", r)
    return F(f'=IF(ISNUMBER({rate}),{_y(L, "tc", r)}*(1-{rate}),"n/a")')


def total_rewards(L: Layout, r: int) -> F:
    """TC plus the parts that make total rewards (offers.engine.REWARDS_PARTS)."""
    from ...offers.engine import REWARDS_PARTS

    y = lambda k: _y(L, k, r)  # noqa: E731
    return F("=" + "+".join([y("tc")] + [y(p) for p in REWARDS_PARTS]))


# ---------------------------------------------------------------------- Summary


def years_span(L: Layout, key: str, i: int) -> str:
    """Offer i's Year-by-year column `key`, year 1 to the horizon, with the sheet name."""
    c = L.years.col(key)
    return area(L.years.sheet, L.year_row(i, 1), c, L.year_row(i, L.h), c)


def year_cell(L: Layout, key: str, i: int, k: int) -> str:
    return L.years.ref(key, L.year_row(i, k), external=True)


def summary_cell(L: Layout, key: str, i: int, **kw: bool) -> str:
    return ref(None, L.summary.row(key), L.offer_col(i), **kw)


def headline(L: Layout, key: str, i: int) -> F | float | str:
    """Offer i's Summary formula for headline `key` (see SUMMARY_ROWS), or the engine's value
    where a dated rule is not a formula (docs/excel.md)."""
    avg = summary_cell(L, "average_tc", i)
    if key == "rank":
        r = L.summary.row("average_tc")
        row = area(None, r, L.offer_col(0), r, L.offer_col(L.n - 1), absolute=True)
        return F(f"=RANK({avg},{row})")
    if key == "year1_tc":
        return F("=" + year_cell(L, "tc", i, 1))
    if key == "average_tc":
        return F(f"=AVERAGE({years_span(L, 'tc', i)})")
    if key == "total_tc":
        return F(f"=SUM({years_span(L, 'tc', i)})")
    if key == "year1_total_rewards":
        return F("=" + year_cell(L, "total_rewards", i, 1))
    if key == "average_total_rewards":
        return F(f"=AVERAGE({years_span(L, 'total_rewards', i)})")
    if key == "average_tc_col_adjusted":
        c = L.I("col", i)
        return F(f'=IF(ISNUMBER({c}),{avg}*100/{c},"n/a")')
    if key in AFTER_TAX_HEADLINES and np.isnan(L.e.after_tax.after_tax_tc[i]).any():
        return "n/a"  # no tax figure for this offer (no tables for its country): never the pre-tax figure
    if key == "year1_tc_after_tax":
        return F("=" + year_cell(L, "tc_after_tax", i, 1))
    if key == "average_tc_after_tax":
        return F(f"=AVERAGE({years_span(L, 'tc_after_tax', i)})")
    if key == "average_total_rewards_after_tax":
        # total rewards less the year's tax, the tax being the rate on TC + relocation (the taxed pay)
        tc_, reloc, rate = (years_span(L, k, i) for k in ("tc", "relocation", "tax_rate"))
        return F(f"=AVERAGE({years_span(L, 'total_rewards', i)})-SUMPRODUCT({tc_}+{reloc},{rate})/{L.h}")
    if key == "average_tc_after_tax_col_adjusted":
        c = L.I("col", i)
        return F(f'=IF(ISNUMBER({c}),{summary_cell(L, "average_tc_after_tax", i)}*100/{c},"n/a")')
    if key == "total_tc_present_value" and L.e.assumptions.pv_convention == "exact":
        pv = float(L.e.headlines[key][i])  # each dated payment discounted: the engine's value
        return pv if pv == pv else "n/a"
    if key == "total_tc_present_value":
        d = L.A("discount_rate")
        k = years_span(L, "year", i)
        k = f"({k}-0.5)" if L.e.assumptions.pv_convention == "mid-year" else k
        return F(f'=IF(ISNUMBER({d}),SUMPRODUCT({years_span(L, "tc", i)}/(1+{d})^{k}),"n/a")')
    if key == "first_12_months_cash":
        f = L.e.figures
        if f.undated is None or not f.undated[i]:
            return float(L.e.headlines[key][i])  # the paid view under dated rules: the engine's value
        # the first bonus year (a calendar year, prorated) is paid in March: inside the first 12
        # months when the start month is April or later
        shift = int(f.start[i]) % 12
        part = f"+{year_cell(L, 'bonus', i, 1)}*{12 - shift}/12" if shift > 2 else ""
        return F(f"={year_cell(L, 'base', i, 1)}+{year_cell(L, 'sign_on', i, 1)}+{year_cell(L, 'relocation', i, 1)}{part}")
    if key == "pto_value":
        p = L.I("pto", i)
        return F(f'=IF(ISNUMBER({p}),{year_cell(L, "base", i, 1)}/{DAYS_PER_YEAR}*{p},"n/a")')
    if key == "exercise_cost":
        first, last = L.vest.first_row, L.ev_last
        return F(f"=SUMIFS({L.vest.span('exercise_cost', first, last)},{L.vest.span('offer_no', first, last)},{i + 1})")
    raise KeyError(f"no Summary formula for {key!r}")


def component_average(L: Layout, component: str, i: int) -> F:
    return F(f"=AVERAGE({years_span(L, component, i)})")


def tc_in_year(L: Layout, i: int, k: int) -> F:
    return F("=" + year_cell(L, "tc", i, k))


def tc_after_tax_in_year(L: Layout, i: int, k: int) -> F:
    return F("=" + year_cell(L, "tc_after_tax", i, k))


def best_in_row(L: Layout, key: str, better: str) -> tuple[str, str]:
    """(range, conditional-format formula) that marks the best offer in Summary row `key`."""
    r = L.summary.row(key)
    first, last = L.offer_col(0), L.offer_col(L.n - 1)
    here = ref(None, r, first)
    fn = "MAX" if better == "max" else "MIN"
    return area(None, r, first, r, last), f"AND(ISNUMBER({here}),{here}={fn}({area(None, r, first, r, last, col_abs=True)}))"


def versus_now(L: Layout, key: str, figure: str, i: int) -> F:
    """Offer i's `figure` minus the stay scenario's ('vs:'), or that difference ÷ the stay figure ('vs%:');
    "n/a" when either side is not a number (an after-tax figure the engine has no tables for)."""
    offer = summary_cell(L, figure, i)
    now = ref(None, L.summary.row(figure), L.baseline_col, col_abs=True)
    both = f"AND(ISNUMBER({offer}),ISNUMBER({now}))"  # text compares above any number: test it first
    if key.startswith("vs%:"):
        return F(f'=IF({both},IF({now}>0,({offer}-{now})/{now},"n/a"),"n/a")')
    return F(f'=IF({both},{offer}-{now},"n/a")')
