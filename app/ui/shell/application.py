"""Build the QApplication and the services, show the window, run the event loop."""

from __future__ import annotations

import gc
import importlib
import json
import logging
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from app.core.settings.location import default_path
from app.ui.shell import window_state
from app.ui.shell.main_window import MainWindow
from app.ui.shell.opening import BUILD_MODULES, SANDBOX_MODULES, AfterFirstPaint, Opening
from app.ui.shell.window_state import THEME_KEY, window_settings

if TYPE_CHECKING:
    from app.core.broker.runtime import Broker
    from app.core.settings.store import Store
    from app.sandbox.later import LaterSandbox
    from app.sandbox.launcher import Sandbox
    from app.ui.common.tasks import TaskRunner
    from app.ui.shell.one_window import OneWindow, WindowLock
    from app.ui.shell.sandbox_start import SandboxStart

logger = logging.getLogger(__name__)
# Imported only after the window is shown (checked by tests/integration/cli/test_cli.py).
SDK_PACKAGES = ("azure", "msal", "requests", "cryptography", "jwt")


def build_window(
    broker: Broker,
    runner: TaskRunner,
    sandbox: Sandbox | LaterSandbox | None,
    store: Store | None = None,
    settings: QSettings | None = None,
) -> MainWindow:
    """The window built at once (tests, the self-test, benchmarks); run() shows its frame
    first and builds it once that is on screen."""
    from app.core.settings.store import Store

    store = store or Store()
    window = MainWindow(settings or window_settings(store.path))
    for _ in filling(window, broker, runner, sandbox, store):
        pass
    return window


def filling(
    window: MainWindow,
    broker: Broker,
    runner: TaskRunner,
    sandbox: Sandbox | LaterSandbox | None,
    store: Store,
) -> Iterator[None]:
    """The window built (MainWindow.building: a part each time it yields)."""
    from app.core.broker import platform
    from app.ui.common import files

    details = None
    if sandbox is not None:
        from app.ui.shell.sandbox import sandbox_details  # sandbox mode only

        details = sandbox_details(sandbox)
    yield from window.building(
        broker,
        runner,
        store,
        details,
        # The runtime decides at import whether a broker answers: sandbox mode needs a new
        # process, which only Linux can run.
        can_offer_sandbox=sandbox is None and platform.current() is platform.LINUX,
    )
    files.remember_in(window.settings)  # the file dialogs' folders, in window.ini
    sweep_download_folders(runner, window.data.download_folders)


def sweep_download_folders(runner: TaskRunner, folders: list[str]) -> None:
    """Remove the temporaries killed downloads left in the folders downloads went to (the
    settings folder is swept as the settings load). Off the GUI thread: a folder can be on a
    network share that does not answer."""
    from app.core.files.atomic import sweep_stale

    chosen = [Path(folder) for folder in folders]
    runner.run(
        "Removing what killed downloads left",
        lambda: [sweep_stale(folder) for folder in chosen],
        lambda _: None,
        lambda _: None,  # sweep_stale never raises
    )


def restart_in_sandbox(one: OneWindow | None = None) -> None:
    """The native runtime decides at import whether a broker answers, so sandbox mode needs a
    new process; start it (this window no longer answers later launches) and leave."""
    if one is not None:
        one.close()
    args = [*(a for a in sys.argv[1:] if a != "--sandbox"), "--sandbox"]
    command = args if getattr(sys, "frozen", False) else ["-m", "app", *args]
    from PySide6.QtCore import QProcess

    QProcess.startDetached(sys.executable, command)
    QApplication.quit()


def _warm_up_failed(error: BaseException) -> None:
    # Nothing lost: the module is imported again, and its error shown, where it is used.
    logger.warning("preloading the Azure SDK failed: %s", type(error).__name__)
    settle_heap()


GC_YOUNG = 10_000  # net new tracked objects between young collections (Python's default: 700)


