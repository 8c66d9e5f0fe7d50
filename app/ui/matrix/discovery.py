"""The matrix run's first step where the tenant choice is "Every ARM tenant of these accounts":
the chosen accounts' ARM tenants that are not known yet, discovered on the session's worker
(one broker call at a time, no storage accounts listed) before any cell is asked. What it
found joins the session's (shared with View ▸ Subscriptions, which shows it without asking)
and its tenant names the session's names; a Cancel or a failure asks nothing. The window shows
its progress and runs the cells once it is done (app.core.matrix.arm_tenants turns the choice
into tenant rows)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from app.core.accounts.session import AccountsSession
from app.core.arm.discover import DiscoveryRun
from app.core.arm.records import Discovery
from app.core.broker.records import Account
from app.core.configurations.configuration import Configuration
from app.core.matrix.arm_tenants import EVERY_ARM_TENANT, missing

LABEL = "Discovering the accounts' ARM tenants"


class TenantDiscovery:
    def __init__(
        self,
        session: AccountsSession,
        names: Mapping[str, str],
        found: Callable[[], None],
        stopped: Callable[[str], None],
    ) -> None:
        self.session = session
        self.names = names  # the session's, shared with the accounts list and the inspector
        self.found = found  # told once what it found is kept: the run can start
        self.stopped = stopped  # told why it ended without finding (nothing was asked)
        self.run: DiscoveryRun | None = None  # while it runs

    def needed(self, tenants: Sequence[str], accounts: Sequence[Account]) -> list[Account]:
        """The accounts to discover before a run of these tenants (none without the choice)."""
        if EVERY_ARM_TENANT not in tenants:
            return []
        return missing(accounts, self.session.arm_found)

    def start(self, accounts: list[Account]) -> bool:
        """On the session's worker; False (nothing started) while another broker call runs."""
        base = Configuration.of(self.session.profile)
        run = DiscoveryRun(accounts, base, dict(self.names), storage=False)
        broker = self.session.broker
        if not self.session.run(LABEL, lambda: run.run(broker), self._done, self._failed):
            return False
        self.run = run
        return True

    def progress(self) -> str:
        run = self.run
        if run is None:
            return ""
        return f"{LABEL} first ({run.calls} calls so far): {run.current or 'starting'}"

    def cancel(self) -> bool:
        """Stop now, asking nothing; False when it was not running."""
        run = self.run
        if run is None:
            return False
        run.cancel()
        self.session.cancel()
        self.run = None
        self.stopped("Cancelled while discovering the accounts' ARM tenants: nothing asked.")
        return True

    def _done(self, found: dict[str, Discovery]) -> None:
        run = self.run
        self.run = None
        if run is None:  # cancelled
            return
        self.session.arm_found.update(found)
        if isinstance(self.names, dict):
            self.names.update(run.names)
        self.found()

    def _failed(self, error: BaseException) -> None:
        if self.run is None:  # cancelled
            return
        self.run = None
        self.stopped(
            f"Discovering the accounts' ARM tenants stopped: {type(error).__name__}. "
            "Nothing was asked; untick “Every ARM tenant” or try again."
        )
