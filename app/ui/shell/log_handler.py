"""The log handler behind the Diagnostics dock: thread-safe, and nothing in it touches Qt.

Records arrive on any thread (native callback threads, the worker pool); each is formatted,
its secrets redacted (app.core.tokens.redact) and, while the PII switch is off, its personal
data scrubbed (app.core.tokens.pii), then kept under the handler's lock for the dock's timer
to take on the GUI thread and for "Save diagnostics".
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Iterable

from app.core.tokens.scrubbing import Scrubber

MAX_LINES = 5000
LOGGERS = ("app", "msal", "msalruntime", "azure")
# Loggers held to a level while attached: azure-core's HTTP logging policy dumps every
# request's and response's headers at INFO (tens of lines a blob listing), which filled the
# dock within minutes under "All"; its warnings still come.
QUIETED = {"azure.core.pipeline.policies.http_logging_policy": logging.WARNING}


class QtLogHandler(logging.Handler):
    """Thread-safe: formats and redacts on the logging thread; the GUI thread calls take().

    Entries are (level, source, text): source is the top-level logger name ("msal" for
    "msal.application"), text the formatted, redacted record, scrubbed of personal data
    unless `pii` is on.
    """

    def __init__(self, max_lines: int = MAX_LINES, scrubber: Scrubber | None = None) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(
            logging.Formatter(
                "%(asctime)s.%(msecs)03d %(levelname)-8s %(name)s: %(message)s",
                "%Y-%m-%d %H:%M:%S",
            )
        )
        self.buffer: deque[str] = deque(maxlen=max_lines)  # for saving
        self.pending: deque[tuple[int, str, str]] = deque(maxlen=max_lines)  # not yet shown
        self._levels: dict[str, int] = {}
        self._quieted: dict[str, int] = {}
        self._attach_lock = threading.Lock()
        # The PII switch and the accounts' object ids: the app's (shared with stderr's
        # formatter, app/__main__.py), or this handler's own.
        self.scrubber = scrubber or Scrubber()
        self.scrubber.pii = False  # a new dock starts with its switch off

    @property
    def pii(self) -> bool:
        return self.scrubber.pii

    @property
    def object_ids(self) -> frozenset[str]:
        return self.scrubber.object_ids

    def scrub(self, text: str) -> str:
        """text as the PII switch lets it be shown (secrets are always redacted)."""
        return self.scrubber.scrub(text)

    def emit(self, record: logging.LogRecord) -> None:  # called under self.lock
        try:
            text = self.scrubber.clean(self.format(record))
            self.buffer.append(text)
            self.pending.append((record.levelno, record.name.partition(".")[0], text))
        except Exception:
            self.handleError(record)

    def lines(self) -> list[str]:
        """A snapshot of the buffered lines, oldest first (safe while others log)."""
        with self.lock:  # type: ignore[union-attr]
            return list(self.buffer)

    def take(self) -> list[tuple[int, str, str]]:
        """The entries logged since the last call, oldest first."""
        with self.lock:  # type: ignore[union-attr]
            taken = list(self.pending)
            self.pending.clear()
        return taken

    def clear(self) -> None:
        with self.lock:  # type: ignore[union-attr]
            self.buffer.clear()
            self.pending.clear()

    def know(self, object_ids: Iterable[str]) -> None:
        """Accounts' object ids to scrub wherever they appear (those of every account listed;
        never forgotten: a signed-out account's id can still turn up in a later line)."""
        self.scrubber.know(object_ids)

    def set_pii(self, on: bool) -> None:
        """Turned off, the lines kept so far are scrubbed too."""
        with self.lock:  # type: ignore[union-attr]
            self.scrubber.pii = on
            if not on:
                scrubbed = [self.scrub(text) for text in self.buffer]
                self.buffer.clear()
                self.buffer.extend(scrubbed)
                pending = [(lvl, src, self.scrub(text)) for lvl, src, text in self.pending]
                self.pending.clear()
                self.pending.extend(pending)

    def attach(self, names: tuple[str, ...] = LOGGERS) -> None:
        with self._attach_lock:
            for name in names:
                target = logging.getLogger(name)
                if self not in target.handlers:
                    self._levels[name] = target.level
                    target.addHandler(self)
                    target.setLevel(logging.DEBUG)
            for name, level in QUIETED.items():
                if name not in self._quieted and name.startswith(names):
                    self._quieted[name] = logging.getLogger(name).level
                    logging.getLogger(name).setLevel(level)

    def detach(self) -> None:
        with self._attach_lock:
            for name, level in self._levels.items():
                target = logging.getLogger(name)
                target.removeHandler(self)
                target.setLevel(level)
            self._levels.clear()
            for name, level in self._quieted.items():
                logging.getLogger(name).setLevel(level)
            self._quieted.clear()