def settle_heap() -> None:
    """Move everything alive after start-up (the imported SDKs, Qt wrappers) out of the
    garbage collector's way: each full collection then walks only what came later, which cut
    the largest GUI stall while listing 20,000 blobs from ~60 ms to ~25 ms (measured).

    Young collections wait for GC_YOUNG objects: at Python's 700, parsing one listing page of
    500 blobs (which the SDK does in Python, on a worker, holding the GIL) ran 33 young and 3
    middle collections of up to 8 ms each, ~19 ms of a page's ~230 ms; at 10,000, 1 of up to
    7 ms, and a page took 8-22% less CPU (measured over 10 pages, twice). Cyclic garbage waits a
    little longer to be freed: at most 10,000 objects' worth.

    Only the young generations are collected first: a full collection here, on the GUI
    thread, took 40-56 ms of round 0's 45-63 ms largest gap (benchmarks/event_loop_gap.py)
    and found nothing to free (0 of ~75,000 objects, measured); what start-up left is alive."""
    gc.collect(1)
    gc.freeze()
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])


def warm_up() -> None:
    """Off the GUI thread once the window is shown: import the Azure SDK modules the first
    account and storage actions use, so no click waits on an import (they are not imported
    before the window is shown: ~0.4 s of start-up)."""
    for module in ("app.core.credentials.account", "azure.storage.blob", "app.core.arm.client"):
        importlib.import_module(module)


def probe_startup(app: QApplication, path: Path, window: MainWindow) -> None:
    """For benchmarks/startup.py and the start-up tests: what was imported when the window's
    frame was shown (none of the SDK, none of the parts it is built from) and, once the event
    loop has run, the time; the time it was painted built, and what it then said it waits
    for; then the time the first account listing arrived (or the broker was found
    unavailable); then quit."""
    from app.core.files.private import write_private

    probe: dict[str, object] = {
        "sdk_modules": sorted(m for m in sys.modules if m.split(".")[0] in SDK_PACKAGES),
        "parts": [m for m in BUILD_MODULES if m in sys.modules],
        "frame": window.opening.text() if window.opening.isVisibleTo(window) else "",
    }

    def shown() -> None:
        probe["shown"] = time.time()

    def built() -> None:
        AfterFirstPaint(window, painted)

    def painted() -> None:  # before start_behind starts the first listing (made after this)
        probe["built"] = time.time()
        # after the window's own handlers (the sandbox start's among them): what they said
        window.signals.listing_arrived.connect(listed)
        window.signals.broker_unavailable.connect(listed)
        note = window.accounts_view.note  # what the window says it waits for
        probe["waiting"] = note.title.text() if note.isVisibleTo(window) else ""

    def listed(answer: object = None) -> None:
        if "listed" in probe or "built" not in probe:
            return
        probe["listed"] = time.time()
        probe["rows"] = len(getattr(answer, "accounts", ()))
        banner = window.banner  # why not, and the fix offered
        probe["banner"] = banner.title.text() if banner.isVisibleTo(window) else ""
        probe["offer"] = banner.action.text() if banner.action.isVisibleTo(window) else ""
        probe["broker_loaded"] = "pymsalruntime" in sys.modules
        probe["storage"] = window.storage_tab.url
        write_private(path, json.dumps(probe).encode())
        app.quit()

    QTimer.singleShot(0, shown)
    window.built.connect(built)
    QTimer.singleShot(60_000, listed)  # a listing that never came: the probe says so late


def start_behind(
    window: MainWindow,
    runner: TaskRunner,
    starter: SandboxStart | None,
    warmed: Callable[[], None] = lambda: None,
) -> None:
    """What starts behind the window once it is shown and painted (benchmarks/event_loop_gap.py
    times it as its round 0): the runtime's library, then the sandbox's services, the first
    listing and the SDK's warm-up (then `warmed`)."""

    from app.core.broker import preload

    def start() -> None:
        # The runtime's library loads off the GIL, after the window's first paint and before
        # anything else starts: while it loads, the dynamic loader holds its lock, and any
        # thread that loads something meanwhile (Qt a plugin as it paints something new, an
        # import its extension module) waits for it, with the GIL held: 60-280 ms of a stopped
        # window (measured). Before the window it delayed it ~150 ms on 2 busy cores; left to
        # the first call, it froze the window.
        preload.start()
        runner.run("Loading the broker runtime", preload.loaded, after_load, after_load)

    def after_load(_: object) -> None:
        if starter is not None:
            starter.start()
        window.session.refresh()
        # Behind the sandbox's start, on its thread: two threads importing at once took
        # turns with the window's for the GIL, 30-70 ms a turn on 2 busy cores (measured).
        chosen = starter.runner if starter is not None else runner
        chosen.run("Loading libraries", warm_up, settled, _warm_up_failed)

    def settled(_: object) -> None:
        settle_heap()  # the SDK loaded: out of the collector's way with the rest of start-up
        warmed()

    AfterFirstPaint(window, start)


