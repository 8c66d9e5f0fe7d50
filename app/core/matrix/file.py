"""The matrix file testers write (TOML): what to try and what each cell should answer.

    client_id = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"   # optional: the Azure CLI's
    authority_host = "https://login.microsoftonline.com" # optional
    accounts = ["adele@contoso.example"]                 # optional: every account listed
    tenants = ["organizations", "common", "consumers"]
    passthrough = [false, true]                          # optional: [false]

    [scopes]                                             # named scope sets
    storage = ["https://storage.azure.com/.default"]

    [[expect]]                                           # any of account, tenant,
    account = "carl@contoso.example"                     # passthrough, scopes narrows it
    outcome = "blocked"                                  # a kind or a code (AADSTS53003)

Every mistake is reported with the file, the line and the field, in the user's words.
Plain Python: no Qt.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.configurations.profile import (
    AZURE_DEV_CLIENT_ID,
    PUBLIC_CLOUD,
    parse_profile,
    validate,
)
from app.core.configurations.request_options import (
    OptionError,
    parse_capabilities,
    parse_claims,
    parse_pop,
)
from app.core.matrix.spec import Expectation, MatrixSpec
from app.core.outcomes.outcome import Kind

TOP_KEYS = ("client_id", "authority_host", "accounts", "tenants", "passthrough", "scopes",
            "expect", "pop", "force_refresh", "claims", "client_capabilities")  # fmt: skip
EXPECT_KEYS = ("account", "tenant", "passthrough", "scopes", "outcome")
_CODE = re.compile(r"AADSTS\d{4,8}|[A-Z][A-Za-z]{2,40}")
MAX_CELLS = 20_000
MAX_DEPTH = 32  # brackets within brackets: far past what a matrix file needs


class MatrixFileError(ValueError):
    """What is wrong with a matrix file, naming the line and the field."""


@dataclass(frozen=True)
class MatrixFile:
    spec: MatrixSpec
    expectations: tuple[Expectation, ...]


class _Lines:
    """Finds where a field was written, for messages (tomllib reports no positions)."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def find(self, key: str, after: int = 0, until: int | None = None) -> int:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number in range(after, until if until is not None else len(self.lines)):
            if pattern.match(self.lines[number]):
                return number + 1
        return after + 1 if after else 1

    def headers(self, name: str) -> list[int]:
        """0-based line numbers of each `[[name]]` (or `[name]`) header."""
        pattern = re.compile(rf"^\s*\[\[?\s*{re.escape(name)}\s*\]\]?\s*(#.*)?$")
        return [i for i, line in enumerate(self.lines) if pattern.match(line)]

    def error(self, line: int, field: str, message: str) -> MatrixFileError:
        return MatrixFileError(f"{self.path}:{line}: {field}: {message}")


def _unknown(keys: Any, known: tuple[str, ...], where: str) -> str | None:
    extra = sorted(set(keys) - set(known))
    if not extra:
        return None
    return f"unknown field {extra[0]!r} in {where}; the fields are {', '.join(known)}"


