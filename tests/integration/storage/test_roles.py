"""Data-plane roles through the real azure-storage-blob, with tokens the sandbox broker mints
through the real pymsalruntime: the sandbox's storage endpoint answers as Azure Storage does
(403 AuthorizationPermissionMismatch, its XML body and header) where directory.json assigns no
data role, and streams everything else to Azurite. The emulator's shared key only sets up."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError
from azure.storage.blob import BlobServiceClient

from app.core.broker.records import Account
from app.core.broker.runtime import Broker
from app.core.configurations.profile import Profile
from app.core.credentials.account import BrokerAccountCredential
from app.core.guidance.explain import explain

MiB = 1 << 20


@pytest.fixture
def accounts(control) -> dict[str, Account]:  # type: ignore[no-untyped-def]
    return {a.username.split("@")[0]: a for a in Broker().discover_accounts(Profile())}


@pytest.fixture
def client_for(storage, accounts) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    made: list[BlobServiceClient] = []

    def make(who: str) -> BlobServiceClient:
        credential = BrokerAccountCredential(Broker(), accounts[who], Profile())
        client = BlobServiceClient(
            storage.account_url, credential, connection_verify=str(storage.ca_path), retry_total=0
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def container(storage) -> Iterator[str]:  # type: ignore[no-untyped-def]
    seeder = storage.shared_key_client()
    name = f"roles-{uuid.uuid4().hex[:10]}"
    seeder.create_container(name).upload_blob("seed.txt", b"seed")
    yield name
    seeder.delete_container(name)
    seeder.close()


def refused(call: Any) -> HttpResponseError:
    with pytest.raises(HttpResponseError) as caught:
        call()
    error = caught.value
    assert error.status_code == 403
    assert error.error_code == "AuthorizationPermissionMismatch"
    assert error.response.headers["x-ms-error-code"] == "AuthorizationPermissionMismatch"
    return error


def test_an_owner_without_a_data_role_is_refused_and_told_which_role(client_for, container):
    nestor = client_for("nestor")
    error = refused(lambda: list(nestor.list_containers()))
    assert "not authorized to perform this operation using this permission" in str(error)
    advice = explain(error)
    assert advice.code == "AuthorizationPermissionMismatch"
    assert "Storage Blob Data Reader" in advice.fix and "Owner or Contributor" in advice.fix
    refused(lambda: nestor.get_blob_client(container, "seed.txt").download_blob().readall())


def test_a_reader_reads_and_cannot_write(client_for, container):
    lee = client_for("lee")
    assert container in {c.name for c in lee.list_containers()}
    box = lee.get_container_client(container)
    assert [b.name for b in box.list_blobs()] == ["seed.txt"]
    assert box.download_blob("seed.txt").readall() == b"seed"
    refused(lambda: box.upload_blob("new.txt", b"x"))
    refused(lambda: box.delete_blob("seed.txt"))
    refused(lambda: lee.create_container(f"lee-{uuid.uuid4().hex[:8]}"))


def test_a_container_scoped_contributor_writes_there_only(storage, client_for, container):
    seeder = storage.shared_key_client()
    if not seeder.get_container_client("guest-uploads").exists():
        seeder.create_container("guest-uploads")
    lee = client_for("lee")
    name = f"up-{uuid.uuid4().hex[:8]}.txt"
    lee.get_container_client("guest-uploads").upload_blob(name, b"from a guest")
    assert (
        seeder.get_blob_client("guest-uploads", name).download_blob().readall() == b"from a guest"
    )
    lee.get_container_client("guest-uploads").delete_blob(name)
    refused(lambda: lee.get_container_client(container).upload_blob(name, b"x"))
    seeder.close()


def test_a_contributor_through_a_group_writes_deletes_and_makes_containers(client_for, container):
    megan = client_for("megan")
    box = megan.get_container_client(container)
    box.upload_blob("megan.txt", b"hello")
    assert box.download_blob("megan.txt").readall() == b"hello"
    box.delete_blob("megan.txt")
    made = megan.create_container(f"megan-{uuid.uuid4().hex[:8]}")
    made.delete_container()


def test_authentication_comes_before_roles(storage, accounts):
    """A token for another audience is refused as Azure does, 401-style, before any role."""
    wrong = BrokerAccountCredential(Broker(), accounts["nestor"], Profile())
    client = BlobServiceClient(
        storage.account_url, _ManagementToken(wrong), connection_verify=str(storage.ca_path)
    )
    with pytest.raises(ClientAuthenticationError) as caught:
        list(client.list_containers())
    assert explain(caught.value).code == "InvalidTokenAudience"
    client.close()


class _ManagementToken:
    def __init__(self, inner: BrokerAccountCredential) -> None:
        self.inner = inner

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        return self.inner.get_token("https://management.azure.com/.default")


def vm_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(field)


def test_the_endpoint_streams_a_large_download(sandbox, storage, accounts, container):
    """One 64 MiB response through the endpoint: its peak memory must not grow by the body."""
    seeder = storage.shared_key_client()
    seeder.get_blob_client(container, "big.bin").upload_blob(os.urandom(64 * MiB))
    seeder.close()
    gateway = next(p for p in sandbox.procs if "app.sandbox.gateway" in p.args)
    peak_before, rss_before = vm_kb(gateway.pid, "VmHWM"), vm_kb(gateway.pid, "VmRSS")
    credential = BrokerAccountCredential(Broker(), accounts["megan"], Profile())
    with BlobServiceClient(
        storage.account_url, credential, connection_verify=str(storage.ca_path),
        max_single_get_size=64 * MiB,  # one GET, one response body, for the whole blob
    ) as megan:  # fmt: skip
        blob = megan.get_blob_client(container, "big.bin")
        assert len(blob.download_blob(max_concurrency=1).readall()) == 64 * MiB
    assert vm_kb(gateway.pid, "VmHWM") < max(peak_before, rss_before + 32 * 1024)


class _HomeTenantOnly:
    """A client that does not follow storage's bearer challenge (as azcopy and azd did): it
    presents the guest's home-tenant token whatever tenant it is asked for."""

    def __init__(self, inner: BrokerAccountCredential) -> None:
        self.inner = inner

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        return self.inner.get_token(*scopes)


