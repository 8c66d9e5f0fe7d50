"""What the app keeps of a broker account and of a token: plain immutable values.

The native MSALRuntimeAccount dies with its result object (a DiscoverAccountsResult empties
its list when freed), so every field is copied out at once, inside the callback.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

# Microsoft accounts (personal) live in this tenant; MSA passthrough sign-ins come back with
# the passthrough tenant as their realm.
CONSUMERS_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"
MSA_PASSTHROUGH_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"


class NativeAccount(Protocol):
    """The getters of pymsalruntime's MSALRuntimeAccount that we read (see PyMsalRuntime.pyi)."""

    def get_account_id(self) -> str: ...
    def get_home_account_id(self) -> str: ...
    def get_user_name(self) -> str: ...
    def get_display_name(self) -> str: ...
    def get_given_name(self) -> str: ...
    def get_family_name(self) -> str: ...
    def get_realm(self) -> str: ...
    def get_environment(self) -> str: ...


@dataclass(frozen=True)
class Account:
    account_id: str
    home_account_id: str
    username: str
    display_name: str
    realm: str
    environment: str

    @property
    def home_tenant(self) -> str:
        return self.home_account_id.rpartition(".")[2]

    @property
    def personal(self) -> bool:
        """A Microsoft account (outlook.com, hotmail.com…) rather than a work or school one."""
        return CONSUMERS_TENANT in (self.home_tenant, self.realm)

    @property
    def object_ids(self) -> tuple[str, str]:
        """The ids that name this person (local and home object ids): personal data to
        scrub from logs while PII logging is off."""
        return self.account_id, self.home_account_id.partition(".")[0]

    @property
    def kind(self) -> str:
        return "Personal" if self.personal else "Work or school"

    @classmethod
    def from_native(cls, native: NativeAccount) -> Account:
        name = native.get_display_name() or " ".join(
            part for part in (native.get_given_name(), native.get_family_name()) if part
        )
        return cls(
            account_id=native.get_account_id(),
            home_account_id=native.get_home_account_id(),
            username=native.get_user_name(),
            display_name=name or native.get_user_name(),
            realm=native.get_realm(),
            environment=native.get_environment(),
        )


def shared_usernames(accounts: Sequence[Account]) -> set[str]:
    """The usernames (casefolded) more than one account has: a personal and a work account
    made with one e-mail address (Azure CLI's "Found multiple accounts with the same
    username"). Brokers tell such accounts apart by id; people by kind and tenant."""
    counts = Counter(a.username.casefold() for a in accounts)
    return {username for username, n in counts.items() if n > 1}


def distinct_labels(accounts: Sequence[Account], short: bool = False) -> list[str]:
    """A label per account that tells it from the others listed with it: the username (short:
    the part before the @, unless another username has that part too); where two accounts
    share the username, its kind (personal or work), and its home tenant if still alike."""
    local = Counter(u.split("@")[0] for u in {a.username.casefold() for a in accounts})
    shared = shared_usernames(list({a.home_account_id: a for a in accounts}.values()))
    labels = []
    for a in accounts:
        name = a.username.split("@")[0]
        label = name if short and local[name.casefold()] == 1 else a.username
        if a.username.casefold() in shared:
            label += " (personal)" if a.personal else " (work)"
        labels.append(label)
    alike = Counter(labels)
    return [f"{label[:-1]}, tenant {a.home_tenant})" if alike[label] > 1 and label.endswith(")")
            else label for label, a in zip(labels, accounts, strict=True)]  # fmt: skip


def same_account(a: Account, b: Account) -> bool:
    """Whether two records are one account: by home account id, or by username where either
    has no id (a broker answer can carry the tenant it was issued in as its realm, so the
    realm is not compared)."""
    if a.home_account_id and b.home_account_id:
        return a.home_account_id == b.home_account_id
    return a.username.casefold() == b.username.casefold()


@dataclass(frozen=True)
class AccountListing:
    """The accounts a listing returned, and whether they came from the broker.

    When the broker is gone, or after it failed (the runtime then holds off asking it for
    about two minutes, measured with 0.20.7), the runtime still reports success with the
    accounts in its own cache. `unreachable` then says why the list may be out of date: the
    D-Bus error met ("ServiceUnknown": the broker is not running), or CACHE_ONLY.
    """

    CACHE_ONLY: ClassVar[str] = "cache-only"

    accounts: list[Account]
    unreachable: str | None = None


@dataclass(frozen=True)
class TokenResult:
    """A token the broker gave us. Token strings are kept out of repr so they never reach a
    log line or a traceback by accident."""

    account: Account
    access_token: str = field(repr=False)  # for PoP: the signed HTTP request (SHR)
    id_token: str = field(repr=False)
    expires_on: int  # epoch seconds
    granted_scopes: tuple[str, ...]
    pop: bool = False  # a proof-of-possession token: sent as "pop <SHR>"
    from_cache: bool = False  # the runtime's own cache answered, not the broker
    correlation_id: str = ""  # the id the call was sent with (Entra ID's sign-in logs show it)
    at: float = 0.0  # when it was asked (epoch seconds)

    @property
    def source(self) -> str:
        return "the runtime's cache" if self.from_cache else "the broker"

    def expires_in(self, now: float | None = None) -> int:
        return int(self.expires_on - (time.time() if now is None else now))
