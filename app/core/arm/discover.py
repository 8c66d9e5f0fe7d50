"""Discovering what each account reaches in Azure Resource Manager: its tenants, then tenant
by tenant the subscriptions and their storage accounts.

Each tenant is tried on its own, as `az login` does: an ARM token for that tenant from the
broker (silently), then ARM's answer. A tenant that needs MFA, consent or is blocked keeps
that outcome (the broker's, or ARM's claims challenge) and the others still answer. A run is
shared between the worker that asks (one broker call at a time: the session's `run`) and
whoever shows it: answers are appended under a lock, Cancel is checked between calls.

Plain Python: no Qt. azure-mgmt-core is imported by the worker, not when this module is.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.core.arm.choice import ArmChoice
from app.core.arm.records import ARM_SCOPES, Discovery, Subscription, Tenant, TenantAnswer
from app.core.broker.records import Account
from app.core.configurations.configuration import Configuration
from app.core.outcomes.classify import check
from app.core.outcomes.outcome import Outcome

if TYPE_CHECKING:
    from azure.core.pipeline.transport import RequestsTransport

    from app.core.broker.runtime import Broker


def arm_configuration(
    base: Configuration, account: Account, tenant: str | None = None
) -> Configuration:
    """What an ARM token for this account asks: the profile's client id, authority and
    passthrough, ARM's scope, in `tenant` (the account's home tenant by default; `common` for
    a personal account), none of the profile's request options."""
    where = tenant or ("common" if account.personal else account.home_tenant or "organizations")
    return dataclasses.replace(
        base, tenant=where, scopes=ARM_SCOPES, pop=None, force_refresh=False, claims="",
        capabilities=(),
    )  # fmt: skip


@dataclass
class DiscoveryRun:
    accounts: list[Account]
    base: Configuration  # the profile's configuration (client id, authority, passthrough)
    names: dict[str, str] = field(default_factory=dict)  # tenant id -> name, grows as found
    storage: bool = True  # also list each subscription's storage accounts
    # (home account id, tenant) -> the claims a sign-in for that tenant satisfied: its later
    # tokens are asked with them (ARM's claims challenge is answered by that sign-in alone)
    claims: Mapping[tuple[str, str], str] = field(default_factory=dict)
    # home account id -> what the user hid: a hidden tenant is neither asked for a token nor
    # listed, a hidden subscription's storage accounts are not asked for (broker and ARM
    # calls saved); both are still returned, marked hidden, so they can be shown again
    hidden: Mapping[str, ArmChoice] = field(default_factory=dict)
    current: str = ""  # what is being asked now, for people
    calls: int = 0  # broker calls and ARM reads made so far
    _found: dict[str, Discovery] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _cancelled: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def found(self) -> dict[str, Discovery]:
        """What is known so far, by home account id (a copy)."""
        with self._lock:
            return dict(self._found)

    def run(self, broker: Broker) -> dict[str, Discovery]:
        """Every account, one after another (off the GUI thread); returns what was found."""
        from azure.core.pipeline.transport import RequestsTransport

        with RequestsTransport() as transport:
            for account in self.accounts:
                if self.cancelled:
                    break
                self._keep(self._account(broker, account, transport))
        self.current = ""
        return self.found()

    def _keep(self, discovery: Discovery) -> None:
        with self._lock:
            self._found[discovery.home_account_id] = discovery
            self.names.update(discovery.names())

    def _token(self, broker: Broker, account: Account, config: Configuration) -> Outcome:
        self.calls += 1
        return check(broker, account, config, self.names)

    def _account(self, broker: Broker, account: Account, transport: RequestsTransport) -> Discovery:
        from app.core.arm.client import ArmClient, Refused

        empty = Discovery(account.home_account_id, account.username, storage=self.storage)
        self.current = f"{account.username}: its tenants"
        config = arm_configuration(self.base, account)
        outcome = self._token(broker, account, config)
        if outcome.token is None:
            return dataclasses.replace(empty, outcome=outcome)
        token = outcome.token
        try:
            self.calls += 1
            tenants = ArmClient(token.access_token, token.expires_on, transport).tenants(
                account.home_tenant
            )
        except Refused as refused:
            return dataclasses.replace(empty, outcome=outcome, problem=refused.problem)
        self.names.update({t.id: t.name for t in tenants if t.name})
        tenants.sort(key=lambda t: (not t.home, t.name.lower(), t.id))
        answers = []
        hidden = self.hidden.get(account.home_account_id, ArmChoice())
        for tenant in tenants:
            if tenant.id in hidden.tenants:
                answers.append(TenantAnswer(tenant, hidden=True))
                continue
            if self.cancelled:
                answers.append(TenantAnswer(tenant))
                continue
            same = (
                tenant.id == config.tenant
                and (account.home_account_id, tenant.id) not in self.claims
            )
            answers.append(self._tenant(broker, account, tenant, outcome if same else None,
                                        transport))  # fmt: skip
        return dataclasses.replace(empty, outcome=outcome, tenants=tuple(answers))

    def _tenant(
        self,
        broker: Broker,
        account: Account,
        tenant: Tenant,
        outcome: Outcome | None,
        transport: RequestsTransport,
    ) -> TenantAnswer:
        from app.core.arm.client import ArmClient, Refused

        self.current = f"{account.username}: {tenant.name or tenant.id}"
        if outcome is None:
            config = arm_configuration(self.base, account, tenant.id)
            claims = self.claims.get((account.home_account_id, tenant.id), "")
            outcome = self._token(broker, account, dataclasses.replace(config, claims=claims))
        if outcome.token is None:
            return TenantAnswer(tenant, outcome)
        client = ArmClient(outcome.token.access_token, outcome.token.expires_on, transport)
        try:
            self.calls += 1
            subscriptions = client.subscriptions()
        except Refused as refused:
            return TenantAnswer(tenant, outcome, problem=refused.problem)
        listed = []
        hidden = self.hidden.get(account.home_account_id, ArmChoice()).subscriptions
        for subscription in subscriptions:
            if subscription.id in hidden:
                subscription = dataclasses.replace(subscription, hidden=True)
            elif self.storage and not self.cancelled:
                subscription = self._storage(client, subscription)
            listed.append(subscription)
        listed.sort(key=lambda s: (s.name.lower(), s.id))
        return TenantAnswer(tenant, outcome, tuple(listed))

    def _storage(self, client: object, subscription: Subscription) -> Subscription:
        from app.core.arm.client import ArmClient, Refused

        assert isinstance(client, ArmClient)
        self.calls += 1
        try:
            accounts = client.storage_accounts(subscription.id)
        except Refused as refused:
            return dataclasses.replace(subscription, problem=refused.problem)
        return dataclasses.replace(subscription, storage_accounts=tuple(accounts))


def tenant_names(found: Mapping[str, Discovery]) -> dict[str, str]:
    """Every tenant name ARM gave, by id, over all accounts."""
    names: dict[str, str] = {}
    for discovery in found.values():
        names.update(discovery.names())
    return names
