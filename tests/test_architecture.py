"""The layers import one way only, over the whole import graph; the CLI starts light.

Every `import` and `from … import` in every module is read from its syntax tree, including
imports inside functions and under `TYPE_CHECKING`. A module may import its own layer or the
layers below it, never above, and never a private name (`_x`) of another package. The layer
list is the one in docs/architecture.md.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "toolkit"

# Lowest first. A module's layer is its package (toolkit/<package>/...) or, at the root, its
# module name. followup sits beside market/negotiation: it may use the base and offers only.
LAYERS: dict[str, int] = {
    **{name: 0 for name in ("errors", "io", "format", "calendar", "validation", "display", "geography", "_util", "sanitize", "bounds")},
    "offers": 1,
    "market": 2,
    "followup": 2,
    "negotiation": 3,
    "report": 4,
    "cli": 5,
    "__init__": 6,
    "__main__": 6,
}
# Layers that may not import each other although they sit at the same height or above.
FORBIDDEN = {("market", "followup"), ("followup", "market"), ("followup", "negotiation")}


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _layer_of(module: str) -> str:
    parts = module.split(".")
    if parts[0] != "toolkit":
        raise ValueError(module)
    if len(parts) == 1:
        return "__init__"
    return parts[1]


def _imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, absolute module, imported names) for every import statement in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = _module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("toolkit"):
                    out.append((node.lineno, alias.name, []))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.startswith("toolkit"):
                out.append((node.lineno, module, [a.name for a in node.names]))
    return out


def _modules() -> list[Path]:
    return sorted(ROOT.rglob("*.py"))


def _violations() -> list[str]:
    problems = []
    for path in _modules():
        here = _module_name(path)
        mine = _layer_of(here)
        for line, module, names in _imports(path):
            # `from toolkit.market import place` may name a submodule: resolve it for the layer
            submodules = [f"{module}.{n}" for n in names if (ROOT.parent / f"{module}.{n}".replace(".", "/")).with_suffix(".py").exists()
                          or (ROOT.parent / f"{module}.{n}".replace(".", "/") / "__init__.py").exists()]
            targets = submodules if submodules and len(submodules) == len(names) else [module] + submodules
            if module == "toolkit" and set(names) <= {"__version__"}:
                continue  # the version string, defined at the root, is not an upward dependency
            for target in targets:
                theirs = _layer_of(target)
                if theirs == mine:
                    continue
                where = f"{path.relative_to(ROOT.parent)}:{line}"
                if LAYERS[theirs] > LAYERS[mine] or (mine, theirs) in FORBIDDEN:
                    problems.append(f"{where}: {mine} (layer {LAYERS[mine]}) imports {target} ({theirs}, layer {LAYERS[theirs]})")
            if _layer_of(module) != mine:
                for n in names:
                    if n.startswith("_") and not n.startswith("__"):
                        problems.append(f"{path.relative_to(ROOT.parent)}:{line}: imports the private name {n} of {module}")
    return problems


def test_every_module_belongs_to_a_known_layer():
    unknown = {_layer_of(_module_name(p)) for p in _modules()} - set(LAYERS)
    assert not unknown, f"add these packages/modules to LAYERS and docs/architecture.md: {sorted(unknown)}"


def test_layers_import_one_way_only_over_the_whole_import_graph():
    assert _violations() == []


def test_the_graph_walker_sees_imports_inside_functions_and_type_checking(tmp_path):
    # The walker must not miss the forms that used to hide upward imports.
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from ..report.html import summary_html\n"
        "def f():\n    from ..cli import app\n    import toolkit.report.excel\n"
    )
    fake = ROOT / "offers" / "_probe_for_test.py"
    fake.write_text(source, encoding="utf-8")
    try:
        found = {m for _, m, _ in _imports(fake)}
        assert found == {"toolkit.report.html", "toolkit.cli", "toolkit.report.excel"}
        assert len([v for v in _violations() if "_probe_for_test" in v]) == 3  # one per import, the function's two included
    finally:
        fake.unlink()


def test_the_layer_list_matches_the_architecture_map():
    doc = (ROOT.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    for package in ("offers", "market", "negotiation", "followup", "report", "cli"):
        assert f"`{package}/`" in doc


def imported_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize("module", ["toolkit.offers.evaluate", "toolkit.offers.scenarios", "toolkit.offers.montecarlo",
                                    "toolkit.market", "toolkit.negotiation", "toolkit.followup"])
def test_domain_code_does_not_load_presentation_libraries(module):
    mods = imported_after(f"import {module}")
    assert not {"openpyxl", "matplotlib", "typer", "rich"} & mods
    assert not {m for m in mods if m.startswith(("toolkit.report", "toolkit.cli"))}


def test_help_does_not_import_pandas_or_pydantic():
    mods = imported_after("from toolkit.cli import app")
    assert not {"pandas", "numpy", "openpyxl", "matplotlib"} & mods
