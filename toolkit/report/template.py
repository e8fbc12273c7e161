"""The fill-in offer workbook: one offer per row, dotted column names, dropdowns.

`offer-toolkit template offers.xlsx` writes it empty; `--from data/offers.yaml` pre-fills it.
`compare offers.xlsx` reads it back through the flat-table loader (`toolkit.offers.load`):
nested fields are dotted column names (`bonus.target`). What one row of such columns cannot
hold — several grants or sign-on payments, matching tiers, a custom vesting schedule — is
written as YAML flow text in one cell (`equity`, `sign_on`, `retirement`, `equity.vesting`),
which the loader parses back; the assumptions, FX rates and reporting currency go on an
'Assumptions' sheet. So YAML → template → YAML loses nothing. Text is written so that it can
never become a formula (see `excel/writer.py`).
"""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any, Sequence

from .excel import DATE, FONT, FORMULA_STARTS, INPUT_FILL, HEADER_FILL, PCT, clean_text

TEMPLATE_ROWS = 200  # rows that get dropdowns in an empty template

# (column, kind, help). kind: text, money, pct, int, num, bool, date
COLUMNS: list[tuple[str, str, str]] = [
    ("id", "text", "short unique id (optional; made from the company when empty)"),
    ("company", "text", "required"),
    ("role", "text", ""), ("level", "text", ""), ("location", "text", ""),
    ("market_location", "text", "the place whose market data to use when it is not location (e.g. U.S.)"),
    ("oflc_area", "text", "OFLC wage area code (5-7 digits), for prevailing-wage levels"),
    ("county", "text", "county, for the OFLC wage area when the location does not decide it"),
    ("currency", "text", "required: a 3-letter code"),
    ("status", "text", "verbal or written"),
    ("start_date", "date", "YYYY-MM-DD"), ("deadline", "date", "YYYY-MM-DD"),
    ("base_salary", "money", "required: a yearly number, or text like 7300/month or 95/hour"),
    ("extra_months", "num", "monthly pay only: extra salaries a year"),
    ("hours_per_year", "num", "hourly pay only (default 2080)"),
    ("pay_frequency", "text", "monthly (default), semimonthly, biweekly or weekly: when salary is paid"),
    ("raises", "text", "dated raises as YAML, like [{percent: 4%, month: 12}, {percent: 3%, date: 2028-04-01}]"),
    ("birth_year", "int", "for age-based limits (401(k) catch-up)"),
    ("bonus.target", "pct", "fraction of base, like 10%"), ("bonus.amount", "money", "or a fixed amount"),
    ("bonus.expected_payout", "pct", "default 100%"),
    ("bonus.year", "text", "calendar (default) or fiscal: the year the bonus is earned over"),
    ("bonus.fiscal_start_month", "int", "fiscal bonus year only: its first month, 1-12"),
    ("bonus.payout_month", "int", "month the bonus is paid, 1-12"),
    ("bonus.first_year", "text", "prorated (default), full or none: the first bonus"),
    ("bonus.eligibility_cutoff", "text", "MM-DD: start after it and the first year earns no bonus"),
    ("sign_on.amount", "money", ""), ("sign_on.year", "int", "employment year it is paid in (default 1)"),
    ("sign_on.clawback_months", "int", ""), ("sign_on.clawback", "text", "prorata or cliff"),
    ("sign_on.repay_basis", "text", "gross or net"),
    ("sign_on.month", "int", "or: months after the start it is paid"), ("sign_on.date", "date", "or: the date it is paid"),
    ("sign_on.installments", "int", "equal monthly payments (default 1)"),
    ("equity.type", "text", "rsu or option"), ("equity.grant_value", "money", "RSUs: value of the whole grant"),
    ("equity.shares", "num", ""), ("equity.share_price", "money", ""), ("equity.strike", "money", "options only"),
    ("equity.option_kind", "text", "iso or nso"), ("equity.vesting", "text", "a vesting preset"),
    ("equity.private", "bool", "TRUE for a private company"), ("equity.currency", "text", "when the stock is priced in another currency"),
    ("equity.stock_growth", "pct", "overrides the stock-growth assumption"),
    ("equity.vest_start", "date", "vesting start date (default: the start date)"),
    ("refresher.annual_value", "money", "expected refresh grant a year"), ("refresher.vesting", "text", "a vesting preset"),
    ("refresher.private", "bool", ""), ("refresher.currency", "text", ""), ("refresher.stock_growth", "pct", ""),
    ("refresher.month", "int", "month of the year refreshers are granted, 1-12"),
    ("retirement.match", "pct", "employer match"), ("retirement.up_to", "pct", "on pay up to"),
    ("retirement.employer_contribution", "pct", "flat contribution, fraction of base"),
    ("retirement.vesting", "text", "employer money: immediate, {cliff_years: 3} or {graded: [20, 40, 60, 80, 100]}"),
    ("retirement.employee_deferral", "text", "what you put in: 6% of pay or an amount a year (default: enough for the full match)"),
    ("retirement.prior_deferrals_this_year", "money", "deferred at a previous employer in the start year"),
    ("benefits.health", "money", "annual"), ("benefits.hsa", "money", "annual"),
    ("benefits.hsa_coverage", "text", "self (default) or family: the HSA limit that applies"),
    ("benefits.espp.discount", "pct", ""), ("benefits.espp.contribution", "pct", ""),
    ("benefits.espp.qualified", "bool", "TRUE for a qualified (section 423) plan"),
    ("pto_days", "num", ""),
    ("relocation.amount", "money", ""), ("relocation.grossed_up", "bool", ""), ("relocation.clawback_months", "int", ""),
    ("relocation.clawback", "text", "prorata or cliff"), ("relocation.repay_basis", "text", "gross or net"),
    ("relocation.month", "int", "or: months after the start it is paid"), ("relocation.date", "date", "or: the date it is paid"),
    ("visa.sponsorship", "text", "see the dropdown"), ("visa.green_card", "bool", ""), ("visa.fees_paid_by", "text", "employer, employee or unknown"),
    ("col_index", "num", "cost-of-living index (100 = reference)"), ("tax_rate", "pct", "effective tax rate"),
    ("tax.country", "text", "tax country (default: from location)"), ("tax.state", "text", "US state, UK nation or German state"),
    ("tax.locality", "text", "like NYC"), ("tax.filing_status", "text", "single, married_joint, married_separate or head_of_household"),
    ("tax.dependents", "int", ""), ("tax.other_income", "money", "a year"), ("tax.spouse_income", "money", "a year"),
    ("tax.church_tax", "bool", "Germany: TRUE if you pay church tax"),
    ("notes", "text", ""),
]
# dynamic columns: benefits.other.<name> and factors.<name>, inserted before pto_days / notes


