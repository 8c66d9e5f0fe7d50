"""House rules that keep the layers apart: app/core never imports Qt, and only
app/core/broker/runtime.py imports pymsalruntime."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers import ROOT

APP = ROOT / "app"


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_never_imports_qt():
    offenders = [
        str(p.relative_to(APP))
        for p in (APP / "core").rglob("*.py")
        if imported_modules(p) & {"PySide6", "shiboken6", "PyQt5", "PyQt6"}
    ]
    assert offenders == []


def test_only_the_broker_module_imports_pymsalruntime():
    importers = {
        str(p.relative_to(APP)) for p in APP.rglob("*.py") if "pymsalruntime" in imported_modules(p)
    }
    assert importers == {"core/broker/runtime.py"}


def test_core_does_not_import_the_sandbox():
    offenders = [
        str(p.relative_to(APP))
        for p in (APP / "core").rglob("*.py")
        if any(
            isinstance(n, ast.ImportFrom) and (n.module or "").startswith("app.sandbox")
            for n in ast.walk(ast.parse(p.read_text()))
        )
    ]
    assert offenders == []


def core_imports(path: Path) -> set[str]:
    """The app.core modules a module imports (anywhere in it, lazily or not)."""
    return {
        n.module
        for n in ast.walk(ast.parse(path.read_text()))
        if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("app.core.")
    }


def test_core_modules_do_not_import_each_other_in_a_cycle():
    graph = {
        f"app.core.{p.stem}": core_imports(p)
        for p in (APP / "core").glob("*.py")
        if p.stem[0] != "_"
    }

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, set()) - seen:
            if nxt == goal or reaches(nxt, goal, seen | {nxt}):
                return True
        return False

    cycles = sorted(m for m in graph if reaches(m, m, set()))
    assert cycles == []
