"""What the blob pane says when storage refuses or fails (app.ui.storage.errors): the banner
names whose storage it is (not for this computer's disk), and offers the fix that applies.
Real Qt widgets (offscreen), a pane stand-in with the pane's signals and banner, and errors
built as azure-storage-blob raises them (tests/unit/core/guidance/test_storage.py)."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

from azure.core.exceptions import ClientAuthenticationError, HttpResponseError
from PySide6.QtCore import QObject, Signal
from pytestqt.qtbot import QtBot

from app.core.files.disk import DiskError
from app.ui.common.widgets import Banner
from app.ui.storage.errors import show_error
from tests.unit.core.guidance.test_storage import storage


class Pane(QObject):
    token_refused = Signal(object, object)
    sign_in_wanted = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.credential: Any = object()
        self.username: str | None = "megan@contoso.example"
        self.banner = Banner("error")
        self.said: list[str] = []
        self.stepped: list[str] = []

    def say(self, text: str) -> None:
        self.said.append(text)

    def step_up(self, claims: str) -> None:
        self.stepped.append(claims)


def test_a_missing_data_role_is_said_as_the_accounts_storage(qtbot: QtBot) -> None:
    pane = Pane()
    qtbot.addWidget(pane.banner)
    show_error(pane, storage(HttpResponseError, 403, "AuthorizationPermissionMismatch")())
    title = pane.banner.title.text()
    assert title.startswith("Blob storage for megan@contoso.example: ")
    assert pane.banner.action.isHidden()  # a role is not fixed by signing in again


def test_a_full_disk_is_this_computers_with_no_account_named(qtbot: QtBot) -> None:
    pane = Pane()
    qtbot.addWidget(pane.banner)
    show_error(pane, DiskError(errno.ENOSPC, Path("/tmp/big.bin"), needed=2_000, free=10))
    assert "megan" not in pane.banner.title.text()
    assert "Blob storage" not in pane.banner.title.text()


CLAIMS = "eyJhY2Nlc3NfdG9rZW4iOnsiYWNycyI6eyJlc3NlbnRpYWwiOnRydWUsInZhbHVlIjoiYzEifX19"
CHALLENGE = {
    "WWW-Authenticate": 'Bearer authorization_uri="https://login.microsoftonline.com/common/'
    f'oauth2/authorize", error="insufficient_claims", claims="{CLAIMS}"'
}


def test_a_claims_challenge_offers_the_step_up_with_its_claims(qtbot: QtBot) -> None:
    pane = Pane()
    qtbot.addWidget(pane.banner)
    error = storage(ClientAuthenticationError, 401, "InvalidAuthenticationInfo", headers=CHALLENGE)
    show_error(pane, error())
    assert pane.banner.action.text() == "Sign in with the requested claims"
    pane.banner.action.click()
    assert len(pane.stepped) == 1 and pane.stepped[0]  # the challenge's claims, decoded


def test_a_token_the_broker_refused_is_the_windows_banners_to_say(qtbot: QtBot) -> None:
    from app.core.broker.errors import BrokerError

    pane = Pane()
    qtbot.addWidget(pane.banner)
    refused: list[object] = []
    pane.token_refused.connect(lambda refusal, scopes: refused.append(refusal))
    cause = BrokerError("InteractionRequired", context="the account must sign in")
    error = ClientAuthenticationError("no token")
    error.__cause__ = cause
    show_error(pane, error)
    assert refused == [cause] and pane.banner.isHidden()
    assert "the message above the accounts says why" in pane.said[-1]
