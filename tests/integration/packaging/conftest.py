"""The frozen app, built once per test session by packaging/build.py (the same command CI and
the Windows workflow run), into a temporary folder."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.helpers import ROOT


def load_packaging_module(name: str) -> ModuleType:
    """packaging/ is not a package (it must not shadow PyPI's `packaging`): load by path."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "packaging" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def tools() -> ModuleType:
    return load_packaging_module("bundle_tools")


@pytest.fixture(scope="session")
def build() -> ModuleType:
    return load_packaging_module("build")


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory, tools: ModuleType) -> Path:
    """The onedir folder of the frozen app."""
    dist = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "packaging" / "build.py"),
            "--distpath",
            str(dist),
            "--workpath",
            str(ROOT / "build" / "pyinstaller-test"),
            "--no-self-test",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    folder = dist / tools.EXE_NAME
    assert (folder / tools.EXE_NAME).is_file()
    return folder
