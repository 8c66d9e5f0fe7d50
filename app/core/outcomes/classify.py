"""Classifying the broker's answer for one account under one configuration.

The classification looks at the account's kind and the configuration before any generic
advice: a work account under `consumers` is "not usable here", never "sign in again", whatever
the runtime says. What Entra ID's rules decide without asking (a personal account without
MSA passthrough, a work account under consumers) is not asked of the broker at all, and the
outcome says so.

Plain Python: no Qt; the broker is reached through `app.core.broker.runtime.Broker` only.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

from app.core.broker import platform
from app.core.broker.errors import BrokerError, broker_cause
from app.core.broker.platform import Platform
from app.core.broker.records import Account, TokenResult
from app.core.configurations.configuration import Configuration
from app.core.guidance.advice import Guidance
from app.core.guidance.broker import MAYBE_BLOCKED, NOT_BROKERED, REASON_HIDDEN
from app.core.guidance.explain import explain
from app.core.outcomes.outcome import Kind, Outcome, token_facts

if TYPE_CHECKING:
    from app.core.broker.runtime import Broker

# AADSTS codes that say this account cannot use this configuration at all (no sign-in helps).
_NOT_USABLE = frozenset({50020, 50034, 90072, 90002, 700016, 500011, 50194})
# ... that say a policy or an administrator stands in the way (device and token protection
# included: signing in again on this device does not help).
_BLOCKED = frozenset({53003, 50005, 530003, 50057, 50053, 50105,
                      530084, 50097, 50129, 50155, 50187, 53000, 53001, 53002, 53005,
                      135010, 135011})  # fmt: skip
_NOT_USABLE_STATUSES = frozenset({"IncorrectConfiguration", "AuthorityUntrusted", "NotBrokered"})
_BLOCKED_STATUSES = frozenset({"DeviceNotRegistered"})


def _tenant(tenant: str | None, names: Mapping[str, str]) -> str:
    return names.get(tenant or "", tenant or "unknown")


# The codes of what Entra ID's rules decide without asking: what the account's kind is not
# admitted to (exports carry them, so they say what happened, README "Exports").
PERSONAL_NOT_ADMITTED = "PersonalAccountNotAdmitted"
WORK_NOT_ADMITTED = "WorkAccountNotAdmitted"


def personal_fix(here: Platform) -> str:
    """Where a personal account can get a token: never a tenant this platform refuses
    (Linux: no sign-in under consumers reaches the broker, platform.py)."""
    if here.brokers_consumers_sign_in:
        return ("Turn on MSA passthrough (first-party client ids such as the Azure CLI's) or "
                "use the common or consumers tenant.")  # fmt: skip
    return (
        "Use the common tenant, or turn on MSA passthrough (first-party client ids such as the "
        f"Azure CLI's). Not consumers: on {here.name} the broker runtime does not hand a "
        "sign-in under consumers to the broker."
    )


def by_rules(
    account: Account,
    config: Configuration,
    names: Mapping[str, str] | None = None,
    here: Platform | None = None,
) -> Outcome | None:
    """What Entra ID's rules decide for this account's kind without asking the broker."""
    names = names or {}
    if account.personal and not config.admits_personal:
        return Outcome(
            Kind.NOT_USABLE,
            PERSONAL_NOT_ADMITTED,
            "Personal account under a work-only tenant",
            f"{account.username} is a personal Microsoft account; tenant "
            f"“{_tenant(config.tenant, names)}” admits work or school accounts only.",
            personal_fix(here or platform.current()),
            asked=False,
        )
    if not account.personal and not config.admits_work:
        return Outcome(
            Kind.NOT_USABLE,
            WORK_NOT_ADMITTED,
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
        correlation_id=result.correlation_id,
        at=result.at or time.time(),
    )


def of_error(
    account: Account,
    config: Configuration,
    error: BaseException,
    names: Mapping[str, str],
    here: Platform | None = None,
) -> Outcome:
    """The outcome of a failed broker call; the rules for the account's kind come first, then
    what the runtime does on its own on this platform (platform.py)."""
    here = here or platform.current()
    ruled = by_rules(account, config, names, here)
    if ruled is not None:
        return ruled
    advice = explain(error)
    cause = broker_cause(error)
    hidden = REASON_HIDDEN if cause is not None and cause.reason_hidden else ""

    def outcome(kind: Kind, reason: str, of: Guidance = advice) -> Outcome:
        """Kept with the call's correlation id and time; a reason of our own says when the
        broker hid Entra ID's (the advice's own explanation already does)."""
        if hidden and hidden not in reason:
            reason = f"{reason} {hidden}"
        at = cause.at if cause is not None and cause.at else time.time()
        cid = cause.correlation_id if cause is not None else ""
        return Outcome(
            kind, of.code, of.title, reason, of.fix, correlation_id=cid, at=at,
            can_sign_in=not of.blocked_here,  # the sign-in it needs cannot happen here
        )  # fmt: skip

    code = error.aadsts if isinstance(error, BrokerError) else None
    status = error.status if isinstance(error, BrokerError) else ""
    tenant = _tenant(config.tenant, names)
    if status == "IncorrectConfiguration" and code is None and hidden:
        return outcome(Kind.NOT_USABLE, *_refused_unsaid(account, tenant, names, advice))
    if code in _NOT_USABLE or status in _NOT_USABLE_STATUSES:
        reason = advice.explanation
        if code == 50020:
            reason = (
                f"{account.username} (home tenant {_tenant(account.home_tenant, names)}) is not "
                f"a member of “{tenant}” and not a guest there."
            )
            fix = (
                personal_fix(here)
                if account.personal
                else (
                    f"Use the account's home tenant ({_tenant(account.home_tenant, names)}) or "
                    f"organizations, or have it invited as a guest in “{tenant}”."
                )
            )
            return outcome(Kind.NOT_USABLE, reason, dataclasses.replace(advice, fix=fix))
        if code == 90002:
            reason = f"Tenant “{tenant}” does not exist in {config.authority_host}."
        elif code == 700016:
            reason = f"Client id {config.client_id} is not an app known to “{tenant}”."
        return outcome(Kind.NOT_USABLE, reason)
    if code in _BLOCKED or status in _BLOCKED_STATUSES:
        return outcome(Kind.BLOCKED, advice.explanation)
    unbrokered = account.personal and code is None and not here.brokers_personal_accounts
    if (
        unbrokered
        and advice.needs_interaction
        and not here.brokers_consumers_sign_in
        and (config.tenant == "consumers")
    ):
        nb = NOT_BROKERED  # and the picker cannot help either: the app refuses that call
        return outcome(Kind.NOT_USABLE, nb.explanation, nb)
    if (
        advice.needs_interaction
        or advice.blocked_here
        or (status == "AccountUnusable" and code is None)
    ):
        reason = advice.explanation
        if code == 65001:
            reason = (
                f"Nobody has consented to this app using {' '.join(config.scopes)} for "
                f"{account.username}."
            )
        elif unbrokered:
            reason = (
                f"On {here.name} the broker runtime never gets a personal account's token "
                "silently; the account picker can (“Sign in again”, or “Sign in for this cell”)."
            )
        elif status == "AccountUnusable":
            reason = f"{account.username} was signed out of this app (client id) or its session "
            reason += "can no longer be used."
        if hidden and code is None and not unbrokered and MAYBE_BLOCKED not in reason:
            reason = f"{reason} {MAYBE_BLOCKED}"
        return outcome(Kind.INTERACTION, reason)
    return outcome(Kind.FAILED, advice.explanation)


def check(
    broker: Broker,
    account: Account,
    config: Configuration,
    names: Mapping[str, str] | None = None,
) -> Outcome:
    """Ask the broker silently, unless the rules already decide; never raises for a broker
    failure (it is an outcome)."""
    names = names or {}
    ruled = by_rules(account, config, names, broker.platform)
    if ruled is not None:
        return ruled
    try:
        result = broker.acquire_token_silently(account, config.profile())
    except Exception as exc:
        return of_error(account, config, exc, names, broker.platform)
    return of_token(account, config, result, names)


def _refused_unsaid(
    account: Account, tenant: str, names: Mapping[str, str], advice: Guidance
) -> tuple[str, Guidance]:
    """IncorrectConfiguration with Entra ID's reason redacted (broker 2.5): a tenant the
    account does not belong to (AADSTS50020) is far the most common cause, and the broker
    answers it so; the app cannot tell it from a wrong registration, so it names both."""
    home = _tenant(account.home_tenant, names)
    reason = (
        f"The broker refused {account.username} under tenant “{tenant}”. Most often the account "
        f"is neither a member nor a guest of “{tenant}” (its home tenant is {home}); otherwise "
        "the tenant does not exist, the client id is not an app it knows, or the app "
        "registration lacks the broker redirect URI."
    )
    fix = (
        f"Try the home tenant ({home}) or organizations, or ask “{tenant}” for a guest "
        "invitation. If the account should work there, check the profile's client id and the "
        "app registration's broker redirect URI."
    )
    return reason, dataclasses.replace(advice, title="Not usable under this configuration", fix=fix)
