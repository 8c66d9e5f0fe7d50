"""Outcomes: the broker's answer for one account under one configuration, with why and what
to do, and the book that keeps them per (account, configuration).

The classification looks at the account's kind and the configuration before any generic
advice: a work account under `consumers` is "not usable here", never "sign in again", whatever
the runtime says. What Entra ID's rules decide without asking (a personal account without
MSA passthrough, a work account under consumers) is not asked of the broker at all, and the
outcome says so.

Plain Python: no Qt; the broker is reached through `app.core.broker.Broker` only.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from app.core import guidance
from app.core.accounts import CONSUMERS_TENANT, MSA_PASSTHROUGH_TENANT, Account, TokenResult
from app.core.broker_guidance import NOT_BROKERED
from app.core.configuration import Configuration
from app.core.errors import BrokerError
from app.core.tokens import TokenDecodeError, decode_jwt, split_pop

if TYPE_CHECKING:
    from app.core.broker import Broker


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

# AADSTS codes that say this account cannot use this configuration at all (no sign-in helps).
_NOT_USABLE = frozenset({50020, 50034, 90072, 90002, 700016, 500011, 50194})
# ... that say a policy or an administrator stands in the way.
_BLOCKED = frozenset({53003, 50005, 530003, 50057, 50053, 50105})
_NOT_USABLE_STATUSES = frozenset({"IncorrectConfiguration", "AuthorityUntrusted", "NotBrokered"})
_BLOCKED_STATUSES = frozenset({"DeviceNotRegistered"})


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


# Claims worth showing side by side and exporting: identity, tenant, app, grant, lifetime.
COMPARED_CLAIMS = (
    "aud", "iss", "tid", "oid", "sub", "idtyp", "ver", "appid", "azp", "scp", "roles",
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
    token: TokenResult | None = field(default=None, repr=False, compare=False)
    at: float = field(default_factory=time.time, compare=False)

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def needs_interaction(self) -> bool:
        return self.kind is Kind.INTERACTION


def _tenant(tenant: str | None, names: Mapping[str, str]) -> str:
    return names.get(tenant or "", tenant or "unknown")


def by_rules(
    account: Account, config: Configuration, names: Mapping[str, str] | None = None
) -> Outcome | None:
    """What Entra ID's rules decide for this account's kind without asking the broker."""
    names = names or {}
    if account.personal and not config.admits_personal:
        return Outcome(
            Kind.NOT_USABLE,
            "Rules",
            "Personal account under a work-only tenant",
            f"{account.username} is a personal Microsoft account; tenant "
            f"“{_tenant(config.tenant, names)}” admits work or school accounts only.",
            "Turn on MSA passthrough (first-party client ids such as the Azure CLI's) or use "
            "the common or consumers tenant.",
            asked=False,
        )
    if not account.personal and not config.admits_work:
        return Outcome(
            Kind.NOT_USABLE,
            "Rules",
            "Work account under consumers",
            f"{account.username} is a work or school account; the consumers tenant admits "
            "personal Microsoft accounts only.",
            "Use organizations, common or the account's own tenant "
            f"({_tenant(account.home_tenant, names)}).",
            asked=False,
        )
    return None


def of_token(
    account: Account, config: Configuration, result: TokenResult, names: Mapping[str, str]
) -> Outcome:
    facts = token_facts(account, result)
    where = _tenant(facts.tenant, names)
    home = _tenant(facts.home_tenant, names)
    place = f"a guest here (home tenant {home})" if facts.guest else "its home tenant"
    expires = time.strftime("%H:%M:%S %Z", time.localtime(facts.expires_on))
    kind = "A proof-of-possession token issued" if result.pop else "Issued"
    options = f" Asked with {config.options}." if config.options else ""
    return Outcome(
        Kind.TOKEN,
        "Token",
        f"Token from {where}",
        f"{kind} to {account.username} by {where}, {place}, for {facts.audience or 'the API'}; "
        f"granted: {' '.join(facts.scopes) or 'no scopes listed'}; expires {expires}; "
        f"answered by {result.source}.{options}",
        "Nothing to do.",
        facts=facts,
        token=result,
    )


def of_error(
    account: Account, config: Configuration, error: BaseException, names: Mapping[str, str]
) -> Outcome:
    """The outcome of a failed broker call; the rules for the account's kind come first."""
    ruled = by_rules(account, config, names)
    if ruled is not None:
        return ruled
    advice = guidance.explain(error)
    code = error.aadsts if isinstance(error, BrokerError) else None
    status = error.status if isinstance(error, BrokerError) else ""
    tenant = _tenant(config.tenant, names)
    if code in _NOT_USABLE or status in _NOT_USABLE_STATUSES:
        reason = advice.explanation
        if code == 50020:
            reason = (
                f"{account.username} (home tenant {_tenant(account.home_tenant, names)}) is not "
                f"a member of “{tenant}” and not a guest there."
            )
        elif code == 90002:
            reason = f"Tenant “{tenant}” does not exist in {config.authority_host}."
        elif code == 700016:
            reason = f"Client id {config.client_id} is not an app known to “{tenant}”."
        return Outcome(Kind.NOT_USABLE, advice.code, advice.title, reason, advice.fix)
    if code in _BLOCKED or status in _BLOCKED_STATUSES:
        return Outcome(Kind.BLOCKED, advice.code, advice.title, advice.explanation, advice.fix)
    linux_personal = account.personal and code is None and sys.platform.startswith("linux")
    if linux_personal and advice.needs_interaction and config.tenant == "consumers":
        nb = NOT_BROKERED  # and the picker cannot help either: the app refuses that call
        return Outcome(Kind.NOT_USABLE, nb.code, nb.title, nb.explanation, nb.fix)
    if advice.needs_interaction or (status == "AccountUnusable" and code is None):
        reason = advice.explanation
        if code == 65001:
            reason = (
                f"Nobody has consented to this app using {' '.join(config.scopes)} for "
                f"{account.username}."
            )
        elif linux_personal:
            reason = (
                "On Linux the broker runtime never gets a personal account's token silently; "
                "the account picker can (“Sign in again”, or “Sign in for this cell”)."
            )
        elif status == "AccountUnusable":
            reason = f"{account.username} was signed out of this app (client id) or its session "
            reason += "can no longer be used."
        return Outcome(Kind.INTERACTION, advice.code, advice.title, reason, advice.fix)
    return Outcome(Kind.FAILED, advice.code, advice.title, advice.explanation, advice.fix)