def _choices() -> dict[str, list[str]]:
    from ..offers import vesting
    from ..offers.models import Sponsorship
    from ..format import SYMBOL

    presets = list(vesting.PRESETS)
    return {
        # closed choices from the models' own Literal types (one home)
        **{column: _literal(column) for column in ("pay_frequency", "bonus.year", "bonus.first_year",
                                                   "benefits.hsa_coverage", "tax.filing_status")},
        "currency": sorted(set(SYMBOL) | {"SEK", "NOK", "DKK", "PLN", "SGD", "HKD", "NZD", "BRL", "MXN", "CNY", "KRW", "ZAR"}),
        "equity.currency": [], "refresher.currency": [],
        "status": ["verbal", "written"],
        "equity.type": ["rsu", "option"], "equity.option_kind": ["iso", "nso"],
        "equity.vesting": presets, "refresher.vesting": presets,
        "visa.sponsorship": list(typing.get_args(Sponsorship)),
        "visa.fees_paid_by": ["employer", "employee", "unknown"],
        "sign_on.clawback": ["prorata", "cliff"], "relocation.clawback": ["prorata", "cliff"],
        "sign_on.repay_basis": ["gross", "net"], "relocation.repay_basis": ["gross", "net"],
    }


def _literal(column: str) -> list[str]:
    """The values a Literal field allows, found from the offer model by its dotted column."""
    from ..offers.models import Offer

    model: Any = Offer
    *parents, name = column.split(".")
    for part in parents:
        model = next(a for a in typing.get_args(model.model_fields[part].annotation) if isinstance(a, type))
    annotation = model.model_fields[name].annotation
    if typing.get_origin(annotation) is typing.Union:
        annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
    return [str(v) for v in typing.get_args(annotation)]


