"""offer-toolkit: compare competing job offers year by year, in one currency.

Data flows one way:

1. `io`         reads files (the only module that opens them) with guards for untrusted input;
2. `models`     frozen pydantic models of offers and assumptions; `money` parses typed amounts;
3. `load`       documents and tables → validated `OfferSet`, every problem collected at once;
4. `fx`         exchange rates into the reporting currency, each with its source and date;
5. `normalize`  the vectorised engine: offers → (offers × years) arrays per component;
6. `pipeline`   `evaluate()` → `Evaluation` (DataFrames and plain data);
7. `market`, `negotiation`, `followup` build on the Evaluation;
8. `report`     formatting and rendering (text, JSON, Excel, charts); `cli` is the command line.

Naming: read_* reads a file; parse_* raw → model; check_* returns issues; validate_* raises;
to_* reshapes; compute_* pure maths; build_* presentation objects; render_* returns str;
plot_* returns a Figure; write_* writes a file and returns its Path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "load_offers": ("toolkit.load", "load_offers"),
    "OfferSet": ("toolkit.load", "OfferSet"),
    "evaluate": ("toolkit.pipeline", "evaluate"),
    "Evaluation": ("toolkit.pipeline", "Evaluation"),
    "Offer": ("toolkit.models", "Offer"),
    "Assumptions": ("toolkit.models", "Assumptions"),
    "FxTable": ("toolkit.fx", "FxTable"),
    "InputError": ("toolkit.errors", "InputError"),
    "ToolkitError": ("toolkit.errors", "ToolkitError"),
    "Issue": ("toolkit.errors", "Issue"),
    "write_report": ("toolkit.report.excel", "write_report"),
}

__all__ = ["__version__", *_LAZY]

if TYPE_CHECKING:  # pragma: no cover
    from .errors import InputError, Issue, ToolkitError
    from .fx import FxTable
    from .load import OfferSet, load_offers
    from .models import Assumptions, Offer
    from .pipeline import Evaluation, evaluate
    from .report.excel import write_report


def __getattr__(name: str) -> Any:
    # Lazy so that `offer-toolkit --help` does not pay for pandas and pydantic.
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
