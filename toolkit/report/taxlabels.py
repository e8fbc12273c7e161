"""How the reports name a tax engine and its tax years, from an offer's JSON `tax` block.

One home for the wording the workbook's Tax sheet and charts, the matplotlib charts and the
brief share ("after tax (built-in tax tables, 2027–2030)", "flat rate given by you: 30.0%").
Pure: plain dicts in, strings out.
"""

from __future__ import annotations

from typing import Any, Mapping

from .. import format as fmt

ENGINE_NAMES = {"builtin": "built-in tax tables", "policyengine": "PolicyEngine-US", "flat": "flat rate"}


def _rate(value: Any) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return None if v != v else v


def engine_name(block: Mapping[str, Any]) -> str:
    """'built-in tax tables', 'PolicyEngine-US', or for a flat rate 'flat rate given by you: 30.0%'."""
    engine = str(block.get("engine") or "")
    if engine == "flat":
        rate = _rate((block.get("profile") or {}).get("flat_rate"))
        return "flat rate given by you" + (f": {fmt.percent(rate)}" if rate is not None else "")
    return ENGINE_NAMES.get(engine, engine or "no tax engine")


def engine_label(block: Mapping[str, Any]) -> str:
    """The engine's name with its version: 'built-in tax tables (builtin tables 1519b005b618)'."""
    name = engine_name(block)
    version = block.get("engine_version")
    if block.get("engine") == "flat" or not version or version == block.get("engine"):
        return name
    return f"{name} ({version})"


def tax_years(block: Mapping[str, Any]) -> str:
    """The tax years the block covers, as labelled by the engine: '2027–2030', '2026/27–2029/30', '2027'."""
    labels = [str(y.get("year")) for y in block.get("years") or () if y.get("year") is not None]
    if not labels:
        return ""
    return labels[0] if len(labels) == 1 else f"{labels[0]}–{labels[-1]}"


def after_tax_label(block: Mapping[str, Any]) -> str:
    """'after tax (built-in tax tables, 2027–2030)': how a chart labels after-tax bars."""
    years = tax_years(block)
    return f"after tax ({engine_name(block)}{', ' + years if years else ''})"
