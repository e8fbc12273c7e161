"""Frozen models for the follow-up planner: pipeline entries, rules, actions and the plan.

Place in the data flow: `load_pipeline` (in `toolkit.followup`) reads a file through
`toolkit.io` and builds these models; `rules.plan_followups` turns a `Pipeline` into a
`FollowupPlan`; `render` and `ics` present it. Per-object checks only; nothing here reads
files, knows today's date or formats output.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import Enum
from typing import Any, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from ..bounds import BoundedDate


class Frozen(BaseModel):
    """Base for every follow-up model: immutable, typo-proof, whitespace-trimmed."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, str_strip_whitespace=True)


def _to_date(value: Any) -> Any:
    """A YAML datetime (an interview with a time) counts by its calendar date."""
    if isinstance(value, datetime):
        return value.date()
    return value


class Stage(str, Enum):
    """Where an opportunity stands. The order is the usual order of a process."""

    APPLIED = "applied"
    INTERVIEWING = "interviewing"
    REFERENCES = "references"
    OFFER = "offer"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REJECTED = "rejected"
    CLOSED = "closed"


#: Stages in which the employer still owes an answer (used by follow-ups and the
#: "another live process" extension trigger).
WAITING_STAGES = frozenset({Stage.APPLIED, Stage.INTERVIEWING, Stage.REFERENCES})
#: Stages counted as active processes for the "keep applying" nudge.
ACTIVE_STAGES = WAITING_STAGES | {Stage.OFFER}


class Contact(Frozen):
    """The person to write to."""

    name: str = Field(min_length=1)
    email: Optional[str] = None

    @field_validator("email")
    @classmethod
    def _email_shape(cls, v: Optional[str]) -> Optional[str]:
        if v is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", v):
            raise ValueError(f"expected an e-mail address like name@example.com, got {v!r}")
        return v

    @property
    def first_name(self) -> str:
        return self.name.split()[0]


class Interview(Frozen):
    """One interview: its date and, optionally, a point discussed (named in the thank-you)."""

    date: BoundedDate
    key_point: Optional[str] = None
    interviewer: Optional[str] = None

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, v: Any) -> Any:
        return _to_date(v)


class InlineOffer(BaseModel):
    """An offer written inline in a pipeline entry.

    For now only `deadline` is validated and every other key is kept as given. The offer model
    will replace this class later: `OfferSpec` below is the one line to change.
    """

    model_config = ConfigDict(frozen=True, extra="allow")

    deadline: Optional[BoundedDate] = None

    @field_validator("deadline", mode="before")
    @classmethod
    def _deadline(cls, v: Any) -> Any:
        return _to_date(v)


#: What `offer:` may hold: an offer id (a reference into an offers file) or an inline offer.
#: To use the full offer model for inline offers, change only this line (any model with a
#: `deadline: date | None` attribute works).
OfferSpec = Union[str, InlineOffer]


def _inline_deadline(offer: Any) -> Optional[date]:
    """The deadline of an inline offer; None for an offer id or no offer."""
    return None if offer is None or isinstance(offer, str) else getattr(offer, "deadline", None)


