"""The Excel report: a live workbook whose figures are formulas over marked input cells.

Data flow: an `Evaluation` (plus an optional negotiation plan and follow-ups) → one .xlsx
written atomically through `toolkit.io.write_with`. Every engine figure on the Summary and
Year-by-year sheets is an Excel formula that mirrors `toolkit.offers.engine` rule by rule, so
that editing an input cell (a base salary, the raise, stock growth, an FX rate) and
recalculating gives what `compare` computes with that input. Equity comes from a
vest-events table (one row per vest event) summed per offer and year with SUMIFS.

Only functions that Excel and LibreOffice share are used (SUM, AVERAGE, SUMIFS, SUMPRODUCT,
INDEX, MATCH, IF, ISNUMBER, MIN, MAX, RANK). Text is written through `_text`, which never
lets a string become a formula (data_type 's' plus quotePrefix), strips the control
characters Excel forbids and cuts overlong strings, each with an `ExcelTextWarning`.

The workbook is streamed with openpyxl's write-only mode, so the row layout is computed
first (`_Layout`) and the sheets are then written top to bottom. This module does not
compute any figure itself: the engine's numbers are only used for the market percentiles
(which depend on market data that is not in the workbook) and by the tests.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import warnings
from copy import copy
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..errors import ToolkitWarning
from ..format import SYMBOL
from ..sanitize import FORMULA_STARTS, workbook_text

FONT = "Calibri"
MAX_CELL_CHARS = 32_767

# Sheet names, in tab order: what a reader wants first, then the inputs, then the machinery.
SUMMARY, YEARS, MARKET, NEGOTIATION, FOLLOWUPS = "Summary", "Year by year", "Market", "Negotiation", "Follow-ups"
INPUTS, GRANTS, ASSUMPTIONS, VEST = "Inputs", "Grants", "Assumptions", "Vest events"

# Excel number formats (display only; cell values are unrounded).
PCT = "0.0%"
PCT2 = "0.00%"
RATE = "0.0000"
NUM = "#,##0.##"
INT = "0"
DATE = "yyyy-mm-dd"
PERCENTILE = '"p"0'
FRACTION = "0.0000%"

INPUT_FILL, HEADER_FILL, BEST_FILL, LOW_FILL, HIGH_FILL = "FFF2CC", "1F4E78", "C6EFCE", "FFC7CE", "BDD7EE"
FIRST_ROW = 4  # tables: title in row 1, note in row 2, header in row 3
MAX_CHART_OFFERS = 20
PERIODS = ("hour", "day", "week", "biweek", "semimonth", "month", "year")
DAYS_PER_YEAR = 260


class F(str):
    """A formula this module built. Only an F is ever written as a formula; any other str is text."""


class ExcelTextWarning(ToolkitWarning):
    """Text was changed to fit in a cell: forbidden control characters removed, or cut."""


def money_format(currency: str, decimals: int = 0) -> str:
    """'USD' → '"$"#,##0'; an unknown code is written before the number ('"XYZ "#,##0')."""
    symbol = SYMBOL.get(currency, f"{currency} ").replace('"', "")
    return f'"{symbol}"#,##0' + ("." + "0" * decimals if decimals else "")


def clean_text(value: Any, where: str = "") -> str:
    """Text as it can be stored in a cell: forbidden control characters removed, cut to 32,767."""
    text, removed = workbook_text(value)  # the shared cleaner (toolkit.sanitize)
    if removed:
        warnings.warn(f"{where}: removed {removed} control character(s) that Excel does not allow", ExcelTextWarning, stacklevel=4)
    if len(text) > MAX_CELL_CHARS:
        warnings.warn(
            f"{where}: text of {len(text):,} characters cut to Excel's limit of {MAX_CELL_CHARS:,}", ExcelTextWarning, stacklevel=4
        )
        text = text[: MAX_CELL_CHARS - 1] + "…"
    return text


def _num(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) or math.isinf(v) else v


def _col(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


def _q(sheet: str) -> str:
    return f"'{sheet}'!" if " " in sheet or "-" in sheet else f"{sheet}!"


# ---------------------------------------------------------------------- styles


class _Styles:
    """Named cell styles → cached StyleArrays (copying one is much cheaper than re-hashing Fonts)."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill

        self.Alignment, self.Font, self.PatternFill = Alignment, Font, PatternFill
        self._cache: dict[tuple[str, str | None], Any] = {}
        base = Font(name=FONT, size=11)
        self.fonts = {
            "plain": base,
            "bold": Font(name=FONT, size=11, bold=True),
            "input": Font(name=FONT, size=11, color="0000FF"),
            "header": Font(name=FONT, size=11, bold=True, color="FFFFFF"),
            "title": Font(name=FONT, size=16, bold=True, color=HEADER_FILL),
            "section": Font(name=FONT, size=12, bold=True, color=HEADER_FILL),
            "note": Font(name=FONT, size=10, italic=True, color="595959"),
        }
        self.fills = {"input": PatternFill("solid", fgColor=INPUT_FILL), "header": PatternFill("solid", fgColor=HEADER_FILL)}

    def apply(self, cell: Any, kind: str, fmt: str | None) -> None:
        key = (kind, fmt)
        cached = self._cache.get(key)
        if cached is not None:
            cell._style = copy(cached)
            return
        role = kind
        wrap = role.endswith("_wrap")
        if wrap:
            role = role[: -len("_wrap")]
        cell.font = self.fonts.get(role, self.fonts["plain"])
        if role in self.fills:
            cell.fill = self.fills[role]
        if fmt:
            cell.number_format = fmt
        if role == "header":
            cell.alignment = self.Alignment(wrap_text=True, vertical="center")
        elif wrap:
            cell.alignment = self.Alignment(wrap_text=True, vertical="top")
        self._cache[key] = copy(cell._style)


