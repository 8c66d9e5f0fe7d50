"""A configuration: what decides which token the broker gives (client id, authority host,
tenant, MSA passthrough, scopes, and the request options: proof-of-possession, force
refresh, a claims challenge, client capabilities). A profile holds one, plus what only the
app or an interactive call cares about (its name, the OS default account, a login hint).
Outcomes are kept per account and configuration, so two profiles that ask the same thing
share their answers.

Plain Python: no Qt, no pymsalruntime.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from app.core.configurations.profile import (
    AZURE_DEV_CLIENT_ID,
    DEFAULT_SCOPES,
    PUBLIC_CLOUD,
    Profile,
)
from app.core.configurations.request_options import Pop

WELL_KNOWN_TENANTS = ("organizations", "common", "consumers")


@dataclass(frozen=True)
class Configuration:
    client_id: str = AZURE_DEV_CLIENT_ID
    authority_host: str = PUBLIC_CLOUD
    tenant: str = "organizations"
    msa_passthrough: bool = False
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    pop: Pop | None = None
    force_refresh: bool = False
    claims: str = ""  # a claims challenge, decoded JSON
    capabilities: tuple[str, ...] = ()

    @classmethod
    def of(cls, profile: Profile) -> Configuration:
        return cls(**{f.name: getattr(profile, _PROFILE_FIELD.get(f.name, f.name)) for f in FIELDS})

    def profile(self, base: Profile | None = None) -> Profile:
        """A profile that asks exactly this (the broker takes profiles)."""
        values = {_PROFILE_FIELD.get(f.name, f.name): getattr(self, f.name) for f in FIELDS}
        pop = values.pop("pop")
        return dataclasses.replace(
            base or Profile(name="Configuration"),
            **values,
            pop_method=pop.method if pop else "",
            pop_url=pop.url if pop else "",
            pop_nonce=pop.nonce if pop else "",
        )

    @property
    def options(self) -> str:
        """The request options in use, for people ("" when none)."""
        pop = self.pop
        used = [
            f"PoP {pop.method} {pop.url}" if pop else "",
            "force refresh" if self.force_refresh else "",
            f"capabilities {' '.join(self.capabilities)}" if self.capabilities else "",
            "claims challenge" if self.claims else "",
        ]
        return ", ".join(u for u in used if u)

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
        options = f" · {self.options}" if self.options else ""
        return f"{tenant} · {passthrough} · {' '.join(self.scopes)}{options}"


FIELDS = dataclasses.fields(Configuration)
"""What decides a token, declared once: everything that builds or reads a configuration field
by field (a profile, a matrix spec, exports) goes through these."""
# The profile's name for a configuration field, where the two differ (a profile keeps PoP as
# three fields, read together as its `pop`).
_PROFILE_FIELD = {"capabilities": "client_capabilities"}
