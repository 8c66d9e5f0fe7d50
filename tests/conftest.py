"""What every test shares: Qt renders offscreen, and a test fails on an app warning it did not
expect (tests/logfail.py).

Unit tests (tests/unit) need nothing else. Integration tests (tests/integration) start the
sandbox when the first of them asks for it (tests/integration/conftest.py).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = ["tests.logfail"]


def pytest_configure(config) -> None:  # type: ignore[no-untyped-def]
    config.addinivalue_line(
        "markers", "expect_log(*patterns): app warnings matching these are what the test is about"
    )
