"""`build_plan`: the negotiation plan for every offer (or one) of an Evaluation.

Orchestration only (see the package docstring for the order). The plan is a frozen bundle of
DataFrames whose columns other reports read by name (checklist, talking_points, counters,
walkaway, ranking, drafts); `to_dict` gives the same content as plain data, and
`offer_blocks()` / `document_blocks()` plug it into `report.text.build_document`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional, Sequence

import pandas as pd

from ..offers.results import Evaluation
from ..market import offer_rows
from ..errors import ARGUMENT, InputError, Issue
from . import checklist as C
from . import counter as K
from . import drafts as D
from . import ranking as R
from .. import format as fmt
from . import rules as RU
from . import walkaway as W
from .current import CurrentJob, forfeited_value


def _records(frame: pd.DataFrame, drop: Sequence[str] = ("offer_id",)) -> list[dict[str, Any]]:
    cols = [c for c in frame.columns if c not in drop]
    return [{c: fmt.plain(v) for c, v in zip(cols, row)} for row in frame[cols].itertuples(index=False, name=None)]


@dataclass(frozen=True)
class NegotiationPlan:
    """Checklist, talking points, counters, walk-away figures, ranking and drafts (DataFrames)."""

    evaluation: Evaluation
    today: dt.date
    target_percentile: float
    rank_by: str
    offer_ids: tuple[str, ...]
    checklist: pd.DataFrame
    talking_points: pd.DataFrame
    counters: pd.DataFrame
    walkaway: pd.DataFrame
    ranking: pd.DataFrame
    drafts: pd.DataFrame
    decision: Mapping[str, Any] = field(default_factory=dict)
    bundles: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # offer id → {"asks": [...], "terms": [...]}
    forfeit: Optional[pd.DataFrame] = None
    current: Optional[CurrentJob] = None
    # (offer id, priority) → the structured market reference of a talking point that cites market data
    point_markets: Mapping[tuple[str, int], Mapping[str, Any]] = field(default_factory=dict)

    @property
    def currency(self) -> str:
        return self.evaluation.currency

    # ---------------------------------------------------------- plain data

    def offer_plan(self, offer_id: str) -> dict[str, Any]:
        """Everything for one offer as plain data (the per-offer JSON blocks)."""
        o = self.evaluation.offers[self.evaluation.ids.index(offer_id)]
        pick = lambda f: f[f["offer_id"] == offer_id]  # noqa: E731
        counter = _records(pick(self.counters))
        return {
            "id": offer_id, "company": o.company, "currency": o.currency,
            "checklist": _records(pick(self.checklist)),
            # `market` only on the points that cite market data (docs/negotiation.md)
            "talking_points": [{**t, **({"market": fmt.plain(self.point_markets[offer_id, t["priority"]])}
                                        if (offer_id, t["priority"]) in self.point_markets else {})}
                               for t in _records(pick(self.talking_points))],
            "counter": {**(counter[0] if counter else {}), **fmt.plain(dict(self.bundles.get(offer_id, {})))},
            "walkaway": _records(pick(self.walkaway)),
            "walkaway_notes": [n for n in (W.retirement_note(o),) if n],
            "drafts": _records(pick(self.drafts)),
        }

    def ranking_dict(self) -> dict[str, Any]:
        return {**fmt.plain(dict(self.decision)), "currency": self.currency, "offers": _records(self.ranking, drop=())}

    def forfeit_dict(self) -> Optional[dict[str, Any]]:
        if self.forfeit is None:
            return None
        rows = _records(self.forfeit, drop=())
        return {"company": self.current.company if self.current else None, "as_of": self.today.isoformat(),
                "total": sum(r["amount"] for r in rows), "currency": self.current.currency if self.current else None,
                "total_reporting": sum(r["amount_reporting"] for r in rows), "items": rows}

    def to_dict(self) -> dict[str, Any]:
        """The plan as plain data (unrounded): the `negotiate --format json` document."""
        return {
            "today": self.today.isoformat(), "currency": self.currency, "target_percentile": self.target_percentile,
            "offers": [self.offer_plan(oid) for oid in self.offer_ids],
            "ranking": self.ranking_dict(),
            "forfeit": self.forfeit_dict(),
        }

    # ---------------------------------------------------------- report.text hooks

    def offer_blocks(self, include: Sequence[str] = ("checklist", "talking_points", "counter", "walkaway")) -> tuple[Callable[[Any, int], dict[str, Any]], ...]:
        """Per-offer callables for `report.text.build_document(offer_blocks=...)`."""

        def block(evaluation: Evaluation, i: int) -> dict[str, Any]:
            oid = evaluation.ids[i]
            if oid not in self.offer_ids:
                return {}
            data = self.offer_plan(oid)
            return {k: data[k] for k in include}

        return (block,)

    def document_blocks(self) -> tuple[Callable[[Any], dict[str, Any]], ...]:
        """Top-level callables for `report.text.build_document(document_blocks=...)`: ranking (and forfeit)."""

        def block(evaluation: Evaluation) -> dict[str, Any]:
            out = {"ranking": self.ranking_dict()}
            if self.forfeit is not None:
                out["forfeit"] = self.forfeit_dict()
            return out

        return (block,)

    def _repr_html_(self) -> str:
        parts = [f"<h3>Negotiation plan ({self.today.isoformat()}, {self.currency})</h3>"]
        for title, frame in (("Ranking", self.ranking), ("Checklist", self.checklist), ("Talking points", self.talking_points),
                             ("Counter-offers", self.counters), ("Walk-away", self.walkaway)):
            parts.append(f"<h4>{title}</h4>" + frame.to_html(index=False, na_rep="—", float_format=lambda v: f"{v:,.0f}"))
        return "\n".join(parts)


def _wage_row(wage_levels: Optional[pd.DataFrame], oid: str) -> Optional[dict[str, Any]]:
    rows = offer_rows(wage_levels, oid)
    return {k: fmt.plain(v) for k, v in rows.iloc[0].to_dict().items()} if rows is not None else None


def build_plan(
    evaluation: Evaluation,
    *,
    current: Optional[CurrentJob] = None,
    today: dt.date,
    target_percentile: float = 65,
    rank_by: str = "average_tc",
    offer_id: Optional[str] = None,
    wage_levels: Optional[pd.DataFrame] = None,
    months: Sequence[int] = W.DEFAULT_MONTHS,
) -> NegotiationPlan:
    """Build the negotiation plan.

    Args:
        evaluation: from `toolkit.evaluate` (its `.market` placements feed the market rules).
        current: the current job (`load_current`), for make-whole, PTO and forfeit figures.
        today: the date deadline rules count from (the CLI passes --today or the real date).
        target_percentile: market percentile the base ask aims at (1–99, default 65).
        rank_by: year1_tc, average_tc, total_tc, average_total_rewards, average_tc_col_adjusted, average_tc_after_tax.
        offer_id: plan for this offer only (the others still count as competing offers).
        wage_levels: `toolkit.market.wage_levels(...)` output, for the visa-wage-level rule.
        months: walk-away months.

    Raises:
        InputError: unknown offer id, a percentile outside 1–99, an unknown rank figure, or a
            current-job currency with no FX rate.
    """
    issues = []
    if not 1 <= float(target_percentile) <= 99:
        issues.append(Issue(source=ARGUMENT, field="target_percentile", message=f"expected a percentile from 1 to 99, got {target_percentile!r}", code="bad_argument"))
    if offer_id is not None and offer_id not in evaluation.ids:
        issues.append(Issue(source=ARGUMENT, field="offer_id", message=f"no offer with id {offer_id!r}; ids: {', '.join(evaluation.ids)}", code="unknown_name"))
    bad_months = [m for m in months if not (isinstance(m, int) and 0 < m <= 480)]
    if bad_months:
        issues.append(Issue(source="months", message=f"walk-away months must be whole months from 1 to 480, got {bad_months!r}", code="bad_argument"))
    if issues:
        raise InputError(issues)
    rank_key = R.resolve_rank_by(rank_by)
    ids = tuple(evaluation.ids) if offer_id is None else (offer_id,)
    forfeit_rate = evaluation.fx.rate(current.currency) if current is not None else 1.0

    checklist_rows, point_rows, drafts_rows, walk_rows = [], [], [], []
    point_markets: dict[tuple[str, int], dict[str, Any]] = {}
    points_by: dict[str, list[RU.TalkingPoint]] = {}
    events = evaluation.vest_events
    for i, o in enumerate(evaluation.offers):
        if o.id not in ids:
            continue
        for item in C.build_checklist(o, today):
            checklist_rows.append({"offer_id": o.id, "item": item.item, "status": item.status, "reason": item.reason})
        leave = o.start_date if (o.start_date is not None and o.start_date > today) else today
        ctx = RU.RuleContext(
            evaluation=evaluation, index=i, today=today, target_percentile=float(target_percentile),
            market=offer_rows(evaluation.market, o.id), wage_level=_wage_row(wage_levels, o.id), current=current,
            forfeit=forfeited_value(current, leave) if current is not None else None, forfeit_rate=forfeit_rate,
        )
        points = RU.run_rules(ctx)
        points_by[o.id] = points
        point_rows.extend(p.as_dict() for p in points)
        point_markets.update({(o.id, p.priority): dict(p.market) for p in points if p.market is not None})
        walk_rows.extend(W.offer_walkaway(evaluation, i, months, events))
    counter_rows, bundles, lands = K.build_counters(evaluation, points_by, float(target_percentile))
    for i, o in enumerate(evaluation.offers):
        if o.id in ids:
            asks, terms = bundles[o.id]
            drafts_rows.extend(vars(d) for d in D.build_drafts(o, asks=asks, terms=terms, points=points_by[o.id], today=today,
                                                               has_rivals=len(evaluation.offers) > 1))
    ranking_rows, decision = R.build_ranking(evaluation, rank_key)
    # The summary is recomputed with every counter granted, so it never contradicts a counter that
    # overtakes the offer it is ranked behind (issue 12).
    if any(bundles[oid][0] for oid in bundles):
        changed = [K.apply_asks(o, bundles[o.id][0], evaluation.fx) if o.id in bundles else o for o in evaluation.offers]
        _, after = R.build_ranking(K._evaluate(evaluation, changed), rank_key)
        decision = {**decision, "if_counters_granted": {k: after.get(k) for k in ("top", "runner_up", "tied")}}
    forfeit = None
    if current is not None:
        forfeit = pd.DataFrame(W.forfeit_rows(current, today, forfeit_rate), columns=list(W.FORFEIT_COLUMNS))
    return NegotiationPlan(
        evaluation=evaluation, today=today, target_percentile=float(target_percentile), rank_by=rank_key, offer_ids=ids,
        checklist=pd.DataFrame(checklist_rows, columns=list(C.COLUMNS)),
        talking_points=_typed(pd.DataFrame(point_rows, columns=list(RU.COLUMNS))), point_markets=point_markets,
        counters=pd.DataFrame(counter_rows, columns=list(K.COLUMNS)),
        walkaway=pd.DataFrame(walk_rows, columns=list(W.COLUMNS)),
        ranking=pd.DataFrame(ranking_rows, columns=list(R.COLUMNS)).astype({"rank": "Int64", "score_rank": "Int64"}),
        drafts=pd.DataFrame(drafts_rows, columns=list(D.COLUMNS)),
        decision=decision,
        bundles={oid: {"asks": [a.as_dict() for a in b[0]], "terms": [t.rule + ": " + t.component for t in b[1]],
                       "landing": {k: v for k, v in lands[oid].items() if k != "text"}} for oid, b in bundles.items()},
        forfeit=forfeit, current=current,
    )


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for c in ("current", "target", "ask"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)
    frame["priority"] = frame["priority"].astype(int)
    return frame
