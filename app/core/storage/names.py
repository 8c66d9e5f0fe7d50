"""What storage accepts as names, checked before anything is sent: a storage account URL the
app will send a token to, container and blob names (each refusal says which rule it breaks:
Azure Storage's "Naming and Referencing Containers, Blobs, and Metadata").

Plain Python: no Qt, no Azure SDK.
"""

from __future__ import annotations

import re

CLOUDS = ("windows.net", "usgovcloudapi.net", "chinacloudapi.cn")
_EXAMPLE = "https://<account>.blob.core.windows.net"
_EMULATOR_EXAMPLE = "https://127.0.0.1:10000/devstoreaccount1"
_ACCOUNT = re.compile(r"[a-z0-9]{3,24}")
_HOST_PORT = re.compile(r"(?P<host>[^:]+)(?::(?P<port>\d{1,5}))?")
_PUBLIC = re.compile(
    r"(?P<account>[^.]+)\.blob\.core\.(?:" + "|".join(map(re.escape, CLOUDS)) + ")"
)
_OTHER_SERVICE = re.compile(r"[^.]+\.(file|queue|table|dfs|web)\.core\.[a-z.]+")
_CONTAINER = re.compile(r"[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*")


class StorageUrlError(ValueError):
    """An account URL the app will not send a token to; the message is meant for the user.
    It never repeats the URL: a pasted URL may carry a SAS signature."""


class StorageNameError(ValueError):
    """A name the service would refuse: checked first so the user reads which rule it breaks
    instead of the service's bare 400 InvalidResourceName (or an emulator's 500). The message
    is the rule, for the user."""


class ContainerNameError(StorageNameError):
    """A container name the service would refuse."""


class BlobNameError(StorageNameError):
    """A blob name the service would refuse."""


def validate_account_url(url: str) -> str:
    """The normalised account URL, or StorageUrlError saying what is wrong with it.

    Checked before any client exists because the client sends the account's bearer token to
    whatever host it is given: only the Blob endpoints of the public, US Government and China
    clouds, or a loopback emulator (path-style), over https, ever get one.
    """
    text = url.strip()
    if not text:
        raise StorageUrlError(f"Enter the storage account URL, e.g. {_EXAMPLE}")
    if not text.isascii() or not text.isprintable() or any(c.isspace() for c in text):
        raise StorageUrlError("The URL contains spaces or characters that are not allowed")
    scheme, sep, rest = text.partition("://")
    if not sep:
        raise StorageUrlError(f"The URL must start with https://, e.g. {_EXAMPLE}")
    if scheme.lower() == "http":
        raise StorageUrlError("bearer tokens are refused over http; use https")
    if scheme.lower() != "https":
        raise StorageUrlError(f"Only https:// URLs are supported, e.g. {_EXAMPLE}")
    if "?" in rest or "#" in rest:
        raise StorageUrlError(
            "Remove the query (from “?” on): SAS tokens are not used here, the signed-in "
            "account's token is"
        )
    netloc, _, path = rest.partition("/")
    if "@" in netloc:
        raise StorageUrlError("The URL must not contain a user name or password")
    match = _HOST_PORT.fullmatch(netloc)
    if match is None:
        raise StorageUrlError("The URL's host or port is malformed")
    host, port = match["host"].lower(), match["port"]
    if port is not None and not 0 < int(port) < 65536:
        raise StorageUrlError("The port must be between 1 and 65535")
    segments = [s for s in path.split("/") if s]
    if host in ("127.0.0.1", "localhost"):
        if len(segments) != 1:
            raise StorageUrlError(
                f"An emulator URL has the account name as its path, e.g. {_EMULATOR_EXAMPLE}"
            )
        _check_account(segments[0])
        return f"https://{host}{f':{int(port)}' if port else ''}/{segments[0]}"
    public = _PUBLIC.fullmatch(host)
    if public is not None:
        _check_account(public["account"])
        if port is not None and int(port) != 443:
            raise StorageUrlError("Azure Storage only answers on the standard https port")
        if segments:
            raise StorageUrlError(
                f"Give the account URL only, without a container or blob path: {_EXAMPLE}"
            )
        return f"https://{host}"
    other = _OTHER_SERVICE.fullmatch(host)
    if other is not None:
        raise StorageUrlError(f"That is the {other[1]} endpoint; use the blob one: {_EXAMPLE}")
    raise StorageUrlError(
        f"Not an Azure Blob Storage account URL: expected {_EXAMPLE} (or an emulator URL "
        f"such as {_EMULATOR_EXAMPLE})"
    )


