"""Render the main window's states offscreen to docs/*.png against the sandbox, so the
screenshots in README stay current: `.venv/bin/python scripts/screenshots.py`.

Each state is a fresh window with its own temporary settings; `--dark` renders with the
dark colour scheme (run it as its own process: the scheme is set before widgets exist).
The window opens at its default size on a 1920×1080 screen. `--screen=1366x768` renders it
filling a 1366×768 screen, and `--screen=1600x1000 --scale=2` at 2× scaling on a 1600×1000
screen (the window cut to the screen's room): the main states only, as
docs/<state>-<screen>[@2x].png."""

from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OPTIONS = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
SCREEN, SCALE = OPTIONS.get("screen", ""), OPTIONS.get("scale", "")
SUFFIX = f"-{SCREEN}" + (f"@{SCALE}x" if SCALE else "") if SCREEN else ""
VARIANT_STATES = {"accounts", "token-inspector", "blob-pane", "matrix"}
_width, _height = (int(n) for n in (SCREEN or "1920x1080").split("x"))
_screen = Path(tempfile.mkdtemp()) / "screen.json"
_screen.write_text(
    f'{{"screens": [{{"name": "s", "x": 0, "y": 0, "width": {_width}, "height": {_height}, '
    '"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}'
)
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_screen}"
if SCALE:
    os.environ["QT_SCALE_FACTOR"] = SCALE
sys.path.insert(0, str(ROOT))

from app.sandbox.launcher import Sandbox  # noqa: E402

DOCS = ROOT / "docs"


