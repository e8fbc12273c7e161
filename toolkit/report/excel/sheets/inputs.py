"""The Inputs sheet: one offer per row, every term; the yellow cells are the workbook's inputs."""

from __future__ import annotations

from typing import Any

from .. import formulas as fx
from ..formulas import PERIODS
from ..layout import Layout
from ..styles import DATE, INT, NUM, RATE, money_format, pct_format
from ..writer import SheetWriter


def _sign_on_terms(o: Any, horizon: int) -> str:
    parts = []
    for p in o.sign_on or ():
        bits = [f"{p.amount:,.0f} in year {p.year}"]
        if p.clawback_months is not None:
            bits.append(f"clawback {p.clawback_months} months{' ' + p.clawback if p.clawback else ''}")
        if p.repay_basis:
            bits.append(f"repaid {p.repay_basis}")
        if p.year > horizon:
            bits.append("after the horizon: not counted")
        parts.append(", ".join(bits))
    return "; ".join(parts)


def _relocation_terms(o: Any) -> str:
    r = o.relocation
    if r is None:
        return ""
    bits = []
    if r.grossed_up is not None:
        bits.append("grossed up" if r.grossed_up else "not grossed up")
    if r.clawback_months is not None:
        bits.append(f"clawback {r.clawback_months} months{' ' + r.clawback if r.clawback else ''}")
    if r.repay_basis:
        bits.append(f"repaid {r.repay_basis}")
    return ", ".join(bits)


def _visa_text(o: Any) -> str:
    v = o.visa
    if v is None:
        return ""
    bits = [v.sponsorship or "sponsorship not stated"]
    if v.green_card is not None:
        bits.append("green card" if v.green_card else "no green card")
    if v.fees_paid_by:
        bits.append(f"fees paid by {v.fees_paid_by}")
    return ", ".join(bits)


def offer_values(L: Layout, i: int) -> dict[str, tuple]:
    """Offer i's Inputs cells by column key: (value, kind, number format)."""
    e = L.e
    o = e.offers[i]
    mf = money_format(o.currency)
    mf2 = money_format(o.currency, 2)
    IN = "input"
    v: dict[str, tuple] = {
        "no": (i + 1, "plain", INT), "id": (o.id, "plain"), "company": (o.company, IN), "role": (o.role, IN),
        "level": (o.level, IN), "location": (o.location, IN), "status": (o.status, IN),
        "start_date": (o.start_date, IN, DATE), "deadline": (o.deadline, IN, DATE), "currency": (o.currency, IN),
        "fx": (fx.offer_fx(L, i), "plain", RATE),
        "base": (o.base_salary.amount, IN, mf if float(o.base_salary.amount).is_integer() else mf2),
        "per": (o.base_salary.per.value, IN), "hours": (o.hours_per_year, IN, NUM), "extra": (o.extra_months, IN, NUM),
        "factor": (fx.annual_factor(L, i), "plain", NUM),
        "annual": (fx.annual_base(L, i), "plain", mf),
    }
    b = o.bonus
    v["bonus_target"] = ((x := b.target if b else None), IN, pct_format(x))
    v["bonus_amount"] = (b.amount if b else None, IN, mf)
    v["payout"] = ((x := b.expected_payout if b else None), IN, pct_format(x))
    per_year = [0.0] * L.h
    any_year = [False] * L.h
    for p in o.sign_on or ():
        if p.year <= L.h:
            per_year[p.year - 1] += p.amount
            any_year[p.year - 1] = True
    for k in range(1, L.h + 1):
        v[f"sign_on_{k}"] = (per_year[k - 1] if any_year[k - 1] else None, IN, mf)
    v["sign_on_terms"] = (_sign_on_terms(o, L.h) or None, "input_wrap")
    v["relocation"] = (o.relocation.amount if o.relocation else None, IN, mf)
    v["relocation_terms"] = (_relocation_terms(o) or None, IN)
    ret = o.retirement
    for t in range(1, L.tiers + 1):
        tier = ret.tiers[t - 1] if ret is not None and t <= len(ret.tiers) else None
        v[f"match_{t}"] = ((x := tier.match if tier else None), IN, pct_format(x))
        v[f"up_to_{t}"] = ((x := tier.up_to if tier else None), IN, pct_format(x))
    v["employer"] = ((x := ret.employer_contribution if ret else None), IN, pct_format(x))
    bn = o.benefits
    v["health"] = (bn.health if bn else None, IN, mf)
    v["hsa"] = (bn.hsa if bn else None, IN, mf)
    v["other"] = (sum(bn.other.values()) if bn and bn.other else None, IN, mf)
    v["other_detail"] = ("; ".join(f"{k}: {x:,.2f}" for k, x in bn.other.items()) if bn and bn.other else None, IN)
    v["espp_discount"] = ((x := bn.espp.discount if bn and bn.espp else None), IN, pct_format(x))
    v["espp_contribution"] = ((x := bn.espp.contribution if bn and bn.espp else None), IN, pct_format(x))
    v["pto"] = (o.pto_days, IN, NUM)
    v["col"] = (o.col_index, IN, NUM)
    v["tax"] = (o.tax_rate, IN, pct_format(o.tax_rate))
    v["visa"] = (_visa_text(o) or None, IN)
    v["factors"] = (", ".join(f"{k}: {x}" for k, x in (o.factors or {}).items()) or None, IN)
    v["notes"] = (o.notes, "input_wrap")
    v["missing"] = (", ".join(e.missing_terms[i]) or None, "plain")
    v["flags"] = ("; ".join(e.flags[i]) or None, "plain_wrap")
    return v


def write(sh: SheetWriter, L: Layout) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    spec = L.inputs
    sh.setup(spec.widths, (spec.first_row, spec.col("company") + 1))  # id and company stay in view
    sh.title_rows("Inputs: the offer terms", "One offer per row. Yellow cells with blue text are inputs; amounts are in the offer's own currency.")
    sh.header(spec.headers)
    for i in range(L.n):
        sh.values(spec.row_values(offer_values(L, i)))
    first, last = spec.first_row, L.inputs_row(L.n - 1)
    periods = DataValidation(type="list", formula1='"' + ",".join(PERIODS) + '"', allow_blank=False)
    periods.add(spec.span("per", first, last, external=False, absolute=False))
    currencies = DataValidation(type="list", formula1=L.fx_codes_span(), allow_blank=False)
    currencies.add(spec.span("currency", first, last, external=False, absolute=False))
    sh.ws.data_validations.append(periods)
    sh.ws.data_validations.append(currencies)
    sh.finish(header_row=spec.header_row, filter_area=(spec.header_row, 1, last, spec.last_col),
              repeat_cols=spec.col("company"))  # which offer a row is, on every printed page
