"""View ▸ Subscriptions and storage accounts against the sandbox's ARM through the real runtime:
every listed account's tenants, subscriptions and storage accounts, found off the GUI thread;
names that only ARM knew reach the accounts list; a filter; a storage account opens in the blob
pane with its account's credential; Sign in for this tenant satisfies Fabrikam's MFA challenge."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import QModelIndex

from app.ui.arm.model import KIND
from app.ui.shell.arm_link import open_arm
from tests.helpers import CONTOSO, FABRIKAM
from tests.integration.ui.helpers import EventLoopProbe, open_window, row
from tests.integration.ui.test_blob_pane import container_row


def rows(model, parent: QModelIndex | None = None) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(name, answer) of the rows under parent, as the view shows them."""
    parent = parent or QModelIndex()
    return [(model.index(r, 0, parent).data(), model.index(r, 1, parent).data())
            for r in range(model.rowCount(parent))]  # fmt: skip


def find(model, *names: str) -> QModelIndex:  # type: ignore[no-untyped-def]
    """The row reached by names, each a prefix of a row's name one level down."""
    index = QModelIndex()
    for name in names:
        index = next(model.index(r, 0, index) for r in range(model.rowCount(index))
                     if str(model.index(r, 0, index).data()).startswith(name))  # fmt: skip
    return index


@pytest.fixture
def window(qtbot, sandbox, control, tmp_path, monkeypatch, storage):  # type: ignore[no-untyped-def]
    # no names from the sandbox's directory: the window knows only what ARM says
    monkeypatch.setattr("app.sandbox.entra.directory.tenant_names", lambda *a: {})
    window = open_window(qtbot, sandbox, tmp_path)
    yield window
    window.sandbox_picker.stop()


def discovered(qtbot, window):  # type: ignore[no-untyped-def]
    arm = open_arm(window)
    with EventLoopProbe():
        assert arm.refresh()
        qtbot.waitUntil(lambda: arm.run is None and arm.model.rowCount() > 0, timeout=60000)
    return arm


def test_every_account_its_tenants_subscriptions_and_storage_accounts(qtbot, window):  # type: ignore[no-untyped-def]
    assert CONTOSO not in window.session.names  # before: a GUID in the accounts list
    assert row(window, "adele@contoso.example") and window.model.tenant_of(
        row(window, "adele@contoso.example")) == CONTOSO  # fmt: skip
    arm = discovered(qtbot, window)
    model = arm.filter
    lee = find(model, "lee@fabrikam.example")
    assert rows(model, lee) == [
        ("Fabrikam (fabrikam.example) · home", "Needs sign-in (MFA or claims)"),
        ("Contoso (contoso.example) · guest", "1 subscription"),
    ]
    nestor = find(model, "nestor@contoso.example", "Contoso")
    assert rows(model, nestor) == [("Contoso legacy", "Disabled · Subscription disabled"),
                                   ("Contoso sandbox", "Enabled · 1 storage account")]  # fmt: skip
    assert "accounts" in arm.status.text() and "tenants" in arm.status.text()
    # ARM's names reach the accounts list
    assert window.model.tenant_of(row(window, "adele@contoso.example")) == "Contoso"

    arm.search.setText("LEGACY")
    assert [n for n, _ in rows(model)] == ["nestor@contoso.example"]
    assert rows(model, find(model, "nestor@contoso.example", "Contoso")) == [
        ("Contoso legacy", "Disabled · Subscription disabled")]  # fmt: skip
    arm.search.setText("")
    assert model.rowCount() == arm.model.rowCount()


def test_a_storage_account_opens_in_the_blob_pane_with_its_accounts_credential(
    qtbot, window, storage
):  # type: ignore[no-untyped-def]
    box = f"arm-{uuid.uuid4().hex[:10]}"
    storage.shared_key_client().create_container(box)  # set-up only: the pane uses a token
    arm = discovered(qtbot, window)
    index = find(
        arm.filter, "adele@contoso.example", "Contoso", "Contoso sandbox", "devstoreaccount1"
    )
    assert index.data(KIND) == "storage"
    arm.tree.setCurrentIndex(index)
    assert arm.open_button.isEnabled() and not arm.sign_in_button.isEnabled()
    arm.open_button.click()
    assert window.session.active is not None
    assert window.session.active.username == "adele@contoso.example"
    assert window.blobs.url.currentText() == index.sibling(index.row(), 1).data()
    qtbot.waitUntil(lambda: container_row(window, box) is not None, timeout=30000)


def test_sign_in_for_a_tenant_that_needs_mfa_then_it_answers(qtbot, window, control):  # type: ignore[no-untyped-def]
    arm = discovered(qtbot, window)
    index = find(arm.filter, "lee@fabrikam.example", "Fabrikam")
    arm.tree.setCurrentIndex(index)
    assert arm.sign_in_button.isEnabled() and not arm.open_button.isEnabled()
    control.pick("lee@fabrikam.example")
    arm.sign_in_button.click()

    def fabrikam() -> str:
        lee = find(arm.filter, "lee@fabrikam.example", "Fabrikam")
        return str(lee.sibling(lee.row(), 1).data())

    qtbot.waitUntil(lambda: arm.run is None and fabrikam() == "1 subscription", timeout=60000)
    subscription = find(arm.filter, "lee@fabrikam.example", "Fabrikam", "Fabrikam production")
    assert subscription.data(KIND) == "subscription"


def test_the_tenant_field_offers_the_active_accounts_tenants_by_name(qtbot, window):  # type: ignore[no-untyped-def]
    bar = window.profile_bar
    assert bar.tenants.stringList() == []  # nothing found yet: typing works as before
    discovered(qtbot, window)
    lee = row(window, "lee@fabrikam.example").account
    window.session.set_active(lee)
    assert bar.tenants.stringList() == [
        f"Fabrikam (fabrikam.example) · home — {FABRIKAM}",
        f"Contoso (contoso.example) · guest — {CONTOSO}",
    ]
    completer = bar.tenant_edit.completer()
    completer.setCompletionPrefix("CONTOSO.ex")  # any part, any case: name, domain or id
    assert completer.completionCount() == 1
    completer.activated.emit(completer.currentCompletion())
    qtbot.waitUntil(lambda: window.profile.tenant == CONTOSO)
    assert bar.tenant_edit.text() == CONTOSO
