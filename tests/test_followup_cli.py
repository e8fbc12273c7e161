"""`offer-toolkit plan`: exit codes, exact error lines, golden Markdown, JSON and the ICS file."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime, timezone

from icalendar import Calendar
from typer.testing import CliRunner

from toolkit.cli import app
from conftest import assert_golden

SAMPLE = "data/pipeline.yaml"
TODAY = "2026-11-25"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["plan", *args])


# ---------------------------------------------------------------- success


def test_table_output_groups_actions_and_shows_drafts():
    result = run(SAMPLE, "--today", TODAY)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Follow-up plan for Wed 25 Nov 2026: 10 actions (business days: US calendar)\n")
    assert out.index("Overdue (4)") < out.index("Due today (2)") < out.index("Upcoming (4)") < out.index("Drafts")
    assert "\x1b[" not in out  # no colour when not a terminal
    assert max(len(line) for line in out.splitlines()) <= 100
    assert "our conversation about GPU scheduling for the training cluster" in " ".join(out.split())


def test_markdown_output_matches_golden():
    result = run(SAMPLE, "--today", TODAY, "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert_golden(result.stdout, "followup_plan.md")


def test_json_output_has_the_documented_keys():
    result = run(SAMPLE, "--today", TODAY, "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert list(doc) == ["today", "actions"]
    assert doc["today"] == TODAY
    assert all(list(a) == ["company", "action", "due", "status", "reason", "draft"] for a in doc["actions"])
    summary = [(a["due"], a["company"], a["action"], a["status"]) for a in doc["actions"]]
    assert summary == [
        ("2026-11-18", "Acme Robotics", "second_follow_up", "overdue"),
        ("2026-11-24", "Globex", "deadline_reminder", "overdue"),
        ("2026-11-24", "Hooli DE", "brief_references", "overdue"),
        ("2026-11-24", "Vandelay Industries", "feedback_request", "overdue"),
        ("2026-11-25", "Globex", "extension_request", "due today"),
        ("2026-11-25", "Stark Industries", "thank_you", "due today"),
        ("2026-11-30", "Hooli DE", "follow_up", "upcoming"),  # promised for Thanksgiving
        ("2026-11-30", "Umbrella Health", "follow_up", "upcoming"),
        ("2026-12-02", "Stark Industries", "follow_up", "upcoming"),
        ("2026-12-09", "Initech", "deadline_reminder", "upcoming"),
    ]


def test_today_makes_output_reproducible(tmp_path):
    first = run(SAMPLE, "--today", TODAY, "--format", "json", "--ics", str(tmp_path / "a.ics"))
    second = run(SAMPLE, "--today", TODAY, "--format", "json", "--ics", str(tmp_path / "b.ics"))
    assert first.exit_code == second.exit_code == 0
    assert first.stdout == second.stdout
    assert (tmp_path / "a.ics").read_bytes() == (tmp_path / "b.ics").read_bytes()


def test_subdivision_changes_the_calendar():
    # The day after Thanksgiving is a California state holiday.
    result = run(SAMPLE, "--today", TODAY, "--subdivision", "CA", "--format", "json")
    assert result.exit_code == 0, result.output
    dues = {(a["company"], a["action"]): a["due"] for a in json.loads(result.stdout)["actions"]}
    assert dues[("Hooli DE", "follow_up")] == "2026-12-01"


# ---------------------------------------------------------------- ICS


def test_ics_parses_back_with_one_event_per_action(tmp_path):
    out = tmp_path / "reminders.ics"
    result = run(SAMPLE, "--today", TODAY, "--format", "json", "--ics", str(out))
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote {out} (10 events)\n"
    actions = json.loads(result.stdout)["actions"]
    cal = Calendar.from_ical(out.read_bytes())
    events = list(cal.walk("VEVENT"))
    assert str(cal["VERSION"]) == "2.0" and "offer-toolkit" in str(cal["PRODID"])
    assert len(events) == len(actions)
    labels = {"second_follow_up": "Second follow-up", "deadline_reminder": "Offer deadline", "brief_references": "Brief referees",
              "feedback_request": "Feedback request", "extension_request": "Extension request", "thank_you": "Thank-you note",
              "follow_up": "Status follow-up"}  # fmt: skip
    for event, action in zip(events, actions):
        assert event.decoded("DTSTART") == date.fromisoformat(action["due"])
        assert (event.decoded("DTEND") - event.decoded("DTSTART")).days == 1
        assert str(event["SUMMARY"]) == f"{labels[action['action']]}: {action['company']}"
        assert str(event["DESCRIPTION"]) == f"{action['reason']}\n\n{action['draft']}"
        assert event.decoded("DTSTAMP") == datetime(2026, 11, 25, tzinfo=timezone.utc)
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_ics_uids_are_stable_across_days(tmp_path):
    run(SAMPLE, "--today", "2026-11-24", "--ics", str(tmp_path / "a.ics"))
    run(SAMPLE, "--today", TODAY, "--ics", str(tmp_path / "b.ics"))
    uids = [{str(e["UID"]) for e in Calendar.from_ical((tmp_path / n).read_bytes()).walk("VEVENT")} for n in ("a.ics", "b.ics")]
    assert len(uids[0] & uids[1]) >= 5  # same actions keep their UID when planned a day later


def test_ics_refuses_to_overwrite_the_pipeline(tmp_path):
    pipeline = tmp_path / "pipeline.yaml"
    shutil.copy(SAMPLE, pipeline)
    before = pipeline.read_bytes()
    result = run(str(pipeline), "--today", TODAY, "--ics", str(pipeline))
    assert result.exit_code == 2
    assert result.stderr == f"error: {pipeline}: refusing to overwrite one of the input files\n"
    assert result.stdout == ""
    assert pipeline.read_bytes() == before


# ---------------------------------------------------------------- errors


def test_every_argument_problem_is_reported_at_once():
    result = run("missing.yaml", "--today", "25/11/2026", "--format", "html", "--country", "XX")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: --today: expected a date like 2026-11-25, got '25/11/2026'",
        "error: --format: expected one of table, json, markdown, got 'html'",
        "error: --country: unknown country code 'XX'; expected an ISO 3166 code supported by the holidays "
        "package, such as US, CA, GB, DE, FR, IN",
        "error: missing.yaml: file not found",
        "4 problems found; nothing was written.",
    ]


def test_unknown_subdivision_exits_2():
    result = run(SAMPLE, "--today", TODAY, "--subdivision", "XY")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --subdivision: 'XY' is not a subdivision of US; expected one of: AK, AL, AR,")
    assert "Traceback" not in result.output


def test_bad_pipeline_exits_2_and_writes_no_ics(tmp_path):
    out = tmp_path / "x.ics"
    result = run("tests/data/pipeline_bad.yaml", "--today", TODAY, "--ics", str(out))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == "error: tests/data/pipeline_bad.yaml: field rules.max_followups: expected a whole number, got 'two'"
    assert lines[-1] == "11 problems found; nothing was written."
    assert not out.exists()


def test_wrong_file_type_is_a_clear_error(tmp_path):
    f = tmp_path / "pipeline.pdf"
    f.write_text("x")
    result = run(str(f), "--today", TODAY)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {f}: unknown file type '.pdf'; expected one of .csv, .json, .parquet, .toml, .tsv, .txt, .xlsm, .xlsx, .yaml, .yml\n"
    )


def test_ok_fixture_runs_with_file_rules():
    result = run("tests/data/pipeline_ok.yaml", "--today", TODAY, "--format", "json")
    assert result.exit_code == 0, result.output
    dues = {(a["company"], a["action"]): a["due"] for a in json.loads(result.stdout)["actions"]}
    # followup_no_promise_days: 7 in the file; interview Fri 20 Nov 10:30 counts as 20 Nov.
    assert dues[("Initech", "follow_up")] == "2026-12-02"
    assert dues[("Globex", "extension_request")] == TODAY


def test_passed_deadline_in_json_and_ics(tmp_path):
    pipeline = tmp_path / "pipeline.yaml"
    pipeline.write_text("entries: [{company: Globex, role: Engineer, stage: offer, deadline: 2026-11-20}]\nrules: {min_active_processes: 0}\n")
    out = tmp_path / "r.ics"
    result = run(str(pipeline), "--today", TODAY, "--format", "json", "--ics", str(out))
    assert result.exit_code == 0, result.output
    [action] = json.loads(result.stdout)["actions"]
    assert (action["action"], action["due"], action["status"]) == ("deadline_passed", "2026-11-20", "overdue")
    assert action["reason"].startswith("the deadline passed on Fri 20 Nov: confirm with the employer")
    assert "Is the offer still open" in action["draft"]
    [event] = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Offer deadline passed: Globex"


def test_without_today_the_real_date_is_used():
    result = run(SAMPLE, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["today"] == date.today().isoformat()
