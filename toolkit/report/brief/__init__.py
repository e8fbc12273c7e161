"""The offer brief: a two-page document (HTML, and PDF through WeasyPrint) to read and share.

`brief_data` gathers plain data — the JSON document of `report.text.build_document` with the
negotiation plan's and the stay baseline's blocks, the follow-up actions — and shapes it into
what the page shows, top to bottom (docs/brief.md lists the sections). `render_html` fills the
Jinja2 template in this folder; `render_pdf` turns that HTML into PDF with WeasyPrint, imported
only then, so HTML needs no system library. `write_brief` writes either, atomically. The
charts are matplotlib figures from `report.charts`, embedded as SVG with their text kept as
text (selectable, searchable) and an alt text that states the figures they draw.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import os
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Optional, Sequence

from ... import format as fmt
from ...errors import ToolkitError
from ..negotiation import amount_in_unit
from ..palette import CURRENT_COLOR, offer_color, offer_marker
from ..text import ROWS, baseline, round_document

PAPERS = {"letter": "letter", "a4": "A4"}
MAX_ACTIONS = 5  # follow-up actions shown; the rest are counted (six pushed the sample to a third page)
MAX_ASKS = 3  # talking points with an ask, per offer
OFFERS_PER_GROUP = 3  # offers per headline table (and per extra page)
RANK_LABELS = {
    "year1_tc": "year-1 TC", "average_tc": "average TC", "total_tc": "total TC",
    "average_total_rewards": "average total rewards", "average_tc_col_adjusted": "cost-of-living-adjusted average TC",
    "average_tc_after_tax": "after-tax average TC",
}
STATUS_LABELS = {"missing": "missing", "to_confirm": "to confirm"}
# Headline rows the two-page brief leaves to the JSON and the workbook (the after-tax section
# below the table carries the per-year after-tax figures).
BRIEF_LEAVES_OUT = frozenset({"year1_tc_after_tax", "average_total_rewards_after_tax", "average_tc_after_tax_col_adjusted"})
SOURCES_DOC = "docs/sources.md"
ECB_URL = "https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/html/index.en.html"


class PdfRendererMissing(ToolkitError):
    """WeasyPrint, or the system libraries it loads (Pango), cannot be used on this machine."""


def max_pages(n_offers: int) -> int:
    """Two pages for up to three offers, one more for each further three."""
    return 2 + max(0, -(-(n_offers - OFFERS_PER_GROUP) // OFFERS_PER_GROUP))


def paper_for(offers: Sequence[Any]) -> str:
    """'letter' when the first offer's location resolves to the United States, else 'a4'."""
    from ...geography import resolve_location

    location = getattr(offers[0], "location", None) if offers else None
    return "letter" if location and resolve_location(location).country == "US" else "a4"


# ---------------------------------------------------------------- charts


def svg_data_uri(fig) -> str:
    """A matplotlib figure as an SVG data URI, its text kept as text and no timestamp inside."""
    import matplotlib

    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "offer-brief"}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


@lru_cache(maxsize=1)
def _chart_style() -> dict[str, Any]:
    # the brief's own font, so that the chart labels match the text and render the same everywhere
    return {"font.family": "sans-serif", "font.sans-serif": ["Liberation Sans", "DejaVu Sans"], "font.size": 9,
            "axes.titlesize": 10, "svg.fonttype": "none"}


