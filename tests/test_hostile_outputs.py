"""Issue 11 item 1: the output guard never loses a user's file and never leaves a half-written
set (toolkit/io.py: check_outputs, output_problem, write_with; docs/outputs.md)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.io import output_owner, template_has_offers, write_with
from toolkit.errors import OutputError

HOSTILE = Path(__file__).parent / "data" / "hostile"
SAMPLE = str(HOSTILE / "high_raise.yaml")
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def copy(name: str, folder: Path, as_name: str | None = None) -> Path:
    target = folder / (as_name or name)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(HOSTILE / name, target)
    return target


def test_own_outputs_carry_properties_that_tell_report_from_template(tmp_path):
    assert run("compare", SAMPLE, "-o", tmp_path / "r.xlsx", "--charts", tmp_path / "c").exit_code == 0
    assert run("template", tmp_path / "t.xlsx").exit_code == 0
    assert output_owner(tmp_path / "r.xlsx") == "report" and output_owner(tmp_path / "t.xlsx") == "template"
    assert {output_owner(p) for p in (tmp_path / "c").glob("*.png")} == {"chart"}
    assert not template_has_offers(tmp_path / "t.xlsx")
    # a second run replaces its own files without --force
    r = run("compare", SAMPLE, "-o", tmp_path / "r.xlsx", "--charts", tmp_path / "c")
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("command", [["template", "OUT"], ["compare", SAMPLE, "-o", "OUT"]])
def test_a_workbook_the_toolkit_did_not_write_needs_force(tmp_path, command):
    target = copy("user_workbook.xlsx", tmp_path, "mine.xlsx")
    before = target.read_bytes()
    args = [str(target) if a == "OUT" else a for a in command]
    r = run(*args)
    assert r.exit_code == 2
    assert r.stderr.splitlines()[0] == (f"error: {target}: exists and is not a workbook offer-toolkit wrote (its properties "
                                        "do not name offer-toolkit); choose another name, or pass --force to replace it")
    assert target.read_bytes() == before and r.stdout == ""
    assert run(*args, "--force").exit_code == 0
    assert output_owner(target) in ("report", "template")


@pytest.mark.parametrize("name", ["filled_template.xlsx", "legacy_filled_template.xlsx"])
def test_a_filled_in_template_is_never_replaced_by_an_empty_one(tmp_path, name):
    target = copy(name, tmp_path, "offers.xlsx")
    before = target.read_bytes()
    for extra in ([], ["--force"]):
        r = run("template", target, *extra)
        assert r.exit_code == 2 and "is a filled-in offer template; an empty template never replaces it" in r.stderr
        assert target.read_bytes() == before
    r = run("compare", SAMPLE, "-o", target)
    assert r.exit_code == 2 and "is a filled-in offer template (its offers would be lost)" in r.stderr
    assert target.read_bytes() == before


def test_every_output_is_checked_before_any_is_written(tmp_path):
    charts = tmp_path / "charts"
    copy("user_chart.png", charts, "tc_by_year.png")
    copy("user_workbook.xlsx", tmp_path, "mine.xlsx")
    r = run("compare", SAMPLE, "-o", tmp_path / "new.xlsx", "--charts", charts, "--format", "json")
    assert r.exit_code == 2 and r.stdout == ""
    assert f"error: {charts / 'tc_by_year.png'}: exists and is not a file offer-toolkit wrote" in r.stderr
    assert not (tmp_path / "new.xlsx").exists() and sorted(p.name for p in charts.iterdir()) == ["tc_by_year.png"]
    # and with the other problems of the run, in one go
    r = run("compare", SAMPLE, "-o", tmp_path / "mine.xlsx", "--raise", "abc")
    assert r.exit_code == 2 and "--raise" in r.stderr and "mine.xlsx: exists and is not a workbook" in r.stderr


def test_ics_follows_the_same_rule(tmp_path):
    target = copy("user_calendar.ics", tmp_path, "cal.ics")
    pipeline = Path(__file__).parent / "data" / "pipeline_ok.yaml"
    r = run("plan", pipeline, "--today", "2026-11-20", "--ics", target)
    assert r.exit_code == 2 and "is not a file offer-toolkit wrote" in r.stderr
    assert "Jane" in target.read_text()
    assert run("plan", pipeline, "--today", "2026-11-20", "--ics", target, "--force").exit_code == 0
    assert output_owner(target) == "document"
    assert run("plan", pipeline, "--today", "2026-11-20", "--ics", target).exit_code == 0  # its own now


def test_a_libreoffice_lock_refuses_with_one_line(tmp_path):
    assert run("compare", SAMPLE, "-o", tmp_path / "r.xlsx").exit_code == 0
    (tmp_path / ".~lock.r.xlsx#").write_text(",jane,host,2026-11-20T10:00:00,\n")
    r = run("compare", SAMPLE, "-o", tmp_path / "r.xlsx", "--force")
    assert r.exit_code == 2
    assert r.stderr == (f"error: {tmp_path / 'r.xlsx'}: the file is open in LibreOffice (its lock file .~lock.r.xlsx# is "
                        "beside it); close it there first, or delete the lock file if LibreOffice is not running\n")


def _chattr(flag: str, path: Path) -> None:
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    r = subprocess.run(["chattr", flag, str(path)], capture_output=True, text=True)
    if r.returncode:
        pytest.skip(f"chattr {flag} is not allowed here: {r.stderr.strip()}")


def test_an_immutable_file_or_folder_gets_one_line(tmp_path):
    assert run("compare", SAMPLE, "-o", tmp_path / "r.xlsx").exit_code == 0
    _chattr("+i", tmp_path / "r.xlsx")
    try:
        r = run("compare", SAMPLE, "-o", tmp_path / "r.xlsx")
        assert r.exit_code == 2 and r.stderr == f"error: {tmp_path / 'r.xlsx'}: the file is read-only or immutable; it cannot be replaced\n"
    finally:
        subprocess.run(["chattr", "-i", str(tmp_path / "r.xlsx")])
    folder = tmp_path / "locked"
    folder.mkdir()
    _chattr("+i", folder)
    try:
        r = run("compare", SAMPLE, "-o", folder / "r.xlsx")
        assert r.exit_code == 2 and r.stderr.startswith(f"error: {folder / 'r.xlsx'}: cannot write in {folder}: the folder is read-only")
        assert "Traceback" not in r.output
    finally:
        subprocess.run(["chattr", "-i", str(folder)])


@pytest.fixture
def small_disk(tmp_path):
    """A real 2 MB tmpfs (root only; skipped elsewhere)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True, text=True)
    if r.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
    yield mount
    subprocess.run(["umount", str(mount)])


