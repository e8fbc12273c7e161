"""Every follow-up rule, on small inline pipelines, plus loading and its error messages."""

from __future__ import annotations

import textwrap
from datetime import date

import pytest
import yaml

from toolkit.errors import InputError
from toolkit.followup import (
    ActionKind,
    Rules,
    Status,
    load_pipeline,
    parse_pipeline,
    plan_followups,
)

THANKSGIVING_EVE = date(2026, 11, 25)  # Wednesday; Thursday 26 is Thanksgiving


def pipeline_from_yaml(text: str):
    """Inline YAML in the pipeline-file language -> Pipeline (like beancount's load_doc)."""
    return parse_pipeline(yaml.safe_load(textwrap.dedent(text)), source="inline.yaml")


def plan(text: str, today: date = THANKSGIVING_EVE, rules=None, nudge: bool = False):
    """Plan an inline pipeline; the keep-applying nudge is off unless `nudge` (it has its own tests)."""
    rules = dict(rules or {})
    if not nudge:
        rules.setdefault("min_active_processes", 0)
    return plan_followups(pipeline_from_yaml(text), today=today, rules=rules)


def kinds(p, company=None):
    return [(a.action, a.due) for a in p.actions if company is None or a.company == company]


# ---------------------------------------------------------------- thank-you


def test_thank_you_after_friday_interview_is_due_monday_and_names_the_key_point():
    p = plan(
        """
        entries:
          - company: Umbrella
            role: Analyst
            contact: {name: Alice Abernathy, email: alice@example.com}
            stage: interviewing
            interviews: [{date: 2026-11-20, key_point: the lab-results warehouse}]
        """,
        today=date(2026, 11, 20),
    )
    (ty,) = [a for a in p.actions if a.action == ActionKind.THANK_YOU]
    assert ty.due == date(2026, 11, 23)
    assert ty.status == Status.UPCOMING
    assert "our conversation about the lab-results warehouse" in ty.draft
    assert ty.draft.startswith("To: Alice Abernathy <alice@example.com>\nSubject: Thank you - Analyst interview\n\nHi Alice,")
    assert ty.reason == "interview on Fri 20 Nov; thank-you by end of Mon 23 Nov (the next business day)"


def test_thank_you_before_thanksgiving_is_due_friday():
    p = plan("entries: [{company: S, role: R, stage: interviewing, interviews: [2026-11-25]}]")
    assert (ActionKind.THANK_YOU, date(2026, 11, 27)) in kinds(p, "S")


def test_thank_you_without_key_point_leaves_a_placeholder():
    p = plan("entries: [{company: S, role: R, stage: interviewing, interviews: [2026-11-24]}]")
    (ty,) = [a for a in p.actions if a.action == ActionKind.THANK_YOU]
    assert "[a point you discussed]" in ty.draft and ty.status == Status.DUE_TODAY


def test_thank_you_is_done_when_a_contact_falls_in_its_window():
    p = plan("entries: [{company: S, role: R, stage: interviewing, interviews: [2026-11-24], contacts: [2026-11-25]}]")
    assert ActionKind.THANK_YOU not in [a.action for a in p.actions]


def test_thank_you_is_superseded_by_a_later_interview_that_happened():
    p = plan("entries: [{company: S, role: R, stage: interviewing, interviews: [2026-11-16, 2026-11-24]}]")
    assert [a.due for a in p.actions if a.action == ActionKind.THANK_YOU] == [date(2026, 11, 25)]


def test_no_thank_you_or_follow_up_once_the_stage_is_offer():
    p = plan("entries: [{company: S, role: R, stage: offer, interviews: [2026-11-24]}]")
    # no thank-you or follow-up; with no deadline recorded, only the ask-for-the-decision-date action (issue 12)
    assert [a.action for a in p.actions if a.company == "S"] == [ActionKind.ASK_DEADLINE]


