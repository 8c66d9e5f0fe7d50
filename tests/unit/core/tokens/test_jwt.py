"""Tests for app.core.tokens.jwt: JWT decoding for display, countdowns, and redaction."""

from __future__ import annotations

import base64
import json
import math
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from app.core.tokens.jwt import (
    DecodedToken,
    TokenDecodeError,
    decode_jwt,
    format_countdown,
    seconds_left,
)
from app.core.tokens.redact import REDACTED, looks_like_jwt, redact

SECRET = "SECRETMARKERzq9"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
IAT = 1_700_000_000


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def segment(value: Any) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def make_jwt(claims: dict[str, Any], header: dict[str, Any] | None = None) -> str:
    header = header or {"typ": "JWT", "alg": "RS256", "kid": "k1"}
    return f"{segment(header)}.{segment(claims)}.{b64url(b'fake-signature-bytes')}"


CLAIMS: dict[str, Any] = {
    "aud": "https://storage.azure.com",
    "iss": f"https://sts.windows.net/{TENANT}/",
    "iat": IAT,
    "nbf": IAT + 5,
    "exp": IAT + 3600,
    "tid": TENANT,
    "scp": "user_impersonation Files.Read",
    "preferred_username": "adele@contoso.com",
    "upn": "other@contoso.com",
    "ver": "1.0",
}

# ---------------------------------------------------------------------------- decoding


def test_decode_reads_header_claims_and_every_property() -> None:
    token = decode_jwt(make_jwt(CLAIMS))
    assert isinstance(token, DecodedToken)
    assert token.header == {"typ": "JWT", "alg": "RS256", "kid": "k1"}
    assert token.claims == CLAIMS
    assert token.issued_at == datetime.fromtimestamp(IAT, tz=UTC)
    assert token.not_before == token.issued_at + timedelta(seconds=5)
    assert token.expires_at == token.issued_at + timedelta(hours=1)
    assert token.expires_at.tzinfo == UTC
    assert token.scopes == ("user_impersonation", "Files.Read")
    assert token.tenant == TENANT
    assert token.audience == "https://storage.azure.com"
    assert token.username == "adele@contoso.com"
    assert token.version == "1.0"


def test_missing_claims_give_none_and_no_scopes() -> None:
    token = decode_jwt(make_jwt({}))
    assert token.issued_at is token.not_before is token.expires_at is None
    assert token.scopes == ()
    assert token.tenant is token.audience is token.username is token.version is None


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"upn": "u@c.com", "unique_name": "x", "email": "e"}, "u@c.com"),
        ({"unique_name": "live.com#u@c.com", "email": "e"}, "live.com#u@c.com"),
        ({"email": "e@c.com"}, "e@c.com"),
        ({"preferred_username": "", "email": "e@c.com"}, "e@c.com"),
    ],
)
def test_username_falls_back_through_v1_claims(claims: dict[str, Any], expected: str) -> None:
    assert decode_jwt(make_jwt(claims)).username == expected


def test_app_only_token_lists_roles_and_list_audience_gives_first() -> None:
    token = decode_jwt(make_jwt({"roles": ["Sites.Read.All", "Mail.Send"], "aud": ["a", "b"]}))
    assert token.scopes == ("Sites.Read.All", "Mail.Send")
    assert token.audience == "a"


@pytest.mark.parametrize("bad", ["soon", True, None, 1e300, float("nan"), [1], 10**30])
def test_odd_time_claims_give_none(bad: object) -> None:
    token = DecodedToken(header={}, claims={"iat": bad, "nbf": bad, "exp": bad})
    assert token.issued_at is token.not_before is token.expires_at is None


def test_decode_tolerates_whitespace_padding_and_an_unsigned_token() -> None:
    header, payload, _ = make_jwt(CLAIMS).split(".")
    padded = payload + "=" * (-len(payload) % 4)
    assert decode_jwt(f"  {header}.{padded}.\n").claims == CLAIMS


