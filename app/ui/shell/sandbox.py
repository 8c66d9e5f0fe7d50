"""Sandbox mode in the window: what it tells the window (a note, the simulated tenants' names,
the storage emulator's URL and CA), and the broker's account picker as a dialog over the
window whose handle the interactive call carried, listing the simulated users the request may
use."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.sandbox.broker.control import SandboxControl
from app.ui.common.tasks import TaskRunner

if TYPE_CHECKING:
    from app.sandbox.later import LaterSandbox
    from app.sandbox.launcher import Sandbox

logger = logging.getLogger(__name__)


SANDBOX_NOTE = (
    "The accounts are simulated by the offline sandbox broker; nothing leaves this machine. "
    "Try adele (work), megan (MFA for Key Vault), carl (blocked by Conditional Access), "
    "diego (another tenant), lee (guest: reads storage), alex (personal: needs MSA passthrough), "
    "nestor (subscription Owner without a storage data role), and taylor: a work and a "
    "personal account with one username (sign in both with Add account)."
)


@dataclass(frozen=True)
class SandboxDetails:
    """What sandbox mode tells the window: a note for the banner, the simulated tenants'
    names, the storage emulator's account URL and CA (None without the emulator), and the
    sandbox broker's control channel (for the picker dialog)."""

    note: str
    tenant_names: Mapping[str, str]
    storage_url: str | None = None
    storage_ca: str | None = None
    control: SandboxControl | None = None


def sandbox_details(sandbox: Sandbox | LaterSandbox) -> SandboxDetails:
    from app.sandbox.later import LaterSandbox

    if isinstance(sandbox, LaterSandbox):  # not started yet: its directory's names only
        names = sandbox.tenant_names()
    else:
        from app.sandbox.entra.directory import tenant_names

        names = tenant_names()
    storage = sandbox.storage
    return SandboxDetails(
        note=SANDBOX_NOTE,
        tenant_names=names,
        storage_url=storage.account_url if storage else None,
        storage_ca=str(storage.ca_path) if storage else None,
        control=sandbox.control,
    )


class PickerDialog(QDialog):
    def __init__(self, request: dict[str, Any], parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Pick an account — sandbox broker")
        self.setMinimumWidth(420)
        self.list = QListWidget()
        self.list.setAccessibleName("Accounts the broker offers")
        for user in request["offered"]:
            # One username can be two accounts (a personal and a work one): each tile says
            # which, as Microsoft's sign-in page does, and answers with the account's id.
            kind = "personal account" if user["personal"] else "work or school account"
            where = f" · {user['tenant']}" if user.get("tenant") else ""
            item = QListWidgetItem(f"{user['name']}\n{user['username']} · {kind}{where}")
            item.setData(0x0100, user.get("id") or user["username"])
            item.setData(0x0101, bool(user.get("mfaRequired")))
            self.list.addItem(item)
        # Entra ID asks for MFA where a policy demands it; the user may also do it anyway, or
        # give up at the prompt. What was done is recorded (the token's amr claim).
        self.mfa = QCheckBox("Complete multi-factor authentication")
        self.mfa.setToolTip(
            "Ticked when a Conditional Access policy asks this account for MFA here; tick it "
            "to do MFA anyway (later requests that need it then succeed silently), untick it "
            "to give up at the MFA prompt."
        )
        self.list.currentItemChanged.connect(self._follow_policy)
        self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _: self.accept())
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Continue")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Sign in to <b>{request.get('authority', '')}</b>"))
        layout.addWidget(self.list)
        layout.addWidget(self.mfa)
        layout.addWidget(buttons)

    def _follow_policy(self, item: QListWidgetItem | None) -> None:
        self.mfa.setChecked(bool(item and item.data(0x0101)))

    def username(self) -> str | None:
        """The chosen account's id (a username from a broker that offers no ids)."""
        item = self.list.currentItem()
        return str(item.data(0x0100)) if item and self.result() else None

    def did_mfa(self) -> bool:
        return self.mfa.isChecked()


class SandboxPicker:
    """Watches the sandbox broker (off the GUI thread) for a picker request carrying our
    window handle and answers it with what the user chose."""

    def __init__(self, control: SandboxControl | None, runner: TaskRunner, parent: QWidget) -> None:
        self.control = control  # None until the window's sandbox is up: nothing to answer
        self.runner = runner
        self.parent = parent
        self.handle = 0
        self.over = parent
        self.dialog: PickerDialog | None = None
        self.timer = QTimer(parent)
        self.timer.setInterval(150)
        self.timer.timeout.connect(self._poll)

    def watch(self, handle: int) -> None:
        """Answer the next picker request carrying this handle, with a dialog over the window
        that has it (ours, or the matrix window)."""
        self.handle = handle
        windows = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        self.over = next((w for w in windows if int(w.winId()) == handle), self.parent)
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _poll(self) -> None:
        if self.dialog is not None or self.control is None:
            return
        self.runner.run("sandbox picker", self.control.state, self._seen, self._lost)

    def _lost(self, error: BaseException) -> None:
        logger.warning("sandbox control failed: %s", type(error).__name__)
        self.stop()

    def _seen(self, state: dict[str, Any]) -> None:
        pending = [p for p in state["pending"] if p.get("parentWindow") == self.handle]
        if not pending or self.dialog is not None:
            return
        self.timer.stop()
        request = pending[0]
        self.dialog = PickerDialog(request, self.over)
        self.dialog.finished.connect(lambda _: self._answer(request["id"]))
        self.dialog.open()

    def _answer(self, request_id: int) -> None:
        assert self.dialog is not None
        username, mfa = self.dialog.username(), self.dialog.did_mfa()
        self.dialog.deleteLater()
        self.dialog = None
        control = self.control
        assert control is not None  # it asked
        self.runner.run(
            "sandbox picker answer",
            lambda: control.answer(request_id, username, mfa),
            lambda _: None,
            self._lost,
        )