def test_thank_you_days_is_configurable():
    p = plan("entries: [{company: S, role: R, stage: interviewing, interviews: [2026-11-24]}]", rules={"thank_you_days": 0})
    assert (ActionKind.THANK_YOU, date(2026, 11, 24)) in kinds(p)


# ---------------------------------------------------------------- follow-ups


def test_follow_up_two_business_days_after_a_date_promised_on_thanksgiving():
    p = plan(
        "entries: [{company: H, role: R, stage: interviewing, interviews: [2026-11-19], "
        "promised_by: 2026-11-26, contacts: [2026-11-19]}]"
    )
    (fu,) = [a for a in p.actions if a.action == ActionKind.FOLLOW_UP]
    assert fu.due == date(2026, 11, 30)
    assert fu.reason == "answer promised by Thu 26 Nov; follow up 2 business days after"
    assert "by Thursday 26 November" in fu.draft


def test_follow_up_five_business_days_after_last_interview_without_a_promise():
    p = plan("entries: [{company: U, role: R, stage: interviewing, interviews: [2026-11-20], contacts: [2026-11-20]}]")
    assert (ActionKind.FOLLOW_UP, date(2026, 11, 30)) in kinds(p)  # Thanksgiving skipped


def test_promise_made_before_a_later_interview_is_ignored():
    p = plan("entries: [{company: U, role: R, stage: interviewing, interviews: [2026-11-10, 2026-11-20], promised_by: 2026-11-12, contacts: [2026-11-20]}]")
    assert (ActionKind.FOLLOW_UP, date(2026, 11, 30)) in kinds(p)


def test_no_follow_up_while_an_interview_is_still_ahead():
    p = plan("entries: [{company: U, role: R, stage: interviewing, interviews: [2026-11-10, 2026-12-01], contacts: [2026-11-10]}]")
    assert kinds(p, "U") == [(ActionKind.THANK_YOU, date(2026, 12, 2))]


def test_application_without_interview_or_promise_has_nothing_to_chase():
    p = plan("entries: [{company: A, role: R, stage: applied}]")
    assert kinds(p, "A") == []


def test_application_with_a_promised_date_gets_a_follow_up():
    p = plan("entries: [{company: A, role: R, stage: applied, promised_by: 2026-11-20}]")
    assert kinds(p, "A") == [(ActionKind.FOLLOW_UP, date(2026, 11, 24))]


def test_second_follow_up_five_business_days_after_the_first_one_sent():
    p = plan("entries: [{company: A, role: R, stage: interviewing, interviews: [2026-11-02], promised_by: 2026-11-09, contacts: [2026-11-02, 2026-11-11]}]")
    (fu,) = [a for a in p.actions if a.company == "A"]
    assert (fu.action, fu.due, fu.status) == (ActionKind.SECOND_FOLLOW_UP, date(2026, 11, 18), Status.OVERDUE)
    assert "check in once more" in fu.draft


def test_contacts_in_the_thank_you_window_do_not_count_as_follow_ups():
    p = plan("entries: [{company: A, role: R, stage: interviewing, interviews: [2026-11-16], contacts: [2026-11-16, 2026-11-17]}]")
    assert kinds(p, "A") == [(ActionKind.FOLLOW_UP, date(2026, 11, 23))]


def test_move_on_after_two_unanswered_follow_ups():
    text = (
        "entries: [{company: A, role: R, stage: interviewing, interviews: [2026-10-26], "
        "contacts: [2026-10-26, 2026-11-02, 2026-11-09]}]"
    )
    p = plan(text)
    (mo,) = [a for a in p.actions if a.company == "A"]
    assert (mo.action, mo.due) == (ActionKind.MOVE_ON, date(2026, 11, 17))  # Veterans Day (Wed 11) skipped
    assert mo.reason == "2 follow-ups sent (last Mon 9 Nov) with no answer"
    assert "closing the loop" in mo.draft