def _bad_inputs() -> list[tuple[str, object]]:
    good_header = segment({"alg": "none"})
    good_payload = segment({"sub": SECRET})
    not_utf8 = b64url(b"\xff\xfe" + SECRET.encode())
    return [
        ("not text", 12345),
        ("bytes", make_jwt({"sub": SECRET}).encode()),
        ("empty", "   "),
        ("one part", SECRET * 3),
        ("two parts", f"{good_header}.{SECRET}"),
        ("four parts", f"{good_header}.{good_payload}.{SECRET}.{SECRET}"),
        ("JWE", f"{good_header}.{SECRET}.{SECRET}.{SECRET}.{SECRET}"),
        ("empty header", f".{good_payload}.{SECRET}"),
        ("bad base64 chars", f"{good_header}.{SECRET}!*.sig"),
        ("impossible length", f"{good_header}.{SECRET}x.sig"),
        ("not UTF-8", f"{good_header}.{not_utf8}.sig"),
        ("not JSON", f"{good_header}.{b64url(SECRET.encode())}.sig"),
        ("JSON list", f"{good_header}.{segment([SECRET])}.sig"),
        ("JSON string", f"{segment(SECRET)}.{good_payload}.sig"),
        ("JSON true", f"{good_header}.{b64url(b'true')}.sig"),
        ("bad signature", f"{good_header}.{good_payload}.{SECRET}$"),
        ("deep nesting", f"{good_header}.{b64url(b'[' * 100_000)}.sig"),
    ]


@pytest.mark.parametrize(("case", "bad"), _bad_inputs(), ids=[c for c, _ in _bad_inputs()])
def test_bad_input_raises_a_message_without_the_token(case: str, bad: object) -> None:
    with pytest.raises(TokenDecodeError) as info:
        decode_jwt(bad)  # type: ignore[arg-type]
    message = str(info.value)
    assert isinstance(info.value, ValueError)
    assert message and SECRET not in message
    if isinstance(bad, str) and bad.strip():
        assert bad.strip() not in message
        for part in bad.split("."):
            assert len(part) < 8 or part not in message


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet="eyJ.abcAB09-_=+/{}\"' \n"), st.binary()))
@example("eyJ.eyJ.")
@example("e30.e30.")
def test_decode_on_arbitrary_input_only_ever_raises_token_decode_error(text: object) -> None:
    try:
        token = decode_jwt(text)  # type: ignore[arg-type]
    except TokenDecodeError as exc:
        if isinstance(text, str) and len(text.strip()) >= 12:
            assert text.strip() not in str(exc)
    else:
        assert isinstance(token.claims, dict)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=10,
)
_CLAIM_KEYS = st.sampled_from(
    ["iat", "nbf", "exp", "scp", "roles", "tid", "aud", "preferred_username", "upn", "ver", "x"]
)


@settings(max_examples=300, deadline=None)
@given(claims=st.dictionaries(_CLAIM_KEYS | st.text(), _JSON, max_size=8))
def test_properties_never_raise_on_any_claims(claims: dict[str, Any]) -> None:
    token = decode_jwt(make_jwt(claims))
    assert token.claims.keys() == claims.keys()
    for name in ("issued_at", "not_before", "expires_at", "tenant", "audience", "username"):
        getattr(token, name)
    assert all(isinstance(s, str) for s in token.scopes)
    assert token.version is None or isinstance(token.version, str)


# ---------------------------------------------------------------------------- countdown

NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


def test_seconds_left_with_datetimes_epochs_and_naive_utc() -> None:
    assert seconds_left(NOW + timedelta(seconds=90), NOW) == 90
    assert seconds_left(NOW - timedelta(seconds=30), NOW) == -30
    assert seconds_left(NOW.timestamp() + 10.9, NOW.timestamp()) == 10
    assert seconds_left(NOW + timedelta(seconds=5), NOW.replace(tzinfo=None)) == 5
    assert seconds_left(NOW.timestamp() - 0.5, NOW) == -1  # rounds down, never up


