"""`--self-test`: can this installation run? Checked from the inside, the same way on a source
checkout, the frozen Linux bundle and the Windows exe (packaging/build.py runs it on every
build). Each check prints one line, "ok", "note" or "FAIL", with what is wrong and what to do.

Exit status 0 when nothing failed. "No broker answered", a broker that cannot work in this
session (WAM in a session without a desktop, an elevated process: app/core/broker/limits.py)
or that refuses to list accounts here, and a settings file that does not load as it is are
notes, not failures: the app runs and explains them. A broker runtime that cannot load at
all or breaks when called (anything but the broker's own answer), a missing module or icon,
no fonts or a main window that cannot be built are failures. The user's settings file is
only read, never moved aside or rewritten.

A windowed exe has no console and shows a dialog for an exception nobody catches, which a CI
runner never clicks: every line goes to the report file as it is found, a check that raises
is a failure line, a native crash writes its traceback there (faulthandler), and a check that
hangs is stopped by a watchdog that writes every thread's traceback and exits with status 1.
"""

from __future__ import annotations

import faulthandler
import functools
import importlib
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from app.core.broker.runtime import Broker

WATCHDOG = 120.0  # s per check (the broker's listing has 30); build.py allows 300 in all
NOT_REPORTED = 3  # the report could not be written (packaging/launch.py: SELF_TEST_BROKE)

# Everything the app imports at run time, lazily or not.
MODULES = (
    "PySide6.QtCore",
    "PySide6.QtGui",
    "PySide6.QtWidgets",
    "PySide6.QtSvg",
    "platformdirs",
    "msal",
    "azure.core",
    "azure.identity",
    "azure.identity.broker",
    "azure.storage.blob",
    "certifi",
    "cryptography.hazmat.bindings._rust",
    "app.core.broker.winprobes",  # imported on Windows only, when the first call probes
    "app.core.credentials.account",
    "app.core.storage.blobs",
    "app.ui.shell.application",
)


class Report:
    """Each line printed (where there is a console) and written to the report file at once:
    what a killed or crashed self-test found is kept."""

    def __init__(self, out: TextIO | None, file: IO[str] | None = None) -> None:
        self.out = out
        self.file = file
        self.lines: list[str] = []
        self.failures = 0

    def _line(self, kind: str, text: str) -> None:
        line = f"{kind:4} {text}"
        self.lines.append(line)
        if self.out is not None:  # None: a windowed Windows exe has no console
            print(line, file=self.out, flush=True)
        if self.file is not None:
            self.file.write(line + "\n")
            self.file.flush()

    def ok(self, text: str) -> None:
        self._line("ok", text)

    def note(self, text: str) -> None:
        self._line("note", text)

    def fail(self, text: str) -> None:
        self.failures += 1
        self._line("FAIL", text)

    def check(self, what: str, step: Callable[[], str]) -> None:
        """Run step; its return value completes the ok line, an exception fails it."""
        try:
            detail = step()
        except Exception as exc:  # a check that breaks is a failure to report, not a crash
            self.fail(f"{what}: {type(exc).__name__}: {exc}")
        else:
            self.ok(f"{what}{': ' + detail if detail else ''}")


def check_modules(report: Report) -> None:
    for name in MODULES:
        report.check(f"import {name}", functools.partial(_import, name))


def _import(name: str) -> str:
    importlib.import_module(name)
    return ""


def check_versions(report: Report) -> None:
    from app.ui.shell.diagnostics import NOT_INSTALLED, versions

    found = versions()
    missing = [name for name, version in found.items() if version == NOT_INSTALLED]
    if missing:
        report.fail(f"version metadata missing for {', '.join(missing)} (About would say so)")
    else:
        report.ok("versions: " + ", ".join(f"{k} {v}" for k, v in found.items()))


def check_certificates(report: Report) -> None:
    def bundle() -> str:
        import certifi

        path = Path(certifi.where())
        if not path.is_file():
            raise FileNotFoundError(f"certifi's CA bundle is missing: {path}")
        return str(path)

    report.check("CA certificates for HTTPS", bundle)


def check_broker(report: Report, broker: Broker | None = None) -> None:
    """The runtime loads and answers. What the broker itself answers (a status, our deadline)
    is the session's, not the installation's: a note, with the limits found here."""
    from app.core.broker.errors import BrokerError, BrokerUnavailable
    from app.core.broker.runtime import Broker, load_runtime
    from app.core.configurations.profile import Profile
    from app.core.guidance.advice import entra_code
    from app.core.guidance.explain import explain

    broker = broker or Broker(timeout=30)
    limits = broker.limits.get()
    for condition in limits.conditions:
        report.note(f"{broker.platform.broker} in this session: {condition.reason}")
    if limits.unchecked:
        report.note(f"not checked in this session: {', '.join(limits.unchecked)}")
    loaded = load_runtime()
    if isinstance(loaded, BrokerUnavailable):
        if loaded.kind == "no-broker":
            report.note(f"broker runtime loaded; {loaded.reason}. {loaded.remedy}")
        else:
            report.fail(f"broker runtime cannot load: {loaded.reason} {loaded.remedy}")
        return
    report.ok(f"broker runtime loaded from {Path(loaded.__file__ or '').parent}")
    try:
        accounts = broker.discover_accounts(Profile())
    except BrokerError as exc:  # the broker's answer: unavailable in this session
        advice = explain(exc)
        report.note(
            f"{broker.platform.broker} unavailable in this session: it did not list accounts "
            f"({advice.title}{entra_code(advice.code)}). {advice.fix}"
        )
        return
    except Exception as exc:  # not an answer of the broker's: the runtime or the app broke
        report.fail(f"the broker runtime is broken: listing accounts raised {type(exc).__name__}")
        return
    listed = ", ".join(sorted(a.username for a in accounts)) or "none yet"
    report.ok(f"the broker lists {len(accounts)} accounts for the default profile: {listed}")


