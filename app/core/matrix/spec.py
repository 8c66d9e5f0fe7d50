"""What a configuration matrix tries: accounts × (tenant × MSA passthrough × scope set), its
cells, and what the cells were expected to be.

Plain Python: no Qt.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from app.core.broker.records import Account
from app.core.configurations.configuration import FIELDS, Configuration
from app.core.configurations.request_options import Pop
from app.core.outcomes.outcome import Outcome

ScopeSet = tuple[str, tuple[str, ...]]  # (name, scopes)
_AXES = ("tenant", "msa_passthrough", "scopes")  # the configuration fields a matrix varies


@dataclass(frozen=True)
class MatrixSpec:
    """What to try. Accounts are usernames or home account ids (empty: every account the
    broker lists); a username two accounts share tries both."""

    client_id: str
    authority_host: str
    tenants: tuple[str, ...]
    passthrough: tuple[bool, ...]
    scope_sets: tuple[ScopeSet, ...]
    accounts: tuple[str, ...] = ()
    # Request options every cell asks with (app.core.configurations.request_options).
    pop: Pop | None = None
    force_refresh: bool = False
    claims: str = ""
    capabilities: tuple[str, ...] = ()

    def configurations(self) -> list[Configuration]:
        """In grid order: tenant, then passthrough, then scope set; every other field of a
        configuration is the spec's own (the same names)."""
        common = {f.name: getattr(self, f.name) for f in FIELDS if f.name not in _AXES}
        return [
            Configuration(**common, tenant=tenant, msa_passthrough=passthrough, scopes=scopes)
            for tenant, passthrough, (_, scopes) in itertools.product(
                self.tenants, self.passthrough, self.scope_sets
            )
        ]

    def scope_set_name(self, config: Configuration) -> str:
        return next((n for n, s in self.scope_sets if s == config.scopes), " ".join(config.scopes))

    def pick(self, listed: Sequence[Account]) -> tuple[list[Account], list[str]]:
        """The accounts to try, in a stable order, and the wanted accounts nobody listed."""
        ordered = sorted(listed, key=lambda a: (a.username.lower(), a.home_account_id))
        if not self.accounts:
            return ordered, []
        chosen: dict[str, Account] = {}
        missing = []
        for wanted in self.accounts:
            hits = [a for a in ordered if names(a, wanted)]
            chosen.update((a.home_account_id, a) for a in hits)
            if not hits:
                missing.append(wanted)
        return list(chosen.values()), missing


def names(account: Account, wanted: str) -> bool:
    """Whether a matrix file's account (a username or a home account id) names this one."""
    return wanted.casefold() in (account.username.casefold(), account.home_account_id.casefold())


@dataclass(frozen=True)
class Cell:
    account: Account
    config: Configuration


def cells(accounts: Sequence[Account], configs: Sequence[Configuration]) -> list[Cell]:
    """Row by row: each configuration for every account."""
    return [Cell(a, c) for c in configs for a in accounts]


@dataclass(frozen=True)
class Expectation:
    """An expected outcome for every cell it matches (None matches anything): per cell, per
    account, per configuration. `outcome` is a kind (token, interaction, not-usable,
    blocked, failed) or a code (AADSTS50020, InteractionRequired)."""

    outcome: str
    line: int
    account: str | None = None
    tenant: str | None = None
    passthrough: bool | None = None
    scopes: str | None = None  # a scope set's name

    def matches(self, cell: Cell, spec: MatrixSpec) -> bool:
        c = cell.config
        return (
            (self.account is None or names(cell.account, self.account))
            and (self.tenant is None or self.tenant.lower() == c.tenant)
            and (self.passthrough is None or self.passthrough == c.msa_passthrough)
            and (self.scopes is None or self.scopes == spec.scope_set_name(c))
        )

    def met_by(self, outcome: Outcome) -> bool:
        want = self.outcome.lower()
        return want in (outcome.kind.value, outcome.code.lower())


@dataclass(frozen=True)
class Miss:
    cell: Cell
    expectation: Expectation
    outcome: Outcome


def misses(
    spec: MatrixSpec, answers: Sequence[tuple[Cell, Outcome]], expected: Sequence[Expectation]
) -> list[Miss]:
    return [
        Miss(cell, e, outcome)
        for cell, outcome in answers
        for e in expected
        if e.matches(cell, spec) and not e.met_by(outcome)
    ]
