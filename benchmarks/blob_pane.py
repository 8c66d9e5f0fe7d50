"""The blob pane against Azurite with one container of 50,000 (and then 100,000) blobs, each
figure against the raw SDK doing the same work in the same run.

    .venv/bin/python benchmarks/blob_pane.py [--blobs 50000,100000] [--big-mb 256]

Azurite runs in memory (benchmarks/azurite_bulk.js: Azurite itself, started with the same
arguments and account key as the sandbox's, behind the sandbox's storage endpoint, which checks
each token as the pane meets it in sandbox mode) and is seeded in seconds: one blob is
uploaded, then its record is copied under every other name straight into Azurite's metadata
store. Uploading them one by one slows down with the square of the count (Azurite scans every
blob of the account on each upload): keep-alive PUTs began at ~420 blobs/s and 50,000 had not
finished after 15 min; disk persistence seeded 100,000 in 33 min. For each size: the first
page, the full listing into the model (no view, as the issue measured it) against raw
`walk_blobs` iteration, the largest event-loop gap while listing; then, with the level expanded
in the pane's table, the filter (time to its count, and the gap), clearing it and sorting
the folder by size. Download once
at the end. Targets: first rows <= 1.2x the raw first page; full listing <= 1.1x raw iteration;
download >= 0.95x raw `download_blob(max_concurrency=4)`; largest gap <= 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.sandbox.launcher import Sandbox  # noqa: E402
from app.sandbox.storage.azurite import StorageEmulator, free_port  # noqa: E402

CONTAINER = "bench"
PAGE = int(os.environ.get("BENCH_PAGE", "500"))


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class BulkAzurite(StorageEmulator):
    """The sandbox's Azurite, in memory, through benchmarks/azurite_bulk.js."""

    def start(self, port: int | None = None, location: Path | None = None) -> None:
        cert, key = self._certificates()
        self.port = port or free_port()
        self.proc = subprocess.Popen(
            ["node", str(ROOT / "benchmarks" / "azurite_bulk.js"), *self.arguments(cert, key)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True,
            env=self.environment(),
        )  # fmt: skip
        self._wait_for_port()

    def copies(self, template: str, names: list[str]) -> None:
        assert self.proc is not None and self.proc.stdin and self.proc.stdout
        line = {"container": CONTAINER, "template": template, "names": names}
        self.proc.stdin.write(json.dumps(line).encode() + b"\n")
        self.proc.stdin.flush()
        while not (answer := self.proc.stdout.readline().decode()).startswith("seeded"):
            assert answer, "azurite_bulk.js exited"

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None


def seed(emulator: BulkAzurite, first: int, last: int) -> None:
    """Blobs b{first:06d}.txt..: the first uploaded, the rest copies of its record."""
    started = time.monotonic()
    box = emulator.shared_key_client().get_container_client(CONTAINER)
    box.upload_blob(f"b{first:06d}.txt", b"x", overwrite=True)
    emulator.copies(f"b{first:06d}.txt", [f"b{i:06d}.txt" for i in range(first + 1, last)])
    took = time.monotonic() - started
    print(f"seeded {last - first} blobs in {took:.1f} s")


def seed_big(emulator: StorageEmulator, big_mb: int) -> None:
    box = emulator.shared_key_client().get_container_client(CONTAINER)
    chunk = os.urandom(4 * 1024 * 1024)
    box.upload_blob("big.bin", (chunk for _ in range(big_mb // 4)), length=big_mb * 1024 * 1024,
                    overwrite=True, max_concurrency=4)  # fmt: skip


def run_delay_ms() -> float:
    """How long this thread has waited for a core so far (Linux schedstat): the part of a
    gap that is other processes' load, not this one's doing."""
    try:
        return int(Path("/proc/thread-self/schedstat").read_text().split()[1]) / 1e6
    except (OSError, IndexError, ValueError):
        return 0.0


def gc_pauses(bench: Any) -> list[float]:
    """Durations of full (generation 2) collections from now on, in ms; the longest of any
    generation per phase in `bench.collections`."""
    import gc

    pauses: list[float] = []
    started = [0.0]

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
            return
        took = (time.perf_counter() - started[0]) * 1000
        if bench.phase:
            bench.collections[bench.phase] = max(bench.collections.get(bench.phase, 0.0), took)
        if info["generation"] == 2:
            pauses.append(took)

    gc.callbacks.append(watch)
    return pauses


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--blobs", default="50000,100000", help="sizes, ascending")
    parser.add_argument("--big-mb", type=int, default=256)
    args = parser.parse_args()
    sizes = [int(n) for n in args.blobs.split(",")]
    with (
        Sandbox(storage=True, emulator=BulkAzurite) as sandbox,
        tempfile.TemporaryDirectory() as tmp,
    ):
        emulator = sandbox.storage  # in memory, behind the sandbox's storage endpoint
        assert isinstance(emulator, BulkAzurite)
        try:
            emulator.shared_key_client().create_container(CONTAINER)
            seed_big(emulator, args.big_mb)
            bench = Bench(emulator)
            seeded = 0
            for size in sizes:
                seed(emulator, seeded, size)
                seeded = size
                bench.listing(size)
            bench.download(Path(tmp))
            bench.report()
        finally:
            emulator.stop()


class Bench:
    """The pane's model (and, for the filter, its tree) and the raw SDK, in one process."""

    def __init__(self, emulator: StorageEmulator) -> None:
        from azure.storage.blob import BlobServiceClient
        from PySide6.QtCore import QElapsedTimer, QTimer
        from PySide6.QtWidgets import QApplication

        from app.core.broker.runtime import Broker
        from app.core.configurations.profile import Profile
        from app.core.credentials.account import BrokerAccountCredential
        from app.core.storage.blobs import BlobBrowser
        from app.ui.shell.application import settle_heap

        self.app = QApplication.instance() or QApplication(sys.argv)
        settle_heap()  # as the app does once its window is up
        self.phase, self.collections = "idle", dict[str, float]()
        self.pauses = gc_pauses(self)
        broker = Broker()
        megan = next(
            a for a in broker.discover_accounts(Profile()) if a.username.startswith("megan")
        )
        self.credential = BrokerAccountCredential(broker, megan, Profile())
        self.ca, self.url = str(emulator.ca_path), emulator.account_url
        self.raw = BlobServiceClient(
            self.url, self.credential, connection_verify=self.ca
        ).get_container_client(CONTAINER)
        next(self.raw.list_blobs(results_per_page=10).by_page())  # warm: token, TLS session
        BlobBrowser(self.url, self.credential, connection_verify=self.ca, page_size=10).blob_page(
            CONTAINER
        )
        self.rows: list[tuple[str, float, float | None, str]] = []
        self.gaps: dict[str, tuple[int, float]] = {}  # the largest gap, its wait for a core
        self.delay = run_delay_ms()
        self.clock = QElapsedTimer()
        self.heartbeat = QTimer()
        self.heartbeat.setInterval(10)
        self.heartbeat.timeout.connect(self._tick)
        self.browser: Any = None
        self.ticks = 0

    def settle(self) -> None:
        """A few heartbeats more, so a stall the last step left is counted in its phase."""
        ticks = self.ticks
        self.wait(lambda: self.ticks >= ticks + 3)

    def _tick(self) -> None:
        self.ticks += 1
        gap = self.clock.restart() - 10
        delay, self.delay = self.delay, run_delay_ms()
        if gap > self.gaps.get(self.phase, (-1, 0))[0]:
            self.gaps[self.phase] = (gap, self.delay - delay)

    def beat(self, phase: str) -> None:
        """Heartbeat on (gaps recorded under `phase`), or off with an empty phase."""
        self.phase = phase
        if phase:
            self.delay = run_delay_ms()
            self.clock.start()
            self.heartbeat.start()
        else:
            self.heartbeat.stop()

    def wait(self, until: Any, *signals: Any) -> None:
        """Run the event loop (not QTest.qWait, which holds the GIL) until `until()` holds,
        checked when one of `signals` fires and every 10 ms. Not every 1 ms: a GUI thread
        that wakes a thousand times a second takes the GIL from the worker each time, which
        alone made the listing ~10% slower than the app's."""
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        check = lambda *_: until() and loop.quit()  # noqa: E731
        poll = QTimer()
        poll.setInterval(10)
        poll.timeout.connect(check)
        for signal in signals:
            signal.connect(check)
        poll.start()
        if not until():
            loop.exec()
        poll.stop()
        for signal in signals:
            signal.disconnect(check)

    def listing(self, size: int) -> None:
        from PySide6.QtCore import QModelIndex, Qt

        from app.core.storage.blobs import BlobBrowser
        from app.ui.common.tasks import TaskRunner
        from app.ui.storage.pane import BlobPane

        started = time.perf_counter()
        first = list(next(self.raw.walk_blobs(delimiter="/", results_per_page=PAGE).by_page()))
        raw_first = time.perf_counter() - started

        self.browser = BlobBrowser(self.url, self.credential, connection_verify=self.ca,
                                   page_size=PAGE)  # fmt: skip
        pane = BlobPane(TaskRunner())  # the whole pane: its table, folder tree, breadcrumbs
        pane.resize(900, 520)
        pane.show()
        pane._use(self.browser)
        model = pane.model
        self.beat(f"listing {size:,}")
        model.fetchMore(QModelIndex())
        self.wait(lambda: model.rowCount() > 0, model.page_loaded)
        box = model.index(0, 0)
        node = model.node(box)
        rss_before = rss_kb()
        started = time.perf_counter()
        model.fetchMore(box)
        self.wait(lambda: not node.loading, model.page_loaded)
        pane_first = time.perf_counter() - started
        assert model.rowCount(box) == len(first)

        def more(_rows: int) -> None:  # as a view scrolled on: the next page once one is in
            if model.canFetchMore(box):
                model.fetchMore(box)

        model.page_loaded.connect(more)
        more(0)
        self.wait(lambda: not node.loading and not model.canFetchMore(box), model.page_loaded)
        model.page_loaded.disconnect(more)
        pane_full = time.perf_counter() - started
        self.beat("")
        loaded = model.rowCount(box)
        rss_per_row = (rss_kb() - rss_before) * 1024 / max(loaded, 1)

        started = time.perf_counter()
        raw_count = sum(1 for _ in self.raw.walk_blobs(delimiter="/", results_per_page=PAGE))
        raw_full = time.perf_counter() - started
        assert raw_count == loaded, (raw_count, loaded)
        self.rows.append((f"first rows at {size:,} (page of {PAGE})", pane_first, raw_first,
                          "<= 1.2"))  # fmt: skip
        self.rows.append((f"full listing ({loaded:,} rows)", pane_full, raw_full, "<= 1.1"))
        self.rows.append(("  RSS per loaded row (bytes)", rss_per_row, None, ""))

        # The filter, in the pane's table with the level open (as a user filters it).
        said: list[str] = []
        folder_filter = pane.folder_filter
        folder_filter.say = said.append
        self.beat(f"opening the {size:,}-row folder in the table")
        pane.open(box)
        pane.tree.setCurrentIndex(model.index(0, 0, box))
        self.wait(lambda: pane.tree.rootIndex() == box)
        self.app.processEvents()
        self.settle()
        self.beat(f"filtering {size:,}")
        started = time.perf_counter()
        folder_filter.edit.setText("0001")
        folder_filter.timer.stop()  # now, not once typing pauses
        folder_filter.apply()
        self.wait(lambda: bool(said) and said[-1].endswith("match “0001”."))
        self.app.processEvents()  # the view's layout of the matches
        filtered = time.perf_counter() - started
        shown = int(said[-1].split(" of ")[0].replace(",", ""))  # "111 of 50,001 … match"
        self.settle()
        self.beat(f"clearing the filter at {size:,}")
        started = time.perf_counter()
        folder_filter.edit.setText("")
        folder_filter.timer.stop()
        folder_filter.apply()
        self.app.processEvents()  # the view lays out every row again
        cleared = time.perf_counter() - started
        self.settle()
        self.beat("")
        self.beat(f"sorting {size:,} by size")
        started = time.perf_counter()
        pane.tree.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # a header click (a worker sorts)
        self.wait(lambda: node.sorted_as == (1, True))
        self.app.processEvents()
        ordered = time.perf_counter() - started
        self.settle()
        self.beat("")
        self.rows.append((f"filter to {shown} of {loaded:,} rows (s)", filtered, None, ""))
        self.rows.append((f"clear the filter at {loaded:,} (s)", cleared, None, ""))
        self.rows.append((f"sort {loaded:,} rows by size (s)", ordered, None, ""))
        pane.close()
        pane.deleteLater()
        self.report()  # so far, in case a later size fails

    def download(self, tmp: Path) -> None:
        from PySide6.QtCore import QEventLoop

        from app.ui.common.tasks import TaskRunner

        target, runner, browser = tmp / "pane.bin", TaskRunner(), self.browser

        def pane_download() -> float:
            done: list[int] = []
            started = time.perf_counter()
            loop = QEventLoop()
            task = runner.run("download", lambda: browser.download(
                CONTAINER, "big.bin", target, lambda d, t: None, lambda: False),
                done.append, lambda e: done.append(-1))  # fmt: skip
            task.finished.connect(loop.quit)
            loop.exec()
            assert done and done[0] > 0, "the pane's download failed"
            return time.perf_counter() - started

        self.beat("download")
        pane_times = [pane_download() for _ in range(3)]
        self.beat("")  # the raw SDK runs on this thread below: no GUI to keep alive
        size = target.stat().st_size
        target.unlink()

        def raw_download() -> float:
            started = time.perf_counter()
            with open(tmp / "raw.bin", "wb") as out:
                self.raw.get_blob_client("big.bin").download_blob(max_concurrency=4).readinto(out)
            return time.perf_counter() - started

        raw_times = [raw_download() for _ in range(3)]
        pane_dl, raw_dl = statistics.median(pane_times), statistics.median(raw_times)
        mb = size / 1024 / 1024
        self.rows.append((f"download {mb:.0f} MB, median of 3 (MB/s)", mb / pane_dl, mb / raw_dl,
                          ">= 0.95"))  # fmt: skip

    def report(self) -> None:
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"{'measure':42} {'pane':>10} {'raw SDK':>10} {'ratio':>7}  target")
        for name, pane_value, raw_value, target_text in self.rows:
            if raw_value is None:
                print(f"{name:42} {pane_value:>10.3f}")
                continue
            print(f"{name:42} {pane_value:>10.3f} {raw_value:>10.3f} "
                  f"{pane_value / raw_value:>7.2f}  {target_text}")  # fmt: skip
        print("largest event-loop gap (ms), target <= 50; of it, waiting for a core; the")
        print("longest garbage collection in the phase (ms):")
        for name, (gap, delay) in self.gaps.items():
            collected = self.collections.get(name, 0.0)
            print(f"{'  while ' + name:42} {gap:>10} {delay:>10.0f} {collected:>7.0f}")
        print(f"{'longest garbage collection (ms)':42} {max(self.pauses, default=0):>10.0f}")


if __name__ == "__main__":
    main()
