"""The follow-up rules: a `Pipeline` and a day become a sorted tuple of `Action`s.

Place in the data flow: pure core between `load_pipeline` and the renderers. Time is the
`today` parameter; holidays come from `calendar`. Every rule and default is described in
docs/followup.md; the short version:

- thank-you: by the end of `thank_you_days` business day(s) after each interview;
- first follow-up: `followup_after_promise_days` after `promised_by`, or
  `followup_no_promise_days` after the last interview when nothing was promised;
- later follow-ups: `second_followup_days` after the previous one actually sent, up to
  `max_followups`; then "move on" `second_followup_days` after the last one;
- rejected: one feedback request; references: brief the referees;
- offer: a reminder `deadline_reminder_days` before the deadline, and an extension request
  when the deadline is under `extension_threshold_days` away or falls before another live
  process is expected to answer; once the deadline has passed, only "deadline passed"
  (confirm whether the offer still stands, or close the entry);
- fewer than `min_active_processes` active processes (and none accepted): keep applying.
"""

from __future__ import annotations

from datetime import date
from typing import Mapping, Optional, Union

from pydantic import ValidationError

from . import drafts
from ..calendar import BusinessCalendar, add_business_days, business_days_until, make_calendar
from .models import (
    ACTIVE_STAGES,
    WAITING_STAGES,
    Action,
    ActionKind,
    Entry,
    FollowupPlan,
    Pipeline,
    Rules,
    Stage,
    status_for,
    validation_issues,
)
from ..errors import InputError

_ORDER = {kind: i for i, kind in enumerate(ActionKind)}


def short_date(d: date) -> str:
    """'Fri 27 Nov' for reasons (the full date is in the due column)."""
    return f"{d:%a} {d.day} {d:%b}"


def _bd(n: int) -> str:
    return f"{n} business day{'s' if n != 1 else ''}"


def resolve_rules(base: Rules, override: Union[Rules, Mapping[str, int], None]) -> Rules:
    """`base` with `override` applied: a whole `Rules`, or a mapping of the fields to change.

    Raises:
        InputError: an unknown rule name or a value out of range (source "rules").
    """
    if override is None:
        return base
    if isinstance(override, Rules):
        return override
    try:
        return Rules.model_validate({**base.model_dump(), **dict(override)})
    except ValidationError as exc:
        raise InputError(validation_issues(exc, source="rules", model=Rules)) from None


class _Context:
    """What every rule needs: the day, the calendar and the rules."""

    def __init__(self, today: date, cal: BusinessCalendar, rules: Rules):
        self.today, self.cal, self.rules = today, cal, rules

    def add(self, d: date, n: int) -> date:
        return add_business_days(d, n, self.cal)

    def action(self, entry: Optional[Entry], kind: ActionKind, due: date, reason: str, draft: str) -> Action:
        return Action(
            entry_id=entry.id if entry else None,
            company=entry.company if entry else None,
            action=kind,
            due=due,
            status=status_for(due, self.today),
            reason=reason,
            draft=draft,
        )


def expected_answer(entry: Entry, ctx: _Context) -> Optional[date]:
    """When a waiting process should answer: `promised_by`, else last interview + no-promise days."""
    last = entry.last_interview
    if entry.promised_by is not None and (last is None or entry.promised_by >= last.date):
        return entry.promised_by
    if last is not None:
        return ctx.add(last.date, ctx.rules.followup_no_promise_days)
    return None


def thank_you_actions(entry: Entry, ctx: _Context) -> list[Action]:
    """One thank-you per interview, unless a contact was sent in time or a later interview happened."""
    if entry.stage not in WAITING_STAGES:
        return []
    out = []
    interviews = sorted(entry.interviews, key=lambda i: i.date)
    for iv in interviews:
        due = ctx.add(iv.date, ctx.rules.thank_you_days)
        sent = any(iv.date <= c <= due for c in entry.contacts)
        superseded = any(iv.date < later.date <= ctx.today for later in interviews)
        if sent or superseded:
            continue
        days = ctx.rules.thank_you_days
        after = {0: "the same day", 1: "the next business day"}.get(days, f"{_bd(days)} after")
        reason = f"interview on {short_date(iv.date)}; thank-you by end of {short_date(due)} ({after})"
        out.append(ctx.action(entry, ActionKind.THANK_YOU, due, reason, drafts.thank_you(entry, iv.date, iv.key_point)))
    return out


