"""What ARM's answers look like once named: tenant labels, a tenant's status in a few words,
and the names a discovery gives the rest of the app. Plain Python."""

from __future__ import annotations

from app.core.arm.records import (
    ArmProblem,
    Discovery,
    Subscription,
    Tenant,
    TenantAnswer,
    tenant_label,
)

TID = "4c5a37b6-6bdb-5753-8e91-ca413f2f0b7a"


def test_a_tenant_is_labelled_by_name_and_domain_else_its_id() -> None:
    assert Tenant(TID, "Contoso", "contoso.example").label == "Contoso (contoso.example)"
    assert Tenant(TID, "Contoso").label == "Contoso"
    assert Tenant(TID, "").label == TID


def test_tenant_label_keeps_the_guid_beside_the_name_when_asked() -> None:
    names = {TID: "Contoso"}
    assert tenant_label(TID, names) == "Contoso"
    assert tenant_label(TID, names, with_id=True) == f"Contoso ({TID})"
    assert tenant_label("other", names, with_id=True) == "other"


def test_a_tenants_status_says_what_stood_in_the_way_or_how_many_subscriptions() -> None:
    tenant = Tenant(TID, "Contoso")
    assert TenantAnswer(tenant).status == "Not checked"
    assert not TenantAnswer(tenant).answered
    problem = ArmProblem(403, "AuthorizationFailed", "no access", "No role here", "Ask an owner")
    refused = TenantAnswer(tenant, problem=problem)
    assert refused.status == "No role here" and not refused.answered
    assert "ARM 403 AuthorizationFailed: no access" in problem.text


def test_a_discovery_names_only_the_tenants_arm_named() -> None:
    sub = Subscription("s1", "Sandbox", "Enabled", TID)
    found = Discovery(
        "oid.tid",
        "adele@contoso.example",
        tenants=(
            TenantAnswer(Tenant(TID, "Contoso"), subscriptions=(sub,)),
            TenantAnswer(Tenant("nameless", "")),
        ),
    )
    assert found.names() == {TID: "Contoso"}


def test_a_hidden_tenant_says_so_rather_than_not_checked() -> None:
    assert TenantAnswer(Tenant(TID, "Contoso"), hidden=True).status == "Hidden (not asked)"


def test_a_discovery_offers_its_tenants_as_found_home_or_guest_by_label() -> None:
    found = Discovery(
        "oid.tid",
        "lee@fabrikam.example",
        tenants=(
            TenantAnswer(Tenant("fab", "Fabrikam", "fabrikam.example", home=True)),
            TenantAnswer(Tenant(TID, "Contoso")),
        ),
    )
    assert found.offered() == [
        ("fab", "Fabrikam (fabrikam.example) · home"),
        (TID, "Contoso · guest"),
    ]
    assert Discovery("oid.tid", "lee@fabrikam.example").offered() == []
    assert found.storage  # storage accounts asked, unless a run said otherwise
