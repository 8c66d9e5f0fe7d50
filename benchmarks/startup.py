"""Time from process start to the main window shown, for the app and for a bare PySide6 window
(benchmarks/bare_window.py), from source and frozen (PyInstaller onedir), in the same run.

Each command is started ROUNDS times, interleaved so the machine's noise hits all alike; it
writes the wall-clock times its window was shown (`--startup-probe FILE`, once the event loop
has run: the app's frame, saying it opens), the window was painted built (its list, tabs and
menus: app/ui/shell/opening.py) and its first account listing arrived, and quits. The app
runs against the sandbox broker with a settings file that remembers an account, as a
returning user's would; and once more as `python -m app --sandbox`, which starts its own
sandbox (the user's start: command to window, command to accounts listed). Target: app
≤ 1.3× the bare window.

    .venv/bin/python benchmarks/startup.py [--rounds 15] [--bundle dist/BrokerAccountManager]

Without --bundle the app is built with packaging/build.py into benchmarks/.build (as is the
frozen bare window, every run: a few seconds when PyInstaller's cache is warm).
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

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "benchmarks" / ".build"
sys.path.insert(0, str(ROOT))
os.environ["QT_QPA_PLATFORM"] = "offscreen"

from app.core.configurations.profile import Profile  # noqa: E402 - after the path and Qt set-up
from app.core.settings.records import AccountRecord  # noqa: E402 - after the path and Qt set-up
from app.core.settings.store import Store, StoreData  # noqa: E402 - after the path and Qt set-up
from app.sandbox.launcher import Sandbox  # noqa: E402 - after the path and Qt set-up


def build_bare_window() -> Path:
    subprocess.run(
        [
            sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "ERROR",
            "--onedir", "--windowed", "--name", "bare_window",
            "--distpath", str(BUILD / "dist"), "--workpath", str(BUILD / "work"),
            "--specpath", str(BUILD), str(ROOT / "benchmarks" / "bare_window.py"),
        ],
        check=True,
    )  # fmt: skip
    return BUILD / "dist" / "bare_window" / "bare_window"


def build_app() -> Path:
    subprocess.run(
        [
            sys.executable, str(ROOT / "packaging" / "build.py"), "--no-self-test",
            "--distpath", str(BUILD / "dist"), "--workpath", str(BUILD / "app-work"),
        ],
        check=True,
    )  # fmt: skip
    return BUILD / "dist" / "BrokerAccountManager" / "BrokerAccountManager"


def returning_user(config: Path) -> None:
    """A settings file that remembers one account and has it active."""
    home_id = "00000000-0000-0000-0000-00000000000a.4c5aa37b-6bdb-5753-8e91-ca41367d74b3"
    record = AccountRecord(
        "login.microsoftonline.com", Profile().client_id, home_id, home_id[-36:], "a@b.example"
    )
    name = Profile().name
    Store(config / "broker-account-manager" / "settings.json").save(
        StoreData(records={name: [record]}, active={name: home_id})
    )


def time_to_window(
    command: list[str], env: dict[str, str], probe: Path
) -> tuple[float, float, float]:
    """Seconds from the command to its window shown, built, and its accounts listed (the
    bare window builds and lists nothing: its window time)."""
    probe.unlink(missing_ok=True)
    started = time.time()
    subprocess.run([*command, "--startup-probe", str(probe)], env=env, check=True, timeout=90)
    shown = json.loads(probe.read_text())
    if shown["sdk_modules"]:  # the sandboxed start too: its services start after the window
        raise SystemExit(f"{command}: the Azure SDK was imported first: {shown['sdk_modules']}")
    window = float(shown["shown"]) - started
    built = float(shown.get("built", shown["shown"])) - started
    return window, built, float(shown.get("listed", shown["shown"])) - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--bundle", type=Path, help="a built onedir app folder to time")
    args = parser.parse_args()
    frozen_bare = build_bare_window()
    frozen_app = args.bundle / "BrokerAccountManager" if args.bundle else build_app()
    commands = {
        "source: bare PySide6 window": [sys.executable, str(ROOT / "benchmarks/bare_window.py")],
        "source: python -m app": [sys.executable, "-m", "app"],
        "frozen: bare PySide6 window": [str(frozen_bare)],
        "frozen: BrokerAccountManager": [str(frozen_app)],
        "source: python -m app --sandbox": [sys.executable, "-m", "app", "--sandbox"],
    }
    with Sandbox(), tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config"
        returning_user(config)
        env = {**os.environ, "XDG_CONFIG_HOME": str(config)}
        # As on a user's machine, the app's own modules run from cached bytecode (written by
        # the warm-up round); these machines set PYTHONDONTWRITEBYTECODE, which would make
        # every run compile them again (~20 ms).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        times: dict[str, list[float]] = {name: [] for name in commands}
        built: dict[str, list[float]] = {name: [] for name in commands}
        listed: dict[str, list[float]] = {name: [] for name in commands}
        for command in commands.values():  # warm the file cache; not counted
            time_to_window(command, env, Path(tmp) / "probe.json")
        for _ in range(args.rounds):
            for name, command in commands.items():
                window, whole, accounts = time_to_window(command, env, Path(tmp) / "probe.json")
                times[name].append(window)
                built[name].append(whole)
                listed[name].append(accounts)
    median = {name: statistics.median(values) for name, values in times.items()}
    tables = (("window shown", times), ("window built", built), ("accounts listed", listed))
    for title, table in tables:
        print(f"time to {title}, median of {args.rounds} (min–max):")
        for name, values in table.items():
            print(f"  {name:34} {statistics.median(values) * 1000:6.0f} ms "
                  f"({min(values) * 1000:.0f}–{max(values) * 1000:.0f})")  # fmt: skip
    bare = median["source: bare PySide6 window"]
    for kind in ("source", "frozen"):
        bare_kind, app = (median[n] for n in list(commands)[:4] if n.startswith(kind))
        print(f"{kind}: app / bare window = {app / bare_kind:.2f}×  (target ≤ 1.3×)")
    sandboxed = "source: python -m app --sandbox"
    whole = {name: statistics.median(values) for name, values in built.items()}
    print(f"source: window built / bare window = {whole['source: python -m app'] / bare:.2f}×")
    print(
        f"sandboxed: window / bare window = {median[sandboxed] / bare:.2f}×  (target ≤ 1.3×); "
        f"built {whole[sandboxed] / bare:.2f}×; "
        f"accounts listed / bare window = {statistics.median(listed[sandboxed]) / bare:.2f}×"
    )


if __name__ == "__main__":
    main()
