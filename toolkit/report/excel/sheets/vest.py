"""The Vest events sheet: one row per vest event within the horizon, valued by formula."""

from __future__ import annotations

from .. import formulas as fx
from ..layout import Layout
from ..styles import FRACTION, INT, PCT, PCT0, RATE, money_format
from ..writer import SheetWriter


def write(sh: SheetWriter, L: Layout) -> None:
    spec = L.vest
    sh.setup(spec.widths, (spec.first_row, spec.col("grant_row")))
    sh.title_rows("Vest events: one row per vest within the horizon",
                  "Value = fraction × MAX(start value × (1 + growth)^((month − granted at) / 12) − strike total, 0) × FX rate × multiplier.")
    sh.header(spec.headers)
    ev = L.events
    money = money_format(L.cur)
    if len(ev):
        cols = [ev[c].tolist() for c in ("offer_id", "grant", "kind", "anniversary", "month", "year", "fraction")]
        for r, (oid, g, kind, ann, month, year, frac) in enumerate(zip(*cols), start=spec.first_row):
            i = L.index[oid]
            gr = L.grant_row[(i, int(g))]
            sh.values(spec.row_values({
                "offer_no": (i + 1, "plain", INT), "offer_id": (oid, "plain"), "grant_row": (gr - L.grants.first_row + 1, "plain", INT),
                "kind": (kind, "plain"), "refresher": (1 if kind == "refresher" else 0, "plain", INT),
                "granted_at": (int(ann), "plain", INT), "month": (int(month), "plain", INT), "year": (int(year), "plain", INT),
                "fraction": (float(frac), "plain", FRACTION),
                "start_value": (fx.from_grant(L, "start_value", gr), "plain", money),
                "strike_total": (fx.from_grant(L, "strike_total", gr), "plain", money),
                "growth": (fx.from_grant(L, "growth", gr), "plain", PCT), "fx": (fx.from_grant(L, "fx", gr), "plain", RATE),
                "multiplier": (fx.from_grant(L, "multiplier", gr), "plain", PCT0),
                "value": (fx.vest_value(L, r), "plain", money), "exercise_cost": (fx.exercise_cost(L, r), "plain", money),
            }))
    else:
        sh.values([("No vest events within the horizon.", "note")])
    sh.finish(header_row=spec.header_row, filter_area=(spec.header_row, 1, L.ev_last, spec.last_col))