class _Sheet:
    """A write-only worksheet plus the row counter and the style cache."""

    def __init__(self, wb: Any, title: str, styles: _Styles) -> None:
        self.ws = wb.create_sheet(title)
        self.title = title
        self.styles = styles
        self.row = 0

    def widths(self, widths: Sequence[float]) -> None:
        for i, w in enumerate(widths, start=1):
            self.ws.column_dimensions[_col(i)].width = w

    def cell(self, value: Any, kind: str = "plain", fmt: str | None = None, col: int = 0) -> Any:
        from openpyxl.cell import WriteOnlyCell

        if isinstance(value, F):  # a formula built here
            c = WriteOnlyCell(self.ws, str(value))
        elif isinstance(value, str):
            return self.text(value, kind, col)
        elif isinstance(value, (bool, dt.date)) or value is None:
            c = WriteOnlyCell(self.ws, value)
        else:
            c = WriteOnlyCell(self.ws, _num(value))
        self.styles.apply(c, kind, fmt)
        return c

    def text(self, value: Any, kind: str = "plain", col: int = 0) -> Any:
        """Text that can never become a formula, an error value or a hyperlink."""
        from openpyxl.cell import WriteOnlyCell

        s = clean_text(value, f"{self.title}!{_col(col + 1) if col >= 0 else ''}{self.row + 1}")
        c = WriteOnlyCell(self.ws, None)
        c._value = s
        c.data_type = "s"
        self.styles.apply(c, kind, None)
        if s.startswith(FORMULA_STARTS):
            c.quotePrefix = True
        return c

    def append(self, cells: Iterable[Any]) -> int:
        self.ws.append(list(cells))
        self.row += 1
        return self.row

    def values(self, specs: Sequence[tuple]) -> int:
        """Append a row of (value, kind, fmt) specs (None for an empty cell)."""
        out = []
        for i, spec in enumerate(specs):
            if spec is None:
                out.append(None)
            else:
                value, kind, fmt = (tuple(spec) + (None, None))[:3]
                out.append(self.cell(value, kind or "plain", fmt, col=i))
        return self.append(out)

    def title_rows(self, title: str, note: str) -> None:
        self.values([(title, "title")])
        self.values([(note, "note")])

    def header(self, names: Sequence[str]) -> int:
        return self.append([self.text(n, "header", i) for i, n in enumerate(names)])

    def finish(self, *, last_col: int, freeze: str | None = None, header_row: int | None = None, filter_ref: str | None = None) -> None:
        ws = self.ws
        if filter_ref:
            ws.auto_filter.ref = filter_ref
        last_row = max(self.row, 1)
        ws.print_area = f"A1:{_col(max(last_col, 1))}{last_row}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.gridLines = False
        ws.page_margins.left = ws.page_margins.right = 0.5
        if header_row:
            ws.print_title_rows = f"{header_row}:{header_row}"


def _setup(sheet: _Sheet, widths: Sequence[float], freeze: str | None) -> None:
    """Column widths and frozen panes go before the first row in write-only mode."""
    from openpyxl.worksheet.properties import PageSetupProperties

    sheet.widths(widths)
    sheet.ws.row_dimensions[1].height = 24
    if freeze:
        sheet.ws.freeze_panes = freeze
    sheet.ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


# ---------------------------------------------------------------------- layout


class _Layout:
    """Where everything goes: rows of offers, grants, vest events and assumption cells."""

    def __init__(self, evaluation: Any) -> None:
        e = evaluation
        self.e = e
        self.n = len(e.offers)
        self.h = e.horizon_years
        self.cur = e.currency
        self.index = {oid: i for i, oid in enumerate(e.ids)}
        # Assumptions sheet: fixed rows
        self.a = {
            "currency": 4, "horizon": 5, "raise": 6, "growth": 7, "discount": 8, "refreshers": 9,
            "discount_rate": 10, "tax_rate": 11, "fx_date": 12,
            "comp_limit": 15, "deferral_limit": 16, "espp_limit": 17,
        }
        codes = {o.currency for o in e.offers}
        codes |= {g.currency for o in e.offers for g in (o.equity or ()) if g.currency}
        codes |= {o.refresher.currency for o in e.offers if o.refresher and o.refresher.currency}
        codes.discard(self.cur)
        self.fx_codes = [self.cur] + sorted(codes)
        self.fx_first = 20
        self.fx_last = self.fx_first + len(self.fx_codes) - 1
        # Inputs columns
        self.tiers = max([len(o.retirement.tiers) for o in e.offers if o.retirement] + [1])
        cols: list[tuple[str, str, float]] = [
            ("no", "#", 5), ("id", "Offer id", 14), ("company", "Company", 26), ("role", "Role", 20), ("level", "Level", 9),
            ("location", "Location", 20), ("status", "Status", 9), ("start_date", "Start date", 11), ("deadline", "Deadline", 11),
            ("currency", "Currency", 9), ("fx", f"FX rate to {self.cur}", 11), ("base", "Base salary (as paid)", 14),
            ("per", "Paid per", 10), ("hours", "Hours per year", 9), ("extra", "Extra months", 9),
            ("factor", "Annual factor", 9), ("annual", "Annual base (offer currency)", 15),
            ("bonus_target", "Bonus target", 9), ("bonus_amount", "Bonus amount", 12), ("payout", "Expected payout", 9),
        ]
        cols += [(f"sign_on_{k}", f"Sign-on year {k}", 12) for k in range(1, self.h + 1)]
        cols += [("sign_on_terms", "Sign-on terms", 30), ("relocation", "Relocation", 12), ("relocation_terms", "Relocation terms", 24)]
        for t in range(1, self.tiers + 1):
            cols += [(f"match_{t}", f"401(k) match {t}", 9), (f"up_to_{t}", f"on pay up to {t}", 9)]
        cols += [
            ("employer", "Employer contribution", 11), ("health", "Health (annual)", 12), ("hsa", "HSA (annual)", 11),
            ("other", "Other benefits (annual)", 12), ("other_detail", "Other benefits detail", 28),
            ("espp_discount", "ESPP discount", 9), ("espp_contribution", "ESPP contribution", 11),
            ("pto", "PTO days", 8), ("col", "COL index", 8), ("tax", "Tax rate", 8), ("visa", "Visa", 28),
            ("factors", "Factors (1-5)", 24), ("notes", "Notes", 40), ("missing", "Missing terms", 30), ("flags", "Flags", 50),
        ]
        self.inputs_cols = cols
        self.ic = {key: _col(i) for i, (key, _, _) in enumerate(cols, start=1)}
        # Grants: one row per grant and refresher
        self.grants: list[tuple[int, int, Any, str]] = []  # (offer index, grant no (0 = refresher), model, kind)
        for i, o in enumerate(e.offers):
            for g, grant in enumerate(o.equity or (), start=1):
                self.grants.append((i, g, grant, grant.type))
            if o.refresher is not None:
                self.grants.append((i, 0, o.refresher, "refresher"))
        self.grant_row = {(i, g): FIRST_ROW + k for k, (i, g, _, _) in enumerate(self.grants)}
        self.events = e.vest_events
        self.ev_last = max(FIRST_ROW, FIRST_ROW + len(self.events) - 1)

    def inputs_row(self, i: int) -> int:
        return FIRST_ROW + i

    def year_row(self, i: int, k: int) -> int:
        """Row of offer i (0-based), year k (1-based) on the Year-by-year sheet."""
        return FIRST_ROW + i * self.h + (k - 1)

    def A(self, key: str) -> str:
        return f"{ASSUMPTIONS}!$B${self.a[key]}"

    def I(self, key: str, i: int) -> str:
        return f"{INPUTS}!${self.ic[key]}${self.inputs_row(i)}"

    def fx_lookup(self, cell: str) -> str:
        return (f"INDEX({ASSUMPTIONS}!$B${self.fx_first}:$B${self.fx_last},"
                f"MATCH({cell},{ASSUMPTIONS}!$A${self.fx_first}:$A${self.fx_last},0))")