def test_max_followups_is_configurable():
    text = "entries: [{company: A, role: R, stage: interviewing, interviews: [2026-10-26], contacts: [2026-10-26, 2026-11-02, 2026-11-09]}]"
    p = plan(text, rules={"max_followups": 3})
    assert kinds(p, "A") == [(ActionKind.SECOND_FOLLOW_UP, date(2026, 11, 17))]
    assert "(follow-up 3 of 3)" in p.actions[0].reason


def test_references_stage_still_gets_follow_ups_and_a_referee_briefing():
    p = plan("entries: [{company: H, role: R, stage: references, stage_since: 2026-11-24, interviews: [2026-11-19], promised_by: 2026-11-26, contacts: [2026-11-19]}]")
    assert kinds(p, "H") == [(ActionKind.BRIEF_REFERENCES, date(2026, 11, 24)), (ActionKind.FOLLOW_UP, date(2026, 11, 30))]


def test_references_without_stage_since_is_due_today():
    p = plan("entries: [{company: H, role: R, stage: references}]")
    assert kinds(p, "H") == [(ActionKind.BRIEF_REFERENCES, THANKSGIVING_EVE)]


# ---------------------------------------------------------------- rejected and closed


def test_rejection_suggests_one_feedback_request_the_next_business_day():
    p = plan("entries: [{company: V, role: R, stage: rejected, stage_since: 2026-11-25, interviews: [2026-11-12], contacts: [2026-11-12]}]")
    (fb,) = [a for a in p.actions if a.company == "V"]
    assert (fb.action, fb.due) == (ActionKind.FEEDBACK_REQUEST, date(2026, 11, 27))
    assert "feedback" in fb.draft


def test_feedback_request_is_done_once_a_contact_is_recorded_after_the_rejection():
    p = plan("entries: [{company: V, role: R, stage: rejected, stage_since: 2026-11-20, contacts: [2026-11-23]}]")
    assert kinds(p, "V") == []


def test_feedback_request_without_stage_since_is_due_today():
    p = plan("entries: [{company: V, role: R, stage: rejected}]")
    assert kinds(p, "V") == [(ActionKind.FEEDBACK_REQUEST, THANKSGIVING_EVE)]


@pytest.mark.parametrize("stage", ["accepted", "declined", "closed"])
def test_finished_processes_produce_no_actions(stage):
    p = plan(f"entries: [{{company: X, role: R, stage: {stage}, stage_since: 2026-11-20, interviews: [2026-11-24], promised_by: 2026-11-20, deadline: 2026-11-27}}]")
    assert kinds(p, "X") == []


# ---------------------------------------------------------------- offers


def test_offer_deadline_reminder_two_business_days_ahead():
    p = plan("entries: [{company: I, role: R, stage: offer, deadline: 2026-12-11}]")
    (rem,) = [a for a in p.actions if a.company == "I"]
    assert (rem.action, rem.due, rem.status) == (ActionKind.DEADLINE_REMINDER, date(2026, 12, 9), Status.UPCOMING)
    assert rem.reason == "deadline Fri 11 Dec, 11 business days away; decide 2 business days ahead"


def test_extension_request_when_the_deadline_is_under_three_business_days_away():
    p = plan("entries: [{company: G, role: R, stage: offer, deadline: 2026-11-30, contact: {name: Hank Scorpio}}]")
    ext = [a for a in p.actions if a.action == ActionKind.EXTENSION_REQUEST]
    assert [(a.due, a.status, a.reason) for a in ext] == [
        (THANKSGIVING_EVE, Status.DUE_TODAY, "deadline Mon 30 Nov is 2 business days away (under 3)")
    ]
    assert "The current deadline is Monday 30 November." in ext[0].draft


def test_no_extension_request_at_three_business_days():
    p = plan("entries: [{company: G, role: R, stage: offer, deadline: 2026-12-01}]")
    assert ActionKind.EXTENSION_REQUEST not in [a.action for a in p.actions]


