"""Soak: N cycles of sign-in (the sandbox picker, scripted), silent token, switch (another
account's silent token) and sign-out through the app's core, against the raw pymsalruntime
making the same four native calls, in the same run.

The two alternate in blocks of 100 cycles after a warm-up of each, so they share the machine's
noise; every block prints failures, threads, open file descriptors and RSS. The end prints the
RSS growth per broker operation of each, and their difference with its noise (two standard
errors of the per-block figures). Targets: the app's growth per operation <= the raw
runtime's (within that noise); 0 failures; threads flat.

    .venv/bin/python benchmarks/soak.py [--cycles 1000] [--warm-up 50] [--tracemalloc]

--tracemalloc also prints how much of the growth is Python's own heap (it slows the run).
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import statistics
import tracemalloc
from collections.abc import Callable
from typing import Any

from native import auth_parameters, cid, short, start_sandbox, wait

SIGNED_IN_AND_OUT = ("megan", "diego", "lee")  # in turn, one per cycle
SWITCH_TO = "adele"  # stays signed in
OPERATIONS_PER_CYCLE = 4
BLOCK = 100


def rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def threads() -> int:
    return len(os.listdir("/proc/self/task"))


def fds() -> int:
    return len(os.listdir("/proc/self/fd"))


class Side:
    def __init__(self, label: str, cycle: Callable[[str], None]) -> None:
        self.label = label
        self.cycle = cycle
        self.cycles = self.failures = 0
        self.blocks: list[float] = []  # RSS growth per operation (kB) of each block
        self.python_growth = 0  # bytes, with --tracemalloc
        self.first_error = ""

    def run(self, cycles: int, first: int) -> int:
        """`cycles` cycles; the RSS growth (bytes) over them."""
        gc.collect()
        before, python_before = rss(), tracemalloc.get_traced_memory()[0]
        for i in range(first, first + cycles):
            try:
                self.cycle(SIGNED_IN_AND_OUT[i % len(SIGNED_IN_AND_OUT)])
            except Exception as exc:  # counted and reported, the soak goes on
                self.failures += 1
                self.first_error = self.first_error or f"{type(exc).__name__}: {exc}"
        gc.collect()
        self.python_growth += tracemalloc.get_traced_memory()[0] - python_before
        return rss() - before


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=1000, help="cycles for each of app and raw")
    parser.add_argument("--warm-up", type=int, default=50)
    parser.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args()
    sandbox = start_sandbox()
    control = sandbox.control
    assert control is not None
    try:
        import pymsalruntime as rt

        from app.core.broker.runtime import Broker
        from app.core.configurations.profile import Profile

        profile = Profile()
        broker = Broker()
        switch_to = next(
            a for a in broker.list_accounts(profile).accounts if short(a.username) == SWITCH_TO
        )
        listed = wait(lambda cb: rt.discover_accounts(profile.client_id, cid(), cb))
        raw_switch_to = next(
            a for a in listed.get_accounts() if short(a.get_user_name()) == SWITCH_TO
        )
        params = auth_parameters(rt, profile)

        def app_cycle(name: str) -> None:
            control.script_picker(f"{name}@{domain(name)}")
            account = broker.sign_in_interactively(1, profile).account
            broker.acquire_token_silently(account, profile)
            broker.acquire_token_silently(switch_to, profile)
            broker.sign_out(account, profile)

        def raw_cycle(name: str) -> None:
            control.script_picker(f"{name}@{domain(name)}")
            signed_in = wait(lambda cb: rt.signin_interactively(1, params, cid(), None, cb))
            native: Any = signed_in.get_account()
            wait(lambda cb: rt.acquire_token_silently(params, cid(), native, cb))
            wait(lambda cb: rt.acquire_token_silently(params, cid(), raw_switch_to, cb))
            wait(lambda cb: rt.signout_silently(profile.client_id, cid(), native, cb))

        sides = [Side("app", app_cycle), Side("raw", raw_cycle)]
        for side in sides:
            side.run(args.warm_up, 0)  # its failures count too
        thread_counts = [threads()]  # after the warm-up, then after every block
        if args.tracemalloc:
            tracemalloc.start()
            for side in sides:
                side.python_growth = 0
        print(
            f"{'side':4} {'cycles':>6} {'failures':>8} {'threads':>7} {'fds':>5} "
            f"{'RSS MB':>8} {'block kB/op':>11}"
        )
        done = 0
        while done < args.cycles:
            block = min(BLOCK, args.cycles - done)
            for side in sides:
                per_op = side.run(block, done) / (block * OPERATIONS_PER_CYCLE) / 1024
                side.cycles += block
                side.blocks.append(per_op)
                thread_counts.append(threads())
                print(
                    f"{side.label:4} {side.cycles:>6} {side.failures:>8} {threads():>7} "
                    f"{fds():>5} {rss() / 2**20:>8.1f} {per_op:>11.1f}",
                    flush=True,
                )
            done += block
    finally:
        sandbox.stop()
    print(
        f"threads: {thread_counts[0]} after the warm-up, {min(thread_counts)}-"
        f"{max(thread_counts)} over the run, {thread_counts[-1]} at the end"
    )
    for side in sides:
        print(
            f"{side.label}: {side.cycles} cycles, {side.failures} failures, RSS growth "
            f"{statistics.mean(side.blocks):.1f} kB per operation"
            + (f"; first failure: {side.first_error}" if side.failures else "")
            + (
                f"; Python heap {side.python_growth / (side.cycles * OPERATIONS_PER_CYCLE):+.0f} "
                "B per operation"
                if args.tracemalloc
                else ""
            )
        )
    app, raw = sides
    difference = statistics.mean(app.blocks) - statistics.mean(raw.blocks)
    # Two standard errors of the difference (none to estimate from a single block).
    noise = 2 * math.sqrt(
        sum(statistics.variance(s.blocks) / len(s.blocks) for s in sides if len(s.blocks) > 1)
    )
    met = difference <= noise and not app.failures and not raw.failures
    print(
        f"app - raw: {difference:+.1f} kB per operation (noise +/- {noise:.1f}); target (app <= "
        f"raw, 0 failures): {'met' if met else 'NOT met'}"
    )


def domain(name: str) -> str:
    return "fabrikam.example" if name in ("diego", "lee") else "contoso.example"


if __name__ == "__main__":
    main()