def test_a_guests_home_tenant_token_fails_issuer_validation(storage, accounts, sandbox):
    """Azure Storage accepts only tokens its account's tenant issued: lee's own (Fabrikam's)
    gets 401 InvalidAuthenticationInfo, "Issuer validation failed" (azcopy #531, azd #7067)."""
    home = BrokerAccountCredential(Broker(), accounts["lee"], Profile())  # organizations
    client = BlobServiceClient(
        storage.account_url, _HomeTenantOnly(home), connection_verify=str(storage.ca_path),
        retry_total=0,
    )  # fmt: skip
    mark = len(sandbox.journal())
    with pytest.raises(ClientAuthenticationError) as caught:
        list(client.list_containers())
    client.close()
    error = caught.value
    assert error.status_code == 401 and error.error_code == "InvalidAuthenticationInfo"
    assert "Issuer validation failed. Issuer did not match." in str(error)
    challenge = error.response.headers["WWW-Authenticate"]
    assert "login.microsoftonline.com/4c5aa37b-6bdb-5753-8e91-ca41367d74b3/" in challenge
    assert explain(error).code == "InvalidTokenIssuer"  # the app's issuer guidance shows
    # The SDK answered the challenge once, with the same token: refused both times.
    assert [e["kind"] for e in sandbox.journal()[mark:]] == ["denied", "denied"]


def test_azure_storage_blob_follows_the_challenge_into_the_accounts_tenant(
    client_for, sandbox, container
):
    """The SDK reads the challenge's authorization_uri and asks the credential for a token of
    that tenant: the guest then reads as its own object in Contoso."""
    lee = client_for("lee")  # the default profile: organizations, lee's home tenant first
    mark = len(sandbox.journal())
    assert container in {c.name for c in lee.list_containers()}
    kinds = [e["kind"] for e in sandbox.journal()[mark:]]
    assert kinds[:1] == ["denied"] and "denied" not in kinds[1:]