class Entry(Frozen):
    """One opportunity in the pipeline."""

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    company: str = Field(min_length=1)
    role: str = Field(min_length=1)
    contact: Optional[Contact] = None
    stage: Stage
    stage_since: Optional[BoundedDate] = None
    interviews: tuple[Interview, ...] = ()
    promised_by: Optional[BoundedDate] = None
    contacts: tuple[BoundedDate, ...] = ()
    offer: Optional[OfferSpec] = None
    deadline: Optional[BoundedDate] = None
    notes: Optional[str] = None

    @field_validator("stage_since", "promised_by", "deadline", mode="before")
    @classmethod
    def _dates(cls, v: Any) -> Any:
        return _to_date(v)

    @field_validator("contacts", mode="before")
    @classmethod
    def _contact_dates(cls, v: Any) -> Any:
        if isinstance(v, (list, tuple)):
            return tuple(_to_date(x) for x in v)
        return v

    @field_validator("interviews", mode="before")
    @classmethod
    def _interviews(cls, v: Any) -> Any:
        # `- 2026-11-20` is shorthand for `- {date: 2026-11-20}`.
        if isinstance(v, (list, tuple)):
            return tuple(x if isinstance(x, (dict, Interview)) else {"date": x} for x in v)
        return v

    @field_validator("deadline")
    @classmethod
    def _one_deadline(cls, v: Optional[date], info: ValidationInfo) -> Optional[date]:
        inline = _inline_deadline(info.data.get("offer"))  # `offer` is declared before `deadline`
        if v is not None and inline is not None and v != inline:
            raise ValueError(f"expected the same date as offer.deadline ({inline.isoformat()}), got {v.isoformat()}; give the deadline once")
        return v

    @property
    def offer_deadline(self) -> Optional[date]:
        """`deadline`, or the inline offer's `deadline`."""
        return self.deadline if self.deadline is not None else _inline_deadline(self.offer)

    @property
    def last_interview(self) -> Optional[Interview]:
        return max(self.interviews, key=lambda i: i.date) if self.interviews else None

    @property
    def label(self) -> str:
        return f"entry {self.id!r}"


class Rules(Frozen):
    """Timing rules, in business days unless the name says otherwise (docs/followup.md)."""

    thank_you_days: int = Field(1, ge=0, le=30)
    followup_after_promise_days: int = Field(2, ge=0, le=60)
    followup_no_promise_days: int = Field(5, ge=1, le=60)
    second_followup_days: int = Field(5, ge=1, le=60)
    max_followups: int = Field(2, ge=0, le=10)
    extension_threshold_days: int = Field(3, ge=0, le=60)
    deadline_reminder_days: int = Field(2, ge=0, le=60)
    min_active_processes: int = Field(3, ge=0, le=100)


class Pipeline(Frozen):
    """A loaded pipeline file: entries plus the rules it sets."""

    source: str
    entries: tuple[Entry, ...]
    rules: Rules = Rules()


class ActionKind(str, Enum):
    """What to do. Values are the `action` strings of the JSON output."""

    THANK_YOU = "thank_you"
    FOLLOW_UP = "follow_up"
    SECOND_FOLLOW_UP = "second_follow_up"
    MOVE_ON = "move_on"
    FEEDBACK_REQUEST = "feedback_request"
    BRIEF_REFERENCES = "brief_references"
    DEADLINE_REMINDER = "deadline_reminder"
    DEADLINE_PASSED = "deadline_passed"
    ASK_DEADLINE = "ask_deadline"
    EXTENSION_REQUEST = "extension_request"
    KEEP_APPLYING = "keep_applying"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    ActionKind.THANK_YOU: "Thank-you note",
    ActionKind.FOLLOW_UP: "Status follow-up",
    ActionKind.SECOND_FOLLOW_UP: "Second follow-up",
    ActionKind.MOVE_ON: "Move on",
    ActionKind.FEEDBACK_REQUEST: "Feedback request",
    ActionKind.BRIEF_REFERENCES: "Brief referees",
    ActionKind.DEADLINE_REMINDER: "Offer deadline",
    ActionKind.DEADLINE_PASSED: "Offer deadline passed",
    ActionKind.ASK_DEADLINE: "Ask for the decision date",
    ActionKind.EXTENSION_REQUEST: "Extension request",
    ActionKind.KEEP_APPLYING: "Keep applying",
}


class Status(str, Enum):
    OVERDUE = "overdue"
    DUE_TODAY = "due today"
    UPCOMING = "upcoming"


def status_for(due: date, today: date) -> Status:
    """'overdue' before today, 'due today' on it, 'upcoming' after."""
    if due < today:
        return Status.OVERDUE
    if due == today:
        return Status.DUE_TODAY
    return Status.UPCOMING


