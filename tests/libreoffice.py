"""LibreOffice helpers for the tests: skip with a visible reason when soffice is missing,
except under CI (CI=true), where a missing LibreOffice is a failure."""

from __future__ import annotations

import os

import pytest

from toolkit.report.libreoffice import convert, recalculated_values, render_png, soffice  # noqa: F401 (re-exported for tests)


def require_soffice() -> None:
    if soffice() is not None:
        return
    reason = "LibreOffice (soffice) is not installed: install libreoffice-calc-nogui to run the recalculation tests"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: required)")
    pytest.skip(reason)
