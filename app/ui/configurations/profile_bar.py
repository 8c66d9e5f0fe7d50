"""The profile switcher above the accounts: pick a named profile, edit it, add or delete one,
and flip the two settings people try most (tenant, MSA passthrough) without a dialog."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from PySide6.QtCore import QSize, QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.configurations.profile import Profile, ProfileError, parse_profile
from app.core.settings.data import StoreData
from app.ui.common.widgets import error_style
from app.ui.configurations.profile_editor import ProfileEditor

INVALID_FIELD = "QLineEdit {border: 2px solid #c62828; border-radius: 3px; padding: 1px;}"


class TenantEdit(QLineEdit):
    """Esc gives back the tenant in use (what was typed is kept until then)."""

    escaped = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            return
        super().keyPressEvent(event)


class ProfileBar(QWidget):
    changed = Signal(object)  # the Profile now in use

    def __init__(self, data: StoreData, save: Callable[[], None]) -> None:
        super().__init__()
        self.data = data
        self.save = save
        self.combo = QComboBox()
        self.combo.setAccessibleName("Profile")
        self.combo.setMinimumContentsLength(14)
        self.edit_button = QPushButton("Edit…")
        self.new_button = QPushButton("New…")
        self.delete_button = QPushButton("Delete")
        for button, name in (
            (self.edit_button, "Edit profile"),
            (self.new_button, "New profile"),
            (self.delete_button, "Delete profile"),
        ):
            button.setAccessibleName(name)
        self.tenant_edit = TenantEdit()
        self.tenant_edit.setAccessibleName("Tenant")
        self.tenant_edit.setPlaceholderText("organizations, common, consumers or a tenant id")
        # Wide enough for a tenant GUID whatever is shown beside or below it.
        self.tenant_edit.setMinimumWidth(self.tenant_edit.fontMetrics().horizontalAdvance("0" * 30))
        self.tenant_edit.escaped.connect(lambda: self._show(self.profile))
        # The active account's tenants, offered as you type (a name, a domain or an id
        # matches anywhere in the entry); picking one applies its id.
        self.offered: dict[str, str] = {}  # entry -> tenant id
        self.tenants = QStringListModel(self)
        completer = QCompleter(self.tenants, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.activated.connect(self._picked)
        self.tenant_edit.setCompleter(completer)
        self.passthrough = QCheckBox("MSA passthrough")
        # Below the bar, word-wrapped: a message beside the field squeezed it and was cut off.
        self.error = QLabel()
        self.error.setObjectName("profileBarError")
        self.error.setStyleSheet(error_style())
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.setAccessibleName("Profile bar error")
        self.error.hide()
        # The profile's row and the tenant's, side by side where the window is wide enough,
        # one above the other where it is not (a narrow window, 2× scaling).
        self.row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.profile_part, self.tenant_part = QHBoxLayout(), QHBoxLayout()
        for widget in (QLabel("Profile:"), self.combo, self.edit_button, self.new_button,
                       self.delete_button):  # fmt: skip
            self.profile_part.addWidget(widget)
        self.profile_part.addStretch(0)
        self.tenant_part.addWidget(QLabel("Tenant:"))
        self.tenant_part.addWidget(self.tenant_edit, 1)
        self.tenant_part.addWidget(self.passthrough)
        self.row.addLayout(self.profile_part)
        self.row.addSpacing(12)
        self.row.addLayout(self.tenant_part, 1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        outer.addLayout(self.row)
        outer.addWidget(self.error)
        self.show_data()
        self.combo.currentTextChanged.connect(self._selected)
        self.edit_button.clicked.connect(self.edit)
        self.new_button.clicked.connect(self.new)
        self.delete_button.clicked.connect(self.delete)
        self.tenant_edit.editingFinished.connect(self._quick_edit)
        self.passthrough.toggled.connect(self._quick_edit)

    def minimumSizeHint(self) -> QSize:
        """As narrow as the wider of its two rows: it stacks them when it must."""
        parts = (self.profile_part.minimumSize(), self.tenant_part.minimumSize())
        stacked = sum(p.height() for p in parts) + self.row.spacing()
        error = self.error.minimumSizeHint().height() if self.error.isVisible() else 0
        return QSize(max(p.width() for p in parts), stacked + error)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        one_row = (self.profile_part.sizeHint().width() + 12 + self.row.spacing()
                   + self.tenant_part.minimumSize().width())  # fmt: skip
        wide = event.size().width() >= one_row
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self.row.direction() != direction:
            self.row.setDirection(direction)
            self.updateGeometry()

    @property
    def profile(self) -> Profile:
        return self.data.profile()

    def show_data(self) -> None:
        """The profiles and the one in use, as self.data holds them now."""
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItems([p.name for p in self.data.profiles])
        self.combo.setCurrentText(self.data.selected)
        self.combo.blockSignals(False)
        self._show(self.profile)

    def _show(self, profile: Profile) -> None:
        for widget in (self.tenant_edit, self.passthrough):
            widget.blockSignals(True)
        self.tenant_edit.setText(profile.tenant)
        self.passthrough.setChecked(profile.msa_passthrough)
        for widget in (self.tenant_edit, self.passthrough):
            widget.blockSignals(False)
        self._show_error("")
        self.delete_button.setEnabled(len(self.data.profiles) > 1)

    def _selected(self, name: str) -> None:
        if name and name != self.data.selected:
            self.data.selected = name
            self.save()
            self._show(self.profile)
            self.changed.emit(self.profile)

    def _quick_edit(self) -> None:
        raw = {
            **self.profile.to_dict(),
            "tenant": self.offered.get(self.tenant_edit.text(), self.tenant_edit.text()),
            "msa_passthrough": self.passthrough.isChecked(),
        }
        try:
            profile = parse_profile(raw)
        except ProfileError as exc:  # keep what was typed; apply nothing
            self._show_error(
                f"Not applied: {'; '.join(exc.errors.values())}. Correct it and press Enter, "
                f"or press Esc for “{self.profile.tenant}” again."
            )
            return
        self._show_error("")
        self.replace(self.profile, profile)

    def offer_tenants(self, tenants: Sequence[tuple[str, str]]) -> None:
        """(tenant id, label) for each tenant of the active account; typing any id or domain
        still works."""
        self.offered = {f"{label} — {tenant}": tenant for tenant, label in tenants}
        self.tenants.setStringList(list(self.offered))

    def _picked(self, entry: str) -> None:
        self.tenant_edit.setText(self.offered.get(entry, entry))
        self._quick_edit()

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))
        self.tenant_edit.setToolTip(text)
        self.tenant_edit.setStyleSheet(INVALID_FIELD if text else "")

    def replace(self, old: Profile, new: Profile) -> None:
        if new == old:
            return
        self.data.replace_profile(old.name, new)  # its accounts go with a new name
        self.save()
        self.show_data()
        self.changed.emit(new)

    def edit(self) -> None:
        dialog = ProfileEditor(self.profile, self.data.names(), self.window())
        if dialog.exec() and dialog.result_profile is not None:
            self.replace(self.profile, dialog.result_profile)

    def new(self) -> None:
        start = dataclasses.replace(self.profile, name=self.data.new_name())
        dialog = ProfileEditor(start, self.data.names(), self.window())
        if dialog.exec() and dialog.result_profile is not None:
            self.data.add_profile(dialog.result_profile)  # it starts with no accounts
            self.save()
            self.show_data()
            self.changed.emit(self.profile)

    def delete(self) -> None:
        if len(self.data.profiles) < 2:
            return
        self.data.delete_profile(self.profile.name)  # and everything kept under its name
        self.save()
        self.show_data()
        self.changed.emit(self.profile)
