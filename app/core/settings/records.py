"""The accounts the app remembers per profile: azure-identity's AuthenticationRecord fields
(identifiers, never a secret), written in the same JSON.

Plain Python: no Qt, no pymsalruntime, and not azure-identity either (importing it costs ~150 ms
of start-up when the settings file is read).
"""

from __future__ import annotations

import json
import reprlib
from dataclasses import astuple, dataclass

from app.core.broker.records import Account
from app.core.configurations.profile import Profile


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
