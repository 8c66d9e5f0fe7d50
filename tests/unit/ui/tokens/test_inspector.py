"""The inspector decodes a pasted token, as jwt.ms does, and copies a token as people use it
behind its warning (app.ui.tokens.inspector; real Qt offscreen, no broker: the tokens are made
here)."""

from __future__ import annotations

import shlex

from PySide6.QtGui import QGuiApplication

from app.ui.tokens.inspector import TokenInspector, pasted_token
from tests.unit.core.tokens.helpers import CLAIMS, make_jwt

TOKEN = make_jwt({**CLAIMS, "oid": "o-1", "exp": 4_000_000_000})


def test_a_pasted_token_is_decoded_and_says_it_was_sent_nowhere(qtbot):
    inspector = TokenInspector(confirm=lambda *_: True)
    qtbot.addWidget(inspector)
    inspector.show_pasted(f"  Bearer {TOKEN[:20]}\n{TOKEN[20:]}  ")
    assert inspector.result is not None and inspector.result.account.username == "other@contoso.com"
    assert "pasted here: decoded, never sent" in inspector.summary.text()
    assert "https://storage.azure.com" in inspector.summary.text()
    claims = inspector.tree.topLevelItem(0).child(1)
    shown = {claims.child(i).text(0) for i in range(claims.childCount())}
    assert {"aud", "tid", "oid", "exp"} <= shown


def test_what_is_not_a_token_is_said_without_quoting_it(qtbot):
    inspector = TokenInspector()
    qtbot.addWidget(inspector)
    inspector.show_pasted("hello SECRET-zz9 world")
    assert (
        inspector.result is None and "Not a token this app can decode" in inspector.summary.text()
    )
    assert "SECRET-zz9" not in inspector.summary.text()


def test_header_and_curl_are_copied_only_after_the_warning(qtbot):
    answers: list[str] = []
    inspector = TokenInspector(confirm=lambda _w, text: answers.append(text) or len(answers) > 1)
    qtbot.addWidget(inspector)
    inspector.show_result(pasted_token(TOKEN))
    QGuiApplication.clipboard().setText("before")
    inspector.copy_token("header")  # the warning answered No
    assert QGuiApplication.clipboard().text() == "before" and "act as this account" in answers[0]
    inspector.copy_token("header")
    assert QGuiApplication.clipboard().text() == f"Authorization: Bearer {TOKEN}"
    inspector.copy_token("curl")
    line = shlex.split(QGuiApplication.clipboard().text())
    assert line[0] == "curl" and f"Authorization: Bearer {TOKEN}" in line
    assert line[-1] == "https://<account>.blob.core.windows.net/?comp=list"
