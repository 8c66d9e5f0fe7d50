"""The token inspector: what the access token and the ID token say, next to what jwt.ms shows.
Every claim whole (columns sized to their content, scrolled sideways, the whole value in its
tooltip), what well-known claims mean, times with their zone, a live countdown, one claim or
all of them copied, and the raw token only after a warning."""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMenu,
    QPushButton,
    QToolButton,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.broker.records import Account, TokenResult
from app.core.outcomes.outcome import token_facts
from app.core.tokens.claims import decoded_json, describe, format_value
from app.core.tokens.jwt import (
    DecodedToken,
    TokenDecodeError,
    decode_jwt,
    format_countdown,
    seconds_left,
    split_pop,
)
from app.core.tokens.usage import authorization_header, curl_command
from app.ui.common.widgets import CopyingTree, ask_warning, copy_text

CLAIM, VALUE, MEANING = range(3)
Role = Qt.ItemDataRole.UserRole  # an item's (name, value) for copying
COPY_WARNING = (
    "The access token lets anyone who holds it act as this account against {aud} until it "
    "expires ({left}). Paste it only where you trust, and never into chats, tickets or logs."
)
EMPTY = "No token yet. Select an account and get a token."
SUMMARY_SCOPES = 4  # in the summary; all of them in the claims


def confirm_dialog(parent: QWidget, text: str) -> bool:
    return ask_warning(parent, "Copy the raw access token?", text)


def _decoded(jwt: str) -> DecodedToken | None:
    try:
        return decode_jwt(jwt)
    except TokenDecodeError:
        return None


def _parts(result: TokenResult) -> list[tuple[str, DecodedToken | None]]:
    """What to show: a PoP answer's signed request and the access token it wraps, or the
    access token; then the ID token."""
    id_token = ("ID token", _decoded(result.id_token))
    if result.pop:
        try:
            request, inner = split_pop(result.access_token)
            return [("Signed HTTP request (PoP)", request), ("Access token", _decoded(inner)),
                    id_token]  # fmt: skip
        except TokenDecodeError:
            pass
    return [("Access token", _decoded(result.access_token)), id_token]


def pasted_token(text: str) -> TokenResult:
    """A pasted token as a result to show: "Bearer"/"PoP" prefixes and whitespace dropped;
    its account read from its own claims. TokenDecodeError when it is not one."""
    words = text.split()  # a token wrapped over lines comes back whole
    if len(words) > 1 and words[0].lower().rstrip(":") in ("authorization", "bearer", "pop"):
        words = words[2:] if words[0].lower().startswith("authorization") else words[1:]
    token = "".join(words)
    decoded = decode_jwt(token)
    pop = "at" in decoded.claims
    claims = decode_jwt(split_pop(token)[1]).claims if pop else decoded.claims
    oid, tid = str(claims.get("oid", "")), str(claims.get("tid", ""))
    who = str(claims.get("upn") or claims.get("preferred_username") or "a pasted token")
    account = Account(oid, f"{oid}.{tid}" if oid else "", who, str(claims.get("name") or who),
                      tid, "")  # fmt: skip
    expires = claims.get("exp")
    expires_on = int(expires) if isinstance(expires, int | float) else 0
    return TokenResult(account, token, "", expires_on, (), pop=pop)


def _binding(request: DecodedToken | None) -> str:
    """ "PUT contoso.blob.core.windows.net/reports/q3.csv, nonce n-1" from a signed request."""
    if request is None:
        return "a request this app cannot read"
    c = request.claims
    nonce = f", nonce {c['nonce']}" if c.get("nonce") else ""
    return f"{c.get('m', '?')} {c.get('u', '?')}{c.get('p', '')}{nonce}"


def _tooltip(text: str) -> str:
    """Rich text, so Qt wraps a long value instead of drawing one line off the screen."""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>" if text else ""


