"""Tests for app.core.tokens.jwt: JWT decoding for display, and countdowns."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.core.tokens.jwt import (
    DecodedToken,
    TokenDecodeError,
    decode_jwt,
    format_countdown,
    seconds_left,
)
from tests.unit.core.tokens.helpers import CLAIMS, IAT, SECRET, TENANT, b64url, make_jwt, segment

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