def test_extension_request_when_another_live_process_answers_after_the_deadline():
    p = plan(
        """
        entries:
          - {company: G, role: R, stage: offer, deadline: 2026-12-11}
          - {company: U, role: R, stage: interviewing, interviews: [2026-11-20], promised_by: 2026-12-14}
          - {company: S, role: R, stage: interviewing, interviews: [2026-11-24]}
        """
    )
    (ext,) = [a for a in p.actions if a.action == ActionKind.EXTENSION_REQUEST]
    assert ext.due == date(2026, 12, 8)  # three business days before Fri 11 Dec
    assert ext.status == Status.UPCOMING
    assert ext.reason == "U (expected Mon 14 Dec) should answer after it"
    assert "another process" in ext.draft


def test_a_process_answering_before_the_deadline_does_not_trigger_an_extension():
    p = plan(
        """
        entries:
          - {company: G, role: R, stage: offer, deadline: 2026-12-11}
          - {company: U, role: R, stage: interviewing, interviews: [2026-11-20]}
        """
    )
    assert ActionKind.EXTENSION_REQUEST not in [a.action for a in p.actions]


def test_a_moved_on_process_does_not_trigger_an_extension():
    p = plan(
        """
        entries:
          - {company: G, role: R, stage: offer, deadline: 2026-12-11}
          - {company: A, role: R, stage: interviewing, interviews: [2026-10-26], promised_by: 2026-12-20,
             contacts: [2026-10-26, 2026-11-02, 2026-11-09]}
        """,
        rules={"max_followups": 0},
    )
    assert ActionKind.EXTENSION_REQUEST not in [a.action for a in p.actions]


def test_extension_request_is_done_when_a_contact_follows_the_offer():
    p = plan("entries: [{company: G, role: R, stage: offer, stage_since: 2026-11-20, contacts: [2026-11-24], deadline: 2026-11-27}]")
    assert ActionKind.EXTENSION_REQUEST not in [a.action for a in p.actions]


def test_passed_deadline_asks_whether_the_offer_still_stands():
    p = plan("entries: [{company: G, role: R, contact: {name: Ann Lee, email: ann@g.example.com}, stage: offer, deadline: 2026-11-20}]")
    actions = [a for a in p.actions if a.company == "G"]
    assert [(a.action, a.due, a.status, a.reason) for a in actions] == [
        (ActionKind.DEADLINE_PASSED, date(2026, 11, 20), Status.OVERDUE,
         "the deadline passed on Fri 20 Nov: confirm with the employer whether the offer still stands, or close the entry")
    ]  # no "decide 2 business days ahead" reminder and no extension request
    draft = actions[0].draft
    assert draft.startswith("To: Ann Lee <ann@g.example.com>\nSubject: R offer - is it still open?\n\nHi Ann,")
    assert "the deadline of Friday 20 November has passed" in draft
    assert "Is the offer still open" in draft


def test_deadline_today_is_still_a_reminder_not_passed():
    p = plan("entries: [{company: G, role: R, stage: offer, deadline: 2026-11-25}]")
    assert [(a.action, a.reason) for a in p.actions if a.action != ActionKind.EXTENSION_REQUEST] == [
        (ActionKind.DEADLINE_REMINDER, "the deadline is today; decide 2 business days ahead")
    ]
    assert ActionKind.DEADLINE_PASSED.label == "Offer deadline passed"


def test_inline_offer_deadline_is_used():
    p = plan("entries: [{company: G, role: R, stage: offer, offer: {base: 185000, deadline: 2026-12-11}}]")
    assert (ActionKind.DEADLINE_REMINDER, date(2026, 12, 9)) in kinds(p, "G")


def test_offer_without_deadline_gets_an_ask_for_the_decision_date():
    # issue 12: an offer-stage entry with no deadline anywhere gets an action, due today
    p = plan("entries: [{company: G, role: R, stage: offer, offer: globex}]")
    assert [a for a, _ in kinds(p, "G")] == [ActionKind.ASK_DEADLINE]
    assert [d for _, d in kinds(p, "G")] == [p.today]


# ---------------------------------------------------------------- keep applying