def brief_charts(evaluation, stay=None) -> list[dict[str, str]]:
    """The year-by-year chart (with the stay line) and the market band chart (TC, else base)."""
    import matplotlib
    import numpy as np
    from matplotlib.ticker import MaxNLocator

    from .. import charts
    from ..taxlabels import after_tax_label

    out = []
    cur = evaluation.currency
    with matplotlib.rc_context(_chart_style()):
        after = evaluation.after_tax.after_tax_tc
        if np.isnan(after).all():  # no tax figure for any offer: the plain TC lines
            fig = charts.plot_tc_by_year(evaluation, baseline=stay, figsize=(4.6, 2.5))
            fig.axes[0].set_title(f"TC by year ({cur})")
            lines = [f"{oid}: " + ", ".join(fmt.money(v, cur) for v in evaluation.figures.tc[i]) for i, oid in enumerate(evaluation.ids)]
            kind = "Line chart of total compensation"
        else:  # the TC chart carries the after-tax bars (issue 14): one chart, so the brief keeps its pages
            fig = charts.plot_tc_after_tax(evaluation, baseline=stay, compact=True, figsize=(4.6, 2.5))
            fig.axes[0].set_title(f"TC by year, before and after tax ({cur})")
            lines = [f"{oid}: " + ", ".join(fmt.money(v, cur) + ("" if a != a else f" ({fmt.money(a, cur)} after tax)")
                                            for v, a in zip(evaluation.figures.tc[i], after[i]))
                     for i, oid in enumerate(evaluation.ids)]
            kind = ("Bar chart of total compensation before and after tax (after tax: the tax engine's figures, "
                    + "; ".join(dict.fromkeys(after_tax_label(evaluation.after_tax.offer_block(i)) for i in range(len(evaluation.ids))))
                    + ")")
        if stay is not None:  # after tax too where the chart has after-tax bars and a stay after-tax line
            stay_after = stay.after_tax.after_tax_tc[0] if not np.isnan(after).all() else np.full(stay.figures.tc.shape[1], np.nan)
            lines.insert(0, "now (stay): " + ", ".join(fmt.money(v, cur) + ("" if a != a else f" ({fmt.money(a, cur)} after tax)")
                                                      for v, a in zip(stay.figures.tc[0], stay_after)))
        out.append({"title": "Year by year", "uri": svg_data_uri(fig),
                    "alt": f"{kind} in each of years 1 to {evaluation.horizon_years}, per offer"
                           f"{' and a line for staying' if stay is not None else ''}: " + "; ".join(lines) + "."})
        market = evaluation.market
        if market is not None and len(market):
            components = set(market["component"])
            component = "total" if "total" in components else ("base" if "base" in components else None)
            fig = charts.plot_market_band(evaluation, component=component, width=4.6, height=max(2.5, 0.3 * len(evaluation.ids) + 1.2))
            fig.axes[0].xaxis.set_major_locator(MaxNLocator(4))  # the half-page width has room for four money labels
            fig.axes[0].set_title(f"{'TC' if component == 'total' else (component or 'Pay').capitalize()} against the market ({cur})")
            rows = charts.market_rows(evaluation, component)
            described = [f"{r['offer_id']} {fmt.money(r['value'], cur)} at {charts.placement_label(r['percentile'], r.get('clamped'))}"
                         f" (median {fmt.money(r['p50'], cur)})" for _, r in rows.iterrows()]
            out.append({"title": "Against the market", "uri": svg_data_uri(fig),
                        "alt": "Market band chart: for each offer the p10 to p90 range as a line, p25 to p75 as a box, the median as a tick "
                               "and the offer as a marker: " + "; ".join(described) + "."})
    return out


# ---------------------------------------------------------------- the page's data


def _pct_label(fraction: Optional[float]) -> str:
    if fraction is None:
        return ""
    return f"{'+' if fraction >= 0 else '−'}{fmt.percent(abs(fraction))}"


