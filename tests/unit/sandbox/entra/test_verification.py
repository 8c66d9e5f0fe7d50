"""The JWT checks storage and ARM share (entra/verification.py), on their own: signature
against the given key set, then lifetime with five minutes of skew, then the audiences and
issuers the caller trusts; the first failure names its check, with the claims only once the
signature verified."""

from __future__ import annotations

from typing import Any

import pytest

from app.sandbox.entra import verification
from app.sandbox.entra.tokens import TokenMinter, b64url, jwks
from app.sandbox.entra.verification import Rejected, bearer_token, public_keys, verify

NOW = 1_800_000_000
MINTER = TokenMinter()
KEYS = public_keys(jwks(MINTER.public_key()))
AUDIENCES, ISSUERS = ("api://one", "api://two"), {"https://issuer.example/a/"}


def token(minter: TokenMinter = MINTER, **changes: Any) -> str:
    claims = {"aud": "api://one", "iss": "https://issuer.example/a/", "oid": "o",
              "nbf": NOW, "exp": NOW + 3600}  # fmt: skip
    return minter.sign({**claims, **changes})


def rejected(text: str, now: float = NOW) -> Rejected:
    with pytest.raises(Rejected) as caught:
        verify(text, KEYS, AUDIENCES, ISSUERS, now)
    return caught.value


def test_a_good_token_passes_for_any_audience_the_caller_trusts() -> None:
    assert verify(token(), KEYS, AUDIENCES, ISSUERS, NOW)["oid"] == "o"
    assert verify(token(aud="api://two"), KEYS, AUDIENCES, ISSUERS, NOW)["aud"] == "api://two"


def test_forged_and_malformed_tokens_fail_before_any_claim_is_read() -> None:
    head, body, _ = token(aud="nobody's").split(".")
    none = b64url(b'{"alg": "none"}')
    unsigned = f"{none}.{body}."
    for forged in (unsigned, token(TokenMinter(), aud="nobody's"), f"{head}.{body}.AAAA"):
        failed = rejected(forged)
        assert (failed.check, failed.claims) == (verification.SIGNATURE, {})
    for text in ("not-a-jwt", "a.b.c", f"{b64url(b'[]')}.{body}.x"):
        assert rejected(text).check == verification.MALFORMED


def test_lifetime_has_five_minutes_of_skew_then_audience_then_issuer() -> None:
    assert verify(token(exp=NOW), KEYS, AUDIENCES, ISSUERS, NOW + 299)
    expired = rejected(token(exp=NOW, aud="x", iss="x"), NOW + 301)
    assert (expired.check, expired.claims["exp"]) == (verification.EXPIRED, NOW)
    assert rejected(token(exp=True)).check == verification.EXPIRED  # a bool is no time
    assert rejected(token(nbf=NOW + 301)).check == verification.NOT_YET_VALID
    audience = rejected(token(aud=["api://one"], iss="x"))  # a list is not one audience
    assert (audience.check, audience.claims["aud"]) == (verification.AUDIENCE, ["api://one"])
    assert rejected(token(iss="https://issuer.example/b/")).check == verification.ISSUER


def test_bearer_token_takes_only_the_bearer_scheme() -> None:
    assert bearer_token("Bearer abc ") == bearer_token("bearer abc") == "abc"
    assert bearer_token("Basic abc") is None and bearer_token(None) is None
