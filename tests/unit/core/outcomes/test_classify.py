"""Outcome classification: the account's kind and the configuration come before generic
advice. Plain Python; the errors are the app's own typed BrokerErrors as the broker module
raises them (tests/integration/matrix/test_matrix.py gets each kind from the real runtime)."""

from __future__ import annotations

import dataclasses

import pytest

from app.core.broker import platform
from app.core.broker.errors import (
    BrokerError,
    BrokerTimeout,
    BrokerUnavailable,
    BrokerUnavailableError,
)
from app.core.broker.records import CONSUMERS_TENANT, Account
from app.core.configurations.configuration import Configuration
from app.core.outcomes.classify import by_rules, of_error
from app.core.outcomes.outcome import Kind
from tests.helpers import CONTOSO, FABRIKAM

NAMES = {CONTOSO: "Contoso", FABRIKAM: "Fabrikam"}
LEE = Account("lee", f"lee.{FABRIKAM}", "lee@fabrikam.example", "Lee Gu", FABRIKAM, "login")
ALEX = Account(
    "alex", f"alex.{CONSUMERS_TENANT}", "alex@outlook.example", "Alex", CONSUMERS_TENANT, "login"
)
ORGS = Configuration()


def test_a_work_account_under_consumers_is_not_usable_whatever_the_runtime_said():
    consumers = dataclasses.replace(ORGS, tenant="consumers")
    said = BrokerError("InteractionRequired", context="No valid refresh tokens")
    outcome = of_error(LEE, consumers, said, NAMES)
    assert outcome.kind is Kind.NOT_USABLE and not outcome.asked
    assert "work or school account" in outcome.reason and "Fabrikam" in outcome.fix
    assert "Sign in again" not in outcome.fix


@pytest.mark.parametrize(
    ("tenant", "passthrough", "usable"),
    [
        ("organizations", False, False),
        (CONTOSO, False, False),
        ("organizations", True, True),
        ("common", False, True),
        ("consumers", False, True),
    ],
)
def test_personal_accounts_need_passthrough_or_a_tenant_that_admits_them(
    tenant: str, passthrough: bool, usable: bool
):
    config = dataclasses.replace(ORGS, tenant=tenant, msa_passthrough=passthrough)
    ruled = by_rules(ALEX, config, NAMES)
    assert (ruled is None) is usable
    if ruled is not None:
        assert ruled.kind is Kind.NOT_USABLE and "MSA passthrough" in ruled.fix


def refusal(status: str, aadsts: int | None = None) -> BrokerError:
    return BrokerError(status, context=f"AADSTS{aadsts}: as Entra ID says" if aadsts else "")


@pytest.mark.parametrize(
    ("error", "kind", "code"),
    [
        (refusal("IncorrectConfiguration", 50020), Kind.NOT_USABLE, "AADSTS50020"),
        (refusal("IncorrectConfiguration", 90002), Kind.NOT_USABLE, "AADSTS90002"),
        (refusal("IncorrectConfiguration", 700016), Kind.NOT_USABLE, "AADSTS700016"),
        (BrokerError("AuthorityUntrusted"), Kind.NOT_USABLE, "AuthorityUntrusted"),
        (refusal("AccountUnusable", 53003), Kind.BLOCKED, "AADSTS53003"),
        (BrokerError("DeviceNotRegistered"), Kind.BLOCKED, "DeviceNotRegistered"),
        (refusal("InteractionRequired", 530084), Kind.BLOCKED, "AADSTS530084"),
        (refusal("Unexpected", 53000), Kind.BLOCKED, "AADSTS53000"),
        (refusal("InteractionRequired", 50097), Kind.BLOCKED, "AADSTS50097"),
        (refusal("InteractionRequired", 50076), Kind.INTERACTION, "AADSTS50076"),
        (refusal("InteractionRequired", 65001), Kind.INTERACTION, "AADSTS65001"),
        (refusal("AccountUnusable"), Kind.INTERACTION, "AccountUnusable"),
        (BrokerError("NoNetwork"), Kind.FAILED, "NoNetwork"),
        (BrokerError("Unexpected"), Kind.FAILED, "Unexpected"),
        (BrokerTimeout("get a token silently", 30), Kind.FAILED, "Timeout"),
        (
            BrokerUnavailableError(BrokerUnavailable("no-broker", "No broker", "Install it")),
            Kind.FAILED,
            "BrokerUnavailable",
        ),
    ],
)  # fmt: skip
def test_each_broker_answer_has_its_kind(error: BaseException, kind: Kind, code: str):
    outcome = of_error(LEE, ORGS, error, NAMES)
    assert (outcome.kind, outcome.code) == (kind, code)
    assert outcome.title and outcome.reason and outcome.fix and outcome.asked


