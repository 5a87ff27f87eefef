"""Every module a function serves from imports on its own, and no two modules of ours import each other.

Import cycles were why `import functions.partners.routes_children` on its own failed and why the code
was full of function-local imports; these tests keep them from coming back. The layering between groups
is checked by the import contracts (pyproject.toml, `lint-imports` in `make test`).
"""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from shared.routing import ALL_FUNCTIONS

ROOT = Path(__file__).resolve().parents[2]


def served_modules() -> list[str]:
    """Each route module of functions/ and each module the routing table loads for a function."""
    modules = {".".join(path.relative_to(ROOT).with_suffix("").parts)
               for path in (ROOT / "functions").rglob("routes*.py")}
    for spec in ALL_FUNCTIONS:
        if spec.module:
            modules.add(f"{spec.module}.routes" if spec.kind == "http" else spec.module)
    return sorted(modules)


def test_the_served_modules_include_every_group_and_the_split_partners_routes():
    modules = served_modules()
    assert {"functions.partners.routes_children", "functions.partners.routes_onboarding",
            "functions.partners.routes_common", "functions.jobs", "functions.notifications.fanout"} <= set(modules)
    groups = {path.name for path in (ROOT / "functions").iterdir() if (path / "routes.py").exists()}
    assert {f"functions.{group}.routes" for group in groups} <= set(modules)


@pytest.mark.parametrize("module", served_modules())
def test_module_imports_on_its_own(module):
    env = {**os.environ, "TRADEHUB_ENV": "test"}
    result = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iteratively: the components of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_strongly_connected_finds_a_cycle_and_nothing_in_a_chain():
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def module_level_imports(graph: grimp.ImportGraph) -> dict[str, set[str]]:
    """Each module's imports of our modules made when it loads: those at module level, not under
    `if TYPE_CHECKING:` and not inside a function (a call-time import cannot make an import-time cycle)."""
    edges: dict[str, set[str]] = {}
    for module in graph.modules:
        edges[module] = set()
        for imported in graph.find_modules_directly_imported_by(module):
            details = graph.get_import_details(importer=module, imported=imported)
            if any(line in _top_level_lines(module) for line in (d["line_number"] for d in details)):
                edges[module].add(imported)
    return edges


def _top_level_lines(module: str) -> set[int]:
    path = ROOT.joinpath(*module.split("."))
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    tree = ast.parse(path.read_text())
    return {line for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)
            for line in range(node.lineno, (node.end_lineno or node.lineno) + 1)}


def test_no_import_cycles_in_functions_and_shared():
    graph = grimp.build_graph("functions", "shared", exclude_type_checking_imports=True, cache_dir=None)
    assert strongly_connected(module_level_imports(graph)) == []
