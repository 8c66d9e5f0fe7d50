"""The profile editor: every field of a configuration to try, validated as you type (the
request options too: PoP, force refresh, claims, cp1, login hint), and the redirect URIs its
app registration needs, each with a copy button."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.configurations.authority import AUTHORITY_HOSTS, custom_host_warning
from app.core.configurations.profile import Profile, parse_profile, validate
from app.core.configurations.request_options import POP_METHODS
from app.ui.common.widgets import copy_text, error_style


class ProfileEditor(QDialog):
    def __init__(
        self, profile: Profile, taken_names: set[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Profile — {profile.name}")
        self.taken_names = taken_names - {profile.name}
        self.result_profile: Profile | None = None
        self.name = QLineEdit(profile.name)
        self.client_id = QLineEdit(profile.client_id)
        self.tenant = QLineEdit(profile.tenant)
        self.tenant.setPlaceholderText("organizations, common, consumers, a tenant id or domain")
        self.authority = QComboBox()
        self.authority.setEditable(True)
        for label, url in AUTHORITY_HOSTS.items():
            self.authority.addItem(f"{url}", label)
        self.authority.setCurrentText(profile.authority_host)
        self.custom_host = QCheckBox("Custom authority host (not a Microsoft cloud)")
        self.custom_host.setChecked(profile.custom_authority_host)
        self.host_warning = QLabel()
        self.host_warning.setObjectName("customHostWarning")
        self.host_warning.setStyleSheet("color:#8a5300;")
        self.host_warning.setWordWrap(True)
        custom_box = QWidget()
        custom_layout = QVBoxLayout(custom_box)
        custom_layout.setContentsMargins(0, 0, 0, 0)
        custom_layout.addWidget(self.custom_host)
        custom_layout.addWidget(self.host_warning)
        self.scopes = QLineEdit(" ".join(profile.scopes))
        self.passthrough = QCheckBox("Enable MSA passthrough (personal accounts in this app)")
        self.passthrough.setChecked(profile.msa_passthrough)
        self.default_account = QCheckBox("Use the OS default account first")
        self.default_account.setChecked(profile.use_default_account)
        self.errors: dict[str, QLabel] = {}
        options = self._options(profile)

        form = QFormLayout()
        rows: list[tuple[str, str, QWidget]] = [
            ("name", "&Name", self.name),
            ("client_id", "&Client id", self.client_id),
            ("tenant", "&Tenant", self.tenant),
            ("authority_host", "&Authority host", self.authority),
            ("custom_authority_host", "", custom_box),
            ("scopes", "&Scopes", self.scopes),
            ("msa_passthrough", "", self.passthrough),
            ("use_default_account", "", self.default_account),
            *options,
        ]
        for field, label, widget in rows:
            # Its label, or a box's own words ("Enable MSA passthrough…"), never a field name.
            named = label.replace("&", "") or (
                widget.text() if isinstance(widget, QCheckBox) else self.custom_host.text()
            )
            widget.setAccessibleName(named)
            error = QLabel()
            error.setObjectName(f"{field}Error")
            error.setStyleSheet(error_style())
            error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            error.setWordWrap(True)
            error.hide()
            self.errors[field] = error
            box = QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(widget)
            box.addWidget(error)
            caption = QLabel(label)
            caption.setBuddy(widget)  # Alt+letter focuses the field
            form.addRow(caption, box)

        self.redirects = QGroupBox("Redirect URIs to register for this client id")
        self.redirect_grid = QGridLayout(self.redirects)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.redirects)
        layout.addWidget(self.buttons)

        for edit in (self.name, self.client_id, self.tenant, self.scopes, self.pop_url,
                     self.pop_nonce, self.claims, self.login_hint):  # fmt: skip
            edit.textChanged.connect(self._revalidate)
        self.authority.editTextChanged.connect(self._revalidate)
        self.pop_method.currentTextChanged.connect(self._revalidate)
        for check in (self.custom_host, self.passthrough, self.default_account,
                      self.force_refresh, self.cp1):  # fmt: skip
            check.toggled.connect(self._revalidate)
        self._revalidate()

    def _options(self, profile: Profile) -> list[tuple[str, str, QWidget]]:
        """The request options' rows (what the MSAL team's WAM test app offers)."""
        self.pop_method = QComboBox()
        self.pop_method.addItems(["", *POP_METHODS])
        self.pop_method.setCurrentText(profile.pop_method)
        self.pop_method.setToolTip("Proof-of-possession: the HTTP method of the request the "
                                   "token is bound to (empty: a bearer token)")  # fmt: skip
        self.pop_url = QLineEdit(profile.pop_url)
        self.pop_url.setPlaceholderText("https://host/path of the request the token is for")
        self.pop_nonce = QLineEdit(profile.pop_nonce)
        self.pop_nonce.setPlaceholderText("the nonce the resource gave (optional)")
        self.force_refresh = QCheckBox("Force refresh (the broker answers, not the cache)")
        self.force_refresh.setChecked(profile.force_refresh)
        self.cp1 = QCheckBox("Client capability cp1 (handles CAE claims challenges)")
        self.cp1.setChecked("cp1" in profile.client_capabilities)
        self.claims = QLineEdit(profile.claims)
        self.claims.setPlaceholderText("a WWW-Authenticate claims challenge, its base64 or JSON")
        self.login_hint = QLineEdit(profile.login_hint)
        self.login_hint.setPlaceholderText("user name to sign in with (interactive calls)")
        return [
            ("pop_method", "PoP &method", self.pop_method),
            ("pop_url", "PoP &URL", self.pop_url),
            ("pop_nonce", "PoP n&once", self.pop_nonce),
            ("force_refresh", "", self.force_refresh),
            ("client_capabilities", "", self.cp1),
            ("claims", "Clai&ms", self.claims),
            ("login_hint", "&Login hint", self.login_hint),
        ]

    def raw(self) -> dict[str, object]:
        return {
            "name": self.name.text(),
            "client_id": self.client_id.text(),
            "tenant": self.tenant.text(),
            "authority_host": self.authority.currentText(),
            "custom_authority_host": self.custom_host.isChecked(),
            "scopes": self.scopes.text(),
            "msa_passthrough": self.passthrough.isChecked(),
            "use_default_account": self.default_account.isChecked(),
            "pop_method": self.pop_method.currentText(),
            "pop_url": self.pop_url.text(),
            "pop_nonce": self.pop_nonce.text(),
            "force_refresh": self.force_refresh.isChecked(),
            "client_capabilities": ["cp1"] if self.cp1.isChecked() else [],
            "claims": self.claims.text(),
            "login_hint": self.login_hint.text(),
        }

    def field_errors(self) -> dict[str, str]:
        errors = validate(self.raw())
        if self.name.text().strip() in self.taken_names:
            errors.setdefault("name", "Another profile already has this name.")
        return errors

    def _revalidate(self) -> None:
        errors = self.field_errors()
        for field, label in self.errors.items():
            label.setText(errors.get(field, ""))
            label.setVisible(field in errors)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not errors)
        self._show_host_warning("authority_host" in errors)
        self._show_redirects(None if "client_id" in errors else self.client_id.text().strip())
        self._fit()

    def _fit(self) -> None:
        """Grow to show every row whole. Qt leaves a dialog with word-wrapped text at its old
        height (its minimum ignores height-for-width), so an error appearing, or the redirect
        URIs widening the dialog, clipped the error and drew it over the next row."""
        layout = self.layout()
        assert layout is not None
        layout.activate()
        needed = max(layout.heightForWidth(self.width()), layout.minimumSize().height())
        self.setMinimumHeight(needed)
        if self.height() < needed:
            self.resize(self.width(), needed)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            # Wrapped text needs another height at another width; measured once the layout
            # has settled at this width (inside this event it still has the old one).
            QTimer.singleShot(0, self._fit)

    def _show_host_warning(self, host_invalid: bool) -> None:
        warning = None
        if not host_invalid and self.custom_host.isChecked():
            host = parse_profile({k: v for k, v in self.raw().items() if "authority" in k})
            if host.custom_authority_host:  # not a Microsoft cloud's host after all
                warning = custom_host_warning(host.authority_host)
        self.host_warning.setText(warning or "")
        self.host_warning.setVisible(warning is not None)

    def _show_redirects(self, client_id: str | None) -> None:
        while self.redirect_grid.count():
            item = self.redirect_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        if client_id is None:
            self.redirect_grid.addWidget(QLabel("Enter a valid client id to see them."), 0, 0)
            return
        uris = Profile(client_id=client_id.lower()).redirect_uris()
        chain: list[QWidget] = [self.login_hint]
        for row, (platform, uri) in enumerate(uris.items()):
            value = QLineEdit(uri)
            value.setReadOnly(True)
            value.setMinimumWidth(value.fontMetrics().horizontalAdvance(uri) + 16)
            value.setCursorPosition(0)
            value.setAccessibleName(f"Redirect URI for {platform}")
            copy = QPushButton("Copy")
            copy.setAccessibleName(f"Copy the redirect URI for {platform}")
            copy.clicked.connect(_copier(copy, uri, f"the redirect URI for {platform}"))
            self.redirect_grid.addWidget(QLabel(platform), row, 0)
            self.redirect_grid.addWidget(value, row, 1)
            self.redirect_grid.addWidget(copy, row, 2)
            chain += [value, copy]
        # Made after Save and Cancel, they would come after them in the tab order: top down.
        buttons = self.buttons.buttons()  # in the order the platform lays them out
        chain += sorted(buttons, key=lambda b: b.x())
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)

    def _accept(self) -> None:
        if self.field_errors():
            return
        self.result_profile = parse_profile(self.raw())
        self.accept()


def _copier(source: QWidget, text: str, what: str) -> Callable[[], None]:
    return lambda: copy_text(source, text, what)
