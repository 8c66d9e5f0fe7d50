"""The token inspector shows what a real sandbox token says; copying it is explicit."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication

from app.core.broker import Broker
from app.core.profile import Profile
from app.ui.widgets import TokenInspector
from tests.helpers import FABRIKAM, unique_scope


def a_token():  # type: ignore[no-untyped-def]
    """A token minted now: for a scope the runtime has cached, it may answer with one another
    test got minutes ago."""
    broker = Broker()
    lee = next(a for a in broker.discover_accounts(Profile()) if a.username.startswith("lee"))
    return broker.acquire_token_silently(lee, Profile(), [unique_scope()])


def claim_rows(inspector: TokenInspector) -> dict[str, str]:
    access = inspector.tree.topLevelItem(0)
    claims = access.child(1)
    return {claims.child(i).text(0): claims.child(i).text(1) for i in range(claims.childCount())}


def test_claims_countdown_and_audience(qtbot, control):
    asked: list[str] = []
    inspector = TokenInspector(confirm=lambda _parent, text: asked.append(text) or False)
    qtbot.addWidget(inspector)
    result = a_token()
    audience = result.granted_scopes[0].removesuffix("/.default")
    inspector.show_result(result)
    rows = claim_rows(inspector)
    assert rows["tid"] == FABRIKAM and rows["aud"] == audience
    assert "(20" in rows["exp"]  # the epoch value with a readable date beside it
    summary = inspector.summary.text()
    assert "lee@fabrikam.example" in summary and "expires in 59:" in summary
    assert audience in summary
    assert inspector.tree.topLevelItem(1).text(0) == "ID token"
    assert result.access_token not in summary


def test_copying_the_raw_token_needs_confirmation(qtbot, control):
    answers = [False, True]
    asked: list[str] = []

    def confirm(_parent, text: str) -> bool:  # type: ignore[no-untyped-def]
        asked.append(text)
        return answers.pop(0)

    inspector = TokenInspector(confirm=confirm)
    qtbot.addWidget(inspector)
    assert not inspector.copy_button.isEnabled()
    result = a_token()
    inspector.show_result(result)
    QGuiApplication.clipboard().setText("before")
    inspector.copy_button.click()
    assert QGuiApplication.clipboard().text() == "before"
    assert result.granted_scopes[0].removesuffix("/.default") in asked[0]  # the audience
    inspector.copy_button.click()
    assert QGuiApplication.clipboard().text() == result.access_token