def test_what_the_device_or_the_app_must_be_is_blocked_never_a_sign_in():
    """Token protection, registration, compliance, approved apps: a sign-in on this device
    cannot help, so none offers it (tests/unit/core/guidance/test_aadsts.py: each explained)."""
    from tests.unit.core.guidance.test_aadsts import DEVICE_AADSTS

    for code in DEVICE_AADSTS:
        outcome = of_error(LEE, ORGS, refusal("InteractionRequired", code), NAMES)
        assert (outcome.kind, outcome.code) == (Kind.BLOCKED, f"AADSTS{code}")
        assert not outcome.needs_interaction


def test_reasons_name_the_account_the_tenant_and_the_scopes():
    contoso = dataclasses.replace(ORGS, tenant=CONTOSO, scopes=("api://x/Mail.Read",))
    mismatch = of_error(
        LEE, contoso, BrokerError("IncorrectConfiguration", context="AADSTS50020"), NAMES
    )
    assert mismatch.reason == (
        "lee@fabrikam.example (home tenant Fabrikam) is not a member of “Contoso” and not a "
        "guest there."
    )
    consent = of_error(
        LEE, contoso, BrokerError("InteractionRequired", context="AADSTS65001"), NAMES
    )
    assert "api://x/Mail.Read" in consent.reason and "lee@fabrikam.example" in consent.reason
    blocked = of_error(LEE, ORGS, BrokerError("AccountUnusable", context="AADSTS53003"), NAMES)
    assert "will not help" in blocked.fix


def test_a_personal_accounts_silent_refusal_says_what_the_platforms_runtime_does():
    needs = BrokerError("InteractionRequired", context="No valid refresh tokens")
    passthrough = dataclasses.replace(ORGS, msa_passthrough=True)
    linux = of_error(ALEX, passthrough, needs, NAMES, platform.LINUX)
    windows = of_error(ALEX, passthrough, needs, NAMES, platform.WINDOWS)
    assert linux.kind is windows.kind is Kind.INTERACTION
    assert "On Linux the broker runtime never gets a personal account's token" in linux.reason
    assert "runtime never" not in windows.reason


def test_under_consumers_on_linux_a_personal_account_is_not_usable_not_sign_in():
    needs = BrokerError("InteractionRequired")
    consumers = dataclasses.replace(ORGS, tenant="consumers")
    assert of_error(ALEX, consumers, needs, NAMES, platform.LINUX).kind is Kind.NOT_USABLE
    assert of_error(ALEX, consumers, needs, NAMES, platform.WINDOWS).kind is Kind.INTERACTION


def test_when_the_broker_hides_the_reason_the_status_decides_and_the_outcome_says_so():
    hidden = BrokerError("InteractionRequired", context="(pii)")
    hidden.correlation_id, hidden.at = "1234abcd-0000-0000-0000-000000000000", 1_800_000_000
    outcome = of_error(LEE, ORGS, hidden, NAMES)
    assert outcome.kind is Kind.INTERACTION and outcome.code == "InteractionRequired"
    assert "The broker did not say why" in outcome.reason and "PII" in outcome.reason
    assert outcome.trace == (
        "Correlation ID: 1234abcd-0000-0000-0000-000000000000 Timestamp: 2027-01-15 08:00:00Z"
    )
    told = of_error(LEE, ORGS, BrokerError("InteractionRequired", context="AADSTS50076"), NAMES)
    assert "did not say why" not in told.reason and told.code == "AADSTS50076"


