"""The error codes: one enum, documented in docs/errors.md, refused when unknown; flags mapped by the CLI."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from toolkit.cli import app
from toolkit.errors import ARGUMENT, Code, Issue


def test_docs_list_exactly_the_codes_of_the_enum():
    doc = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z_]+)` \|", doc, flags=re.M))
    assert listed == {c.value for c in Code}


def test_an_unknown_code_is_a_programming_error_with_a_hint():
    with pytest.raises(ValueError, match="unknown error code 'flag'"):
        Issue(source="x", message="m", code="flag")  # a synonym of bad_argument, removed


def test_an_argument_issue_names_the_parameter_and_maps_to_a_flag():
    issue = Issue(source=ARGUMENT, field="rank_by", message="expected one of x, got 'y'", code=Code.BAD_ARGUMENT)
    assert str(issue) == "argument rank_by: expected one of x, got 'y'"
    assert str(issue.for_flags({"rank_by": "--rank-by"})) == "--rank-by: expected one of x, got 'y'"
    assert issue.for_flags({}) is issue  # a command without the flag keeps the parameter's name


def test_validate_json_lists_every_problem_with_its_code(write):
    bad = write("bad.yaml", """
        offers:
          - {company: Acme, currency: USD, base_salary: 100k, bonus: {target: 15}}
          - {company: Beta, currency: USD, base_salary: 100k, bonsu: 3}
        """)
    result = CliRunner().invoke(app, ["validate", str(bad), "--format", "json"])
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert doc["ok"] is False
    assert [(i["record"], i["field"], i["code"]) for i in doc["issues"]] == [
        ("offer 'acme'", "bonus.target", "invalid_value"), ("offer 'beta'", "bonsu", "unknown_field")]
    assert all(i["code"] in {c.value for c in Code} for i in doc["issues"])


def test_validate_json_on_good_files():
    result = CliRunner().invoke(app, ["validate", str(ROOT / "data" / "offers.yaml"), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"ok": True, "offers": 3, "ids": ["globex", "initech", "hooli-de"], "issues": []}


@pytest.mark.parametrize("command", [["compare"], ["validate"], ["schema"], ["negotiate"], ["plan"], ["template"], ["market", "summary"]])
def test_every_command_has_debug(command):
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0 and "--debug" in result.stdout


def test_a_library_argument_error_is_reported_under_the_commands_flag():
    result = CliRunner().invoke(app, ["negotiate", str(ROOT / "data" / "offers.yaml"), "--rank-by", "vibes", "--today", "2026-11-25"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --rank-by: expected one of")
