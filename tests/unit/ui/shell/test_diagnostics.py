"""The Diagnostics dock with real Qt (offscreen): thread-safe logging, redaction, filters, the
PII switch, saving, versions, and clean removal of its log handler."""

from __future__ import annotations

import logging
import os
import stat
import threading
import uuid
from collections import deque
from pathlib import Path

import pytest

from app.ui.shell.diagnostics import LOGGERS, DiagnosticsDock, QtLogHandler, versions

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
BEARER = "Bearer abc.def.ghi"


class Harness:
    def __init__(self) -> None:
        self.pii_calls: list[bool] = []
        self.confirm_answer = False
        self.confirm_calls: list[str] = []
        self.path = ""

    def set_pii(self, on: bool) -> None:
        self.pii_calls.append(on)

    def confirm(self, parent: object, text: str) -> bool:
        self.confirm_calls.append(text)
        return self.confirm_answer

    def choose_path(self, parent: object, suggested: str) -> str:
        return self.path


@pytest.fixture
def harness() -> Harness:
    return Harness()


@pytest.fixture
def dock(qtbot, harness):  # type: ignore[no-untyped-def]
    levels = {name: logging.getLogger(name).level for name in LOGGERS}
    dock = DiagnosticsDock(
        set_pii=harness.set_pii, confirm=harness.confirm, choose_path=harness.choose_path
    )
    qtbot.addWidget(dock)
    show_everything(dock)
    dock.install()
    yield dock
    dock.uninstall()
    for name, level in levels.items():
        target = logging.getLogger(name)
        assert not any(isinstance(h, QtLogHandler) for h in target.handlers)
        assert target.level == level


def show_everything(dock: DiagnosticsDock) -> None:
    dock.level.setCurrentIndex(dock.level.findText("Debug"))
    dock.source.setCurrentIndex(dock.source.findText("All"))


def marker() -> str:
    return f"marker-{uuid.uuid4().hex[:10]}"


def shown(dock: DiagnosticsDock) -> str:
    return dock.view.toPlainText()


def test_dock_identity(dock):
    assert dock.windowTitle() == "Diagnostics"
    assert dock.objectName() == "diagnosticsDock"
    assert dock.view.isReadOnly()
    assert dock.view.maximumBlockCount() == 5000
    assert not dock.pii.isChecked()
    for widget in (dock.view, dock.level, dock.source, dock.pii, dock.clear_button):
        assert widget.accessibleName()
    assert dock.save_button.accessibleName()


def test_record_from_a_background_thread_appears(dock, qtbot):
    text = marker()
    gui_thread = threading.get_ident()
    received_on: list[int] = []

    class Spy(deque):  # type: ignore[type-arg]
        def append(self, item):  # type: ignore[no-untyped-def]
            received_on.append(threading.get_ident())
            super().append(item)

    dock.entries = Spy(maxlen=5000)
    worker = threading.Thread(
        target=lambda: logging.getLogger("msalruntime").debug("native says %s", text)
    )
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: text in shown(dock))
    assert received_on and set(received_on) == {gui_thread}  # the slot ran on the GUI thread
    assert any(text in line for line in dock.handler.lines())


def test_many_threads_logging_at_once(dock, qtbot):
    text = marker()

    def burst(n: int) -> None:
        for i in range(200):
            logging.getLogger("app.worker").debug("%s %d-%d", text, n, i)

    workers = [threading.Thread(target=burst, args=(n,)) for n in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    qtbot.waitUntil(lambda: sum(text in e[2] for e in dock.entries) == 800)
    assert sum(text in line for line in dock.handler.lines()) == 800


def test_tokens_are_redacted_in_view_and_buffer(dock, qtbot):
    text = marker()
    worker = threading.Thread(
        target=lambda: logging.getLogger("msal").info(
            "%s token %s header Authorization: %s", text, JWT, BEARER
        )
    )
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: text in shown(dock))
    line = next(line for line in shown(dock).splitlines() if text in line)
    assert "<redacted>" in line
    assert JWT not in shown(dock) and "abc.def.ghi" not in shown(dock)
    assert not any(JWT in line or "abc.def.ghi" in line for line in dock.handler.lines())