class TokenInspector(QWidget):
    """Decoded header and claims of the access token and ID token, and a live countdown."""

    def __init__(
        self,
        confirm: Callable[[QWidget, str], bool] = confirm_dialog,
        tenant_names: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.confirm = confirm
        self.tenant_names = tenant_names or {}
        self.result: TokenResult | None = None
        self.pasted = False  # the token shown was pasted by the user, not acquired
        self.request: DecodedToken | None = None  # a PoP answer's signed request
        self.sections: dict[str, dict[str, dict[str, Any]] | None] = {}
        self.summary = QLabel(EMPTY)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Token summary")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tree = CopyingTree(self.copy_value)
        self.tree.setHeaderLabels(["Claim", "Value", "Meaning"])
        self.tree.setAccessibleName("Token claims")
        self.tree.setAlternatingRowColors(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)  # never cut: scroll sideways
        self.tree.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for text, slot in (
            ("Copy value (Ctrl+C)", self.copy_value),
            ("Copy claim (name and value)", self.copy_claim),
            ("Copy the decoded claims as JSON", self.copy_json),
        ):
            action = QAction(text, self.tree)
            action.triggered.connect(slot)
            self.tree.addAction(action)
        self.json_button = QPushButton("Copy claims as JSON")
        self.json_button.setAccessibleName("Copy the decoded claims as JSON")
        self.json_button.setToolTip("The decoded header and claims of both tokens: no token")
        self.json_button.clicked.connect(self.copy_json)
        self.copy_button = QToolButton()
        self.copy_button.setText("Copy raw access token…")
        self.copy_button.setAccessibleName("Copy the raw access token")
        self.copy_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.copy_button.clicked.connect(lambda: self.copy_token())
        menu = QMenu(self.copy_button)
        for text, form in (
            ("Copy raw access token…", "token"),
            ("Copy as Authorization header…", "header"),
            ("Copy as curl…", "curl"),
        ):
            menu.addAction(text).triggered.connect(lambda _=False, f=form: self.copy_token(f))
        self.copy_button.setMenu(menu)
        self.paste_button = QPushButton("Decode a token…")
        self.paste_button.setAccessibleName("Decode a pasted token")
        self.paste_button.setToolTip("Paste any JWT: decoded here, as jwt.ms does, never sent")
        self.paste_button.clicked.connect(self.ask_pasted)
        for button in (self.json_button, self.copy_button):
            button.setEnabled(False)
        buttons = QHBoxLayout()  # kept narrow: the accounts list beside needs the width
        buttons.addStretch(1)
        buttons.addWidget(self.json_button)
        buttons.addWidget(self.paste_button)
        paste = QHBoxLayout()
        paste.addStretch(1)
        paste.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        layout.addLayout(paste)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.timer.start(1000)

    def ask_pasted(self) -> None:
        text, ok = QInputDialog.getMultiLineText(
            self, "Decode a token", "Paste a token (JWT): it is decoded here and sent nowhere."
        )
        if ok:
            self.show_pasted(text)

    def show_pasted(self, text: str) -> None:
        """Any JWT the user pastes, decoded for display (not verified, never sent)."""
        try:
            result = pasted_token(text)
        except TokenDecodeError as exc:
            self.show_result(None)
            self.summary.setText(html.escape(f"Not a token this app can decode: {exc}"))
            return
        self.show_result(result, pasted=True)

    def show_result(self, result: TokenResult | None, pasted: bool = False) -> None:
        if result is not None and result is self.result:
            return  # shown already: keep where the user scrolled and what they expanded
        self.pasted = pasted
        self.result = result
        self.tree.clear()
        self.sections = {}
        for button in (self.json_button, self.copy_button):
            button.setEnabled(result is not None)
        if result is None:
            self.summary.setText(EMPTY)
            return
        self.request = None
        for title, decoded in _parts(result):
            key = title.split(" (")[0].lower().replace(" ", "_")
            if key == "signed_http_request":
                self.request = decoded
            self.sections[key] = (
                {"header": dict(decoded.header), "claims": dict(decoded.claims)}
                if decoded
                else None
            )
            top = QTreeWidgetItem([title, "decoded for display, not verified", ""])
            top.setData(CLAIM, Role, (key, self.sections[key]))
            self.tree.addTopLevelItem(top)
            if decoded is None:
                top.setText(VALUE, "not a JWT (an opaque token): nothing to show")
                continue
            for section, values in (("header", decoded.header), ("claims", decoded.claims)):
                node = QTreeWidgetItem([section, "", ""])
                node.setData(CLAIM, Role, (section, dict(values)))
                top.addChild(node)
                for name, value in values.items():
                    node.addChild(self._claim(name, value, header=section == "header"))
            top.setExpanded(True)
            claims = top.child(1)
            if claims is not None:
                claims.setExpanded(True)
        self._tick()

    def _claim(self, name: str, value: Any, header: bool) -> QTreeWidgetItem:
        shown = format_value(name, value)
        meaning = describe(name, header)
        item = QTreeWidgetItem([name, shown, meaning])
        item.setData(CLAIM, Role, (name, value))
        item.setToolTip(CLAIM, _tooltip(f"{name}: {meaning}" if meaning else name))
        item.setToolTip(VALUE, _tooltip(shown))
        item.setToolTip(MEANING, _tooltip(meaning))
        return item

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
        shown = facts.scopes[:SUMMARY_SCOPES]
        scopes = " ".join(shown) or "none listed"
        if len(facts.scopes) > len(shown):
            scopes += f" and {len(facts.scopes) - len(shown)} more (see scp or roles below)"
        if "scp" not in facts.claims and "roles" not in facts.claims:
            scopes = f"not in the token; as the broker reported them: {scopes}"
        kind = f"proof-of-possession for {_binding(self.request)}" if result.pop else "bearer"
        source = "pasted here: decoded, never sent" if self.pasted else f"from {result.source}"
        self.summary.setText(
            f"<b>{html.escape(result.account.username)}</b> — "
            f"{'expires in ' + countdown if left > 0 else countdown}<br>"
            f"Audience: {html.escape(facts.audience or '?')} · Tenant: {html.escape(tenant)}<br>"
            f"Scopes granted: {html.escape(scopes)}<br>"
            f"Token: {html.escape(kind)} · {source}"
        )

    # ---- copying -----------------------------------------------------------------------------
    def _chosen(self) -> tuple[str, Any] | None:
        item = self.tree.currentItem()
        data = item.data(CLAIM, Role) if item is not None else None
        return data if isinstance(data, tuple) else None

    def copy_value(self) -> None:
        """The selected claim's value (a time as its number); a token or a section: its
        decoded JSON."""
        chosen = self._chosen()
        if chosen is None:
            return
        value = chosen[1]
        if isinstance(value, dict) or value is None:
            text = decoded_json(value)  # type: ignore[arg-type]
        else:
            text = value if isinstance(value, str) else json.dumps(value)
        copy_text(self, text, f"the value of {chosen[0]}")

    def copy_claim(self) -> None:
        chosen = self._chosen()
        if chosen is not None and not isinstance(chosen[1], dict):
            copy_text(self, f"{chosen[0]}: {format_value(*chosen)}", f"claim {chosen[0]}")

    def copy_json(self) -> None:
        """The decoded header and claims of both tokens: never the raw token."""
        if self.sections:
            copy_text(self, decoded_json(self.sections), "the decoded claims (no token)")

    def copy_token(self, form: str = "token") -> None:
        """An explicit action with a warning: the raw token is a bearer credential, alone,
        as an Authorization header, or in a curl line that sends it."""
        result = self.result
        if result is None:
            return
        facts = token_facts(result.account, result)
        text = COPY_WARNING.format(
            aud=facts.audience or "its audience",
            left=format_countdown(seconds_left(result.expires_on)),
        )
        if not self.confirm(self, text):
            return
        token, pop = result.access_token, result.pop
        claims = dict(self.request.claims) if pop and self.request else dict(facts.claims)
        copied = {
            "token": token,
            "header": authorization_header(token, pop),
            "curl": curl_command(token, pop, claims),
        }[form]
        what = {"token": "the access token", "header": "the Authorization header",
                "curl": "a curl command with the access token"}[form]  # fmt: skip
        copy_text(self, copied, f"{what}: paste it only where you trust")
