"""Unit tests need no sandbox: no D-Bus, no keyring, no Azurite, and never the native broker
runtime (loading it decides, for the whole process, that no broker answers)."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _never_loads_the_broker_runtime() -> Iterator[None]:
    loaded = "pymsalruntime" in sys.modules
    yield
    if not loaded and "pymsalruntime" in sys.modules:
        pytest.fail("a unit test loaded pymsalruntime: it belongs in tests/integration")
