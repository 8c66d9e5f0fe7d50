"""The scrubbing formatter behind --verbose stderr: each line as the Diagnostics dock shows it
(secrets always redacted; usernames, names and known object ids while PII is off), with the
dock's own switch and ids when they share a Scrubber (as the app's do: PROCESS)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from app.core.tokens.scrubbing import PROCESS, Scrubber, ScrubbingFormatter
from app.ui.shell.log_handler import QtLogHandler
from tests.unit.core.tokens.helpers import CLAIMS, make_jwt

OID = "9b1e3c55-0f7a-5d2e-8c4b-2d6a1f3e7b90"
TOKEN = make_jwt(CLAIMS)


@pytest.fixture
def shared() -> Scrubber:
    return Scrubber()


@pytest.fixture
def stderr(shared: Scrubber) -> Iterator[io.StringIO]:
    """A stream handler on a logger of the test's own, formatted as app/__main__.py's."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(ScrubbingFormatter("%(name)s %(levelname)s %(message)s", shared))
    logger = logging.getLogger("test.scrubbing")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield stream
    logger.removeHandler(handler)


def say(message: str, *args: object) -> None:
    logging.getLogger("test.scrubbing").info(message, *args)


def test_pii_off_usernames_names_and_known_object_ids_are_scrubbed(shared, stderr) -> None:  # type: ignore[no-untyped-def]
    shared.know([OID.upper()])
    say("%s under tenant organizations", "adele@contoso.example")
    say('{"display_name": "Adele Vance", "oid": "%s"} seen %s', OID, OID)
    lines = stderr.getvalue().splitlines()
    assert lines[0] == "test.scrubbing INFO <username> under tenant organizations"
    assert "Adele Vance" not in lines[1] and OID not in lines[1]
    assert "<name>" in lines[1] and lines[1].endswith("seen <object id>")


def test_secrets_are_redacted_even_with_pii_on(shared, stderr) -> None:  # type: ignore[no-untyped-def]
    shared.pii = True
    say("got %s for %s", TOKEN, "adele@contoso.example")
    try:
        raise ValueError(f"refresh_token={TOKEN}")
    except ValueError:
        logging.getLogger("test.scrubbing").exception("failed")
    text = stderr.getvalue()
    assert TOKEN not in text and TOKEN[:40] not in text
    assert "adele@contoso.example" in text  # PII on: the username is shown
    assert "Traceback" in text  # the traceback is kept, its secret not


def test_the_dock_and_stderr_share_one_switch_and_the_ids(shared, stderr) -> None:  # type: ignore[no-untyped-def]
    """The dock's handler made with the app's scrubber: its PII switch and the accounts it
    is told of apply to stderr too; a new dock starts with the switch off."""
    dock = QtLogHandler(scrubber=shared)
    dock.set_pii(True)
    say("as %s", "adele@contoso.example")
    dock.set_pii(False)
    dock.know([OID])
    say("as %s (%s)", "adele@contoso.example", OID)
    first, second = stderr.getvalue().splitlines()
    assert first.endswith("as adele@contoso.example")
    assert second.endswith("as <username> (<object id>)")
    shared.pii = True
    QtLogHandler(scrubber=shared)
    assert shared.pii is False


def test_the_app_formatter_uses_the_process_scrubber() -> None:
    assert ScrubbingFormatter().scrubber is PROCESS
