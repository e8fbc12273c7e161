"""Progress bars: only on a terminal, only after about a second, never in JSON output or tests."""

from __future__ import annotations

import io
import sys
import time

from toolkit.cli import progress as P


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_never_under_pytest_in_json_or_in_a_pipe(monkeypatch):
    assert not P.wanted()  # PYTEST_CURRENT_TEST is set
    monkeypatch.delenv("PYTEST_CURRENT_TEST")
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert not P.wanted()  # a pipe
    monkeypatch.setattr(sys, "stderr", Tty())
    assert P.wanted() and not P.wanted("json")


def test_quick_work_shows_nothing_slow_work_shows_a_bar(monkeypatch):
    monkeypatch.delenv("PYTEST_CURRENT_TEST")
    monkeypatch.setattr(P, "DELAY_SECONDS", 0.05)
    tty = Tty()
    monkeypatch.setattr(sys, "stderr", tty)
    with P.progress("quick", total=2) as bar:
        bar.advance()
    assert tty.getvalue() == ""
    with P.progress("placing 5 offers", total=2) as bar:
        deadline = time.monotonic() + 10  # a loaded machine may start the timer late
        while bar._progress is None and time.monotonic() < deadline:
            time.sleep(0.05)
        bar.advance()
    assert bar._progress is not None  # the bar was started on the terminal, then erased (transient)
    assert "placing 5 offers" in tty.getvalue()
