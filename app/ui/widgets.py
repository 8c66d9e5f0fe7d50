"""Small widgets: the guidance banner and the token inspector."""

from __future__ import annotations

import base64
import json
import time
from typing import Any, ClassVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.accounts import TokenResult
from app.core.guidance import Guidance


class Banner(QFrame):
    """What happened and how to fix it, inline in the window; never a traceback."""

    STYLES: ClassVar[dict[str, str]] = {
        "error": "background:#fdecea; color:#611a15; border:1px solid #f5c6cb;",
        "info": "background:#e8f4fd; color:#0d3c61; border:1px solid #b6dcf7;",
        "sandbox": "background:#fff4e5; color:#663c00; border:1px solid #ffd699;",
    }

    def __init__(self, kind: str = "error") -> None:
        super().__init__()
        self.setObjectName(f"{kind}Banner")
        self.setStyleSheet(f"#{kind}Banner {{{self.STYLES[kind]} border-radius:4px;}}")
        self.title = QLabel()
        self.title.setStyleSheet("font-weight:bold; border:none;")
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.setStyleSheet("border:none;")
        self.action = QPushButton()
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

    def show_text(self, title: str, body: str, closable: bool = True) -> None:
        self.title.setText(title)
        self.body.setText(body)
        self.close_button.setVisible(closable)
        self.show()

    def show_guidance(self, guidance: Guidance, context: str = "") -> None:
        prefix = f"{context}: " if context else ""
        self.show_text(
            f"{prefix}{guidance.title}",
            f"{guidance.explanation}\n\nWhat to do: {guidance.fix}   [{guidance.code}]",
        )


def decode_claims(jwt: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims of a JWT, for display only (the signature is not verified)."""
    try:
        header, payload = (
            json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
            for part in jwt.split(".")[:2]
        )
    except ValueError:
        return {}, {}
    return header, payload


TIME_CLAIMS = ("iat", "nbf", "exp")


class TokenInspector(QWidget):
    """Decoded header and claims of the access token and id token, and a live countdown."""

    def __init__(self) -> None:
        super().__init__()
        self.result: TokenResult | None = None
        self.summary = QLabel("No token yet. Select an account and get a token.")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Token summary")
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Claim", "Value"])
        self.tree.setAccessibleName("Token claims")
        self.tree.setColumnWidth(0, 170)
        self.tree.setAlternatingRowColors(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.timer.start(1000)

    def show_result(self, result: TokenResult | None) -> None:
        self.result = result
        self.tree.clear()
        if result is None:
            self.summary.setText("No token yet. Select an account and get a token.")
            return
        for title, jwt in (("Access token", result.access_token), ("ID token", result.id_token)):
            header, claims = decode_claims(jwt)
            top = QTreeWidgetItem([title, "decoded for display, not verified"])
            self.tree.addTopLevelItem(top)
            for section, values in (("header", header), ("claims", claims)):
                node = QTreeWidgetItem([section, ""])
                top.addChild(node)
                for key, value in values.items():
                    node.addChild(QTreeWidgetItem([key, _format(key, value)]))
            top.setExpanded(True)
            top.child(1).setExpanded(True)
        self._tick()

    def _tick(self) -> None:
        result = self.result
        if result is None:
            return
        _, claims = decode_claims(result.access_token)
        left = result.expires_in()
        countdown = (
            f"expires in {left // 3600}:{left % 3600 // 60:02d}:{left % 60:02d}"
            if left > 0
            else "expired"
        )
        self.summary.setText(
            f"<b>{result.account.username}</b> — {countdown}<br>"
            f"Audience: {claims.get('aud', '?')} · Tenant: {claims.get('tid', '?')}<br>"
            f"Scopes granted: {' '.join(result.granted_scopes) or claims.get('scp', '')}"
        )


def _format(key: str, value: Any) -> str:
    if key in TIME_CLAIMS and isinstance(value, int):
        return f"{value}  ({time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(value))})"
    return value if isinstance(value, str) else json.dumps(value)
