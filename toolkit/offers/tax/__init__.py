"""Tax engines: after-tax figures per person and tax year, vectorised over a whole run.

`TaxHouseholds` (inputs) and `TaxResult` (outputs) are the seam; `BuiltinEngine` uses the
tables shipped in `data/` (US federal and 13 states with NYC, Germany, the UK, France, Canada with Ontario, India),
`FlatEngine` one rate given by the user, and `policyengine.PolicyEngineUS` the optional
PolicyEngine-US model (the `tax-us` extra, imported only when asked for). docs/tax.md lists
every rule, jurisdiction, year and source.
"""

from .base import (
    COMPONENT_LEVEL,
    CURRENCY,
    FILING_STATUSES,
    TaxEngine,
    TaxHouseholds,
    TaxResult,
    tax_year_label,
)
from .builtin import BuiltinEngine
from .flat import FlatEngine

ENGINES = ("builtin", "policyengine", "flat")

__all__ = [
    "BuiltinEngine", "COMPONENT_LEVEL", "CURRENCY", "ENGINES", "FILING_STATUSES", "FlatEngine", "TaxEngine",
    "TaxHouseholds", "TaxResult", "tax_year_label",
]
