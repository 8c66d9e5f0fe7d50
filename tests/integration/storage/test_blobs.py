"""BlobBrowser against the sandbox's storage endpoint (Azurite behind it) with tokens the
sandbox broker mints through the real pymsalruntime. The emulator's shared key only seeds
data and checks results; every call under test goes through BrokerAccountCredential.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from azure.core.credentials import AccessToken
from azure.core.exceptions import AzureError, ClientAuthenticationError

from app.core.broker.records import Account
from app.core.broker.runtime import Broker
from app.core.configurations.profile import Profile
from app.core.credentials.account import BrokerAccountCredential
from app.core.files.atomic import TAG
from app.core.guidance.explain import explain
from app.core.storage.blobs import BlobBrowser, MiB, TransferCancelled
from app.core.storage.names import ContainerNameError, StorageUrlError, validate_account_url
from app.sandbox.storage.azurite import StorageEmulator
from tests.helpers import ROOT, claims


def unique(tag: str = "t") -> str:
    return f"{tag}-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def accounts(control) -> dict[str, Account]:  # type: ignore[no-untyped-def]
    return {a.username.split("@")[0]: a for a in Broker().discover_accounts(Profile())}


@pytest.fixture
def credential(accounts) -> BrokerAccountCredential:  # type: ignore[no-untyped-def]
    return BrokerAccountCredential(Broker(), accounts["adele"], Profile())


@pytest.fixture(scope="module")
def seeder(storage):  # type: ignore[no-untyped-def]
    """Shared-key client: set-up and checks only."""
    client = storage.shared_key_client()
    yield client
    client.close()


@pytest.fixture
def container(seeder) -> Iterator[str]:  # type: ignore[no-untyped-def]
    name = unique()
    seeder.create_container(name)
    yield name
    seeder.delete_container(name)


def browser_for(storage, credential: Any, **kwargs: Any) -> BlobBrowser:  # type: ignore[no-untyped-def]
    return BlobBrowser(
        storage.account_url, credential, connection_verify=str(storage.ca_path), **kwargs
    )


@pytest.fixture
def browser(storage, credential) -> Iterator[BlobBrowser]:  # type: ignore[no-untyped-def]
    b = browser_for(storage, credential, chunk_size=1 * MiB)
    yield b
    b.close()


def all_pages(fetch: Any) -> list[list[Any]]:
    pages, token = [], None
    while True:
        rows, token = fetch(token)
        pages.append(rows)
        if token is None:
            return pages
        assert len(pages) < 100, "paging does not end"


def test_lists_containers_one_page_at_a_time(storage, credential, seeder):
    prefix = unique("p")
    names = [f"{prefix}-{i}" for i in range(5)]
    for name in names:
        seeder.create_container(name)
    b = browser_for(storage, credential, page_size=2)
    try:
        pages = all_pages(lambda token: b.container_pages(token, prefix=prefix))
        assert [len(p) for p in pages] == [2, 2, 1]
        assert [row.name for page in pages for row in page] == names
        assert all(row.modified is not None for page in pages for row in page)
        first, token = b.container_pages()  # unfiltered: the whole account, still 2 a page
        assert len(first) == 2 and token is not None
    finally:
        b.close()
        for name in names:
            seeder.delete_container(name)


def test_browses_folders_one_level_at_a_time(browser, seeder, container):
    box = seeder.get_container_client(container)
    trees = [("a/b/c.txt", b"c" * 3), ("a/d.txt", b"d" * 5), ("e.txt", b"e" * 7), ("a/", b"")]
    for name, body in trees:  # "a/" is a folder marker, as some tools create
        box.upload_blob(name, body)
    root, token = browser.blob_page(container)
    assert token is None
    assert [(r.name, r.display, r.is_folder) for r in root] == [
        ("a/", "a/", True),
        ("e.txt", "e.txt", False),
    ]
    e = root[1]
    assert (e.size, e.content_type, e.tier) == (7, "application/octet-stream", "Hot")
    assert e.modified is not None and e.modified.tzinfo is not None
    inner, _ = browser.blob_page(container, "a")  # the missing "/" is added
    assert [(r.name, r.display, r.size) for r in inner] == [
        ("a/b/", "b/", None),
        ("a/d.txt", "d.txt", 5),
    ]
    deepest, _ = browser.blob_page(container, "a/b/")
    assert [r.display for r in deepest] == ["c.txt"]


def test_pages_through_thousands_of_blobs(storage, credential, seeder, container):
    box = seeder.get_container_client(container)
    names = [f"f{i:05d}.txt" for i in range(2100)]
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda n: box.upload_blob(n, b"x"), names))
    b = browser_for(storage, credential, page_size=500)
    try:
        pages = all_pages(lambda token: b.blob_page(container, continuation=token))
    finally:
        b.close()
    assert [len(p) for p in pages] == [500, 500, 500, 500, 100]
    listed = [row.name for page in pages for row in page]
    assert listed == names  # complete, in order, no duplicates


def test_properties_include_url_metadata_and_tags(browser, seeder, container, storage):
    seeder.get_container_client(container).upload_blob(
        "dir/doc.txt",
        b"hello",
        metadata={"owner": "adele", "purpose": "test"},
        tags={"project": "apollo", "stage": "draft"},
    )
    details = browser.properties(container, "dir/doc.txt")
    assert details.url == f"{storage.account_url}/{container}/dir/doc.txt"
    assert details.size == 5 and details.content_type == "application/octet-stream"
    # md5(b"hello"), as the service sends it and as md5sum prints it
    assert details.md5 == "XUFAKrxLKna5cZ2REBfFkg== (hex 5d41402abc4b2a76b9719d911017c592)"
    assert details.metadata == {"owner": "adele", "purpose": "test"}
    assert details.tags == {"project": "apollo", "stage": "draft"} and not details.tags_unreadable
    shown = dict(details.rows())
    for key in ("Last modified", "Created", "ETag", "Access tier", "Lease state", "Blob type"):
        assert shown[key], key
    assert shown["Last modified"].endswith("UTC")  # times say their time zone
    assert shown["Size"] == "5 bytes"


def test_download_reports_progress_and_writes_the_same_bytes(browser, seeder, container, tmp_path):
    body = os.urandom(5 * MiB + 123)
    seeder.get_container_client(container).upload_blob("big.bin", body)
    seen: list[tuple[int, int]] = []
    target = tmp_path / "big.bin"
    written = browser.download(
        container, "big.bin", target, lambda d, t: seen.append((d, t)), lambda: False
    )
    assert written == len(body) and target.read_bytes() == body
    assert len(seen) == 6  # 1 MiB chunks
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert seen[-1] == (len(body), len(body)) and {t for _, t in seen} == {len(body)}
    assert os.listdir(tmp_path) == ["big.bin"]
    if os.name == "posix":  # data fetched with the user's token: private, whatever the umask
        assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_cancelled_download_leaves_no_file(browser, seeder, container, tmp_path):
    seeder.get_container_client(container).upload_blob("big.bin", os.urandom(4 * MiB))
    seen: list[int] = []
    with pytest.raises(TransferCancelled):
        browser.download(
            container,
            "big.bin",
            tmp_path / "new.bin",
            lambda d, t: seen.append(d),
            lambda: bool(seen),
        )
    assert seen == [MiB]
    assert os.listdir(tmp_path) == []
    old = tmp_path / "old.bin"  # an existing file survives a cancelled download over it
    old.write_bytes(b"previous")
    seen.clear()
    with pytest.raises(TransferCancelled):
        browser.download(container, "big.bin", old, lambda d, t: seen.append(d), lambda: bool(seen))
    assert old.read_bytes() == b"previous" and os.listdir(tmp_path) == ["old.bin"]


def test_failed_download_leaves_no_file(browser, container, tmp_path):
    with pytest.raises(AzureError) as caught:
        browser.download(container, "missing.bin", tmp_path / "x", lambda d, t: None, lambda: False)
    assert explain(caught.value).code == "BlobNotFound"
    assert os.listdir(tmp_path) == []


# Downloads with a token read from stdin (the broker runtime is not loaded in a process the
# test kills) and stops after the first MiB has gone to the temporary file.
STALLED_DOWNLOAD = """
import sys, time
from pathlib import Path
from azure.core.credentials import AccessToken
from app.core.storage.blobs import BlobBrowser, MiB

