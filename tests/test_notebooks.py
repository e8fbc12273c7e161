"""Execute every notebook in notebooks/ top to bottom; any cell error fails the test (slow)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
CELL_TIMEOUT = 120  # seconds per cell

pytestmark = pytest.mark.slow


def _require(module: str):
    """Import `module`, or skip with a visible reason (never on CI, where a missing tool must fail)."""
    try:
        return __import__(module)
    except ImportError as exc:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"{module} is not installed ({exc}); install the 'test' extra to run the notebooks")


def test_the_three_notebooks_exist():
    assert [p.name for p in NOTEBOOKS] == ["01-compare-offers.ipynb", "02-market-data.ipynb", "03-negotiation-plan.ipynb"]


def test_notebooks_are_stored_without_outputs():
    nbformat = _require("nbformat")
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, f"{path.name}: stored outputs"


def test_notebooks_match_their_builder(tmp_path):
    _require("nbformat")
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_notebooks", NOTEBOOK_DIR / "build_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for built in module.build(tmp_path):
        committed = NOTEBOOK_DIR / built.name
        assert built.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8"), (
            f"{built.name} differs from notebooks/build_notebooks.py; run python notebooks/build_notebooks.py"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_clean(path):
    nbformat = _require("nbformat")
    nbclient = _require("nbclient")
    _require("ipykernel")
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},  # run where a user opens it
    )
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as exc:
        pytest.fail(f"{path.name}: a cell failed:\n{exc}", pytrace=False)
    images = sum(1 for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", ())
                 if "image/png" in o.get("data", {}))
    charts = sum(1 for c in nb.cells if c.cell_type == "code" and "charts.plot_" in c.source)
    assert images >= charts, f"{path.name}: {charts} chart cells but {images} images displayed"