def decision_sentence(doc: dict[str, Any]) -> str:
    """The decision summary in one sentence, from the ranking and the stay baseline."""
    cur = doc["currency"]
    r = doc.get("ranking") or _ranking_by_average(doc)
    offers = {o["id"]: o for o in doc["offers"]}
    stay = baseline(doc)
    key = r.get("rank_by", "average_tc")
    label = RANK_LABELS.get(key, key.replace("_", " "))
    top = r.get("top") or doc["offers"][0]["id"]
    t = offers[top]
    value = next((x["value"] for x in r.get("offers", ()) if x["offer_id"] == top), t.get(key))
    per = " a year" if key.startswith("average") else ""
    parts = [f"{t['company']} leads on {label} at {fmt.money(value, cur)}{per}"] if r.get("runner_up") else \
        [f"{t['company']} is the only offer: {label} {fmt.money(value, cur)}{per}"]
    if r.get("runner_up"):
        b = offers[r["runner_up"]]
        other = next(x["value"] for x in r["offers"] if x["offer_id"] == r["runner_up"])
        if r.get("tied"):
            parts = [f"{t['company']} and {b['company']} tie on {label} at {fmt.money(value, cur)}{per}"]
        else:
            diff = value - other
            parts.append(f"{fmt.money(diff, cur)} ({_pct_label(diff / other) if other > 0 else ''}) more than {b['company']}".replace(" ()", ""))
    vs = (t.get("vs_current") or {}).get("average_tc")
    if stay and vs:
        more = "more" if vs["difference"] >= 0 else "less"
        parts.append(f"{fmt.money(abs(vs['difference']), cur)} a year on average ({_pct_label(vs['fraction'])}) {more} than staying at "
                     f"{stay['company'] or 'your current job'}")
    sentence = ", ".join(parts)
    if r.get("runner_up") and not r.get("tied") and not r.get("no_crossover"):
        cross = r.get("crossover_year")
        sentence += (f"; the lead on cumulative TC changes hands in year {cross}" if cross is not None
                     else f"; the cumulative leader does not change within {doc['horizon_years']} years")
    scored = [x for x in r.get("offers", ()) if x.get("score_rank") == 1]
    if len(scored) == 1 and scored[0]["offer_id"] != top:
        sentence += f", but {scored[0]['company']} scores highest on your own weighted factors"
    return sentence + "."


def _ranking_by_average(doc: dict[str, Any]) -> dict[str, Any]:
    """Without a negotiation plan: the offers ranked by average TC (no crossover or score is claimed)."""
    ranked = sorted(doc["offers"], key=lambda o: -(o.get("average_tc") or 0.0))
    rows = [{"offer_id": o["id"], "value": o.get("average_tc") or 0.0, "company": o["company"]} for o in ranked]
    out: dict[str, Any] = {"rank_by": "average_tc", "top": ranked[0]["id"], "runner_up": ranked[1]["id"] if len(ranked) > 1 else None,
                           "offers": rows, "no_crossover": True}
    out["tied"] = len(rows) > 1 and round(rows[0]["value"], 2) == round(rows[1]["value"], 2)
    return out


def _columns(doc: dict[str, Any], ids: Sequence[str]) -> list[dict[str, Any]]:
    index = {o["id"]: i for i, o in enumerate(doc["offers"])}
    cols = []
    stay = baseline(doc)
    if stay:
        cols.append({"label": f"Now: {stay['company'] or 'current job'}", "sub": "stay (baseline)", "color": CURRENT_COLOR,
                     "marker": "×", "data": stay, "current": True})
    for oid in ids:
        o = doc["offers"][index[oid]]
        cols.append({"label": o["company"], "sub": oid, "color": offer_color(index[oid]), "marker": _MARKER_GLYPHS.get(offer_marker(index[oid]), "•"),
                     "data": o, "current": False})
    return cols


_MARKER_GLYPHS = {"o": "●", "s": "■", "^": "▲", "D": "◆", "v": "▼", "P": "✚", "X": "✖", "*": "★"}


def _headline_table(doc: dict[str, Any], ids: Sequence[str]) -> dict[str, Any]:
    cur = doc["currency"]
    cols = _columns(doc, ids)
    rows = []
    for key, label in ROWS:
        if key in BRIEF_LEAVES_OUT:
            continue
        cells = [c["data"].get(key) for c in cols]
        if all(v is None for v in cells):
            continue
        rows.append({"label": label, "cells": [fmt.money(v, cur) for v in cells], "key": key})
    if baseline(doc):
        # the average before and after tax (the stay taxed by the same engine): one row each, no year-1 row (two pages)
        for key, label in (("average_tc", "Average TC vs now"), ("average_tc_after_tax", "Average TC after tax vs now")):
            cells = ["baseline"] + [fmt.versus((c["data"].get("vs_current") or {}).get(key, {}).get("difference"),
                                               (c["data"].get("vs_current") or {}).get(key, {}).get("fraction"), cur) for c in cols[1:]]
            rows.append({"label": label, "cells": cells, "key": f"vs_{key}", "emphasis": True})
    for k in range(doc["horizon_years"]):
        rows.append({"label": f"Year {k + 1} TC", "cells": [fmt.money(c["data"]["years"][k]["tc"], cur) if c["data"].get("years") else "—"
                                                             for c in cols], "key": f"year{k + 1}", "year": True})
    market = [_market_text(c["data"], cur) for c in cols]
    if any(m for m in market):
        rows.append({"label": "Market position", "cells": [m or "—" for m in market], "key": "market"})
    deadlines = [c["data"].get("deadline_text") or "—" for c in cols]
    if any(d != "—" for d in deadlines):
        rows.append({"label": "Respond by", "cells": deadlines, "key": "deadline"})
    for row in rows:
        row.setdefault("emphasis", False)
        row.setdefault("year", False)
    return {"columns": cols, "rows": rows}


