"""What redaction costs: `app.core.tokens.redact.redact`, and `app.core.tokens.pii.scrub_pii`
(the personal data taken out while PII logging is off), over ordinary log text and
adversarial text.

The log handler redacts and scrubs every record (under its lock, possibly on the GUI thread)
and Save diagnostics does the whole log, so both must stay linear in the text whatever the
text is. For each text this prints seconds per MB at 1 MB and at 8 MB (linear: the same
figure) for each pass against a baseline measured in the same run over the same text: one
case-insensitive `re.finditer` for the secret key words, the least a key-word based redactor
has to do. Ordinary text is also redacted and scrubbed line by line, as the log handler does.

    .venv/bin/python benchmarks/redact.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.tokens.pii import OBJECT_ID, USERNAME, scrub_pii
from app.core.tokens.redact import REDACTED, redact

MB = 2**20
JWT = (
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0."
    "eyJhdWQiOiJodHRwczovL3N0b3JhZ2UuYXp1cmUuY29tIiwidGlkIjoiNGM1YWEzN2IifQ."
    "ZmFrZS1zaWduYXR1cmUtYnl0ZXMtZmFrZS1zaWduYXR1cmUtYnl0ZXM"
)
LINES = (
    "2026-11-28 12:00:01.123 DEBUG    msal.application: Broker acquire token silently for "
    "account adele@contoso.example, scopes ['https://management.azure.com/.default']",
    "2026-11-28 12:00:01.140 INFO     msalruntime: [4c5aa37b-6bdb-5753-8e91-ca41367d74b3] "
    "AcquireTokenSilently completed in 14 ms, status Success",
    "2026-11-28 12:00:01.141 DEBUG    app.core.broker.runtime: silent token for 00000000-0000-0000-"
    "0000-000000000001.4c5aa37b-6bdb-5753-8e91-ca41367d74b3 expires in 3599 s",
    "2026-11-28 12:00:01.200 DEBUG    azure.core.pipeline: Request URL: 'https://127.0.0.1:"
    "10000/devstoreaccount1/demo?restype=container&comp=list&maxresults=500&delimiter=%2F'",
    "2026-11-28 12:00:01.201 DEBUG    azure.core.pipeline: Request headers: "
    "'Authorization': 'REDACTED', 'x-ms-version': '2026-10-06', 'Accept': 'application/xml'",
    "2026-11-28 12:00:01.250 WARNING  msal.token_cache: refresh_token not found, "
    "password grant not used, id_token kept",
    f"2026-11-28 12:00:01.300 DEBUG    app.ui.shell.main_window: token {JWT} for adele",
    "2026-11-28 12:00:01.301 DEBUG    urllib3: Authorization: Bearer 0.AAAbc/de+f== next",
)
# Each unit repeated makes a text that a backtracking pattern would rescan from every start.
ADVERSARIAL = {
    "eyJ without dots": "eyJ",
    "eyJ with dots": "eyJ.",
    "short fragments": "eyJxxxxx.",
    "bare bearers": "bearer ",
    "challenges": "Bearer a=b ",
    "keys with an open quote": "password='",
    "keys with empty quotes": "password=''",
    "escapes": "password='\\",
    "spaces after keys": "password" + " " * 50,
    "markers": REDACTED,
    # The personal-data pass's own worst cases.
    "local parts without @": "adele.vance ",
    "@ without domains": "a@",
    "apostrophes": "a'",
    "dots after @": "@a.",
    "hex runs": "0",
    "GUIDs with dots": "19627616-3bd3-5c6b-8ba7-6ca5c6934407.",
    "PII keys": 'username="',
    "PII markers": f"{USERNAME}{OBJECT_ID}",
}
OBJECT_IDS = frozenset({"19627616-3bd3-5c6b-8ba7-6ca5c6934407"})
HOME = "/home/adele"
_KEY_WORDS = re.compile(r"(?i)bearer|token|secret|password")


def ordinary(size: int) -> str:
    text = "\n".join(LINES[i % len(LINES)] for i in range(size // 120 + 1))
    return text[:size]


def baseline(text: str) -> object:
    return sum(1 for _ in _KEY_WORDS.finditer(text))


def scrub(text: str) -> object:
    return scrub_pii(text, OBJECT_IDS, HOME)


def per_mb(work: Callable[[str], object], text: str, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work(text)
        times.append(time.perf_counter() - start)
    return statistics.median(times) / (len(text) / MB)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    texts: dict[str, Callable[[int], str]] = {"ordinary log text": ordinary}
    for name, unit in ADVERSARIAL.items():
        texts[name] = lambda size, unit=unit: unit * (size // len(unit))
    print(
        f"{'text':26} {'MB':>2} {'redact s/MB':>12} {'ratio':>6} {'scrub s/MB':>11} "
        f"{'ratio':>6} {'baseline s/MB':>14}"
    )
    for name, make in texts.items():
        for size in (MB, 8 * MB):
            text = make(size)
            mine = per_mb(redact, text, args.rounds)
            scrubbed = per_mb(scrub, text, args.rounds)
            base = per_mb(baseline, text, args.rounds)
            print(
                f"{name:26} {size // MB:2} {mine:12.3f} {mine / base:6.1f} {scrubbed:11.3f} "
                f"{scrubbed / base:6.1f} {base:14.3f}"
            )
    lines = ordinary(MB).split("\n")
    base = per_mb(lambda _: [baseline(line) for line in lines], "x" * MB, args.rounds)
    for label, work in (("redact", redact), ("scrub", scrub)):
        mine = per_mb(lambda _, work=work: [work(line) for line in lines], "x" * MB, args.rounds)
        per_line = 1e6 * mine / len(lines)
        print(
            f"ordinary log text line by line ({len(lines)} lines): {label} {mine:.3f} s/MB "
            f"({per_line:.1f} µs a line), baseline {base:.3f} s/MB, ratio {mine / base:.1f}"
        )


if __name__ == "__main__":
    main()