def check(
    broker: Broker,
    account: Account,
    config: Configuration,
    names: Mapping[str, str] | None = None,
) -> Outcome:
    """Ask the broker silently, unless the rules already decide; never raises for a broker
    failure (it is an outcome)."""
    names = names or {}
    ruled = by_rules(account, config, names)
    if ruled is not None:
        return ruled
    try:
        result = broker.acquire_token_silently(account, config.profile())
    except Exception as exc:
        return of_error(account, config, exc, names)
    return of_token(account, config, result, names)


class OutcomeBook:
    """Outcomes per (account, configuration): every answer kept, none shown for another
    configuration. Written on one thread (the GUI's, or the command line's)."""

    def __init__(self) -> None:
        self._outcomes: dict[tuple[str, Configuration], Outcome] = {}

    def put(self, account: Account, config: Configuration, outcome: Outcome) -> None:
        self._outcomes[(account.home_account_id, config)] = outcome

    def get(self, account: Account, config: Configuration) -> Outcome | None:
        return self._outcomes.get((account.home_account_id, config))

    def settle_by_rules(
        self, accounts: Iterable[Account], config: Configuration, names: Mapping[str, str]
    ) -> None:
        """Record what the rules decide for accounts not yet checked under config."""
        for account in accounts:
            if self.get(account, config) is None:
                ruled = by_rules(account, config, names)
                if ruled is not None:
                    self.put(account, config, ruled)

    def forget(self, account: Account, client_id: str) -> None:
        """After a sign-out (which is per client id): its answers under that client are gone."""
        for key in [k for k in self._outcomes if k[0] == account.home_account_id]:
            if key[1].client_id == client_id:
                del self._outcomes[key]

    def __len__(self) -> int:
        return len(self._outcomes)
