"""Silent-token latency through the app's core against the raw runtime, in the same run.

For each of 4 sandbox work accounts, CALLS rounds of: `Broker.acquire_token_silently`, the raw
`pymsalruntime.acquire_token_silently` with the native account object held (the fastest a
client can be), and the raw read_account_by_id + silent pair (what the app did before it held
native accounts), in rotating order so the machine's noise hits all alike. Every token comes
from the runtime's cache after the first, as in a real session. Target: the app's median
<= the raw median + 5 ms.

    .venv/bin/python benchmarks/silent_latency.py [--calls 60]
"""

from __future__ import annotations

import argparse
import statistics
import time

from native import auth_parameters, cid, short, start_sandbox, wait

ACCOUNTS = ("adele", "megan", "diego", "lee")
TARGET_MS = 5.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=60, help="calls per account and path")
    args = parser.parse_args()
    sandbox = start_sandbox()
    try:
        import pymsalruntime as rt

        from app.core.broker.runtime import Broker
        from app.core.configurations.profile import Profile

        profile = Profile()
        broker = Broker()
        accounts = {short(a.username): a for a in broker.list_accounts(profile).accounts}
        listed = wait(lambda cb: rt.discover_accounts(profile.client_id, cid(), cb))
        natives = {short(a.get_user_name()): a for a in listed.get_accounts()}
        params = auth_parameters(rt, profile)

        def app(name: str) -> None:
            broker.acquire_token_silently(accounts[name], profile)

        def raw(name: str) -> None:
            native = natives[name]
            wait(lambda cb: rt.acquire_token_silently(params, cid(), native, cb))

        def read_then_raw(name: str) -> None:
            account_id = natives[name].get_account_id()
            read = wait(lambda cb: rt.read_account_by_id(account_id, cid(), cb))
            native = read.get_account()
            wait(lambda cb: rt.acquire_token_silently(params, cid(), native, cb))

        paths = {"app": app, "raw": raw, "read + raw": read_then_raw}
        for name in ACCOUNTS:  # the first token of each account comes from the broker
            for path in paths.values():
                path(name)
        times: dict[str, list[float]] = {label: [] for label in paths}
        order = list(paths.items())
        for round_ in range(args.calls):
            for name in ACCOUNTS:
                for label, path in order[round_ % 3 :] + order[: round_ % 3]:
                    started = time.perf_counter()
                    path(name)
                    times[label].append((time.perf_counter() - started) * 1000)
    finally:
        sandbox.stop()
    medians = {label: statistics.median(values) for label, values in times.items()}
    calls = len(times["app"])
    print(f"silent token, median of {calls} calls ({len(ACCOUNTS)} accounts x {args.calls}):")
    for label, value in medians.items():
        print(f"  {label:12} {value:7.2f} ms")
    difference = medians["app"] - medians["raw"]
    print(
        f"app - raw: {difference:+.2f} ms "
        f"(target <= +{TARGET_MS:g} ms: {'met' if difference <= TARGET_MS else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