def main(dark: bool) -> None:
    DOCS.mkdir(exist_ok=True)
    with Sandbox(storage=True) as sandbox, tempfile.TemporaryDirectory() as tmp:
        from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, Qt, QTimer
        from PySide6.QtWidgets import QApplication

        from app.core.broker.runtime import Broker
        from app.core.settings.store import Store
        from app.ui.common.tasks import TaskRunner
        from app.ui.configurations.profile_editor import ProfileEditor
        from app.ui.shell.application import build_window
        from app.ui.shell.theme import follow_colour_scheme

        app = QApplication.instance() or QApplication(sys.argv)
        app.setStyle("Fusion")
        if dark:  # as if the OS had switched (offscreen has no OS scheme to follow)
            app.styleHints().setColorScheme(Qt.ColorScheme.Dark)
            follow_colour_scheme(app, dark=True)
        window = build_window(
            Broker(),
            TaskRunner(),
            sandbox,
            Store(Path(tmp) / "settings.json"),
            QSettings(str(Path(tmp) / "w.ini"), QSettings.Format.IniFormat),
        )
        if SCREEN and not SCALE:  # as a user fills a small screen with it
            window.resize(window.screen().availableGeometry().size())
        window.show()

        def settle(until=lambda: True, limit: int = 15000) -> None:  # type: ignore[no-untyped-def]
            """Run the event loop as the app does until `until()` holds, then 150 ms more for
            the paint. Not QTest.qWait: it keeps the GIL while it sleeps, which stalls the
            worker and the runtime's callbacks (the matrix took 44 s instead of ~4 s)."""
            clock = QElapsedTimer()
            clock.start()
            loop = QEventLoop()
            poll = QTimer(interval=25)
            poll.timeout.connect(lambda: (until() or clock.elapsed() >= limit) and loop.quit())
            poll.start()
            loop.exec()
            poll.stop()
            QTimer.singleShot(150, loop.quit)
            loop.exec()

        def shot(name: str, widget=None) -> None:  # type: ignore[no-untyped-def]
            if SUFFIX and name not in VARIANT_STATES:
                return
            path = DOCS / f"{name}{SUFFIX}.png"
            (widget or window).grab().save(str(path))
            print("wrote", path)

        def select(username: str) -> None:
            row = next(i for i, r in enumerate(window.model.rows) if r.account.username == username)
            window.table.selectRow(window.proxy.mapFromSource(window.model.index(row, 0)).row())

        idle = lambda: window.current is None  # noqa: E731

        def matrix_shot(name: str) -> None:
            """The configuration matrix over every sandbox account, run, a guest cell shown."""
            matrix = window.open_matrix()
            settle()
            matrix.run_button.click()
            settle(lambda: matrix.run is None, limit=120000)
            model = matrix.model
            lee = next(i for i, a in enumerate(model.accounts) if a.username.startswith("lee"))
            row = next(i for i, c in enumerate(model.configs) if c.tenant not in
                       ("organizations", "common", "consumers") and c.msa_passthrough)  # fmt: skip
            matrix.grid.setCurrentIndex(model.index(row, lee))
            settle()
            shot(name, matrix)
            matrix.close()

        if dark:
            window.session.refresh()
            settle(lambda: idle() and window.model.rowCount() > 0)
            select("megan@contoso.example")
            window.get_token()
            settle(idle)
            window.make_active()
            settle()
            shot("dark")
            matrix_shot("matrix-dark")
            return
        settle()
        shot("empty")
        window.session.refresh()
        settle(lambda: idle() and window.model.rowCount() > 0)
        shot("accounts")
        select("megan@contoso.example")
        window.get_token()
        settle(idle)
        window.make_active()
        settle()
        shot("token-inspector")
        # A token with a long claim (many scopes of one API), in the inspector beside the list.
        megan = next(r.account for r in window.model.rows if r.account.username.startswith("megan"))
        api = "api://sandbox-screenshots"
        long = window.broker.acquire_token_silently(
            megan, window.profile, [f"{api}/Scope{i:02d}.ReadWrite.All" for i in range(14)]
        )
        window.inspector.show_result(long)
        scp = window.inspector.tree.topLevelItem(0).child(1)
        item = next(scp.child(i) for i in range(scp.childCount()) if scp.child(i).text(0) == "scp")
        window.inspector.tree.setCurrentItem(item)
        window.inspector.tree.scrollToItem(item)
        sizes = window.splitter.sizes()
        window.splitter.setSizes([440, sum(sizes) - 440])  # the splitter dragged to the left
        settle()
        shot("token-inspector-long-claim")
        window.splitter.setSizes(sizes)
        # A proof-of-possession token: the signed request and the access token it wraps.
        pop = dataclasses.replace(
            window.profile,
            pop_method="PUT",
            pop_url="https://contoso.blob.core.windows.net/reports/q3.csv",
            pop_nonce="AAEAAAAAAA",
        )
        window.inspector.show_result(window.broker.acquire_token_silently(megan, pop))
        settle()
        shot("token-inspector-pop")
        window.inspector.show_result(None)
        window.profile_bar.tenant_edit.setText("not a tenant!")
        window.profile_bar.tenant_edit.editingFinished.emit()
        settle()
        shot("profile-bar-error")
        window.profile_bar.tenant_edit.escaped.emit()
        settle()
        select("carl@contoso.example")
        window.get_token()
        settle(idle)
        shot("error-guidance")
        window.banner.hide()
        window.add_account()
        settle(lambda: window.sandbox_picker.dialog is not None)
        shot("sandbox-picker", window.sandbox_picker.dialog)
        window.sandbox_picker.dialog.reject()
        settle(idle)
        editor = ProfileEditor(window.profile, {"Default"}, window)
        editor.tenant.setText("contoso/B2C_1_signin")
        editor.show()
        settle()
        shot("profile-editor", editor)
        editor.close()
        window.diagnostics.show()
        settle()
        shot("diagnostics")
        window.diagnostics.hide()
        window.banner.hide()
        if sandbox.storage is not None:
            from app.sandbox.storage.azurite import seed_demo

            seed_demo(sandbox.storage)
            window.blobs.url.setCurrentText(sandbox.storage.account_url)
            window.tabs.setCurrentWidget(window.storage_tab)
            window.blobs.connect_storage()
            model = window.blobs.model
            settle(lambda: model.rowCount() >= 3)
            documents = next(
                model.index(r, 0)
                for r in range(model.rowCount())
                if model.node(model.index(r, 0)).name == "demo-documents"
            )
            window.blobs.open(documents)
            settle(lambda: model.rowCount(documents) > 0)
            reports = next(
                model.index(r, 0, documents)
                for r in range(model.rowCount(documents))
                if model.node(model.index(r, 0, documents)).name == "reports/"
            )
            window.blobs.open(reports)  # the folder table shows it
            settle(lambda: model.rowCount(reports) > 0)
            window.blobs.tree.setCurrentIndex(model.index(0, 0, reports))
            settle()
            shot("blob-pane")
            # A claims challenge from the storage endpoint: the step-up it offers.
            select("adele@contoso.example")
            window.make_active()
            settle(idle)
            window.blobs.connect_storage()
            settle(lambda: any(model.node(model.index(r, 0)).name == "sensitive"
                               for r in range(model.rowCount())))  # fmt: skip
            sensitive = next(
                model.index(r, 0)
                for r in range(model.rowCount())
                if model.node(model.index(r, 0)).name == "sensitive"
            )
            window.blobs.open(sensitive)
            settle(window.blobs.banner.isVisible)
            shot("blob-claims-challenge")
            # Owner of the subscription, no data role: the storage endpoint's 403, explained.
            select("nestor@contoso.example")
            window.make_active()
            settle(idle)
            window.tabs.setCurrentWidget(window.storage_tab)
            window.blobs.connect_storage()
            settle(window.blobs.banner.isVisible)
            shot("blob-no-data-role")
        matrix_shot("matrix")
        window.close()


if __name__ == "__main__":
    main(dark="--dark" in sys.argv)
