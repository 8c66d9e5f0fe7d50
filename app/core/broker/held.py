"""The native account objects the broker runtime handed us, kept for the calls that need one.

Holding them spares a read_account_by_id before every silent call and sign-out: measured with
pymsalruntime 0.20.7 against the sandbox, a read costs 13-55 ms and ~19 kB of native memory
the runtime never gives back. Nothing here imports pymsalruntime; the objects are opaque.
"""

from __future__ import annotations

import threading
from typing import Any


class Held:
    """A native account object and the result that owns it (a DiscoverAccountsResult empties
    its accounts list when freed). The owner is let go in __del__, so reference counting
    frees it even when this holder dies in a reference cycle (say, in a traceback's frames):
    a DiscoverAccountsResult the garbage collector clears raises from its __dealloc__."""

    __slots__ = ("account", "owner")

    def __init__(self, owner: Any, account: Any) -> None:
        self.owner = owner
        self.account = account

    def __del__(self) -> None:
        self.owner = None


class HeldAccounts:
    """The native accounts the runtime gave us, by account id. The next listing replaces
    them all; a sign-out drops its account."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[str, Held] = {}

    def get(self, account_id: str) -> Held | None:
        with self._lock:
            return self._held.get(account_id)

    def hold(self, account_id: str, native: Held, replace: bool = True) -> None:
        with self._lock:
            if replace or account_id not in self._held:
                self._held[account_id] = native

    def replace_all(self, owner: Any, accounts: dict[str, Any]) -> None:
        held = {account_id: Held(owner, account) for account_id, account in accounts.items()}
        with self._lock:
            self._held = held

    def drop(self, account_id: str) -> None:
        with self._lock:
            self._held.pop(account_id, None)
