"""The matrix's "every ARM tenant of these accounts" choice: the tenants Azure Resource
Manager lists for the chosen accounts (app.core.arm.discover), as tenant rows.

The choice made: each account is asked only in its own ARM tenants. A cell of an account and
a tenant ARM did not list for it is not asked; it shows "not one of this account's tenants"
(its own code, exported as such). Why: a tester choosing "every tenant of these accounts"
asks "what does each account get where it belongs?"; asking an account in another account's
tenant answers the same AADSTS50020 (user not in tenant) every time, costs a broker call per
cell, and buries the answers that matter. Asking across is still one click away: tick or type
that tenant as its own row, and every account is asked in it.

Plain Python: no Qt.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from app.core.arm.records import Discovery, tenant_label
from app.core.broker.records import Account
from app.core.configurations.configuration import Configuration
from app.core.outcomes.outcome import Kind, Outcome

EVERY_ARM_TENANT = "arm:every"  # the tenant choice standing for every ARM tenant of them
NOT_ITS_TENANT = "NotThisAccountsTenant"  # the code of a cell outside an account's tenants
TENANTS_UNKNOWN = "ArmTenantsUnknown"  # an account whose ARM discovery failed
NOT_ITS_TENANT_WORD = "Not its tenant"  # what such a cell shows (grid, Markdown, CSV)


@dataclass(frozen=True)
class Expanded:
    tenants: tuple[str, ...]  # the chosen tenants, the ARM tenants in place of the choice
    outside: frozenset[tuple[str, str]]  # (home account id, tenant) not to ask
    unknown: tuple[str, ...]  # why an account's tenants are not known, one line each
    # home account id -> why its ARM tenants are not known: its cells outside the tenants
    # chosen themselves say that, not "not its tenant"
    why: Mapping[str, str] = field(default_factory=dict)


def missing(accounts: Sequence[Account], found: Mapping[str, Discovery]) -> list[Account]:
    """The accounts whose ARM tenants are not known yet."""
    return [a for a in accounts if a.home_account_id not in found]


def why_unknown(discovery: Discovery, names: Mapping[str, str]) -> str | None:
    """Why ARM listed no tenant for this account, or None when it listed some."""
    if discovery.tenants:
        return None
    if discovery.problem is not None:
        return f"{discovery.username}: ARM refused its tenants — {discovery.problem.text}"
    outcome = discovery.outcome
    if outcome is not None and outcome.token is None:
        return (
            f"{discovery.username}: no ARM token to list its tenants — {outcome.title}: "
            f"{outcome.fix}"
        )
    if outcome is None:
        return f"{discovery.username}: its tenants were not asked (cancelled)."
    return f"{discovery.username}: ARM lists no tenant for it."


def expand(
    chosen: Sequence[str],
    accounts: Sequence[Account],
    found: Mapping[str, Discovery],
    names: Mapping[str, str],
) -> Expanded:
    """The tenant axis with the choice replaced by the accounts' ARM tenants (home first, then
    by name), each account asked only in its own; tenants chosen themselves ask everyone."""
    if EVERY_ARM_TENANT not in chosen:
        return Expanded(tuple(chosen), frozenset(), ())
    own = [t for t in chosen if t != EVERY_ARM_TENANT]
    reach: dict[str, set[str]] = {}
    arm: list[str] = []
    unknown: dict[str, str] = {}
    for account in accounts:
        discovery = found.get(account.home_account_id)
        if discovery is None:
            unknown[account.home_account_id] = f"{account.username}: its tenants were not found."
            continue
        why = why_unknown(discovery, names)
        if why:
            unknown[account.home_account_id] = why
        ids = [a.tenant.id for a in discovery.tenants]
        reach[account.home_account_id] = set(ids)
        arm.extend(ids)
    added = [t for t in dict.fromkeys(arm) if t not in own]
    outside = frozenset(
        (a.home_account_id, t)
        for t in added
        for a in accounts
        if t not in reach.get(a.home_account_id, set())
    )
    return Expanded((*own, *added), outside, tuple(unknown.values()), unknown)


def not_its_tenant(
    account: Account, config: Configuration, names: Mapping[str, str], why: str = ""
) -> Outcome:
    """A cell not asked: ARM does not list this tenant for this account, or (why) could not
    say which tenants it has."""
    where = tenant_label(config.tenant, names, with_id=True)
    if why:
        return Outcome(
            Kind.FAILED,
            TENANTS_UNKNOWN,
            "This account's ARM tenants are not known",
            f"{why} So {where} was not asked for it.",
            "Open View ▸ Subscriptions and storage accounts for this account's details, or "
            "tick or type the tenant as its own row to ask it there anyway.",
            asked=False,
            can_sign_in=False,
        )
    return Outcome(
        Kind.NOT_USABLE,
        NOT_ITS_TENANT,
        "Not one of this account's tenants",
        f"Azure Resource Manager does not list {where} among the tenants {account.username} "
        "can reach (home or guest), so this cell was not asked.",
        "To ask it anyway, tick or type this tenant as its own row: every account is asked "
        "there. To reach it, the tenant's admin invites the account as a guest.",
        asked=False,
        can_sign_in=False,
    )


def cell_word(outcome: Outcome) -> str:
    """The short word a matrix cell shows: its kind's, or "Not its tenant"."""
    return NOT_ITS_TENANT_WORD if outcome.code == NOT_ITS_TENANT else outcome.kind.word


def decided_by(outcome: Outcome) -> str:
    """Who decided a cell that was not asked: ARM's tenant list, or Entra ID's rules."""
    if outcome.code in (NOT_ITS_TENANT, TENANTS_UNKNOWN):
        return "ARM's tenants for this account"
    return "Entra ID's rules"
