"""Every error the toolkit raises on purpose, and the Issue record that carries one problem.

Library code collects `Issue`s and raises one `InputError` holding all of them, so a user
fixes a file in one pass. Only the command line turns these into messages and exit code 2;
any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence


@dataclass(frozen=True)
class Issue:
    """One problem in one input: where it is, which field, what was wrong."""

    source: str  # the file (or "--flag" / "assumptions") the problem is in
    message: str  # "expected a percentage like 15% or 0.15, got 15"
    record: str = ""  # "offer 'acme'", "row 12", "entry 'globex'"; empty for file-level problems
    field: str = ""  # dotted path: "bonus.target"
    code: str = "invalid"  # stable machine-readable reason, used by tests and JSON output

    def __str__(self) -> str:
        where = self.source or "input"
        parts = [p for p in (self.record, f"field {self.field}" if self.field else "") if p]
        return f"{where}: {' '.join(parts)}: {self.message}" if parts else f"{where}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {
            "source": self.source,
            "record": self.record,
            "field": self.field,
            "code": self.code,
            "message": str(self),
        }


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
    def single(cls, source: str, message: str, *, record: str = "", field: str = "", code: str = "invalid") -> "InputError":
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
