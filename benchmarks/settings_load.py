"""How long loading settings takes as the file grows: `Store.load` (what the app does at
start, before the window appears) against `json.loads` of the same bytes measured in the same
run, the least any reader of the file has to do. Then what a save costs the GUI thread: the
settings' snapshot, against copy.deepcopy of them. Loading used to be quadratic in the number
of profiles (8,000 took 2.8 s, 16,000 8.8 s); linear means a steady ratio as the file grows.

Files: N profiles; and a full profile set at the limits (every profile with the most
remembered accounts, signed-out ids and recent URLs kept).

    .venv/bin/python benchmarks/settings_load.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.configurations.profile import Profile
from app.core.settings.data import MAX_RECENT_URLS
from app.core.settings.document import MAX_ACCOUNTS, MAX_FORGOTTEN, MAX_PROFILES
from app.core.settings.records import AccountRecord
from app.core.settings.store import Store

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


def record(n: int) -> object:
    oid = f"00000000-0000-0000-0000-{n:012d}"
    home = f"{oid}.{TENANT}"
    account = AccountRecord(TENANT, Profile().client_id, "login.microsoftonline.com", home, f"u{n}")
    return json.loads(account.serialize())


def document(profiles: int, full: bool = False) -> bytes:
    entries = []
    for i in range(profiles):
        entry: dict[str, object] = {"profile": {**Profile().to_dict(), "name": f"p{i}"}}
        if full:
            entry["records"] = [record(n) for n in range(MAX_ACCOUNTS)]
            entry["forgotten"] = [f"id{n}" for n in range(MAX_FORGOTTEN)]
            entry["recent_urls"] = [f"https://a{n}.blob.core.windows.net/" for n in range(10)]
        entries.append(entry)
    return json.dumps({"version": 1, "selected": "p0", "profiles": entries}).encode()


def median_time(work: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    assert MAX_RECENT_URLS == 10
    cases = [(f"{n:,} profiles", document(n)) for n in (1_000, 8_000, 16_000, 64_000)]
    cases.append((f"{MAX_PROFILES} full profiles", document(MAX_PROFILES, full=True)))
    print(f"{'file':22} {'MB':>6} {'load s':>8} {'json.loads s':>13} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "settings.json"
        for name, raw in cases:
            path.write_bytes(raw)
            store = Store(path)
            load = median_time(lambda store=store: store.load(), args.rounds)
            for extra in Path(folder).glob("settings.json.*"):  # the copy a trimmed load keeps
                extra.unlink()
            parse = median_time(lambda raw=raw: json.loads(raw), args.rounds)
            mb = len(raw) / 2**20
            print(f"{name:22} {mb:6.1f} {load:8.3f} {parse:13.3f} {load / parse:6.1f}")
        # What a save costs the GUI thread now (the rest runs off it, app.ui.shell.saver): the
        # snapshot it saves, against copy.deepcopy of the same settings (what it would take else).
        data = Store(path).read()[0]
        snap = median_time(data.snapshot, args.rounds)
        deep = median_time(lambda: copy.deepcopy(data), args.rounds)
        print(f"save on the GUI thread ({name}): snapshot {snap * 1000:.2f} ms, "
              f"deepcopy {deep * 1000:.1f} ms, ratio {snap / deep:.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