# ---------------------------------------------------------------------- sheets


def _write_assumptions(sh: _Sheet, L: _Layout) -> None:
    from ..offers.engine import limits

    e, a = L.e, L.e.assumptions
    _setup(sh, [40, 16, 58, 12], "A4")
    sh.title_rows("Assumptions", "Yellow cells with blue text are inputs: change one and recalculate; every figure follows.")
    sh.header(["Assumption", "Value", "Notes", ""])
    sh.values([("Reporting currency", "bold"), (L.cur, "plain"), ("all figures are converted into this currency", "note")])
    sh.values([("Horizon (years)", "bold"), (a.horizon_years, "plain", INT),
               ("fixed when the report was written: run compare --horizon N for another horizon", "note")])
    sh.values([("Annual raise", "bold"), (a.annual_raise, "input", PCT2), ("base salary grows by this each year", "note")])
    sh.values([("Stock growth (per year)", "bold"), (a.stock_growth, "input", PCT2), ("share-price growth; a grant's own growth on Grants overrides it", "note")])
    sh.values([("Private-equity discount", "bold"), (a.private_equity_discount, "input", PCT2), ("taken off private-company grants", "note")])
    sh.values([("Include refreshers in TC", "bold"), (bool(a.include_refreshers), "input"), ("TRUE or FALSE; expected refreshers are not promised", "note")])
    sh.values([("Discount rate (present value)", "bold"), (a.discount_rate, "input", PCT2), ("empty: no present value", "note")])
    sh.values([("Tax rate (after-tax figure)", "bold"), (a.tax_rate, "input", PCT2), ("empty: no after-tax figure unless an offer has its own", "note")])
    sh.values([("FX date", "bold"), (a.fx_date, "plain", DATE), ("date of the reference rates (for the record)", "note")])
    sh.values([])
    lim = limits()
    k401, espp = lim["us_401k"], lim["us_espp"]
    sh.header(["US limits (USD offers only)", "Value", "Source", ""])
    year = lambda d: getattr(d.get("effective"), "year", "")  # noqa: E731
    sh.values([(f"401(k) compensation limit ({year(k401)})", "bold"), (k401["compensation_limit"], "input", money_format("USD")), (k401["source"], "note")])
    sh.values([(f"401(k) elective deferral limit ({year(k401)})", "bold"), (k401["deferral_limit"], "input", money_format("USD")), (k401["source"], "note")])
    sh.values([(f"ESPP purchase limit ({year(espp)})", "bold"), (espp["purchase_limit"], "input", money_format("USD")), (espp["source"], "note")])
    sh.values([])
    sh.header(["Currency", f"Rate ({L.cur} per 1 unit)", "Source", "Date"])
    for code in L.fx_codes:
        if code == L.cur:
            sh.values([(code, "bold"), (1.0, "plain", RATE), ("reporting currency", "note")])
        else:
            r = e.fx.rates[code]
            sh.values([(code, "bold"), (r.rate, "input", "0.000000"), (r.source, "plain"), (r.date, "plain", DATE)])
    sh.finish(last_col=4)


def _sign_on_terms(o: Any, horizon: int) -> str:
    parts = []
    for p in o.sign_on or ():
        bits = [f"{p.amount:,.0f} in year {p.year}"]
        if p.clawback_months is not None:
            bits.append(f"clawback {p.clawback_months} months{' ' + p.clawback if p.clawback else ''}")
        if p.repay_basis:
            bits.append(f"repaid {p.repay_basis}")
        if p.year > horizon:
            bits.append("after the horizon: not counted")
        parts.append(", ".join(bits))
    return "; ".join(parts)


def _relocation_terms(o: Any) -> str:
    r = o.relocation
    if r is None:
        return ""
    bits = []
    if r.grossed_up is not None:
        bits.append("grossed up" if r.grossed_up else "not grossed up")
    if r.clawback_months is not None:
        bits.append(f"clawback {r.clawback_months} months{' ' + r.clawback if r.clawback else ''}")
    if r.repay_basis:
        bits.append(f"repaid {r.repay_basis}")
    return ", ".join(bits)


def _visa_text(o: Any) -> str:
    v = o.visa
    if v is None:
        return ""
    bits = [v.sponsorship or "sponsorship not stated"]
    if v.green_card is not None:
        bits.append("green card" if v.green_card else "no green card")
    if v.fees_paid_by:
        bits.append(f"fees paid by {v.fees_paid_by}")
    return ", ".join(bits)