def test_keep_applying_when_fewer_than_three_active_processes():
    p = plan("entries: [{company: G, role: R, stage: offer, deadline: 2026-12-31}, {company: V, role: R, stage: rejected, stage_since: 2026-11-01, contacts: [2026-11-02]}]", nudge=True)
    (nudge,) = [a for a in p.actions if a.action is not ActionKind.DEADLINE_REMINDER]
    assert (nudge.action, nudge.company, nudge.due) == (ActionKind.KEEP_APPLYING, None, THANKSGIVING_EVE)
    assert nudge.reason == "1 active process, fewer than 3"


def test_no_keep_applying_nudge_once_an_offer_is_accepted():
    p = plan("entries: [{company: G, role: R, stage: accepted}]", nudge=True)
    assert p.actions == ()


def test_min_active_processes_is_configurable_in_the_file():
    p = plan("rules: {min_active_processes: 1}\nentries: [{company: G, role: R, stage: offer}]", nudge=True)
    assert [a.action for a in p.actions] == [ActionKind.ASK_DEADLINE]  # no nudge; the offer still needs its date


# ---------------------------------------------------------------- plan shape and rules


def test_actions_sorted_by_due_then_company_and_statuses():
    p = plan_followups(load_pipeline("data/pipeline.yaml"), today=THANKSGIVING_EVE)
    keys = [(a.due, a.company or "~") for a in p.actions]
    assert keys == sorted(keys)
    for a in p.actions:
        expected = "overdue" if a.due < THANKSGIVING_EVE else "due today" if a.due == THANKSGIVING_EVE else "upcoming"
        assert a.status.value == expected
    assert {a.status for a in p.actions} == set(Status)


def test_plan_is_reproducible_for_a_given_today():
    pipe = load_pipeline("data/pipeline.yaml")
    assert plan_followups(pipe, today=THANKSGIVING_EVE) == plan_followups(pipe, today=THANKSGIVING_EVE)


def test_to_frame_has_the_report_columns():
    frame = plan_followups(load_pipeline("data/pipeline.yaml"), today=THANKSGIVING_EVE).to_frame()
    assert list(frame.columns) == ["company", "action", "due", "status", "reason", "draft"]
    assert frame.loc[0, "due"] == date(2026, 11, 18)
    assert frame.loc[0, "action"] == "second_follow_up"


def test_rule_defaults():
    assert Rules().model_dump() == {
        "thank_you_days": 1,
        "followup_after_promise_days": 2,
        "followup_no_promise_days": 5,
        "second_followup_days": 5,
        "max_followups": 2,
        "extension_threshold_days": 3,
        "deadline_reminder_days": 2,
        "min_active_processes": 3,
    }


def test_keyword_rules_override_the_file_rules():
    pipe = pipeline_from_yaml("rules: {followup_no_promise_days: 7}\nentries: [{company: U, role: R, stage: interviewing, interviews: [2026-11-20], contacts: [2026-11-20]}]")
    assert kinds(plan_followups(pipe, today=THANKSGIVING_EVE), "U") == [(ActionKind.FOLLOW_UP, date(2026, 12, 2))]
    assert kinds(plan_followups(pipe, today=THANKSGIVING_EVE, rules={"followup_no_promise_days": 5}), "U") == [
        (ActionKind.FOLLOW_UP, date(2026, 11, 30))
    ]


def test_bad_keyword_rules_are_input_errors():
    pipe = pipeline_from_yaml("entries: [{company: U, role: R, stage: applied}]")
    with pytest.raises(InputError) as info:
        plan_followups(pipe, today=THANKSGIVING_EVE, rules={"max_folowups": 1, "thank_you_days": -1})
    assert sorted(str(i) for i in info.value.issues) == [
        "rules: field max_folowups: unknown field 'max_folowups'; did you mean 'max_followups'?",
        "rules: field thank_you_days: expected a number at least 0, got -1",
    ]


# ---------------------------------------------------------------- loading


