"""An outcome: the broker's answer for one account under one configuration (a token, needs
interaction, not usable here, blocked, failed), with why and what to do; and what a token
says that matters for comparing configurations.

Plain Python: no Qt, no pymsalruntime.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from app.core.broker.records import CONSUMERS_TENANT, MSA_PASSTHROUGH_TENANT, Account, TokenResult
from app.core.guidance.advice import trace
from app.core.tokens.jwt import TokenDecodeError, decode_jwt, split_pop


class Kind(Enum):
    TOKEN = "token"
    INTERACTION = "interaction"
    NOT_USABLE = "not-usable"
    BLOCKED = "blocked"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def word(self) -> str:
        """The short word a matrix cell shows."""
        return _WORDS[self]


_LABELS = {
    Kind.TOKEN: "Token",
    Kind.INTERACTION: "Needs sign-in",
    Kind.NOT_USABLE: "Not usable here",
    Kind.BLOCKED: "Blocked",
    Kind.FAILED: "Failed",
}
_WORDS = {
    Kind.TOKEN: "Token",
    Kind.INTERACTION: "Sign in",
    Kind.NOT_USABLE: "Not usable",
    Kind.BLOCKED: "Blocked",
    Kind.FAILED: "Failed",
}
NOT_CHECKED = "Not checked"
NOT_ASKED = "·"  # a matrix cell not asked yet


@dataclass(frozen=True)
class TokenFacts:
    """What a token says that matters for comparing configurations (decoded for display,
    never verified). No token text."""

    tenant: str | None  # the token's tid: where it was issued
    home_tenant: str
    guest: bool  # issued in a tenant that is not the account's home
    audience: str | None
    scopes: tuple[str, ...]  # scp, or roles: what was granted, not what was asked
    expires_on: int
    claims: Mapping[str, object] = field(default_factory=dict)  # the ones worth comparing
    pop: bool = False  # a proof-of-possession token
    from_cache: bool = False  # the runtime's cache answered, not the broker


# Claims worth showing side by side and exporting: who (the ID token's names: the access
# token's may lack them), tenant, app, grant, lifetime.
COMPARED_CLAIMS = (
    "name", "preferred_username", "upn", "unique_name", "oid", "tid", "sub",
    "aud", "iss", "idtyp", "ver", "appid", "azp", "scp", "roles",
    "amr", "acr", "acrs", "xms_cc", "cnf", "iat", "nbf", "exp",
)  # fmt: skip


def token_facts(account: Account, result: TokenResult) -> TokenFacts:
    claims: dict[str, object] = {}
    access = result.access_token
    if result.pop:  # the signed request wraps the access token
        with contextlib.suppress(TokenDecodeError):
            access = split_pop(access)[1]
    for jwt in (result.id_token, access):  # the access token's claims win
        try:
            claims.update(decode_jwt(jwt).claims)
        except TokenDecodeError:  # personal accounts' access tokens may be opaque
            continue
    tenant = claims.get("tid") if isinstance(claims.get("tid"), str) else None
    home = account.home_tenant
    scopes_claim = claims.get("scp") or claims.get("roles")
    if isinstance(scopes_claim, str):
        scopes = tuple(scopes_claim.split())
    elif isinstance(scopes_claim, list):
        scopes = tuple(str(s) for s in scopes_claim)
    else:
        scopes = result.granted_scopes
    aud = claims.get("aud")
    return TokenFacts(
        tenant=str(tenant) if tenant else None,
        home_tenant=home,
        guest=bool(tenant) and tenant not in (home, CONSUMERS_TENANT, MSA_PASSTHROUGH_TENANT),
        audience=aud if isinstance(aud, str) else None,
        scopes=scopes,
        expires_on=result.expires_on,
        claims={k: claims[k] for k in COMPARED_CLAIMS if k in claims},
        pop=result.pop,
        from_cache=result.from_cache,
    )


@dataclass(frozen=True)
class Outcome:
    kind: Kind
    code: str  # "AADSTS50020", "InteractionRequired", "Timeout", "Rules", "Token"...
    title: str  # what it is, in a few words
    reason: str  # why, for this account under this configuration
    fix: str  # what to do
    asked: bool = True  # False: Entra ID's rules decided it without asking the broker
    facts: TokenFacts | None = None
    # False: it needs a sign-in the broker cannot show in this session (broker/limits.py)
    can_sign_in: bool = True
    token: TokenResult | None = field(default=None, repr=False, compare=False)
    at: float = field(default_factory=time.time, compare=False)  # when it was asked
    correlation_id: str = field(default="", compare=False)  # the broker call's, if one

    @property
    def trace(self) -> str:
        """The call's correlation id and time, as az CLI prints them ("" when not asked)."""
        return trace(self.correlation_id, self.at)

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def needs_interaction(self) -> bool:
        """Whether "Sign in again" is the fix, and can be offered here."""
        return self.kind is Kind.INTERACTION and self.can_sign_in