def _write_inputs(sh: _Sheet, L: _Layout) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    e = L.e
    _setup(sh, [w for _, _, w in L.inputs_cols], "D4")
    sh.title_rows("Inputs: the offer terms", "One offer per row. Yellow cells with blue text are inputs; amounts are in the offer's own currency.")
    sh.header([h for _, h, _ in L.inputs_cols])
    keys = [k for k, _, _ in L.inputs_cols]
    IN = "input"
    for i, o in enumerate(e.offers):
        r = L.inputs_row(i)
        c = L.ic
        mf = money_format(o.currency)
        mf2 = money_format(o.currency, 2)
        v: dict[str, tuple] = {
            "no": (i + 1, "plain", INT), "id": (o.id, "plain"), "company": (o.company, IN), "role": (o.role, IN),
            "level": (o.level, IN), "location": (o.location, IN), "status": (o.status, IN),
            "start_date": (o.start_date, IN, DATE), "deadline": (o.deadline, IN, DATE), "currency": (o.currency, IN),
            "fx": (F("=" + L.fx_lookup(c["currency"] + str(r))), "plain", RATE),
            "base": (o.base_salary.amount, IN, mf if float(o.base_salary.amount).is_integer() else mf2),
            "per": (o.base_salary.per.value, IN), "hours": (o.hours_per_year, IN, NUM), "extra": (o.extra_months, IN, NUM),
            "factor": (F(
                f'=IF({c["per"]}{r}="hour",IF(ISNUMBER({c["hours"]}{r}),{c["hours"]}{r},2080),'
                f'IF({c["per"]}{r}="month",12+IF(ISNUMBER({c["extra"]}{r}),{c["extra"]}{r},0),'
                f'IF({c["per"]}{r}="day",{DAYS_PER_YEAR},IF({c["per"]}{r}="week",52,IF({c["per"]}{r}="biweek",26,'
                f'IF({c["per"]}{r}="semimonth",24,1))))))'),
                "plain", NUM,
            ),
            "annual": (F(f"={c['base']}{r}*{c['factor']}{r}"), "plain", mf),
        }
        if o.bonus is not None:
            v["bonus_target"] = (o.bonus.target, IN, PCT)
            v["bonus_amount"] = (o.bonus.amount, IN, mf)
            v["payout"] = (o.bonus.expected_payout, IN, PCT)
        else:
            v["bonus_target"] = (None, IN, PCT)
            v["bonus_amount"] = (None, IN, mf)
            v["payout"] = (None, IN, PCT)
        per_year = [0.0] * L.h
        any_year = [False] * L.h
        for p in o.sign_on or ():
            if p.year <= L.h:
                per_year[p.year - 1] += p.amount
                any_year[p.year - 1] = True
        for k in range(1, L.h + 1):
            v[f"sign_on_{k}"] = (per_year[k - 1] if any_year[k - 1] else None, IN, mf)
        v["sign_on_terms"] = (_sign_on_terms(o, L.h) or None, "input_wrap")
        v["relocation"] = (o.relocation.amount if o.relocation else None, IN, mf)
        v["relocation_terms"] = (_relocation_terms(o) or None, IN)
        ret = o.retirement
        for t in range(1, L.tiers + 1):
            tier = ret.tiers[t - 1] if ret is not None and t <= len(ret.tiers) else None
            v[f"match_{t}"] = (tier.match if tier else None, IN, PCT)
            v[f"up_to_{t}"] = (tier.up_to if tier else None, IN, PCT)
        v["employer"] = (ret.employer_contribution if ret else None, IN, PCT)
        b = o.benefits
        v["health"] = (b.health if b else None, IN, mf)
        v["hsa"] = (b.hsa if b else None, IN, mf)
        other = sum(b.other.values()) if b and b.other else None
        v["other"] = (other, IN, mf)
        v["other_detail"] = ("; ".join(f"{k}: {x:,.2f}" for k, x in b.other.items()) if b and b.other else None, IN)
        v["espp_discount"] = (b.espp.discount if b and b.espp else None, IN, PCT)
        v["espp_contribution"] = (b.espp.contribution if b and b.espp else None, IN, PCT)
        v["pto"] = (o.pto_days, IN, NUM)
        v["col"] = (o.col_index, IN, NUM)
        v["tax"] = (o.tax_rate, IN, PCT)
        v["visa"] = (_visa_text(o) or None, IN)
        v["factors"] = (", ".join(f"{k}: {x}" for k, x in (o.factors or {}).items()) or None, IN)
        v["notes"] = (o.notes, "input_wrap")
        v["missing"] = (", ".join(e.missing_terms[i]) or None, "plain")
        v["flags"] = ("; ".join(e.flags[i]) or None, "plain_wrap")
        sh.values([v.get(k) for k in keys])
    last = L.inputs_row(L.n - 1)
    dv = DataValidation(type="list", formula1='"' + ",".join(PERIODS) + '"', allow_blank=False)
    dv.add(f"{L.ic['per']}{FIRST_ROW}:{L.ic['per']}{last}")
    cur = DataValidation(type="list", formula1=f"{ASSUMPTIONS}!$A${L.fx_first}:$A${L.fx_last}", allow_blank=False)
    cur.add(f"{L.ic['currency']}{FIRST_ROW}:{L.ic['currency']}{last}")
    sh.ws.data_validations.append(dv)
    sh.ws.data_validations.append(cur)
    last_col = len(L.inputs_cols)
    sh.finish(last_col=last_col, header_row=3, filter_ref=f"A3:{_col(last_col)}{last}")


GRANT_COLS = [
    ("#", 5), ("Offer #", 7), ("Offer id", 14), ("Company", 24), ("Grant", 6), ("Kind", 10), ("Vesting", 26),
    ("Currency", 9), ("FX rate", 10), ("Shares", 10), ("Share price", 11), ("Grant value", 13), ("Strike", 9),
    ("Start value", 13), ("Strike total", 12), ("Private", 8), ("Own stock growth", 10), ("Growth used", 10), ("Multiplier", 10),
]


def _write_grants(sh: _Sheet, L: _Layout) -> None:
    e = L.e
    _setup(sh, [w for _, w in GRANT_COLS], "E4")
    sh.title_rows("Grants: equity grants and expected refreshers",
                  "Start value = grant value, or shares × share price; refreshers: the annual value granted at each anniversary.")
    sh.header([h for h, _ in GRANT_COLS])
    IN = "input"
    for k, (i, g, grant, kind) in enumerate(L.grants):
        r = FIRST_ROW + k
        o = e.offers[i]
        gcur = grant.currency or o.currency
        mf, mf2 = money_format(gcur), money_format(gcur, 2)
        if kind == "refresher":
            shares = price = strike = None
            value = grant.annual_value
        else:
            shares, price, value = grant.shares, grant.share_price, grant.grant_value
            strike = grant.strike if kind == "option" else None
        sh.values([
            (k + 1, "plain", INT), (i + 1, "plain", INT), (o.id, "plain"), (o.company, "plain"), (g, "plain", INT), (kind, "plain"),
            (grant.vesting.label, "plain"), (gcur, IN), (F(f"={L.fx_lookup(f'H{r}')}"), "plain", RATE),
            (shares, IN, NUM), (price, IN, mf2), (value, IN, mf), (strike, IN, mf2),
            (F(f"=IF(ISNUMBER(L{r}),L{r},J{r}*K{r})"), "plain", mf), (F(f'=IF(F{r}="option",J{r}*M{r},0)'), "plain", mf),
            (bool(grant.private), IN), (grant.stock_growth, IN, PCT2),
            (F(f"=IF(ISNUMBER(Q{r}),Q{r},{L.A('growth')})"), "plain", PCT2), (F(f"=IF(P{r},1-{L.A('discount')},1)"), "plain", PCT),
        ])
    if not L.grants:
        sh.values([("No equity grants in these offers.", "note")])
    last = max(FIRST_ROW, FIRST_ROW + len(L.grants) - 1)
    sh.finish(last_col=len(GRANT_COLS), header_row=3, filter_ref=f"A3:{_col(len(GRANT_COLS))}{last}")


VEST_COLS = [
    ("Offer #", 7), ("Offer id", 14), ("Grant row", 7), ("Kind", 10), ("Refresher", 9), ("Granted at month", 9), ("Month", 7),
    ("Year", 6), ("Fraction", 10), ("Start value", 13), ("Strike total", 12), ("Growth", 9), ("FX rate", 9), ("Multiplier", 9),
    ("Value", 13), ("Exercise cost", 12),
]


