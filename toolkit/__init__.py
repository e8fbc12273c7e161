"""offer-toolkit: compare competing job offers year by year, in one currency.

The map is `docs/architecture.md`. In short, layers import one way only:

1. the shared base: `errors`, `io` (the only input I/O), `format`, `calendar` (business days),
   `validation` (pydantic errors → Issues), `display` (HTML for Jupyter, looked up by name);
2. `offers/`      the engine: money, vesting, models, load, fx, engine, results (`Evaluation`),
                  evaluate, scenarios, montecarlo;
3. `market/`      market files → `MarketData`; `place(evaluation, markets)` → a new Evaluation;
4. `negotiation/` the plan built on a placed Evaluation (data only); `followup/` beside, on the
                  base and the engine's public names;
5. `report/`      every renderer (text, markdown, JSON document, HTML, charts, Excel, ICS) and
   `cli/`         the command line, on top.

Naming: read_* reads a file; parse_* raw → model; check_* returns issues; validate_* raises;
to_* reshapes; compute_* pure maths; build_* presentation objects; render_* returns str;
plot_* returns a Figure; write_* writes a file and returns its Path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import display as _display

__version__ = "0.1.0"

_LAZY = {
    "load_offers": ("toolkit.offers.load", "load_offers"),
    "OfferSet": ("toolkit.offers.load", "OfferSet"),
    "evaluate": ("toolkit.offers.evaluate", "evaluate"),
    "Evaluation": ("toolkit.offers.results", "Evaluation"),
    "place": ("toolkit.market.targets", "place"),
    "load_market": ("toolkit.market.importers", "load_market"),
    "Offer": ("toolkit.offers.models", "Offer"),
    "Assumptions": ("toolkit.offers.models", "Assumptions"),
    "FxTable": ("toolkit.offers.fx", "FxTable"),
    "InputError": ("toolkit.errors", "InputError"),
    "ToolkitError": ("toolkit.errors", "ToolkitError"),
    "Issue": ("toolkit.errors", "Issue"),
    "write_report": ("toolkit.report.excel", "write_report"),
}

__all__ = ["__version__", *_LAZY]

# Jupyter HTML for domain objects: the renderers live in report/, which the domain layers may
# not import; they find them here by name (strings, so nothing heavy is imported yet).
_display.register_html("Evaluation", "toolkit.report.html:summary_html")
_display.register_html("Offer", "toolkit.report.html:offer_html")
_display.register_html("MonteCarloResult", "toolkit.report.html:montecarlo_html")

if TYPE_CHECKING:  # pragma: no cover
    from .errors import InputError, Issue, ToolkitError
    from .market.importers import load_market
    from .market.targets import place
    from .offers.evaluate import evaluate
    from .offers.fx import FxTable
    from .offers.load import OfferSet, load_offers
    from .offers.models import Assumptions, Offer
    from .offers.results import Evaluation
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
