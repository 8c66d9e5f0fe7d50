"""What a log line may show, wherever it goes: the Diagnostics dock and, with --verbose,
stderr. Secrets are always redacted (app.core.tokens.redact); while the PII switch is off,
personal data is scrubbed too (app.core.tokens.pii), with the object ids of the accounts
listed. One Scrubber per process (PROCESS) holds the switch and those ids, so stderr shows a
line as the dock shows it. Plain Python: no Qt and no pymsalruntime.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from app.core.tokens.pii import scrub_pii
from app.core.tokens.redact import redact


class Scrubber:
    """The PII switch (off unless turned on) and the accounts' object ids. Read on any
    thread: each field is replaced whole, never changed in place."""

    def __init__(self) -> None:
        self.pii = False
        self.object_ids: frozenset[str] = frozenset()
        self.home = str(Path.home())

    def scrub(self, text: str) -> str:
        """text as the PII switch lets it be shown (secrets are redacted by clean)."""
        return text if self.pii else scrub_pii(text, self.object_ids, self.home)

    def clean(self, text: str) -> str:
        """Secrets redacted always, then personal data unless the switch is on."""
        return self.scrub(redact(text))

    def know(self, object_ids: Iterable[str]) -> None:
        """Accounts' object ids to scrub wherever they appear (never forgotten: a signed-out
        account's id can still turn up in a later line)."""
        self.object_ids = self.object_ids | {i.lower() for i in object_ids if i}


PROCESS = Scrubber()  # the app's: its Diagnostics dock's and its stderr's


class ScrubbingFormatter(logging.Formatter):
    """A formatter whose every line (message, arguments and traceback) is cleaned."""

    def __init__(self, fmt: str | None = None, scrubber: Scrubber = PROCESS) -> None:
        super().__init__(fmt)
        self.scrubber = scrubber

    def format(self, record: logging.LogRecord) -> str:
        return self.scrubber.clean(super().format(record))