def _write_vest(sh: _Sheet, L: _Layout) -> None:
    _setup(sh, [w for _, w in VEST_COLS], "C4")
    sh.title_rows("Vest events: one row per vest within the horizon",
                  "Value = fraction × MAX(start value × (1 + growth)^((month − granted at) / 12) − strike total, 0) × FX rate × multiplier.")
    sh.header([h for h, _ in VEST_COLS])
    ev = L.events
    money = money_format(L.cur)
    if len(ev):
        cols = [ev[c].tolist() for c in ("offer_id", "grant", "kind", "anniversary", "month", "year", "fraction")]
        G = f"{GRANTS}!"
        for r, (oid, g, kind, ann, month, year, frac) in enumerate(zip(*cols), start=FIRST_ROW):
            i = L.index[oid]
            gr = L.grant_row[(i, int(g))]
            sh.values([
                (i + 1, "plain", INT), (oid, "plain"), (gr - FIRST_ROW + 1, "plain", INT), (kind, "plain"),
                (1 if kind == "refresher" else 0, "plain", INT), (int(ann), "plain", INT), (int(month), "plain", INT),
                (int(year), "plain", INT), (float(frac), "plain", FRACTION),
                (F(f"={G}$N${gr}"), "plain", money), (F(f"={G}$O${gr}"), "plain", money), (F(f"={G}$R${gr}"), "plain", PCT2),
                (F(f"={G}$I${gr}"), "plain", RATE), (F(f"={G}$S${gr}"), "plain", PCT),
                (F(f"=I{r}*MAX(J{r}*(1+L{r})^((G{r}-F{r})/12)-K{r},0)*M{r}*N{r}"), "plain", money),
                (F(f"=I{r}*K{r}*M{r}"), "plain", money),
            ])
    else:
        sh.values([("No vest events within the horizon.", "note")])
    sh.finish(last_col=len(VEST_COLS), header_row=3, filter_ref=f"A3:{_col(len(VEST_COLS))}{L.ev_last}")


YEAR_COLS = [
    ("Offer #", 7), ("Offer id", 14), ("Company", 24), ("Year", 6), ("Base (offer currency)", 15), ("Base", 13), ("Bonus", 12),
    ("Sign-on", 12), ("Equity", 13), ("Refresh equity", 13), ("Retirement", 12), ("Benefits", 12), ("Relocation", 12),
    ("TC", 14), ("Total rewards", 14),
]
# Year-by-year column letters of each engine component
YEAR_LETTER = {"base": "F", "bonus": "G", "sign_on": "H", "equity": "I", "refresh_equity": "J", "retirement": "K",
               "benefits": "L", "relocation": "M", "tc": "N", "total_rewards": "O"}


def _retirement_formula(L: _Layout, i: int, r: int) -> str:
    own = f"E{r}"
    cur = L.I("currency", i)
    comp = f"MIN({own},{L.A('comp_limit')})"
    D = L.A("deferral_limit")
    capped, uncapped, prior = [], [], []
    for t in range(1, L.tiers + 1):
        m, u = L.I(f"match_{t}", i), L.I(f"up_to_{t}", i)
        room = D if not prior else f"MAX({D}-({'+'.join(prior)})*{comp},0)"
        capped.append(f"{m}*MIN({u}*{comp},{room})")
        uncapped.append(f"{m}*{u}*{own}")
        prior.append(u)
    return (F(f"=({L.I('employer', i)}*{own}+IF({cur}=\"USD\",{'+'.join(capped)},{'+'.join(uncapped)}))*{L.I('fx', i)}"))


def _benefits_formula(L: _Layout, i: int, r: int) -> str:
    own = f"E{r}"
    d, c = L.I("espp_discount", i), L.I("espp_contribution", i)
    spend = f"IF({L.I('currency', i)}=\"USD\",MIN({c}*{own},{L.A('espp_limit')}*(1-{d})),{c}*{own})"
    return F(f"=({L.I('health', i)}+{L.I('hsa', i)}+{L.I('other', i)}+{spend}*({d}/(1-{d})))*{L.I('fx', i)}")


def _write_years(sh: _Sheet, L: _Layout) -> None:
    e = L.e
    _setup(sh, [w for _, w in YEAR_COLS], "E4")
    sh.title_rows(f"Year by year, in {L.cur}",
                  "Every figure is a formula over the Inputs, Grants, Vest events and Assumptions sheets (see docs/excel.md).")
    sh.header([h for h, _ in YEAR_COLS])
    money = money_format(L.cur)
    V = _q(VEST)
    rng = lambda col: f"{V}${col}${FIRST_ROW}:${col}${L.ev_last}"  # noqa: E731
    for i, o in enumerate(e.offers):
        own = money_format(o.currency)
        fx = L.I("fx", i)
        for k in range(1, L.h + 1):
            r = L.year_row(i, k)
            pay = L.I("payout", i)
            sumifs = f"SUMIFS({rng('O')},{rng('A')},$A{r},{rng('H')},$D{r},{rng('E')},"
            sh.values([
                (i + 1, "plain", INT), (o.id, "plain"), (o.company, "plain"), (k, "plain", INT),
                (F(f"={L.I('annual', i)}*(1+{L.A('raise')})^($D{r}-1)"), "plain", own),
                (F(f"=E{r}*{fx}"), "plain", money),
                (F(f"=F{r}*({L.I('bonus_target', i)}*{pay})+{L.I('bonus_amount', i)}*{pay}*{fx}"), "plain", money),
                (F(f"={L.I(f'sign_on_{k}', i)}*{fx}"), "plain", money),
                (F(f"={sumifs}0)"), "plain", money),
                (F(f"={sumifs}1)"), "plain", money),
                (_retirement_formula(L, i, r), "plain", money),
                (_benefits_formula(L, i, r), "plain", money),
                (F(f"=IF($D{r}=1,{L.I('relocation', i)},0)*{fx}"), "plain", money),
                (F(f"=F{r}+G{r}+H{r}+I{r}+IF({L.A('refreshers')},J{r},0)"), "bold", money),
                (F(f"=N{r}+K{r}+L{r}+M{r}"), "bold", money),
            ])
    last = L.year_row(L.n - 1, L.h)
    sh.finish(last_col=len(YEAR_COLS), header_row=3, filter_ref=f"A3:{_col(len(YEAR_COLS))}{last}")


