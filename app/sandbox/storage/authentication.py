"""Bearer tokens checked as Azure Storage checks Entra ID's, before any role is looked at.

Azure Storage accepts a token only when its signature verifies against the issuing tenant's
signing keys, it is within its lifetime, its audience is storage's, and the storage account's
tenant issued it (Authorize with Microsoft Entra ID, Azure Storage REST documentation). The
checks themselves are entra/verification.py's, shared with ARM (arm.py); here are storage's
audiences and issuer and its words for each failure: a 401 `InvalidAuthenticationInfo` with the
bearer challenge whose `AuthenticationErrorDetail` says which check failed
(app/sandbox/BEHAVIOUR.md has the recorded replies).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from app.sandbox.entra import verification
from app.sandbox.entra.verification import Rejected

CLOCK_SKEW_S = verification.CLOCK_SKEW_S
STORAGE_AUDIENCES = ("https://storage.azure.com", "https://storage.azure.com/",
                     "e406a681-f3d4-42a8-90b6-c2b029497af1")  # fmt: skip
# The recorded AuthenticationErrorDetail texts (BEHAVIOUR.md); SIGNATURE and MALFORMED are
# the sandbox's own words in the same pattern: no reply of Azure's to them is on record.
SIGNATURE = "Signature validation failed. The token's signature did not verify."
MALFORMED = "Signature validation failed. The token is not a signed JWT."
EXPIRED = "Lifetime validation failed. The token is expired."
NOT_YET_VALID = "Lifetime validation failed. The token is not yet valid."
AUDIENCE = "Audience validation failed. Audience did not match."
ISSUER = "Issuer validation failed. Issuer did not match."
DETAILS = {verification.MALFORMED: MALFORMED, verification.SIGNATURE: SIGNATURE,
           verification.EXPIRED: EXPIRED, verification.NOT_YET_VALID: NOT_YET_VALID,
           verification.AUDIENCE: AUDIENCE, verification.ISSUER: ISSUER}  # fmt: skip


class Unauthenticated(Exception):
    """The token failed a check; `detail` is Azure's AuthenticationErrorDetail for it."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def authenticate(
    token: str,
    account: str,
    tenant: str,
    keys: Mapping[str, rsa.RSAPublicKey],
    now: float | None = None,
) -> dict[str, Any]:
    """The token's claims once every check passed; Unauthenticated for the first that fails."""
    audiences = (*STORAGE_AUDIENCES, f"https://{account}.blob.core.windows.net")
    try:
        return verification.verify(
            token, keys, audiences, (f"https://sts.windows.net/{tenant}/",), now
        )
    except Rejected as rejected:
        raise Unauthenticated(DETAILS[rejected.check]) from rejected