def _market_text(offer: dict[str, Any], cur: str) -> str:
    from ..charts import placement_label

    entries = {m["component"]: m for m in offer.get("market") or () if m.get("percentile") is not None}
    m = entries.get("total") or entries.get("base")
    if not m:
        return ""
    what = "" if m["component"] == "total" else " (base)"
    median = f", median {fmt.money(m['p50'], cur)}" if m.get("p50") is not None else ""
    return f"{placement_label(m['percentile'], m.get('clamped'))}{what}{median}"


def _confirm(doc: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for o in doc["offers"]:
        for c in o.get("checklist") or ():
            if c["status"] in STATUS_LABELS:
                out.append({"offer": o["id"], "item": c["item"].replace("_", " "), "status": STATUS_LABELS[c["status"]], "reason": c["reason"]})
    return out


def _asks(doc: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for o in doc["offers"]:
        points = [t for t in o.get("talking_points") or () if t.get("ask") is not None][:MAX_ASKS]
        for t in points:
            unit, currency = t.get("unit"), t.get("currency")
            amount = lambda v: amount_in_unit(v, unit, currency)  # noqa: E731  money in its currency, days, percent
            change = f"{amount(t['current'])} → {amount(t['target'])}" if t.get("current") is not None else f"+{amount(t['ask'])}"
            out.append({"offer": o["id"], "priority": t["priority"], "what": t["component"].replace("_", " "), "rule": t["rule"],
                        "change": change, "script": t["script"], "evidence": t["evidence"]})
    return out


def _counters(doc: dict[str, Any]) -> list[dict[str, Any]]:
    cur = doc["currency"]
    out = []
    for o in doc["offers"]:
        c = o.get("counter") or {}
        if not c.get("summary"):
            continue
        out.append({"offer": o["id"], "summary": c["summary"],
                    "year1": f"{fmt.money(c['year1_tc_before'], cur)} → {fmt.money(c['year1_tc_after'], cur)}",
                    "average": f"{fmt.money(c['average_tc_before'], cur)} → {fmt.money(c['average_tc_after'], cur)}",
                    "lands": c.get("reaches") or ""})
    return out


def _walkaway(doc: dict[str, Any]) -> Optional[dict[str, Any]]:
    cur = doc["currency"]
    offers = [o for o in doc["offers"] if o.get("walkaway")]
    if not offers:
        return None
    months = sorted({w["month"] for o in offers for w in o["walkaway"]})
    rows = []
    for m in months:
        cells = []
        for o in offers:
            w = next((w for w in o["walkaway"] if w["month"] == m), None)
            cells.append("—" if w is None else fmt.money(w["net_value"], cur) + (f" (repay {fmt.money(w['repayment_owed'], cur)})" if w["repayment_owed"] else ""))
        rows.append({"month": m, "cells": cells})
    return {"offers": [o["id"] for o in offers], "rows": rows}


def _tax_caveats(t: dict[str, Any]) -> str:
    """The tax notes a reader of the brief must see (what is left out, whose rate); the rest
    (tables used, rules not modelled) stays in the JSON and the terminal notes."""
    notes = [str(n) for n in t.get("notes") or () if any(w in str(n) for w in ("not included", "given by you", "no tax"))]
    if any("latest published" in str(n) for n in t.get("notes") or ()):
        notes.append("later years use the latest published tables")
    return "; ".join(notes)


def _after_tax(doc: dict[str, Any]) -> Optional[dict[str, Any]]:
    """After-tax figures from the tax engine's per-offer `tax` block, when the document has one:
    per offer the engine, place and filing status, the tax years covered, the average after-tax
    TC, and per tax year (as the engine labels it: 2027, 2026/27) the after-tax TC, the tax and
    the effective rate. (A flat --tax-rate is also the headline table's "Average TC after tax" row.)"""
    from ..taxlabels import engine_name, tax_years

    cur = doc["currency"]
    if not any(o.get("tax") for o in doc["offers"]):
        return None
    rows = []
    for o in doc["offers"]:
        t = o.get("tax") or {}
        p = t.get("profile") or {}
        place = " · ".join(str(p[k]) for k in ("country", "state", "locality") if p.get(k))
        status = str(p.get("filing_status") or "").replace("_", " ")
        years = [{"label": str(y.get("year")), "after": fmt.money(y.get("after_tax_tc"), cur), "tax": fmt.money(y.get("total_tax"), cur),
                  "rate": fmt.percent(y.get("effective_rate")) if y.get("effective_rate") is not None else "—"}
                 for y in t.get("years") or () if y.get("after_tax_tc") is not None]  # none at all: the row says "no after-tax figure"
        notes = "; ".join(n for n in _tax_caveats(t).split("; ") if n and not (t.get("engine") == "flat" and n == "flat rate given by you"))
        rows.append({"offer": o["id"], "engine": engine_name(t), "where": ", ".join(x for x in (place, status) if x),
                     "span": tax_years(t), "years": years, "notes": notes})
    # a caveat every offer shares is said once below the table, not on each row
    shared = set.intersection(*(set(r["notes"].split("; ")) if r["notes"] else set() for r in rows)) if rows else set()
    for r in rows:
        r["notes"] = "; ".join(n for n in r["notes"].split("; ") if n and n not in shared)
    versions = list(dict.fromkeys(str((o.get("tax") or {}).get("engine_version")) for o in doc["offers"]
                                  if (o.get("tax") or {}).get("engine") not in (None, "flat") and (o.get("tax") or {}).get("engine_version")))
    # one engine for every offer (the usual case): named once, above the table, with the span of tax
    # years when that is common too (a start after January adds a tax year cut by the horizon)
    engines = {r["engine"] for r in rows}
    spans = {r["span"] for r in rows}
    common = next(iter(engines)) if len(engines) == 1 else None
    for r in rows:
        r["own_engine"] = common is None
    return {"kind": "engine", "rows": rows, "versions": "; ".join(versions), "shared": "; ".join(sorted(shared)),
            "engine": common or "", "span": next(iter(spans)) if common and len(spans) == 1 else ""}


def _actions(followups) -> tuple[list[dict[str, str]], int]:
    """The first MAX_ACTIONS follow-up actions (overdue first, as the plan orders them) and how many more."""
    if followups is None or not len(followups):
        return [], 0
    rows = []
    for _, r in followups.head(MAX_ACTIONS).iterrows():
        due = r["due"]
        rows.append({"due": due.isoformat() if hasattr(due, "isoformat") else str(due), "company": str(r["company"]), "action": str(r["action"]),
                     "status": str(r["status"]), "reason": str(r["reason"])})
    return rows, max(0, len(followups) - MAX_ACTIONS)


def _sources(doc: dict[str, Any]) -> list[dict[str, str]]:
    """Every [Sxx] tag cited in the asks shown, with its title and address from docs/sources.md."""
    cited: list[str] = []
    for a in _asks(doc):
        for tag in re.findall(r"\[(S\d+[a-z]?)\]", a["evidence"] or ""):
            if tag not in cited:
                cited.append(tag)
    known = _source_list()
    return [{"tag": tag, "title": known.get(tag, ("", ""))[0], "url": known.get(tag, ("", ""))[1]} for tag in cited]


@lru_cache(maxsize=1)
def _source_list() -> dict[str, tuple[str, str]]:
    """Tag → (title, address), read from the repository's docs/sources.md when it is there."""
    path = Path(__file__).resolve().parents[3] / SOURCES_DOC
    if not path.exists():
        return {}
    out = {}
    for m in re.finditer(r"^- \*\*\[(S\d+[a-z]?)\]\*\* (.*?): <(https?://[^>]+)>", path.read_text(encoding="utf-8"), re.M):
        out[m.group(1)] = (m.group(2), m.group(3))
    return out


def _fine_print(doc: dict[str, Any]) -> dict[str, Any]:
    a = doc["assumptions"]
    parts = [f"horizon {doc['horizon_years']} years", f"annual raise {fmt.percent(a['annual_raise'])}",
             f"stock growth {fmt.percent(a['stock_growth'])} a year", f"refreshers {'counted' if a['include_refreshers'] else 'not counted'} in TC"]
    if a.get("private_equity_discount"):
        parts.append(f"private equity discounted {fmt.percent(a['private_equity_discount'])}")
    if a.get("discount_rate") is not None:
        parts.append(f"present value at {fmt.percent(a['discount_rate'])}")
    if a.get("tax_rate") is not None:
        parts.append(f"flat tax rate {fmt.percent(a['tax_rate'])}")
    fx = []
    for code, r in doc.get("fx", {}).items():
        fx.append({"text": f"1 {code} = {fmt.rate(r['rate'])} {doc['currency']} ({r['source']}{', ' + r['date'] if r.get('date') else ''})",
                   "url": ECB_URL if "European Central Bank" in str(r.get("source")) else ""})
    market = sorted({f"{m['source']}" for o in doc["offers"] for m in o.get("market") or () if m.get("source")})
    # A flag several offers share (the projected 401(k) limits) is written once, naming them all.
    by_flag: dict[str, list[str]] = {}
    for o in doc["offers"]:
        for flag in o.get("flags") or ():
            by_flag.setdefault(str(flag), []).append(o["id"])
    notes = [f"{', '.join(ids)}: {flag}" for flag, ids in by_flag.items()]
    stay = doc.get("current")
    if stay:
        notes += [f"now: {n}" for n in stay.get("notes") or ()]
    return {"assumptions": f"Figures in {doc['currency']}, pre-tax unless marked, earned basis: " + ", ".join(parts) + ".",
            "fx": fx, "market": market, "notes": notes, "sources": _sources(doc), "sources_doc": SOURCES_DOC}


def brief_data(document: dict[str, Any], *, charts: Sequence[dict[str, str]] = (), followups=None, today: dt.date,
               deadlines: Optional[dict[str, str]] = None, title: str = "Offer brief") -> dict[str, Any]:
    """What the brief shows, in reading order, from the JSON document (money already rounded).

    Args:
        document: `report.text.build_document(...)` with the plan's per-offer blocks (checklist,
            talking_points, counter, walkaway), its ranking, and the stay baseline's blocks.
        charts: from `brief_charts`.
        followups: the follow-up plan's frame (`FollowupPlan.to_frame(labels=True)`), or None.
        deadlines: offer id → "2026-11-27 (2 days)" for the headline table.
    """
    doc = round_document(document)
    for o in doc["offers"]:
        o["deadline_text"] = (deadlines or {}).get(o["id"])
    ids = [o["id"] for o in doc["offers"]]
    groups = [ids[k:k + OFFERS_PER_GROUP] for k in range(0, len(ids), OFFERS_PER_GROUP)]
    actions, more = _actions(followups)
    return {
        "title": title, "today": today.isoformat(), "currency": doc["currency"], "summary": decision_sentence(doc),
        "tables": [_headline_table(doc, g) for g in groups], "charts": list(charts),
        "offers": [{"id": o["id"], "company": o["company"], "color": offer_color(i)} for i, o in enumerate(doc["offers"])],
        "confirm": _confirm(doc), "asks": _asks(doc), "counters": _counters(doc), "walkaway": _walkaway(doc),
        "after_tax": _after_tax(doc), "actions": actions, "more_actions": more, "fine": _fine_print(doc),
        "has_plan": any("checklist" in o for o in doc["offers"]),
    }


# ---------------------------------------------------------------- rendering


def render_html(data: dict[str, Any], *, paper: str = "a4") -> str:
    """The brief as one self-contained HTML page (styles and charts inline)."""
    import jinja2

    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}, got {paper!r}")
    folder = resources.files("toolkit.report.brief")
    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    template = env.from_string(folder.joinpath("brief.html.j2").read_text(encoding="utf-8"))
    css = folder.joinpath("brief.css").read_text(encoding="utf-8").replace("@PAPER@", PAPERS[paper])
    return template.render(css=css, **data)


INSTALL_HINT = (
    "writing a PDF needs WeasyPrint's system libraries (Pango): on Debian/Ubuntu `apt-get install libpango-1.0-0 "
    "libpangoft2-1.0-0 libharfbuzz-subset0`, on macOS `brew install pango`, on Windows see "
    "https://doc.courtbouillon.org/weasyprint/stable/first_steps.html; or write the brief as HTML with -o brief.html "
    "(it needs no system library) and print that from a browser"
)


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the Python package is there but Pango is not
        raise PdfRendererMissing(f"{INSTALL_HINT} ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})") from None
    return weasyprint


def require_pdf_renderer() -> None:
    """Raise PdfRendererMissing (with how to install it) unless WeasyPrint loads here."""
    _weasyprint()


def render_pdf(html: str) -> bytes:
    """The HTML brief as PDF bytes (WeasyPrint). Raises PdfRendererMissing without its libraries."""
    weasyprint = _weasyprint()
    # PDF 1.4: the document information (Creator offer-toolkit, from the generator meta) stays outside
    # compressed object streams, where the output guard (io.output_owner) reads it
    return weasyprint.HTML(string=html, base_url=os.getcwd()).write_pdf(pdf_version="1.4")


def write_brief(path: str | os.PathLike, html: str, inputs: Sequence[str | os.PathLike] = (), *, force: bool = False) -> Path:
    """Write the brief to `path`: PDF for .pdf, the HTML itself for .html (atomic; inputs never overwritten;
    a file offer-toolkit did not write replaced only with `force`, docs/outputs.md)."""
    from ...io import write_with

    path = Path(path)
    if path.suffix.lower() == ".pdf":
        pdf = render_pdf(html)  # rendered before anything is written: a missing library leaves no file behind
        return write_with(path, lambda tmp: Path(tmp).write_bytes(pdf), inputs, kind="document", force=force)
    return write_with(path, lambda tmp: Path(tmp).write_text(html, encoding="utf-8"), inputs, kind="document", force=force)


# ---------------------------------------------------------------- from an evaluation


def _deadlines(evaluation, today: dt.date) -> dict[str, str]:
    out = {}
    for o in evaluation.offers:
        if o.deadline is not None:
            days = (o.deadline - today).days
            when = "passed" if days < 0 else ("today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}")
            out[o.id] = f"{o.deadline.isoformat()} ({when})"
    return out


def brief_html(evaluation, *, plan=None, stay=None, followups=None, today: dt.date, paper: Optional[str] = None) -> str:
    """The brief's HTML for an evaluation (placed against market data or not).

    Args:
        plan: a `negotiation.NegotiationPlan` (terms to confirm, asks, counter, walk-away, ranking).
        stay: a `negotiation.current.Baseline` (the current job as the "stay" column and line).
        followups: `FollowupPlan.to_frame(labels=True)`.
        paper: "letter" or "a4"; default `paper_for(evaluation.offers)`.
    """
    from ..document import market_block
    from ..text import build_document

    offer_blocks: list = [market_block]
    document_blocks: list = []
    if plan is not None:
        offer_blocks += plan.offer_blocks(("checklist", "talking_points", "counter", "walkaway"))
        document_blocks += plan.document_blocks()
    if stay is not None:
        offer_blocks.append(stay.offer_block)
        document_blocks.append(stay.document_block)
    document = build_document(evaluation, offer_blocks=tuple(offer_blocks), document_blocks=tuple(document_blocks))
    data = brief_data(document, charts=brief_charts(evaluation, stay.evaluation if stay is not None else None),
                      followups=followups, today=today, deadlines=_deadlines(evaluation, today))
    return render_html(data, paper=paper or paper_for(evaluation.offers))


def write_offer_brief(path: str | os.PathLike, evaluation, *, plan=None, stay=None, followups=None, today: dt.date,
                      paper: Optional[str] = None, inputs: Sequence[str | os.PathLike] = (), force: bool = False) -> Path:
    """`brief_html` written to `path` (.pdf or .html)."""
    return write_brief(path, brief_html(evaluation, plan=plan, stay=stay, followups=followups, today=today, paper=paper), inputs, force=force)