def test_bad_pipeline_reports_every_problem_at_once():
    with pytest.raises(InputError) as info:
        load_pipeline("tests/data/pipeline_bad.yaml")
    assert [str(i) for i in info.value.issues] == [
        "tests/data/pipeline_bad.yaml: field rules.max_followups: expected a whole number, got 'two'",
        "tests/data/pipeline_bad.yaml: entry 'globex' field stage: expected one of applied, interviewing, "
        "references, offer, accepted, declined, rejected, closed, got 'onsite'",
        "tests/data/pipeline_bad.yaml: entry 'globex' field promised_by: expected a date like 2026-01-15, got 'next week'",
        "tests/data/pipeline_bad.yaml: entry 'initech' field role: required, but missing",
        "tests/data/pipeline_bad.yaml: entry 'initech' field contact.email: expected an e-mail address like "
        "name@example.com, got 'bill at initech'",
        "tests/data/pipeline_bad.yaml: entry 'initech' field interviews[0].key_points: unknown field 'key_points'; "
        "did you mean 'key_point'?",
        "tests/data/pipeline_bad.yaml: entry 'hooli-de' field deadline: expected the same date as offer.deadline "
        "(2026-12-04), got 2026-12-01; give the deadline once",
        "tests/data/pipeline_bad.yaml: entry 4 field company: required, but missing",
        "tests/data/pipeline_bad.yaml: entry 5 field id: duplicate entry id 'globex', already used by entry 1; "
        "ids must be unique",
        "tests/data/pipeline_bad.yaml: entry 'umbrella' field contacts[1]: expected a date like 2026-01-15, got 'soon'",
        "tests/data/pipeline_bad.yaml: entry 'umbrella' field notez: unknown field 'notez'; did you mean 'notes'?",
    ]
    # Codes are toolkit.errors.Code, mapped from pydantic's error types as for offers (toolkit.validation).
    assert {i.code for i in info.value.issues} == {
        "wrong_type", "not_a_choice", "bad_date", "missing", "invalid_value", "unknown_field", "duplicate",
    }  # fmt: skip


def test_empty_entries_is_an_error():
    with pytest.raises(InputError, match=r"inline.yaml: field entries: expected a list of opportunities, found an empty list"):
        pipeline_from_yaml("entries: []")


def test_unknown_top_level_key_is_an_error():
    with pytest.raises(InputError, match=r"inline.yaml: unknown top-level key 'rulez'; expected one of: entries, rules"):
        pipeline_from_yaml("rulez: {}\nentries: [{company: A, role: R, stage: applied}]")


def test_offer_must_be_an_id_or_a_mapping():
    with pytest.raises(InputError) as info:
        pipeline_from_yaml("entries: [{company: A, role: R, stage: offer, offer: [1, 2]}]")
    assert [str(i) for i in info.value.issues] == [
        "inline.yaml: entry 'a' field offer: expected an offer id or a mapping, got [1, 2]"
    ]


def test_csv_pipeline_loads_with_row_labels(tmp_path):
    f = tmp_path / "pipeline.csv"
    f.write_text(
        "company,role,contact_name,contact_email,stage,interviews,key_point,promised_by,contacts,offer,deadline\n"
        "Globex,Engineer,Hank Scorpio,hank@example.com,offer,2026-11-10; 2026-11-16,on-call load,,,globex,2026-11-27\n"
        "Umbrella,Analyst,Alice A,alice@example.com,interviewing,2026-11-20,the warehouse,,2026-11-20,,\n"
    )
    pipe = load_pipeline(f)
    assert [e.id for e in pipe.entries] == ["globex", "umbrella"]
    assert pipe.entries[0].interviews[-1].key_point == "on-call load"
    assert pipe.entries[0].offer == "globex" and pipe.entries[0].deadline == date(2026, 11, 27)
    assert pipe.entries[1].contacts == (date(2026, 11, 20),)