# Summary rows: (key, label, kind, better) — better: "max", "min" or None (no highlight)
SUMMARY_ROWS = [
    ("rank", "Rank (by average TC)", "int", "min"),
    ("year1_tc", "Year-1 TC", "money", "max"),
    ("average_tc", "Average TC per year", "money", "max"),
    ("total_tc", "Total TC over the horizon", "money", "max"),
    ("year1_total_rewards", "Year-1 total rewards", "money", "max"),
    ("average_total_rewards", "Average total rewards per year", "money", "max"),
    ("average_tc_col_adjusted", "Average TC, cost-of-living adjusted (index 100)", "money", "max"),
    ("average_tc_after_tax", "Average TC after tax", "money", "max"),
    ("total_tc_present_value", "Present value of TC", "money", "max"),
    ("pto_value", "PTO value (year-1 base / 260 × days)", "money", "max"),
    ("exercise_cost", "Cost to exercise options", "money", None),
    ("market_base", "Market percentile: base", "pct", "max"),
    ("market_total", "Market percentile: total", "pct", "max"),
    ("missing", "Missing terms", "text", None),
    ("flags", "Flags", "text", None),
]
SUMMARY_FIRST = 8  # first row of SUMMARY_ROWS
COMPONENT_LABELS = {"base": "Base", "bonus": "Bonus", "sign_on": "Sign-on", "equity": "Equity", "refresh_equity": "Refresh equity",
                    "retirement": "Retirement", "benefits": "Benefits", "relocation": "Relocation"}


def summary_rows(n_years: int) -> dict[str, int]:
    """Row numbers of every Summary figure: headlines, component averages ('avg:base'), TC by year ('tc:1')."""
    from ..offers.engine import COMPONENTS

    rows = {key: SUMMARY_FIRST + k for k, (key, _, _, _) in enumerate(SUMMARY_ROWS)}
    r = SUMMARY_FIRST + len(SUMMARY_ROWS) + 1
    rows["avg_header"] = r
    for k, c in enumerate(COMPONENTS, start=1):
        rows[f"avg:{c}"] = r + k
    r = r + len(COMPONENTS) + 2
    rows["tc_header"] = r
    for k in range(1, n_years + 1):
        rows[f"tc:{k}"] = r + k
    return rows


def _market_value(e: Any, oid: str, component: str) -> float | None:
    m = e.market
    if m is None or not len(m):
        return None
    sel = m[(m["offer_id"] == oid) & (m["component"] == component)]
    return _num(sel["percentile"].iloc[0]) if len(sel) else None


def _write_summary(sh: _Sheet, L: _Layout) -> None:
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Font, PatternFill

    from ..offers.engine import COMPONENTS

    e = L.e
    n, H = L.n, L.h
    rows = summary_rows(H)
    _setup(sh, [46] + [22] * n, "B5")
    sh.ws.row_dimensions[rows["missing"]].height = 32
    sh.ws.row_dimensions[rows["flags"]].height = 96
    money = money_format(L.cur)
    sh.title_rows("Offer comparison",
                  f"All figures in {L.cur} over a {H}-year horizon and recalculate from the yellow input cells on the Inputs, "
                  "Grants and Assumptions sheets. Best value in each row is highlighted.")
    sh.values([("Market percentiles come from the market file and do not recalculate.", "note")])
    sh.append([sh.text("Offer", "header")] + [sh.text(o.company, "header", j + 1) for j, o in enumerate(e.offers)])
    sh.values([("Offer id", "bold")] + [(o.id, "plain") for o in e.offers])
    sh.values([("Offer currency", "bold")] + [(o.currency, "plain") for o in e.offers])
    sh.values([])
    Y = _q(YEARS)
    V = _q(VEST)
    last_col = _col(n + 1)
    for key, label, kind, _ in SUMMARY_ROWS:
        r = rows[key]
        specs: list[tuple | None] = [(label, "bold_wrap" if kind == "text" else "bold")]
        for i, o in enumerate(e.offers):
            col = _col(i + 2)
            r1, rH = L.year_row(i, 1), L.year_row(i, H)
            avg = f"{col}{rows['average_tc']}"
            if key == "rank":
                f = F(f"=RANK({avg},$B${rows['average_tc']}:${last_col}${rows['average_tc']})")
            elif key == "year1_tc":
                f = F(f"={Y}N{r1}")
            elif key == "average_tc":
                f = F(f"=AVERAGE({Y}N{r1}:N{rH})")
            elif key == "total_tc":
                f = F(f"=SUM({Y}N{r1}:N{rH})")
            elif key == "year1_total_rewards":
                f = F(f"={Y}O{r1}")
            elif key == "average_total_rewards":
                f = F(f"=AVERAGE({Y}O{r1}:O{rH})")
            elif key == "average_tc_col_adjusted":
                c = L.I("col", i)
                f = F(f'=IF(ISNUMBER({c}),{avg}*100/{c},"n/a")')
            elif key == "average_tc_after_tax":
                t, ta = L.I("tax", i), L.A("tax_rate")
                f = F(f'=IF(ISNUMBER({t}),{avg}*(1-{t}),IF(ISNUMBER({ta}),{avg}*(1-{ta}),"n/a"))')
            elif key == "total_tc_present_value":
                d = L.A("discount_rate")
                f = F(f'=IF(ISNUMBER({d}),SUMPRODUCT({Y}N{r1}:N{rH}/(1+{d})^{Y}D{r1}:D{rH}),"n/a")')
            elif key == "pto_value":
                p = L.I("pto", i)
                f = F(f'=IF(ISNUMBER({p}),{Y}F{r1}/{DAYS_PER_YEAR}*{p},"n/a")')
            elif key == "exercise_cost":
                f = F(f"=SUMIFS({V}$P${FIRST_ROW}:$P${L.ev_last},{V}$A${FIRST_ROW}:$A${L.ev_last},{i + 1})")
            elif key in ("market_base", "market_total"):
                val = _market_value(e, o.id, key.split("_")[1])
                specs.append((val if val is not None else "n/a", "plain", PERCENTILE))
                continue
            elif key == "missing":
                specs.append((", ".join(e.missing_terms[i]) or "none", "plain_wrap"))
                continue
            else:  # flags
                specs.append(("; ".join(e.flags[i]) or "none", "plain_wrap"))
                continue
            specs.append((f, "bold" if key in ("year1_tc", "average_tc") else "plain", INT if kind == "int" else money))
        sh.values(specs)
    sh.values([])
    sh.append([sh.text("Average per year by component", "header")] + [sh.text(o.company, "header", j + 1) for j, o in enumerate(e.offers)])
    for c in COMPONENTS:
        L_ = YEAR_LETTER[c]
        sh.values([(COMPONENT_LABELS[c], "bold")]
                  + [(F(f"=AVERAGE({Y}{L_}{L.year_row(i, 1)}:{L_}{L.year_row(i, H)})"), "plain", money) for i in range(n)])
    sh.values([])
    sh.append([sh.text("TC by year", "header")] + [sh.text(o.company, "header", j + 1) for j, o in enumerate(e.offers)])
    for k in range(1, H + 1):
        sh.values([(f"Year {k}", "bold")] + [(F(f"={Y}N{L.year_row(i, k)}"), "plain", money) for i in range(n)])

    # best value in each row, live: a conditional format rather than a fixed fill
    best = PatternFill("solid", fgColor=BEST_FILL, bgColor=BEST_FILL)
    for key, _, _, better in SUMMARY_ROWS:
        if better is None:
            continue
        r = rows[key]
        fn = "MAX" if better == "max" else "MIN"
        sh.ws.conditional_formatting.add(
            f"B{r}:{last_col}{r}",
            FormulaRule(formula=[f"AND(ISNUMBER(B{r}),B{r}={fn}($B{r}:${last_col}{r}))"], fill=best, font=Font(bold=True, color="006100")),
        )

    # charts (the first MAX_CHART_OFFERS offers)
    shown = min(n, MAX_CHART_OFFERS)
    parts = ["base", "bonus", "sign_on", "equity"] + (["refresh_equity"] if e.assumptions.include_refreshers else [])
    bar = BarChart()
    bar.type, bar.grouping, bar.overlap = "col", "stacked", 100
    bar.title = f"Average TC per year by component ({L.cur})"
    bar.y_axis.title = L.cur
    bar.y_axis.numFmt = '#,##0'
    bar.y_axis.majorGridlines = bar.y_axis.majorGridlines
    for c in parts:
        r = rows[f"avg:{c}"]
        bar.add_data(Reference(sh.ws, min_col=1, max_col=shown + 1, min_row=r, max_row=r), from_rows=True, titles_from_data=True)
    bar.set_categories(Reference(sh.ws, min_col=2, max_col=shown + 1, min_row=4, max_row=4))
    bar.height, bar.width = 8.5, 17
    bar.legend.position = "b"
    bar.x_axis.delete = False
    bar.y_axis.delete = False
    line = LineChart()
    line.title = f"TC by year ({L.cur})"
    line.y_axis.numFmt = '#,##0'
    line.add_data(Reference(sh.ws, min_col=2, max_col=shown + 1, min_row=rows["tc_header"], max_row=rows[f"tc:{H}"]), titles_from_data=True)
    line.set_categories(Reference(sh.ws, min_col=1, min_row=rows["tc:1"], max_row=rows[f"tc:{H}"]))
    for series in line.series:
        series.smooth = False
    line.height, line.width = 8.5, 17
    line.legend.position = "b"
    line.x_axis.delete = False
    line.y_axis.delete = False
    anchor_col = _col(n + 3)
    sh.ws.add_chart(bar, f"{anchor_col}4")
    sh.ws.add_chart(line, f"{anchor_col}22")
    # the print area covers the charts too (about 9 columns of default width)
    sh.finish(last_col=n + 3 + 9)