def _yaml(value: Any) -> str:
    """A term as one line of YAML flow text, the form the loader reads from a cell."""
    import yaml

    return yaml.safe_dump(value, default_flow_style=True, width=10**9, sort_keys=False).strip()


def _term(model: Any) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_none=True, exclude_defaults=True)


def offer_row(offer: Any) -> dict[str, Any]:
    """One offer as {column: cell value}; terms that need more than one row become YAML cells."""
    from ..offers.models import DEFAULT_VESTING

    o = offer
    row: dict[str, Any] = {k: getattr(o, k) for k in ("id", "company", "role", "level", "location", "market_location",
                                                     "oflc_area", "county", "currency", "status",
                                                     "start_date", "deadline", "extra_months", "hours_per_year", "birth_year",
                                                     "pto_days", "col_index", "tax_rate", "notes")}
    row.update(_changed(o, "pay_frequency"))
    if o.raises:
        row["raises"] = _yaml([_term(r) for r in o.raises])
    pay = o.base_salary
    row["base_salary"] = pay.amount if pay.per.value == "year" else f"{pay.amount!r}/{pay.per.value}"
    if o.bonus:
        row.update({"bonus.target": o.bonus.target, "bonus.amount": o.bonus.amount, "bonus.expected_payout": o.bonus.expected_payout})
        row.update(_changed(o.bonus, "year", "fiscal_start_month", "payout_month", "first_year", "eligibility_cutoff", prefix="bonus."))
    if o.sign_on and len(o.sign_on) > 1:
        row["sign_on"] = _yaml([_term(s) for s in o.sign_on])
    elif o.sign_on:
        s = o.sign_on[0]
        row.update({f"sign_on.{k}": getattr(s, k) for k in ("amount", "year", "clawback_months", "clawback", "repay_basis")})
        row.update(_changed(s, "month", "date", "installments", prefix="sign_on."))
    if o.equity and len(o.equity) > 1:
        row["equity"] = _yaml([_term(g) for g in o.equity])
    elif o.equity:
        g = o.equity[0]
        row.update({f"equity.{k}": getattr(g, k) for k in ("type", "grant_value", "shares", "share_price", "strike", "option_kind", "currency", "stock_growth")})
        row["equity.private"] = g.private if g.private else None
        row["equity.vesting"] = _vesting_cell(g, DEFAULT_VESTING)
        row.update(_changed(g, "vest_start", prefix="equity."))
    if o.refresher:
        r = o.refresher
        row.update({f"refresher.{k}": getattr(r, k) for k in ("annual_value", "currency", "stock_growth")})
        row["refresher.private"] = r.private if r.private else None
        row["refresher.vesting"] = _vesting_cell(r, DEFAULT_VESTING)
        row.update(_changed(r, "month", prefix="refresher."))
    if o.retirement and len(o.retirement.tiers) > 1:
        term = _term(o.retirement)
        if o.retirement.vesting is not None:
            term["vesting"] = _retirement_vesting(o.retirement.vesting)
        row["retirement"] = _yaml(term)
    elif o.retirement:
        ret = o.retirement
        tiers = ret.tiers
        if tiers:
            row["retirement.match"], row["retirement.up_to"] = tiers[0].match, tiers[0].up_to
        row["retirement.employer_contribution"] = ret.employer_contribution
        if ret.vesting is not None:
            v = _retirement_vesting(ret.vesting)
            row["retirement.vesting"] = v if isinstance(v, str) else _yaml(v)
        if ret.employee_deferral is not None:
            d = ret.employee_deferral
            row["retirement.employee_deferral"] = f"{d.percent * 100:g}%" if d.percent is not None else d.amount
        row["retirement.prior_deferrals_this_year"] = ret.prior_deferrals_this_year
    if o.benefits:
        b = o.benefits
        if not (b.health is not None or b.hsa is not None or b.espp or b.other):
            row["benefits"] = "{}"  # an empty but present section stays present
        row.update({"benefits.health": b.health, "benefits.hsa": b.hsa})
        row.update(_changed(b, "hsa_coverage", prefix="benefits."))
        if b.espp:
            row.update({"benefits.espp.discount": b.espp.discount, "benefits.espp.contribution": b.espp.contribution,
                        "benefits.espp.qualified": b.espp.qualified})
        row.update(_named_cells("benefits.other", b.other))
    if o.relocation:
        rel = o.relocation
        row.update({f"relocation.{k}": getattr(rel, k) for k in ("amount", "grossed_up", "clawback_months", "clawback", "repay_basis")})
        row.update(_changed(rel, "month", "date", prefix="relocation."))
    if o.visa:
        if o.visa.sponsorship is None and o.visa.green_card is None and o.visa.fees_paid_by is None:
            row["visa"] = "{}"
        row.update({f"visa.{k}": getattr(o.visa, k) for k in ("sponsorship", "green_card", "fees_paid_by")})
    if o.tax:
        row.update({f"tax.{k}": v for k, v in _term(o.tax).items()})
    row.update(_named_cells("factors", o.factors or {}))
    for key, value in row.items():  # dates as ISO text: a date column with blanks reads back as NaT
        if hasattr(value, "isoformat"):
            row[key] = value.isoformat()
    return {k: v for k, v in row.items() if v is not None}


