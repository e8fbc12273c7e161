"""The core stays free of presentation libraries; the CLI starts without heavy imports."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "toolkit.money", "toolkit.models", "toolkit.vesting", "toolkit.io", "toolkit.load", "toolkit.fx", "toolkit.normalize",
    "toolkit.pipeline", "toolkit.format", "toolkit.market", "toolkit.negotiation", "toolkit.followup", "toolkit.scenarios",
    "toolkit.montecarlo",
]


def imported_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_core_does_not_import_presentation_libraries():
    mods = imported_after("import " + ", ".join(CORE))
    assert not {"openpyxl", "matplotlib", "typer", "rich"} & mods
    assert not {m for m in mods if m.startswith(("toolkit.report", "toolkit.cli"))}


def test_help_does_not_import_pandas_or_pydantic():
    mods = imported_after("from toolkit.cli import app")
    assert not {"pandas", "numpy", "openpyxl", "matplotlib"} & mods