def test_seconds_left_defaults_to_the_clock() -> None:
    before = time.time()
    left = seconds_left(datetime.fromtimestamp(before, UTC) + timedelta(minutes=10))
    after = time.time()
    assert math.floor(before + 600 - after) <= left <= 600


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (3598, "59:58"),
        (5, "0:05"),
        (60, "1:00"),
        (3600, "1:00:00"),
        (3723, "1:02:03"),
        (90000, "25:00:00"),
        (0, "expired just now"),
        (-12, "expired 12 s ago"),
        (-180, "expired 3 min ago"),
        (-3600, "expired 1 h ago"),
        (-3900, "expired 1 h 5 min ago"),
        (-86400, "expired 1 day ago"),
        (-3 * 86400 - 5, "expired 3 days ago"),
    ],
)
def test_format_countdown(seconds: int, text: str) -> None:
    assert format_countdown(seconds) == text


@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_format_countdown_is_total(seconds: int) -> None:
    assert format_countdown(seconds).startswith("expired") == (seconds <= 0)


# ---------------------------------------------------------------------------- redaction

JWT = make_jwt(CLAIMS)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f"got token {JWT} for adele", f"got token {REDACTED} for adele"),
        (f"id_token:{JWT}.", f"id_token:{REDACTED}"),  # trailing dot goes with the token
        ("Authorization: Bearer 0.AAAbc/de+f== next", f"Authorization: Bearer {REDACTED} next"),
        ("authorization: bearer opaque123", f"authorization: bearer {REDACTED}"),
        (
            '{"refresh_token": "0.ARoAv4j5cvGG", "expires_in": 3599}',
            f'{{"refresh_token": "{REDACTED}", "expires_in": 3599}}',
        ),
        ("{'access_token': 'abc', 'x': 1}", f"{{'access_token': '{REDACTED}', 'x': 1}}"),
        (
            "grant_type=refresh_token&refresh_token=0.AAAbc&client_id=1",
            f"grant_type=refresh_token&refresh_token={REDACTED}&client_id=1",
        ),
        ("client_secret = 'p4$$w0rd' end", f"client_secret = '{REDACTED}' end"),
        ('clientSecret="a\\"b" end', f'clientSecret="{REDACTED}" end'),
        ("user_password=hunter2; next", f"user_password={REDACTED}; next"),
        ('"idToken":"x"', f'"idToken":"{REDACTED}"'),
    ],
)
def test_redact_removes_secrets_and_keeps_the_rest(line: str, expected: str) -> None:
    assert redact(line) == expected
    assert redact(expected) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Signing in adele@contoso.com to tenant organizations",
        'WWW-Authenticate: Bearer realm="", error="invalid_token", error_description="x"',
        "AADSTS50126: Error validating credentials due to invalid username or password.",
        "grant_type=refresh_token&scope=openid",
        '"password": ""',
        f"already {REDACTED} here",
    ],
)
def test_redact_leaves_ordinary_text_alone(line: str) -> None:
    assert redact(line) == line


_FRAGMENTS = st.sampled_from(
    [
        "eyJ",
        "eyJhbGciOiJub25lIn0",
        ".",
        "..",
        "Bearer ",
        "bearer\t",
        "password",
        "refresh_token",
        "access-token",
        "clientSecret",
        "id_token",
        "=",
        "==",
        ":",
        " ",
        "\n",
        '"',
        "'",
        "\\",
        "<",
        ">",
        REDACTED,
        "abc",
        "x=",
        "realm",
        ",",
        "&",
        ";",
    ]
)
_ADVERSARIAL = st.lists(_FRAGMENTS, max_size=25).map("".join)


@settings(max_examples=1000, deadline=None)
@given(st.one_of(st.text(), _ADVERSARIAL))
def test_redact_is_idempotent(text: str) -> None:
    once = redact(text)
    assert redact(once) == once


@settings(max_examples=500, deadline=None)
@given(
    prefix=st.one_of(st.text(), _ADVERSARIAL),
    suffix=st.one_of(st.text(), _ADVERSARIAL),
    claims=st.dictionaries(st.text(max_size=8), st.text(max_size=20), max_size=4),
)
def test_a_jwt_embedded_anywhere_never_survives(
    prefix: str, suffix: str, claims: dict[str, str]
) -> None:
    token = make_jwt(claims)
    redacted = redact(prefix + token + suffix)
    assert token not in redacted
    assert token.split(".")[2] not in redacted