def _changed(model: Any, *names: str, prefix: str = "") -> dict[str, Any]:
    """{prefix+name: value} for the fields that differ from their defaults (a default stays an empty cell)."""
    fields = type(model).model_fields
    return {prefix + n: getattr(model, n) for n in names if getattr(model, n) != fields[n].default}


def _retirement_vesting(v: Any) -> Any:
    """Retirement vesting in the form the offer file takes: `immediate`, {cliff_years: N} or
    {graded: [cumulative percentages]} (the model holds the graded shares as fractions)."""
    if v.graded is not None:
        return {"graded": [round(f * 100, 10) for f in v.graded]}
    return "immediate" if not v.cliff_years else {"cliff_years": v.cliff_years}


def _named_cells(prefix: str, mapping: dict[str, Any]) -> dict[str, Any]:
    """{name: value} as `prefix.name` columns, or as one YAML cell under `prefix` when a name
    has a dot (the loader splits column names at dots)."""
    if any("." in name for name in mapping):
        return {prefix: _yaml(dict(mapping))}
    return {f"{prefix}.{name}": value for name, value in mapping.items()}


def _vesting_cell(grant: Any, default: Any) -> str | None:
    """A preset name, or the custom schedule as YAML flow text; nothing for a default the file
    did not write (the negotiation checklist asks for a schedule that was never stated)."""
    vesting = grant.vesting
    if vesting == default and "vesting" not in grant.model_fields_set:
        return None
    return vesting.preset if vesting.preset is not None else _yaml(_term(vesting))


def assumption_rows(assumptions: Any = None, reporting_currency: str | None = None, fx: Any = None) -> list[tuple[str, Any]]:
    """(setting, value) rows for the 'Assumptions' sheet: only what the offer files set."""
    rows: list[tuple[str, Any]] = []
    if reporting_currency:
        rows.append(("reporting_currency", reporting_currency))
    if assumptions is not None:
        for name in type(assumptions).model_fields:
            if name not in assumptions.model_fields_set:
                continue
            value = getattr(assumptions, name)
            if hasattr(value, "model_dump"):  # a section such as `tax:` → tax.filing_status, ... (what the file set)
                rows += [(f"{name}.{k}", v) for k, v in _term(value).items()]
            elif isinstance(value, dict):
                rows += list(_named_cells(name, value).items())
            elif hasattr(value, "isoformat"):
                rows.append((name, value.isoformat()))
            elif value is not None:
                rows.append((name, value))
    for code, spec in (fx or {}).items():
        if isinstance(spec, dict):
            rows += [(f"fx.{code}.{k}", v.isoformat() if hasattr(v, "isoformat") else v) for k, v in spec.items()]
        else:
            rows.append((f"fx.{code}", spec))
    return rows


