"""Browse Azure Blob Storage with the signed-in account's token.

A token the broker hands out is only proven useful when a real resource accepts it, and Blob
Storage is the resource almost every account can reach. Everything here blocks (the UI runs it
on a worker thread) and returns plain rows, never SDK objects, so nothing the UI keeps can make
a network call from the GUI thread. azure.storage.blob is imported on first use: it is one of
the slowest imports in the app and the pane is not needed at start-up.
"""

from __future__ import annotations

import io
import mimetypes
import threading
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from app.core.files.atomic import atomic_file
from app.core.files.disk import DiskError
from app.core.storage.details import BlobDetails, read_details
from app.core.storage.names import (
    numbered,
    validate_account_url,
    validate_blob_name,
    validate_container_name,
)

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential

MiB = 1024 * 1024
MAX_BLOCKS = 50_000  # the service's limit of blocks in one block blob

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class TransferCancelled(Exception):
    """The user cancelled a download or upload; nothing was written or committed."""


# Rows are NamedTuples of atomic values on purpose: the pane's model keeps them as plain
# tuples (`tuple(row)`), which the garbage collector stops tracking, so 100,000 of them add
# nothing to each full collection (as objects they made every gen-2 pass, and so the GUI,
# stall 56-90 ms; measured).
class ContainerRow(NamedTuple):
    name: str
    modified: datetime | None


class BlobRow(NamedTuple):
    name: str  # the full name; folders ("virtual directories") end with "/"
    is_folder: bool
    size: int | None
    modified: datetime | None
    content_type: str | None
    tier: str | None

    @property
    def display(self) -> str:
        """The last path segment, as a file browser shows it; folders keep their "/"."""
        last = self.name.rstrip("/").rsplit("/", 1)[-1]
        if not last:
            return self.name
        return last + "/" if self.is_folder else last


