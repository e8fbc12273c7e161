"""Offer files → validated models: documents (YAML/JSON/TOML) and flat tables (CSV/XLSX).

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
from ..io import MAX_OFFER_TABLE_BYTES, check_input_path, file_kind, parse_yaml_cell, read_document, read_table, sheet_names
from .models import Assumptions, Offer
from .money import AmountError, parse_currency

TOP_LEVEL_KEYS = ("offers", "reporting_currency", "assumptions", "fx")


@dataclass(frozen=True)
class OfferSet:
    """Everything read from the offer files, ready for `evaluate`."""

    offers: tuple[Offer, ...]
    reporting_currency: str | None = None
    assumptions: Assumptions = field(default_factory=Assumptions)
    fx_sections: tuple[tuple[str, Mapping[str, Any]], ...] = ()  # (file, raw `fx:` section), parsed by the pipeline
    sources: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()  # the file each offer came from, in order (for messages)


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
                value = self.data.get(key)
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
                Issue(source=source, message=f"unknown top-level key {k!r}; expected {', '.join(TOP_LEVEL_KEYS)}", code="extra_forbidden")
                for k in unknown
            ]
        offers = data["offers"]
        sections = {k: data[k] for k in TOP_LEVEL_KEYS[1:] if data.get(k) is not None}
        if not isinstance(offers, list):
            return [], {}, [Issue(source=source, field="offers", message=f"expected a list of offers, got {_got(offers)}", code="list_type")]
    elif isinstance(data, dict) and "company" in data:
        offers = [data]
    elif isinstance(data, dict):
        return [], {}, [Issue(source=source, message=f"expected an 'offers:' list, a list of offers or one offer with a company; found keys {list(data)[:10]}", code="no_offers")]
    else:
        return [], {}, [Issue(source=source, message=f"expected offers, got {_got(data)}", code="no_offers")]
    if not offers:
        return [], sections, [Issue(source=source, message="the file contains no offers", code="no_offers")]
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
                        "factors", "vesting", "espp", "other", "tiers", "weights"})


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
        raise InputError.single(path, f"the Assumptions sheet needs columns setting, value; columns present: {list(frame.columns)}", code="columns")
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
        raise InputError([Issue(source=path, record="Assumptions sheet", field=f, message=m, code="invalid") for f, m in problems])
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
                                      "write an offer workbook with `offer-toolkit template FILE.xlsx --from offers.yaml`", code="report_not_input")
    return None


def _table_rows(path: str) -> tuple[list[RawOffer], list[Issue]]:
    """The rows of a flat offer table, and the problems found in their cells."""
    import pandas as pd

    frame = read_table(path, sheet=_offer_sheet(path), max_bytes=MAX_OFFER_TABLE_BYTES)
    if frame.empty:
        raise InputError.single(path, "the table has a header row but no offers", code="no_offers")
    columns = [str(c) for c in frame.columns]
    repeated = frame.attrs.get("duplicate_columns") or []
    if repeated:
        raise InputError([Issue(source=path, field=c, message=f"the column {c!r} appears more than once; keep one", code="duplicate_column") for c in repeated])
    if "company" not in columns:
        raise InputError.single(
            path, f"a flat offer table needs a 'company' column (and currency, base_salary); columns present: {columns[:20]}", code="no_offers"
        )
    table_columns = columns_of(columns)
    # Clean column by column (NaN → None, strip text) so the per-row loop stays small.
    cleaned = []
    for name in frame.columns:
        col = frame[name]
        if col.dtype.kind in "if":
            cleaned.append([None if v != v else v for v in col.tolist()])
        elif col.dtype.kind == "M":  # a date column from a workbook; blanks are NaT
            cleaned.append([None if pd.isna(v) else _clean_cell(v) for v in col.tolist()])
        elif col.dtype.kind == "b":
            cleaned.append(col.tolist())
        else:
            cleaned.append([_clean_cell(v) for v in col.tolist()])
    raws, issues = [], []
    for i, row in enumerate(zip(*cleaned)):
        nested, problems = _nest(row, table_columns)
        raw = RawOffer(nested, f"row {i + 2}", path)
        if problems:  # this row is not validated (its other errors would be noise); the rest are
            issues += [Issue(source=path, record=raw.record, field=f, message=m, code="invalid") for f, m in problems]
        elif nested:
            raws.append(raw)
    if not raws and not issues:
        raise InputError.single(path, "the table has no offers (every row is empty)", code="no_offers")
    return raws, issues


# ------------------------------------------------------------------ the loader

def _validate_offer(raw: RawOffer) -> tuple[Offer | None, list[Issue]]:
    data = raw.data
    if not isinstance(data, dict):
        return None, [Issue(source=raw.source, record=raw.record, message=f"expected an offer mapping, got {_got(data)}", code="model_type")]
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


def assign_ids(raws: list[RawOffer]) -> list[Issue]:
    """Give offers without an `id` the slug of their company (-2, -3, ... for repeats), in place.

    Done on the raw data, before validation, so no model has to be copied. Only explicitly
    given duplicate ids are an error.
    """
    from slugify import slugify

    issues: list[Issue] = []
    seen: dict[str, RawOffer] = {}
    for raw in raws:
        given = raw.data.get("id") if isinstance(raw.data, dict) else None
        if isinstance(given, str) and given.strip():
            key = given.strip()
            if key in seen:
                seen[key].repeated = raw.repeated = True
                issues.append(Issue(source=raw.source, record=raw.record, field="id", message=f"duplicate offer id {key!r}; ids must be unique", code="duplicate_id"))
            seen.setdefault(key, raw)
    slugs: dict[str, str] = {}
    counters: dict[str, int] = {}
    for raw in raws:
        data = raw.data
        if not isinstance(data, dict) or data.get("id") is not None or not isinstance(data.get("company"), str):
            continue
        company = data["company"]
        base = slugs.get(company)
        if base is None:
            base = slugs[company] = slugify(company) or "offer"
        n = counters.get(base, 1)
        candidate = base if n == 1 else f"{base}-{n}"
        while candidate in seen:
            n += 1
            candidate = f"{base}-{n}"
        counters[base] = n + 1
        seen[candidate] = raw
        raw.data = {**data, "id": candidate}
    return issues


def _parse_assumptions(values: Mapping[str, Any], source: str) -> tuple[dict[str, Any], list[Issue]]:
    """One file's (or the flags') assumptions, parsed: only the keys it sets."""
    try:
        model = Assumptions.model_validate(dict(values))
    except ValidationError as exc:
        return {}, issues_from_validation(exc, source=source, record="assumptions", model=Assumptions)
    return {k: getattr(model, k) for k in model.model_fields_set}, []


def _merge_assumptions(found: list[tuple[str, dict]], overrides: Mapping[str, Any]) -> tuple[Assumptions, list[Issue]]:
    """Files' assumptions merged; flags win. Two files that set one key to different values
    (after parsing: 3% and 0.03 agree) are an error unless a flag sets that key."""
    flags, issues = _parse_assumptions({k: v for k, v in overrides.items() if v is not None}, "command line")
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
    return Assumptions.model_validate(merged), issues


def _rate_of(spec: Any) -> Any:
    """An fx-section entry's rate as a number when it is one ({rate: 1.2}, 1.2 and "1.20" agree)."""
    value = spec.get("rate") if isinstance(spec, dict) else spec
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def load_offers(
    paths: str | os.PathLike | Sequence[str | os.PathLike],
    *,
    assumptions: str | os.PathLike | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> OfferSet:
    """Read and validate one or more offer files.

    Args:
        paths: YAML/JSON/TOML documents or CSV/XLSX flat tables.
        assumptions: an optional separate file with `assumptions:` (and `fx:`, `reporting_currency:`),
            or a bare mapping of assumptions.
        overrides: assumption values from the command line; they win over files.

    Raises:
        InputError: every problem found, in every file.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    issues: list[Issue] = []
    raws: list[RawOffer] = []
    assumption_sets: list[tuple[str, dict]] = []
    fx_sections: list[tuple[str, dict]] = []
    reporting: list[tuple[str, Any]] = []

    def take_sections(sections: dict[str, Any], source: str) -> None:
        if "assumptions" in sections:
            a = sections["assumptions"]
            if not isinstance(a, dict):
                issues.append(Issue(source=source, record="assumptions", message=f"expected a mapping of assumptions, got {_got(a)}", code="model_type"))
            else:
                assumption_sets.append((source, a))
        if "fx" in sections:
            if not isinstance(sections["fx"], dict):
                issues.append(Issue(source=source, record="fx", message=f"expected a mapping like {{EUR: 1.08}}, got {_got(sections['fx'])}", code="model_type"))
            else:
                fx_sections.append((source, sections["fx"]))
        if "reporting_currency" in sections:
            reporting.append((source, sections["reporting_currency"]))

    for path in paths:
        source = str(path)
        try:
            check_input_path(path, max_bytes=MAX_OFFER_TABLE_BYTES)
            kind = file_kind(Path(path))
            if kind in ("csv", "xlsx"):
                rows, problems = _table_rows(source)
                raws.extend(rows)
                issues.extend(problems)
                take_sections(_table_sections(source), source)
            else:
                found, sections, problems = _split_document(read_document(path), source)
                issues.extend(problems)
                raws.extend(found)
                take_sections(sections, source)
        except InputError as exc:
            issues.extend(exc.issues)
    if assumptions is not None:
        try:
            data = read_document(assumptions)
            if isinstance(data, dict) and any(k in data for k in TOP_LEVEL_KEYS[1:]):
                unknown = [k for k in data if k not in TOP_LEVEL_KEYS[1:]]
                issues.extend(Issue(source=str(assumptions), message=f"unknown key {k!r} in an assumptions file; expected {', '.join(TOP_LEVEL_KEYS[1:])}", code="extra_forbidden") for k in unknown)
                take_sections({k: v for k, v in data.items() if k in TOP_LEVEL_KEYS[1:]}, str(assumptions))
            elif isinstance(data, dict):
                take_sections({"assumptions": data}, str(assumptions))
            else:
                issues.append(Issue(source=str(assumptions), message=f"expected a mapping of assumptions, got {_got(data)}", code="model_type"))
        except InputError as exc:
            issues.extend(exc.issues)

    # reporting currency
    reporting_currency = None
    for source, value in reporting:
        try:
            code = parse_currency(value)
        except AmountError as exc:
            issues.append(Issue(source=source, field="reporting_currency", message=str(exc), code="currency"))
            continue
        if reporting_currency is not None and code != reporting_currency[1]:
            issues.append(Issue(source=source, field="reporting_currency", message=f"{code} disagrees with {reporting_currency[1]} in {reporting_currency[0]}", code="conflict"))
        elif reporting_currency is None:
            reporting_currency = (source, code)

    assumptions_model, problems = _merge_assumptions(assumption_sets, overrides or {})
    issues.extend(problems)

    # offers
    issues.extend(assign_ids(raws))
    offers: list[Offer] = []
    origins: list[str] = []
    with paused_gc():
        for raw in raws:
            offer, problems = _validate_offer(raw)
            issues.extend(problems)
            if offer is not None:
                offers.append(offer)
                origins.append(raw.source)
    if not raws and not issues:
        issues.append(Issue(source=", ".join(map(str, paths)), message="no offers found", code="no_offers"))

    for source, section in fx_sections[1:]:
        for code, value in section.items():
            earlier = next((s for s, sec in fx_sections if code in sec and s != source), None)
            if earlier is not None and _rate_of(dict(fx_sections)[earlier][code]) != _rate_of(value):
                issues.append(Issue(source=source, record="fx", field=f"fx.{code}", message=f"{value!r} disagrees with the rate in {earlier}", code="conflict"))

    if issues:
        raise InputError(issues)
    return OfferSet(
        offers=tuple(offers),
        reporting_currency=reporting_currency[1] if reporting_currency else None,
        assumptions=assumptions_model,
        fx_sections=tuple(fx_sections),
        sources=tuple(str(p) for p in paths),
        origins=tuple(origins),
    )
