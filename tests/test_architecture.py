"""The layers hold: SQL only in the store, FastAPI only in the web layer, Typer only in the
command line, no import cycle, and no module that outgrows one job."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "src" / "wenzeng"

# Modules allowed past MAX_LINES, each with the reason its one job earns the length.
LONG_MODULES: dict[str, str] = {}
MAX_LINES = 900


def _modules() -> dict[str, Path]:
    out = {}
    for f in sorted(PACKAGE.rglob("*.py")):
        parts = f.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = f
    return out


MODULES = _modules()


def _imports(name: str, path: Path, *, module_level: bool) -> Iterator[str]:
    """Absolute names imported by one module (module level only, or everywhere)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if module_level and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if (
            module_level
            and isinstance(node, ast.If)
            and isinstance(node.test, ast.Name)
            and node.test.id == "TYPE_CHECKING"
        ):
            continue
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                head = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*head, *([node.module] if node.module else [])])
            # ``from package import module`` depends on that module; ``from module import
            # name`` on the module
            for a in node.names:
                yield f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base
        stack.extend(ast.iter_child_nodes(node))


def _importers_of(top: str) -> list[str]:
    return sorted(
        name
        for name, path in MODULES.items()
        if any(
            i == top or i.startswith(top + ".") for i in _imports(name, path, module_level=False)
        )
    )


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


@pytest.mark.parametrize(
    ("library", "home"),
    [
        ("sqlalchemy", "wenzeng.store"),
        ("alembic", "wenzeng.store"),
        ("fastapi", "wenzeng.web"),
        ("starlette", "wenzeng.web"),
        ("typer", "wenzeng.cli"),
        ("procrastinate", "wenzeng.jobs"),
        ("huey", "wenzeng.jobs"),
    ],
)
def test_a_library_is_used_only_in_its_layer(library: str, home: str) -> None:
    outside = [m for m in _importers_of(library) if not _within(m, home)]
    assert outside == [], f"{library} imported outside {home}: {outside}"


def test_the_web_and_the_command_line_reach_the_store_only_through_services() -> None:
    offenders = [
        m
        for m in _importers_of("wenzeng.store")
        if _within(m, "wenzeng.web") or _within(m, "wenzeng.cli")
    ]
    assert offenders == []


def test_the_domain_imports_no_outer_layer() -> None:
    outer = ("wenzeng.store", "wenzeng.services", "wenzeng.web", "wenzeng.cli")
    offenders = {
        name: sorted(i for i in _imports(name, path, module_level=False) if i.startswith(outer))
        for name, path in MODULES.items()
        if _within(name, "wenzeng.domain")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_no_import_cycle() -> None:
    graph: dict[str, set[str]] = {
        name: {i for i in _imports(name, path, module_level=True) if i in MODULES and i != name}
        for name, path in MODULES.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    assert cycles == []


def test_no_module_outgrows_one_job() -> None:
    long = {
        name: n
        for name, path in MODULES.items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert set(long) <= set(LONG_MODULES), {k: v for k, v in long.items() if k not in LONG_MODULES}


def _names_used(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.alias):
            names.add(node.name.rpartition(".")[2])
    return names


def test_observations_are_read_only_through_the_principal_aware_path() -> None:
    """Every reader of observations asks ``services.series``, which asks the policy what the
    reader may see before the store picks the newest vintage (the warning engine's panels
    pass the policy's visibility to the store themselves)."""
    readers = sorted(
        name
        for name, path in MODULES.items()
        if not _within(name, "wenzeng.store")
        and {"query_observations", "panel_rows", "panel_rows_first_known"} & _names_used(path)
    )
    assert readers == [
        "wenzeng.services.early_warning",
        "wenzeng.services.panel_blocks",  # the warning engine's enterprise panels, by block
        "wenzeng.services.series",
    ]
