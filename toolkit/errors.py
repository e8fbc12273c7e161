"""Every error the toolkit raises on purpose, and the Issue record that carries one problem.

Library code collects `Issue`s and raises one `InputError` holding all of them, so a user
fixes a file in one pass. Only the command line turns these into messages and exit code 2;
any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Iterable, Mapping, Sequence


class Code(str, Enum):
    """Why an input was refused: the stable, machine-readable reason of every `Issue`.

    One name per reason (no synonyms), modelled on pandera's `SchemaErrorReason`. The values
    appear in `validate --format json` and every other machine output; `docs/errors.md` lists
    them with their meaning, and `tests/test_errors.py` checks that the two agree.
    """

    # files
    NOT_FOUND = "not_found"  # the file does not exist
    NOT_A_FILE = "not_a_file"  # a folder, device or pipe where a file was expected
    EMPTY_FILE = "empty_file"  # the file (or its table) has no content
    TOO_LARGE = "too_large"  # over a size, count or nesting limit
    UNKNOWN_TYPE = "unknown_type"  # the file name's suffix is not a format the toolkit reads
    MALFORMED = "malformed"  # the file cannot be parsed as its format (YAML, JSON, TOML, CSV, XLSX)
    ENCODING = "encoding"  # the text is not in the expected encoding
    # structure
    WRONG_TYPE = "wrong_type"  # a value of the wrong kind: text for a number, a list for a mapping, ...
    MISSING = "missing"  # a required field or column is absent
    UNKNOWN_FIELD = "unknown_field"  # a field or column the format does not have (often a typo)
    DUPLICATE = "duplicate"  # a key, column, id or currency given twice
    CONFLICT = "conflict"  # two inputs or flags that contradict each other
    NO_DATA = "no_data"  # nothing to work on: no offers, no rows left after filtering
    # values
    INVALID_VALUE = "invalid_value"  # the value breaks a rule of its field (the message says which)
    OUT_OF_RANGE = "out_of_range"  # a number or date outside its allowed range
    NOT_A_CHOICE = "not_a_choice"  # not one of the listed choices
    BAD_DATE = "bad_date"  # not a date like 2026-01-15, or an impossible date
    BAD_CURRENCY = "bad_currency"  # not an ISO 4217 currency code, or a symbol that disagrees
    AMBIGUOUS = "ambiguous"  # a value that reads two ways (80.000: eighty or eighty thousand?)
    UNKNOWN_NAME = "unknown_name"  # an id, country, region or preset that does not exist
    # exchange rates and market data
    MISSING_FX_RATE = "missing_fx_rate"  # no exchange rate for a currency that is used
    BAD_FX_RATE = "bad_fx_rate"  # a rate that is not a positive finite number, or a bad FX file
    BAD_MAPPING = "bad_mapping"  # a market column mapping that cannot be applied
    # arguments and outputs
    BAD_ARGUMENT = "bad_argument"  # a command-line flag or function argument with a bad value
    TOO_MANY = "too_many"  # more items than an output or computation accepts
    BAD_OUTPUT = "bad_output"  # an output path that cannot or must not be written
    MISSING_DEPENDENCY = "missing_dependency"  # an optional extra this input or option needs is not installed


# Where a problem in a function argument (not a file) is reported: `Issue(source=ARGUMENT,
# field="rank_by", ...)`. The command line maps the parameter to its own flag name.
ARGUMENT = "argument"


@dataclass(frozen=True)
class Issue:
    """One problem in one input: where it is, which field, what was wrong."""

    source: str  # the file (or "--flag" / "assumptions", or ARGUMENT) the problem is in
    message: str  # "expected a percentage like 15% or 0.15, got 15"
    record: str = ""  # "offer 'acme'", "row 12", "entry 'globex'"; empty for file-level problems
    field: str = ""  # dotted path: "bonus.target"; for ARGUMENT, the parameter's name
    code: Code = Code.INVALID_VALUE  # stable machine-readable reason, used by tests and JSON output

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "code", Code(self.code))  # a plain string of a known code is accepted
        except ValueError:
            raise ValueError(f"unknown error code {self.code!r}: use a member of toolkit.errors.Code "
                             "(add one there and in docs/errors.md only for a new kind of problem)") from None

    def __str__(self) -> str:
        if self.source == ARGUMENT and self.field and not self.record:
            return f"argument {self.field}: {self.message}"
        where = self.source or "input"
        parts = [p for p in (self.record, f"field {self.field}" if self.field else "") if p]
        return f"{where}: {' '.join(parts)}: {self.message}" if parts else f"{where}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {
            "source": self.source,
            "record": self.record,
            "field": self.field,
            "code": self.code.value,
            "message": str(self),
        }

    def for_flags(self, flags: Mapping[str, str]) -> "Issue":
        """This issue with an argument's name replaced by its command-line flag (`rank_by` → `--rank-by`).

        Arguments that the running command has no flag for keep their own name."""
        if self.source == ARGUMENT and self.field in flags:
            return Issue(source=flags[self.field], message=self.message, record=self.record, code=self.code)
        return self


class ToolkitWarning(UserWarning):
    """Something was changed or left out on purpose and the user should know (printed as 'warning:')."""


class ToolkitError(Exception):
    """Base class for every error this package raises on purpose (exit code 2 in the CLI)."""


class InputError(ToolkitError):
    """The user's files or arguments are wrong. Carries every Issue found, not just the first."""

    def __init__(self, issues: Sequence[Issue] | Issue):
        if isinstance(issues, Issue):
            issues = [issues]
        self.issues: tuple[Issue, ...] = tuple(issues)
        super().__init__("\n".join(str(i) for i in self.issues))

    @classmethod
    def single(cls, source: str, message: str, *, record: str = "", field: str = "", code: Code | str = Code.INVALID_VALUE) -> "InputError":
        return cls([Issue(source=source, message=message, record=record, field=field, code=code)])


class MissingFxRateError(InputError):
    """No exchange rate is known for a currency pair. `pairs` lists (currency, reporting)."""

    def __init__(self, issues: Sequence[Issue] | Issue, pairs: Sequence[tuple[str, str]] = ()):
        super().__init__(issues)
        self.pairs: tuple[tuple[str, str], ...] = tuple(pairs)


class OutputError(ToolkitError):
    """An output file cannot be written where the user asked (would overwrite an input, bad folder)."""


def raise_if(issues: Iterable[Issue]) -> None:
    """Raise one InputError holding all `issues`, if there are any."""
    issues = list(issues)
    if issues:
        raise InputError(issues)
