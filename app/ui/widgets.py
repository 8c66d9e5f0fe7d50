"""Small widgets: the guidance banner and the token inspector."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.accounts import TokenResult
from app.core.advice import Guidance
from app.core.outcomes import Kind, Outcome, token_facts
from app.core.tokens import (
    DecodedToken,
    TokenDecodeError,
    decode_jwt,
    format_countdown,
    seconds_left,
)
from app.ui.icons import is_dark


class CopyingTree(QTreeWidget):
    """Ctrl+C (the platform's Copy) copies what `copy` makes of the selection, not just the
    current cell's text as item views do by themselves."""

    def __init__(self, copy: Callable[[], None]) -> None:
        super().__init__()
        self.copy = copy

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy()
            return
        super().keyPressEvent(event)


def error_style() -> str:
    """The style of an inline error text, readable in the light and the dark scheme."""
    return "color:#ff8a80;" if is_dark() else "color:#c62828;"


class Banner(QFrame):
    """What happened and how to fix it, inline in the window; never a traceback."""

    STYLES: ClassVar[dict[str, str]] = {
        "error": "background:#fdecea; color:#611a15; border:1px solid #f5c6cb;",
        "info": "background:#e8f4fd; color:#0d3c61; border:1px solid #b6dcf7;",
        "sandbox": "background:#fff4e5; color:#663c00; border:1px solid #ffd699;",
        "warning": "background:#fff4e5; color:#663c00; border:1px solid #ffd699;",
    }
    DARK_STYLES: ClassVar[dict[str, str]] = {
        "error": "background:#3b1f1f; color:#f8d7da; border:1px solid #7f3b3b;",
        "info": "background:#1d2f3f; color:#d6ebfb; border:1px solid #355a7a;",
        "sandbox": "background:#3a2e16; color:#ffe6b3; border:1px solid #7a5d26;",
        "warning": "background:#3a2e16; color:#ffe6b3; border:1px solid #7a5d26;",
    }

    def __init__(self, kind: str = "error") -> None:
        super().__init__()
        self.kind = kind
        self.setObjectName(f"{kind}Banner")
        self.tone = ""
        self._set_tone(kind)
        self.title = QLabel()
        self.title.setStyleSheet("font-weight:bold; border:none;")
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.setStyleSheet("border:none;")
        self.action = QPushButton()
        self._offered: Callable[[], None] | None = None
        self.action.clicked.connect(lambda: self._offered and self._offered())
        self.action.hide()
        self.close_button = QPushButton("Dismiss")
        self.close_button.setAccessibleName("Dismiss message")
        self.close_button.clicked.connect(self.hide)
        text = QVBoxLayout()
        text.addWidget(self.title)
        text.addWidget(self.body)
        layout = QHBoxLayout(self)
        layout.addLayout(text, 1)
        layout.addWidget(self.action, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def _set_tone(self, tone: str) -> None:
        """The banner's colours: its own kind's, or another's for one message (a cancelled
        sign-in is news, not an error)."""
        if tone != self.tone:
            self.tone = tone
            style = (self.DARK_STYLES if is_dark() else self.STYLES)[tone]
            self.setStyleSheet(f"#{self.objectName()} {{{style} border-radius:4px;}}")

    def show_text(self, title: str, body: str, closable: bool = True, tone: str = "") -> None:
        self._set_tone(tone or self.kind)
        self.action.hide()
        self.title.setText(title)
        self.body.setText(body)
        self.close_button.setVisible(closable)
        self.show()

    def show_if(self, title: str, body: str | None) -> None:
        """Shown with this text while there is one; hidden when there is none."""
        if body:
            self.show_text(title, body)
        else:
            self.hide()

    def offer(self, text: str, slot: Callable[[], None]) -> None:
        """A button on the banner for the fix it describes."""
        self.action.setText(text)
        self.action.setAccessibleName(text)
        self._offered = slot
        self.action.show()

    def show_outcome(self, who: str, outcome: Outcome, sign_in: Callable[[], None]) -> None:
        """What the broker answered for this account, unless it was a token; "Sign in again"
        is offered only where signing in can help."""
        if outcome.kind is Kind.TOKEN:
            return
        self.show_text(
            f"{who}: {outcome.title}",
            f"{outcome.reason}\n\nWhat to do: {outcome.fix}   [{outcome.code}]",
        )
        if outcome.needs_interaction:
            self.offer("Sign in again", sign_in)

    def show_guidance(self, guidance: Guidance, context: str = "", tone: str = "") -> None:
        prefix = f"{context}: " if context else ""
        self.show_text(
            f"{prefix}{guidance.title}",
            f"{guidance.explanation}\n\nWhat to do: {guidance.fix}   [{guidance.code}]",
            tone=tone,
        )


def _decoded(jwt: str) -> DecodedToken | None:
    try:
        return decode_jwt(jwt)
    except TokenDecodeError:
        return None


TIME_CLAIMS = ("iat", "nbf", "exp")
COPY_WARNING = (
    "The access token lets anyone who holds it act as this account against {aud} until it "
    "expires ({left}). Paste it only where you trust, and never into chats, tickets or logs."
)


def ask_warning(parent: QWidget, title: str, text: str) -> bool:
    """A warning that defaults to No: for actions that expose secrets or personal data."""
    answer = QMessageBox.warning(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def confirm_dialog(parent: QWidget, text: str) -> bool:
    return ask_warning(parent, "Copy the raw access token?", text)


class TokenInspector(QWidget):
    """Decoded header and claims of the access token and id token, and a live countdown."""

    def __init__(
        self,
        confirm: Callable[[QWidget, str], bool] = confirm_dialog,
        tenant_names: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.confirm = confirm
        self.tenant_names = tenant_names or {}
        self.result: TokenResult | None = None
        self.summary = QLabel("No token yet. Select an account and get a token.")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Token summary")
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Claim", "Value"])
        self.tree.setAccessibleName("Token claims")
        self.tree.setColumnWidth(0, 170)
        self.tree.setAlternatingRowColors(True)
        self.copy_button = QPushButton("Copy raw access token…")
        self.copy_button.setAccessibleName("Copy the raw access token")
        self.copy_button.clicked.connect(self.copy_token)
        self.copy_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignRight)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.timer.start(1000)

    def show_result(self, result: TokenResult | None) -> None:
        if result is not None and result is self.result:
            return  # shown already: keep where the user scrolled and what they expanded
        self.result = result
        self.tree.clear()
        self.copy_button.setEnabled(result is not None)
        if result is None:
            self.summary.setText("No token yet. Select an account and get a token.")
            return
        for title, jwt in (("Access token", result.access_token), ("ID token", result.id_token)):
            decoded = _decoded(jwt)
            top = QTreeWidgetItem([title, "decoded for display, not verified"])
            self.tree.addTopLevelItem(top)
            if decoded is None:
                top.setText(1, "not a JWT: nothing to show")
                continue
            for section, values in (("header", decoded.header), ("claims", decoded.claims)):
                node = QTreeWidgetItem([section, ""])
                top.addChild(node)
                for key, value in values.items():
                    item = QTreeWidgetItem([key, _format(key, value)])
                    item.setToolTip(1, _format(key, value))
                    node.addChild(item)
            top.setExpanded(True)
            top.child(1).setExpanded(True)
        self._tick()

    def _tick(self) -> None:
        result = self.result
        if result is None:
            return
        facts = token_facts(result.account, result)
        left = seconds_left(result.expires_on)
        countdown = format_countdown(left)
        names = self.tenant_names
        tenant = names.get(facts.tenant or "", facts.tenant or "?")
        if facts.guest:
            home = names.get(facts.home_tenant, facts.home_tenant)
            tenant += f" — guest here (home tenant {home})"
        self.summary.setText(
            f"<b>{result.account.username}</b> — "
            f"{'expires in ' + countdown if left > 0 else countdown}<br>"
            f"Audience: {facts.audience or '?'} · Tenant: {tenant}<br>"
            f"Scopes granted: {' '.join(facts.scopes) or 'none listed'}"
        )

    def copy_token(self) -> None:
        """An explicit action with a warning: the raw token is a bearer credential."""
        result = self.result
        if result is None:
            return
        access = _decoded(result.access_token)
        text = COPY_WARNING.format(
            aud=(access.audience if access else None) or "its audience",
            left=format_countdown(seconds_left(result.expires_on)),
        )
        if self.confirm(self, text):
            QGuiApplication.clipboard().setText(result.access_token)


def _format(key: str, value: Any) -> str:
    if key in TIME_CLAIMS and isinstance(value, int):
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(value))
        return f"{value}  ({when})"
    return value if isinstance(value, str) else json.dumps(value)
