"""The token inspector shows what a real sandbox token says; copying it is explicit."""

from __future__ import annotations

import re

from PySide6.QtGui import QGuiApplication

from app.core.broker import Broker
from app.core.profile import Profile
from app.core.tokens import seconds_left
from app.ui.widgets import TokenInspector
from tests.helpers import FABRIKAM, claims


def a_token(profile: Profile | None = None):  # type: ignore[no-untyped-def]
    broker, profile = Broker(), profile or Profile()
    lee = next(a for a in broker.discover_accounts(profile) if a.username.startswith("lee"))
    return broker.acquire_token_silently(lee, profile, ["https://storage.azure.com/.default"])


def claim_rows(inspector: TokenInspector) -> dict[str, str]:
    access = inspector.tree.topLevelItem(0)
    claims = access.child(1)
    return {claims.child(i).text(0): claims.child(i).text(1) for i in range(claims.childCount())}


def shown_countdown(summary: str) -> int:
    """The seconds an "expires in 59:58" or "1:00:00" countdown shows."""
    match = re.search(r"expires in ((?:\d+:)?\d+:\d\d)", summary)
    assert match, summary
    seconds = 0
    for part in match.group(1).split(":"):
        seconds = seconds * 60 + int(part)
    return seconds


def test_claims_countdown_and_audience(qtbot, control, fresh_profile):
    asked: list[str] = []
    inspector = TokenInspector(confirm=lambda _parent, text: asked.append(text) or False)
    qtbot.addWidget(inspector)
    # As the runtime's cache may give it: minted minutes ago (here by the sandbox, on purpose).
    control.age_tokens(150)
    result = a_token(fresh_profile)
    exp = claims(result.access_token)["exp"]
    assert result.expires_on == exp
    most = seconds_left(exp)
    inspector.show_result(result)
    least = seconds_left(exp)
    rows = claim_rows(inspector)
    assert rows["tid"] == FABRIKAM and rows["aud"] == "https://storage.azure.com"
    assert rows["exp"].startswith(f"{exp}  (20")  # the epoch value with a readable date beside it
    summary = inspector.summary.text()
    assert "lee@fabrikam.example" in summary
    assert least <= shown_countdown(summary) <= most  # counted down from the token's own exp
    assert shown_countdown(summary) <= 3600 - 150
    assert "https://storage.azure.com" in summary
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
    assert "https://storage.azure.com" in asked[0]
    inspector.copy_button.click()
    assert QGuiApplication.clipboard().text() == result.access_token
