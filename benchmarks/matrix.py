"""The configuration matrix's wall time against the same silent calls made directly through
pymsalruntime, one after another, with the native account objects held; and the largest
event-loop gap while the matrix runs in the real window.

Every sandbox account × {organizations, common, consumers, Contoso, Fabrikam} × passthrough
{off, on} × {storage, management, vault}. Cells Entra ID's rules decide are not asked of the
broker by the app; the raw baseline makes exactly the calls the app made. Each measurement
uses a client id registered for it alone, so the runtime's cache answers none of them.
Targets: app ≤ 1.15 × raw; largest event-loop gap ≤ 50 ms.

`--large` adds 7 tenant ids and 9 scope sets (`api://bench-N/.default`) nobody registered:
7 accounts × 12 tenants × 2 × 12 scope sets = 2,016 cells, the size the issue measured (each
unknown tenant or scope is a real broker call that fails; the grid holds 2,016 outcomes).

    .venv/bin/python benchmarks/matrix.py [--rounds 3] [--large]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.sandbox.launcher import Sandbox

CONTOSO = "4c5aa37b-6bdb-5753-8e91-ca41367d74b3"
FABRIKAM = "e5ee36fe-9da9-5ff8-81da-b4d64ed573cc"
TENANTS = {"organizations", "common", "consumers", CONTOSO, FABRIKAM}
SCOPES = {"storage", "management", "vault"}
EXTRA_TENANTS = [str(uuid.UUID(int=0xBE7C40 + i)) for i in range(7)]
EXTRA_SCOPES = [f"api://bench-{i}/.default" for i in range(9)]


def raw_calls(client_id: str, cells: list[tuple[str, Any]]) -> float:
    """The same silent calls straight through pymsalruntime; returns the wall time."""
    import pymsalruntime as rt

    from app.core.broker import platform

    def wait(start: Any) -> Any:
        done = threading.Event()
        box: list[Any] = []

        def callback(result: Any) -> None:
            box.append(result)
            done.set()

        start(callback)
        done.wait(60)
        return box[0]

    found = wait(lambda cb: rt.discover_accounts(client_id, str(uuid.uuid4()), cb))
    natives = {a.get_user_name(): a for a in found.get_accounts()}  # `found` keeps them alive
    started = time.perf_counter()
    for username, config in cells:
        params = rt.MSALRuntimeAuthParameters(client_id, f"{config.authority_host}/{config.tenant}")
        params.set_requested_scopes(list(config.scopes))
        params.set_redirect_uri(platform.current().redirect_uri)
        if config.msa_passthrough:
            params.set_additional_parameter("msal_request_type", "consumer_passthrough")
        native = natives[username]
        wait(lambda cb, p=params, n=native: rt.acquire_token_silently(p, str(uuid.uuid4()), n, cb))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--large", action="store_true", help="2,016 cells")
    args = parser.parse_args()
    tenants, scopes = set(TENANTS), set(SCOPES)
    if args.large:
        tenants |= set(EXTRA_TENANTS)
        scopes |= set(EXTRA_SCOPES)
    with Sandbox() as sandbox, tempfile.TemporaryDirectory() as tmp:
        from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, Qt, QTimer
        from PySide6.QtWidgets import QApplication

        from app.core.broker.runtime import Broker
        from app.core.configurations.profile import Profile
        from app.core.settings.store import Store
        from app.ui.common.tasks import TaskRunner
        from app.ui.shell.application import build_window, settle_heap

        assert sandbox.control is not None
        app = QApplication.instance() or QApplication(sys.argv)
        window = build_window(
            Broker(),
            TaskRunner(),
            sandbox,
            Store(Path(tmp) / "s.json"),
            QSettings(str(Path(tmp) / "w.ini"), QSettings.Format.IniFormat),
        )
        window.show()
        settle_heap()
        pauses = gc_pauses()

        def heartbeat_gaps() -> tuple[list[tuple[int, float, float]], QTimer]:
            """A 10 ms heartbeat, started; each gap between its ticks lands in the list, with
            how long of it the GUI thread waited for a core and ran (Linux schedstat)."""
            gaps: list[tuple[int, float, float]] = []
            clock = QElapsedTimer()
            heartbeat = QTimer()
            heartbeat.setInterval(10)
            last = [schedstat()]

            def tick() -> None:
                now = schedstat()
                ran, waited = (now[0] - last[0][0], now[1] - last[0][1])
                gaps.append((clock.restart(), waited, ran))
                last[0] = now

            heartbeat.timeout.connect(tick)
            clock.start()
            heartbeat.start()
            return gaps, heartbeat

        def settle(until: Any) -> None:
            """Run the event loop, as the app does, until `until()` holds (checked every 10 ms).
            Not QTest.qWait: it holds the GIL while it sleeps, so the worker and the runtime's
            callbacks wait up to 10 ms for it at every step (measured: a worker's 1 ms sleep took
            10 ms under qWait, 1.1 ms under QEventLoop.exec), which the app never does."""
            if until():
                return
            loop = QEventLoop()
            poll = QTimer()
            poll.setInterval(10)
            poll.timeout.connect(lambda: until() and loop.quit())
            poll.start()
            loop.exec()
            poll.stop()

        rows = []
        asked: list[tuple[str, Any]] = []
        for round_ in range(args.rounds):
            # Every round takes a little longer than the last (the runtime's cache grows with
            # each new client id), so odd rounds time the raw calls first, with the calls the
            # app made in the round before; the app must then make the same ones again.
            raw_first = round_ % 2 == 1
            if raw_first:
                raw = raw_calls(sandbox.control.register_application("raw"), asked)
            window.profile = Profile(client_id=sandbox.control.register_application("bench"))
            settle(lambda: window.current is None and window.model.rowCount() > 0)
            matrix = window.open_matrix()
            if args.large:
                for tenant in EXTRA_TENANTS:
                    matrix.axes.tenants.add(tenant, tenant)
                for scope in EXTRA_SCOPES:
                    matrix.axes.scopes.add(scope, (scope, (scope,)))
            for box, wanted in ((matrix.axes.tenants, tenants), (matrix.axes.scopes, scopes)):
                for i, value in enumerate(box.values):
                    key = value[0] if isinstance(value, tuple) else value
                    on = Qt.CheckState.Checked if key in wanted else Qt.CheckState.Unchecked
                    box.item(i).setCheckState(on)
            gaps, heartbeat = heartbeat_gaps()
            rss_before = rss_kb()
            started = time.perf_counter()
            matrix.run_button.click()
            settle(lambda m=matrix: m.run is None)
            app_time = time.perf_counter() - started
            heartbeat.stop()
            rss_growth = rss_kb() - rss_before
            made = [(c.account.username, c.config) for c, o in matrix.model.answered() if o.asked]
            if raw_first:
                assert requests(made) == requests(asked), "the app asked other cells this round"
            else:
                raw = raw_calls(sandbox.control.register_application("raw"), made)
            asked = made
            worst = max(gaps)
            rows.append((len(matrix.model.answered()), len(made), app_time, raw, worst[0] - 10,
                         rss_growth))  # fmt: skip
            own = max(g - w for g, w, _ in gaps) - 10
            print(f"round {round_ + 1}: largest gap {worst[0] - 10} ms, of which the GUI thread "
                  f"waited for a core {worst[1]:.0f} ms and ran {worst[2]:.0f} ms; largest gap "
                  f"less its wait for a core: {own:.0f} ms")  # fmt: skip
            matrix.close()
            window.matrix = None
        window.sandbox_picker.stop()
        window.close()
        del app
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'cells':>6} {'asked':>6} {'app (s)':>8} {'raw (s)':>8} {'ratio':>6} {'gap (ms)':>9} "
          f"{'RSS +MB':>8}")  # fmt: skip
    for total, asked, app_time, raw, gap, grown in rows:
        print(f"{total:>6} {asked:>6} {app_time:>8.2f} {raw:>8.2f} {app_time / raw:>6.2f} {gap:>9} "
              f"{grown / 1024:>8.1f}")  # fmt: skip
    ratio = statistics.median(a / r for _, _, a, r, _, _ in rows)
    worst_gap = max(g for *_, g, _ in rows)
    print(f"longest full garbage collection: {max(pauses, default=0):.0f} ms")
    print(f"median ratio app/raw: {ratio:.2f} (target <= 1.15: {verdict(ratio <= 1.15)})")
    print(f"largest event-loop gap: {worst_gap} ms (target <= 50: {verdict(worst_gap <= 50)})")


def gc_pauses() -> list[float]:
    """Durations of full (generation 2) collections from now on, in ms."""
    import gc

    pauses: list[float] = []
    started = [0.0]

    def watch(phase: str, info: dict[str, int]) -> None:
        if info["generation"] == 2:
            if phase == "start":
                started[0] = time.perf_counter()
            else:
                pauses.append((time.perf_counter() - started[0]) * 1000)

    gc.callbacks.append(watch)
    return pauses


def schedstat() -> tuple[float, float]:
    """(ms this thread has run, ms it has waited for a core) so far, from Linux's schedstat."""
    try:
        ran, waited = Path("/proc/thread-self/schedstat").read_text().split()[:2]
        return int(ran) / 1e6, int(waited) / 1e6
    except (OSError, ValueError):
        return 0.0, 0.0


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def requests(cells: list[tuple[str, Any]]) -> list[tuple[Any, ...]]:
    """What each silent call asks, whatever the client id."""
    return [(u, c.tenant, c.msa_passthrough, c.scopes) for u, c in cells]


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


if __name__ == "__main__":
    main()