def _check_account(name: str) -> None:
    if not _ACCOUNT.fullmatch(name):
        raise StorageUrlError(
            "Storage account names are 3 to 24 characters: lowercase letters and digits only"
        )


CONTAINER_NAME_RULE = (
    "3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter "
    "or digit"
)


def validate_container_name(name: str) -> str:
    """The name unchanged, or ContainerNameError naming the Azure naming rule it breaks."""
    if not 3 <= len(name) <= 63:
        raise ContainerNameError("Container names are 3 to 63 characters long")
    if not _CONTAINER.fullmatch(name):
        raise ContainerNameError(
            "Container names use lowercase letters, digits and single hyphens, and start and "
            "end with a letter or digit"
        )
    return name


MAX_BLOB_NAME = 1024
MAX_SEGMENTS = 254  # path segments, in an account without a hierarchical namespace
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def validate_blob_name(name: str) -> str:
    """The name unchanged, or BlobNameError naming the rule it breaks."""
    if not 1 <= len(name) <= MAX_BLOB_NAME:
        raise BlobNameError(
            f"Blob names are 1 to {MAX_BLOB_NAME:,} characters long (this one has {len(name):,})"
        )
    if _CONTROL.search(name):
        raise BlobNameError("Blob names cannot hold control characters (such as a line break)")
    if any(0xD800 <= ord(c) <= 0xDFFF or 0xFDD0 <= ord(c) <= 0xFDEF or (ord(c) & 0xFFFE) == 0xFFFE
           for c in name):  # fmt: skip
        raise BlobNameError("Blob names cannot hold characters that are not valid Unicode")
    if name.endswith((".", "/", "\\")):
        raise BlobNameError("Blob names cannot end with a dot, a slash or a backslash")
    if name.count("/") + 1 > MAX_SEGMENTS:
        raise BlobNameError(f"Blob names have at most {MAX_SEGMENTS} path segments (folders)")
    return name


def blob_url(account_url: str, container: str, name: str = "") -> str:
    """The URL of a container, or of a blob or folder in it, as the service spells it (the
    name percent-encoded, its slashes kept)."""
    from urllib.parse import quote

    url = f"{account_url.rstrip('/')}/{quote(container, safe='')}"
    return f"{url}/{quote(name, safe='/~')}" if name else url


def numbered(name: str, number: int) -> str:
    """ "a/report (2).pdf" for "a/report.pdf": the name an upload kept beside a blob gets."""
    folder, _, last = name.rpartition("/")
    stem, dot, suffix = last.rpartition(".")
    if not dot or not stem:  # no extension (or a dot file): the number goes at the end
        stem, dot, suffix = last, "", ""
    return f"{folder + '/' if folder else ''}{stem} ({number}){dot}{suffix}"


def local_path(folder: str, name: str) -> str | None:
    """Where blob `name` goes under a local folder, as a relative path with "/" between its
    parts; None for a name that would leave the folder or that no file system takes (a "..",
    an empty or "." segment, a backslash, a drive, a control or Windows-reserved character):
    a folder download never writes outside the folder chosen."""
    parts = name.split("/")
    bad = set('<>:"|?*\\')
    for part in parts:
        if part in ("", ".", "..") or part.endswith((" ", ".")) or _CONTROL.search(part):
            return None
        if any(c in bad for c in part):
            return None
    return "/".join([folder, *parts]) if folder else "/".join(parts)
