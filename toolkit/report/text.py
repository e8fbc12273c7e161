"""Render an Evaluation as a terminal table, Markdown, CSV or JSON (all return str).

The JSON document is built once (`build_document`) from the Evaluation's plain data, with
money rounded to cents by `format.cents`; the table and Markdown views read the same data.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Callable

from .. import format as fmt
from ..offers.results import HEADLINE_TABLE
from .. import sanitize

# Keys whose values are rates, fractions or scores, not money: they keep full precision.
NOT_ROUNDED = frozenset({"fx", "assumptions", "break_even_growth", "score", "target_percentile", "fraction",
                         "effective_rate", "marginal_rate", "tax_rate", "horizon_share"})

ROWS = tuple((h.key, h.label) for h in HEADLINE_TABLE)  # the one headline table: offers.results
YEAR_ROWS = (
    ("base", "Base"),
    ("bonus", "Bonus"),
    ("sign_on", "Sign-on"),
    ("equity", "Equity"),
    ("refresh_equity", "Refresh equity"),
    ("tc", "TC"),
    ("retirement", "Retirement"),
    ("benefits", "Benefits"),
    ("relocation", "Relocation"),
    ("total_rewards", "Total rewards"),
)


def round_document(value: Any, key: str = "") -> Any:
    """Round every money float in plain data to cents (format.cents), except NOT_ROUNDED keys."""
    if key in NOT_ROUNDED:
        return value
    if isinstance(value, dict):
        return {k: round_document(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [round_document(v) for v in value]
    if isinstance(value, float):
        return fmt.cents(value)
    return value


# Extra per-offer and top-level blocks (market placement, negotiation plan) register here so
# that every output format carries them without this module importing those packages.
OfferBlock = Callable[[Any, int], dict[str, Any]]
DocumentBlock = Callable[[Any], dict[str, Any]]


def build_document(evaluation, *, offer_blocks: tuple[OfferBlock, ...] = (), document_blocks: tuple[DocumentBlock, ...] = ()) -> dict[str, Any]:
    """The `compare --format json` document, money rounded to cents."""
    doc = evaluation.to_dict()
    for i, offer in enumerate(doc["offers"]):
        for block in offer_blocks:
            offer.update(block(evaluation, i))
    for block in document_blocks:
        doc.update(block(evaluation))
    return round_document(doc)


def render_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _fx_lines(document: dict[str, Any]) -> list[str]:
    lines = []
    for code, r in document["fx"].items():
        date = f", {r['date']}" if r.get("date") else ", date not given"
        lines.append(f"1 {code} = {fmt.rate(r['rate'])} {document['currency']} ({r['source']}{date})")
    return lines


BASES = ("offer-year", "calendar-year")


def _header(document: dict[str, Any], basis: str = "offer-year") -> list[str]:
    a = document["assumptions"]
    parts = [
        f"horizon {document['horizon_years']} years",
        f"raise {fmt.percent(a['annual_raise'])}",
        f"stock growth {fmt.percent(a['stock_growth'])}",
        f"refreshers {'included' if a['include_refreshers'] else 'excluded'}",
    ]
    if a.get("private_equity_discount"):
        parts.append(f"private equity discount {fmt.percent(a['private_equity_discount'])}")
    if basis == "calendar-year":
        return [f"Offers compared in {document['currency']}, pre-tax unless marked after tax, paid (cash) basis by calendar year: " + ", ".join(parts) + ".",
                "Headline figures keep their offer-year (earned) meaning; a year with fewer than 12 months employed is partial."]
    return [f"Offers compared in {document['currency']}, pre-tax unless marked after tax, earned basis: " + ", ".join(parts) + "."]


VERSUS_LABELS = {"year1_tc": "Year-1 TC vs now", "average_tc": "Average TC vs now",
                 "average_tc_after_tax": "Average TC after tax vs now"}


def baseline(document: dict[str, Any]) -> dict[str, Any] | None:
    """The document's stay scenario (`current` block) when it has figures, else None."""
    current = document.get("current")
    return current if current and current.get("baseline") else None


def versus_cells(document: dict[str, Any], key: str) -> list[str]:
    """'+$43,500 (+19.8%)' per offer for one `vs_current` figure."""
    return [fmt.versus((o.get("vs_current") or {}).get(key, {}).get("difference"),
                       (o.get("vs_current") or {}).get(key, {}).get("fraction"), document["currency"]) for o in document["offers"]]