@pytest.mark.expect_log("flush marker")  # a warning, to see it pass the Info filter
def test_level_filter_hides_debug_lines(dock, qtbot):
    debug, info = marker(), marker()
    logging.getLogger("app.core.broker.runtime").debug("debug %s", debug)
    logging.getLogger("app.core.broker.runtime").info("info %s", info)
    qtbot.waitUntil(lambda: debug in shown(dock) and info in shown(dock))
    dock.level.setCurrentIndex(dock.level.findText("Info"))
    assert info in shown(dock) and debug not in shown(dock)
    late = marker()
    logging.getLogger("app").debug("late %s", late)
    logging.getLogger("app").warning("flush %s", info)
    qtbot.waitUntil(lambda: shown(dock).count(info) == 2)
    assert late not in shown(dock)
    dock.level.setCurrentIndex(dock.level.findText("Debug"))
    assert debug in shown(dock) and late in shown(dock)


def test_source_filter_shows_only_msal(dock, qtbot):
    ours, theirs, native = marker(), marker(), marker()
    logging.getLogger("app").info(ours)
    logging.getLogger("msal.application").info(theirs)
    logging.getLogger("msalruntime").info(native)
    qtbot.waitUntil(lambda: all(m in shown(dock) for m in (ours, theirs, native)))
    dock.source.setCurrentIndex(dock.source.findText("msal"))
    assert theirs in shown(dock)
    assert ours not in shown(dock) and native not in shown(dock)
    dock.source.setCurrentIndex(dock.source.findText("All"))
    assert all(m in shown(dock) for m in (ours, theirs, native))


def test_by_default_the_apps_own_events_show_and_the_rest_is_kept(qtbot, harness):
    """At the default level 1,528 of 1,565 lines were the runtime's telemetry."""
    dock = DiagnosticsDock(set_pii=harness.set_pii, confirm=harness.confirm)
    qtbot.addWidget(dock)
    assert (dock.source.currentText(), dock.level.currentText()) == ("App", "Info")
    dock.install()
    try:
        ours, chatter, detail = marker(), marker(), marker()
        logging.getLogger("app.ui.accounts.session").info(ours)
        for _ in range(40):
            logging.getLogger("msalruntime").info("telemetry %s", chatter)
        logging.getLogger("app.core.broker.runtime").debug(detail)
        qtbot.waitUntil(lambda: ours in shown(dock))
        dock.drain()
        assert chatter not in shown(dock) and detail not in shown(dock)
        lines = len(shown(dock).splitlines())
        assert dock.count.text() == f"{lines} of {len(dock.entries)} lines"
        assert lines < len(dock.entries) - 40
        assert sum(chatter in line for line in dock.handler.lines()) == 40  # saved all the same
        show_everything(dock)
        assert chatter in shown(dock) and detail in shown(dock)
        assert dock.count.text() == f"{len(dock.entries)} of {len(dock.entries)} lines"
    finally:
        dock.uninstall()


def test_clear_empties_view_and_buffer(dock, qtbot):
    text = marker()
    logging.getLogger("azure.identity").warning(text)
    qtbot.waitUntil(lambda: text in shown(dock))
    dock.clear_button.click()
    assert shown(dock) == ""
    assert not any(text in line for line in dock.handler.lines())


def test_pii_declined_stays_off(dock, harness):
    harness.confirm_answer = False
    dock.pii.click()
    assert len(harness.confirm_calls) == 1
    assert "tenant ids" in harness.confirm_calls[0]
    assert not dock.pii.isChecked()
    assert harness.pii_calls == []


def test_pii_confirmed_turns_on_and_off(dock, harness):
    harness.confirm_answer = True
    dock.pii.click()
    assert dock.pii.isChecked()
    assert harness.pii_calls == [True]
    dock.pii.click()
    assert not dock.pii.isChecked()
    assert harness.pii_calls == [True, False]
    assert len(harness.confirm_calls) == 1  # turning it off needs no confirmation


def test_pii_setter_failure_is_reported_not_raised(qtbot, harness):
    def broken(on: bool) -> None:
        raise RuntimeError("runtime gone")

    dock = DiagnosticsDock(set_pii=broken, confirm=lambda *_: True)
    qtbot.addWidget(dock)
    dock.pii.click()
    assert not dock.pii.isChecked()
    assert "runtime gone" in dock.status.text()