def test_a_hidden_reason_behind_a_sign_in_status_may_be_a_block_and_the_outcome_says_both():
    """Broker 2.5 answers a Conditional Access block with AccountUnusable and "(pii)": the
    app cannot tell it from a signed-out session, so it must not claim either alone."""
    for status in ("AccountUnusable", "InteractionRequired"):
        outcome = of_error(LEE, ORGS, BrokerError(status, context="(pii)"), NAMES)
        assert outcome.kind is Kind.INTERACTION
        assert "did not say why" in outcome.reason
        assert "Conditional Access" in outcome.reason and "will not get past it" in outcome.reason
    said = BrokerError("InteractionRequired", context="AADSTS50076 multi-factor required")
    assert "will not get past it" not in of_error(LEE, ORGS, said, NAMES).reason  # it was told


def test_a_refusal_the_broker_does_not_explain_names_the_likely_tenant_cause_first():
    """Broker 2.5 answers AADSTS50020 (not a member of the tenant) as a bare
    IncorrectConfiguration: "does not match the app registration" alone was wrong advice."""
    contoso = dataclasses.replace(ORGS, tenant=CONTOSO)
    outcome = of_error(LEE, contoso, BrokerError("IncorrectConfiguration", context="(pii)"), NAMES)
    assert (
        outcome.kind is Kind.NOT_USABLE and outcome.title == "Not usable under this configuration"
    )
    assert (
        "neither a member nor a guest of “Contoso” (its home tenant is Fabrikam)" in outcome.reason
    )
    assert "did not say why" in outcome.reason
    assert outcome.fix.startswith("Try the home tenant (Fabrikam) or organizations")
    told = BrokerError("IncorrectConfiguration", context="AADSTS50020: not in tenant")
    assert of_error(LEE, contoso, told, NAMES).code == "AADSTS50020"  # 2.0.1: said, and used


@pytest.mark.parametrize("here", [platform.LINUX, platform.WINDOWS, platform.MACOS])
def test_a_personal_account_is_never_sent_to_a_tenant_its_platform_refuses(here):
    """On Linux no sign-in under consumers reaches the broker (platform.py), so the advice for
    a personal account under a work-only tenant, or refused with AADSTS50020, is common or
    MSA passthrough there; where the broker takes consumers, consumers too."""
    ruled = by_rules(ALEX, ORGS, NAMES, here)
    told = BrokerError("IncorrectConfiguration", context="AADSTS50020")
    refused = of_error(ALEX, dataclasses.replace(ORGS, tenant="common"), told, NAMES, here)
    assert ruled is not None and ruled.code == "PersonalAccountNotAdmitted"
    for fix in (ruled.fix, refused.fix):
        assert "common" in fix and "MSA passthrough" in fix
        offered = fix.replace("Not consumers", "").replace("under consumers", "")
        assert ("consumers" in offered) is here.brokers_consumers_sign_in, fix


def test_a_work_account_refused_by_a_tenant_is_told_its_own_tenants_not_personal_ones():
    """AADSTS50020 for a work account: its home tenant, organizations or a guest invitation;
    nothing about personal accounts or consumers (the table's generic fix had both)."""
    told = BrokerError("IncorrectConfiguration", context="AADSTS50020")
    refused = of_error(LEE, dataclasses.replace(ORGS, tenant=CONTOSO), told, NAMES)
    assert refused.kind is Kind.NOT_USABLE and refused.code == "AADSTS50020"
    assert "Fabrikam" in refused.fix and "guest" in refused.fix
    assert "consumers" not in refused.fix and "personal" not in refused.fix
    from app.core.guidance.aadsts import for_aadsts

    generic = for_aadsts(50020)
    assert generic is not None and "consumers" not in generic.fix


def test_what_the_rules_decide_carries_a_code_that_says_what():
    work = by_rules(LEE, dataclasses.replace(ORGS, tenant="consumers"), NAMES)
    assert work is not None and work.code == "WorkAccountNotAdmitted"