class Action(Frozen):
    """One thing to do, when, why, and a draft message (or note to self)."""

    entry_id: Optional[str]  # None for pipeline-wide actions (keep applying)
    company: Optional[str]
    action: ActionKind
    due: date
    status: Status
    reason: str
    draft: str

    def as_dict(self) -> dict[str, Any]:
        """The JSON record: company, action, due, status, reason, draft."""
        return {
            "company": self.company,
            "action": self.action.value,
            "due": self.due.isoformat(),
            "status": self.status.value,
            "reason": self.reason,
            "draft": self.draft,
        }


class FollowupPlan(Frozen):
    """Every action for a pipeline on a given day, sorted by due date then company."""

    today: date
    country: str
    subdivision: Optional[str] = None
    actions: tuple[Action, ...] = ()

    def by_status(self, status: Status) -> tuple[Action, ...]:
        return tuple(a for a in self.actions if a.status == status)

    def as_dict(self) -> dict[str, Any]:
        """The JSON document: {"today", "actions": [...]}."""
        return {"today": self.today.isoformat(), "actions": [a.as_dict() for a in self.actions]}

    def to_frame(self, *, labels: bool = False):
        """A pandas DataFrame with columns company, action, due, status, reason, draft.

        Args:
            labels: write action labels ("Thank-you note") instead of codes ("thank_you").
        """
        import pandas as pd

        rows = [
            {**a.as_dict(), "due": a.due, **({"action": a.action.label} if labels else {})}
            for a in self.actions
        ]
        return pd.DataFrame(rows, columns=["company", "action", "due", "status", "reason", "draft"])


# ---------------------------------------------------------------- validation errors -> Issues


#: Names pydantic gives the branches of `offer: str | InlineOffer` in an error location.
_OFFER_BRANCH = re.compile(r"^(constrained-)?str$|^InlineOffer$")
#: Pipeline-specific wording for pydantic error types (toolkit.validation appends ", got <value>").
_PIPELINE_MESSAGES = {
    "enum": "expected one of " + ", ".join(s.value for s in Stage),
    "string_pattern_mismatch": "expected letters, digits, '-', '_' or '.' (like 'hooli-de')",
}


def validation_issues(exc, *, source: str, record: str = "", model: type[BaseModel], prefix: tuple[str, ...] = ()):
    """A pydantic ValidationError as Issues, worded exactly as for offer files.

    The translation is `toolkit.validation.issues_from_validation`; before it, the errors are
    adjusted for the pipeline: the branches of `offer: str | InlineOffer` are folded into
    `offer` (a mapping with a bad key reports only that key; anything else reads "expected an
    offer id or a mapping"), and stages and ids get pipeline-specific "expected ..." wording.
    """
    from pydantic import ValidationError
    from pydantic_core import PydanticCustomError

    from ..validation import issues_from_validation

    errors = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        if len(loc) > 1 and loc[0] == "offer" and isinstance(loc[1], str) and _OFFER_BRANCH.match(loc[1]):
            loc = loc[:1] + loc[2:]
        errors.append({k: v for k, v in err.items() if k in ("type", "input", "ctx")} | {"loc": loc})
    nested_offer = any(len(e["loc"]) > 1 and e["loc"][0] == "offer" for e in errors)
    line_errors: list[dict[str, Any]] = []
    offer_reported = False
    for err in errors:
        kind = err["type"]
        if err["loc"] == ("offer",):  # a branch of `str | InlineOffer` that did not fit
            if nested_offer or offer_reported:
                continue
            offer_reported = True
            err = {"type": PydanticCustomError("offer_type", "expected an offer id or a mapping"), "loc": err["loc"], "input": err["input"]}
        elif kind in _PIPELINE_MESSAGES:
            err = {"type": PydanticCustomError(kind, _PIPELINE_MESSAGES[kind]), "loc": err["loc"], "input": err["input"]}
        line_errors.append(err)
    folded = ValidationError.from_exception_data(exc.title, line_errors)
    return issues_from_validation(folded, source=source, record=record, model=model, prefix=prefix)
