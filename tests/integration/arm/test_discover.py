"""Discovery through the real runtime, the sandbox broker and the sandbox's ARM: each account's
tenants with names, tenant by tenant its subscriptions and storage accounts; a tenant that
needs more (ARM's MFA claims challenge) or an account that is blocked keeps its outcome and
the rest still answer."""

from __future__ import annotations

import dataclasses
import json

import pytest

from app.core.arm.choice import ArmChoice
from app.core.arm.discover import DiscoveryRun, arm_configuration
from app.core.arm.records import Discovery
from app.core.broker.records import Account
from app.core.broker.runtime import Broker
from app.core.configurations.configuration import Configuration
from app.core.configurations.profile import Profile
from app.core.outcomes.outcome import Kind
from app.sandbox.launcher import Sandbox
from tests.helpers import CONTOSO, FABRIKAM

SANDBOX_SUB = "6f1c2a3b-0d4e-4f5a-9b8c-7d6e5f4a3b2c"


@pytest.fixture
def broker() -> Broker:
    return Broker(timeout=10, interactive_timeout=20)


@pytest.fixture
def accounts(broker: Broker, fresh_profile: Profile) -> dict[str, Account]:
    return {a.username.split("@")[0]: a for a in broker.discover_accounts(fresh_profile)}


def discover(
    broker: Broker,
    profile: Profile,
    *accounts: Account,
    claims: dict[tuple[str, str], str] | None = None,
) -> dict[str, Discovery]:
    run = DiscoveryRun(list(accounts), Configuration.of(profile), claims=claims or {})
    found = run.run(broker)
    return {d.username.split("@")[0]: d for d in found.values()}


def test_every_tenant_subscription_and_storage_account_with_names(
    broker: Broker, accounts: dict[str, Account], fresh_profile: Profile, sandbox: Sandbox
) -> None:
    found = discover(broker, fresh_profile, accounts["nestor"], accounts["adele"])
    nestor = found["nestor"]
    assert [(t.tenant.name, t.tenant.default_domain, t.tenant.home) for t in nestor.tenants] == [
        ("Contoso", "contoso.example", True)
    ]
    contoso = nestor.tenants[0]
    assert contoso.status == "2 subscriptions"
    legacy, sandbox_sub = contoso.subscriptions
    assert (legacy.name, legacy.state, legacy.problem and legacy.problem.code) == (
        "Contoso legacy", "Disabled", "ReadOnlyDisabledSubscription")  # fmt: skip
    assert (sandbox_sub.name, sandbox_sub.state) == ("Contoso sandbox", "Enabled")
    (account,) = sandbox_sub.storage_accounts
    assert sandbox.storage is not None
    assert account.blob_endpoint == sandbox.storage.public_url + "/"
    adele = found["adele"].tenants[0]
    assert [s.id for s in adele.subscriptions] == [SANDBOX_SUB]
    assert adele.subscriptions[0].storage_accounts[0].name == "devstoreaccount1"


def test_a_tenant_that_needs_mfa_keeps_its_outcome_and_the_others_answer(
    broker: Broker, accounts: dict[str, Account], fresh_profile: Profile, control
) -> None:  # type: ignore[no-untyped-def]
    lee = discover(broker, fresh_profile, accounts["lee"])["lee"]
    by_id = {t.tenant.id: t for t in lee.tenants}
    assert [t.tenant.name for t in lee.tenants] == ["Fabrikam", "Contoso"]  # home first
    assert by_id[FABRIKAM].tenant.home and not by_id[CONTOSO].tenant.home
    fabrikam = by_id[FABRIKAM]
    assert fabrikam.problem is not None and fabrikam.problem.claims
    assert json.loads(fabrikam.problem.claims) == {
        "access_token": {"acrs": {"essential": True, "values": ["p1"]}}
    }
    assert fabrikam.status == "Needs sign-in (MFA or claims)"
    contoso = by_id[CONTOSO]
    assert contoso.answered and [s.id for s in contoso.subscriptions] == [SANDBOX_SUB]
    problem = contoso.subscriptions[0].problem
    assert problem is not None and problem.code == "AuthorizationFailed"

    # Sign in for this tenant: the broker's window with ARM's claims, then it answers
    control.pick("lee@fabrikam.example")
    config = dataclasses.replace(
        arm_configuration(Configuration.of(fresh_profile), accounts["lee"], FABRIKAM),
        claims=fabrikam.problem.claims,
    )
    broker.acquire_token_interactively(7, accounts["lee"], config.profile(fresh_profile))
    # that tenant's later tokens are asked with the claims the sign-in satisfied
    signed_in = {(accounts["lee"].home_account_id, FABRIKAM): fabrikam.problem.claims}
    again = discover(broker, fresh_profile, accounts["lee"], claims=signed_in)["lee"]
    fabrikam = {t.tenant.id: t for t in again.tenants}[FABRIKAM]
    assert fabrikam.answered, fabrikam.problem
    assert [s.name for s in fabrikam.subscriptions] == ["Fabrikam production"]


def test_a_blocked_account_says_so_and_the_next_account_still_answers(
    broker: Broker, accounts: dict[str, Account], fresh_profile: Profile
) -> None:
    found = discover(broker, fresh_profile, accounts["carl"], accounts["diego"])
    carl = found["carl"]
    # broker 2.5 hides Entra's reason (AADSTS53003): the runtime's AccountUnusable is what shows
    assert carl.outcome is not None and carl.outcome.token is None and not carl.tenants
    assert carl.outcome.code == "AccountUnusable" and carl.outcome.kind is not Kind.TOKEN
    diego = found["diego"]
    assert [t.tenant.name for t in diego.tenants] == ["Fabrikam"]
    assert diego.tenants[0].problem is not None and diego.tenants[0].problem.claims


def test_cancel_stops_between_calls_and_keeps_what_was_found(
    broker: Broker, accounts: dict[str, Account], fresh_profile: Profile
) -> None:
    run = DiscoveryRun([accounts["adele"], accounts["nestor"]], Configuration.of(fresh_profile))
    run.cancel()
    assert run.run(broker) == {}
    assert run.calls == 0


def test_hidden_tenants_and_subscriptions_are_not_asked_and_stay_listed(
    broker: Broker, accounts: dict[str, Account], fresh_profile: Profile
) -> None:
    lee, nestor = accounts["lee"], accounts["nestor"]
    everything = DiscoveryRun([lee, nestor], Configuration.of(fresh_profile))
    everything.run(broker)
    hidden = {
        lee.home_account_id: ArmChoice(tenants=frozenset({CONTOSO})),
        nestor.home_account_id: ArmChoice(subscriptions=frozenset({SANDBOX_SUB})),
    }
    chosen = DiscoveryRun([lee, nestor], Configuration.of(fresh_profile), hidden=hidden)
    found = chosen.run(broker)
    by_id = {t.tenant.id: t for t in found[lee.home_account_id].tenants}
    contoso = by_id[CONTOSO]  # still listed, so it can be shown again
    assert contoso.hidden and contoso.outcome is None and contoso.subscriptions == ()
    assert not by_id[FABRIKAM].hidden and by_id[FABRIKAM].outcome is not None
    (nestors,) = found[nestor.home_account_id].tenants
    subscription = {s.id: s for s in nestors.subscriptions}[SANDBOX_SUB]
    assert subscription.hidden and subscription.storage_accounts == ()
    # Lee's Contoso: its token and its subscriptions' listing, the sandbox subscription's
    # storage accounts; nestor's: its storage accounts.
    assert chosen.calls < everything.calls - 2