def load_matrix(path: Path) -> MatrixFile:
    """Read and check a matrix file; MatrixFileError names the line and field of a mistake."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MatrixFileError(f"{path}: cannot read the matrix file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise MatrixFileError(f"{path}: the matrix file is not UTF-8 text") from None
    deep = _too_deep(text)
    if deep is not None:
        raise MatrixFileError(
            f"{path}:{deep}: arrays or tables nested more than {MAX_DEPTH} deep: a matrix file "
            'needs at most 3 (scopes = {{ name = ["scope"] }})'
        )
    try:
        raw = tomllib.loads(text)
    except RecursionError:  # nesting the scan above cannot see (it is only a guard)
        raise MatrixFileError(f"{path}:1: nested too deeply to be a matrix file") from None
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        line = found.group(1) if found else len(text.splitlines()) or 1  # "end of document"
        where = f"{path}:{line}"
        raise MatrixFileError(f"{where}: not valid TOML: {str(exc).split(' (at')[0]}") from None
    lines = _Lines(path, text)
    unknown = _unknown(raw, TOP_KEYS, "the file")
    if unknown:
        key = sorted(set(raw) - set(TOP_KEYS))[0]
        raise lines.error(lines.find(key), key, unknown)
    spec = _spec(raw, lines)
    expectations = tuple(_expectations(raw.get("expect", []), spec, lines))
    return MatrixFile(spec, expectations)


def _too_deep(text: str) -> int | None:
    """The line where brackets first nest past MAX_DEPTH, strings and comments aside; None
    when they never do (tomllib recurses per level: a deep enough file is a RecursionError)."""
    depth, line, quote, i = 0, 1, "", 0
    while i < len(text):
        ch = text[i]
        if ch == "\n":
            line += 1
        if quote:
            if ch == "\\" and quote == '"':
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line
        elif ch in "]}":
            depth = max(0, depth - 1)
        i += 1
    return None


def _checked(lines: _Lines, key: str, field: str, value: object, line: int | None = None) -> str:
    """A profile field's value as the profile validation normalises it, or the error."""
    errors = validate({field: value})
    if field in errors:
        raise lines.error(line or lines.find(key), key, errors[field])
    return str(getattr(parse_profile({field: value}), field))


def _list(
    raw: dict[str, Any], key: str, lines: _Lines, kind: type, default: list[Any]
) -> list[Any]:
    value = raw.get(key, default)
    what = {str: "text", bool: "true or false"}[kind]
    if not isinstance(value, list) or not all(isinstance(v, kind) for v in value):
        raise lines.error(lines.find(key), key, f"must be a list of {what} values")
    return value


def _spec(raw: dict[str, Any], lines: _Lines) -> MatrixSpec:
    client_id = _checked(lines, "client_id", "client_id", raw.get("client_id", AZURE_DEV_CLIENT_ID))
    host = _checked(
        lines, "authority_host", "authority_host", raw.get("authority_host", PUBLIC_CLOUD)
    )
    if "tenants" not in raw:
        raise lines.error(1, "tenants", "is missing: list the tenants to try, e.g. "
                          '["organizations", "common", "consumers"]')  # fmt: skip
    tenants = [
        _checked(lines, "tenants", "tenant", t) for t in _list(raw, "tenants", lines, str, [])
    ]
    if not tenants:
        raise lines.error(lines.find("tenants"), "tenants", "must name at least one tenant")
    accounts = _list(raw, "accounts", lines, str, [])
    passthrough = _list(raw, "passthrough", lines, bool, [False])
    if not passthrough:
        raise lines.error(lines.find("passthrough"), "passthrough", "must be [false], [true] or "
                          "[false, true]")  # fmt: skip
    scope_sets = _scope_sets(raw.get("scopes"), lines)
    spec = MatrixSpec(
        client_id,
        host,
        tuple(dict.fromkeys(tenants)),
        tuple(dict.fromkeys(passthrough)),
        scope_sets,
        tuple(dict.fromkeys(accounts)),
        **_options(raw, lines),
    )
    configurations = len(spec.configurations())
    if configurations * max(1, len(accounts)) > MAX_CELLS:
        raise lines.error(1, "tenants", f"the matrix would have more than {MAX_CELLS:,} cells")
    return spec


def _options(raw: dict[str, Any], lines: _Lines) -> dict[str, Any]:
    """The request options every cell asks with: pop = {method, url, nonce}, force_refresh,
    claims (a challenge: header, base64 or JSON), client_capabilities."""
    pop = raw.get("pop", {})
    if not isinstance(pop, dict) or set(pop) - {"method", "url", "nonce"}:
        raise lines.error(lines.find("pop"), "pop", 'must be {method = "GET", url = "https://…", '
                          'nonce = "…"}')  # fmt: skip
    force = raw.get("force_refresh", False)
    if not isinstance(force, bool):
        raise lines.error(lines.find("force_refresh"), "force_refresh", "must be true or false")
    key = ""
    try:
        key = "pop"
        parsed_pop = parse_pop(pop.get("method", ""), pop.get("url", ""), pop.get("nonce", ""))
        key = "claims"
        claims = parse_claims(raw.get("claims", ""))
        key = "client_capabilities"
        capabilities = parse_capabilities(raw.get("client_capabilities", []))
    except OptionError as exc:
        raise lines.error(lines.find(key), key, str(exc)) from None
    return {"pop": parsed_pop, "force_refresh": force, "claims": claims,
            "capabilities": capabilities}  # fmt: skip


