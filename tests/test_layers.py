"""The package's imports follow the layers of docs/ARCHITECTURE.md, and none goes in a circle.

The order is read from the module table of docs/ARCHITECTURE.md (one row per
layer, top to bottom), so the document and the code cannot drift apart: a
module may import modules of its own row or of rows above it, never below, and
every module of the package must have a row. Imports inside functions count
too: deferring an import hides a dependency from the reader, not from the layers.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kg"
ARCHITECTURE = ROOT / "docs" / "ARCHITECTURE.md"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def documented_layers(text: str) -> list[tuple[str, ...]]:
    """The module paths of each row of the first table that has a ``module`` column, top to bottom."""
    layers, column = [], None
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")] if line.startswith("|") else None
        if cells is None:
            if column is not None and layers:
                break
            continue
        if column is None:
            if "module" in cells:
                column = cells.index("module")
            continue
        if set(cells[0]) <= set("-: "):
            continue
        layers.append(tuple(re.findall(r"`(kg/[^`]*)`", cells[column])))
    return layers


def layer_of(module: str, layers: list[tuple[str, ...]]) -> int | None:
    """The row of ``module`` (``kg.ingest.text`` is in the row of ``kg/ingest/``), or None."""
    for index, paths in enumerate(layers):
        for path in paths:
            if path.endswith("/"):
                package = path.rstrip("/").replace("/", ".")
                if module == package or module.startswith(package + "."):
                    return index
            elif path.endswith(".py"):
                name = path.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
                if module == name:
                    return index
    return None


def imports(source: str, module: str, is_package: bool) -> set[str]:
    """The ``kg`` modules ``source`` imports, anywhere in it (``from . import x`` counts as ``kg.x``)."""
    package = module if is_package else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if not target.startswith("kg"):
                continue
            if node.module is None:  # from . import graph
                found.update(f"{target}.{alias.name}" for alias in node.names)
            else:
                found.add(target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "kg")
    return found - {module}


def import_graph(root: Path) -> dict[str, set[str]]:
    modules = {module_name(path, root): path for path in root.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        found = imports(path.read_text(encoding="utf-8"), name, path.name == "__init__.py")
        # "from .ingest import IngestResult" names a module or an attribute: keep what is a module
        graph[name] = {target if target in modules else target.rpartition(".")[0] for target in found} - {name}
    return graph


def violations(graph: dict[str, set[str]], layers: list[tuple[str, ...]]) -> list[str]:
    found = []
    for module, targets in sorted(graph.items()):
        own = layer_of(module, layers)
        if own is None:
            found.append(f"{module} has no row in docs/ARCHITECTURE.md's module table")
            continue
        for target in sorted(targets):
            other = layer_of(target, layers)
            if other is not None and other > own:
                found.append(f"{module} (row {own + 1}) imports {target} (row {other + 1}, below it)")
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle, each once, as the path that closes it."""
    found, state = [], {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph.get(module, ())):
            if state.get(target) == "open":
                found.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    return found


@pytest.fixture(scope="module")
def layers() -> list[tuple[str, ...]]:
    return documented_layers(ARCHITECTURE.read_text(encoding="utf-8"))


def test_the_table_lists_the_layers(layers):
    assert len(layers) > 20
    assert layers[0] == ("kg/namespaces.py",)
    assert any("kg/store.py" in row for row in layers)


def test_every_import_follows_the_documented_order(layers):
    assert violations(import_graph(PACKAGE), layers) == []


def test_no_import_goes_in_a_circle():
    assert cycles(import_graph(PACKAGE)) == []


def test_an_import_against_the_order_is_caught(layers, tmp_path):
    """A copy of the package where the errors module reaches up to the store (which needs errors): both fail."""
    copy = tmp_path / "kg"
    for path in PACKAGE.rglob("*.py"):
        target = copy / path.relative_to(PACKAGE)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    before = import_graph(copy)
    errors = copy / "errors.py"
    errors.write_text(errors.read_text(encoding="utf-8") + "\n\ndef _late():\n    from .store import Store\n")
    after = import_graph(copy)
    new = [found for found in violations(after, layers) if found not in violations(before, layers)]
    assert new == ["kg.errors (row 2) imports kg.store (row 17, below it)"]
    assert ["kg.errors", "kg.store", "kg.errors"] in cycles(after) and cycles(before) == []


def test_a_module_without_a_row_is_caught(layers, tmp_path):
    copy = tmp_path / "kg"
    copy.mkdir()
    (copy / "__init__.py").write_text("")
    (copy / "helpers.py").write_text("from .errors import KgError\n")
    (copy / "errors.py").write_text("")
    assert violations(import_graph(copy), layers) == ["kg.helpers has no row in docs/ARCHITECTURE.md's module table"]
