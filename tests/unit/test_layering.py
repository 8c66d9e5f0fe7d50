"""House rules that keep the layers and capabilities apart, read from the source: every import
form counts (`import a.b`, `from a import b`, relative imports, `from app.core import x`,
`importlib.import_module("…")` and `__import__("…")` with a literal name), anywhere in a
module (lazily inside a function, or under TYPE_CHECKING), in every folder at any depth.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

from tests.helpers import ROOT

APP = ROOT / "app"
QT = {"PySide6", "shiboken6", "PyQt5", "PyQt6"}

# What each capability of app/core may import of the others. Read as layers: files, tokens
# and configurations know nothing else; the broker knows the configurations; guidance
# explains the broker's errors and the disk's (files); outcomes classify with all three; the
# rest build on those (settings explain a failed save with guidance).
CORE = {
    "files": set(),
    "tokens": set(),
    "configurations": set(),
    "broker": {"configurations"},
    "guidance": {"broker", "configurations", "files", "storage"},
    "outcomes": {"broker", "configurations", "guidance", "tokens"},
    # "Every ARM tenant of these accounts": the matrix asks each account in its ARM tenants
    "matrix": {"arm", "broker", "configurations", "outcomes"},
    "arm": {"broker", "configurations", "outcomes"},
    "storage": {"files"},
    "credentials": {"broker", "configurations", "settings", "tokens"},
    # the ARM window's per-account choice (ids only) is kept with the other settings
    "settings": {"arm", "broker", "configurations", "files", "guidance", "tokens"},
    # the session keeps what ARM found per account (shared by Subscriptions and the matrix)
    "accounts": {"arm", "broker", "configurations", "guidance", "outcomes", "settings"},
}
# What each UI capability may import of the others (and of app/core, by capability). The
# shell puts the window together and may use everything.
UI = {
    "common": ({}, {"guidance", "outcomes"}),
    "tokens": ({"common"}, {"broker", "outcomes", "tokens"}),
    "configurations": ({"common"}, {"configurations", "settings"}),
    # The tab builds the pane's credential for the active account (the app's or the seed's).
    "storage": (
        {"common"},
        {"broker", "configurations", "credentials", "guidance", "settings", "storage"},
    ),
    "accounts": (
        {"common"},
        {"accounts", "broker", "configurations", "credentials", "guidance", "outcomes"},
    ),
    # View ▸ Subscriptions: the session runs the discovery; names and picks go to the shell.
    "arm": (set(), {"accounts", "arm", "broker", "configurations"}),
    "matrix": (
        {"common", "accounts", "tokens"},
        {
            "accounts",
            "arm",  # discovers the accounts' ARM tenants for "Every ARM tenant"
            "broker",
            "configurations",
            "files",
            "guidance",
            "matrix",
            "outcomes",
            "tokens",
        },  # Compare shows claims' times as the inspector does
    ),
}


def module_name(path: Path) -> str:
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return name.removesuffix(".__init__")


MODULES = {module_name(p): p for p in APP.rglob("*.py")}


def imports_of(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module `source` (the text of `module`) imports, by full dotted name."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            found.add(base)
            for alias in node.names:  # `from app.core import x`: the module x
                if f"{base}.{alias.name}" in MODULES or not base.startswith("app"):
                    found.add(f"{base}.{alias.name}")
        elif (
            isinstance(node, ast.Call)
            and (getattr(node.func, "attr", None) == "import_module"
                 or getattr(node.func, "id", None) in ("__import__", "import_module"))
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):  # fmt: skip
            found.add(node.args[0].value)
    return found


IMPORTS = {
    name: imports_of(path.read_text(encoding="utf-8"), name, path.name == "__init__.py")
    for name, path in MODULES.items()
}


def tops(names: Iterable[str]) -> set[str]:
    return {n.split(".")[0] for n in names}


def capability(module: str, layer: str) -> str | None:
    parts = module.split(".")
    return parts[2] if parts[:2] == ["app", layer] and len(parts) > 2 else None


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import PySide6.QtCore", "PySide6.QtCore"),
        ("from PySide6 import QtCore", "PySide6.QtCore"),
        ("def f():\n    from shiboken6 import isValid", "shiboken6.isValid"),
        ("import importlib\nimportlib.import_module('PySide6.QtGui')", "PySide6.QtGui"),
        ("__import__('PyQt6')", "PyQt6"),
        ("from . import runtime", "app.core.broker.runtime"),
        ("from ..guidance import explain", "app.core.guidance.explain"),
        ("from app.core import broker", "app.core.broker"),
        ("from app.core.broker import runtime", "app.core.broker.runtime"),
    ],
)
def test_every_import_form_is_seen(source: str, expected: str) -> None:
    assert expected in imports_of(source, "app.core.broker.calls")


def test_core_never_imports_qt() -> None:
    offenders = sorted(m for m, i in IMPORTS.items() if m.startswith("app.core") and tops(i) & QT)
    assert offenders == []


def test_only_the_broker_runtime_module_imports_pymsalruntime() -> None:
    importers = {m for m, i in IMPORTS.items() if "pymsalruntime" in tops(i)}
    assert importers == {"app.core.broker.runtime"}


@pytest.mark.parametrize(
    "layer, never",
    [
        ("app.core", ("app.ui", "app.sandbox", "app.cli", "app.selftest", "app.__main__")),
        ("app.sandbox", ("app.ui", "app.core", "app.cli", "app.selftest")),
        ("app.ui", ("app.cli", "app.selftest", "app.__main__")),
    ],
)
def test_layers_import_only_downwards(layer: str, never: tuple[str, ...]) -> None:
    offenders = sorted(
        f"{m} imports {i}"
        for m, imported in IMPORTS.items()
        if m.startswith(layer)
        for i in imported
        if i.startswith(never)
    )
    assert offenders == []


def test_core_capabilities_import_only_what_they_build_on() -> None:
    assert set(CORE) == {p.name for p in (APP / "core").iterdir() if (p / "__init__.py").exists()}
    offenders = sorted(
        f"{m} imports {i}"
        for m, imported in IMPORTS.items()
        if (own := capability(m, "core"))
        for i in imported
        if (other := capability(i, "core")) and other != own and other not in CORE[own]
    )
    assert offenders == []


def test_ui_capabilities_import_only_what_they_build_on() -> None:
    folders = {p.name for p in (APP / "ui").iterdir() if (p / "__init__.py").exists()}
    assert folders == {*UI, "shell"}
    offenders = []
    for m, imported in IMPORTS.items():
        own = capability(m, "ui")
        if own is None or own == "shell":
            continue
        ui_allowed, core_allowed = UI[own]
        for i in imported:
            ui, core = capability(i, "ui"), capability(i, "core")
            if (ui and ui != own and ui not in ui_allowed) or (core and core not in core_allowed):
                offenders.append(f"{m} imports {i}")
    assert offenders == []


def reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        for nxt in graph.get(todo.pop(), set()) - seen:
            if nxt == goal:
                return True
            seen.add(nxt)
            todo.append(nxt)
    return False


def test_the_capability_tables_have_no_cycle() -> None:
    ui = {k: set(v[0]) for k, v in UI.items()}
    for graph in (CORE, ui):
        assert [c for c in graph if reaches(graph, c, c)] == []


def test_no_module_imports_itself_through_others() -> None:
    graph = {m: {i for i in imported if i in MODULES} for m, imported in IMPORTS.items()}
    # A package's __init__ is imported by its modules' import: leave packages out.
    packages = {m for m, p in MODULES.items() if p.name == "__init__.py"}
    graph = {m: deps - packages for m, deps in graph.items() if m not in packages}
    assert sorted(m for m in graph if reaches(graph, m, m)) == []
