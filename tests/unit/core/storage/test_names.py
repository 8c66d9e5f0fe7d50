"""Storage account URLs the app will send a token to, and what it says about any other text
(app.core.storage.names)."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.core.storage.names import (
    BlobNameError,
    StorageNameError,
    StorageUrlError,
    validate_account_url,
    validate_blob_name,
    validate_container_name,
)

VALID = [
    ("https://acct.blob.core.windows.net", "https://acct.blob.core.windows.net"),
    ("  HTTPS://MyAcct1.BLOB.core.windows.net:443/  ", "https://myacct1.blob.core.windows.net"),
    ("https://gov123.blob.core.usgovcloudapi.net", "https://gov123.blob.core.usgovcloudapi.net"),
    ("https://cn1.blob.core.chinacloudapi.cn/", "https://cn1.blob.core.chinacloudapi.cn"),
    ("https://127.0.0.1:10000/devstoreaccount1/", "https://127.0.0.1:10000/devstoreaccount1"),
    ("https://LOCALHOST:01000/devstoreaccount1", "https://localhost:1000/devstoreaccount1"),
    ("https://localhost/devstoreaccount1", "https://localhost/devstoreaccount1"),
]
INVALID = [
    ("", "Enter the storage account URL"),
    ("   \t", "Enter the storage account URL"),
    ("http://acct.blob.core.windows.net", "bearer tokens are refused over http; use https"),
    ("HTTP://127.0.0.1:10000/devstoreaccount1", "bearer tokens are refused over http; use https"),
    ("acct.blob.core.windows.net", "must start with https://"),
    ("ftp://acct.blob.core.windows.net", "Only https:// URLs"),
    ("https://acct.blob.core.windows.net/container", "without a container or blob path"),
    ("https://acct.blob.core.windows.net?sv=2024&sig=SECRETSIG", "Remove the query"),
    ("https://acct.blob.core.windows.net/#top", "Remove the query"),
    ("https://acct.file.core.windows.net", "file endpoint"),
    ("https://acct.dfs.core.windows.net", "dfs endpoint"),
    ("https://example.com", "Not an Azure Blob Storage account URL"),
    ("https://acct.blob.core.windows.net.evil.example", "Not an Azure Blob Storage account URL"),
    ("https://ab.blob.core.windows.net", "3 to 24 characters"),
    ("https://my_acct.blob.core.windows.net", "3 to 24 characters"),
    ("https://a.b.blob.core.windows.net", "Not an Azure Blob Storage account URL"),
    ("https://acct.blob.core.windows.net:8443", "standard https port"),
    ("https://127.0.0.1:10000", "account name as its path"),
    ("https://127.0.0.1:10000/devstoreaccount1/box", "account name as its path"),
    ("https://127.0.0.1:10000/DevStoreAccount1", "3 to 24 characters"),
    ("https://127.0.0.1:99999/devstoreaccount1", "between 1 and 65535"),
    ("https://127.0.0.1:0/devstoreaccount1", "between 1 and 65535"),
    ("https://127.0.0.1:abc/devstoreaccount1", "host or port is malformed"),
    ("https://[::1]:10000/devstoreaccount1", "host or port is malformed"),
    ("https://:10000/devstoreaccount1", "host or port is malformed"),
    ("https://user:pw@acct.blob.core.windows.net", "user name or password"),
    ("https://acct .blob.core.windows.net", "spaces"),
    ("https://ácct.blob.core.windows.net", "not allowed"),
]


@pytest.mark.parametrize(("url", "normalised"), VALID)
def test_valid_account_urls_are_normalised(url: str, normalised: str):
    assert validate_account_url(url) == normalised
    assert validate_account_url(normalised) == normalised


@pytest.mark.parametrize(("url", "message"), INVALID)
def test_invalid_account_urls_say_what_is_wrong(url: str, message: str):
    with pytest.raises(StorageUrlError, match=r"^.+$") as caught:
        validate_account_url(url)
    assert message in str(caught.value)
    assert "SECRETSIG" not in str(caught.value) and "pw" not in str(caught.value)


PIECES = {
    "scheme": ["https://", "http://", "HTTPS://", "", "ftp://", "https:/", "https:///"],
    "host": ["acct.blob.core.windows.net", "x1.blob.core.usgovcloudapi.net", "127.0.0.1",
             "localhost", "a.file.core.windows.net", "u@h", "[::1]", ""],
    "port": ["", ":443", ":10000", ":0", ":99999", ":x", ":", "::1"],
    "path": ["", "/", "/devstoreaccount1", "/devstoreaccount1/", "/a/b", "//x"],
    "tail": ["", "?sig=s", "#f", " ", "\\x00", "é"],
}  # fmt: skip
url_like = st.builds(
    lambda *parts: "".join(parts),
    *(st.one_of(st.sampled_from(v), st.text(max_size=6)) for v in PIECES.values()),
)


@settings(max_examples=600, deadline=None)
@given(st.one_of(st.text(), url_like))
@example("http://[")
@example("https://127.0.0.1:9999999999/devstoreaccount1")
@example("https://\u0130.blob.core.windows.net")  # İ lower-cases to two characters
def test_validation_only_ever_refuses_with_storage_url_error(text: str):
    try:
        url = validate_account_url(text)
    except StorageUrlError as refused:
        assert str(refused)
        return
    assert url.startswith("https://")
    assert validate_account_url(url) == url


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("", "1 to 1,024 characters"),
        ("a" * 1025, "(this one has 1,025)"),
        ("line\nbreak", "control characters"),
        ("tab\there", "control characters"),
        ("bad\ud800", "not valid Unicode"),
        ("bad\ufffe", "not valid Unicode"),
        ("report.", "end with a dot"),
        ("folder/", "end with a dot, a slash"),
        ("back\\", "backslash"),
        ("/".join(["a"] * 255), "at most 254 path segments"),
    ],
)
def test_blob_names_storage_refuses_say_which_rule(name: str, rule: str):
    with pytest.raises(BlobNameError) as refused:
        validate_blob_name(name)
    assert rule in str(refused.value)


@pytest.mark.parametrize(
    "name", ["a", "folder/report.txt", "ünïcödé ☃.txt", "a" * 1024, "/".join(["a"] * 254)]
)
def test_blob_names_storage_accepts_are_unchanged(name: str):
    assert validate_blob_name(name) == name


@pytest.mark.parametrize("name", ["ab", "Bad_Name!", "-start", "end-", "two--hyphens", "x" * 64])
def test_container_names_storage_refuses_are_storage_name_errors(name: str):
    with pytest.raises(StorageNameError):
        validate_container_name(name)


def test_a_kept_upload_is_numbered_before_its_extension() -> None:
    from app.core.storage.names import numbered

    assert numbered("a/report.pdf", 1) == "a/report (1).pdf"
    assert numbered("archive.tar.gz", 2) == "archive.tar (2).gz"
    assert numbered("README", 3) == "README (3)"
    assert numbered("dir.v2/.env", 1) == "dir.v2/.env (1)"  # a dot file has no extension


def test_urls_keep_slashes_and_encode_the_rest() -> None:
    from app.core.storage.names import blob_url

    account = "https://127.0.0.1:10000/devstoreaccount1"
    assert blob_url(account, "box") == f"{account}/box"
    assert blob_url(account, "box", "a b/c#1.txt") == f"{account}/box/a%20b/c%231.txt"
    assert blob_url(account + "/", "box", "docs/") == f"{account}/box/docs/"


def test_a_folder_download_never_writes_outside_its_folder() -> None:
    from app.core.storage.names import local_path

    assert local_path("docs", "a/b.txt") == "docs/a/b.txt"
    assert local_path("", "b.txt") == "b.txt"
    for name in ("../up.txt", "a/../../x", "a//b", "./a", "c:x", "a\\b", "nul?", "end.", "a\x01b"):
        assert local_path("docs", name) is None, name