MARKET_COLS = [
    ("Offer / component", 30), ("Offer id", 14), ("Company", 24), ("Component", 11), ("Value", 13), ("Percentile", 10),
    ("Clamped", 9), ("p10", 12), ("p25", 12), ("p50", 12), ("p75", 12), ("p90", 12), ("Gap to p50", 12), ("Gap to p75", 12),
    ("Match", 36), ("Sample size", 9), ("Source", 36),
]


def _write_market(sh: _Sheet, L: _Layout) -> None:
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill

    e = L.e
    m = e.market
    _setup(sh, [w for _, w in MARKET_COLS], "B4" if m is not None else None)
    if m is None:
        sh.title_rows("Market", "No market file was given: run compare with --market FILE to place each offer against market pay.")
        sh.finish(last_col=6)
        return
    sh.title_rows(f"Market: each offer against the market band, in {L.cur}",
                  "Value below p50 is shaded red, above p75 blue. Figures come from the market file and do not recalculate.")
    sh.header([h for h, _ in MARKET_COLS])
    money = money_format(L.cur)
    company = {o.id: o.company for o in e.offers}
    records = m.to_dict("records")

    def g(rec: dict, key: str) -> Any:
        v = rec.get(key)
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else v

    for rec in records:
        oid = str(g(rec, "offer_id") or "")
        comp = str(g(rec, "component") or "")
        size = _num(g(rec, "sample_size"))
        clamped = g(rec, "clamped")
        sh.values([
            (f"{company.get(oid, oid)} · {comp}", "plain"), (oid, "plain"), (company.get(oid, ""), "plain"), (comp, "plain"),
            (_num(g(rec, "value")), "bold", money), (_num(g(rec, "percentile")), "plain", PERCENTILE),
            (str(clamped) if clamped else None, "plain"),
            *[(_num(g(rec, p)), "plain", money) for p in ("p10", "p25", "p50", "p75", "p90")],
            (_num(g(rec, "gap_to_p50")), "plain", money), (_num(g(rec, "gap_to_p75")), "plain", money),
            (g(rec, "match"), "plain_wrap"), (size, "plain", INT), (g(rec, "source"), "plain_wrap"),
        ])
    first, last = FIRST_ROW, max(FIRST_ROW, FIRST_ROW + len(records) - 1)
    ws = sh.ws
    low = PatternFill("solid", fgColor=LOW_FILL, bgColor=LOW_FILL)
    high = PatternFill("solid", fgColor=HIGH_FILL, bgColor=HIGH_FILL)
    ws.conditional_formatting.add(f"E{first}:E{last}", FormulaRule(formula=[f"AND(ISNUMBER($J{first}),$E{first}<$J{first})"], fill=low))
    ws.conditional_formatting.add(f"E{first}:E{last}", FormulaRule(formula=[f"AND(ISNUMBER($K{first}),$E{first}>$K{first})"], fill=high))
    if records:
        shown = min(len(records), 4 * MAX_CHART_OFFERS)
        bar = BarChart()
        bar.type = "col"
        bar.title = "Offer against the market band (p25, p50, p75, p90)"
        bar.add_data(Reference(ws, min_col=5, min_row=3, max_row=3 + shown), titles_from_data=True)
        bar.set_categories(Reference(ws, min_col=1, min_row=first, max_row=first + shown - 1))
        bar.y_axis.numFmt = "#,##0"
        band = LineChart()
        for col in (9, 10, 11, 12):
            band.add_data(Reference(ws, min_col=col, min_row=3, max_row=3 + shown), titles_from_data=True)
        bar += band
        bar.height, bar.width = 9, 22
        bar.legend.position = "b"
        bar.x_axis.delete = False
        bar.y_axis.delete = False
        ws.add_chart(bar, f"A{last + 3}")
    sh.finish(last_col=len(MARKET_COLS), header_row=3, filter_ref=f"A3:{_col(len(MARKET_COLS))}{last}")


