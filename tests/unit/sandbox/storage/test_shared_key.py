"""The storage endpoint's Shared Key signature is the one azure-storage-blob's own signing
policy computes for the same request (Azurite verifies both the same way; every request of the
integration suite that passes the endpoint is signed so)."""

from __future__ import annotations

import base64
import os

import pytest
from azure.core.pipeline import PipelineContext, PipelineRequest
from azure.core.pipeline.transport import HttpRequest
from azure.storage.blob._shared.authentication import SharedKeyCredentialPolicy

from app.sandbox.storage import shared_key

ACCOUNT = "devstoreaccount1"
KEY = base64.b64encode(os.urandom(64)).decode()
UPLOAD = {"Content-Length": "5", "Content-Type": "text/plain", "x-ms-blob-type": "BlockBlob",
          "x-ms-meta-Owner": "adele"}  # fmt: skip
DATE = {"x-ms-date": "Wed, 02 Dec 2026 00:00:00 GMT", "x-ms-version": "2025-11-05"}


def sdk_signature(method: str, target: str, headers: dict[str, str]) -> str:
    request = HttpRequest(method, f"https://127.0.0.1:10000{target}", headers=dict(headers))
    SharedKeyCredentialPolicy(ACCOUNT, KEY).on_request(
        PipelineRequest(request, PipelineContext(None))
    )
    return str(request.headers["Authorization"])


@pytest.mark.parametrize(
    ("method", "target", "headers"),
    [
        ("GET", f"/{ACCOUNT}/?comp=list&maxresults=500", {}),
        ("PUT", f"/{ACCOUNT}/box/a%20b%2Bc.txt", UPLOAD),
        ("PUT", f"/{ACCOUNT}/box/b?comp=metadata&timeout=30", {"Content-Length": "0"}),
        ("GET", f"/{ACCOUNT}/box/big.bin", {"x-ms-range": "bytes=0-1048575", "If-Match": '"0x8'}),
        ("GET", f"/{ACCOUNT}/box?restype=container&comp=list&prefix=a%2Fb%2F&delimiter=%2F", {}),
        ("DELETE", f"/{ACCOUNT}/box?restype=container", {"x-ms-lease-id": "6c4f1a9e"}),
    ],
)
def test_the_signature_is_azure_storage_blobs(
    method: str, target: str, headers: dict[str, str]
) -> None:
    sent = {**DATE, **headers}
    ours = shared_key.authorization(method, target, sent.items(), ACCOUNT, KEY)
    assert ours == sdk_signature(method, target, sent)
    assert ours.startswith(f"SharedKey {ACCOUNT}:")


def test_another_key_signs_differently() -> None:
    target = f"/{ACCOUNT}/?comp=list"
    other = base64.b64encode(os.urandom(64)).decode()
    assert shared_key.authorization("GET", target, DATE.items(), ACCOUNT, KEY) != (
        shared_key.authorization("GET", target, DATE.items(), ACCOUNT, other)
    )
