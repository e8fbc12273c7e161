"""pydantic validation errors → Issues worded for a person who edits the file.

Part of the shared base: imports no domain code. Every loader (offers, assumptions, the current
job, the follow-up pipeline) translates pydantic's errors through `issues_from_validation`, so a
field error reads the same wherever it comes from.
"""

from __future__ import annotations

import difflib
from typing import Any, Sequence

from pydantic import BaseModel, ValidationError

from .errors import Code, Issue

_FRIENDLY = {
    "missing": "required, but missing",
    "bool_parsing": "expected true or false",
    "bool_type": "expected true or false",
    "int_parsing": "expected a whole number",
    "int_type": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_parsing": "expected a number",
    "float_type": "expected a number",
    "finite_number": "expected a finite number",
    "string_type": "expected text",
    "date_parsing": "expected a date like 2026-01-15",
    "date_from_datetime_parsing": "expected a date like 2026-01-15",
    "date_from_datetime_inexact": "expected a date like 2026-01-15 (no time of day)",
    "date_type": "expected a date like 2026-01-15",
    "model_type": "expected a mapping of fields",
    "model_attributes_type": "expected a mapping of fields",
    "dict_type": "expected a mapping of names to values",
    "list_type": "expected a list",
    "tuple_type": "expected a list",
    "string_too_short": "expected non-empty text",
}


# pydantic's error types → the toolkit's codes (one name per reason; see toolkit.errors.Code).
PYDANTIC_CODES = {
    "missing": Code.MISSING,
    "extra_forbidden": Code.UNKNOWN_FIELD,
    "literal_error": Code.NOT_A_CHOICE,
    "enum": Code.NOT_A_CHOICE,
    "greater_than": Code.OUT_OF_RANGE,
    "greater_than_equal": Code.OUT_OF_RANGE,
    "less_than": Code.OUT_OF_RANGE,
    "less_than_equal": Code.OUT_OF_RANGE,
    "finite_number": Code.OUT_OF_RANGE,
    **{kind: Code.BAD_DATE for kind in ("date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact", "date_type")},
    **{kind: Code.WRONG_TYPE for kind in (
        "bool_parsing", "bool_type", "int_parsing", "int_type", "int_from_float", "float_parsing", "float_type",
        "string_type", "model_type", "model_attributes_type", "dict_type", "list_type", "tuple_type")},
}


def show_value(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return repr(int(value))
    if isinstance(value, dict) and len(repr(value)) > 80:
        return "a mapping"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _dotted(loc: Sequence[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _fields_at(model: type[BaseModel], loc: Sequence[Any]) -> list[str]:
    """Field names of the model found by following `loc` from `model` (for spelling hints)."""
    import typing

    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return []
        ann = current.model_fields[part].annotation
        found = None
        for arg in [ann, *typing.get_args(ann), *(a for t in typing.get_args(ann) for a in typing.get_args(t))]:
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                found = arg
                break
        current = found
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def issues_from_validation(
    exc: ValidationError, *, source: str, record: str, model: type[BaseModel], prefix: Sequence[Any] = ()
) -> list[Issue]:
    """One Issue per pydantic error, worded for a person who edits the file."""
    issues = []
    for err in exc.errors(include_url=False):
        loc = tuple(prefix) + tuple(err["loc"])
        kind = err["type"]
        value = err.get("input")
        ctx = err.get("ctx") or {}
        # Pay and other scalar-or-mapping fields report errors on an inner key; point at the field.
        if loc and loc[-1] in ("amount", "per") and len(loc) >= 2 and loc[-2] == "base_salary":
            loc = loc[:-1]
        if kind == "value_error":
            message = str(ctx.get("error", err["msg"]))
            if message.startswith("Value error, "):
                message = message[len("Value error, "):]
        elif kind == "assertion_error":
            message = err["msg"]
        elif kind == "extra_forbidden":
            name = str(loc[-1])
            known = _fields_at(model, loc[len(prefix):-1])
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else (f"; expected one of {', '.join(known)}" if known else "")
            message = f"unknown field {name!r}{hint}"
        elif kind == "literal_error":
            message = f"expected {ctx.get('expected')}, got {show_value(value)}"
        elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
            bound = show_value(next(iter(ctx.values()))) if ctx else ""
            words = {"greater_than": "greater than", "greater_than_equal": "at least", "less_than": "less than", "less_than_equal": "at most"}[kind]
            message = f"expected a number {words} {bound}, got {show_value(value)}"
        elif kind == "missing":
            message = _FRIENDLY[kind]
        elif kind.startswith("date_") and "range" in str(ctx.get("error", "")):  # 2026-02-30: say which part
            message = f"{_FRIENDLY.get(kind, 'expected a date like 2026-01-15')}, got {show_value(value)} ({ctx['error']})"
        elif kind in _FRIENDLY:
            message = f"{_FRIENDLY[kind]}, got {show_value(value)}"
        else:
            message = f"{err['msg'][0].lower()}{err['msg'][1:]}, got {show_value(value)}"
        issues.append(Issue(source=source, record=record, field=_dotted(loc), message=message, code=PYDANTIC_CODES.get(kind, Code.INVALID_VALUE)))
    return issues
