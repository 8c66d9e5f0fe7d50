"""What the app keeps of a broker account and of a token: plain immutable values.

The native MSALRuntimeAccount dies with its result object (a DiscoverAccountsResult empties
its list when freed), so every field is copied out at once, inside the callback.
"""

from __future__ import annotations

import json
import reprlib
import time
from dataclasses import astuple, dataclass, field
from typing import TYPE_CHECKING, ClassVar, Protocol

if TYPE_CHECKING:
    from app.core.profile import Profile

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

    @property
    def source(self) -> str:
        return "the runtime's cache" if self.from_cache else "the broker"

    def expires_in(self, now: float | None = None) -> int:
        return int(self.expires_on - (time.time() if now is None else now))


@dataclass(frozen=True)
class AccountRecord:
    """An account to remember: what azure-identity's AuthenticationRecord holds (identifiers,
    no secrets) and the same JSON, without importing azure-identity, which costs ~150 ms of
    start-up when the settings file is read."""

    authority: str  # host only, e.g. login.microsoftonline.com
    client_id: str
    home_account_id: str
    tenant_id: str
    username: str

    KEYS = ("authority", "clientId", "homeAccountId", "tenantId", "username")
    VERSION = "1.0"  # azure-identity's

    def serialize(self) -> str:
        fields = dict(zip(self.KEYS, astuple(self), strict=True))  # KEYS are in field order
        return json.dumps({**fields, "version": self.VERSION})

    @classmethod
    def deserialize(cls, text: str) -> AccountRecord:
        """ValueError unless text is a JSON object with every key as a text value."""
        return cls.from_json(json.loads(text))

    @classmethod
    def from_json(cls, raw: object) -> AccountRecord:
        """The record in a decoded JSON value; ValueError as for deserialize."""
        if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str) for k in cls.KEYS):
            raise ValueError(f"an account record needs the text fields {', '.join(cls.KEYS)}")
        if raw.get("version") != cls.VERSION:
            version = reprlib.repr(raw.get("version"))  # cut short: it may be megabytes
            raise ValueError(f"its version is {version}; this app reads {cls.VERSION}")
        return cls(*(raw[k] for k in cls.KEYS))

    @classmethod
    def for_account(cls, account: Account, profile: Profile) -> AccountRecord:
        """The record of a broker account; the same as azure-identity-broker's sign-in stores."""
        return cls(
            authority=profile.authority_host.removeprefix("https://"),
            client_id=profile.client_id,
            home_account_id=account.home_account_id,
            tenant_id=account.realm or profile.tenant,
            username=account.username,
        )
