"""Tests for app.core.tokens.redact: secrets scrubbed from any text, in linear time, and the
guard that tells a token-looking value."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.core.tokens.redact import REDACTED, looks_like_jwt, redact
from tests.unit.core.tokens.helpers import CLAIMS, make_jwt

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
