"""The book of outcomes: every answer kept per (account, configuration), none shown for another
configuration.

Plain Python: no Qt, no pymsalruntime.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from app.core.broker.records import Account
from app.core.configurations.configuration import Configuration
from app.core.outcomes.classify import by_rules
from app.core.outcomes.outcome import Outcome


class OutcomeBook:
    """Outcomes per (account, configuration): every answer kept, none shown for another
    configuration. Written on one thread (the GUI's, or the command line's)."""

    def __init__(self) -> None:
        self._outcomes: dict[tuple[str, Configuration], Outcome] = {}

    def put(self, account: Account, config: Configuration, outcome: Outcome) -> None:
        self._outcomes[(account.home_account_id, config)] = outcome

    def get(self, account: Account, config: Configuration) -> Outcome | None:
        return self._outcomes.get((account.home_account_id, config))

    def settle_by_rules(
        self, accounts: Iterable[Account], config: Configuration, names: Mapping[str, str]
    ) -> None:
        """Record what the rules decide for accounts not yet checked under config."""
        for account in accounts:
            if self.get(account, config) is None:
                ruled = by_rules(account, config, names)
                if ruled is not None:
                    self.put(account, config, ruled)

    def forget(self, account: Account, client_id: str) -> None:
        """After a sign-out (which is per client id): its answers under that client are gone."""
        for key in [k for k in self._outcomes if k[0] == account.home_account_id]:
            if key[1].client_id == client_id:
                del self._outcomes[key]

    def __len__(self) -> int:
        return len(self._outcomes)
