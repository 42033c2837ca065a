"""The command-line package holds together without cycles: every module imports on its own,
no module of ``wenzeng.cli`` imports another that imports it back, and the commands reach the
store only through the services."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

PACKAGE = "wenzeng.cli"
_SPEC = importlib.util.find_spec(PACKAGE)  # found, not imported: a cycle fails a test below
assert _SPEC is not None and _SPEC.origin is not None
FOLDER = Path(_SPEC.origin).parent
MODULES = sorted(
    PACKAGE if p.stem == "__init__" else f"{PACKAGE}.{p.stem}" for p in FOLDER.glob("*.py")
)


def _source(module: str) -> str:
    name = "__init__" if module == PACKAGE else module.rsplit(".", 1)[1]
    return (FOLDER / f"{name}.py").read_text(encoding="utf-8")


def _imports(module: str) -> set[str]:
    """The modules ``module`` imports by name, at the top or inside functions.

    ``from wenzeng.cli import setup`` names the module ``wenzeng.cli.setup``, while
    ``from wenzeng.cli.output import err`` names ``wenzeng.cli.output``.  The package
    ``__init__`` that Python runs before any of its modules is not counted: it is an
    implicit step of every import, not a choice of the importing module.
    """
    found: set[str] = set()
    for node in ast.walk(ast.parse(_source(module))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in MODULES else node.module)
    return found


def _graph() -> dict[str, set[str]]:
    """Edges between the modules of the package."""
    return {m: {i for i in _imports(m) if i in MODULES and i != m} for m in MODULES}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph, as the path that closes it, or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_the_package_is_split_into_modules() -> None:
    assert {f"{PACKAGE}.{m}" for m in ("root", "output", "context", "data", "user")} <= set(MODULES)
    for module in MODULES:
        assert len(_source(module).splitlines()) < 400, module


def test_no_module_of_the_package_imports_another_in_a_cycle() -> None:
    graph = _graph()
    assert _cycle(graph) is None, _cycle(graph)
    # the check sees a cycle when there is one
    assert _cycle({**graph, f"{PACKAGE}.output": {f"{PACKAGE}.root"}}) is not None


def test_only_the_root_assembles_and_only_the_package_entry_imports_the_root() -> None:
    graph = _graph()
    assert {m for m, deps in graph.items() if f"{PACKAGE}.root" in deps} == {PACKAGE}
    shared = {f"{PACKAGE}.{m}" for m in ("output", "context", "arguments")}
    for module in shared:
        assert graph[module] <= shared, module  # what the commands share imports no command
    for module in MODULES:
        assert "E402" not in _source(module), module


def test_commands_reach_the_store_only_through_services() -> None:
    for module in MODULES:
        store = {
            i for i in _imports(module) if i == "wenzeng.store" or i.startswith("wenzeng.store.")
        }
        assert not store, (module, store)


def test_every_module_imports_on_its_own() -> None:
    """Each module first in a fresh set of WenZeng modules (one interpreter, cleared between
    modules), so that no import order hides a cycle."""
    script = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}:\n"
        "    for loaded in [m for m in sys.modules if m == 'wenzeng' or m.startswith('wenzeng.')]:\n"
        "        del sys.modules[loaded]\n"
        "    module = importlib.import_module(name)\n"
        "    app = importlib.import_module('wenzeng.cli').app\n"
        "    assert {g.name for g in app.registered_groups} >= {'plan', 'user', 'report'}, name\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_python_dash_m_runs_the_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "wenzeng", "--help"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "plan" in done.stdout and "report" in done.stdout
