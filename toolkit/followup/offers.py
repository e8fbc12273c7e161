"""The planner reads the offers: a pipeline entry that names an offer (`offer: cascade`) takes
that offer's company, role, status and deadline from the offers file (issue 12).

Place in the data flow: between `load_pipeline` and `plan_followups`; pure (the offers come
already loaded). The offers file wins where both give a value, and each disagreement becomes a
warning the CLI prints, so a deadline is never dropped silently. docs/followup.md "Offers".
"""

from __future__ import annotations

from typing import Any, Sequence

from .models import WAITING_STAGES, Pipeline, Stage


def merge_offers(pipeline: Pipeline, offers: Sequence[Any]) -> tuple[Pipeline, list[str]]:
    """`pipeline` with each `offer: ID` entry completed from the offer of that id, and the warnings.

    Args:
        pipeline: from `load_pipeline`.
        offers: `toolkit.offers.models.Offer` objects (anything with id, company, role, status,
            deadline attributes).

    Returns:
        (a new Pipeline, warnings such as "pipeline.yaml: entry 'cascade': deadline 2026-12-20 differs
        from the offers file's 2026-12-18; using the offers file").
    """
    by_id = {str(o.id): o for o in offers if getattr(o, "id", None)}
    warnings: list[str] = []
    entries = []
    for e in pipeline.entries:
        if not isinstance(e.offer, str):
            entries.append(e)
            continue
        o = by_id.get(e.offer)
        where = f"{pipeline.source}: entry {e.id!r}"
        if o is None:
            known = ", ".join(sorted(by_id)) or "none"
            warnings.append(f"{where}: offer {e.offer!r} is not in the offers file (ids: {known}); the entry is planned as written")
            entries.append(e)
            continue
        update: dict[str, Any] = {}
        for field, theirs in (("company", o.company), ("role", o.role), ("deadline", o.deadline)):
            ours = getattr(e, field)
            if theirs is None or theirs == "":
                continue
            if ours not in (None, "") and ours != theirs:
                warnings.append(f"{where}: {field} {_show(ours)} differs from the offers file's {_show(theirs)}; using the offers file")
            if ours != theirs:
                update[field] = theirs
        if getattr(o, "status", None) in ("verbal", "written") and e.stage in WAITING_STAGES:
            warnings.append(f"{where}: stage {e.stage.value!r} but the offers file has a {o.status} offer; planned at the offer stage")
            update["stage"] = Stage.OFFER
        entries.append(e.model_copy(update=update) if update else e)
    return pipeline.model_copy(update={"entries": tuple(entries)}), warnings


def _show(v: Any) -> str:
    return v.isoformat() if hasattr(v, "isoformat") else repr(v)
