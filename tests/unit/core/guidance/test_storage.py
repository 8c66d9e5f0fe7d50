"""Guidance for Azure Storage errors, and the account URL check that decides where a token may
go. Plain Python: the exceptions are built the way azure-storage-blob builds them (error_code,
additional_info, x-ms-error-code header, XML body), no network."""

from __future__ import annotations

import ssl
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from azure.core.exceptions import (
    AzureError,
    ClientAuthenticationError,
    HttpResponseError,
    IncompleteReadError,
    ResourceExistsError,
    ResourceModifiedError,
    ResourceNotFoundError,
    ServiceRequestError,
    ServiceRequestTimeoutError,
    ServiceResponseError,
)
from azure.identity import AuthenticationRequiredError
from azure.storage.blob import StorageErrorCode

from app.core.broker.errors import BrokerError
from app.core.guidance.aadsts import AADSTS_GUIDANCE
from app.core.guidance.advice import Guidance
from app.core.guidance.explain import explain
from app.core.guidance.storage import STORAGE_GUIDANCE, for_storage_error
from tests.helpers import ROOT

FAKE_JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
AUTH_MESSAGE = (
    "Server failed to authenticate the request. Make sure the value of the Authorization header "
    f"is formed correctly including the signature. Authorization: Bearer {FAKE_JWT}"
)


class FakeResponse:
    """The parts of an azure-core HTTP response that HttpResponseError and guidance read."""

    def __init__(self, status: int, body: str = "", headers: dict[str, str] | None = None):
        self.status_code, self.reason, self.headers = status, "Reason", headers or {}
        self.content_type, self._body = "application/xml", body

    def text(self, encoding: str | None = None) -> str:
        return self._body

    def body(self) -> bytes:
        return self._body.encode()


def detail_body(detail: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code>'
        f"<Message>{AUTH_MESSAGE}</Message>"
        f"<AuthenticationErrorDetail>{detail}</AuthenticationErrorDetail></Error>"
    )


def storage(
    cls: type[HttpResponseError] = HttpResponseError,
    status: int = 400,
    code: Any = None,
    *,
    detail: str | None = None,
    body: str = f"<Error><Message>{FAKE_JWT}</Message></Error>",
    message: str = f"Request failed, token {FAKE_JWT}",
    headers: dict[str, str] | None = None,
) -> Callable[[], BaseException]:
    """An error as azure-storage-blob raises it (process_storage_error sets these)."""

    def make() -> BaseException:
        error = cls(message=message, response=FakeResponse(status, body, headers))
        if code is not None:
            error.error_code = code  # type: ignore[attr-defined]
        if detail is not None:
            error.additional_info = {"authenticationerrordetail": detail}  # type: ignore[attr-defined]
        return error

    return make


def request_error(text: str, cls: type[AzureError] = ServiceRequestError, inner: Any = None):  # type: ignore[no-untyped-def]
    return lambda: cls(f"{text} (sent with {FAKE_JWT})", error=inner)


auth = ClientAuthenticationError
# (id, exception factory, expected Guidance code)
ROWS: list[tuple[str, Callable[[], BaseException], str]] = [
    ("role-missing", storage(HttpResponseError, 403, "AuthorizationPermissionMismatch"),
     "AuthorizationPermissionMismatch"),
    ("role-or-firewall", storage(HttpResponseError, 403, "AuthorizationFailure"),
     "AuthorizationFailure"),
    ("audience-azurite", storage(auth, 403, StorageErrorCode.AUTHENTICATION_FAILED,
                                 detail="Invalid token audience."), "InvalidTokenAudience"),
    ("audience-azure-body-only", storage(auth, 401, body=detail_body(
        "Audience validation failed. Audience did not match."),
        headers={"x-ms-error-code": "InvalidAuthenticationInfo"}), "InvalidTokenAudience"),
    ("issuer", storage(auth, 403, "AuthenticationFailed", detail="Invalid token issuer."),
     "InvalidTokenIssuer"),
    ("expired", storage(auth, 403, "AuthenticationFailed",
                        detail="Lifetime validation failed. The token is expired."),
     "TokenExpired"),
    ("not-yet-valid-in-message", storage(auth, 403, "AuthenticationFailed",
                                         message="Denied\nAuthenticationErrorDetail:Lifetime "
                                         "validation failed."), "TokenExpired"),
    ("claims-challenge", storage(auth, 401, "InvalidAuthenticationInfo", headers={
        "WWW-Authenticate": 'Bearer authorization_uri="https://login.microsoftonline.com/'
        'common/oauth2/authorize", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4i'
        'OnsiYWNycyI6eyJlc3NlbnRpYWwiOnRydWUsInZhbHVlIjoiYzEifX19"'}), "ClaimsChallenge"),
    ("auth-other", storage(auth, 403, "AuthenticationFailed",
                           detail="Authentication scheme Bearer is not supported."),
     "AuthenticationFailed"),
    ("container-missing", storage(ResourceNotFoundError, 404, StorageErrorCode.CONTAINER_NOT_FOUND),
     "ContainerNotFound"),
    ("blob-missing", storage(ResourceNotFoundError, 404, "BlobNotFound"), "BlobNotFound"),
    ("blob-missing-head", storage(HttpResponseError, 404, body="",
                                  headers={"x-ms-error-code": "BlobNotFound"}), "BlobNotFound"),
    ("account-404", storage(ResourceNotFoundError, 404, "ResourceNotFound"),
     "StorageAccountNotFound"),
    ("dns-linux", request_error("Failed to resolve 'nosuch.blob.core.windows.net' ([Errno -2] "
                                "Name or service not known)"), "StorageAccountNotFound"),
    ("dns-windows", request_error("[Errno 11001] getaddrinfo failed"), "StorageAccountNotFound"),
    ("dns-macos", request_error("[Errno 8] nodename nor servname provided, or not known"),
     "StorageAccountNotFound"),
    ("dns-offline", request_error("[Errno -3] Temporary failure in name resolution"),
     "StorageUnreachable"),
    ("certificate", request_error("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
                                  "self-signed certificate in certificate chain"),
     "CertificateVerifyFailed"),
    ("certificate-inner", request_error("connection failed", inner=ssl.SSLCertVerificationError(
        1, "[SSL: CERTIFICATE_VERIFY_FAILED] unable to get local issuer certificate")),
     "CertificateVerifyFailed"),
    ("refused", request_error("Failed to establish a new connection: [Errno 111] Connection "
                              "refused"), "StorageRefused"),
    ("refused-windows", request_error("Failed to establish a new connection: [WinError 10061] "
                                      "No connection could be made because the target machine "
                                      "actively refused it"), "StorageRefused"),
    ("connect-timeout", request_error("Connection to host timed out",
                                      ServiceRequestTimeoutError), "StorageUnreachable"),
    ("read-timeout", request_error("Read timed out.", ServiceResponseError), "StorageUnreachable"),
    ("dropped", lambda: IncompleteReadError(message="Connection broken: IncompleteRead"),
     "StorageUnreachable"),
    ("server-busy", storage(HttpResponseError, 503, "ServerBusy"), "ServerBusy"),
    ("too-many", storage(HttpResponseError, 429), "ServerBusy"),
    ("throttled-text", storage(HttpResponseError, 500, "OperationTimedOut",
                               message="The request was throttled."), "ServerBusy"),
    ("container-exists", storage(ResourceExistsError, 409, "ContainerAlreadyExists"),
     "ContainerAlreadyExists"),
    ("container-deleting", storage(ResourceExistsError, 409, "ContainerBeingDeleted"),
     "ContainerBeingDeleted"),
    ("changed", storage(ResourceModifiedError, 412, "ConditionNotMet"), "ConditionNotMet"),
    ("unknown-code", storage(HttpResponseError, 400, "InvalidHeaderValue"), "InvalidHeaderValue"),
    ("unsafe-code", storage(HttpResponseError, 500, f"<b>{FAKE_JWT}</b>"), "Unknown"),
]  # fmt: skip


