"""HTML tables for Jupyter (`_repr_html_`): evaluations, offers and any result DataFrame.

Pure: results in, an HTML string out. Every piece of user text (company names, notes, ids,
column names, cell values) is HTML-escaped, so an offer file cannot inject markup into a
notebook. Numbers are formatted by `toolkit.format`; nothing here rounds on its own.
"""

from __future__ import annotations

import html
import math
from numbers import Number
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from .. import format as fmt
from ..offers.results import HEADLINE_BY_KEY

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..offers.models import Offer
    from ..offers.results import Evaluation

MAX_ROWS = 200
STYLE = (
    "<style>"
    ".toolkit-table{border-collapse:collapse;font-size:0.9em;margin:0.4em 0}"
    ".toolkit-table th,.toolkit-table td{padding:0.25em 0.6em;border-bottom:1px solid #ddd}"
    ".toolkit-table td.num{text-align:right;font-variant-numeric:tabular-nums}"
    ".toolkit-table caption{text-align:left;font-weight:bold;padding-bottom:0.3em}"
    ".toolkit-note{font-size:0.85em;color:#555;margin:0.2em 0}"
    "</style>"
)

# (column of Evaluation.summary, header) in the order the summary table shows them.
SUMMARY_COLUMNS = tuple((key, HEADLINE_BY_KEY[key].short) for key in (
    "year1_tc", "average_tc", "total_tc", "average_total_rewards", "average_tc_after_tax", "average_tc_col_adjusted",
    "total_tc_present_value",
))
# Columns of `evaluation.market` shown under the summary, when there is market data.
MARKET_COLUMNS = ("offer_id", "component", "value", "percentile", "p50", "gap_to_p50", "match", "source")


def esc(value: Any) -> str:
    """HTML-escape any value's text (quotes included)."""
    return html.escape("" if value is None else str(value), quote=True)


def _cell(value: Any, currency: str | None) -> tuple[str, bool]:
    """(escaped text, numeric?) for one cell."""
    if isinstance(value, bool):
        return esc(value), False
    if isinstance(value, Number):
        if fmt.is_missing(value):
            return "—", True
        v = float(value)
        if currency is not None:
            return esc(fmt.money(v, currency)), True
        if float(v).is_integer() and abs(v) < 1e15:
            return esc(fmt.number(v, 0)), True
        return esc(fmt.number(v, 0 if abs(v) >= 1000 else 4 if abs(v) < 1 else 2)), True
    if fmt.is_missing(value):
        return "—", False
    return esc(value), False


