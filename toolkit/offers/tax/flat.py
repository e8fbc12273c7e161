"""The flat engine: one rate on all pay, the toolkit's old `tax_rate`, kept as a choice.

A flat rate is the user's own estimate; the engine applies it to wages, bonus and vested equity
alike and books it all as national income tax, since it cannot say what it is made of.
"""

from __future__ import annotations

import numpy as np

from .base import TaxHouseholds, TaxResult


class FlatEngine:
    """`rate` (a fraction) per row, or one for all rows."""

    name = "flat"

    def __init__(self, rate: float | np.ndarray):
        self.rate = rate

    def version(self) -> str:
        return "flat"

    def compute(self, households: TaxHouseholds) -> TaxResult:
        n = len(households)
        rate = np.broadcast_to(np.asarray(self.rate, dtype=float), (n,)).copy()
        gross = households.gross_pay
        tax = rate * gross
        zero = np.zeros(n)
        return TaxResult(
            engine=self.name, engine_version=self.version(), taxable_wages=gross,
            income_tax_national=tax, income_tax_state=zero, income_tax_local=zero.copy(), payroll_tax=zero.copy(),
            total_tax=tax, effective_rate=np.where(gross > 0, rate, 0.0), marginal_rate=rate,
            withholding_gap=zero.copy(), currency=np.full(n, "", dtype=object), table_year=households.year.copy(),
            components={}, notes=tuple(("flat rate given by you",) for _ in range(n)),
        )
