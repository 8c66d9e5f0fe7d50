"""The token inspector shows what a real sandbox token says; copying it is explicit."""

from __future__ import annotations

import dataclasses
import json
import re
import uuid

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from app.core.broker.runtime import Broker
from app.core.configurations.profile import Profile
from app.core.tokens.jwt import seconds_left
from app.ui.tokens.inspector import TokenInspector
from tests.helpers import FABRIKAM, claims


def a_token(profile: Profile | None = None):  # type: ignore[no-untyped-def]
    broker, profile = Broker(), profile or Profile()
    lee = next(a for a in broker.discover_accounts(profile) if a.username.startswith("lee"))
    return broker.acquire_token_silently(lee, profile, ["https://storage.azure.com/.default"])


def claim_rows(inspector: TokenInspector, section: int = 0) -> dict[str, str]:
    access = inspector.tree.topLevelItem(section)
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


def long_token(profile: Profile):  # type: ignore[no-untyped-def]
    """A real sandbox token whose scp claim is ~400 characters long."""
    broker = Broker()
    lee = next(a for a in broker.discover_accounts(profile) if a.username.startswith("lee"))
    api = f"api://sandbox-{uuid.uuid4().hex[:12]}"
    scopes = [f"{api}/Scope{i:02d}.ReadWrite.All" for i in range(16)]
    return broker.acquire_token_silently(lee, profile, scopes)


def claim_item(inspector: TokenInspector, name: str):  # type: ignore[no-untyped-def]
    claims = inspector.tree.topLevelItem(0).child(1)
    return next(
        claims.child(i) for i in range(claims.childCount()) if claims.child(i).text(0) == name
    )


def test_long_claims_and_names_are_shown_whole_and_scroll_sideways(qtbot, fresh_profile):
    inspector = TokenInspector()
    qtbot.addWidget(inspector)
    inspector.resize(320, 400)  # the width the token tab has at the window's default size
    inspector.show()
    qtbot.waitExposed(inspector)
    result = long_token(fresh_profile)
    inspector.show_result(result)
    scp = claim_item(inspector, "scp")
    value = scp.text(1)
    assert len(value) > 300 and value == claims(result.access_token)["scp"]
    metrics = inspector.tree.fontMetrics()
    header = inspector.tree.header()
    assert header.sectionSize(1) >= metrics.horizontalAdvance(value)  # not cut off: "Scope0…"
    indent = 2 * inspector.tree.indentation()
    assert header.sectionSize(0) >= indent + metrics.horizontalAdvance("preferred_username")
    qtbot.waitUntil(lambda: inspector.tree.horizontalScrollBar().maximum() > 0)
    assert value in scp.toolTip(1)  # the whole value on hover
    assert "Scopes: the delegated permissions" in scp.text(2)
    assert scp.text(2) in scp.toolTip(0)


def test_times_say_their_time_zone(qtbot, fresh_profile):
    inspector = TokenInspector()
    qtbot.addWidget(inspector)
    inspector.show_result(a_token(fresh_profile))
    for name in ("iat", "nbf", "exp"):
        text = claim_item(inspector, name).text(1)
        zone = r"(UTC|.*\(UTC[+-]\d\d:\d\d\)|UTC[+-]\d\d:\d\d)"
        assert re.fullmatch(rf"\d+  \(\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d {zone}\)", text), text


def test_one_claim_or_all_of_them_decoded_are_copied_never_the_token(qtbot, fresh_profile):
    inspector = TokenInspector(confirm=lambda _parent, _text: False)
    qtbot.addWidget(inspector)
    result = a_token(fresh_profile)
    inspector.show_result(result)
    oid = claim_item(inspector, "oid")
    inspector.tree.setCurrentItem(oid)
    qtbot.keyClick(inspector.tree, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == claims(result.access_token)["oid"]
    inspector.copy_claim()
    assert QGuiApplication.clipboard().text() == f"oid: {claims(result.access_token)['oid']}"
    inspector.tree.setCurrentItem(claim_item(inspector, "exp"))
    inspector.copy_value()
    assert QGuiApplication.clipboard().text() == str(claims(result.access_token)["exp"])
    inspector.json_button.click()
    copied = QGuiApplication.clipboard().text()
    decoded = json.loads(copied)
    assert decoded["access_token"]["claims"] == claims(result.access_token)
    assert decoded["id_token"]["claims"] == claims(result.id_token)
    assert result.access_token not in copied and result.access_token.split(".")[2] not in copied
    actions = [a.text() for a in inspector.tree.actions()]
    assert actions == [
        "Copy value (Ctrl+C)",
        "Copy claim (name and value)",
        "Copy the decoded claims as JSON",
    ]


def test_scopes_granted_are_the_tokens_not_the_requested_default(qtbot, fresh_profile):
    inspector = TokenInspector()
    qtbot.addWidget(inspector)
    inspector.show_result(a_token(fresh_profile))  # asked for https://storage.azure.com/.default
    summary = inspector.summary.text()
    assert "Scopes granted: user_impersonation" in summary
    assert ".default" not in summary


def test_a_pop_token_shows_its_signed_request_the_access_token_inside_and_its_source(
    qtbot, control, fresh_profile
):
    inspector = TokenInspector()
    qtbot.addWidget(inspector)
    pop = dataclasses.replace(
        fresh_profile,
        pop_method="PUT",
        pop_url="https://contoso.blob.core.windows.net/reports/q3.csv",
        pop_nonce="n-1",
    )
    result = a_token(pop)
    assert result.pop
    inspector.show_result(result)
    titles = [inspector.tree.topLevelItem(i).text(0) for i in range(3)]
    assert titles == ["Signed HTTP request (PoP)", "Access token", "ID token"]
    request = claim_rows(inspector, 0)
    assert (request["m"], request["u"], request["p"], request["nonce"]) == (
        "PUT",
        "contoso.blob.core.windows.net",
        "/reports/q3.csv",
        "n-1",
    )
    assert "at" not in request  # the wrapped access token is shown decoded, below
    jwk = json.loads(request["cnf"])["jwk"]
    access = claim_rows(inspector, 1)
    assert json.loads(access["cnf"]) == {"kid": jwk["kid"]}
    assert access["aud"] == "https://storage.azure.com" and access["tid"] == FABRIKAM
    summary = inspector.summary.text()
    assert (
        "Token: proof-of-possession for PUT contoso.blob.core.windows.net/reports/q3.csv, "
        "nonce n-1 · from the broker" in summary
    )
    assert "Audience: https://storage.azure.com" in summary

    inspector.show_result(a_token(fresh_profile))  # a bearer token, then the same from cache
    assert "Token: bearer · from the broker" in inspector.summary.text()
    inspector.show_result(a_token(fresh_profile))
    assert "Token: bearer · from the runtime's cache" in inspector.summary.text()
