"""A configuration matrix run: each cell asked of the broker silently, one after another.

A run is shared between the worker that asks and whoever shows it (the window's timer, or the
command line): the worker appends answers under a lock and checks for Cancel between cells,
so a cancelled run stops after the cell in flight and keeps every answer it had.

Plain Python: no Qt.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.core.matrix.arm_tenants import not_its_tenant
from app.core.matrix.spec import Cell
from app.core.outcomes.classify import check
from app.core.outcomes.outcome import Outcome

if TYPE_CHECKING:
    from app.core.broker.runtime import Broker


@dataclass
class MatrixRun:
    cells: list[Cell]
    names: Mapping[str, str] = field(default_factory=dict)  # tenant id -> name, for reasons
    # (home account id, tenant) not asked: not one of that account's ARM tenants
    # (app.core.matrix.arm_tenants)
    outside: frozenset[tuple[str, str]] = frozenset()
    why: Mapping[str, str] = field(default_factory=dict)  # home account id -> tenants unknown
    current: Cell | None = None
    done: int = 0
    _answers: list[tuple[Cell, Outcome]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _cancelled: threading.Event = field(default_factory=threading.Event)

    @property
    def total(self) -> int:
        return len(self.cells)

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def take(self) -> list[tuple[Cell, Outcome]]:
        """The answers that arrived since the last take."""
        with self._lock:
            answers, self._answers = self._answers, []
        return answers

    def run(self, broker: Broker) -> int:
        """Ask every cell (off the GUI thread); returns how many were answered."""
        for cell in self.cells:
            if self.cancelled:
                break
            self.current = cell
            if (cell.account.home_account_id, cell.config.tenant) in self.outside:
                why = self.why.get(cell.account.home_account_id, "")
                outcome = not_its_tenant(cell.account, cell.config, self.names, why)
            else:
                outcome = check(broker, cell.account, cell.config, self.names)
            with self._lock:
                self._answers.append((cell, outcome))
                self.done += 1
        self.current = None
        return self.done
