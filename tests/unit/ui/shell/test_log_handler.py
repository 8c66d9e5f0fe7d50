"""The diagnostics log handler on its own: every record redacted, and scrubbed of personal data
while PII is off, whatever thread or logger it came from."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest

from app.ui.shell.log_handler import QtLogHandler

OID = "9b1e3c55-0f7a-5d2e-8c4b-2d6a1f3e7b90"


@pytest.fixture
def handler():  # type: ignore[no-untyped-def]
    handler = QtLogHandler()
    handler.attach(("test.handler",))
    yield handler
    handler.detach()


def log(message: str, *args: object) -> None:
    worker = threading.Thread(target=lambda: logging.getLogger("test.handler").info(message, *args))
    worker.start()
    worker.join()


def test_personal_data_is_scrubbed_while_pii_is_off(handler):
    handler.know([OID])
    log("token for carl@contoso.example (%s) in %s", OID, Path.home() / "Downloads")
    (line,) = handler.lines()
    assert "carl" not in line and OID not in line and str(Path.home()) not in line
    assert "token for <username> (<object id>) in ~" in line
    assert [entry[2] for entry in handler.take()] == [line]


def test_with_pii_on_lines_stay_as_logged_and_are_scrubbed_when_it_goes_off(handler):
    handler.set_pii(True)
    log("signed in lee@fabrikam.example")
    assert "lee@fabrikam.example" in handler.lines()[0]
    handler.set_pii(False)
    assert handler.lines()[0].endswith("signed in <username>")
    assert handler.take()[0][2].endswith("signed in <username>")  # not yet shown: scrubbed too


def test_known_ids_accumulate_and_ignore_case_and_blanks(handler):
    handler.know([OID.upper(), ""])
    handler.know(["00000000-0000-0000-a1ce-5a1d0b0a0001"])
    assert handler.object_ids == {OID, "00000000-0000-0000-a1ce-5a1d0b0a0001"}
    log("LAID %s", OID)
    assert handler.lines()[0].endswith("LAID <object id>")


def test_secrets_are_redacted_even_with_pii_on(handler):
    handler.set_pii(True)
    log("refresh_token=0.AAAsecret for nestor@contoso.example")
    assert handler.lines()[0].endswith("refresh_token=<redacted> for nestor@contoso.example")


def test_azure_cores_header_dumps_are_kept_out_and_its_warnings_are_not():
    """azure-core's HTTP logging policy logs every request's and response's headers at INFO:
    the dock under "All" filled with them within minutes. Attached, the handler holds that
    logger to WARNING; detached, its level is what it was."""
    dumps = logging.getLogger("azure.core.pipeline.policies.http_logging_policy")
    before = dumps.level
    handler = QtLogHandler()
    handler.attach()
    try:
        dumps.info("Request URL: 'https://example.blob.core.windows.net/'")
        dumps.warning("the response was not logged whole")
        logging.getLogger("azure.storage.blob").info("listing blobs")
        texts = [text for _, _, text in handler.take()]
        assert not any("Request URL" in t for t in texts)
        assert any("not logged whole" in t for t in texts)
        assert any("listing blobs" in t for t in texts)  # the rest of azure still comes
    finally:
        handler.detach()
    assert dumps.level == before
