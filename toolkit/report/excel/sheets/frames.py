"""Rows from data: a titled block of a DataFrame's columns (Negotiation and Follow-ups sheets), and
one row per offer and entry of a JSON block (Tax and Calendar-years sheets)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Callable, Sequence

from ..styles import DATE, DAYS, INT, NUM, PCT0, money_format
from ..writer import SheetWriter, number


HEADERS = {"offer_id": "Offer id", "year1_tc_before": "Year-1 TC now", "year1_tc_after": "Year-1 TC with the counter",
           "average_tc_before": "Average TC now", "average_tc_after": "Average TC with the counter"}


def unit_format(unit: Any, currency: Any = None, default: str = NUM) -> str:
    """The number format of an amount in `unit` (negotiation.rules.UNITS): 'money' in `currency`
    ('EUR' → '"€"#,##0'), 'days' ('0 "days"'), 'percent' ('0%'); a bare currency code as the
    unit is money in it; anything else `default`."""
    if unit == "money" and isinstance(currency, str) and currency:
        return money_format(currency)
    if unit == "days":
        return DAYS
    if unit == "percent":
        return PCT0
    if isinstance(unit, str) and len(unit) == 3 and unit.isalpha() and unit.isupper():
        return money_format(unit)
    return default


def write_frame(sh: SheetWriter, frame: Any, columns: Sequence[str], money_cols: Sequence[str] = (), currency: str = "",
                unit_col: str | None = None) -> tuple[int, int]:
    """Write the header and rows of `frame`'s `columns` that exist; returns (header row, last row).

    Amounts in `money_cols` are formatted in `currency`, or, when `unit_col` names a column of
    the frame, in that row's unit (a currency code or 'days'), so a euro ask shows in euros."""
    present = [c for c in columns if c in getattr(frame, "columns", ())]
    header = sh.header([HEADERS.get(c, c.replace("_", " ").capitalize()) for c in present])
    money = money_format(currency) if currency else NUM
    has_unit = unit_col is not None and unit_col in getattr(frame, "columns", ())
    extra = [c for c in (unit_col, "currency") if has_unit and c in getattr(frame, "columns", ()) and c not in present]
    for rec in frame[present + extra].to_dict("records") if present else []:
        specs: list[tuple | None] = []
        row_money = unit_format(rec.get(unit_col), rec.get("currency"), money) if has_unit else money
        for c in present:
            v = rec[c]
            if v is None or (isinstance(v, float) and math.isnan(v)):
                specs.append(None)
            elif c in money_cols and number(v) is not None:
                specs.append((number(v), "plain", row_money))
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                specs.append((float(v), "plain", NUM))
            elif hasattr(v, "isoformat") and not isinstance(v, str):
                specs.append((v if isinstance(v, dt.date) else str(v), "plain", DATE))
            else:
                specs.append((str(v), "plain_wrap"))
        sh.values(specs)
    return header, sh.row


def write_block_rows(sh: SheetWriter, spec: Any, offers: Sequence[Any], blocks: Sequence[dict], rows_key: str,
                     cell: Callable[[str, Any, dict], tuple | None]) -> int:
    """One row per offer and entry of its JSON block's `rows_key` list (`years` of the tax block,
    `calendar_years`): offer number, id and company, then `cell(key, value, entry)` for each of
    the spec's other columns the entry has (None leaves the cell empty). Returns the row count."""
    keys = [c.key for c in spec.columns[3:]]
    rows = 0
    for i, (o, block) in enumerate(zip(offers, blocks)):
        for entry in block.get(rows_key) or ():
            values: dict[str, tuple | None] = {"offer_no": (i + 1, "plain", INT), "offer_id": (o.id, "plain"),
                                               "company": (o.company, "plain")}
            for k in keys:
                if k in entry and (value := cell(k, entry[k], entry)) is not None:
                    values[k] = value
            sh.values(spec.row_values(values))
            rows += 1
    return rows