def test_csv_pipeline_errors_name_the_row(tmp_path):
    f = tmp_path / "pipeline.csv"
    f.write_text("company,role,stage,deadline,colour\nGlobex,Engineer,offr,2026-13-01,red\n")
    with pytest.raises(InputError) as info:
        load_pipeline(f)
    assert [str(i) for i in info.value.issues] == [
        f"{f}: field colour: unknown column; expected some of: id, company, role, contact_name, contact_email, "
        "stage, stage_since, interviews, key_point, promised_by, contacts, offer, deadline, notes"
    ]
    f.write_text("company,role,stage,deadline\nGlobex,Engineer,offer,2026-11-27\nInitech,,offr,2026-13-01\n")
    with pytest.raises(InputError) as info:
        load_pipeline(f)
    assert [str(i) for i in info.value.issues] == [
        f"{f}: row 3 field role: required, but missing",
        f"{f}: row 3 field stage: expected one of applied, interviewing, references, offer, accepted, declined, "
        "rejected, closed, got 'offr'",
        f"{f}: row 3 field deadline: expected a date like 2026-01-15, got '2026-13-01' (month value is outside expected range of 1-12)",
    ]


def test_ok_fixture_loads():
    pipe = load_pipeline("tests/data/pipeline_ok.yaml")
    assert pipe.rules.followup_no_promise_days == 7
    assert [e.id for e in pipe.entries] == ["globex", "initech", "acme"]


def test_xlsx_pipeline_reads_excel_dates(tmp_path):
    import openpyxl
    from datetime import datetime

    f = tmp_path / "pipeline.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["company", "role", "stage", "interviews", "key_point", "deadline", "contacts"])
    wb.active.append(["Globex", "Engineer", "offer", datetime(2026, 11, 16), "on-call", date(2026, 11, 27), None])
    wb.active.append(["Umbrella", "Analyst", "interviewing", "2026-11-20", "the warehouse", None, datetime(2026, 11, 20)])
    wb.save(f)
    pipe = load_pipeline(f)
    assert pipe.entries[0].deadline == date(2026, 11, 27)
    assert pipe.entries[1].interviews[0].date == date(2026, 11, 20)
    assert pipe.entries[1].contacts == (date(2026, 11, 20),)


def test_key_point_without_interview_in_a_table_is_reported(tmp_path):
    f = tmp_path / "pipeline.csv"
    f.write_text("company,role,stage,key_point\nGlobex,Engineer,interviewing,on-call load\n")
    with pytest.raises(InputError) as info:
        load_pipeline(f)
    assert [str(i) for i in info.value.issues] == [f"{f}: row 2 field interviews[0].date: required, but missing"]


def test_inline_offer_with_a_bad_deadline_names_the_nested_field():
    with pytest.raises(InputError) as info:
        pipeline_from_yaml("entries: [{company: A, role: R, stage: offer, offer: {id: a, deadline: soon}}]")
    assert [str(i) for i in info.value.issues] == [
        "inline.yaml: entry 'a' field offer.deadline: expected a date like 2026-01-15, got 'soon'"
    ]


# ---------------------------------------------------------------- ids, as for offers (toolkit.offers.load)


def test_same_company_twice_gets_numbered_default_ids():
    pipe = pipeline_from_yaml(
        """
        entries:
          - {company: Y, role: Engineer, stage: applied}
          - {company: Y, role: Manager, stage: applied}
          - {company: Y, role: Analyst, stage: applied}
        """
    )
    assert [e.id for e in pipe.entries] == ["y", "y-2", "y-3"]


def test_default_ids_are_the_offer_slugs():
    from slugify import slugify

    company = "Müller & Söhne GmbH"
    pipe = pipeline_from_yaml(f"entries: [{{company: '{company}', role: R, stage: applied}}]")
    assert pipe.entries[0].id == slugify(company) == "muller-sohne-gmbh"