class BlobBrowser:
    """Blob Storage for one account URL and one credential (the active broker account).

    `chunk_size` bounds the first GET as well as the later ones: the SDK's first GET is 32 MiB
    by default, which would leave a download uncancellable and silent until it finished; 8 MiB
    keeps Cancel prompt and, against Azurite, matched the SDK's own throughput where 4 MiB
    requests reached ~60% of it (per-request overhead; measured). The retry back-off is
    shorter than the SDK's (15 s first wait) because a person is waiting.

    Until a first listing has succeeded, requests are not retried and wait `probe_timeout`
    seconds for the connection: pressing Connect on an address that refuses or does not
    resolve said nothing for ~20 s (three retries with back-off, measured), to then give the
    same answer. Once the account answered, the retries are for the transient failures.
    """

    def __init__(
        self,
        account_url: str,
        credential: TokenCredential,
        *,
        connection_verify: str | bool = True,
        page_size: int = 500,
        chunk_size: int = 8 * MiB,
        retry_total: int = 3,
        retry_backoff: int = 2,
        connection_timeout: float = 20.0,
        read_timeout: float = 60.0,
        max_concurrency: int = 4,
        probe_timeout: float = 5.0,
    ) -> None:
        self.account_url = validate_account_url(account_url)
        if not 1 <= page_size <= 5000 or chunk_size < 1:
            raise ValueError("page_size must be 1 to 5000 and chunk_size positive")
        self.credential = credential
        self.page_size = page_size
        self.max_concurrency = max_concurrency  # parallel ranged GETs, as the SDK's own default
        self._retry = (retry_total, retry_backoff)
        self._options: dict[str, Any] = dict(
            connection_verify=connection_verify, connection_timeout=connection_timeout,
            read_timeout=read_timeout, max_single_get_size=chunk_size,
            max_chunk_get_size=chunk_size,
        )  # fmt: skip
        self._client: Any = None
        self._containers: dict[str, Any] = {}
        self._lock = threading.Lock()
        self.reached = False  # a listing succeeded: requests are retried from then on
        self._probe = dict(retry_total=0, connection_timeout=probe_timeout,
                           read_timeout=3 * probe_timeout)  # fmt: skip

    def _service(self) -> Any:
        with self._lock:
            if self._client is None:
                from azure.storage.blob import BlobServiceClient

                self._client = BlobServiceClient(
                    self.account_url, self.credential, retry_policy=_retry(*self._retry),
                    **self._options,
                )  # fmt: skip
            return self._client

    def container_pages(
        self, continuation: str | None = None, *, prefix: str = ""
    ) -> tuple[list[ContainerRow], str | None]:
        """One page of containers and the token for the next page (None after the last)."""
        first = {} if self.reached else self._probe
        pages = (
            self._service()
            .list_containers(
                name_starts_with=prefix or None, results_per_page=self.page_size, **first
            )
            .by_page(continuation_token=continuation)
        )
        rows = [ContainerRow(c.name, c.last_modified) for c in next(pages, [])]
        self.reached = True
        return rows, _done_with(pages)

    def blob_page(
        self, container: str, prefix: str = "", continuation: str | None = None
    ) -> tuple[list[BlobRow], str | None]:
        """One page of the folders and blobs directly under `prefix` (delimiter "/"), so a
        container with millions of blobs opens as fast as one with ten."""
        from azure.storage.blob import BlobPrefix

        prefix = prefix if not prefix or prefix.endswith("/") else prefix + "/"
        pages = (
            self._container(container)
            .walk_blobs(prefix or None, delimiter="/", results_per_page=self.page_size)
            .by_page(continuation_token=continuation)
        )
        rows: list[BlobRow] = []
        for item in next(pages, []):
            if item.name == prefix:  # a folder-marker blob ("a/") is the folder itself
                continue
            if isinstance(item, BlobPrefix):
                rows.append(BlobRow(item.name, True, None, None, None, None))
                continue
            kind = item.content_settings.content_type or None
            tier = _text(item.blob_tier) or None
            rows.append(BlobRow(item.name, False, item.size, item.last_modified, kind, tier))
        return rows, _done_with(pages)

    def _container(self, name: str) -> Any:
        """One ContainerClient per container, reused for every page (the SDK's clients are
        thread-safe): a new one per page built its own pipeline and serializers, ~100 objects
        in reference cycles, for the garbage collector to find."""
        with self._lock:
            client = self._containers.get(name)
        if client is None:
            client = self._service().get_container_client(name)
            with self._lock:
                client = self._containers.setdefault(name, client)
        return client

    def properties(self, container: str, name: str) -> BlobDetails:
        """What the properties dialog shows: URL, size, MD5, ETag, tier, lease, metadata, tags."""
        return read_details(self._service().get_blob_client(container, name))

    def download(
        self, container: str, name: str, target: Path, progress: Progress, cancelled: Cancelled
    ) -> int:
        """Stream a blob to `target`; returns the bytes written.

        The data goes to a temporary file beside the target (same filesystem) that replaces it
        only once complete and on disk, so a cancelled or failed download never leaves a
        partial file nor damages an existing one. The result keeps the temporary file's
        owner-only mode: data fetched with the user's token stays private until shared. A
        full disk (and its kin) raises a DiskError that knows the blob's size.
        """
        size: int | None = None
        try:
            with atomic_file(target) as out:
                if cancelled():
                    raise TransferCancelled(name)
                stream = (
                    self._service()
                    .get_blob_client(container, name)
                    .download_blob(
                        max_concurrency=self.max_concurrency,
                        progress_hook=lambda now, total: progress(now, total or now),
                    )
                )
                size = stream.size
                done = int(stream.readinto(_CancellableWriter(out, cancelled, name)))
                if done == 0:
                    progress(0, 0)
        except DiskError as error:
            if error.needed is None:
                error.needed = size  # how much room to free, in the guidance
            raise
        return done

    def head(
        self, container: str, name: str, limit: int, progress: Progress, cancelled: Cancelled
    ) -> tuple[bytes, int]:
        """At most the first `limit` bytes of a blob, in memory (a ranged GET: nothing is
        written to disk), and the blob's whole size."""
        if cancelled():
            raise TransferCancelled(name)
        stream = (
            self._service()
            .get_blob_client(container, name)
            .download_blob(
                offset=0,
                length=limit,
                progress_hook=lambda now, total: progress(now, min(total or now, limit)),
            )
        )
        out = io.BytesIO()
        stream.readinto(_CancellableWriter(out, cancelled, name))
        data = out.getvalue()
        # The SDK sets properties.size to the range's size; the blob's is after the "/" of
        # Content-Range ("bytes 0-1048575/12582912"), absent when the whole blob came back.
        whole = (stream.properties.content_range or "").rpartition("/")[2]
        return data, int(whole) if whole.isdigit() else len(data)

    def upload(
        self,
        container: str,
        name: str,
        source: Path,
        progress: Progress,
        cancelled: Cancelled,
        block_size: int = 4 * MiB,
    ) -> int:
        """Upload a file as staged blocks, then commit them; returns the bytes sent.

        Staged blocks stay invisible (the service drops uncommitted ones after a week), so a
        cancelled or failed upload leaves no partial blob and an existing blob untouched.
        """
        from azure.storage.blob import BlobBlock, ContentSettings

        validate_blob_name(name)
        total = source.stat().st_size
        block_size = max(block_size, -(-total // MAX_BLOCKS))
        blob = self._service().get_blob_client(container, name)
        batch, ids, done = uuid.uuid4().hex, list[str](), 0
        with source.open("rb") as data:
            while not cancelled():
                block = data.read(block_size)
                if not block:
                    break
                block_id = f"{batch}-{len(ids):06d}"  # ids in one blob must be equally long
                blob.stage_block(block_id, block, length=len(block))
                ids.append(block_id)
                done += len(block)
                progress(done, max(total, done))
            else:
                raise TransferCancelled(name)
        if cancelled():  # also the last chance before anything becomes visible
            raise TransferCancelled(name)
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        blob.commit_block_list(
            [BlobBlock(block_id=i) for i in ids],
            content_settings=ContentSettings(content_type=kind),
        )
        if done == 0:
            progress(0, 0)
        return done

    def blobs_under(self, container: str, prefix: str = "") -> list[tuple[str, int]]:
        """Every blob (name, size) under `prefix`, at any depth: what a folder's download
        fetches, or what a folder upload would replace."""
        box = self._service().get_container_client(container)
        listed = box.list_blobs(name_starts_with=prefix or None, results_per_page=5000)
        return [(b.name, int(b.size or 0)) for b in listed if not b.name.endswith("/")]

    def taken(self, container: str, names: list[str]) -> dict[str, str]:
        """Of these blob names, those that exist, each with the first free "name (n).ext"
        beside it (what an upload that keeps both is called)."""
        box = self._service().get_container_client(container)
        found: dict[str, str] = {}
        for name in names:
            if not box.get_blob_client(name).exists():
                continue
            number = 1
            while (
                box.get_blob_client(numbered(name, number)).exists()
                or numbered(name, number) in names
            ):
                number += 1
            found[name] = numbered(name, number)
        return found

    def create_container(self, name: str) -> None:
        self._service().create_container(validate_container_name(name))

    def delete_container(self, name: str) -> None:
        self._service().delete_container(name)

    def delete_blob(self, container: str, name: str) -> None:
        self._service().get_blob_client(container, name).delete_blob()

    def close(self) -> None:
        """Close the HTTP session; the browser opens a new one if it is used again."""
        with self._lock:
            client, self._client = self._client, None
            self._containers.clear()
        if client is not None:
            client.close()


def _done_with(pages: Any) -> str | None:
    """The continuation token of an SDK pager whose one page was read, after emptying it.

    The pager keeps its own bound methods (`get_next=self._get_next_cb`), so it is in a
    reference cycle, and with it the page it read: ~5,000 tracked objects per page of 500
    (the response's models and the BlobProperties built from them) that reference counting
    never frees. Listing a folder page by page, each from its token, left them for full
    collections, which then took 50-150 ms with the GIL held, every few pages (measured;
    the SDK's own iteration keeps one pager and replaces its page). Emptying the pager's
    attributes breaks the cycle: the page is freed here, on the worker, a few ms at a time.
    """
    token = pages.continuation_token or None
    vars(pages).clear()
    return token


def _retry(total: int, backoff: int) -> Any:
    """Exponential back-off that never retries the credential's refusal. The SDK retries every
    error raised below its retry policy, and the token policy is below it: a "sign in again"
    from the broker would be asked again `total` times, with waits, for the same answer."""
    from azure.core.exceptions import ClientAuthenticationError
    from azure.storage.blob import ExponentialRetry

    class Retry(ExponentialRetry):
        def increment(
            self, settings: Any, request: Any, response: Any = None, error: Any = None
        ) -> bool:
            if isinstance(error, ClientAuthenticationError):
                return False
            return bool(super().increment(settings, request, response, error))

    return Retry(
        initial_backoff=backoff, increment_base=2, retry_total=total, random_jitter_range=1
    )


class _CancellableWriter:
    """The file the SDK writes chunks into (from its worker threads, at their offsets): every
    write first checks Cancel, so a cancelled download stops at the next chunk."""

    def __init__(self, out: Any, cancelled: Cancelled, name: str) -> None:
        self.out, self.cancelled, self.name = out, cancelled, name

    def write(self, data: bytes) -> int:
        if self.cancelled():
            raise TransferCancelled(self.name)
        return int(self.out.write(data))

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return int(self.out.seek(offset, whence))

    def tell(self) -> int:
        return int(self.out.tell())


def _text(value: Any) -> str:
    """Display text; an SDK str-Enum member gives its value (str() says "Class.MEMBER")."""
    if value is None or isinstance(value, datetime):
        return value.isoformat() if value else ""
    return str(getattr(value, "value", value))