def follow_up_actions(entry: Entry, ctx: _Context) -> tuple[list[Action], bool]:
    """Status follow-ups for a waiting process; returns (actions, moved_on).

    Follow-ups already sent are the `contacts` dated after the last interview's thank-you
    window (all contacts when there was no interview). While an interview is still ahead,
    nothing is planned. A `promised_by` earlier than the last interview is ignored.
    """
    r = ctx.rules
    if entry.stage not in WAITING_STAGES or any(i.date > ctx.today for i in entry.interviews):
        return [], False
    last = entry.last_interview
    promised = entry.promised_by if entry.promised_by and (last is None or entry.promised_by >= last.date) else None
    if last is None and promised is None:
        return [], False  # an application with no interview and no promised date: nothing to chase yet
    window_end = ctx.add(last.date, r.thank_you_days) if last else None
    sent = sorted(c for c in entry.contacts if window_end is None or c > window_end)
    if promised is not None:
        first_due = ctx.add(promised, r.followup_after_promise_days)
        basis = f"answer promised by {short_date(promised)}"
    else:
        first_due = ctx.add(last.date, r.followup_no_promise_days)
        basis = f"no date promised; last interview {short_date(last.date)}"
    n = len(sent)
    if n >= r.max_followups:
        due = ctx.add(sent[-1], r.second_followup_days) if sent else first_due
        if n:
            reason = f"{n} follow-up{'s' if n != 1 else ''} sent (last {short_date(sent[-1])}) with no answer"
        else:
            reason = f"{basis}; follow-ups are switched off (max_followups: 0)"
        return [ctx.action(entry, ActionKind.MOVE_ON, due, reason, drafts.move_on(entry, n))], due <= ctx.today
    if n == 0:
        kind = ActionKind.FOLLOW_UP
        days = r.followup_after_promise_days if promised else r.followup_no_promise_days
        reason = f"{basis}; follow up {_bd(days)} after"
        due = first_due
    else:
        kind = ActionKind.SECOND_FOLLOW_UP
        due = ctx.add(sent[-1], r.second_followup_days)
        reason = f"follow-up {n} sent {short_date(sent[-1])} with no answer; next one {_bd(r.second_followup_days)} later"
        if n + 1 > 2:
            reason += f" (follow-up {n + 1} of {r.max_followups})"
    draft = drafts.status_follow_up(
        entry, promised_by=promised, last_interview=last.date if last else None, second=n > 0
    )
    return [ctx.action(entry, kind, due, reason, draft)], False


def feedback_actions(entry: Entry, ctx: _Context) -> list[Action]:
    """After a rejection, one feedback request (done once a contact is dated on/after `stage_since`)."""
    if entry.stage != Stage.REJECTED:
        return []
    if entry.stage_since is not None:
        if any(c >= entry.stage_since for c in entry.contacts):
            return []
        due = ctx.add(entry.stage_since, 1)
        reason = f"rejected on {short_date(entry.stage_since)}; ask for feedback the next business day"
    else:
        due = ctx.today
        reason = "rejected; ask for feedback (add stage_since to date this and mark it done with contacts)"
    return [ctx.action(entry, ActionKind.FEEDBACK_REQUEST, due, reason, drafts.feedback_request(entry))]


def reference_actions(entry: Entry, ctx: _Context) -> list[Action]:
    """At the references stage, brief the referees (due on `stage_since`, else today)."""
    if entry.stage != Stage.REFERENCES:
        return []
    due = entry.stage_since or ctx.today
    since = f" since {short_date(entry.stage_since)}" if entry.stage_since else ""
    reason = f"reference checks{since}; brief your referees before they are called"
    return [ctx.action(entry, ActionKind.BRIEF_REFERENCES, due, reason, drafts.brief_referees(entry))]


