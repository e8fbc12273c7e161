"""Negotiation plan (GitHub issue 4): checklist, talking points, one bundled counter,
walk-away arithmetic, a decision summary and message drafts for each offer.

Data flow: `build_plan(evaluation, current=..., today=...)` (plan.py) reads an `Evaluation`
(and optionally a `CurrentJob` from `load_current`, a wage-level DataFrame) and calls, in
order: `checklist.build_checklist` → `rules.run_rules` (RULES, one small function per rule)
→ `counter.build_counters` (re-evaluates the offers with the asks applied) →
`walkaway.build_walkaway` → `ranking.build_ranking` → `drafts.build_drafts`. The result is a
frozen `NegotiationPlan` of DataFrames; `render.py` turns it into table/Markdown/JSON text.
Pure except `load_current`, which reads one file through toolkit.io.
"""

from __future__ import annotations

from .current import CurrentJob, UnvestedGrant, forfeited_value, load_current
from .plan import NegotiationPlan, build_plan
from .rules import RULES, TalkingPoint

__all__ = ["CurrentJob", "NegotiationPlan", "RULES", "TalkingPoint", "UnvestedGrant", "build_plan", "forfeited_value", "load_current"]
