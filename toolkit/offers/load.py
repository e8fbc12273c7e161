"""Offer files → validated models: documents (YAML/JSON/TOML) and flat tables (CSV/XLSX/Parquet).

Collects every problem in every file (file, offer, field, what was expected, what was found)
and raises them together as one InputError. Assigns default ids (slug of the company, with
-2, -3 for repeats) and merges several files' offers, assumptions and FX sections.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from pydantic import ValidationError

from .._util import paused_gc
from ..errors import InputError, Issue
from ..validation import issues_from_validation, show_value as _got
from ..io import (
    AMBIGUOUS_DECIMAL, MAX_FLAT_OFFER_TABLE_BYTES, MAX_OFFER_TABLE_BYTES, CodedTable, check_input_path, file_kind, parse_yaml_cell,
    read_coded_table, read_document, read_table, sheet_names,
)
from .models import TEXT_FIELDS, Assumptions, Offer, offer_id_text
from .money import AmountError, parse_currency

TOP_LEVEL_KEYS = ("offers", "reporting_currency", "assumptions", "fx")


@dataclass(frozen=True)
class OfferSet:
    """Everything read from the offer files, ready for `evaluate`."""

    offers: Sequence[Offer]  # a tuple, or for one flat table its columns (`columnar.OfferColumns`)
    reporting_currency: str | None = None
    assumptions: Assumptions = field(default_factory=Assumptions)
    fx_sections: tuple[tuple[str, Mapping[str, Any]], ...] = ()  # (file, raw `fx:` section), parsed by the pipeline
    sources: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()  # the file each offer came from, in order (for messages)

    def __len__(self) -> int:
        return len(self.offers)

    def __getitem__(self, i: int) -> Offer:
        """Offer i (built from its row when the offers are columns)."""
        return self.offers[i]


# ------------------------------------------------------------------ documents and tables → raw offers

@dataclass
class RawOffer:
    """One offer's raw data and where it came from ("#2" in a document, "row 5" in a table)."""

    data: Any
    position: str
    source: str
    repeated: bool = False  # its id is given to another offer too: messages add the position

    @property
    def record(self) -> str:
        """How messages name the offer: "offer 'acme-2'", "offer #2", "row 5 (offer 'acme')".

        Read after ids are assigned, so a defaulted id names the right offer."""
        name = None
        if isinstance(self.data, dict):
            for key in ("id", "company"):
                value = _given_id(self.data) if key == "id" else self.data.get(key)
                if isinstance(value, str) and value.strip():
                    name = f"offer {value.strip()!r}"
                    break
        if self.position.startswith("row"):
            return f"{self.position} ({name})" if name else self.position
        if name and self.repeated:
            return f"{name} ({self.position})"
        return name or f"offer {self.position}"


def _split_document(data: Any, source: str) -> tuple[list[RawOffer], dict[str, Any], list[Issue]]:
    """A document is a mapping with `offers:`, a bare list of offers, or one offer mapping."""
    sections: dict[str, Any] = {}
    if isinstance(data, list):
        offers = data
    elif isinstance(data, dict) and "offers" in data:
        unknown = [k for k in data if k not in TOP_LEVEL_KEYS]
        if unknown:
            return [], {}, [
                Issue(source=source, message=f"unknown top-level key {k!r}; expected {', '.join(TOP_LEVEL_KEYS)}", code="unknown_field")
                for k in unknown
            ]
        offers = data["offers"]
        sections = {k: data[k] for k in TOP_LEVEL_KEYS[1:] if data.get(k) is not None}
        if not isinstance(offers, list):
            return [], {}, [Issue(source=source, field="offers", message=f"expected a list of offers, got {_got(offers)}", code="wrong_type")]
    elif isinstance(data, dict) and "company" in data:
        offers = [data]
    elif isinstance(data, dict):
        return [], {}, [Issue(source=source, message=f"expected an 'offers:' list, a list of offers or one offer with a company; found keys {list(data)[:10]}", code="no_data")]
    else:
        return [], {}, [Issue(source=source, message=f"expected offers, got {_got(data)}", code="no_data")]
    if not offers:
        return [], sections, [Issue(source=source, message="the file contains no offers", code="no_data")]
    raws = [RawOffer(o, f"#{i + 1}", source) for i, o in enumerate(offers)]
    return raws, sections, []


