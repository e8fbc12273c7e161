"""The `compare` document: the evaluation's plain data with market placements and the plan.

Built by the library, not the command line, so `toolkit` users get from Python exactly the
document that `offer-toolkit compare --format json` prints; the table, markdown and CSV views
render the same document (`report.text`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from ..format import plain
from . import text

if TYPE_CHECKING:  # pragma: no cover
    from ..negotiation.current import Baseline
    from ..negotiation.plan import NegotiationPlan
    from ..offers.results import Evaluation

FORMATS = ("table", "json", "csv", "markdown")

WAGE_LEVEL_KEYS = ("occupation", "area", "level_reached", "level_wage", "next_level", "next_level_wage", "gap_to_next_level",
                   "level_1", "level_2", "level_3", "level_4", "match", "source")


def market_block(evaluation: "Evaluation", i: int) -> dict[str, Any]:
    """Offer i's "market" list in the JSON output, and for an H-1B offer with prevailing-wage
    data its "visa_wage_level" (only when market data was placed)."""
    if evaluation.market is None:
        return {}
    from ..market import offer_rows, to_market_json

    oid = evaluation.ids[i]
    entries = to_market_json(evaluation.market, extra=("top_coded",)).get(oid, [])
    for entry in entries:  # "p75,p90" → ["p75", "p90"]: the points the source only gives as "at or above"
        entry["top_coded"] = entry["top_coded"].split(",") if entry.get("top_coded") else []
    block: dict[str, Any] = {"market": entries}
    levels = offer_rows(evaluation.wage_levels, oid)
    if levels is not None:
        row = levels.iloc[0]
        block["visa_wage_level"] = {k: plain(row.get(k)) for k in WAGE_LEVEL_KEYS}
    return block


def build_compare_document(evaluation: "Evaluation", plan: Optional["NegotiationPlan"] = None,
                           stay: Optional["Baseline"] = None) -> dict[str, Any]:
    """The `compare --format json` document (money rounded to cents); with a plan, each offer's
    checklist and talking points and the top-level ranking (and forfeit) are included; with the
    current job's stay baseline (`negotiation.current.evaluate_stay`), the `current` block and
    each offer's `vs_current`."""
    offer_blocks: tuple = (market_block,)
    document_blocks: tuple = ()
    if plan is not None:
        offer_blocks += plan.offer_blocks(("checklist", "talking_points"))
        document_blocks = plan.document_blocks()
    if stay is not None:
        offer_blocks += (stay.offer_block,)
        document_blocks += (stay.document_block,)
    return text.build_document(evaluation, offer_blocks=offer_blocks, document_blocks=document_blocks)


def render_compare(document: dict[str, Any], fmt: str, *, color: bool = False, escape: bool = True,
                   basis: str = "offer-year") -> str:
    """The document as `fmt`: table, json, csv or markdown (`color`: offer colours in the table;
    `escape=False`: CSV text as written, `--no-escape`; `basis`: offer-year or calendar-year
    blocks in the table, Markdown and CSV — the JSON always has both)."""
    if fmt == "json":
        return text.render_json(document)
    if fmt == "csv":
        return text.render_csv(document, escape=escape, basis=basis)
    if fmt == "markdown":
        return text.render_markdown(document, basis=basis)
    return text.render_table(document, color=color, basis=basis)
