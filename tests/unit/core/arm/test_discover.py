"""The pure parts of ARM discovery: what an ARM token asks for each account, what a run
shares with whoever shows it, and the tenant names gathered over accounts. Asking the broker
and ARM is in tests/integration/arm (the sandbox's broker and ARM)."""

from __future__ import annotations

import threading

from app.core.arm.discover import DiscoveryRun, arm_configuration, tenant_names
from app.core.arm.records import ARM_SCOPES, Discovery, Tenant, TenantAnswer
from app.core.broker.records import Account
from app.core.configurations.configuration import Configuration

CONTOSO = "4c5aa37b-6bdb-5753-8e91-ca41367d74b3"
FABRIKAM = "e5ee36fe-9da9-5ff8-81da-b4d64ed573cc"
CONSUMERS = "9188040d-6c67-4c5b-b112-36a304b66dad"
ADELE = Account("adele", f"adele.{CONTOSO}", "adele@contoso.example", "Adele", CONTOSO, "login")
ALEX = Account("alex", f"alex.{CONSUMERS}", "alex@outlook.example", "Alex", CONSUMERS, "login")


def test_an_arm_token_keeps_the_profiles_app_and_drops_its_request_options() -> None:
    base = Configuration(
        client_id="11111111-2222-3333-4444-555555555555", tenant="common", msa_passthrough=True,
        scopes=("https://storage.azure.com/.default",), force_refresh=True,
        claims='{"access_token":{}}', capabilities=("cp1",),
    )  # fmt: skip
    config = arm_configuration(base, ADELE)
    assert (config.client_id, config.msa_passthrough) == (base.client_id, True)
    assert config.authority_host == base.authority_host
    assert config.scopes == ARM_SCOPES
    assert (config.force_refresh, config.claims, config.capabilities, config.pop) == (
        False, "", (), None,
    )  # fmt: skip


def test_the_tenant_asked_is_the_home_one_common_for_personal_or_the_one_named() -> None:
    base = Configuration()
    assert arm_configuration(base, ADELE).tenant == CONTOSO
    assert arm_configuration(base, ALEX).tenant == "common"
    assert arm_configuration(base, ADELE, FABRIKAM).tenant == FABRIKAM


def test_a_run_shares_copies_and_cancel_across_threads() -> None:
    run = DiscoveryRun([ADELE], Configuration())
    assert not run.cancelled and run.found() == {}
    found = Discovery(ADELE.home_account_id, ADELE.username,
                      tenants=(TenantAnswer(Tenant(FABRIKAM, "Fabrikam")),))  # fmt: skip
    worker = threading.Thread(target=run._keep, args=(found,))
    worker.start()
    worker.join()
    copy = run.found()
    assert copy == {ADELE.home_account_id: found}
    copy.clear()  # the caller's copy, not the run's
    assert run.found() == {ADELE.home_account_id: found}
    assert run.names == {FABRIKAM: "Fabrikam"}
    run.cancel()
    assert run.cancelled


def test_tenant_names_over_every_account_skip_tenants_arm_gave_no_name() -> None:
    adele = Discovery("a", "adele", tenants=(TenantAnswer(Tenant(CONTOSO, "Contoso")),
                                             TenantAnswer(Tenant(FABRIKAM, ""))))  # fmt: skip
    lee = Discovery("l", "lee", tenants=(TenantAnswer(Tenant(FABRIKAM, "Fabrikam")),))
    assert tenant_names({"a": adele, "l": lee}) == {CONTOSO: "Contoso", FABRIKAM: "Fabrikam"}
    assert tenant_names({}) == {}