def _scope_sets(raw: object, lines: _Lines) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if raw is None:
        raise lines.error(
            1, "scopes", "is missing: add a [scopes] table with at least one named scope set, "
            'e.g. storage = ["https://storage.azure.com/.default"]',
        )  # fmt: skip
    headers = lines.headers("scopes")
    start = headers[0] if headers else 0
    if not isinstance(raw, dict) or not raw:
        raise lines.error(start + 1, "scopes", "must be a table of named scope sets")
    sets = []
    for name, value in raw.items():
        line = lines.find(name, start)
        scopes = value  # a list, or one text of scopes separated by spaces or commas
        errors = validate({"scopes": scopes})
        if "scopes" in errors:
            raise lines.error(line, f"scopes.{name}", errors["scopes"])
        sets.append((name, parse_profile({"scopes": scopes}).scopes))
    return tuple(sets)


def _expectations(raw: object, spec: MatrixSpec, lines: _Lines) -> list[Expectation]:
    if not isinstance(raw, list) or not all(isinstance(e, dict) for e in raw):
        raise lines.error(lines.find("expect"), "expect", "write each expectation as [[expect]]")
    headers = [*lines.headers("expect"), None]
    return [
        _Entry(entry, number + 1, headers[number] or 0, headers[number + 1], lines).read(spec)
        for number, entry in enumerate(raw)
    ]


@dataclass(frozen=True)
class _Entry:
    """One [[expect]] table, between its header line and the next one."""

    entry: dict[str, Any]
    number: int
    start: int
    end: int | None
    lines: _Lines

    def line(self, key: str) -> int:
        return self.lines.find(key, self.start, self.end) if key in self.entry else self.start + 1

    def bad(self, key: str, message: str) -> MatrixFileError:
        return self.lines.error(self.line(key), f"expect[{self.number}].{key}", message)

    def read(self, spec: MatrixSpec) -> Expectation:
        entry = self.entry
        unknown = _unknown(entry, EXPECT_KEYS, f"expectation {self.number}")
        if unknown:
            raise self.bad(sorted(set(entry) - set(EXPECT_KEYS))[0], unknown)
        outcome = entry.get("outcome")
        kinds = [k.value for k in Kind]
        if not isinstance(outcome, str) or not (outcome in kinds or _CODE.fullmatch(outcome)):
            raise self.bad("outcome", f"must be one of {', '.join(kinds)} or a code such as "
                           "AADSTS50020 or InteractionRequired")  # fmt: skip
        tenant = entry.get("tenant")
        if tenant is not None:
            tenant = _checked(self.lines, "tenant", "tenant", tenant, self.line("tenant"))
            if tenant not in spec.tenants:
                raise self.bad("tenant", f"{tenant!r} is not one of the matrix's tenants")
        scopes = entry.get("scopes")
        if scopes is not None and scopes not in [n for n, _ in spec.scope_sets]:
            raise self.bad("scopes", f"{scopes!r} is not a scope set's name in [scopes]")
        passthrough = entry.get("passthrough")
        if passthrough is not None and passthrough not in spec.passthrough:
            raise self.bad("passthrough", "is not one of the matrix's passthrough values")
        account = entry.get("account")
        if account is not None and not isinstance(account, str):
            raise self.bad("account", "must be a username or home account id (text)")
        return Expectation(outcome, self.line("outcome"), account, tenant, passthrough, scopes)
