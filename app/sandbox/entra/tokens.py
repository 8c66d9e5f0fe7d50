"""RS256 JWTs shaped like the ones Entra ID issues, signed with a key made per sandbox run.

Access tokens for resource scopes are v1 tokens (issuer https://sts.windows.net/{tid}/,
audience = the resource) because that is what storage accepts (app/sandbox/BEHAVIOUR.md); id
tokens are v2 (issuer https://login.microsoftonline.com/{tid}/v2.0, audience = the client id).
`oid` is the user's object in the issuing tenant (a guest's own object there); a Microsoft
Graph `.default` token lists the application's Graph permissions in `scp`, as Entra ID does.

The launcher makes one signing key per sandbox run (`new_signing_key`) and hands its file to
the broker (SIGNING_KEY_ENV) and its public half to the storage endpoint, which verifies every
token against it as Azure Storage verifies Entra's, and the login proxy publishes it at the
tenant's `jwks_uri` (`jwks`) as Entra ID does. Without that file (unit tests) each minter
makes a key of its own.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
GRAPH_RESOURCES = ("https://graph.microsoft.com", GRAPH_APP_ID)
SIGNING_KEY_ENV = "BROKER_SANDBOX_SIGNING_KEY"  # the run's signing key (a PEM file)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def new_signing_key(path: Path) -> rsa.RSAPrivateKey:
    """A signing key for this run, written to `path` readable by its owner alone."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(pem)
    return key


def load_signing_key(path: Path) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(f"{path} holds no RSA private key")
    return key


def key_id(public_key: rsa.RSAPublicKey) -> str:
    """The key's `kid`: a base64url SHA-1 thumbprint, as long as Entra ID's (27 characters)."""
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return b64url(hashlib.sha1(der).digest())  # a name, not a security check


def jwks(public_key: rsa.RSAPublicKey) -> dict[str, Any]:
    """The key set document Entra ID serves at `jwks_uri` (kty, use, kid, n, e; Entra's also
    carry an x5c certificate chain, which no client of the sandbox reads)."""
    numbers = public_key.public_numbers()

    def unsigned(number: int) -> str:
        return b64url(number.to_bytes((number.bit_length() + 7) // 8, "big"))

    entry = {"kty": "RSA", "use": "sig", "kid": key_id(public_key),
             "n": unsigned(numbers.n), "e": unsigned(numbers.e)}  # fmt: skip
    return {"keys": [entry]}


class TokenMinter:
    def __init__(self, lifetime_s: int = 3600, key: rsa.RSAPrivateKey | None = None) -> None:
        shared = os.environ.get(SIGNING_KEY_ENV)
        if key is None and shared:
            key = load_signing_key(Path(shared))
        self._key = key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = key_id(self._key.public_key())
        self.lifetime_s = lifetime_s

    def public_key(self) -> rsa.RSAPublicKey:
        return self._key.public_key()

    def sign(self, claims: dict[str, Any]) -> str:
        """Any claims, signed with this run's key (tests make expired or misaddressed tokens)."""
        return self._sign(claims)

    def _sign(self, claims: dict[str, Any]) -> str:
        header = {"typ": "JWT", "alg": "RS256", "kid": self.kid}
        signing_input = (
            b64url(json.dumps(header, separators=(",", ":")).encode())
            + "."
            + b64url(json.dumps(claims, separators=(",", ":")).encode())
        )
        signature = self._key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return signing_input + "." + b64url(signature)

    def access_token(
        self,
        user: Any,
        tenant_id: str,
        client_id: str,
        scopes: Sequence[str],
        now: float,
        extra: dict[str, Any] | None = None,
        oid: str | None = None,
        graph_permissions: Sequence[str] = (),
    ) -> tuple[str, int]:
        """Returns (token, expires_on epoch seconds). `extra` claims are added (amr, deviceid,
        idp, xms_cc, acrs, cnf)."""
        audience, scp = split_scopes(scopes, graph_permissions)
        oid = oid or user.oid
        iat = int(now)
        exp = iat + self.lifetime_s
        claims = {
            "aud": audience,
            "iss": f"https://sts.windows.net/{tenant_id}/",
            "iat": iat,
            "nbf": iat,
            "exp": exp,
            "appid": client_id,
            "idtyp": "user",
            "name": user.name,
            "oid": oid,
            "preferred_username": user.username,
            "upn": user.username,
            "unique_name": user.username,
            "scp": scp,
            "sub": uuid.uuid5(uuid.NAMESPACE_URL, oid + client_id).hex,
            "tid": tenant_id,
            "uti": uuid.uuid4().hex[:22],
            "ver": "1.0",
            **(extra or {}),
        }
        return self._sign(claims), exp

    def id_token(
        self, user: Any, tenant_id: str, client_id: str, now: float, oid: str | None = None
    ) -> str:
        oid = oid or user.oid
        iat = int(now)
        claims = {
            "aud": client_id,
            "iss": f"https://login.microsoftonline.com/{tenant_id}/v2.0",
            "iat": iat,
            "nbf": iat,
            "exp": iat + self.lifetime_s,
            "name": user.name,
            "oid": oid,
            "preferred_username": user.username,
            "sub": uuid.uuid5(uuid.NAMESPACE_URL, oid).hex,
            "tid": tenant_id,
            "ver": "2.0",
        }
        return self._sign(claims)

    def sso_cookie(self, user: Any, now: float) -> str:
        """The content of an x-ms-RefreshTokenCredential cookie: a signed JWT with the claim
        names of the real one, carrying no refresh token."""
        return self._sign(
            {
                "iat": int(now),
                "is_primary": "true",
                "request_nonce": uuid.uuid4().hex,
                "x_client_platform": "linux",
                "sub": user.oid,
            }
        )


def split_scopes(scopes: Sequence[str], graph_permissions: Sequence[str] = ()) -> tuple[str, str]:
    """The audience and the `scp` claim a set of requested scopes yields.

    `https://storage.azure.com/.default` → ("https://storage.azure.com", "user_impersonation");
    bare names like `User.Read` belong to Microsoft Graph, whose `.default` yields the
    application's Graph permissions (`graph_permissions`).
    """
    resource_scopes = [s for s in scopes if "/" in s]
    if not resource_scopes:
        return GRAPH_APP_ID, " ".join(scopes)
    resource, _, name = resource_scopes[0].rstrip("/").rpartition("/")
    names = [s.rpartition("/")[2] for s in resource_scopes if s.startswith(resource + "/")]
    graph = resource in GRAPH_RESOURCES and list(graph_permissions)
    default = graph or ["user_impersonation"]
    scp = " ".join(dict.fromkeys(p for n in names for p in (default if n == ".default" else [n])))
    return resource or name, scp
