"""Bearer tokens checked as Azure Storage checks them (authentication.py), on their own: the
signature against the run's key set (as published at jwks_uri), then lifetime with five
minutes of skew, audience, issuer; the first failure names its check."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from app.sandbox.entra import metadata
from app.sandbox.entra.tokens import TokenMinter, b64url, jwks, key_id, new_signing_key
from app.sandbox.entra.verification import public_keys
from app.sandbox.storage import authentication
from app.sandbox.storage.authentication import Unauthenticated, authenticate

CONTOSO = "4c5aa37b-6bdb-5753-8e91-ca41367d74b3"
ACCOUNT = "devstoreaccount1"
NOW = 1_800_000_000
MINTER = TokenMinter()
KEYS = public_keys(jwks(MINTER.public_key()))


def token(minter: TokenMinter = MINTER, **changes: Any) -> str:
    claims = {"aud": "https://storage.azure.com", "iss": f"https://sts.windows.net/{CONTOSO}/",
              "tid": CONTOSO, "oid": "o", "iat": NOW, "nbf": NOW, "exp": NOW + 3600}  # fmt: skip
    return minter.sign({**claims, **changes})


def failure(text: str, now: float = NOW) -> str:
    with pytest.raises(Unauthenticated) as caught:
        authenticate(text, ACCOUNT, CONTOSO, KEYS, now)
    return caught.value.detail


def test_a_good_token_passes_with_its_claims() -> None:
    assert authenticate(token(), ACCOUNT, CONTOSO, KEYS, NOW)["oid"] == "o"
    for audience in (*authentication.STORAGE_AUDIENCES, f"https://{ACCOUNT}.blob.core.windows.net"):
        assert authenticate(token(aud=audience), ACCOUNT, CONTOSO, KEYS, NOW)


@pytest.mark.parametrize(
    "forged",
    [
        token(TokenMinter()),  # another key
        ".".join([b64url(b'{"alg":"none"}'), token().split(".")[1], ""]),  # unsigned
        # another algorithm under the run key's kid
        ".".join([b64url(b'{"alg":"HS256","kid":"' + MINTER.kid.encode() + b'"}'), "e30", "c2ln"]),
        # the claims changed under the run key's signature
        ".".join([token().split(".")[0], b64url(b'{"oid":"x"}'), token().split(".")[2]]),
    ],
)
def test_a_forged_signature_fails_first(forged: str) -> None:
    assert failure(forged) == authentication.SIGNATURE


@pytest.mark.parametrize("text", ["", "a.b", "not.a.jwt", "W10.W10.c2ln", "e30.bm90IGpzb24.c2ln"])
def test_what_is_no_jwt_fails_as_malformed(text: str) -> None:
    assert failure(text) == authentication.MALFORMED


def test_lifetime_with_five_minutes_of_skew() -> None:
    expired = token(exp=NOW - 1)
    assert authenticate(expired, ACCOUNT, CONTOSO, KEYS, NOW + 299)
    assert failure(expired, NOW + 301) == authentication.EXPIRED
    assert failure(token(nbf=NOW + 301), NOW) == authentication.NOT_YET_VALID
    assert authenticate(token(nbf=NOW + 299), ACCOUNT, CONTOSO, KEYS, NOW)
    assert failure(token(exp="soon")) == authentication.EXPIRED


def test_the_order_of_the_checks() -> None:
    """Signature, lifetime, audience, issuer: each failure hides the ones after it."""
    everything = {"exp": NOW - 3600, "aud": "api://x", "iss": "https://sts.windows.net/x/"}
    assert failure(token(TokenMinter(), **everything)) == authentication.SIGNATURE
    assert failure(token(**everything)) == authentication.EXPIRED
    assert failure(token(aud="api://x", iss="x")) == authentication.AUDIENCE
    assert failure(token(iss=f"https://sts.windows.net/{CONTOSO}")) == authentication.ISSUER


def test_the_signing_key_file_is_its_owners_alone(tmp_path: Path) -> None:
    path = tmp_path / "key.pem"
    key = new_signing_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    document = jwks(key.public_key())
    assert [k["kid"] for k in document["keys"]] == [key_id(key.public_key())]
    assert len(document["keys"][0]["kid"]) == 27  # as long as Entra ID's key ids


@pytest.mark.parametrize(
    "path",
    [
        f"/{CONTOSO}/discovery/v2.0/keys",
        "/organizations/discovery/v2.0/keys",
        "/common/discovery/keys",
        "/contoso.example/discovery/v2.0/keys",
    ],
)
def test_the_login_hosts_publish_the_key_at_jwks_uri(path: str) -> None:
    document = jwks(MINTER.public_key())
    domains = {"contoso.example": CONTOSO}
    assert metadata.answer("login.microsoftonline.com", path, domains, document) == document
    configured = metadata.openid_configuration("login.microsoftonline.com", CONTOSO)
    jwks_uri = urlsplit(configured["jwks_uri"]).path
    served = metadata.answer("login.microsoftonline.com", jwks_uri, {}, document)
    assert served is not None and public_keys(served).keys() == KEYS.keys()
    with pytest.raises(metadata.UnknownTenant):
        metadata.answer("login.microsoftonline.com", "/nosuch.example/discovery/keys", {}, document)
