"""A configuration: what decides which token the broker gives (client id, authority host,
tenant, MSA passthrough, scopes). A profile holds one, plus what only the app cares about
(its name, whether to try the OS default account). Outcomes are kept per account and
configuration, so two profiles that ask the same thing share their answers.

Plain Python: no Qt, no pymsalruntime.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from app.core.profile import AZURE_DEV_CLIENT_ID, DEFAULT_SCOPES, PUBLIC_CLOUD, Profile

WELL_KNOWN_TENANTS = ("organizations", "common", "consumers")


@dataclass(frozen=True)
class Configuration:
    client_id: str = AZURE_DEV_CLIENT_ID
    authority_host: str = PUBLIC_CLOUD
    tenant: str = "organizations"
    msa_passthrough: bool = False
    scopes: tuple[str, ...] = DEFAULT_SCOPES

    @classmethod
    def of(cls, profile: Profile) -> Configuration:
        return cls(
            profile.client_id,
            profile.authority_host,
            profile.tenant,
            profile.msa_passthrough,
            profile.scopes,
        )

    def profile(self, base: Profile | None = None) -> Profile:
        """A profile that asks exactly this (the broker takes profiles)."""
        return dataclasses.replace(
            base or Profile(name="Configuration"),
            client_id=self.client_id,
            authority_host=self.authority_host,
            tenant=self.tenant,
            msa_passthrough=self.msa_passthrough,
            scopes=self.scopes,
        )

    @property
    def admits_personal(self) -> bool:
        """Whether personal Microsoft accounts can get a token under this configuration."""
        return self.tenant in ("common", "consumers") or self.msa_passthrough

    @property
    def admits_work(self) -> bool:
        return self.tenant != "consumers"

    def describe(self, tenant_names: Mapping[str, str] | None = None) -> str:
        """One line for people: "Contoso · passthrough on · https://storage.azure.com/.default"."""
        tenant = (tenant_names or {}).get(self.tenant, self.tenant)
        passthrough = "passthrough on" if self.msa_passthrough else "passthrough off"
        return f"{tenant} · {passthrough} · {' '.join(self.scopes)}"