def run(
    sandbox: Sandbox | LaterSandbox | None = None,
    startup_probe: Path | None = None,
    lock: WindowLock | None = None,
) -> int:
    """The window and its event loop; with the `lock` one_window.claim took, later launches
    come here once it is shown."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Broker Account Manager")
    path = default_path()
    window = MainWindow(window_settings(path, private=False))
    use_saved_theme(app, window.settings)  # the frame painted in it: no flash of another
    open_window(window, path, sandbox, lock)
    window.show()
    if startup_probe is not None:  # what was imported by the time the window was shown
        probe_startup(app, startup_probe, window)
    # SIGTERM, Ctrl-C, SIGHUP: leave the event loop so the sandbox is torn down on the way
    # out. Python runs signal handlers only between bytecodes, hence the idle timer.
    for name in ("SIGTERM", "SIGINT", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), lambda *_: app.quit())
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(300)
    return app.exec()


def open_window(
    window: MainWindow,
    settings_file: Path,
    sandbox: Sandbox | LaterSandbox | None,
    lock: WindowLock | None,
    warmed: Callable[[], None] = lambda: None,
) -> None:
    """Once the frame is painted: what it is built from imported a module a turn, then built
    (opening.py); then what starts behind it (start_behind): a LaterSandbox's services
    (sandbox_start.py), storage on first need, the runtime, the first listing, the SDK's
    warm-up (then `warmed`). benchmarks/event_loop_gap.py times all of it as its round 0."""
    modules = (*BUILD_MODULES, *(SANDBOX_MODULES if sandbox is not None else ()))

    def build() -> Iterator[None]:  # a turn of the event loop each time it yields
        from app.core.broker.runtime import Broker
        from app.core.settings.store import Store
        from app.sandbox.later import LaterSandbox
        from app.ui.common.icons import app_icon
        from app.ui.common.tasks import TaskRunner
        from app.ui.shell.theme import follow_colour_scheme

        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.setWindowIcon(app_icon())
        follow_colour_scheme(app)  # the OS's scheme, now and on every change
        window_state.make_private(window.settings)  # before anything is written to it
        runner = TaskRunner()
        yield from filling(window, Broker(), runner, sandbox, Store(settings_file))
        yield
        starter = None
        if isinstance(sandbox, LaterSandbox):
            from app.ui.shell.sandbox_start import SandboxStart

            starter = SandboxStart(sandbox, window)
        one = None
        if lock is not None:
            from app.ui.shell.one_window import come_forward, listen

            one = listen(lock)
            one.arrived = lambda launch: come_forward(window, launch, sandbox is not None)
        window.sandbox_wanted.connect(lambda: restart_in_sandbox(one))
        start_behind(window, runner, starter, warmed)  # once it is painted built

    Opening(window, modules, build, lambda error: could_not_open(window, error))


def use_saved_theme(app: QApplication, settings: QSettings) -> None:
    """A theme chosen in View ▸ Theme is the frame's too. The OS's scheme is followed once the
    window is built (theme_menu): asking Qt for it makes PySide create its Qt namespace's
    types, ~25-30 ms before the frame could show. Native styles (Windows, macOS) follow the
    OS by themselves meanwhile; Fusion's palette is light for that first moment."""
    if settings.value(THEME_KEY) in ("Light", "Dark"):
        from app.ui.shell.theme import use_theme

        use_theme(app, str(settings.value(THEME_KEY)))


def could_not_open(window: MainWindow, error: BaseException) -> None:
    """A part of the window failed to load or build (an installation missing a file): said in
    the frame, with what to run; the details reach the log."""
    logger.error("the window could not be built", exc_info=error)
    window.opening.setText(
        f"The window could not open: {type(error).__name__}: {error}\n\n"
        "Run the app with --self-test to check this installation, or reinstall it."
    )
