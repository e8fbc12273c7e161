"""The Year-by-year sheet: one row per offer × year, every engine component a formula."""

from __future__ import annotations

from .. import formulas as fx
from ..layout import Layout
from ..styles import INT, PCT, money_format
from ..writer import SheetWriter


def write(sh: SheetWriter, L: Layout) -> None:
    e, spec = L.e, L.years
    sh.setup(spec.widths, (spec.first_row, spec.col("base_own")))
    sh.title_rows(f"Year by year, in {L.cur}",
                  "Every figure is a formula over the Inputs, Grants, Vest events and Assumptions sheets (see docs/excel.md), "
                  "except the tax rate: the tax engine's rate on that offer year's TC (1 − the engine's after-tax TC ÷ TC; the "
                  "engine's figures per tax year are on the Tax sheet; a flat rate follows its Inputs or Assumptions cell). "
                  "TC after tax applies it, so editing the base moves the after-tax figure only approximately: the rate itself "
                  "does not change with the edit.")
    sh.header(spec.headers)
    money = money_format(L.cur)
    undated = e.figures.undated
    for i, o in enumerate(e.offers):
        own = money_format(o.currency)
        engine_values = undated is not None and not undated[i]
        for k in range(1, L.h + 1):
            r = L.year_row(i, k)
            if engine_values:
                # dated rules (calendar-year limits, dated payments, payout rules, location): the
                # engine's values; TC and total rewards stay formulas over them (docs/excel.md)
                part = lambda c: float(e.figures.parts[c][i, k - 1])  # noqa: E731
                sh.values(spec.row_values({
                    "offer_no": (i + 1, "plain", INT), "offer_id": (o.id, "plain"), "company": (o.company, "plain"), "year": (k, "plain", INT),
                    "base_own": (part("base") / float(e.figures.rates[i]), "plain", own),
                    **{c: (part(c), "plain", money) for c in ("base", "bonus", "sign_on", "equity", "refresh_equity", "retirement", "benefits", "relocation")},
                    "tc": (fx.tc(L, r), "bold", money), "total_rewards": (fx.total_rewards(L, r), "bold", money),
                    "tax_rate": (fx.tax_rate(L, i, k), "plain", PCT), "tc_after_tax": (fx.tc_after_tax(L, r), "plain", money),
                }))
                continue
            sh.values(spec.row_values({
                "offer_no": (i + 1, "plain", INT), "offer_id": (o.id, "plain"), "company": (o.company, "plain"), "year": (k, "plain", INT),
                "base_own": (fx.base_own(L, i, r), "plain", own), "base": (fx.base(L, i, r), "plain", money),
                "bonus": (fx.bonus(L, i, r), "plain", money), "sign_on": (fx.sign_on(L, i, k), "plain", money),
                "equity": (fx.equity(L, r, 0), "plain", money), "refresh_equity": (fx.equity(L, r, 1), "plain", money),
                "retirement": (fx.retirement(L, i, r), "plain", money), "benefits": (fx.benefits(L, i, r), "plain", money),
                "relocation": (fx.relocation(L, i, r), "plain", money),
                "tc": (fx.tc(L, r), "bold", money), "total_rewards": (fx.total_rewards(L, r), "bold", money),
                "tax_rate": (fx.tax_rate(L, i, k), "plain", PCT), "tc_after_tax": (fx.tc_after_tax(L, r), "plain", money),
            }))
    last = L.year_row(L.n - 1, L.h)
    sh.finish(header_row=spec.header_row, filter_area=(spec.header_row, 1, last, spec.last_col))
