"""Issue 11 item 3: spreadsheet inputs never abort the process or give silent blanks
(tests/data/hostile/*.xlsx, written by make_xlsx.py there)."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.io import scan_xlsx_sheet, xlsx_sheets

HOSTILE = Path(__file__).parent / "data" / "hostile"
runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args))


def _limited(*args: str) -> subprocess.CompletedProcess:
    """The command in a child process limited to 1.5 GB of address space and 60 s: before the
    guard, calamine aborted the whole process (SIGABRT) building a 17-billion-cell range."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))

    return subprocess.run([sys.executable, "-m", "toolkit", *args], capture_output=True, text=True, timeout=60, preexec_fn=limit)


@pytest.mark.parametrize("name, corner", [("stray_cell.xlsx", "XFD1048576"), ("stray_row.xlsx", "D1048576")])
@pytest.mark.parametrize("command", [["validate"], ["compare", "--format", "json"], ["template", "OUT", "--from"], ["market", "summary"]])
def test_a_stray_far_cell_is_refused_in_bounded_time_and_memory(tmp_path, name, corner, command):
    args = [a.replace("OUT", str(tmp_path / "t.xlsx")) for a in command] + [str(HOSTILE / name)]
    r = _limited(*args)
    assert r.returncode == 2, r.stderr
    assert f"sheet 'Offers' holds 13 cells, but its used range reaches {corner}" in r.stderr
    assert "Traceback" not in r.stderr and not (tmp_path / "t.xlsx").exists()


def test_a_lying_dimension_is_read_by_the_real_cells():
    sheet = xlsx_sheets(HOSTILE / "lying_dimension.xlsx")[0]
    scan = scan_xlsx_sheet(HOSTILE / "lying_dimension.xlsx", sheet.member)
    assert scan.dimension == "A1:XFD1048576" and (scan.cells, scan.max_row, scan.max_col) == (12, 3, 4)
    r = run("validate", str(HOSTILE / "lying_dimension.xlsx"))
    assert r.exit_code == 0 and r.stdout.startswith("ok: 2 offers")


@pytest.mark.parametrize("name", ["csv_renamed.xlsx", "random_bytes.xlsx"])
@pytest.mark.parametrize("command", [["validate"], ["compare"], ["template", "OUT", "--from"], ["market", "summary"], ["plan"],
                                     ["compare", "SAMPLE", "--market"]])
def test_not_a_zip_is_not_a_valid_xlsx_on_every_path(tmp_path, name, command):
    sample = str(Path(__file__).parents[1] / "data" / "offers.yaml")
    args = [a.replace("OUT", str(tmp_path / "t.xlsx")).replace("SAMPLE", sample) for a in command] + [str(HOSTILE / name)]
    r = run(*args)
    assert r.exit_code == 2, r.output
    assert f"error: {HOSTILE / name}: not a valid XLSX file" in r.stderr
    assert not (tmp_path / "t.xlsx").exists()


def test_error_cells_and_formulas_without_values_are_named_by_sheet_and_cell():
    path = HOSTILE / "error_cells.xlsx"
    r = run("validate", str(path))
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [
        f"error: {path}: sheet 'Offers' cell D4: holds the error value #DIV/0!; fix the formula or type the value",
        f"error: {path}: sheet 'Offers' cell B5: holds the error value #N/A; fix the formula or type the value",
        f"error: {path}: sheet 'Offers' cell D6: holds the formula =100000*1.5 with no saved result (the file was "
        "written by a program that does not calculate); open and save it in Excel or LibreOffice, or type the value",
        "3 problems found; nothing was written.",
    ]


def test_hidden_sheets_are_skipped_with_a_note():
    r = run("market", "summary", str(HOSTILE / "hidden_first_sheet.xlsx"), "--format", "csv")
    assert r.exit_code == 0, r.output
    assert f"warning: {HOSTILE / 'hidden_first_sheet.xlsx'}: skipped hidden sheet 'Old rates'" in r.stderr
    assert "180000" in r.stdout and ",1.0," not in r.stdout  # the visible Data sheet, not the hidden one