def offer_actions(entry: Entry, ctx: _Context, expected: Mapping[str, tuple[str, date]]) -> list[Action]:
    """Deadline reminder and, when warranted, an extension request for an offer with a deadline;
    after the deadline, one "deadline passed" action (due on the deadline, so overdue).

    Args:
        expected: entry id -> (company, expected answer date) for the other live processes.
    """
    deadline = entry.offer_deadline
    if entry.stage != Stage.OFFER:
        return []
    if deadline is None:  # never leave an offer without a next step (issue 12)
        reason = "no deadline recorded for this offer: ask for the decision date and the offer in writing"
        return [ctx.action(entry, ActionKind.ASK_DEADLINE, ctx.today, reason, drafts.ask_deadline(entry))]
    r = ctx.rules
    if deadline < ctx.today:
        reason = (
            f"the deadline passed on {short_date(deadline)}: confirm with the employer whether the offer "
            "still stands, or close the entry"
        )
        return [ctx.action(entry, ActionKind.DEADLINE_PASSED, deadline, reason, drafts.offer_still_open(entry, deadline))]
    away = business_days_until(ctx.today, deadline, ctx.cal)
    when = "the deadline is today" if deadline == ctx.today else f"deadline {short_date(deadline)}, {_bd(away)} away"
    out = [
        ctx.action(
            entry,
            ActionKind.DEADLINE_REMINDER,
            ctx.add(deadline, -r.deadline_reminder_days),
            f"{when}; decide {_bd(r.deadline_reminder_days)} ahead",
            drafts.deadline_note(entry, deadline),
        )
    ]
    asked = entry.stage_since is not None and any(c >= entry.stage_since for c in entry.contacts)
    near = away < r.extension_threshold_days
    later = sorted(
        ((d, company) for other_id, (company, d) in expected.items() if other_id != entry.id and d > deadline),
    )
    if asked or not (near or later):
        return out
    why = []
    if near:
        why.append(f"deadline {short_date(deadline)} is {_bd(away)} away (under {r.extension_threshold_days})")
    if later:
        names = ", ".join(f"{c} (expected {short_date(d)})" for d, c in later)
        why.append(f"{names} should answer after it")
    due = max(ctx.today, ctx.add(deadline, -r.extension_threshold_days))
    draft = drafts.extension_request(entry, deadline, other_company=later[0][1] if later else None)
    out.append(ctx.action(entry, ActionKind.EXTENSION_REQUEST, due, "; ".join(why), draft))
    return out


def plan_followups(
    pipeline: Pipeline,
    *,
    today: date,
    country: str = "US",
    subdivision: Optional[str] = None,
    rules: Union[Rules, Mapping[str, int], None] = None,
    calendar: Optional[BusinessCalendar] = None,
) -> FollowupPlan:
    """Every follow-up action for `pipeline` as of `today`.

    Args:
        pipeline: from `load_pipeline`.
        today: the day to plan from (the CLI's `--today`; core code never reads the clock).
        country, subdivision: the public-holiday calendar (holidays package codes).
        rules: a `Rules`, or a mapping of rule names to override the pipeline file's `rules:`.
        calendar: a ready `BusinessCalendar` (then `country`/`subdivision` are ignored).

    Returns:
        A FollowupPlan whose actions are sorted by due date, then company.

    Raises:
        InputError: unknown country/subdivision or invalid rule overrides.
    """
    cal = calendar or make_calendar(country, subdivision)
    ctx = _Context(today, cal, resolve_rules(pipeline.rules, rules))
    actions: list[Action] = []
    moved_on: set[str] = set()
    for entry in pipeline.entries:
        actions += thank_you_actions(entry, ctx)
        fu, gone = follow_up_actions(entry, ctx)
        actions += fu
        if gone:
            moved_on.add(entry.id)
        actions += feedback_actions(entry, ctx)
        actions += reference_actions(entry, ctx)
    expected = {}
    for entry in pipeline.entries:
        if entry.stage in WAITING_STAGES and entry.id not in moved_on:
            d = expected_answer(entry, ctx)
            if d is not None:
                expected[entry.id] = (entry.company, d)
    for entry in pipeline.entries:
        actions += offer_actions(entry, ctx, expected)
    active = [e for e in pipeline.entries if e.stage in ACTIVE_STAGES and e.id not in moved_on]
    minimum = ctx.rules.min_active_processes
    if len(active) < minimum and not any(e.stage == Stage.ACCEPTED for e in pipeline.entries):
        actions.append(
            ctx.action(
                None,
                ActionKind.KEEP_APPLYING,
                today,
                f"{len(active)} active process{'es' if len(active) != 1 else ''}, fewer than {minimum}",
                drafts.keep_applying(len(active), minimum),
            )
        )
    actions.sort(key=lambda a: (a.due, a.company or "~", _ORDER[a.action], a.entry_id or ""))
    return FollowupPlan(today=today, country=cal.country, subdivision=cal.subdivision, actions=tuple(actions))
