"""`--list-accounts --tenants`: beside each account, the tenants Azure Resource Manager says it
can reach (named, home or guest), and each tenant's subscriptions with their state, or what
that tenant needs (MFA, consent, a block) and what to do. Each tenant is tried on its own."""

from __future__ import annotations

from collections.abc import Sequence

from app.core.arm.discover import DiscoveryRun
from app.core.arm.records import Discovery, TenantAnswer
from app.core.broker.records import Account
from app.core.broker.runtime import Broker
from app.core.configurations.configuration import Configuration


def discover(broker: Broker, accounts: Sequence[Account], config: Configuration) -> DiscoveryRun:
    """Every account's tenants and subscriptions (storage accounts left out: not printed)."""
    run = DiscoveryRun(list(accounts), config, storage=False)
    run.run(broker)
    return run


def lines(discovery: Discovery | None, said: str = "") -> list[str]:
    """What to print under an account's row (`said`: the reason the row printed already)."""
    if discovery is None:
        return []
    if discovery.outcome is not None and discovery.outcome.token is None:
        o = discovery.outcome
        if o.reason == said:
            return ["    tenants: not listed: no token for Azure Resource Manager either"]
        return [f"    tenants: not listed: {o.label.lower()}: {o.reason}", f"    fix: {o.fix}"]
    if discovery.problem is not None:
        return [f"    tenants: not listed: {discovery.problem.text}"]
    if not discovery.tenants:
        return ["    tenants: none (Azure Resource Manager lists no tenant for this account)"]
    return [line for answer in discovery.tenants for line in _tenant(answer)]


def _tenant(answer: TenantAnswer) -> list[str]:
    t = answer.tenant
    where = "home" if t.home else "guest"
    head = f"    tenant {t.name or '(no name)'} ({t.default_domain or 'no domain'}) {t.id} {where}"
    if answer.problem is not None:
        return [f"{head}: {answer.problem.title}", f"      fix: {answer.problem.fix}"]
    if answer.outcome is not None and answer.outcome.token is None:
        o = answer.outcome
        return [f"{head}: {o.label.lower()}", f"      why: {o.reason}", f"      fix: {o.fix}"]
    rows = [f"{head}: {answer.status}"]
    rows += [f"      subscription {s.name} {s.id} {s.state}" for s in answer.subscriptions]
    return rows


def as_json(discovery: Discovery | None) -> list[dict[str, object]] | None:
    if discovery is None or not discovery.tenants:
        return None if discovery is None or discovery.outcome is None else []
    return [
        {
            "tenantId": a.tenant.id,
            "displayName": a.tenant.name,
            "defaultDomain": a.tenant.default_domain,
            "home": a.tenant.home,
            "status": a.status,
            "problem": a.problem.code if a.problem else None,
            "outcome": a.outcome.kind.value if a.outcome else None,
            "subscriptions": [
                {"subscriptionId": s.id, "displayName": s.name, "state": s.state}
                for s in a.subscriptions
            ],
        }
        for a in discovery.tenants
    ]
