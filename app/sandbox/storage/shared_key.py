"""Shared Key signing of a blob request, as Azurite verifies it (Authorize with Shared Key,
Azure Storage REST documentation; Azurite's BlobSharedKeyAuthenticator).

The storage endpoint (gateway.py) signs each request whose bearer token passed every check
with the emulator's account key, which only it holds: the emulator then accepts the request,
and nothing without that key reaches the data. The body is not part of the signature, so the
request still streams through.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

STANDARD = ("content-encoding", "content-language", "content-length", "content-md5",
            "content-type", "date", "if-modified-since", "if-match", "if-none-match",
            "if-unmodified-since", "range")  # fmt: skip


def authorization(
    method: str, target: str, headers: Iterable[tuple[str, str]], account: str, key: str
) -> str:
    """The `Authorization: SharedKey account:signature` value for this request (`target`: path
    and query as sent; `headers`: every header sent, Authorization excepted; `key`: base64)."""
    joined: dict[str, list[str]] = {}
    for name, value in headers:
        joined.setdefault(name.lower(), []).append(value.strip())
    values = {name: ", ".join(parts) for name, parts in joined.items()}  # as Node joins them
    lines = [method.upper()]
    for name in STANDARD:
        value = values.get(name, "")
        lines.append("" if name == "content-length" and value == "0" else value)
    canonical_headers = "".join(
        f"{name}:{values[name]}\n" for name in sorted(values) if name.startswith("x-ms-")
    )
    url = urlsplit(target)
    resource = f"/{account}{url.path or '/'}"
    queries: dict[str, str] = {}
    for pair in url.query.split("&") if url.query else ():
        if pair.find("=") > 0 and pair.count("=") == 1:
            name, value = pair.split("=")
            queries[name.lower()] = unquote(value.replace("+", "%20"))
    resource += "".join(f"\n{name}:{queries[name]}" for name in sorted(queries))
    to_sign = "\n".join(lines) + "\n" + canonical_headers + resource
    digest = hmac.new(base64.b64decode(key), to_sign.encode("utf-8"), hashlib.sha256).digest()
    return f"SharedKey {account}:{base64.b64encode(digest).decode('ascii')}"
