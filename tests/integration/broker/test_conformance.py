"""Everything the app uses from pymsalruntime exists in the installed package's
PyMsalRuntime.pyi and in the module itself. Read from our source, not listed by hand, so a new
use of the runtime is checked the day it is written."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

RUNTIME_NAMES = {"rt", "runtime", "pymsalruntime"}  # how broker.py refers to the module
NATIVE_SOURCES = [  # where native objects are used (request.py is handed runtime.py's module)
    ROOT / "app/core/broker/runtime.py",
    ROOT / "app/core/broker/request.py",
    ROOT / "app/core/broker/records.py",
]


@pytest.fixture(scope="module")
def runtime():  # type: ignore[no-untyped-def]
    import pymsalruntime

    return pymsalruntime


@pytest.fixture(scope="module")
def stub(runtime) -> dict[str, set[str]]:  # type: ignore[no-untyped-def]
    """Top-level names of the .pyi, and the members of each class in it."""
    pyi = Path(sys.modules["pymsalruntime"].__file__).with_name("PyMsalRuntime.pyi")  # type: ignore[arg-type]
    tree = ast.parse(pyi.read_text())
    names: dict[str, set[str]] = {"": set()}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            names[""].add(node.name)
        elif isinstance(node, ast.ClassDef):
            names[""].add(node.name)
            names[node.name] = {
                getattr(item, "name", None) or item.target.id  # type: ignore[attr-defined]
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AnnAssign)
            }
    return names


def module_attributes_used() -> set[tuple[str, ...]]:
    """rt.X and runtime.X.Y chains in our sources."""
    used: set[tuple[str, ...]] = set()
    for source in NATIVE_SOURCES:
        for node in ast.walk(ast.parse(source.read_text())):
            chain: list[str] = []
            while isinstance(node, ast.Attribute):
                chain.insert(0, node.attr)
                node = node.value
            if isinstance(node, ast.Name) and node.id in RUNTIME_NAMES and chain:
                used.add(tuple(chain[:2]))
    return {c for c in used if not c[0].startswith("_")}


def native_methods_used() -> set[str]:
    """Getter/setter/cancel methods called on native objects (results, accounts, errors)."""
    called: set[str] = set()
    for source in NATIVE_SOURCES:
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Attribute) and (
                node.attr.startswith(("get_", "set_")) or node.attr == "cancel_async_operation"
            ):
                called.add(node.attr)
    return called


def test_module_level_names_exist(stub, runtime):
    used = module_attributes_used()
    assert ("discover_accounts",) in used or any(c[0] == "discover_accounts" for c in used)
    for chain in sorted(used):
        top = chain[0]
        assert top in stub[""], f"{top} is not in PyMsalRuntime.pyi"
        assert hasattr(runtime, top), f"{top} is not in the pymsalruntime module"
        if len(chain) == 2 and top in stub:
            assert chain[1] in stub[top], f"{top}.{chain[1]} is not in PyMsalRuntime.pyi"
            assert hasattr(getattr(runtime, top), chain[1])


def test_native_methods_exist(stub, runtime):
    declared = set().union(*(members for name, members in stub.items() if name))
    used = native_methods_used()
    assert {"get_access_token", "get_account_id", "get_status"} <= used
    missing = sorted(m for m in used if m not in declared and not hasattr(runtime, m))
    assert missing == [], f"not in PyMsalRuntime.pyi: {missing}"
    for cls in ("MSALRuntimeAuthResult", "MSALRuntimeAccount", "MSALRuntimeError"):
        for method in stub[cls] & used:
            assert hasattr(getattr(runtime, cls), method), f"{cls}.{method} missing in module"
