"""Render a NegotiationPlan as a plain-text table view, Markdown or JSON (all return str).

Everything is read from `plan.to_dict()`, so the three views cannot disagree. Money is
formatted by `toolkit.format`; JSON money is rounded to cents there too. Deterministic: no
colour, no terminal width, no clock.
"""

from __future__ import annotations

import json
from typing import Any

from .. import format as fmt
from .. import sanitize
from ..report.text import round_document
from ..negotiation.rules import SOURCES

STATUS_MARK = {"confirmed": "[x]", "missing": "[ ]", "to_confirm": "[?]"}


def render_json(plan: Any) -> str:
    return json.dumps(round_document(plan.to_dict()), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _amount(value: Any, unit: Any, currency: Any = None) -> str:
    """A talking point's or counter line's amount in its unit: money in its currency, days, percent."""
    if value is None:
        return "—"
    if unit == "days":
        return f"{fmt.number(value)} days"
    if unit == "percent":
        return fmt.percent(value)
    return fmt.money(value, currency or "")


amount_in_unit = _amount  # public name for other renderers (the brief)


def _change(tp: dict[str, Any]) -> str:
    if tp.get("current") is None or tp.get("target") is None:
        return ""
    ask = tp["ask"]
    sign = "+" if ask >= 0 else "-"
    u, c = tp.get("unit"), tp.get("currency")
    return f"{_amount(tp['current'], u, c)} → {_amount(tp['target'], u, c)} ({sign}{_amount(abs(ask), u, c)})"


def _decision_lines(doc: dict[str, Any]) -> list[str]:
    r = doc["ranking"]
    out = []
    if r.get("top") and r.get("runner_up"):
        cross = r.get("crossover_year")
        cross_text = (f"cumulative TC changes leader in year {cross}" if cross is not None
                      else "cumulative TC keeps the same leader over the horizon")
        g = r.get("break_even_growth")
        g_text = f"break-even stock growth {fmt.percent(g)} a year" if g is not None else "no break-even stock growth between −90% and +200% a year"
        lead = f"{r['top']} and {r['runner_up']} tie on" if r.get("tied") else f"{r['top']} leads {r['runner_up']} on"
        out.append(f"{lead} {r['rank_by']}; {cross_text}; {g_text}.")
    after = r.get("if_counters_granted")
    if after and after.get("top") and after.get("runner_up"):
        lead = (f"{after['top']} and {after['runner_up']} tie" if after.get("tied") else f"{after['top']} leads {after['runner_up']}")
        out.append(f"If every counter below is granted: {lead} on {r['rank_by']}.")
    return out


def _walk_rows(o: dict[str, Any], cur: str) -> list[list[str]]:
    return [[str(w["month"]), fmt.money(w["cash_received"], cur), fmt.money(w["equity_received"], cur),
             fmt.money(w.get("retirement_vested", 0.0), cur), fmt.money(w["repayment_owed"], cur), fmt.money(w["net_value"], cur)]
            for w in o["walkaway"]]


WALK_HEADER = ["month", "cash", "equity", "retirement", "repay", "net"]


def _grid(rows: list[list[str]], header: list[str], indent: str = "  ", left: int = 1) -> list[str]:
    """Fixed-width columns: the first `left` columns left-aligned, the rest right-aligned."""
    widths = [max(len(str(r[k])) for r in [header, *rows]) for k in range(len(header))]
    fmt_row = lambda r: indent + "  ".join(str(c).ljust(w) if k < left else str(c).rjust(w) for k, (c, w) in enumerate(zip(r, widths)))  # noqa: E731
    return [fmt_row(header).rstrip(), *[fmt_row(r).rstrip() for r in rows]]


def _ranking_rows(doc: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    r = doc["ranking"]
    header = ["rank", "offer", "company", r["rank_by"], "personal score", "score rank"]
    rows = [[str(x["rank"]) if x["rank"] is not None else "—", sanitize.one_line(x["offer_id"]), sanitize.one_line(x["company"]), fmt.money(x["value"], r["currency"]),
             f"{x['score']:.2f}" if x["score"] is not None else "—", _score_rank(x)] for x in r["offers"]]
    return header, rows


def _score_rank(x: dict[str, Any]) -> str:
    """'2' or, for offers with equal scores, '2 (tie)' (competition ranking: 1, 2, 2, 4)."""
    if x.get("score_rank") is None:
        return "—"
    return f"{x['score_rank']}{' (tie)' if x.get('score_tied') else ''}"


def render_table(plan: Any) -> str:
    doc = plan.to_dict()
    cur = doc["currency"]
    out = [f"Negotiation plan as of {doc['today']} (figures in {cur}; market target p{doc['target_percentile']:g})", ""]
    header, rows = _ranking_rows(doc)
    out += [f"Decision summary (ranked by {doc['ranking']['rank_by']})", *_grid(rows, header, left=3)]
    out += [f"  {line}" for line in _decision_lines(doc)]
    f = doc.get("forfeit")
    if f:
        out += ["", f"Leaving {f['company'] or 'your current job'} now forfeits {fmt.money(f['total'], f['currency'])}:"]
        out += [f"  - {i['item']}{' vesting ' + i['date'] if i['date'] else ''}: {fmt.money(i['amount'], i['currency'])}" for i in f["items"]]
    for o in doc["offers"]:
        oc = o["currency"]
        out += ["", f"== {sanitize.one_line(o['id'])}: {sanitize.one_line(o['company'])} ({oc}) ==", "", "Terms checklist ([x] confirmed, [?] to confirm, [ ] missing)"]
        out += [f"  {STATUS_MARK[c['status']]} {c['item']}: {c['reason']}" for c in o["checklist"]]
        out += ["", "Talking points (in priority order)", f"  (source tags like [S58] are listed in {SOURCES})"]
        if not o["talking_points"]:
            out.append("  none")
        for t in o["talking_points"]:
            change = _change(t)
            out.append(f"  {t['priority']}. {t['rule']} [{t['component']}]{': ' + change if change else ''}")
            out += [f"     why: {t['rationale']}", f"     evidence: {t['evidence']}", f"     say: {t['script']}"]
        c = o["counter"]
        out += ["", "Bundled counter-offer", f"  {c.get('summary', '')}"]
        if c:
            out.append(f"  year-1 TC {fmt.money(c['year1_tc_before'], cur)} → {fmt.money(c['year1_tc_after'], cur)}; "
                       f"average TC {fmt.money(c['average_tc_before'], cur)} → {fmt.money(c['average_tc_after'], cur)} a year")
            if c.get("reaches"):
                out.append(f"  {c['reaches']}")
        out += ["", "Walk-away value if you leave after N months (paid by then; retirement: employer money vested; repayments under the clawback terms)"]
        out += _grid(_walk_rows(o, cur), WALK_HEADER)
        out += [f"  note: {n}" for n in o.get("walkaway_notes") or ()]
        out += ["", "Message drafts"]
        for d in o["drafts"]:
            out += ["", f"--- {d['kind']} ---", f"Subject: {sanitize.one_line(d['subject'])}", "", d["body"].rstrip("\n")]
    return sanitize.terminal("\n".join(out)) + "\n"  # user text inside: no escape sequences reach the terminal


def _md(text: Any) -> str:
    """A table cell this module wrote (it may quote user text): one line, no `|`, no controls."""
    return sanitize.terminal(sanitize.one_line(text), keep_newlines=False).replace("|", "\\|")


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(_md(h) for h in header) + " |", "|" + "---|" * len(header),
            *["| " + " | ".join(_md(c) for c in r) + " |" for r in rows]]


def render_markdown(plan: Any) -> str:
    doc = plan.to_dict()
    cur = doc["currency"]
    out = ["# Negotiation plan", "", f"As of {doc['today']}; figures in {cur}; market target p{doc['target_percentile']:g}.", "",
           f"## Decision summary (ranked by {doc['ranking']['rank_by']})", ""]
    header, rows = _ranking_rows(doc)
    out += _md_table(header, rows)
    lines = _decision_lines(doc)
    if lines:
        out += ["", *lines]
    f = doc.get("forfeit")
    if f:
        out += ["", f"Leaving {f['company'] or 'your current job'} now forfeits **{fmt.money(f['total'], f['currency'])}**:", ""]
        out += [f"- {i['item']}{' vesting ' + i['date'] if i['date'] else ''}: {fmt.money(i['amount'], i['currency'])}" for i in f["items"]]
    for o in doc["offers"]:
        out += ["", f"## {sanitize.md_inline(o['company'])} ({sanitize.md_code(o['id'])})", "", "### Terms checklist", ""]
        out += _md_table(["item", "status", "reason"], [[c["item"], c["status"], c["reason"]] for c in o["checklist"]])
        out += ["", "### Talking points", "", f"Source tags like [S58] are listed in `{SOURCES}`.", ""]
        if not o["talking_points"]:
            out.append("None.")
        for t in o["talking_points"]:
            change = _change(t)
            out += [f"{t['priority']}. **{t['rule']}** ({t['component']}){': ' + change if change else ''}  ",
                    f"   {t['rationale']}  ", f"   *Evidence:* {t['evidence']}  ", f"   *Say:* “{t['script']}”"]
        c = o["counter"]
        out += ["", "### Bundled counter-offer", "", c.get("summary", "")]
        if c:
            out += ["", f"Year-1 TC {fmt.money(c['year1_tc_before'], cur)} → {fmt.money(c['year1_tc_after'], cur)}; "
                        f"average TC {fmt.money(c['average_tc_before'], cur)} → {fmt.money(c['average_tc_after'], cur)} a year."]
            if c.get("reaches"):
                out += ["", c["reaches"]]
        out += ["", "### Walk-away value", ""]
        out += _md_table(WALK_HEADER, _walk_rows(o, cur))
        out += [f"\n*Note:* {_md(n)}" for n in o.get("walkaway_notes") or ()]
        out += ["", "### Message drafts"]
        for d in o["drafts"]:
            out += ["", f"#### {d['kind']}", "", f"**Subject:** {sanitize.md_inline(d['subject'])}", "", *sanitize.md_fence(d["body"].rstrip("\n"))]
    return "\n".join(out) + "\n"


def render(plan: Any, fmt_name: str) -> str:
    if fmt_name == "json":
        return render_json(plan)
    if fmt_name == "markdown":
        return render_markdown(plan)
    return render_table(plan)