def _write_frame(sh: _Sheet, frame: Any, columns: Sequence[str], money_cols: Sequence[str] = (), currency: str = "") -> tuple[int, int]:
    """A titled block of a DataFrame's columns; returns (header row, last row)."""
    present = [c for c in columns if c in getattr(frame, "columns", ())]
    header = sh.header([c.replace("_", " ").capitalize() for c in present])
    money = money_format(currency) if currency else NUM
    for rec in frame[present].to_dict("records") if present else []:
        specs = []
        for c in present:
            v = rec[c]
            if v is None or (isinstance(v, float) and math.isnan(v)):
                specs.append(None)
            elif c in money_cols and _num(v) is not None:
                specs.append((_num(v), "plain", money))
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                specs.append((float(v), "plain", NUM))
            elif hasattr(v, "isoformat") and not isinstance(v, str):
                specs.append((v if isinstance(v, dt.date) else str(v), "plain", DATE))
            else:
                specs.append((str(v), "plain_wrap"))
        sh.values(specs)
    return header, sh.row


CHECKLIST_COLS = ("offer_id", "item", "status", "reason")
TALKING_COLS = ("offer_id", "priority", "rule", "component", "current", "target", "ask", "rationale", "evidence", "script")
COUNTER_COLS = ("offer_id", "year1_tc_before", "year1_tc_after", "average_tc_before", "average_tc_after", "summary")
DRAFT_COLS = ("offer_id", "kind", "subject", "body")
FOLLOWUP_COLS = ("company", "action", "due", "status", "reason", "draft")


def _write_negotiation(sh: _Sheet, L: _Layout, plan: Any) -> None:
    import pandas as pd

    e = L.e
    _setup(sh, [14, 18, 14, 16, 14, 14, 14, 40, 40, 60], "A4")
    if plan is None:
        sh.title_rows("Negotiation", "Run `offer-toolkit negotiate` to fill in the talking points, the bundled counter and the message drafts.")
        checklist = pd.DataFrame(
            [{"offer_id": oid, "item": term, "status": "missing", "reason": "not in the offer record; ask for it in writing"}
             for oid, terms in zip(e.ids, e.missing_terms) for term in terms],
            columns=list(CHECKLIST_COLS),
        )
        header, last = _write_frame(sh, checklist, CHECKLIST_COLS)
        sh.finish(last_col=len(CHECKLIST_COLS), header_row=header, filter_ref=f"A{header}:{_col(len(CHECKLIST_COLS))}{max(last, header)}")
        return
    sh.title_rows("Negotiation plan", "Checklist, prioritised talking points with evidence and scripts, the bundled counter and message drafts.")
    header, last = _write_frame(sh, plan.checklist, CHECKLIST_COLS)
    filter_ref = f"A{header}:{_col(len(CHECKLIST_COLS))}{max(last, header)}"
    for title, frame, cols, money_cols in (
        ("Talking points", getattr(plan, "talking_points", None), TALKING_COLS, ("current", "target", "ask")),
        ("Bundled counter", getattr(plan, "counters", None), COUNTER_COLS, COUNTER_COLS[1:5]),
        ("Message drafts", getattr(plan, "drafts", None), DRAFT_COLS, ()),
    ):
        sh.values([])
        sh.values([(title, "section")])
        if frame is None or not len(frame):
            sh.values([("none", "note")])
            continue
        _write_frame(sh, frame, cols, money_cols, L.cur)
    sh.finish(last_col=len(TALKING_COLS), header_row=None, filter_ref=filter_ref)


def _write_followups(sh: _Sheet, frame: Any) -> None:
    _setup(sh, [24, 30, 12, 12, 40, 60], "A4")
    sh.title_rows("Follow-ups", "What to do next for each offer, with a draft message.")
    header, last = _write_frame(sh, frame, FOLLOWUP_COLS)
    sh.finish(last_col=len(FOLLOWUP_COLS), header_row=header, filter_ref=f"A{header}:{_col(len(FOLLOWUP_COLS))}{max(last, header)}")


# ---------------------------------------------------------------------- public API


def build_workbook(evaluation: Any, *, plan: Any = None, followups: Any = None) -> Any:
    """The report as an unsaved write-only openpyxl Workbook (save it once)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    wb.properties.creator = "offer-toolkit"
    wb.properties.title = "Offer comparison"
    styles = _Styles()
    L = _Layout(evaluation)
    names = [SUMMARY, YEARS, MARKET, NEGOTIATION] + ([FOLLOWUPS] if followups is not None else []) + [INPUTS, GRANTS, ASSUMPTIONS, VEST]
    sheets = {name: _Sheet(wb, name, styles) for name in names}
    try:
        _write_sheets(sheets, L, plan, followups)
    except BaseException:
        for sheet in sheets.values():  # close the streams so nothing is left half-open
            with contextlib.suppress(Exception):
                sheet.ws.close()
        raise
    return wb


def _write_sheets(sheets: dict[str, _Sheet], L: _Layout, plan: Any, followups: Any) -> None:
    _write_summary(sheets[SUMMARY], L)
    _write_years(sheets[YEARS], L)
    _write_market(sheets[MARKET], L)
    _write_negotiation(sheets[NEGOTIATION], L, plan)
    if followups is not None:
        _write_followups(sheets[FOLLOWUPS], followups)
    _write_inputs(sheets[INPUTS], L)
    _write_grants(sheets[GRANTS], L)
    _write_assumptions(sheets[ASSUMPTIONS], L)
    _write_vest(sheets[VEST], L)


def write_report(evaluation: Any, path: str | Path, *, plan: Any = None, followups: Any = None, inputs: Sequence[str | Path] = ()) -> Path:
    """Write the Excel report to `path` atomically and return the path.

    Args:
        evaluation: a `toolkit.Evaluation`.
        path: the .xlsx to write; its folder is created when missing.
        plan: an optional negotiation plan (checklist, talking_points, counters, drafts DataFrames).
        followups: an optional DataFrame of follow-ups (company, action, due, status, reason, draft).
        inputs: the input files, which are never overwritten.

    Raises:
        OutputError: `path` is one of the inputs, or its folder cannot be created.

    Warns:
        ExcelTextWarning: text was cleaned of forbidden control characters or cut to 32,767 characters.
    """
    from ..io import write_with

    def writer(tmp: Path) -> None:
        build_workbook(evaluation, plan=plan, followups=followups).save(tmp)

    return write_with(path, writer, inputs)