def _fields(g: Guidance) -> list[str]:
    return [g.code, g.title, g.explanation, g.fix]


@pytest.mark.parametrize(("make", "code"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_each_storage_error_gets_its_guidance(make: Callable[[], BaseException], code: str):
    error = make()
    found = for_storage_error(error)
    assert found is not None and found.code == code
    assert explain(error) == found
    for value in _fields(found):
        assert value.strip()
        assert "eyJ" not in value and "Bearer" not in value and "<" not in value


def test_every_table_entry_is_complete_and_token_free():
    assert len({r[2] for r in ROWS} & set(STORAGE_GUIDANCE)) == len(STORAGE_GUIDANCE)
    for key, g in STORAGE_GUIDANCE.items():
        assert g.code == key
        assert all(v.strip() and "eyJ" not in v for v in _fields(g))


def test_no_data_access_names_the_data_roles_and_their_delay():
    for code in ("AuthorizationPermissionMismatch", "AuthorizationFailure"):
        g = STORAGE_GUIDANCE[code]
        assert g.title == "No data access to this storage account"
        for words in ("Storage Blob Data Reader", "Storage Blob Data Contributor", "Owner",
                      "not enough", "few minutes", "container scope"):  # fmt: skip
            assert words in g.fix
    assert "firewall" in STORAGE_GUIDANCE["AuthorizationFailure"].explanation


def test_wrong_audience_names_the_storage_scope():
    assert "https://storage.azure.com/.default" in STORAGE_GUIDANCE["InvalidTokenAudience"].fix
    assert STORAGE_GUIDANCE["AuthenticationFailed"].needs_interaction
    assert not STORAGE_GUIDANCE["InvalidTokenAudience"].needs_interaction


@pytest.mark.parametrize(
    "error",
    [
        ValueError("x"),
        ClientAuthenticationError(message="AADSTS65001: no consent"),  # azure-identity: no HTTP
        AzureError("something"),
    ],
)
def test_errors_that_are_not_storage_answers_are_left_alone(error: BaseException):
    assert for_storage_error(error) is None


def test_identity_errors_keep_their_aadsts_guidance():
    error = ClientAuthenticationError(message=f"AADSTS65001: consent needed {FAKE_JWT}")
    assert explain(error) is AADSTS_GUIDANCE[65001]


def test_a_broker_cause_wins_over_the_storage_answer():
    refused = storage(auth, 403, "AuthenticationFailed", detail="Invalid token audience.")()
    refused.__cause__ = BrokerError("InteractionRequired", 50076, 1, "AADSTS50076: MFA")
    assert explain(refused) is AADSTS_GUIDANCE[50076]
    required = AuthenticationRequiredError(["https://storage.azure.com/.default"], message="x")
    required.__cause__ = BrokerError("InteractionRequired", 65001, 1, "AADSTS65001")
    assert explain(required) is AADSTS_GUIDANCE[65001]


# ------------------------------------------------------------------------ account URLs


def test_the_storage_sdk_is_imported_only_when_a_browser_first_needs_it():
    code = (
        "import sys, app.core.guidance.explain\n"
        "assert 'azure.core' not in sys.modules, 'guidance must load without azure-core'\n"
        "import app.core.storage.blobs\n"
        "assert 'azure.storage.blob' not in sys.modules, 'imported at start-up'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
