"""The Tax sheet: the tax engine's figures per offer and tax year (the JSON `tax` block), as values.

Built from each offer's `tax` block generically: one row per entry of `tax.years`, whatever
their number and however they map to offer years (calendar years, or April-to-April tax years
for the UK); the columns are the block's keys (layout.TAX_KEYS, then any key a newer block
adds). Below the table, per offer: the engine and its version, the profile, the basis and the
engine's notes. Nothing here recalculates; the Year-by-year sheet carries the live after-tax
formulas, and the note says how they relate.
"""

from __future__ import annotations

from typing import Any

from ...taxlabels import engine_label, tax_years
from ..layout import TAX_KEYS, Layout, left_out_headers
from ..styles import INT, PCT, money_format
from ..writer import SheetWriter, number
from .frames import write_block_rows

TEXT_KEYS = frozenset({"year"})
NOTE = ("These are the tax engine's figures (values: they do not recalculate when you edit an input). The Year-by-year "
        "sheet's live 'TC after tax' applies each year's effective rate to the live TC, so editing a base moves the "
        "after-tax figure only approximately: the rate itself does not follow the edit.")


def profile_text(profile: dict[str, Any]) -> str:
    """'US · WA · single, 0 dependents' (and other income, spouse's income, church tax when set)."""
    place = " · ".join(str(profile[k]) for k in ("country", "state", "locality") if profile.get(k)) or "no country"
    status = str(profile.get("filing_status") or "").replace("_", " ")
    parts = [f"{status}, {profile.get('dependents', 0)} dependent{'s' if profile.get('dependents', 0) != 1 else ''}"]
    if number(profile.get("other_income")):
        parts.append(f"other income {number(profile['other_income']):,.0f}")
    if number(profile.get("spouse_income")):
        parts.append(f"spouse's income {number(profile['spouse_income']):,.0f}")
    if profile.get("church_tax"):
        parts.append("church tax")
    return f"{place} · " + ", ".join(parts)


def cell_spec(key: str, value: Any, money: str) -> tuple | None:
    """A block value as a cell: rates as percentages, whole numbers as integers, amounts as money."""
    if value is None:
        return ("—", "plain")
    if key in TEXT_KEYS or isinstance(value, str):
        return (str(value), "plain")
    if isinstance(value, bool):
        return (value, "plain")
    if key.endswith("_rate") or key.endswith("_share"):
        return (float(value), "plain", PCT)
    if isinstance(value, int):
        return (value, "plain", INT)
    bold = key in ("total_tax", "after_tax_tc")
    return (float(value), "bold" if bold else "plain", money)


def write(sh: SheetWriter, L: Layout) -> None:
    spec = L.tax
    e = L.e
    sh.setup(spec.widths, (spec.first_row, spec.col("offer_id") + 2))
    sh.title_rows(f"Tax: the tax engine's figures per offer and tax year, in {L.cur}", NOTE)
    sh.header(spec.headers)
    money = money_format(L.cur)
    rows = write_block_rows(sh, spec, e.offers, L.tax_blocks, "years", lambda k, v, _: cell_spec(k, v, money))
    if not rows:
        sh.values([("No offer has tax figures.", "note")])
    last = max(spec.first_row, spec.first_row + rows - 1)
    dropped = left_out_headers(spec, TAX_KEYS, [y for b in L.tax_blocks for y in b.get("years") or ()])
    sh.values([])
    sh.values([(f"Money in {L.cur}. Effective rate = total tax ÷ taxed pay; marginal rate = the share of the next 100 of "
                "wages that every tax together takes."
                + (f" Not shown, being zero for every offer and tax year: {', '.join(dropped)}." if dropped else "")
                + " Market placement compares pre-tax pay (market data is pre-tax). Rules, jurisdictions, years and sources: "
                  "docs/tax.md.", "note")])
    sh.values([("How each offer is taxed", "section")])
    for i, (o, block) in enumerate(zip(e.offers, L.tax_blocks)):
        years = tax_years(block) or "none"
        sh.values([(f"{o.company} ({o.id}): {engine_label(block)}; tax years {years}", "section")])
        sh.values([(f"Profile: {profile_text(block.get('profile') or {})}", "note")])
        if block.get("basis"):
            sh.values([(f"Basis: {block['basis']}", "note")])
        for note in block.get("notes") or ():
            sh.values([(f"• {note}", "note")])
    sh.finish(header_row=spec.header_row, filter_area=(spec.header_row, 1, last, spec.last_col))