def test_a_full_disk_is_refused_before_writing(small_disk):
    (small_disk / "filler").write_bytes(b"\0" * (small_disk.stat().st_size or 0) + b"\0" * 1_600_000)
    r = run("compare", SAMPLE, "-o", small_disk / "r.xlsx")
    assert r.exit_code == 2 and "the disk holding" in r.stderr and "is full" in r.stderr
    assert not (small_disk / "r.xlsx").exists()


def test_a_disk_that_fills_while_writing_leaves_the_old_file_and_no_temporary(small_disk):
    target = small_disk / "notes.txt"
    target.write_text("offer-toolkit: the old file")

    def writer(tmp: Path) -> None:
        tmp.write_bytes(b"x" * 3_000_000)  # more than the disk holds

    with pytest.raises(OutputError, match="cannot write it: No space left on device; the earlier file, if any, is unchanged"):
        write_with(target, writer)
    assert target.read_text() == "offer-toolkit: the old file"
    assert sorted(p.name for p in small_disk.iterdir()) == ["notes.txt"]


def test_stale_temporary_files_are_removed_with_a_warning(tmp_path):
    dead = 2 ** 22 + 12345  # above the default pid_max: no such process
    stale = tmp_path / f".r.xlsx.offer-toolkit-{dead}-abc123.xlsx"
    stale.write_bytes(b"half")
    r = run("compare", SAMPLE, "-o", tmp_path / "r.xlsx")
    assert r.exit_code == 0, r.output
    assert f"warning: {stale}: removed a temporary file left by an interrupted run" in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.xlsx"]


SLOW_WRITER = """
import sys, time
from pathlib import Path
import typer
from toolkit.cli.app import handle_errors
from toolkit.io import write_with

def writer(tmp):
    tmp.write_bytes(b"half")
    print("writing", flush=True)
    time.sleep(30)

try:
    with handle_errors():  # what every command runs in
        write_with(Path(sys.argv[1]), writer)
except typer.Exit as exc:
    sys.exit(exc.exit_code)
"""


@pytest.mark.parametrize("sig, code, word", [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")])
def test_sigterm_like_sigint_removes_the_temporary_file(tmp_path, sig, code, word):
    target = tmp_path / "out.txt"
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(target)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    assert any(".offer-toolkit-" in p.name for p in tmp_path.iterdir())  # the recognisable temporary name
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == code and err == f"{word}; no half-written file was left.\n"
    assert list(tmp_path.iterdir()) == []


def test_market_convert_replaces_its_own_parquet_and_needs_force_for_another_file(tmp_path):
    pytest.importorskip("pyarrow")
    source = Path(__file__).parent / "data" / "market_percentiles.csv"
    out = tmp_path / "m.parquet"
    assert run("market", "convert", source, "-o", out).exit_code == 0
    assert output_owner(out) == "document"
    assert run("market", "convert", source, "-o", out).exit_code == 0  # its own file, replaced
    foreign = copy("user_chart.png", tmp_path, "theirs.parquet")
    r = run("market", "convert", source, "-o", foreign)
    assert r.exit_code == 2 and "pass --force to replace it" in r.stderr
    assert run("market", "convert", source, "-o", foreign, "--force").exit_code == 0