def check_settings(report: Report) -> None:
    """The user's settings file: does it load as it is? Only read, never moved or rewritten.
    A file that does not load is a note: the app still starts (from defaults)."""
    from app.core.settings.store import Store

    try:
        loads, said = Store().check()
    except Exception as exc:  # e.g. MemoryError on an absurd file: report it, do not crash
        report.fail(f"settings: reading them failed ({type(exc).__name__})")
        return
    (report.ok if loads else report.note)(f"settings: {said}")


def check_window(report: Report) -> None:
    """Icons, fonts and the main window, rendered offscreen with throwaway settings."""
    if "QT_QPA_PLATFORM" not in os.environ:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QFontDatabase
    from PySide6.QtWidgets import QApplication

    from app.core.broker.runtime import Broker
    from app.core.settings.store import Store
    from app.ui.common.icons import ICONS_DIR, names, render
    from app.ui.common.tasks import TaskRunner
    from app.ui.shell.application import build_window

    app = QApplication.instance() or QApplication([sys.argv[0]])

    def icons() -> str:
        found = names()
        if "app" not in found:
            raise FileNotFoundError(f"no app icon in {ICONS_DIR}")
        blank = [name for name in found if render(name, 32).toImage().isNull()]
        if blank:
            raise ValueError(f"these icons do not render: {', '.join(blank)}")
        return f"{len(found)} rendered from {ICONS_DIR}"

    def fonts() -> str:
        families = QFontDatabase.families()
        if not families:
            raise LookupError(
                "no fonts: every character would be an empty box (install fontconfig-config "
                "and a font such as fonts-dejavu-core)"
            )
        return f"{len(families)} families"

    def window() -> str:
        with tempfile.TemporaryDirectory(prefix="bam-self-test-") as tmp:
            settings = QSettings(str(Path(tmp) / "window.ini"), QSettings.Format.IniFormat)
            built = build_window(
                Broker(), TaskRunner(), None, Store(Path(tmp) / "s.json"), settings
            )
            built.show()
            app.processEvents()
            image = built.grab().toImage()
            built.close()
            built.deleteLater()
            app.processEvents()
        if image.isNull() or image.width() < 100:
            raise ValueError("the main window rendered empty")
        return f"built and rendered offscreen ({image.width()}×{image.height()})"

    report.check("icons", icons)
    report.check("fonts", fonts)
    report.check("main window", window)


CHECKS: tuple[Callable[[Report], None], ...] = (
    check_modules,
    check_versions,
    check_certificates,
    check_broker,
    check_settings,
    check_window,
)


def run(report_path: Path | None = None, out: TextIO | None = None) -> int:
    """Every check, each line written as it is found; 0 when nothing failed. The report is
    private to the user (it lists the broker's accounts); one that cannot be opened is said
    on stderr, as what it is (a full disk, a folder that is gone), with exit status 3 (as
    packaging/launch.py exits when the self-test could not report)."""
    file = None
    if report_path is not None:
        from app.core.files.private import open_private
        from app.core.guidance.files import for_file_error, one_line

        try:
            file = open_private(report_path)
        except OSError as exc:
            advice = for_file_error(exc)
            reason = one_line(advice) if advice else exc.strerror or "the disk refused"
            print(f"error: could not write the report to {report_path}: {reason}", file=sys.stderr)
            return NOT_REPORTED
    target = file if file is not None else sys.stderr  # stderr: None in a windowed exe
    watched = _watch(target)
    try:
        report = Report(out if out is not None else sys.stdout, file)
        frozen = "frozen bundle" if getattr(sys, "frozen", False) else "source"
        report.note(f"self-test of {sys.executable} ({frozen}, Python {sys.version.split()[0]})")
        for check in CHECKS:
            if watched:  # each check its own time: a hang is named by its traceback
                faulthandler.dump_traceback_later(WATCHDOG, exit=True, file=target)
            try:
                check(report)
            except Exception as exc:  # a check that breaks is a failure to report
                report.fail(f"{check.__name__} broke: {type(exc).__name__}: {exc}")
        count = report.failures
        verdict = f"failed: {count} problem{'s' * (count != 1)}" if count else "passed"
        report.note(f"self-test {verdict}")
        return 0 if not report.failures else 1
    finally:
        if watched:
            faulthandler.cancel_dump_traceback_later()
            faulthandler.disable()
        if file is not None:
            file.close()


def _watch(file: IO[str] | None) -> bool:
    """A native crash's traceback to file (and, per check, every thread's after WATCHDOG s,
    then exit 1); False where there is no file descriptor to write to."""
    if file is None:
        return False
    try:
        faulthandler.enable(file, all_threads=True)
    except (AttributeError, ValueError, OSError):  # no fileno (a console-less exe, a test)
        return False
    return True