def _calendar_rows(document: dict[str, Any], offers: list[dict[str, Any]], year_rows: list[tuple[str, str]]) -> list[list[str]]:
    """The paid view: one block per calendar year any offer is employed in ("—" where an offer is not)."""
    cur = document["currency"]
    by_year = [{y["year"]: y for y in o.get("calendar_years") or ()} for o in offers]
    rows: list[list[str]] = []
    for year in sorted({y for years in by_year for y in years}):
        rows.append([f"— {year} —"] + [""] * len(offers))
        cells = []
        for years in by_year:
            y = years.get(year)
            cells.append("—" if y is None else f"{y['months_employed']}{' (partial)' if y['partial'] else ''}")
        rows.append(["  Months employed"] + cells)
        for key, label in year_rows:
            values = [years[year][key] if year in years else None for years in by_year]
            if key in ("refresh_equity", "relocation", "sign_on") and not any(values):
                continue
            rows.append([f"  {label}"] + ["—" if v is None else fmt.money(v, cur) for v in values])
    unpaid = [o.get("bonus_accrued_unpaid") for o in offers]
    if any(unpaid):
        rows.append(["Bonus earned, paid after the horizon"] + ["—" if v is None else fmt.money(v, cur) for v in unpaid])
    return rows


def _grid(document: dict[str, Any], basis: str = "offer-year") -> tuple[list[str], list[list[str]]]:
    """Rows of the side-by-side comparison: label, then one cell per offer (after the current
    job's, when the document has a stay baseline). `basis`: the year blocks are offer years
    (earned) or calendar years (paid)."""
    cur = document["currency"]
    stay = baseline(document)
    offers = ([stay] if stay else []) + document["offers"]
    header = [""] + ([f"Now: {sanitize.one_line(stay['company'] or 'current job')}"] if stay else []) + [
        f"{sanitize.one_line(o['company'])} ({sanitize.one_line(o['id'])})" for o in document["offers"]]
    rows: list[list[str]] = []
    for key, label in ROWS:
        if all(o.get(key) is None for o in offers):
            continue
        rows.append([label] + [fmt.money(o.get(key), cur) for o in offers])
    if stay:
        for key, label in VERSUS_LABELS.items():
            rows.append([label, "baseline"] + versus_cells(document, key))
    year_rows = list(YEAR_ROWS)
    if not document["assumptions"]["include_refreshers"]:  # shown, but after the TC it is not part of
        year_rows.remove(("refresh_equity", "Refresh equity"))
        year_rows.insert(year_rows.index(("tc", "TC")) + 1, ("refresh_equity", "Refresh equity (not in TC)"))
    if basis == "calendar-year":
        rows += _calendar_rows(document, offers, year_rows)
    for k in range(document["horizon_years"] if basis == "offer-year" else 0):
        rows.append([f"— Year {k + 1} —"] + [""] * len(offers))
        for key, label in year_rows:
            values = [o["years"][k][key] for o in offers]
            if key in ("refresh_equity", "relocation", "sign_on") and not any(values):
                continue
            rows.append([f"  {label}"] + [fmt.money(v, cur) for v in values])
        if any(o.get("tax") for o in offers):  # the offer year's share of the tax years' tax
            rows.append(["  Tax (income + payroll)"] + [fmt.money(o["years"][k].get("tax"), cur) if o.get("tax") else "—" for o in offers])
            rows.append(["  TC after tax"] + [fmt.money(o["years"][k].get("tc_after_tax"), cur) if o.get("tax") else "—" for o in offers])
    if any(o.get("market") or o.get("visa_wage_level") for o in offers):
        rows.append(["— Market position —"] + [""] * len(offers))
        for component in ("base", "bonus", "equity", "total"):
            cells = [_market_cell(o, component, cur) for o in offers]
            if any(c != "—" for c in cells):
                rows.append([f"  {component}"] + cells)
    if any(o.get("visa_wage_level") for o in offers):
        rows.append(["  H-1B wage level"] + [_wage_level_cell(o.get("visa_wage_level"), cur) for o in offers])
    return header, rows


def _market_cell(offer: dict[str, Any], component: str, currency: str) -> str:
    """'p37 (p50 $331,000)', 'below p10', or 'no data'."""
    entry = next((m for m in offer.get("market") or () if m["component"] == component), None)
    if entry is None:
        return "—"
    if entry["percentile"] is None:
        return "no data"
    if entry["clamped"] == "below":
        place = f"below {fmt.percentile(entry['percentile'])}"
    elif entry["clamped"] == "above":
        place = f"above {fmt.percentile(entry['percentile'])}"
        if entry.get("top_coded"):  # the next points exist but are only "at or above" a cap
            place += f" ({', '.join(entry['top_coded'])} top-coded)"
    else:
        place = fmt.percentile(entry["percentile"])
    median = f" (p50 {fmt.money(entry['p50'], currency)})" if entry.get("p50") is not None else ""
    return place + median


