"""What the matrix tries: accounts, tenants (the well-known three, every known tenant, and any
typed GUID or domain), MSA passthrough off and on, and scope sets. Typed values are checked
as a profile checks them, and a mistake is said beside the field; nothing typed is lost."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.core.broker.records import (
    CONSUMERS_TENANT,
    MSA_PASSTHROUGH_TENANT,
    Account,
    distinct_labels,
    shared_usernames,
)
from app.core.configurations.configuration import WELL_KNOWN_TENANTS
from app.core.configurations.profile import Profile, parse_profile, validate
from app.core.configurations.request_options import OptionError, parse_claims, parse_pop
from app.core.matrix.arm_tenants import EVERY_ARM_TENANT
from app.core.matrix.spec import MatrixSpec, ScopeSet

SCOPE_SETS: tuple[ScopeSet, ...] = (
    ("storage", ("https://storage.azure.com/.default",)),
    ("management", ("https://management.azure.com/.default",)),
    ("vault", ("https://vault.azure.net/.default",)),
    ("graph", ("User.Read",)),
)


class CheckList(QListWidget):
    """Checkable items, each standing for a Python value kept beside it."""

    def __init__(self, name: str, values: Iterable[tuple[str, Any, bool]] = ()) -> None:
        super().__init__()
        self.setAccessibleName(name)
        self.values: list[Any] = []
        for text, value, on in values:
            self.add(text, value, on)

    def add(self, text: str, value: Any, on: bool = True) -> None:
        if value in self.values:
            return
        item = QListWidgetItem(text)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.values.append(value)
        self.addItem(item)

    def checked(self) -> list[Any]:
        return [
            value
            for i, value in enumerate(self.values)
            if self.item(i).checkState() == Qt.CheckState.Checked
        ]


def scrolled(panel: QWidget) -> QScrollArea:
    """The choices in a scroll area: tall and wide, they scroll where the window is small."""
    area = QScrollArea()
    area.setWidget(panel)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setAccessibleName("What to try")
    return area


class AxesPanel(QWidget):
    def __init__(self, profile: Profile, accounts: list[Account], names: Mapping[str, str]) -> None:
        super().__init__()
        self.profile = profile
        ordered = sorted(accounts, key=lambda a: (a.username.lower(), a.home_account_id))
        labels = distinct_labels(ordered)  # "x (personal)", "x (work)" where one username is two
        choices = ((label, a, True) for label, a in zip(labels, ordered, strict=True))
        self.accounts = CheckList("Accounts to try", choices)
        known = [t for t in names if t not in (CONSUMERS_TENANT, MSA_PASSTHROUGH_TENANT)]
        homes = [a.home_tenant for a in accounts if not a.personal]
        tenants = [*WELL_KNOWN_TENANTS, *dict.fromkeys(known + homes)]
        self.tenants = CheckList("Tenants to try", ((names.get(t, t), t, True) for t in tenants))
        # One choice for the tenants ARM lists for the chosen accounts (discovered on Run
        # where not known yet); each account is asked in its own (app.core.matrix.arm_tenants)
        self.tenants.add("Every ARM tenant of these accounts", EVERY_ARM_TENANT, False)
        self.tenants.item(self.tenants.count() - 1).setToolTip(
            "The tenants Azure Resource Manager lists for each chosen account (home and "
            "guest); each account is asked only in its own"
        )
        self.tenant_edit = QLineEdit()
        self.tenant_edit.setPlaceholderText("Add a tenant id or domain")
        self.tenant_edit.setAccessibleName("Add a tenant")
        self.tenant_error = self._error_label()
        self.tenant_edit.returnPressed.connect(self.add_tenant)
        self.passthrough_off = QCheckBox("off")
        self.passthrough_on = QCheckBox("on")
        for box in (self.passthrough_off, self.passthrough_on):
            box.setChecked(True)
            box.setAccessibleName(f"Try with MSA passthrough {box.text()}")
        sets = list(SCOPE_SETS)
        if all(scopes != profile.scopes for _, scopes in sets):
            sets.insert(0, (" ".join(profile.scopes), profile.scopes))
        self.scopes = CheckList("Scope sets to try", ((n, (n, s), n != "graph") for n, s in sets))
        for i, (_, scopes) in enumerate(sets):
            self.scopes.item(i).setToolTip(" ".join(scopes))
        self.scope_edit = QLineEdit()
        self.scope_edit.setPlaceholderText("Add scopes (space separated)")
        self.scope_edit.setAccessibleName("Add a scope set")
        self.scope_error = self._error_label()
        self.scope_edit.returnPressed.connect(self.add_scopes)
        self._options(profile)
        self._layout()

    def _options(self, profile: Profile) -> None:
        """The request options every cell asks with, starting from the profile's."""
        self.force_refresh = QCheckBox("Force refresh (skip the runtime's cache)")
        self.force_refresh.setChecked(profile.force_refresh)
        self.cp1 = QCheckBox("Client capability cp1 (CAE)")
        self.cp1.setChecked("cp1" in profile.client_capabilities)
        pop = profile.pop
        self.pop = QLineEdit(
            " ".join(p for p in (pop.method, pop.url, pop.nonce) if p) if pop else ""
        )
        self.pop.setPlaceholderText("PoP: GET https://host/path [nonce]")
        self.pop.setAccessibleName("Proof of possession: method, URL and nonce")
        self.claims = QLineEdit(profile.claims)
        self.claims.setPlaceholderText("Claims challenge (header, base64 or JSON)")
        self.claims.setAccessibleName("Claims challenge")
        self.options_error = self._error_label()

    @staticmethod
    def _error_label() -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setStyleSheet("color:#c62828;")
        label.hide()
        return label

    def _layout(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for title, widgets in (
            ("Accounts", [self.accounts]),
            ("Tenants", [self.tenants, self.tenant_edit, self.tenant_error]),
            ("MSA passthrough", [self._row(self.passthrough_off, self.passthrough_on)]),
            ("Scope sets", [self.scopes, self.scope_edit, self.scope_error]),
            ("Request options", [self.force_refresh, self.cp1, self.pop, self.claims,
                                 self.options_error]),
        ):  # fmt: skip
            group = QGroupBox(title)
            inner = QVBoxLayout(group)
            for widget in widgets:
                inner.addWidget(widget)
            layout.addWidget(group, 0 if title in ("MSA passthrough", "Request options") else 1)

    @staticmethod
    def _row(*widgets: QWidget) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            layout.addWidget(widget)
        layout.addStretch(1)
        return row

    def name_tenants(self, names: Mapping[str, str]) -> None:
        """The tenant choices by the names known now (ARM's may have come since)."""
        for i, value in enumerate(self.tenants.values):
            if names.get(value):
                self.tenants.item(i).setText(names[value])

    def add_tenant(self) -> None:
        typed = self._typed("tenant", self.tenant_edit, self.tenant_error)
        if typed is not None:
            self.tenants.add(typed.tenant, typed.tenant)

    def add_scopes(self) -> None:
        typed = self._typed("scopes", self.scope_edit, self.scope_error)
        if typed is not None:
            name = " ".join(typed.scopes)
            self.scopes.add(name, (name, typed.scopes))

    @staticmethod
    def _typed(field: str, edit: QLineEdit, error: QLabel) -> Profile | None:
        """What was typed, read as a profile reads that field (the field cleared for the next);
        None when it is wrong: the text kept, what is wrong said beside it."""
        text = edit.text()
        wrong = validate({field: text}).get(field)
        if wrong:
            error.setText(wrong)
            error.show()
            return None
        edit.clear()
        error.hide()
        return parse_profile({field: text})

    def spec(self) -> MatrixSpec | None:
        """The matrix chosen, or None when an axis has nothing chosen; OptionError (shown
        beside the options) for a request option that is wrong."""
        passthrough = tuple(
            value
            for value, box in ((False, self.passthrough_off), (True, self.passthrough_on))
            if box.isChecked()
        )
        accounts = self.chosen_accounts()
        tenants = self.tenants.checked()
        scope_sets = self.scopes.checked()
        if not (accounts and tenants and passthrough and scope_sets):
            return None
        self.options_error.hide()
        try:
            method, _, rest = self.pop.text().strip().partition(" ")
            url, _, nonce = rest.strip().partition(" ")
            pop = parse_pop(method, url, nonce.strip())
            claims = parse_claims(self.claims.text())
        except OptionError as exc:
            self.options_error.setText(str(exc))
            self.options_error.show()
            raise
        return MatrixSpec(
            self.profile.client_id,
            self.profile.authority_host,
            tuple(tenants),
            passthrough,
            tuple(scope_sets),
            tuple(_name(a, shared_usernames(accounts)) for a in accounts),
            pop,
            self.force_refresh.isChecked(),
            claims,
            ("cp1",) if self.cp1.isChecked() else (),
        )

    def chosen_accounts(self) -> list[Account]:
        return list(self.accounts.checked())


def _name(account: Account, shared: set[str]) -> str:
    """How a matrix spec names an account: its username, or its home account id where
    another account has the username too."""
    return account.home_account_id if account.username.casefold() in shared else account.username