def _clean_cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float):
        return None if value != value else value  # NaN is an empty cell
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


# Cells under these names may hold a whole term as YAML flow text, for what one row of
# dotted columns cannot hold: several grants or sign-on payments, matching tiers, a custom
# vesting schedule (`equity.vesting: "{yearly: [25, 25, 25, 25], frequency: quarterly}"`).
YAML_CELLS = frozenset({"bonus", "sign_on", "equity", "refresher", "retirement", "benefits", "relocation", "visa",
                        "factors", "vesting", "espp", "other", "tiers", "weights", "raises"})


Column = tuple[tuple[str, ...], str, bool]  # (path, dotted name, may hold a YAML cell)


def columns_of(names: Sequence[str]) -> list[Column]:
    """Column names → what `_nest` needs per column, worked out once per table."""
    return [(tuple(n.split(".")), n, n.split(".")[-1] in YAML_CELLS) for n in names]


def _nest(row: Sequence[Any], columns: Sequence[Column]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Cells with dotted column paths → nested mappings: ('bonus', 'target') → {'bonus': {'target': v}}.

    Cells arrive cleaned (see `_clean_cell`); empty cells are left out, so a missing term
    stays missing. Returns the mapping and (field, message) problems found in the cells.
    Runs once per row of a 100,000-row table, hence the fast path for plain columns.
    """
    out: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    whole: set[tuple[str, ...]] = set()  # terms given as one YAML cell (rare: checks below only then)
    for (path, field_name, yaml_cell), value in zip(columns, row):
        if value is None:
            continue
        if yaml_cell and value.__class__ is str and value[:1] in "[{":
            try:
                value = parse_yaml_cell(value)
            except ValueError as exc:
                problems.append((field_name, str(exc)))
                continue
            whole.add(path)
        if whole:
            filled = [c[0] for c, v in zip(columns, row) if v is not None]
            given_whole = next((p for p in whole if path[: len(p)] == p and p != path), None)
            if given_whole is not None or (path in whole and any(q[: len(path)] == path and q != path for q in filled)):
                term = ".".join(given_whole or path)
                if not any(f == term or f.startswith(term + ".") for f, _ in problems):  # once per term
                    problems.append((term, f"{term} is given both as one YAML cell and as {term}.* columns; use one or the other"))
                continue
        if len(path) == 1:
            if isinstance(out.get(field_name), dict):
                problems.append((field_name, f"{field_name} is also given as {field_name}.* columns; use one or the other"))
            else:
                out[field_name] = value
            continue
        node = out
        for depth, part in enumerate(path[:-1]):
            nxt = node.get(part)
            if nxt is None:
                nxt = node[part] = {}
            elif isinstance(nxt, str) and part == "vesting":  # equity.vesting: preset, plus a detail column
                nxt = node[part] = {"preset": nxt}
            elif not isinstance(nxt, dict):
                problems.append((field_name, f"{'.'.join(path[:depth + 1])} is already given as a whole; give it either in one cell or as {'.'.join(path[:depth + 1])}.* columns"))
                break
            node = nxt
        else:
            if isinstance(node.get(path[-1]), dict):
                problems.append((field_name, f"{field_name} is also given as {field_name}.* columns; use one or the other"))
            else:
                node[path[-1]] = value
    return out, problems


def _table_sections(path: str) -> dict[str, Any]:
    """An XLSX offer table's optional 'Assumptions' sheet (columns setting, value) as the
    `assumptions`, `fx` and `reporting_currency` sections a document would have."""
    if file_kind(Path(path)) != "xlsx" or "Assumptions" not in sheet_names(path):
        return {}
    frame = read_table(path, sheet="Assumptions", max_bytes=MAX_OFFER_TABLE_BYTES)
    if list(frame.columns[:2]) != ["setting", "value"]:
        raise InputError.single(path, f"the Assumptions sheet needs columns setting, value; columns present: {list(frame.columns)}", code="missing")
    pairs: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for k, v in zip(frame["setting"], frame["value"]):
        name = _clean_cell(k)
        if name is None:
            continue
        name = str(name).strip()
        if name in pairs:
            problems.append((name, f"the setting {name!r} appears more than once; keep one"))
        pairs[name] = _clean_cell(v)
    nested, more = _nest(list(pairs.values()), columns_of(list(pairs)))
    problems += more
    if problems:
        raise InputError([Issue(source=path, record="Assumptions sheet", field=f, message=m, code="invalid_value") for f, m in problems])
    sections = {k: nested.pop(k) for k in ("fx", "reporting_currency") if k in nested}
    if nested:
        sections["assumptions"] = nested
    return sections


REPORT_SHEETS = {"Summary", "Year by year", "Vest events"}


def _offer_sheet(path: str) -> str | None:
    """The sheet to read offers from: 'Offers' when the workbook has one (the template's),
    else the first. A workbook written by `compare -o` is refused with a pointer to `template`."""
    if file_kind(Path(path)) != "xlsx":
        return None
    names = sheet_names(path)
    if "Offers" in names:
        return "Offers"
    if REPORT_SHEETS <= set(names):
        raise InputError.single(path, "this is an offer-toolkit report, not an offer table; "
                                      "write an offer workbook with `offer-toolkit template FILE.xlsx --from offers.yaml`", code="bad_output")
    return None


_NUMBER_TEXT = __import__("re").compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_INTEGER_TEXT = __import__("re").compile(r"[+-]?\d+")


def clean_cells(values: Sequence[Any], *, text: bool) -> list[Any]:
    """A column's distinct cells as the document path would see them: stripped text, None for
    blanks, dates for midnight datetimes; in a column that is not text, a cell that is a plain
    number becomes that number (`0777` in a role column stays text; `80.000` stays text
    everywhere, so the amount parser calls it ambiguous as it does in YAML)."""
    out = []
    for v in values:
        if type(v) is str:  # most cells of a CSV: the checks of `_clean_cell` and below, inlined
            v = v.strip() or None
            if v is not None and not text:
                if _INTEGER_TEXT.fullmatch(v):
                    v = int(v) if not AMBIGUOUS_DECIMAL.match(v) else v
                elif _NUMBER_TEXT.fullmatch(v) and not AMBIGUOUS_DECIMAL.match(v):
                    v = float(v)
            out.append(v)
            continue
        v = _clean_cell(v)
        if not text and isinstance(v, str) and _NUMBER_TEXT.fullmatch(v) and not AMBIGUOUS_DECIMAL.match(v):
            v = int(v) if v.lstrip("+-").isdigit() else float(v)
        out.append(v)
    return out


def table_columns(table: CodedTable) -> list[list[Any]]:
    """Every column of a coded table as cleaned cells (see `clean_cells`), row by row."""
    cols = []
    for name, codes, values in zip(table.names, table.codes, table.values):
        vals = clean_cells(values, text=name in TEXT_FIELDS) + [None]
        cols.append([vals[k] for k in codes.tolist()])
    return cols


def _check_table(path: str, table: CodedTable) -> None:
    if table.rows == 0:
        raise InputError.single(path, "the table has a header row but no offers", code="no_data")
    if table.duplicate_columns:
        raise InputError([Issue(source=path, field=c, message=f"the column {c!r} appears more than once; keep one", code="duplicate") for c in table.duplicate_columns])
    if "company" not in table.names:
        raise InputError.single(
            path, f"a flat offer table needs a 'company' column (and currency, base_salary); columns present: {list(table.names)[:20]}", code="no_data"
        )


def table_rows(path: str, table: CodedTable) -> tuple[list[RawOffer], list[Issue]]:
    """The rows of a flat offer table as raw offers, and the problems found in their cells."""
    _check_table(path, table)
    columns = columns_of(list(table.names))
    raws, issues = [], []
    for i, row in enumerate(zip(*table_columns(table))):
        nested, problems = _nest(row, columns)
        raw = RawOffer(nested, f"row {i + 2}", path)
        if problems:  # this row is not validated (its other errors would be noise); the rest are
            issues += [Issue(source=path, record=raw.record, field=f, message=m, code="invalid_value") for f, m in problems]
        elif nested:
            raws.append(raw)
    if not raws and not issues:
        raise InputError.single(path, "the table has no offers (every row is empty)", code="no_data")
    return raws, issues


def columnar_offers(path: str, table: CodedTable) -> tuple[Any, list[Issue]]:
    """A flat table's offers kept as columns (`columnar.OfferColumns`), ids assigned and every
    row checked; (None, []) when the table needs the row-by-row path (see `columnar.supports`)."""
    from . import columnar

    _check_table(path, table)
    cleaned = [clean_cells(values, text=name in TEXT_FIELDS) for name, values in zip(table.names, table.values)]
    columns = columns_of(list(table.names))
    padded = [c + [None] for c in cleaned]

    def row_data(r: int) -> dict[str, Any]:
        return _nest(tuple(col[k] for col, k in zip(padded, (codes[r] for codes in table.codes))), columns)[0]

    def row_issues(rows: Sequence[int], ids: Sequence[str | None], repeated: set[int]) -> list[list[Issue]]:
        out = []
        for r, offer_id in zip(rows, ids):
            data = row_data(r)
            if data.get("id") is None and offer_id is not None:
                data["id"] = offer_id
            out.append(parse_offer(RawOffer(data, f"row {r + 2}", path, repeated=r in repeated))[1])
        return out

    return columnar.build(path, table, cleaned, row_data, row_issues)


def _row_by_row_size(path: str | os.PathLike) -> None:
    """A table read row by row (given with other files, or with YAML cells or unknown columns)
    holds a model per offer: it has the smaller limit."""
    size = Path(path).stat().st_size
    if size > MAX_OFFER_TABLE_BYTES:
        raise InputError.single(
            str(path), f"the file is {size / 1e6:,.1f} MB, larger than the {MAX_OFFER_TABLE_BYTES / 1e6:,.0f} MB limit for a table "
                       f"read row by row; up to {MAX_FLAT_OFFER_TABLE_BYTES / 1e6:,.0f} MB is read column by column when it is "
                       "the only offer file, has only offer-field columns and no YAML cells", code="too_large")


# ------------------------------------------------------------------ the stages

@dataclass
class FileOffers:
    """One offer file after reading and splitting: its raw offers, its sections and its problems."""

    source: str
    raws: list[RawOffer] = field(default_factory=list)
    sections: dict[str, Any] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)


def read_offer_file(path: str | os.PathLike, *, encoding: str | None = None) -> tuple[str, Any]:
    """Stage 1, read: ("document", data) for YAML/JSON/TOML, ("table", CodedTable) for CSV/XLSX/Parquet.

    Text fields keep the text as written (see `TEXT_FIELDS`). Raises InputError."""
    check_input_path(path, max_bytes=MAX_FLAT_OFFER_TABLE_BYTES)
    if file_kind(Path(path)) in ("csv", "xlsx", "parquet"):
        return "table", read_coded_table(path, sheet=_offer_sheet(str(path)), encoding=encoding)
    return "document", read_document(path, text_keys=TEXT_FIELDS)


def split_sections(source: str, kind: str, content: Any) -> FileOffers:
    """Stage 2, split sections: a file's offers as raw offers, apart from its `assumptions`,
    `fx` and `reporting_currency` sections (a workbook's Assumptions sheet for tables)."""
    if kind == "table":
        raws, issues = table_rows(source, content)
        return FileOffers(source, raws, _table_sections(source), issues)
    raws, sections, issues = _split_document(content, source)
    return FileOffers(source, raws, sections, issues)


def parse_offer(raw: RawOffer) -> tuple[Offer | None, list[Issue]]:
    """One raw offer → the validated Offer, or None and its problems (file, record, field, message)."""
    data = raw.data
    if not isinstance(data, dict):
        return None, [Issue(source=raw.source, record=raw.record, message=f"expected an offer mapping, got {_got(data)}", code="wrong_type")]
    currency = None
    if data.get("currency") is not None:
        try:
            currency = parse_currency(data["currency"])
        except AmountError:
            currency = None
    try:
        return Offer.model_validate(data, context={"currency": currency}), []
    except ValidationError as exc:
        return None, issues_from_validation(exc, source=raw.source, record=raw.record, model=Offer)


def parse_offers(raws: Sequence[RawOffer]) -> tuple[list[Offer], list[str], list[Issue]]:
    """Stage 3, parse offers: every raw offer validated; (offers, the file of each, problems)."""
    offers: list[Offer] = []
    origins: list[str] = []
    issues: list[Issue] = []
    with paused_gc():
        for raw in raws:
            offer, problems = parse_offer(raw)
            issues.extend(problems)
            if offer is not None:
                offers.append(offer)
                origins.append(raw.source)
    return offers, origins, issues


def _given_id(data: Any) -> str | None:
    """The id an offer's data gives, as the text ids are compared by (None when none is given)."""
    value = data.get("id") if isinstance(data, dict) else None
    if value is None or isinstance(value, bool):
        return None
    key = offer_id_text(value)
    return key if isinstance(key, str) and key else None


def assign_ids(raws: list[RawOffer]) -> list[Issue]:
    """Stage 4: give offers without an `id` the slug of their company (-2, -3, ... for repeats), in place.

    Done on the raw data, before validation, so no model has to be copied. Ids are compared
    as text (`offer_id_text`: 5, 5.0 and "5" are one id); only explicitly given duplicate
    ids are an error.
    """
    given = [_given_id(raw.data) for raw in raws]
    needs = [raw.data["company"] if isinstance(raw.data, dict) and raw.data.get("id") is None
             and isinstance(raw.data.get("company"), str) else None for raw in raws]
    assigned, repeats = id_plan(given, needs)
    issues: list[Issue] = []
    for first, i, key in repeats:
        raws[first].repeated = raws[i].repeated = True
        raw = raws[i]
        issues.append(Issue(source=raw.source, record=raw.record, field="id", message=f"duplicate offer id {key!r}; ids must be unique", code="duplicate"))
    for raw, new in zip(raws, assigned):
        if new is not None:
            raw.data = {**raw.data, "id": new}
    return issues


_PLAIN_NAME = __import__("re").compile(r"[A-Za-z0-9 ]*")


def id_plan(given: Sequence[str | None], needs: Sequence[str | None]) -> tuple[list[str | None], list[tuple[int, int, str]]]:
    """The id rule over plain lists, shared by raw offers and columnar tables.

    `given[i]`: offer i's id as compared (None when it gives none); `needs[i]`: its company
    when it needs a default id, else None. Returns the default id of each offer (None where
    none is assigned) and each repeated given id as (first offer, this offer, id).
    """
    from slugify import slugify

    seen: dict[str, int] = {}
    repeats: list[tuple[int, int, str]] = []
    for i, key in enumerate(given):
        if key is not None:
            if key in seen:
                repeats.append((seen[key], i, key))
            else:
                seen[key] = i
    taken = set(seen)
    slugs: dict[str, str] = {}
    for company in set(needs):
        if company is not None:
            # plain ASCII words: what slugify gives (lowercase, joined by '-'), without its 8 µs a name
            slugs[company] = ("-".join(company.lower().split()) if _PLAIN_NAME.fullmatch(company) else slugify(company)) or "offer"
    # Fast path: number each slug's offers in order; kept when no default meets another id,
    # else the loop below gives the same numbering with the taken ones skipped.
    assigned: list[str | None] = [None] * len(needs)
    counts: dict[str, int] = {}
    for i, company in enumerate(needs):
        if company is None:
            continue
        base = slugs[company]
        n = counts.get(base, 0) + 1
        counts[base] = n
        assigned[i] = base if n == 1 else f"{base}-{n}"
    made = [a for a in assigned if a is not None]
    if len(set(made)) == len(made) and taken.isdisjoint(made):
        return assigned, repeats
    counters: dict[str, int] = {}
    assigned = [None] * len(given)
    for i, company in enumerate(needs):
        if company is None:
            continue
        base = slugs[company]
        n = counters.get(base, 1)
        candidate = base if n == 1 else f"{base}-{n}"
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        counters[base] = n + 1
        taken.add(candidate)
        assigned[i] = candidate
    return assigned, repeats


def _parse_assumptions(values: Mapping[str, Any], source: str, *, parsed: bool = False) -> tuple[dict[str, Any], list[Issue]]:
    """One file's (or the flags') assumptions, parsed: only the keys it sets. `parsed`: the
    values are fractions already (flags, the Python API), so 1.5 is 150%, not the typo 1.5%."""
    try:
        model = Assumptions.model_validate(dict(values), context={"parsed": parsed})
    except ValidationError as exc:
        return {}, issues_from_validation(exc, source=source, record="assumptions", model=Assumptions)
    return {k: getattr(model, k) for k in model.model_fields_set}, []


def merge_assumptions(found: list[tuple[str, dict]], overrides: Mapping[str, Any]) -> tuple[Assumptions, list[Issue]]:
    """Stage 5: files' assumptions merged; flags win. Two files that set one key to different
    values (after parsing: 3% and 0.03 agree) are an error unless a flag sets that key."""
    flags, issues = _parse_assumptions({k: v for k, v in overrides.items() if v is not None}, "command line", parsed=True)
    merged: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for source, values in found:
        parsed, problems = _parse_assumptions(values, source)
        issues.extend(problems)
        for key, value in parsed.items():
            if key in flags:
                continue
            if key in merged and merged[key] != value:
                issues.append(Issue(
                    source=source, record="assumptions", field=key,
                    message=f"{values[key]!r} disagrees with {merged[key]!r} in {origin[key]}; set it in one file or with a command-line flag",
                    code="conflict",
                ))
            elif key not in merged:
                merged[key], origin[key] = value, source
    merged.update(flags)
    return Assumptions.model_validate(merged, context={"parsed": True}), issues


# ------------------------------------------------------------------ sections gathered from every file

@dataclass
class Sections:
    """The sections of every file, in file order, with where each came from."""

    assumptions: list[tuple[str, dict]] = field(default_factory=list)
    fx: list[tuple[str, dict]] = field(default_factory=list)
    reporting: list[tuple[str, Any]] = field(default_factory=list)

    def take(self, sections: Mapping[str, Any], source: str) -> list[Issue]:
        issues = []
        if "assumptions" in sections:
            a = sections["assumptions"]
            if not isinstance(a, dict):
                issues.append(Issue(source=source, record="assumptions", message=f"expected a mapping of assumptions, got {_got(a)}", code="wrong_type"))
            else:
                self.assumptions.append((source, a))
        if "fx" in sections:
            if not isinstance(sections["fx"], dict):
                issues.append(Issue(source=source, record="fx", message=f"expected a mapping like {{EUR: 1.08}}, got {_got(sections['fx'])}", code="wrong_type"))
            else:
                self.fx.append((source, sections["fx"]))
        if "reporting_currency" in sections:
            self.reporting.append((source, sections["reporting_currency"]))
        return issues


def _assumptions_file(path: str | os.PathLike) -> tuple[dict[str, Any], list[Issue]]:
    """A separate assumptions file: a document with the sections, or a bare mapping of assumptions."""
    source = str(path)
    data = read_document(path)
    if isinstance(data, dict) and any(k in data for k in TOP_LEVEL_KEYS[1:]):
        unknown = [k for k in data if k not in TOP_LEVEL_KEYS[1:]]
        issues = [Issue(source=source, message=f"unknown key {k!r} in an assumptions file; expected {', '.join(TOP_LEVEL_KEYS[1:])}", code="unknown_field") for k in unknown]
        return {k: v for k, v in data.items() if k in TOP_LEVEL_KEYS[1:]}, issues
    if isinstance(data, dict):
        return {"assumptions": data}, []
    return {}, [Issue(source=source, message=f"expected a mapping of assumptions, got {_got(data)}", code="wrong_type")]


def _rate_of(spec: Any) -> Any:
    """An fx-section entry's rate as a number when it is one ({rate: 1.2}, 1.2 and "1.20" agree)."""
    value = spec.get("rate") if isinstance(spec, dict) else spec
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def check_reporting_currency(sections: Sections) -> tuple[str | None, list[Issue]]:
    """Cross-file check: every file that names a reporting currency names the same one."""
    issues: list[Issue] = []
    chosen: tuple[str, str] | None = None
    for source, value in sections.reporting:
        try:
            code = parse_currency(value)
        except AmountError as exc:
            issues.append(Issue(source=source, field="reporting_currency", message=str(exc), code="bad_currency"))
            continue
        if chosen is not None and code != chosen[1]:
            issues.append(Issue(source=source, field="reporting_currency", message=f"{code} disagrees with {chosen[1]} in {chosen[0]}", code="conflict"))
        elif chosen is None:
            chosen = (source, code)
    return (chosen[1] if chosen else None), issues


def check_fx_sections(sections: Sections) -> list[Issue]:
    """Cross-file check: two files' `fx:` sections give one currency the same rate."""
    issues = []
    fx = sections.fx
    for source, section in fx[1:]:
        for code, value in section.items():
            earlier = next((s for s, sec in fx if code in sec and s != source), None)
            if earlier is not None and _rate_of(dict(fx)[earlier][code]) != _rate_of(value):
                issues.append(Issue(source=source, record="fx", field=f"fx.{code}", message=f"{value!r} disagrees with the rate in {earlier}", code="conflict"))
    return issues


CROSS_FILE_CHECKS = (check_fx_sections,)  # each (Sections) → issues, run after the offers are parsed


# ------------------------------------------------------------------ the loader

def load_offers(
    paths: str | os.PathLike | Sequence[str | os.PathLike],
    *,
    assumptions: str | os.PathLike | None = None,
    overrides: Mapping[str, Any] | None = None,
    encoding: str | None = None,
) -> OfferSet:
    """Read and validate one or more offer files.

    The stages, each usable on its own: `read_offer_file` → `split_sections` → `assign_ids` →
    `parse_offers` (`parse_offer` per offer) → `merge_assumptions` → `CROSS_FILE_CHECKS`.

    Args:
        paths: YAML/JSON/TOML documents or CSV/XLSX/Parquet flat tables.
        assumptions: an optional separate file with `assumptions:` (and `fx:`, `reporting_currency:`),
            or a bare mapping of assumptions.
        overrides: assumption values from the command line; they win over files.
        encoding: the encoding of CSV tables when it is not UTF-8 (like "cp1252").

    Raises:
        InputError: every problem found, in every file.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    issues: list[Issue] = []
    files: list[FileOffers] = []
    table = None  # one flat table alone: its offers stay columns
    for path in paths:
        try:
            if len(paths) > 1 and Path(path).is_file() and file_kind(Path(path)) in ("csv", "xlsx", "parquet"):
                _row_by_row_size(path)
            kind, content = read_offer_file(path, encoding=encoding)
            if kind == "table" and len(paths) == 1:
                table, problems = columnar_offers(str(path), content)
                if table is not None:
                    files.append(FileOffers(str(path), [], _table_sections(str(path)), problems))
                    continue
            if kind == "table":
                _row_by_row_size(path)
            files.append(split_sections(str(path), kind, content))
        except InputError as exc:
            issues.extend(exc.issues)
    sections = Sections()
    for f in files:
        issues.extend(f.issues)
        issues.extend(sections.take(f.sections, f.source))
    if assumptions is not None:
        try:
            found, problems = _assumptions_file(assumptions)
            issues.extend(problems)
            issues.extend(sections.take(found, str(assumptions)))
        except InputError as exc:
            issues.extend(exc.issues)

    reporting_currency, problems = check_reporting_currency(sections)
    issues.extend(problems)
    assumptions_model, problems = merge_assumptions(sections.assumptions, overrides or {})
    issues.extend(problems)

    raws = [raw for f in files for raw in f.raws]
    if table is not None:  # ids and offers were checked column by column
        offers, origins = table, (str(paths[0]),) * len(table)
    else:
        issues.extend(assign_ids(raws))
        offers, origins, problems = parse_offers(raws)
        issues.extend(problems)
    if not raws and table is None and not issues:
        issues.append(Issue(source=", ".join(map(str, paths)), message="no offers found", code="no_data"))
    for check in CROSS_FILE_CHECKS:
        issues.extend(check(sections))

    if issues:
        raise InputError(issues)
    return OfferSet(
        offers=offers if table is not None else tuple(offers),
        reporting_currency=reporting_currency,
        assumptions=assumptions_model,
        fx_sections=tuple(sections.fx),
        sources=tuple(str(p) for p in paths),
        origins=tuple(origins),
    )
