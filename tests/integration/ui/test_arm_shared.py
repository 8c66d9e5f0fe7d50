"""One store of what ARM found, on the session, between the matrix's "Every ARM tenant of these
accounts" and View ▸ Subscriptions and storage accounts, with real Qt, the real runtime, the
sandbox broker and the sandbox's ARM: whichever window discovers an account first, the other
shows or uses it without asking ARM again; the Subscriptions window's Refresh still asks."""

from __future__ import annotations

import pytest

from app.core.matrix.arm_tenants import EVERY_ARM_TENANT
from app.ui.arm.model import NOT_LISTED
from app.ui.shell.arm_link import open_arm
from tests.helpers import CONTOSO, FABRIKAM
from tests.integration.ui.helpers import open_window, row, use_profile
from tests.integration.ui.test_arm_window import find, rows
from tests.integration.ui.test_matrix_window import only

WHO = {"lee@fabrikam.example", "adele@contoso.example", "carl@contoso.example"}
LEE = [
    ("Fabrikam (fabrikam.example) · home", "Needs sign-in (MFA or claims)"),
    ("Contoso (contoso.example) · guest", "1 subscription"),
]


@pytest.fixture
def window(qtbot, sandbox, control, tmp_path, monkeypatch, fresh_profile):  # type: ignore[no-untyped-def]
    # no names from the sandbox's directory: the tenants' names can only come from ARM
    monkeypatch.setattr("app.sandbox.entra.directory.tenant_names", lambda *a: {})
    window = open_window(qtbot, sandbox, tmp_path)
    use_profile(window, qtbot, fresh_profile)
    yield window
    window.sandbox_picker.stop()
    window.session.cancel()


def open_matrix(qtbot, window):  # type: ignore[no-untyped-def]
    matrix = window.open_matrix()
    qtbot.waitExposed(matrix)
    accounts = matrix.axes.accounts
    only(accounts, {a for a in accounts.values if a.username in WHO})
    only(matrix.axes.tenants, {EVERY_ARM_TENANT})
    only(matrix.axes.scopes, {"management"})
    matrix.axes.passthrough_on.setChecked(False)
    return matrix


def run_matrix(qtbot, matrix) -> list[str]:  # type: ignore[no-untyped-def]
    """Run it to the end; the progress texts it showed."""
    texts: list[str] = []
    matrix.timer.timeout.connect(lambda: texts.append(matrix.asking.text()))
    matrix.run_button.click()
    texts.append(matrix.asking.text())
    qtbot.waitUntil(lambda: matrix.spec is not None and matrix.run is None
                    and matrix.discovery is None, timeout=60000)  # fmt: skip
    return texts


def refresh(qtbot, arm) -> None:  # type: ignore[no-untyped-def]
    assert arm.refresh()
    qtbot.waitUntil(lambda: arm.run is None, timeout=60000)


def test_found_by_the_subscriptions_window_the_matrix_does_not_discover_again(qtbot, window):  # type: ignore[no-untyped-def]
    arm = open_arm(window)
    refresh(qtbot, arm)
    found = dict(window.session.arm_found)
    assert {d.username for d in found.values()} >= WHO
    matrix = open_matrix(qtbot, window)
    texts = run_matrix(qtbot, matrix)
    assert not any("Discovering" in t for t in texts)
    # the same findings, not found again: each account's record is the one Refresh kept
    assert all(window.session.arm_found[home] is d for home, d in found.items())
    assert {c.tenant for c in matrix.model.configs} == {CONTOSO, FABRIKAM}


def test_found_by_the_matrix_the_subscriptions_window_shows_it_without_asking(qtbot, window):  # type: ignore[no-untyped-def]
    matrix = open_matrix(qtbot, window)
    texts = run_matrix(qtbot, matrix)
    assert any("Discovering the accounts' ARM tenants" in t for t in texts)
    found = dict(window.session.arm_found)
    assert {d.username for d in found.values()} == WHO
    arm = open_arm(window)  # opened after the matrix found them
    assert arm.run is None and window.session.current is None  # nothing asked
    lee = find(arm.filter, "lee@fabrikam.example")
    assert rows(arm.filter, lee) == LEE
    contoso = find(arm.filter, "lee@fabrikam.example", "Contoso")
    assert all(NOT_LISTED in answer for _, answer in rows(arm.filter, contoso))
    assert "nothing asked" in arm.status.text() and "not listed yet" in arm.status.text()
    assert all(window.session.arm_found[home] is d for home, d in found.items())
    # Refresh still asks ARM, every listed account, storage accounts too
    refresh(qtbot, arm)
    home = next(h for h, d in found.items() if d.username == "lee@fabrikam.example")
    again = window.session.arm_found[home]
    assert again is not found[home] and again.storage
    contoso = find(arm.filter, "lee@fabrikam.example", "Contoso")  # the rows were rebuilt
    assert not any(NOT_LISTED in answer for _, answer in rows(arm.filter, contoso))
    assert rows(arm.filter, find(arm.filter, "nestor@contoso.example", "Contoso"))[1] == (
        "Contoso sandbox", "Enabled · 1 storage account")  # fmt: skip


def test_an_open_subscriptions_window_shows_what_the_matrix_then_found(qtbot, window):  # type: ignore[no-untyped-def]
    arm = open_arm(window)
    assert arm.model.rowCount() == 0
    matrix = open_matrix(qtbot, window)
    run_matrix(qtbot, matrix)
    assert [n for n, _ in rows(arm.filter)] == sorted(WHO)
    assert rows(arm.filter, find(arm.filter, "lee@fabrikam.example")) == LEE
    assert "nothing asked" in arm.status.text()


def test_the_tenant_field_offers_what_the_matrix_found(qtbot, window):  # type: ignore[no-untyped-def]
    bar = window.profile_bar
    matrix = open_matrix(qtbot, window)
    run_matrix(qtbot, matrix)
    assert window.arm is None  # never opened: the session keeps what was found
    window.session.set_active(row(window, "lee@fabrikam.example").account)
    assert bar.tenants.stringList() == [
        f"Fabrikam (fabrikam.example) · home — {FABRIKAM}",
        f"Contoso (contoso.example) · guest — {CONTOSO}",
    ]
    window.session.set_active(row(window, "adele@contoso.example").account)
    assert bar.tenants.stringList() == [f"Contoso (contoso.example) · home — {CONTOSO}"]
