"""The window keeps every answer per (account, configuration) and shows the current
configuration's: real Qt, the real runtime and the sandbox broker. Each test starts from a
client id registered for it alone, so no answer comes from another test's cache."""

from __future__ import annotations

import dataclasses

import pytest

from app.core.outcomes.outcome import NOT_CHECKED, Kind
from tests.helpers import CONTOSO
from tests.integration.ui.helpers import idle, row, token_for

VAULT = ("https://vault.azure.net/.default",)
MANAGEMENT = ("https://management.azure.com/.default",)


@pytest.fixture
def window(fresh_window):  # type: ignore[no-untyped-def]
    return fresh_window


def set_tenant(window, tenant: str) -> None:  # type: ignore[no-untyped-def]
    """As typed in the profile bar; the accounts are then listed again under it."""
    window.profile_bar.tenant_edit.setText(tenant)
    window.profile_bar.tenant_edit.editingFinished.emit()


def settled(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: idle(window) and window.model.rowCount() > 0, timeout=15000)


def test_a_work_account_under_consumers_is_not_usable_not_sign_in_again(window, qtbot, control):
    token_for(window, qtbot, "lee@fabrikam.example")
    window.make_active()
    assert row(window, "lee@fabrikam.example").kind is Kind.TOKEN
    asked = len(control.calls("acquireTokenSilently"))

    set_tenant(window, "consumers")
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=15000)  # lee's token, restored
    lee = row(window, "lee@fabrikam.example")
    assert lee.kind is Kind.NOT_USABLE and lee.state == "Not usable here"
    assert "consumers tenant admits personal Microsoft accounts only" in lee.detail
    # The banner says why and offers no sign-in: signing in again cannot help.
    assert window.banner.isVisible() and "lee@fabrikam.example" in window.banner.title.text()
    assert "Sign in again" not in window.banner.body.text()
    assert not window.banner.action.isVisible()
    assert len(control.calls("acquireTokenSilently")) == asked  # Entra's rules decided it


def test_changing_the_scopes_shows_that_configurations_outcomes_at_once(window, qtbot):
    token_for(window, qtbot, "adele@contoso.example")
    management = row(window, "adele@contoso.example").outcome
    assert management.kind is Kind.TOKEN and management.facts.audience.endswith(
        "management.azure.com"
    )

    window.profile = dataclasses.replace(window.profile, scopes=VAULT)
    assert row(window, "adele@contoso.example").state == NOT_CHECKED  # not the old answer
    qtbot.waitUntil(lambda: idle(window))
    token_for(window, qtbot, "adele@contoso.example")
    assert row(window, "adele@contoso.example").outcome.facts.audience == "https://vault.azure.net"

    window.profile = dataclasses.replace(window.profile, scopes=MANAGEMENT)
    assert row(window, "adele@contoso.example").outcome is management  # kept, shown at once


def test_a_guest_token_says_where_it_was_issued(window, qtbot):
    set_tenant(window, CONTOSO)
    settled(window, qtbot)
    token_for(window, qtbot, "lee@fabrikam.example")
    lee = row(window, "lee@fabrikam.example")
    assert lee.kind is Kind.TOKEN and lee.outcome.facts.guest
    assert window.model.tenant_of(lee) == "Contoso (guest; home Fabrikam)"
    assert "Tenant: Contoso — guest here (home tenant Fabrikam)" in window.inspector.summary.text()


@pytest.mark.broker_generation("2.5")
def test_a_tenant_the_account_is_not_in_is_named_even_when_the_broker_hides_why(window, qtbot):
    """2.5 answers AADSTS50020 as a bare IncorrectConfiguration, "(pii)"."""
    set_tenant(window, CONTOSO)
    settled(window, qtbot)
    token_for(window, qtbot, "diego@fabrikam.example")
    outcome = row(window, "diego@fabrikam.example").outcome
    assert outcome.kind is Kind.NOT_USABLE and outcome.code == "IncorrectConfiguration"
    assert "neither a member nor a guest of “Contoso” (its home tenant is Fabrikam)" in (
        outcome.reason
    )
    assert "did not say why" in outcome.reason and outcome.correlation_id
    assert "App registration or profile misconfigured" not in window.banner.title.text()


@pytest.mark.broker_generation("2.0.1")  # needs Entra's AADSTS code: 2.5 redacts it
def test_switching_tenant_keeps_each_configurations_answers(window, qtbot):
    token_for(window, qtbot, "diego@fabrikam.example")
    home = row(window, "diego@fabrikam.example").outcome
    set_tenant(window, CONTOSO)
    assert row(window, "diego@fabrikam.example").state == NOT_CHECKED
    settled(window, qtbot)
    token_for(window, qtbot, "diego@fabrikam.example")
    contoso = row(window, "diego@fabrikam.example").outcome
    assert contoso.kind is Kind.NOT_USABLE and contoso.code == "AADSTS50020"
    assert "not a member of “Contoso” and not a guest there" in contoso.reason

    set_tenant(window, "organizations")
    assert row(window, "diego@fabrikam.example").outcome is home  # at once, before any call
    settled(window, qtbot)
    set_tenant(window, CONTOSO)
    assert row(window, "diego@fabrikam.example").outcome is contoso
    settled(window, qtbot)