def _table(headers: Sequence[str], rows: Iterable[Sequence[tuple[str, bool]]], caption: str | None) -> str:
    out = [STYLE, '<table class="toolkit-table">']
    if caption:
        out.append(f"<caption>{esc(caption)}</caption>")
    out.append("<thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in headers) + "</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(f'<td class="num">{t}</td>' if num else f"<td>{t}</td>" for t, num in row) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def frame_html(
    df: "pd.DataFrame",
    title: str | None = None,
    *,
    money_columns: Sequence[str] = (),
    currency: str | None = None,
    max_rows: int = MAX_ROWS,
) -> str:
    """Any DataFrame as an escaped HTML table.

    Args:
        df: the frame (its index is not shown; reset it first if it carries data).
        title: caption above the table.
        money_columns: columns formatted as money in `currency`.
        currency: the currency of `money_columns`.
        max_rows: show at most this many rows and say how many were left out.
    """
    headers = [str(c) for c in df.columns]
    money = set(money_columns) if currency else set()
    shown = df.head(max_rows)
    rows = (
        [_cell(v, currency if col in money else None) for col, v in zip(df.columns, rec)]
        for rec in shown.itertuples(index=False, name=None)
    )
    out = _table(headers, rows, title)
    if len(df) > max_rows:
        out += f'<p class="toolkit-note">{esc(fmt.number(len(df) - max_rows))} more rows not shown.</p>'
    return out


def summary_html(evaluation: "Evaluation") -> str:
    """The evaluation as an HTML table: one row per offer, the headline figures, then notes.

    Columns that are empty for every offer (no tax rate, no discount rate, ...) are left out.
    Assumptions and FX rates used are listed under the table; so are each offer's flags.
    """
    summary = evaluation.summary
    cur = evaluation.currency
    cols = [(c, h) for c, h in SUMMARY_COLUMNS if c in summary.columns and not summary[c].isna().all()]
    headers = ["Offer", "Company", "Currency"] + [h for _, h in cols]
    rows = []
    for i, rec in summary.iterrows():
        row = [(esc(rec["offer_id"]), False), (esc(rec["company"]), False), (esc(rec["offer_currency"]), False)]
        row += [_cell(rec[c], cur) for c, _ in cols]
        rows.append(row)
    a = evaluation.assumptions
    caption = f"{len(evaluation.ids)} offer(s) in {cur} over {a.horizon_years} year(s)"
    out = [_table(headers, rows, caption)]
    notes = [
        f"Assumptions: annual raise {fmt.percent(a.annual_raise)}, stock growth {fmt.percent(a.stock_growth)}, "
        f"refreshers {'included' if a.include_refreshers else 'excluded'}, "
        f"private-equity discount {fmt.percent(a.private_equity_discount)}"
        + (f", discount rate {fmt.percent(a.discount_rate)}" if a.discount_rate is not None else "")
        + (f", tax rate {fmt.percent(a.tax_rate)}" if a.tax_rate is not None else "")
        + "."
    ]
    for code, rate in sorted(evaluation.fx.used([o.currency for o in evaluation.offers]).items()):
        if code != cur:
            d = rate.as_dict() if hasattr(rate, "as_dict") else {}
            when = f", as of {d['date']}" if d.get("date") else ""
            notes.append(f"1 {code} = {fmt.rate(rate.rate)} {cur}{when} ({d.get('source', 'FX table')}).")
    out += [f'<p class="toolkit-note">{esc(n)}</p>' for n in notes]
    flag_items = [
        f"<li><b>{esc(oid)}</b>: {esc(flag)}</li>"
        for oid, flags in zip(evaluation.ids, evaluation.flags)
        for flag in flags
    ]
    if flag_items:
        out.append('<ul class="toolkit-note">' + "".join(flag_items) + "</ul>")
    market = evaluation.market
    if market is not None and len(market):
        cols = [c for c in MARKET_COLUMNS if c in market.columns]
        money = [c for c in ("value", "p50", "gap_to_p50") if c in cols]
        out.append(frame_html(market[cols], "Market position", money_columns=money, currency=cur))
    return "".join(out)


def _grant_text(grant: Any, currency: str) -> str:
    cur = grant.currency or currency
    if grant.type == "option":
        text = f"{fmt.number(grant.shares)} options, strike {fmt.money(grant.strike, cur, decimals=2)}"
        if grant.share_price is not None:
            text += f", share price {fmt.money(grant.share_price, cur, decimals=2)}"
    elif grant.grant_value is not None:
        text = f"RSUs worth {fmt.money(grant.grant_value, cur)}"
    else:
        text = f"{fmt.number(grant.shares)} RSUs at {fmt.money(grant.share_price, cur, decimals=2)}"
    text += f", vesting {grant.vesting.label}"
    if grant.private:
        text += " (private company)"
    return text


def offer_rows(offer: "Offer") -> list[tuple[str, str]]:
    """(term, text) pairs describing an offer's terms, in reading order (unescaped)."""
    cur = offer.currency
    rows: list[tuple[str, str]] = [("Company", offer.company)]
    for name, label in (("id", "Id"), ("role", "Role"), ("level", "Level"), ("location", "Location"), ("status", "Status")):
        value = getattr(offer, name)
        if value is not None:
            rows.append((label, str(value)))
    rows.append(("Currency", cur))
    pay = offer.base_salary
    per = getattr(pay.per, "value", pay.per)
    base = f"{fmt.money(pay.amount, cur)} per {per}"
    if per != "year":
        base += f" ({fmt.money(offer.annual_base, cur)} a year)"
    rows.append(("Base salary", base))
    if offer.bonus is not None:
        b = offer.bonus
        text = f"{fmt.percent(b.target)} of base" if b.target is not None else fmt.money(b.amount, cur)
        if b.expected_payout != 1.0:
            text += f", expected payout {fmt.percent(b.expected_payout, 0)}"
        rows.append(("Bonus", text))
    for p in offer.sign_on or ():
        rows.append(("Sign-on", f"{fmt.money(p.amount, cur)} in year {p.year}"
                     + (f", clawback {p.clawback_months} months" if p.clawback_months else "")))
    for k, g in enumerate(offer.equity or (), start=1):
        rows.append((f"Equity grant {k}", _grant_text(g, cur)))
    if offer.refresher is not None:
        r = offer.refresher
        rows.append(("Refreshers (expected)", f"{fmt.money(r.annual_value, r.currency or cur)} a year"))
    if offer.pto_days is not None:
        rows.append(("PTO", f"{fmt.number(offer.pto_days)} days"))
    if offer.relocation is not None:
        rows.append(("Relocation", fmt.money(offer.relocation.amount, cur)))
    for name, label in (("start_date", "Start date"), ("deadline", "Deadline"), ("notes", "Notes")):
        value = getattr(offer, name)
        if value is not None:
            rows.append((label, str(value)))
    return rows


def offer_html(offer: "Offer") -> str:
    """One offer's terms as a two-column HTML table (for `Offer._repr_html_`)."""
    rows = [[(esc(term), False), (esc(text), False)] for term, text in offer_rows(offer)]
    return _table(["Term", "Value"], rows, f"Offer: {offer.company}")


def montecarlo_html(result: Any) -> str:
    """A Monte Carlo result's quantiles as an HTML table (for `MonteCarloResult._repr_html_`)."""
    title = (f"Monte Carlo: {result.paths:,} paths, volatility {result.volatility:.0%}, "
             f"seed {result.seed} ({result.currency})")
    return frame_html(result.quantiles, title)
