"""What Azure Resource Manager says an account can reach: its tenants (named, home or guest),
each tenant's subscriptions (with their state) and each subscription's storage accounts, and
what stood in the way where a tenant or a subscription did not answer.

Plain Python: no Qt, no pymsalruntime, no token text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from app.core.outcomes.outcome import Outcome

ARM = "https://management.azure.com"
ARM_SCOPES = (f"{ARM}/.default",)


@dataclass(frozen=True)
class ArmProblem:
    """ARM's own refusal (its CloudError), explained: what it is and what to do."""

    status: int
    code: str  # AuthorizationFailed, ReadOnlyDisabledSubscription, InvalidAuthenticationToken…
    message: str  # ARM's text
    title: str
    fix: str
    claims: str = ""  # a claims challenge's decoded JSON: a sign-in with these claims helps

    @property
    def text(self) -> str:
        return f"{self.title}: {self.fix} (ARM {self.status} {self.code}: {self.message})"


@dataclass(frozen=True)
class Tenant:
    id: str
    name: str  # ARM's displayName ("" when it has none)
    default_domain: str = ""
    domains: tuple[str, ...] = ()
    category: str = "Home"  # ARM's tenantCategory: Home, ProjectedBy, ManagedBy
    home: bool = False  # the account's home tenant; otherwise a guest here

    @property
    def label(self) -> str:
        """ "Contoso (contoso.example)", or the id when ARM gave no name."""
        if not self.name:
            return self.id
        return f"{self.name} ({self.default_domain})" if self.default_domain else self.name


@dataclass(frozen=True)
class StorageAccount:
    name: str
    id: str  # the resource id
    blob_endpoint: str  # primaryEndpoints.blob: what the blob pane opens
    location: str = ""


@dataclass(frozen=True)
class Subscription:
    id: str
    name: str
    state: str  # Enabled, Disabled, Warned, PastDue, Deleted
    tenant: str
    storage_accounts: tuple[StorageAccount, ...] = ()
    problem: ArmProblem | None = None  # why its storage accounts are not listed
    hidden: bool = False  # the user hid it: its storage accounts were not asked for


@dataclass(frozen=True)
class TenantAnswer:
    """One tenant, tried on its own: the broker's outcome for an ARM token there, then ARM's."""

    tenant: Tenant
    outcome: Outcome | None = None  # the token's (None: not asked, e.g. cancelled)
    subscriptions: tuple[Subscription, ...] = ()
    problem: ArmProblem | None = None  # ARM refused the tenant's listing
    hidden: bool = False  # the user hid it: no token or listing was asked for it

    @property
    def answered(self) -> bool:
        return self.outcome is not None and self.outcome.token is not None and not self.problem

    @property
    def status(self) -> str:
        """A few words: "2 subscriptions", "Needs sign-in", "Blocked", "MFA required"…"""
        if self.hidden:
            return "Hidden (not asked)"
        if self.problem is not None:
            return self.problem.title
        if self.outcome is None:
            return "Not checked"
        if self.outcome.token is None:
            return self.outcome.label
        count = len(self.subscriptions)
        return f"{count} subscription{'s' if count != 1 else ''}"


@dataclass(frozen=True)
class Discovery:
    """Everything found for one account (home_account_id), tenant by tenant."""

    home_account_id: str
    username: str
    outcome: Outcome | None = None  # the ARM token that listed the tenants
    problem: ArmProblem | None = None  # ARM refused GET /tenants
    tenants: tuple[TenantAnswer, ...] = field(default=())
    # each subscription's storage accounts were asked for (False: the matrix's discovery,
    # which needs the tenants only; the Subscriptions window's Refresh lists them)
    storage: bool = True

    def names(self) -> dict[str, str]:
        return {t.tenant.id: t.tenant.name for t in self.tenants if t.tenant.name}

    def offered(self) -> list[tuple[str, str]]:
        """(id, label) of its tenants, as found (home first): what the tenant field offers."""
        return [
            (a.tenant.id, f"{a.tenant.label} · {'home' if a.tenant.home else 'guest'}")
            for a in self.tenants
        ]


def tenant_label(tenant: str, names: Mapping[str, str], with_id: bool = False) -> str:
    """A tenant's name where one is known ("Contoso"), the GUID beside it when asked
    ("Contoso (4c5a…-…)"), else the GUID."""
    name = names.get(tenant)
    if not name:
        return tenant
    return f"{name} ({tenant})" if with_id else name
