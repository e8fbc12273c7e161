"""Where everything goes: each sheet's spec (its columns or rows, in order, with headers and
widths) and the `Layout` of one evaluation (which row holds which offer, grant, year, vest
event and assumption).

Every row and column number the workbook uses comes from here, and every address is spelled
by `cells.py` from those numbers, so moving or inserting a column in a spec moves every
formula that reads it (tests/test_report_excel_libreoffice.py recalculates a workbook with a
moved and an inserted column and compares it with the engine). Pure: no openpyxl, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, Sequence

from ...offers.results import HEADLINE_TABLE
from .cells import area, ref

if TYPE_CHECKING:  # pragma: no cover
    from ...offers.results import Evaluation

# Sheet names, in tab order: what a reader wants first, then the inputs, then the machinery.
SUMMARY, YEARS, MARKET, NEGOTIATION, TALKING, DRAFTS, FOLLOWUPS = (
    "Summary", "Year by year", "Market", "Negotiation", "Talking points", "Drafts", "Follow-ups")
INPUTS, GRANTS, ASSUMPTIONS, VEST = "Inputs", "Grants", "Assumptions", "Vest events"
TAX, CALENDAR = "Tax", "Calendar years"

HEADER_ROW = 3  # tables: title in row 1, note in row 2, header in row 3
MAX_CHART_OFFERS = 20


@dataclass(frozen=True)
class Column:
    """One column of a table sheet: the key the code uses, the header a reader sees, its width."""

    key: str
    header: str
    width: float


@dataclass(frozen=True)
class TableSpec:
    """A sheet laid out as a table: one record per row below a header row, columns in order."""

    sheet: str
    columns: tuple[Column, ...]
    header_row: int = HEADER_ROW

    def __post_init__(self) -> None:
        keys = [c.key for c in self.columns]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"{self.sheet}: column keys must be unique, got {dupes} more than once")

    @cached_property
    def _index(self) -> dict[str, int]:
        return {c.key: i for i, c in enumerate(self.columns, start=1)}

    @property
    def first_row(self) -> int:
        return self.header_row + 1

    @property
    def last_col(self) -> int:
        return len(self.columns)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def widths(self) -> list[float]:
        return [c.width for c in self.columns]

    def col(self, key: str) -> int:
        """1-based column number of `key`."""
        try:
            return self._index[key]
        except KeyError:
            raise KeyError(f"{self.sheet}: no column {key!r}; columns: {list(self._index)}") from None

    def ref(self, key: str, row: int, *, external: bool = False, absolute: bool = False, col_abs: bool | None = None) -> str:
        """The cell of column `key` in `row`; `external` names the sheet (for other sheets' formulas)."""
        return ref(self.sheet if external else None, row, self.col(key), absolute=absolute, col_abs=col_abs)

    def span(self, key: str, first_row: int, last_row: int, *, external: bool = True, absolute: bool = True) -> str:
        """Column `key` from `first_row` to `last_row`."""
        c = self.col(key)
        return area(self.sheet if external else None, first_row, c, last_row, c, absolute=absolute)

    def row_values(self, values: dict[str, Any]) -> list[Any]:
        """A record's cells in column order (None where the record has no value for a column)."""
        return [values.get(c.key) for c in self.columns]

    def moved(self, key: str, position: int) -> "TableSpec":
        """The same spec with column `key` moved to 1-based `position`."""
        cols = [c for c in self.columns if c.key != key]
        cols.insert(position - 1, self.columns[self.col(key) - 1])
        return replace(self, columns=tuple(cols))

    def inserted(self, column: Column, position: int) -> "TableSpec":
        """The same spec with a new column at 1-based `position`."""
        cols = list(self.columns)
        cols.insert(position - 1, column)
        return replace(self, columns=tuple(cols))


@dataclass(frozen=True)
class RowSpec:
    """A sheet laid out by rows: row keys from row 1 down (None is an empty row)."""

    sheet: str
    rows: tuple[str | None, ...]
    label_col: int = 1
    first_value_col: int = 2

    @cached_property
    def _index(self) -> dict[str, int]:
        return {k: r for r, k in enumerate(self.rows, start=1) if k is not None}

    def row(self, key: str) -> int:
        try:
            return self._index[key]
        except KeyError:
            raise KeyError(f"{self.sheet}: no row {key!r}") from None

    def __contains__(self, key: str) -> bool:
        return key in self._index

    @property
    def last_row(self) -> int:
        return len(self.rows)


def _cols(*spec: tuple[str, str, float]) -> tuple[Column, ...]:
    return tuple(Column(*c) for c in spec)


YEARS_SPEC = TableSpec(YEARS, _cols(
    ("offer_no", "Offer #", 7), ("offer_id", "Offer id", 14), ("company", "Company", 24), ("year", "Year", 6),
    ("base_own", "Base (offer currency)", 15), ("base", "Base", 13), ("bonus", "Bonus", 12), ("sign_on", "Sign-on", 12),
    ("equity", "Equity", 13), ("refresh_equity", "Refresh equity", 13), ("retirement", "Retirement", 12),
    ("benefits", "Benefits", 12), ("relocation", "Relocation", 12), ("tc", "TC", 14), ("total_rewards", "Total rewards", 14),
    ("tax_rate", "Tax rate (engine)", 11), ("tc_after_tax", "TC after tax", 14),
))
# The Year-by-year columns that hold an engine figure of the same name (offers.engine COMPONENTS + tc, total_rewards)
YEAR_FIGURES = ("base", "bonus", "sign_on", "equity", "refresh_equity", "retirement", "benefits", "relocation", "tc", "total_rewards")

GRANTS_SPEC = TableSpec(GRANTS, _cols(
    ("no", "#", 5), ("offer_no", "Offer #", 7), ("offer_id", "Offer id", 14), ("company", "Company", 24), ("grant", "Grant", 6),
    ("kind", "Kind", 10), ("vesting", "Vesting", 26), ("currency", "Currency", 9), ("fx", "FX rate", 10), ("shares", "Shares", 10),
    ("price", "Share price", 11), ("value", "Grant value", 13), ("strike", "Strike", 9), ("start_value", "Start value", 13),
    ("strike_total", "Strike total", 12), ("private", "Private", 8), ("own_growth", "Own stock growth", 10),
    ("growth", "Growth used", 10), ("multiplier", "Multiplier", 10),
))

VEST_SPEC = TableSpec(VEST, _cols(
    ("offer_no", "Offer #", 7), ("offer_id", "Offer id", 14), ("grant_row", "Grant row", 7), ("kind", "Kind", 10),
    ("refresher", "Refresher", 9), ("granted_at", "Granted at month", 9), ("month", "Month", 7), ("year", "Year", 6),
    ("fraction", "Fraction", 10), ("start_value", "Start value", 13), ("strike_total", "Strike total", 12),
    ("growth", "Growth", 9), ("fx", "FX rate", 9), ("multiplier", "Multiplier", 9), ("value", "Value", 13),
    ("exercise_cost", "Exercise cost", 12),
))

MARKET_SPEC = TableSpec(MARKET, _cols(
    ("label", "Offer / component", 30), ("offer_id", "Offer id", 14), ("company", "Company", 24), ("component", "Component", 11),
    ("value", "Value", 13), ("percentile", "Percentile", 10), ("clamped", "Clamped", 9), ("p10", "p10", 12), ("p25", "p25", 12),
    ("p50", "p50", 12), ("p75", "p75", 12), ("p90", "p90", 12), ("gap_to_p50", "Gap to p50", 12), ("gap_to_p75", "Gap to p75", 12),
    ("match", "Match", 36), ("sample_size", "Sample size", 9), ("source", "Source", 36),
))

# The Tax sheet: one row per offer × tax year of the JSON `tax` block. The leading columns name
# the offer; then the block's row keys in this order, with any key a newer block adds appended
# (its header made from the key), so the sheet follows the block without knowing how many tax
# years there are or how they relate to offer years.
TAX_LEAD = (("offer_no", "Offer #", 7), ("offer_id", "Offer id", 14), ("company", "Company", 24))
TAX_KEYS = {
    "year": ("Tax year", 8), "offer_year": ("Offer year", 7), "months": ("Months employed", 8),
    "horizon_share": ("Share within the horizon", 9), "taxable_wages": ("Taxed pay", 13), "pretax_deduction": ("Pre-tax deduction", 12),
    "income_tax_national": ("Income tax: national", 13), "income_tax_state": ("Income tax: state", 12),
    "income_tax_local": ("Income tax: local", 12), "payroll_tax": ("Payroll and social contributions", 13),
    "total_tax": ("Total tax", 13), "after_tax_tc": ("TC after tax", 13), "effective_rate": ("Effective rate", 10),
    "marginal_rate": ("Marginal rate", 10), "withholding_gap": ("US withholding gap", 12),
}
# The Calendar-years sheet: one row per offer × calendar year of the JSON `calendar_years` rows.
CALENDAR_LEAD = (("offer_no", "Offer #", 7), ("offer_id", "Offer id", 14), ("company", "Company", 24))
CALENDAR_KEYS = {
    "year": ("Calendar year", 9), "months_employed": ("Months employed", 9), "partial": ("Period", 17),
    "base": ("Base", 13), "bonus": ("Bonus", 12), "sign_on": ("Sign-on", 12), "equity": ("Equity", 13),
    "refresh_equity": ("Refresh equity", 13), "retirement": ("Retirement", 12), "benefits": ("Benefits", 12),
    "relocation": ("Relocation", 12), "tc": ("TC (paid)", 14), "total_rewards": ("Total rewards (paid)", 14),
    "employee_deferral": ("Your pre-tax deferral", 12), "iso_over_limit": ("ISO value over the $100,000 limit", 13),
}


def _key_header(key: str) -> str:
    """'withholding_gap' → 'Withholding gap': the header of a row key the sheet does not know yet."""
    return key.replace("_", " ").capitalize()


def block_spec(sheet: str, lead: Sequence[tuple[str, str, float]], known: dict[str, tuple[str, float]],
               rows: Sequence[dict[str, Any]], keep: frozenset[str] = frozenset()) -> TableSpec:
    """A table spec for rows of plain dicts: the lead columns, the known keys present in any row
    (in the known order), then any other scalar key in the order first seen. A key outside `keep`
    whose value is zero (or missing) in every row is left out, so the sheet prints larger; the
    sheet names what it left out (`left_out`)."""
    seen: list[str] = []
    for r in rows:
        for k, v in r.items():
            if k not in seen and not isinstance(v, (dict, list, tuple)):
                seen.append(k)
    keys = [k for k in known if k in seen] + [k for k in seen if k not in known]
    keys = [k for k in keys if k in keep or k not in left_out(rows, [k])]
    cols = [*lead] + [(k, *known.get(k, (_key_header(k), 12))) for k in keys]
    return TableSpec(sheet, _cols(*cols))


def left_out(rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> list[str]:
    """The keys whose value is a number equal to zero, or missing, in every row (and a number in some)."""
    out = []
    for k in keys:
        values = [r.get(k) for r in rows]
        numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if numbers and all(v == 0 for v in numbers) and all(v is None or v in numbers for v in values):
            out.append(k)
    return out


def left_out_headers(spec: TableSpec, known: dict[str, tuple[str, float]], rows: Sequence[dict[str, Any]]) -> list[str]:
    """Headers of the row keys `block_spec` left out of `spec` (zero in every row)."""
    have = {c.key for c in spec.columns}
    keys = list(dict.fromkeys(k for r in rows for k, v in r.items() if not isinstance(v, (dict, list, tuple))))
    return [known.get(k, (_key_header(k),))[0] for k in keys if k not in have]


TAX_KEEP = frozenset({"year", "offer_year", "taxable_wages", "income_tax_national", "payroll_tax", "total_tax", "after_tax_tc",
                      "effective_rate", "marginal_rate"})
CALENDAR_KEEP = frozenset({"year", "months_employed", "partial", "base", "bonus", "sign_on", "equity", "tc", "total_rewards"})


ASSUMPTION_COLS = TableSpec(ASSUMPTIONS, _cols(
    ("label", "Assumption", 40), ("value", "Value", 16), ("notes", "Notes", 58), ("date", "", 12),
))


def inputs_spec(horizon: int, tiers: int, currency: str) -> TableSpec:
    """The Inputs columns: one sign-on column per year of the horizon, two per matching tier."""
    cols = [
        ("no", "#", 5), ("id", "Offer id", 14), ("company", "Company", 26), ("role", "Role", 20), ("level", "Level", 9),
        ("location", "Location", 20), ("status", "Status", 9), ("start_date", "Start date", 11), ("deadline", "Deadline", 11),
        ("currency", "Currency", 9), ("fx", f"FX rate to {currency}", 11), ("base", "Base salary (as paid)", 14),
        ("per", "Paid per", 10), ("hours", "Hours per year", 9), ("extra", "Extra months", 9),
        ("factor", "Annual factor", 9), ("annual", "Annual base (offer currency)", 15),
        ("bonus_target", "Bonus target", 9), ("bonus_amount", "Bonus amount", 12), ("payout", "Expected payout", 9),
    ]
    cols += [(f"sign_on_{k}", f"Sign-on year {k}", 12) for k in range(1, horizon + 1)]
    cols += [("sign_on_terms", "Sign-on terms", 30), ("relocation", "Relocation", 12), ("relocation_terms", "Relocation terms", 24)]
    for t in range(1, tiers + 1):
        cols += [(f"match_{t}", f"401(k) match {t}", 9), (f"up_to_{t}", f"on pay up to {t}", 9)]
    cols += [
        ("employer", "Employer contribution", 11), ("health", "Health (annual)", 12), ("hsa", "HSA (annual)", 11),
        ("other", "Other benefits (annual)", 12), ("other_detail", "Other benefits detail", 28),
        ("espp_discount", "ESPP discount", 9), ("espp_contribution", "ESPP contribution", 11),
        ("pto", "PTO days", 8), ("col", "COL index", 8), ("tax", "Tax rate", 8), ("visa", "Visa", 28),
        ("factors", "Factors (1-5)", 24), ("notes", "Notes", 40), ("missing", "Missing terms", 30), ("flags", "Flags", 50),
    ]
    return TableSpec(INPUTS, _cols(*cols))


# Summary rows: (key, label, kind, better) — better: "max", "min" or None (no highlight). The
# headline figures come from the one headline table (offers.results.HEADLINE_TABLE).
SUMMARY_ROWS = (
    ("rank", "Rank (by average TC)", "int", "min"),
    *((h.key, h.label, h.unit, h.better) for h in HEADLINE_TABLE),
    ("market_base", "Market percentile: base", "pct", "max"),
    ("market_total", "Market percentile: total", "pct", "max"),
    ("missing", "Missing terms", "text", None),
    ("flags", "Flags", "text", None),
)
COMPONENT_LABELS = {"base": "Base", "bonus": "Bonus", "sign_on": "Sign-on", "equity": "Equity", "refresh_equity": "Refresh equity",
                    "retirement": "Retirement", "benefits": "Benefits", "relocation": "Relocation"}


# With --current: each offer against the stay scenario (VERSUS in negotiation/current.py)
VERSUS_ROWS = (
    ("vs:year1_tc", "Year-1 TC vs now", "year1_tc", "money"),
    ("vs%:year1_tc", "Year-1 TC vs now (%)", "year1_tc", "pct"),
    ("vs:average_tc", "Average TC vs now", "average_tc", "money"),
    ("vs%:average_tc", "Average TC vs now (%)", "average_tc", "pct"),
    ("vs:average_tc_after_tax", "Average TC after tax vs now", "average_tc_after_tax", "money"),
    ("vs%:average_tc_after_tax", "Average TC after tax vs now (%)", "average_tc_after_tax", "pct"),
)


def summary_spec(horizon: int, baseline: bool = False) -> RowSpec:
    """Summary rows: headline figures, average per year by component ('avg:base'), TC by year
    ('tc:1'), TC after tax by year ('tat:1'); with a stay baseline, a note about it and the 'vs now' rows after the headlines."""
    from ...offers.engine import COMPONENTS

    rows: list[str | None] = ["title", "note", "market_note"] + (["stay_note"] if baseline else [])
    rows += ["offer_header", "offer_id", "currency", None]
    rows += [key for key, _, _, _ in SUMMARY_ROWS]
    if baseline:
        rows += [None] + [key for key, _, _, _ in VERSUS_ROWS]
    rows += [None, "avg_header"] + [f"avg:{c}" for c in COMPONENTS]
    rows += [None, "tc_header"] + [f"tc:{k}" for k in range(1, horizon + 1)]
    rows += [None, "tat_header"] + [f"tat:{k}" for k in range(1, horizon + 1)]
    return RowSpec(SUMMARY, tuple(rows))


def assumption_rows(fx_codes: Sequence[str]) -> RowSpec:
    """Assumptions rows: the inputs, the US limits, then one FX rate per currency ('fx:EUR')."""
    rows: list[str | None] = ["title", "note", "header", "currency", "horizon", "raise", "growth", "discount", "refreshers",
                              "discount_rate", "tax_rate", "fx_date", None, "limits_header", "comp_limit", "deferral_limit",
                              "espp_limit", None, "fx_header"]
    rows += [f"fx:{c}" for c in fx_codes]
    return RowSpec(ASSUMPTIONS, tuple(rows))


@dataclass(frozen=True)
class Layout:
    """The specs of every sheet for one evaluation, and the rows of its records.

    Build it with `Layout.of(evaluation)`; `replace(layout, years=...)` gives a layout with
    another spec for one sheet (the workbook follows it, formulas included).
    """

    e: "Evaluation"
    inputs: TableSpec
    years: TableSpec = YEARS_SPEC
    grants: TableSpec = GRANTS_SPEC
    vest: TableSpec = VEST_SPEC
    market: TableSpec = MARKET_SPEC
    tax: TableSpec = field(default=None)  # type: ignore[assignment]
    calendar: TableSpec = field(default=None)  # type: ignore[assignment]
    assumption_cols: TableSpec = ASSUMPTION_COLS
    assumptions: RowSpec = field(default=None)  # type: ignore[assignment]
    summary: RowSpec = field(default=None)  # type: ignore[assignment]
    fx_codes: tuple[str, ...] = ()
    tiers: int = 1
    stay: Any = None  # negotiation.current.Baseline with an evaluation (--current), or None

    @classmethod
    def of(cls, evaluation: "Evaluation", stay: Any = None, **specs: Any) -> "Layout":
        """The default layout of `evaluation`; `stay` adds the Summary's 'Now' column and 'vs now' rows."""
        e = evaluation
        cur = e.currency
        codes = {o.currency for o in e.offers}
        codes |= {g.currency for o in e.offers for g in (o.equity or ()) if g.currency}
        codes |= {o.refresher.currency for o in e.offers if o.refresher and o.refresher.currency}
        codes.discard(cur)
        fx_codes = (cur, *sorted(codes))
        tiers = max([len(o.retirement.tiers) for o in e.offers if o.retirement] + [1])
        if stay is not None and getattr(stay, "evaluation", None) is None:
            stay = None  # a current-job file without a base salary: no stay scenario to show
        tax_rows = [row for i in range(len(e.offers)) for row in (e.after_tax.offer_block(i).get("years") or ())]
        calendar_rows = [row for i in range(len(e.offers)) for row in (e.calendar_dict(i).get("calendar_years") or ())]
        base = dict(inputs=inputs_spec(e.horizon_years, tiers, cur), assumptions=assumption_rows(fx_codes),
                    tax=block_spec(TAX, TAX_LEAD, TAX_KEYS, tax_rows, TAX_KEEP),
                    calendar=block_spec(CALENDAR, CALENDAR_LEAD, CALENDAR_KEYS, calendar_rows, CALENDAR_KEEP),
                    summary=summary_spec(e.horizon_years, stay is not None), fx_codes=fx_codes, tiers=tiers, stay=stay)
        return cls(e=e, **{**base, **specs})

    # ------------------------------------------------------------ records and their rows
    @property
    def n(self) -> int:
        return len(self.e.offers)

    @property
    def h(self) -> int:
        return self.e.horizon_years

    @property
    def cur(self) -> str:
        return self.e.currency

    @cached_property
    def index(self) -> dict[str, int]:
        return {oid: i for i, oid in enumerate(self.e.ids)}

    @cached_property
    def grant_list(self) -> list[tuple[int, int, Any, str]]:
        """(offer index, grant no (0 = refresher), model, kind), one per Grants row."""
        out = []
        for i, o in enumerate(self.e.offers):
            for g, grant in enumerate(o.equity or (), start=1):
                out.append((i, g, grant, grant.type))
            if o.refresher is not None:
                out.append((i, 0, o.refresher, "refresher"))
        return out

    @cached_property
    def grant_row(self) -> dict[tuple[int, int], int]:
        return {(i, g): self.grants.first_row + k for k, (i, g, _, _) in enumerate(self.grant_list)}

    @cached_property
    def tax_blocks(self) -> list[dict[str, Any]]:
        """Each offer's JSON `tax` block (offers.aftertax.AfterTax.offer_block), unrounded."""
        return [self.e.after_tax.offer_block(i) for i in range(self.n)]

    @cached_property
    def calendar_blocks(self) -> list[dict[str, Any]]:
        """Each offer's paid view as in the JSON: start_date, calendar_years, bonus_accrued_unpaid."""
        return [self.e.calendar_dict(i) for i in range(self.n)]

    @cached_property
    def events(self) -> Any:
        return self.e.vest_events

    @property
    def ev_last(self) -> int:
        """Last Vest events row (the first row when there are none, so ranges stay valid)."""
        return max(self.vest.first_row, self.vest.first_row + len(self.events) - 1)

    def inputs_row(self, i: int) -> int:
        return self.inputs.first_row + i

    def year_row(self, i: int, k: int) -> int:
        """Row of offer i (0-based), year k (1-based) on the Year-by-year sheet."""
        return self.years.first_row + i * self.h + (k - 1)

    def offer_col(self, i: int) -> int:
        """Summary column of offer i (0-based); with a stay baseline the offers follow its column."""
        return self.summary.first_value_col + (1 if self.stay is not None else 0) + i

    @property
    def baseline_col(self) -> int:
        """Summary column of the current job (the stay scenario), when there is one."""
        return self.summary.first_value_col

    # ------------------------------------------------------------ addresses other sheets read
    def A(self, key: str) -> str:
        """An Assumptions value cell, absolute, with its sheet."""
        return ref(ASSUMPTIONS, self.assumptions.row(key), self.assumption_cols.col("value"), absolute=True)

    def I(self, key: str, i: int) -> str:  # noqa: E743
        """Offer i's Inputs cell of column `key`, absolute, with its sheet."""
        return self.inputs.ref(key, self.inputs_row(i), external=True, absolute=True)

    def fx_codes_span(self) -> str:
        first, last = self.assumptions.row(f"fx:{self.fx_codes[0]}"), self.assumptions.row(f"fx:{self.fx_codes[-1]}")
        return self.assumption_cols.span("label", first, last)

    def fx_lookup(self, code_cell: str) -> str:
        """The rate (reporting currency per unit) of the currency named in `code_cell`."""
        first, last = self.assumptions.row(f"fx:{self.fx_codes[0]}"), self.assumptions.row(f"fx:{self.fx_codes[-1]}")
        rates = self.assumption_cols.span("value", first, last)
        return f"INDEX({rates},MATCH({code_cell},{self.fx_codes_span()},0))"