def test_pipeline_ids_match_offer_ids_for_the_same_companies(tmp_path):
    from toolkit.offers.load import load_offers

    companies = ["Globex", "Globex", "Hooli DE", "Ümlaut AG"]
    offers = tmp_path / "offers.yaml"
    offers.write_text(yaml.safe_dump({"offers": [{"company": c, "currency": "USD", "base_salary": 100000} for c in companies]}))
    pipe = parse_pipeline({"entries": [{"company": c, "role": "R", "stage": "offer"} for c in companies]}, source="p.yaml")
    assert [e.id for e in pipe.entries] == [o.id for o in load_offers(offers).offers] == ["globex", "globex-2", "hooli-de", "umlaut-ag"]


def test_a_default_id_steps_around_an_explicit_one():
    pipe = pipeline_from_yaml(
        """
        entries:
          - {company: Globex, role: R, stage: applied}
          - {id: globex, company: Globex Two, role: R, stage: applied}
        """
    )
    assert [e.id for e in pipe.entries] == ["globex-2", "globex"]


def test_only_explicit_duplicate_ids_are_errors():
    with pytest.raises(InputError) as info:
        pipeline_from_yaml(
            """
            entries:
              - {id: g, company: Globex, role: R, stage: applied}
              - {company: Globex, role: R2, stage: applied}
              - {id: g, company: Globex, role: R3, stage: applied}
            """
        )
    assert [(str(i), i.code) for i in info.value.issues] == [
        ("inline.yaml: entry 3 field id: duplicate entry id 'g', already used by entry 1; ids must be unique", "duplicate")
    ]


def test_duplicate_ids_in_a_table_name_the_rows(tmp_path):
    f = tmp_path / "pipeline.csv"
    f.write_text("id,company,role,stage\nx,Globex,Engineer,applied\n,Globex,Manager,applied\nx,Initech,Engineer,applied\n")
    with pytest.raises(InputError) as info:
        load_pipeline(f)
    assert [str(i) for i in info.value.issues] == [f"{f}: row 4 field id: duplicate entry id 'x', already used by row 2; ids must be unique"]
    f.write_text("company,role,stage\nGlobex,Engineer,applied\nGlobex,Manager,applied\n")
    assert [e.id for e in load_pipeline(f).entries] == ["globex", "globex-2"]


# ---------------------------------------------------------------- error wording, as for offers


def test_the_same_mistake_reads_the_same_in_offer_and_pipeline_files(tmp_path):
    from toolkit.offers.load import load_offers

    offers = tmp_path / "offers.yaml"
    offers.write_text("offers: [{id: g, company: Globex, currency: USD, base_salary: 100000, deadline: soon, notez: x}]")
    pipeline = tmp_path / "pipeline.yaml"
    pipeline.write_text("entries: [{id: g, company: Globex, role: R, stage: offer, deadline: soon, notez: x}]")
    found = {}
    for name, load in (("offers", lambda: load_offers(offers)), ("pipeline", lambda: load_pipeline(pipeline))):
        with pytest.raises(InputError) as info:
            load()
        found[name] = {i.field: (i.message, i.code) for i in info.value.issues}
    assert found["offers"]["deadline"] == found["pipeline"]["deadline"] == (
        "expected a date like 2026-01-15, got 'soon'", "bad_date"
    )
    assert found["offers"]["notez"] == found["pipeline"]["notez"] == ("unknown field 'notez'; did you mean 'notes'?", "unknown_field")


def test_stage_and_id_messages_say_what_was_expected():
    with pytest.raises(InputError) as info:
        pipeline_from_yaml("entries: [{id: 'a b', company: A, role: R, stage: Offer}]")
    assert [(str(i), i.code) for i in info.value.issues] == [
        ("inline.yaml: entry 'a b' field id: expected letters, digits, '-', '_' or '.' (like 'hooli-de'), got 'a b'",
         "invalid_value"),
        ("inline.yaml: entry 'a b' field stage: expected one of applied, interviewing, references, offer, accepted, "
         "declined, rejected, closed, got 'Offer'", "not_a_choice"),
    ]  # fmt: skip
