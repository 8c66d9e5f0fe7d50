"""As your code would: beside what the broker answered the app for one account under one
configuration, what an SDK user's code gets from azure-identity-broker's
InteractiveBrowserBrokerCredential for the same request (asked when the user chooses, on the
worker, with the broker's window over the app's), every difference explained; and the code
itself, copied for Python with azure-identity-broker, Python with msal, and the az CLI."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.accounts.session import AccountsSession
from app.core.broker.records import Account
from app.core.configurations.configuration import Configuration
from app.core.credentials import snippets
from app.core.credentials.as_your_code import CREDENTIAL, SdkAnswer, ask, differences, predict
from app.core.guidance.explain import explain
from app.ui.common.widgets import copy_text

ANSWERS = {
    "token": "a token",
    "browser": "a browser sign-in instead of the broker (not run)",
    "timeout": "no answer within the deadline",
}


def _label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class AsYourCodeDialog(QDialog):
    def __init__(
        self,
        session: AccountsSession,
        account: Account,
        config: Configuration,
        handle: int,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("As your code would — Broker Account Manager")
        self.setMinimumWidth(720)
        self.session, self.account, self.config, self.handle = session, account, config, handle
        self.profile = config.profile(session.profile)
        self.answer: SdkAnswer | None = None
        where = config.describe(session.names)
        self.heading = _label(f"<b>{escape(account.username)}</b> · {escape(where)}")
        self.ours = _label()
        self.theirs = _label("Not asked yet. Ask shows the broker's window, as your code does.")
        self.found = _label()
        self.found.setObjectName("asYourCodeDifferences")
        self.ask_button = QPushButton(f"Ask as your code would ({CREDENTIAL})")
        self.ask_button.clicked.connect(self.ask)
        grid = QGridLayout()
        grid.addWidget(_label("<b>This app</b> (the broker, asked silently)"), 0, 0)
        grid.addWidget(_label(f"<b>Your code</b> ({CREDENTIAL})"), 0, 1)
        grid.addWidget(self.ours, 1, 0)
        grid.addWidget(self.theirs, 1, 1)
        copies = QDialogButtonBox()
        for text, make in (
            ("Copy Python (azure-identity-broker)", snippets.python_identity),
            ("Copy Python (msal)", snippets.python_msal),
            ("Copy az CLI", snippets.az_cli),
        ):
            button = copies.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
            button.clicked.connect(
                lambda _=False, m=make, t=text: copy_text(self, m(self.profile), t[5:])
            )
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(grid)
        layout.addWidget(self.ask_button)
        layout.addWidget(self.found)
        layout.addWidget(copies)
        layout.addWidget(close)
        self._show()
        known = session.broker.limits.known  # Ask shows the broker's window: not where it cannot
        blocking = known.blocking(interactive=True) if known is not None else ()
        if blocking:
            self.ask_button.setEnabled(False)
            why = " ".join(c.reason for c in blocking)
            self.theirs.setText(escape(f"Not asked: not in this session. {why}"))

    def _broker_claims(self) -> dict[str, object]:
        outcome = self.session.book.get(self.account, self.config)
        return dict(outcome.facts.claims) if outcome and outcome.facts else {}

    def _show(self) -> None:
        outcome = self.session.book.get(self.account, self.config)
        self.ours.setText(
            f"{escape(outcome.label)}: {escape(outcome.reason)}"
            if outcome
            else "Not checked under this configuration yet (Get token asks the broker)."
        )
        answer = self.answer
        if answer is None:
            notes = predict(self.profile, self.session.broker.platform)
            self.found.setText("<br>".join(escape(n) for n in notes))
            return
        got = ANSWERS.get(answer.kind) or f"{answer.exception}: {answer.message}"
        if answer.kind == "token":
            who = answer.claims.get("preferred_username") or answer.claims.get("upn") or ""
            got = f"a token{f' for {who}' if who else ''} (tid {answer.claims.get('tid')})"
        self.theirs.setText(f"Your code gets {escape(str(got))}.")
        found = differences(answer, self._broker_claims(), self.account.username)
        self.found.setText(
            "<b>Differences</b><br>" + "<br>".join(escape(f) for f in found)
            if found
            else "No difference: your code gets what the broker answered the app."
        )

    def ask(self) -> None:
        timeout = self.session.broker.interactive_timeout
        profile, handle = self.profile, self.handle
        started = self.session.run(
            "Asking as your code would",
            lambda: ask(profile, handle, timeout=timeout, here=self.session.broker.platform),
            self._answered,
            self._failed,
            handle=handle,
        )
        self.ask_button.setEnabled(not started)
        if not started:
            self.theirs.setText("Another broker call is running: wait for it, or cancel it.")

    def _answered(self, answer: SdkAnswer) -> None:
        self.answer = answer
        self.ask_button.setEnabled(True)
        self._show()

    def _failed(self, error: BaseException) -> None:
        self.ask_button.setEnabled(True)
        advice = explain(error)
        self.theirs.setText(escape(f"{advice.title}: {advice.explanation}"))


def show(
    session: AccountsSession,
    account: Account,
    config: Configuration,
    handle: int,
    parent: QWidget,
) -> AsYourCodeDialog:
    """Open the dialog over parent (it goes when closed)."""
    dialog = AsYourCodeDialog(session, account, config, handle, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