def _wage_level_cell(level: dict[str, Any] | None, currency: str) -> str:
    """'Level 2 (+$8,000 to Level 3)', 'Level 4 (top)', 'below Level 1', or '—'."""
    if not level:
        return "—"
    if level.get("level_reached") is None:
        return "no data"
    reached = int(level["level_reached"])
    name = f"Level {reached}" if reached else "below Level 1"
    if level.get("gap_to_next_level") is None:
        return f"{name} (top)" if reached else name
    return f"{name} (+{fmt.money(level['gap_to_next_level'], currency)} to Level {int(level['next_level'])})"


def _market_notes(document: dict[str, Any]) -> list[str]:
    """One line per offer: which components matched how, and where ('no market data' lines kept whole)."""
    lines = []
    for o in document["offers"]:
        groups: dict[str, list[str]] = {}
        for m in o.get("market") or ():
            if m["percentile"] is None:
                lines.append(f"{o['id']}: {m['component']}: {m['match']}")
                continue
            size = f", {m['sample_size']} samples" if m.get("sample_size") else ""
            groups.setdefault(f"matched {m['match']} in {m['source']}{size}", []).append(m["component"])
        for how, components in groups.items():
            lines.append(f"{o['id']}: market {', '.join(components)} {how}")
    if any(o.get("market") for o in document["offers"]):
        lines.append("market positions compare pre-tax pay (market data is pre-tax)")
    return lines


ENGINE_LABELS = {"builtin": "the built-in tables", "policyengine": "PolicyEngine-US", "flat": "a flat rate"}


def _tax_notes(document: dict[str, Any]) -> list[str]:
    """Per offer, and for the current job ("now"): which engine, where and how, which tax years,
    then the engine's notes (among them why a figure is missing, e.g. no tax tables)."""
    lines = []
    current = document.get("current") or {}
    for label, t in [(o["id"], o.get("tax")) for o in document["offers"]] + [("now", current.get("tax"))]:
        if not t:
            continue
        p = t["profile"]
        where = "/".join(x for x in (p.get("country"), p.get("state"), p.get("locality")) if x) or "no country"
        years = [y["year"] for y in t["years"]]
        span = "" if not years else f", tax year {years[0]}" if len(years) == 1 else f", tax years {years[0]} to {years[-1]}"
        version = f" ({t['engine_version']})" if t.get("engine_version") else ""
        if all(y.get("total_tax") is None for y in t["years"]):
            lines.append(f"{label}: no after-tax figure for {where}")  # the engine's notes below say why
        elif t["engine"] == "flat":
            lines.append(f"{label}: after tax at a flat {fmt.percent(p.get('flat_rate'))}, the rate given by you")
        else:
            lines.append(f"{label}: after tax by {ENGINE_LABELS.get(t['engine'], t['engine'])}{version} for "
                         f"{where}, {p['filing_status'].replace('_', ' ')}{span} ({t['basis']})")
        lines += [f"{label}: {note}" for note in t["notes"] if note != "flat rate given by you"]
    return lines


def _notes(document: dict[str, Any], basis: str = "offer-year") -> list[str]:
    lines = _market_notes(document) + _tax_notes(document)
    current = document.get("current") or {}
    lines += [f"now: {note}" for note in (*current.get("notes", ()), *(current.get("calendar_notes", ()) if basis == "calendar-year" else ()))]
    for o in document["offers"]:
        for flag in o["flags"]:
            lines.append(f"{o['id']}: {flag}")
        if o["missing_terms"]:
            lines.append(f"{o['id']}: terms not in the file: {', '.join(o['missing_terms'])}")
    return lines


def render_table(document: dict[str, Any], *, width: int | None = None, color: bool = False, basis: str = "offer-year") -> str:
    """A side-by-side comparison for the terminal (deterministic at a fixed width). With
    `color`, each offer's column header takes its palette colour (report/palette.py).

    User text is cleaned by `sanitize.terminal` and rich markup is off, so a company called
    `Initech [acquired]` prints as written."""
    from rich.console import Console
    from rich.table import Table

    from .palette import CURRENT_COLOR, offer_color

    header, rows = _grid(document, basis)
    clean = lambda cell: sanitize.terminal(cell, keep_newlines=False)  # noqa: E731
    header, rows = [clean(h) for h in header], [[clean(c) for c in row] for row in rows]
    table = Table(show_lines=False, box=None, pad_edge=False, header_style="bold")
    table.add_column(header[0], no_wrap=True)
    styles = ([CURRENT_COLOR] if baseline(document) else []) + [offer_color(i) for i in range(len(document["offers"]))]
    for h, style in zip(header[1:], styles):
        table.add_column(h, justify="right", header_style=f"bold {style}" if color else "bold")
    for row in rows:
        table.add_row(*row)
    buf = io.StringIO()
    console = Console(file=buf, width=width or max(100, 34 + 22 * (len(header) - 1)), color_system="truecolor" if color else None,
                      force_terminal=color, highlight=False, soft_wrap=False, markup=False, emoji=False)
    for line in _header(document, basis):
        console.print(line)
    console.print()
    console.print(table)
    fx = _fx_lines(document)
    if fx:
        console.print()
        console.print(clean("Exchange rates: " + "; ".join(fx)))
    notes = _notes(document, basis)
    if notes:
        console.print()
        for line in notes:
            console.print(f"- {clean(line)}")
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"


