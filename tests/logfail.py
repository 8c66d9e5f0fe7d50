"""Fail a test that logs a warning it did not expect (after qutebrowser's
tests/helpers/logfail.py): an app logger's warning or error is either what a test is about,
and then the test says so with `expect_log`, or it is a bug the test would otherwise hide.

Only the app's own loggers (`app`, `app.*`) are watched: the native runtime (`msalruntime`)
and the SDKs log warnings as routine, which the app's diagnostics show the user anyway.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest


def _ours(record: logging.LogRecord) -> bool:
    return record.name == "app" or record.name.startswith("app.")


class LogFailHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []
        self.expected: list[re.Pattern[str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if _ours(record):
            self.records.append(record)

    def unexpected(self) -> list[str]:
        lines = []
        for record in self.records:
            line = f"{record.name} {record.levelname}: {record.getMessage()}"
            if not any(p.search(line) for p in self.expected):
                lines.append(line)
        return lines


@pytest.fixture(autouse=True)
def logfail(request: pytest.FixtureRequest) -> Iterator[LogFailHandler]:
    handler = LogFailHandler()
    for marker in request.node.iter_markers("expect_log"):
        handler.expected += [re.compile(p) for p in marker.args]
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
    unexpected = handler.unexpected()
    if unexpected:
        pytest.fail("unexpected log lines:\n" + "\n".join(unexpected), pytrace=False)


@pytest.fixture
def expect_log(logfail: LogFailHandler):  # type: ignore[no-untyped-def]
    """expect_log(pattern): a warning matching pattern is what this test is about."""

    def expect(pattern: str) -> None:
        logfail.expected.append(re.compile(pattern))

    return expect
