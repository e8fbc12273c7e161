"""The Grants sheet: one row per equity grant and expected refresher, inputs then formulas."""

from __future__ import annotations

from .. import formulas as fx
from ..layout import Layout
from ..styles import INT, NUM, PCT, PCT0, RATE, money_format, pct_format
from ..writer import SheetWriter


def write(sh: SheetWriter, L: Layout) -> None:
    e, spec = L.e, L.grants
    sh.setup(spec.widths, (spec.first_row, spec.col("grant")))
    sh.title_rows("Grants: equity grants and expected refreshers",
                  "Start value = grant value, or shares × share price; refreshers: the annual value granted at each anniversary.")
    sh.header(spec.headers)
    IN = "input"
    for k, (i, g, grant, kind) in enumerate(L.grant_list):
        r = L.grant_row[(i, g)]
        o = e.offers[i]
        gcur = grant.currency or o.currency
        mf, mf2 = money_format(gcur), money_format(gcur, 2)
        if kind == "refresher":
            shares = price = strike = None
            value = grant.annual_value
        else:
            shares, price, value = grant.shares, grant.share_price, grant.grant_value
            strike = grant.strike if kind == "option" else None
        sh.values(spec.row_values({
            "no": (k + 1, "plain", INT), "offer_no": (i + 1, "plain", INT), "offer_id": (o.id, "plain"),
            "company": (o.company, "plain"), "grant": (g, "plain", INT), "kind": (kind, "plain"),
            "vesting": (grant.vesting.label, "plain"), "currency": (gcur, IN), "fx": (fx.grant_fx(L, r), "plain", RATE),
            "shares": (shares, IN, NUM), "price": (price, IN, mf2), "value": (value, IN, mf), "strike": (strike, IN, mf2),
            "start_value": (fx.start_value(L, r), "plain", mf), "strike_total": (fx.strike_total(L, r), "plain", mf),
            "private": (bool(grant.private), IN), "own_growth": (grant.stock_growth, IN, pct_format(grant.stock_growth)),
            "growth": (fx.growth_used(L, r), "plain", PCT), "multiplier": (fx.multiplier(L, r), "plain", PCT0),
        }))
    if not L.grant_list:
        sh.values([("No equity grants in these offers.", "note")])
    last = max(spec.first_row, spec.first_row + len(L.grant_list) - 1)
    sh.finish(header_row=spec.header_row, filter_area=(spec.header_row, 1, last, spec.last_col))
