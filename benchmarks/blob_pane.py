"""The blob pane against Azurite with one container of 100,000 blobs, each figure against the
raw SDK doing the same work in the same run.

    .venv/bin/python benchmarks/blob_pane.py [--blobs 100000] [--big-mb 256]

The data is seeded once into benchmarks/.azurite (persistent Azurite) and reused. Targets:
first rows ≤ 1.2× the raw first page; full listing ≤ 1.1× raw iteration; download ≥ 0.95×
raw `download_blob(max_concurrency=4)`; largest event-loop gap ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.sandbox.launcher import Sandbox  # noqa: E402
from app.sandbox.storage.azurite import StorageEmulator  # noqa: E402

CONTAINER = "bench"
PAGE = int(os.environ.get("BENCH_PAGE", "500"))


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def seed(emulator: StorageEmulator, blobs: int, big_mb: int) -> None:
    client = emulator.shared_key_client()
    box = client.get_container_client(CONTAINER)
    marker = f"_seeded-{blobs}-{big_mb}"
    if box.exists() and box.get_blob_client(marker).exists():
        return
    if box.exists():
        box.delete_container()
        time.sleep(1)
    box.create_container()
    started = time.monotonic()
    with ThreadPoolExecutor(32) as pool:
        list(pool.map(lambda i: box.upload_blob(f"b{i:06d}.txt", b"x", overwrite=True),
                      range(blobs)))  # fmt: skip
    chunk = os.urandom(4 * 1024 * 1024)
    box.upload_blob("big.bin", (chunk for _ in range(big_mb // 4)), length=big_mb * 1024 * 1024,
                    overwrite=True, max_concurrency=4)  # fmt: skip
    box.upload_blob(marker, b"1", overwrite=True)
    print(f"seeded {blobs} blobs + {big_mb} MB in {time.monotonic() - started:.0f} s")


def gc_pauses() -> list[float]:
    """Durations of full (generation 2) collections from now on, in ms."""
    import gc

    pauses: list[float] = []
    started = [0.0]

    def watch(phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            pauses.append((time.perf_counter() - started[0]) * 1000)

    gc.callbacks.append(watch)
    return pauses


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--blobs", type=int, default=100_000)
    parser.add_argument("--big-mb", type=int, default=256)
    args = parser.parse_args()
    location = ROOT / "benchmarks" / ".azurite"
    location.mkdir(parents=True, exist_ok=True)
    with Sandbox() as sandbox, tempfile.TemporaryDirectory() as tmp:
        emulator = StorageEmulator(Path(tmp))
        emulator.start(location=location)
        try:
            seed(emulator, args.blobs, args.big_mb)
            run(sandbox, emulator, Path(tmp))
        finally:
            emulator.stop()


def run(sandbox: Sandbox, emulator: StorageEmulator, tmp: Path) -> None:
    from azure.storage.blob import BlobServiceClient
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QModelIndex, QTimer
    from PySide6.QtWidgets import QApplication

    from app.core.broker.runtime import Broker
    from app.core.configurations.profile import Profile
    from app.core.credentials.account import BrokerAccountCredential
    from app.core.storage.blobs import BlobBrowser
    from app.ui.common.tasks import TaskRunner
    from app.ui.shell.application import settle_heap
    from app.ui.storage.model import BlobModel

    app = QApplication.instance() or QApplication(sys.argv)
    settle_heap()  # as the app does once its window is up
    pauses = gc_pauses()
    broker = Broker()
    megan = next(a for a in broker.discover_accounts(Profile()) if a.username.startswith("megan"))
    credential = BrokerAccountCredential(broker, megan, Profile())
    ca = str(emulator.ca_path)
    url = emulator.account_url
    raw = BlobServiceClient(url, credential, connection_verify=ca).get_container_client(CONTAINER)
    rows: list[tuple[str, float, float, str]] = []

    # Warm both paths once (token, TLS session).
    next(raw.list_blobs(results_per_page=10).by_page())
    BlobBrowser(url, credential, connection_verify=ca, page_size=10).blob_page(CONTAINER)

    started = time.perf_counter()
    first = list(next(raw.walk_blobs(delimiter="/", results_per_page=PAGE).by_page()))
    raw_first = time.perf_counter() - started

    gaps: list[int] = []
    clock = QElapsedTimer()
    heartbeat = QTimer()
    heartbeat.setInterval(10)
    phase = ["containers"]
    by_phase: dict[str, int] = {}

    def tick() -> None:
        gap = clock.restart()
        gaps.append(gap)
        by_phase[phase[0]] = max(by_phase.get(phase[0], 0), gap - 10)

    heartbeat.timeout.connect(tick)
    clock.start()
    heartbeat.start()

    browser = BlobBrowser(url, credential, connection_verify=ca, page_size=PAGE)
    model = BlobModel(browser, TaskRunner())
    loop = QEventLoop()
    model.page_loaded.connect(lambda _: loop.quit())
    model.failed.connect(lambda _: loop.quit())

    def fetch(index: QModelIndex) -> None:
        """One page, waiting in the event loop (no polling) until it is inserted."""
        model.fetchMore(index)
        loop.exec()

    fetch(QModelIndex())
    phase[0] = "first page"
    box = next(model.index(r, 0) for r in range(model.rowCount())
               if model.node(model.index(r, 0)).name == CONTAINER)  # fmt: skip
    rss_before = rss_kb()
    started = time.perf_counter()
    fetch(box)
    pane_first = time.perf_counter() - started
    rows.append(("first rows (page of 500)", pane_first, raw_first, "<= 1.2"))
    assert model.rowCount(box) == len(first)
    phase[0] = "listing"
    while model.canFetchMore(box):
        fetch(box)
    pane_full = time.perf_counter() - started
    loaded = model.rowCount(box)
    rss_per_row = (rss_kb() - rss_before) * 1024 / max(loaded, 1)

    target = tmp / "pane.bin"
    runner = TaskRunner()

    def pane_download() -> float:
        done: list[int] = []
        started = time.perf_counter()
        task = runner.run("download", lambda: browser.download(CONTAINER, "big.bin", target,
                                                              lambda d, t: None, lambda: False),
                          done.append, lambda e: done.append(-1))  # fmt: skip
        task.finished.connect(loop.quit)
        loop.exec()
        assert done and done[0] > 0, "the pane's download failed"
        return time.perf_counter() - started

    phase[0] = "download"
    pane_times = [pane_download() for _ in range(3)]
    heartbeat.stop()  # the raw SDK runs on this thread below: no GUI to keep alive
    size = target.stat().st_size
    target.unlink()

    started = time.perf_counter()
    raw_count = sum(1 for _ in raw.walk_blobs(delimiter="/", results_per_page=PAGE))
    raw_full = time.perf_counter() - started
    rows.insert(1, (f"full listing ({loaded} rows)", pane_full, raw_full, "<= 1.1"))
    assert raw_count == loaded, (raw_count, loaded)

    def raw_download() -> float:
        started = time.perf_counter()
        with open(tmp / "raw.bin", "wb") as out:
            raw.get_blob_client("big.bin").download_blob(max_concurrency=4).readinto(out)
        return time.perf_counter() - started

    raw_times = [raw_download() for _ in range(3)]
    pane_dl, raw_dl = statistics.median(pane_times), statistics.median(raw_times)
    mb = size / 1024 / 1024
    rows.append((f"download {mb:.0f} MB, median of 3 (MB/s)", mb / pane_dl, mb / raw_dl,
                 ">= 0.95"))  # fmt: skip

    print(f"{'measure':38} {'pane':>10} {'raw SDK':>10} {'ratio':>7}  target")
    for name, pane_value, raw_value, target_text in rows:
        print(f"{name:38} {pane_value:>10.3f} {raw_value:>10.3f} "
              f"{pane_value / raw_value:>7.2f}  {target_text}")  # fmt: skip
    print(f"{'RSS per loaded row (bytes)':38} {rss_per_row:>10.0f}")
    print(f"{'largest event-loop gap (ms)':38} {max(gaps) - 10:>10}  (target <= 50)")
    for name, gap in by_phase.items():
        print(f"{'  while ' + name:38} {gap:>10}")
    print(f"{'longest garbage collection (ms)':38} {max(pauses, default=0):>10.0f}")
    del app


if __name__ == "__main__":
    main()