def test_save_diagnostics_writes_versions_and_lines(dock, qtbot, harness, tmp_path: Path):
    text = marker()
    logging.getLogger("msalruntime").info("%s refresh_token=%s %s", text, "secret123", JWT)
    qtbot.waitUntil(lambda: text in shown(dock))
    harness.path = str(tmp_path / "diag.txt")
    assert dock.save_diagnostics() is True
    saved = (tmp_path / "diag.txt").read_text(encoding="utf-8")
    assert text in saved
    assert JWT not in saved and "secret123" not in saved
    assert "Include personal data (PII) in logs: off" in saved
    for name, value in versions().items():
        assert f"{name}: {value}" in saved
    assert [p.name for p in tmp_path.iterdir()] == ["diag.txt"]  # no temp file left
    assert "saved" in dock.status.text()
    if os.name == "posix":  # private to the user, whatever the umask
        assert stat.S_IMODE((tmp_path / "diag.txt").stat().st_mode) == 0o600


def test_save_error_is_shown_without_raising(dock, harness, tmp_path: Path):
    harness.path = str(tmp_path / "missing" / "diag.txt")
    assert dock.save_diagnostics() is False
    assert not dock.status.isHidden()
    assert "Could not save" in dock.status.text()
    assert "The folder is gone: choose another folder, then try again." in dock.status.text()
    assert not (tmp_path / "missing").exists()


def test_cancelled_save_writes_nothing(dock, harness, tmp_path: Path):
    harness.path = ""
    assert dock.save_diagnostics() is False
    assert dock.status.isHidden()


def test_versions_names_the_broker_libraries():
    found = versions()
    for key in ("msal", "pymsalruntime", "azure-identity", "PySide6", "Qt", "Python"):
        assert found[key]
    assert found["msal"] != "not installed"


def test_uninstall_removes_the_handler_from_every_logger(dock):
    handler = dock.handler
    for name in LOGGERS:
        assert handler in logging.getLogger(name).handlers
        assert logging.getLogger(name).level == logging.DEBUG
    assert handler not in logging.getLogger().handlers
    dock.uninstall()
    for name in LOGGERS:
        assert handler not in logging.getLogger(name).handlers
    dock.uninstall()  # twice is harmless


def test_with_pii_off_no_line_names_a_user_in_view_or_file(dock, qtbot, harness, tmp_path):
    """Entra ID's own text, as the native runtime quotes it with its PII switch off."""
    text, oid = marker(), "19627616-3bd3-5c6b-8ba7-6ca5c6934407"
    dock.handler.know([oid.upper()])
    logging.getLogger("msalruntime").error(
        "%s Context 'AADSTS50020: User account 'adele@contoso.example' from identity provider "
        "'https://sts.windows.net/x/' does not exist', account %s, folder %s",
        text, oid, Path.home() / "x",
    )  # fmt: skip
    qtbot.waitUntil(lambda: text in shown(dock))
    harness.path = str(tmp_path / "diag.txt")
    assert dock.save_diagnostics()
    for where in (shown(dock), (tmp_path / "diag.txt").read_text()):
        line = next(line for line in where.splitlines() if text in line)
        assert "User account '<username>' from" in line and "<object id>" in line
        assert "adele" not in line and oid not in line and str(Path.home()) not in line


def test_turning_pii_off_scrubs_what_was_logged_while_it_was_on(dock, qtbot, harness, tmp_path):
    harness.confirm_answer = True
    dock.pii.click()
    text = marker()
    logging.getLogger("msal").info("%s login_hint=megan@contoso.example", text)
    qtbot.waitUntil(lambda: text in shown(dock))
    assert "megan@contoso.example" in shown(dock)  # on: as it was logged
    dock.pii.click()
    assert "megan" not in shown(dock) and text in shown(dock)
    harness.path = str(tmp_path / "diag.txt")
    assert dock.save_diagnostics()
    saved = (tmp_path / "diag.txt").read_text()
    assert "Include personal data (PII) in logs: off" in saved
    assert text in saved and "megan" not in saved