WHOLE_TERMS = {
    "sign_on": "several payments as YAML, like [{amount: 45k, year: 1}, {amount: 35k, year: 2}]",
    "equity": "several grants as YAML, like [{grant_value: 300k, vesting: amazon}, {...}]",
    "retirement": "matching tiers as YAML, like {tiers: [{match: 100%, up_to: 3%}, {match: 50%, up_to: 2%}]}",
    "benefits": "the benefits section as YAML (when the columns below cannot say it)",
    "visa": "the visa section as YAML (when the columns below cannot say it)",
}


def template_columns(rows: Sequence[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """The fixed columns, plus benefits.other.<name> and factors.<name> for the names in `rows`,
    plus a whole-term YAML column (before its dotted columns) where some row needs one."""
    # first-seen order, as written in the offer file
    other = list(dict.fromkeys(k for r in rows for k in r if k.startswith("benefits.other.")))
    factors = list(dict.fromkeys(k for r in rows for k in r if k.startswith("factors.")))
    whole = {k for r in rows for k in r if k in WHOLE_TERMS}
    out = []
    for col in COLUMNS:
        group = col[0].split(".")[0]
        if group in whole and col[0].startswith(group + "."):
            out.append((group, "text", WHOLE_TERMS[group]))
            whole.discard(group)
        if col[0] == "pto_days":
            if any("benefits.other" in r for r in rows):
                out.append(("benefits.other", "text", "other benefits as YAML, like {gym.fee: 600}"))
            out += [(k, "money", "annual") for k in other]
        if col[0] == "notes":
            if any("factors" in r for r in rows):
                out.append(("factors", "text", "your 1-5 ratings as YAML, like {team.size: 4}"))
            out += [(k, "int", "your rating 1-5") for k in factors]
        out.append(col)
    return out


def _put_text(cell: Any, value: Any, where: str) -> None:
    """Store text in a cell through the shared cleaner: control characters removed (with a
    warning), never a formula or an error value, a quote prefix on formula-like text."""
    text = clean_text(value, where)
    cell._value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True


def build_template(offers: Sequence[Any] = (), settings: Sequence[tuple[str, Any]] = ()) -> Any:
    """The template workbook (openpyxl, unsaved): 'Offers' and 'Assumptions' (read by the
    loader) and 'Help'. `settings` are (setting, value) rows from `assumption_rows`."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from .excel.cells import area, cell as address, column_letter, ref

    rows = [offer_row(o) for o in offers]
    cols = template_columns(rows)
    from openpyxl.packaging.custom import StringProperty

    from ..io import KIND_PROPERTY, TOOLKIT

    wb = Workbook()
    wb.properties.creator = TOOLKIT  # with KIND_PROPERTY, how the output guard tells a template from a report
    wb.custom_doc_props.append(StringProperty(name=KIND_PROPERTY, value="template"))
    ws = wb.active
    ws.title = "Offers"
    head_font, font = Font(name=FONT, bold=True, color="FFFFFF"), Font(name=FONT, color="0000FF")
    head_fill, fill = PatternFill("solid", fgColor=HEADER_FILL), PatternFill("solid", fgColor=INPUT_FILL)
    formats = {"money": "#,##0.##", "pct": PCT, "int": "0", "num": "#,##0.##", "date": DATE}
    for j, (name, kind, _) in enumerate(cols, start=1):
        c = ws.cell(row=1, column=j)
        _put_text(c, name, ref("Offers", 1, j))
        c.font, c.fill = head_font, head_fill
        c.alignment = Alignment(vertical="center")
        ws.column_dimensions[column_letter(j)].width = max(12, min(len(name) + 3, 34)) if kind != "text" or name != "notes" else 40
    last = max(len(rows) + 1, TEMPLATE_ROWS + 1)
    for i, row in enumerate(rows, start=2):
        for j, (name, kind, _) in enumerate(cols, start=1):
            value = row.get(name)
            c = ws.cell(row=i, column=j)
            if value is None:
                pass
            elif isinstance(value, str):
                _put_text(c, value, ref("Offers", i, j))
            else:
                c.value = value
            if kind in formats and not isinstance(value, str):
                c.number_format = formats[kind]
            c.font, c.fill = font, fill
    choices = _choices()
    present = sorted({r["currency"] for r in rows if r.get("currency")} | set(choices["currency"]))
    choices["currency"] = choices["equity.currency"] = choices["refresher.currency"] = present
    for j, (name, kind, _) in enumerate(cols, start=1):
        options = choices.get(name)
        if kind == "bool":
            options = ["TRUE", "FALSE"]
        if not options:
            continue
        dv = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
        dv.error, dv.errorTitle = f"choose one of: {', '.join(options)}", name
        dv.add(area(None, 2, j, last, j))
        ws.add_data_validation(dv)
    ws.freeze_panes = address(2, 3)  # the header row and the id and company columns stay in view
    ws.auto_filter.ref = area(None, 1, 1, max(len(rows) + 1, 2), len(cols))
    ws.page_setup.orientation = "landscape"
    settings_ws = wb.create_sheet("Assumptions")
    settings_ws.append(["setting", "value"])
    for c in settings_ws[1]:
        c.font, c.fill = head_font, head_fill
    for name, value in settings:
        settings_ws.append([None, None if isinstance(value, str) else value])
        row = settings_ws.max_row
        _put_text(settings_ws.cell(row=row, column=1), name, ref("Assumptions", row, 1))
        if isinstance(value, str):
            _put_text(settings_ws.cell(row=row, column=2), value, ref("Assumptions", row, 2))
        for c in settings_ws[row]:
            c.font = font
    settings_ws.append([])
    settings_ws.append(["", "horizon_years, annual_raise, stock_growth, include_refreshers, private_equity_discount, discount_rate, "
                            "pv_convention, tax_rate, tax_engine, tax.<field> (filing_status, dependents, other_income, "
                            "spouse_income, church_tax, ...), fx_date, weights.<factor>, reporting_currency, "
                            "fx.<CODE> (units of reporting currency per 1)"])
    settings_ws.column_dimensions[column_letter(1)].width, settings_ws.column_dimensions[column_letter(2)].width = 28, 24
    help_ws = wb.create_sheet("Help")
    help_ws.append(["column", "meaning"])
    for c in help_ws[1]:
        c.font = Font(name=FONT, bold=True)
    help_ws.append(["", "One offer per row on the Offers sheet; a whole-term cell (equity, sign_on, retirement) may hold YAML "
                        "for several grants or payments. "
                        "Percentages as 10% (or 0.1). Run: offer-toolkit compare THIS_FILE.xlsx"])
    for name, _, meaning in cols:
        help_ws.append([name, meaning])
    for row in help_ws.iter_rows():
        for c in row:
            if c.font is None or not c.font.b:
                c.font = Font(name=FONT)
            if isinstance(c.value, str):
                c.data_type = "s"
    help_ws.column_dimensions[column_letter(1)].width, help_ws.column_dimensions[column_letter(2)].width = 34, 90
    return wb


def write_template(path: str | Path, offers: Sequence[Any] = (), *, settings: Sequence[tuple[str, Any]] = (),
                   inputs: Sequence[str | Path] = (), force: bool = False) -> Path:
    """Write the fill-in template (pre-filled with `offers` and `settings`) atomically; never
    over one of `inputs`, never an empty template over a filled-in one, and over a workbook
    offer-toolkit did not write only with `force` (docs/outputs.md)."""
    from ..io import write_with

    return write_with(path, lambda tmp: build_template(offers, settings).save(tmp), inputs, kind="template", force=force,
                      empty=not offers)
