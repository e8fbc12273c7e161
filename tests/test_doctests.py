"""The examples in the toolkit's docstrings run and give what they say (numpy-financial style)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import toolkit


def _modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(toolkit.__path__, "toolkit.") if not m.name.startswith("toolkit.cli") and not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples(name):
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:  # an optional extra's module (duckdb, dask, policyengine, weasyprint)
        pytest.skip(f"{name} needs {exc.name}, an optional extra that is not installed")
    tests = [t for t in doctest.DocTestFinder().find(module) if t.examples]
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"