url, ca, container, target = sys.argv[1:]
token, expires = sys.stdin.readline().split()

class Fixed:
    def get_token(self, *scopes, **kwargs):
        return AccessToken(token, int(expires))

def progress(done, total):
    print("writing", flush=True)
    time.sleep(600)

browser = BlobBrowser(url, Fixed(), connection_verify=ca, chunk_size=MiB)
browser.download(container, "big.bin", Path(target), progress, lambda: False)
"""


def test_a_download_killed_mid_write_is_swept_by_the_next_one_into_the_folder(
    storage, browser, credential, seeder, container, tmp_path
):
    client = seeder.get_container_client(container)
    client.upload_blob("big.bin", os.urandom(4 * MiB))
    client.upload_blob("small.txt", b"small")
    token = credential.get_token("https://storage.azure.com/.default")
    url, ca = storage.account_url, str(storage.ca_path)
    process = subprocess.Popen(
        [sys.executable, "-c", STALLED_DOWNLOAD, url, ca, container, str(tmp_path / "big.bin")],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        process.stdin.write(f"{token.token} {token.expires_on}\n")
        process.stdin.flush()
        assert process.stdout.readline() == "writing\n"
        (left,) = os.listdir(tmp_path)
        assert left.startswith(f".big.bin.{TAG}-{process.pid}-")
    finally:
        process.kill()
        process.wait()
    assert os.listdir(tmp_path) == [left] and (tmp_path / left).stat().st_size >= MiB
    small = tmp_path / "small.txt"
    browser.download(container, "small.txt", small, lambda d, t: None, lambda: False)
    assert os.listdir(tmp_path) == ["small.txt"]


def test_upload_reports_progress_and_stores_the_same_bytes(browser, seeder, container, tmp_path):
    body = os.urandom(2 * MiB + 5)
    source = tmp_path / "up.bin"
    source.write_bytes(body)
    seen: list[tuple[int, int]] = []
    sent = browser.upload(
        container,
        "dir/up.bin",
        source,
        lambda d, t: seen.append((d, t)),
        lambda: False,
        block_size=512 * 1024,
    )
    assert sent == len(body)
    assert seeder.get_blob_client(container, "dir/up.bin").download_blob().readall() == body
    assert [d for d, _ in seen] == [512 * 1024 * i for i in range(1, 5)] + [len(body)]
    assert {t for _, t in seen} == {len(body)}
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert browser.upload(container, "empty.txt", empty, lambda d, t: None, lambda: False) == 0
    assert browser.properties(container, "empty.txt").content_type == "text/plain"


def test_cancelled_upload_commits_nothing(browser, seeder, container, tmp_path):
    source = tmp_path / "up.bin"
    source.write_bytes(os.urandom(2 * MiB))

    def cancelled_after_first_block(name: str) -> list[int]:
        seen: list[int] = []
        with pytest.raises(TransferCancelled):
            browser.upload(
                container,
                name,
                source,
                lambda d, t: seen.append(d),
                lambda: bool(seen),
                block_size=256 * 1024,
            )
        return seen

    assert cancelled_after_first_block("up.bin") == [256 * 1024]
    assert not seeder.get_blob_client(container, "up.bin").exists()
    seeder.get_container_client(container).upload_blob("keep.bin", b"old")
    cancelled_after_first_block("keep.bin")
    assert seeder.get_blob_client(container, "keep.bin").download_blob().readall() == b"old"


def test_creates_and_deletes_containers_and_blobs(browser, seeder):
    name = unique()
    browser.create_container(name)
    try:
        assert seeder.get_container_client(name).exists()
        with pytest.raises(AzureError) as caught:
            browser.create_container(name)
        assert explain(caught.value).code == "ContainerAlreadyExists"
        seeder.get_container_client(name).upload_blob("gone.txt", b"x")
        browser.delete_blob(name, "gone.txt")
        assert not seeder.get_blob_client(name, "gone.txt").exists()
        with pytest.raises(AzureError) as caught:
            browser.delete_blob(name, "gone.txt")
        assert explain(caught.value).code == "BlobNotFound"
    finally:
        browser.delete_container(name)
    assert not seeder.get_container_client(name).exists()
    with pytest.raises(AzureError) as caught:
        browser.blob_page(name)
    assert explain(caught.value).code == "ContainerNotFound"


@pytest.mark.parametrize("name", ["ab", "a" * 64, "Upper", "a--b", "-ab", "ab-", "a_b", "a.b"])
def test_invalid_container_names_are_refused_before_any_request(browser, credential, name):
    with pytest.raises(ContainerNameError) as caught:
        browser.create_container(name)
    assert isinstance(caught.value, ValueError) and "Container names" in str(caught.value)
    assert credential.last_result is None  # no token was even asked for


def test_each_browser_uses_its_own_account(storage, accounts):
    adele = BrokerAccountCredential(Broker(), accounts["adele"], Profile())
    lee = BrokerAccountCredential(Broker(), accounts["lee"], Profile())
    first, second = browser_for(storage, adele), browser_for(storage, lee)
    try:
        first.container_pages()
        assert lee.last_result is None
        second.container_pages()
        for credential, user in [(adele, "adele@contoso.example"), (lee, "lee@fabrikam.example")]:
            assert credential.last_result is not None
            assert credential.last_result.account.username == user
            token = claims(credential.last_result.access_token)
            assert (token["preferred_username"], token["aud"]) == (
                user,
                "https://storage.azure.com",
            )
    finally:
        first.close()
        second.close()


@pytest.mark.broker_generation("2.0.1")  # needs Entra's AADSTS code: 2.5 redacts it
def test_a_broker_refusal_is_not_retried_and_keeps_the_brokers_guidance(storage, accounts, control):
    carl = BrokerAccountCredential(Broker(), accounts["carl"], Profile())  # conditional access
    b = browser_for(storage, carl)  # the SDK's retry policy would ask the broker 4 times
    try:
        with pytest.raises(ClientAuthenticationError) as caught:
            b.container_pages()
    finally:
        b.close()
    assert explain(caught.value).code == "AADSTS53003"
    asked = [
        c for c in control.calls("acquireTokenSilently") if c["account"] == "carl@contoso.example"
    ]
    assert len(asked) == 1


class WrongScope:
    """Models a misconfigured scope: whatever the SDK asks for, a management token is fetched
    from the broker (as a profile with scopes https://management.azure.com/.default would)."""

    def __init__(self, inner: BrokerAccountCredential) -> None:
        self.inner = inner

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return self.inner.get_token("https://management.azure.com/.default")


def test_a_token_for_another_resource_is_refused_and_explained(storage, credential):
    b = browser_for(storage, WrongScope(credential))
    try:
        with pytest.raises(ClientAuthenticationError) as caught:
            b.container_pages()
    finally:
        b.close()
    assert credential.last_result is not None
    assert claims(credential.last_result.access_token)["aud"] == "https://management.azure.com"
    advice = explain(caught.value)
    assert advice.code == "InvalidTokenAudience"
    assert "https://storage.azure.com/.default" in advice.fix
    for text in (advice.title, advice.explanation, advice.fix):
        assert credential.last_result.access_token not in text and "eyJ" not in text


def listing_error(url: str, credential, verify: str | bool) -> BaseException:  # type: ignore[no-untyped-def]
    """The error one container listing raises (no retries)."""
    browser = BlobBrowser(url, credential, connection_verify=verify, retry_total=0)
    try:
        with pytest.raises(AzureError) as caught:
            browser.container_pages()
    finally:
        browser.close()
    return caught.value


def test_an_unknown_account_is_explained(storage, credential):
    url = storage.account_url.rsplit("/", 1)[0] + "/nosuchaccount"
    error = listing_error(url, credential, str(storage.ca_path))
    assert explain(error).code == "StorageAccountNotFound"


def test_an_untrusted_certificate_is_explained(storage, credential):
    import certifi  # the public CAs only (True would take the sandbox's REQUESTS_CA_BUNDLE)

    error = listing_error(storage.account_url, credential, certifi.where())
    assert explain(error).code == "CertificateVerifyFailed"


def test_http_is_refused_before_any_request(storage, credential):
    url = storage.account_url.replace("https://", "http://")
    with pytest.raises(StorageUrlError, match="bearer tokens are refused over http; use https"):
        validate_account_url(url)
    with pytest.raises(StorageUrlError, match="use https"):
        BlobBrowser(url, credential)
    assert credential.last_result is None


@pytest.mark.timeout(120)  # hanging on the dead endpoint is the failure (not a speed target)
def test_emulator_stopping_mid_download_fails_and_leaves_nothing(
    sandbox, storage, credential, tmp_path
):
    """An emulator of this test's own, behind a storage endpoint of its own, stopped while
    the download runs."""
    emulator = StorageEmulator(tmp_path)
    emulator.start()
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    try:
        seeder = emulator.shared_key_client()
        seeder.create_container("box")
        seeder.get_container_client("box").upload_blob("big.bin", os.urandom(8 * MiB))
        seeder.close()
        with sandbox.storage_front(emulator) as url:
            b = BlobBrowser(
                url, credential, connection_verify=str(storage.ca_path),
                chunk_size=1 * MiB, retry_total=1, retry_backoff=0, connection_timeout=5,
                read_timeout=5,
            )  # fmt: skip
            seen: list[int] = []

            def progress(done: int, total: int) -> None:
                seen.append(done)
                emulator.stop()

            with pytest.raises(AzureError) as caught:
                b.download("box", "big.bin", downloads / "big.bin", progress, lambda: False)
            b.close()
    finally:
        emulator.stop()
    assert seen == [MiB]
    assert explain(caught.value).code == "StorageUnreachable"
    assert os.listdir(downloads) == []
