"""Progress bars for long work (loading, importing, placing): shown on a terminal only, and
only once the work has taken about a second, so quick runs, pipes, JSON output and tests
never see one. The bar is transient (erased when done) and written to stderr."""

from __future__ import annotations

import os
import sys
import threading
from contextlib import contextmanager
from typing import Iterator, Optional

DELAY_SECONDS = 1.0


def wanted(fmt: str | None = None) -> bool:
    """A bar may be shown: stderr is a terminal, the output is not JSON, not under pytest."""
    if fmt == "json" or "PYTEST_CURRENT_TEST" in os.environ:
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class _Bar:
    def __init__(self, description: str, total: Optional[int]):
        self.description = description
        self.total = total
        self.done = 0
        self._progress = None
        self._task = None
        self._lock = threading.Lock()

    def start(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        with self._lock:
            if self._progress is not None:
                return
            self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                                      console=Console(file=sys.stderr), transient=True)
            self._progress.start()
            self._task = self._progress.add_task(self.description, total=self.total, completed=self.done)

    def advance(self, n: int = 1, description: str | None = None) -> None:
        with self._lock:
            self.done += n
            if description:
                self.description = description
            if self._progress is not None:
                self._progress.update(self._task, completed=self.done, description=self.description)

    def stop(self) -> None:
        with self._lock:
            if self._progress is not None:
                self._progress.stop()


@contextmanager
def progress(description: str, total: Optional[int] = None, *, enabled: bool = True) -> Iterator[_Bar]:
    """A bar for `total` steps (None: a spinner) that appears after DELAY_SECONDS if still running."""
    bar = _Bar(description, total)
    timer = None
    if enabled and wanted():
        timer = threading.Timer(DELAY_SECONDS, bar.start)
        timer.daemon = True
        timer.start()
    try:
        yield bar
    finally:
        if timer is not None:
            timer.cancel()
        bar.stop()