def _md_escape(text: str) -> str:
    """Figures and labels this module wrote: only a stray `|` could break the table."""
    return sanitize.terminal(sanitize.one_line(text), keep_newlines=False).replace("|", "\\|")


def render_markdown(document: dict[str, Any], *, basis: str = "offer-year") -> str:
    """Markdown; user text (companies, ids, sources, flags) escaped by `sanitize.md_inline`."""
    header, rows = _grid(document, basis)
    stay = baseline(document)
    header = [""] + ([f"Now: {sanitize.md_inline(stay['company'] or 'current job')}"] if stay else []) + [
        f"{sanitize.md_inline(o['company'])} ({sanitize.md_inline(o['id'])})" for o in document["offers"]]
    out = ["# Offer comparison", "", *_header(document, basis), ""]
    out.append("| " + " | ".join(header) + " |")
    out.append("|" + "---|" + "---:|" * (len(header) - 1))
    for row in rows:
        out.append("| " + " | ".join(_md_escape(c) for c in row) + " |")
    fx = _fx_lines(document)
    if fx:
        out += ["", "Exchange rates:", *[f"- {sanitize.md_inline(line)}" for line in fx]]
    notes = _notes(document, basis)
    if notes:
        out += ["", "Notes:", *[f"- {sanitize.md_inline(n)}" for n in notes]]
    return "\n".join(out) + "\n"


def render_csv(document: dict[str, Any], *, escape: bool = True, basis: str = "offer-year") -> str:
    """One row per offer and year: the year's components beside the offer's headline figures.

    With `basis="calendar-year"`: one row per offer and calendar year of the paid view, `year`
    being the calendar year, with `months_employed` and `partial` after it (the stay baseline's
    rows are its paid view).

    Text cells pass `sanitize.csv_cell` (formula-like text gets a leading `'`) unless
    `escape` is False (`--no-escape`)."""
    buf = io.StringIO()
    headline_keys = [k for k, _ in ROWS]
    year_keys = ["base", "bonus", "sign_on", "equity", "refresh_equity", "retirement", "benefits", "relocation", "tc", "total_rewards"]
    writer = csv.writer(buf, lineterminator="\n")
    # The figures are in the reporting currency; offer_currency is the currency of the offer itself.
    calendar = basis == "calendar-year"
    stay = baseline(document)
    if calendar and stay is not None and "calendar_years" not in stay:
        stay = None  # a document without the stay's paid view
    # With a stay baseline: a `scenario` column (offer or current), the current job's rows
    # first, and each offer's differences from it.
    versus = [(key, part) for key in VERSUS_LABELS for part in ("difference", "fraction")] if stay else []
    writer.writerow([*(["scenario"] if stay else []), "offer_id", "company", "offer_currency", "reporting_currency", "year",
                     *(["months_employed", "partial"] if calendar else []), *year_keys, *headline_keys, *[f"vs_current_{key}_{part}" for key, part in versus]])
    rows = ([("current", {**stay, "id": "current", "company": stay["company"] or "current job"})] if stay else [])
    rows += [("offer", o) for o in document["offers"]]
    for scenario, o in rows:
        extra = [(o.get("vs_current") or {}).get(key, {}).get(part) for key, part in versus]
        for y in o["calendar_years"] if calendar else o["years"]:
            writer.writerow(
                [*([sanitize.csv_cell(scenario, escape=escape)] if stay else []),
                 *[sanitize.csv_cell(c, escape=escape) for c in (o["id"], o["company"], o["currency"], document["currency"])],
                 y["year"], *([y["months_employed"], y["partial"]] if calendar else []), *[y[k] for k in year_keys], *["" if o.get(k) is None else o[k] for k in headline_keys],
                 *["" if v is None else v for v in extra]]
            )
    return buf.getvalue()