_SECRET_VALUES = st.text(alphabet="abcdefXYZ0123456789._-~+/!$%*", min_size=12, max_size=40)


@settings(max_examples=300, deadline=None)
@given(
    key=st.sampled_from(["refresh_token", "access_token", "id_token", "client_secret", "password"]),
    value=_SECRET_VALUES,
    form=st.sampled_from(['"{k}": "{v}"', "{k}={v}", "'{k}': '{v}'", "{k} = {v}"]),
    before=st.text(max_size=20),
    after=st.sampled_from(["", " next", "&x=1", ", more", '"}']),
)
def test_secret_values_never_survive(
    key: str, value: str, form: str, before: str, after: str
) -> None:
    assume(value not in before)
    line = before + " " + form.format(k=key, v=value) + after
    assert value not in redact(line)


def test_looks_like_jwt() -> None:
    assert looks_like_jwt(JWT)
    assert looks_like_jwt(f"https://x.example/?t={JWT}")
    assert looks_like_jwt("eyJ a.b.c")
    assert not looks_like_jwt("adele@contoso.com")
    assert not looks_like_jwt("eyJust one dot.")


_CLAIM_NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,7}", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(
    claims=st.dictionaries(_CLAIM_NAMES, st.text(max_size=20), min_size=1, max_size=4),
    cut=st.integers(min_value=0, max_value=40),
    before=st.sampled_from(["", " ", "token=", "…", "\n"]),
    after=st.sampled_from(["", " ", "…", '"', "\n"]),
)
def test_a_token_cut_before_its_payload_is_still_redacted(
    claims: dict[str, str], cut: int, before: str, after: str
) -> None:
    """A log line truncated inside the header leaves `eyJ<payload>.<signature>` (the payload,
    a JSON object whose first claim is named with a letter, starts with eyJ); a signature cut
    short is still part of a token."""
    payload, signature = make_jwt(claims).split(".")[1:]
    fragment = f"{payload}.{signature[: max(1, len(signature) - cut)]}"
    redacted = redact(before + fragment + after)
    assert redacted == before + REDACTED + after
    assert looks_like_jwt(fragment)


@pytest.mark.parametrize(
    "line",
    ["eyJust.so", "eyJaBcDeF.x", "eyJhIjoxfQ.", "see file eyJhIjoxfQ .txt", "eyJhIjoxfQ"],
)
def test_what_is_too_short_to_be_a_payload_and_signature_is_kept(line: str) -> None:
    assert redact(line) == line
    assert not looks_like_jwt(line)


# Each would take hours if any step rescanned the text behind it (the old pattern took 29 s
# for 60 kB of "eyJ"; time grows with the square of the length), and takes well under a
# second here. The timeout is a hard stop for a runaway, not a speed target.
_ADVERSARIAL_UNITS = {
    "eyJ without dots": ("eyJ", None),
    "eyJ with dots": ("eyJ.", REDACTED),
    "short fragments": ("eyJxxxxx.", None),
    "bare bearers": ("bearer ", None),
    "challenges": ("Bearer a=b ", None),
    "doubled bearers": ("bearer bearer-", None),
    "keys with an open quote": ("password='", None),
    "keys with empty quotes": ("password=''", None),
    "escapes": ("password='\\", None),
    "keys without a value": ("refresh_token", None),
    "spaces after keys": ("password" + " " * 50, None),
    "spaces after bearers": ("bearer" + " " * 50 + "=", None),
    "markers": (REDACTED, None),
    "JSON keys": ('{"password": "', None),
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("unit", "whole"), _ADVERSARIAL_UNITS.values(), ids=_ADVERSARIAL_UNITS.keys()
)
def test_redact_takes_linear_time_on_adversarial_text(unit: str, whole: str | None) -> None:
    text = unit * (2**20 // len(unit))
    redacted = redact(text)
    if whole is not None:
        assert redacted == whole
    assert redact(redacted) == redacted
