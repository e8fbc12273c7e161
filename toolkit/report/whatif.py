"""A what-if panel for Jupyter: sliders that re-evaluate the offers and redraw the chart and table.

`what_if_panel(offer_set)` returns an ipywidgets box — stock growth, raise, horizon, private
discount and a currency picker above the headline table and the year-by-year chart — that
re-runs `evaluate` (the same function as everywhere) on every change, so no cell has to be run
again. Without ipywidgets it returns a static note with the same table and chart for the
starting values (`StaticPanel`), which is also what a notebook run without a frontend shows
when ipywidgets is missing. `whatif_evaluation` is the pure step the panel calls.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

from .. import format as fmt

if TYPE_CHECKING:  # pragma: no cover
    from ..negotiation.current import Baseline
    from ..offers.results import Evaluation

STOCK_GROWTH = (-0.5, 1.0, 0.05)  # min, max, step
RAISE = (0.0, 0.15, 0.005)
HORIZON = (1, 10)
PRIVATE_DISCOUNT = (0.0, 0.9, 0.05)


def whatif_evaluation(offer_set, *, stock_growth: float, annual_raise: float, horizon_years: int, private_equity_discount: float,
                      currency: Optional[str] = None, markets=()):
    """The offers evaluated under these assumptions (the rest as in the file) in `currency`."""
    from ..offers.evaluate import evaluate

    base = offer_set.assumptions.model_dump()
    assumptions = {**base, "stock_growth": stock_growth, "annual_raise": annual_raise, "horizon_years": int(horizon_years),
                   "private_equity_discount": private_equity_discount}
    e = evaluate(offer_set, assumptions, currency=currency)
    if markets:
        from ..market import place

        e = place(e, list(markets))
    return e


def panel_html(evaluation, stay=None) -> str:
    """The headline table (report.html.summary_html), with each offer against staying when given."""
    from .html import esc, summary_html

    out = [summary_html(evaluation)]
    if stay is not None and stay.evaluation is not None:
        cur = evaluation.currency
        rows = "".join(
            f"<tr><td>{esc(oid)}</td>" + "".join(
                f"<td style='text-align:right'>{esc(fmt.versus(v[k]['difference'], v[k]['fraction'], cur))}</td>" for k in ("year1_tc", "average_tc"))
            + "</tr>"
            for oid, v in ((oid, stay.versus(evaluation, i)) for i, oid in enumerate(evaluation.ids)))
        out.append(f"<table><caption>Against staying at {esc(stay.job.company or 'your current job')}</caption>"
                   f"<thead><tr><th>Offer</th><th>Year-1 TC vs now</th><th>Average TC vs now</th></tr></thead><tbody>{rows}</tbody></table>")
    return "\n".join(out)


@dataclass
class StaticPanel:
    """What the panel shows without ipywidgets: a note, then the table and chart for the starting values."""

    evaluation: "Evaluation"
    stay: Optional["Baseline"] = None
    note: str = ("ipywidgets is not available here, so this is a static view at the file's assumptions; "
                 "install the notebook extra (pip install -e '.[notebook]') and open the notebook in JupyterLab to move the sliders.")
    figure: Any = field(default=None, repr=False)

    def _repr_html_(self) -> str:
        return f"<p><em>{self.note}</em></p>" + panel_html(self.evaluation, self.stay)

    def _ipython_display_(self) -> None:
        from IPython.display import HTML, display

        from .charts import plot_tc_by_year

        display(HTML(self._repr_html_()))
        display(plot_tc_by_year(self.evaluation, baseline=self.stay.evaluation if self.stay is not None else None))


def what_if_panel(offer_set, *, current=None, today: Optional[dt.date] = None, markets=()):
    """Sliders for stock growth, raise, horizon and private discount, and a currency picker,
    redrawing the headline table and the year-by-year chart (with the stay line when `current`,
    a CurrentJob, is given). Returns an ipywidgets VBox, or a StaticPanel without ipywidgets."""
    from ..negotiation.current import evaluate_stay
    from ..offers.models import offer_currencies

    a = offer_set.assumptions
    today = today or dt.date.today()
    start = whatif_evaluation(offer_set, stock_growth=a.stock_growth, annual_raise=a.annual_raise, horizon_years=a.horizon_years,
                              private_equity_discount=a.private_equity_discount, markets=markets)
    stay_of = (lambda e: evaluate_stay(current, e, today=today)) if current is not None else (lambda e: None)
    try:
        import ipywidgets as w
    except ImportError:
        return StaticPanel(start, stay_of(start))
    from IPython.display import HTML, display

    from ..errors import ToolkitError
    from .charts import plot_tc_by_year
    from .html import esc

    pct = {"readout_format": ".0%", "continuous_update": False, "style": {"description_width": "initial"}}
    stock = w.FloatSlider(value=a.stock_growth, min=STOCK_GROWTH[0], max=STOCK_GROWTH[1], step=STOCK_GROWTH[2], description="Stock growth / yr", **pct)
    raise_ = w.FloatSlider(value=a.annual_raise, min=RAISE[0], max=RAISE[1], step=RAISE[2], description="Raise / yr", readout_format=".1%",
                           continuous_update=False, style={"description_width": "initial"})
    horizon = w.IntSlider(value=a.horizon_years, min=HORIZON[0], max=HORIZON[1], description="Horizon (years)", continuous_update=False,
                          style={"description_width": "initial"})
    discount = w.FloatSlider(value=a.private_equity_discount, min=PRIVATE_DISCOUNT[0], max=PRIVATE_DISCOUNT[1], step=PRIVATE_DISCOUNT[2],
                             description="Private discount", **pct)
    codes = list(dict.fromkeys([start.currency, *offer_currencies(offer_set.offers), "USD", "EUR", "GBP"]))
    currency = w.Dropdown(options=codes, value=start.currency, description="Currency")
    table, chart, status = w.Output(), w.Output(), w.HTML()

    def redraw(_change=None) -> None:
        try:
            e = whatif_evaluation(offer_set, stock_growth=stock.value, annual_raise=raise_.value, horizon_years=horizon.value,
                                  private_equity_discount=discount.value, currency=currency.value, markets=markets)
            stay = stay_of(e)
        except ToolkitError as exc:  # e.g. no FX rate for the picked currency: say so, keep the last figures
            status.value = f"<span style='color:#a00'>{esc(str(exc))}</span>"
            return
        status.value = ""
        box.evaluation = e  # the figures on screen, for code (and tests) that read the panel
        with table:
            table.clear_output(wait=True)
            display(HTML(panel_html(e, stay)))
        with chart:
            chart.clear_output(wait=True)
            display(plot_tc_by_year(e, baseline=stay.evaluation if stay is not None else None))

    box = w.VBox([w.HBox([stock, raise_, horizon]), w.HBox([discount, currency]), status, table, chart])
    box.controls = {"stock_growth": stock, "annual_raise": raise_, "horizon_years": horizon, "private_equity_discount": discount,
                    "currency": currency}
    for control in box.controls.values():
        control.observe(redraw, names="value")
    redraw()
    return box
