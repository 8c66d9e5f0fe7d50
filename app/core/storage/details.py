"""A blob's properties as the properties dialog shows them: its URL, size, content type, MD5,
ETag, times, tier, lease, metadata and index tags. Plain values, read on a worker thread;
nothing here can make a network call later."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class BlobDetails:
    url: str  # the blob's URL, without any query (no SAS can be in it)
    name: str
    container: str
    size: int
    content_type: str = ""
    md5: str = ""  # Content-MD5 as the service sends it (base64) and in hex, as md5sum prints
    etag: str = ""
    last_modified: datetime | None = None
    created: datetime | None = None
    blob_type: str = ""
    tier: str = ""
    lease_state: str = ""
    lease_status: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    tags_unreadable: str = ""  # why the index tags could not be read, when they could not

    def rows(self) -> list[tuple[str, str]]:
        """(property, value) in the order the dialog lists them; empty values left out."""
        rows = [
            ("URL", self.url),
            ("Container", self.container),
            ("Name", self.name),
            ("Size", f"{self.size:,} bytes"),
            ("Content type", self.content_type),
            ("Content-MD5", self.md5),
            ("ETag", self.etag),
            ("Last modified", _when(self.last_modified)),
            ("Created", _when(self.created)),
            ("Blob type", self.blob_type),
            ("Access tier", self.tier),
            ("Lease state", self.lease_state),
            ("Lease status", self.lease_status),
        ]
        return [(name, value) for name, value in rows if value]


def read_details(blob: Any) -> BlobDetails:
    """What the dialog shows of the blob behind an azure.storage.blob BlobClient."""
    p = blob.get_blob_properties()
    settings = p.content_settings
    tags: dict[str, str] = {}
    unreadable = ""
    if p.tag_count:
        from azure.core.exceptions import HttpResponseError

        try:
            tags = dict(blob.get_blob_tags())
        except HttpResponseError as exc:  # e.g. a role that may read data but not tags
            unreadable = f"{p.tag_count} tag(s), not readable with this account's role"
            unreadable += f" ({getattr(exc, 'error_code', None) or exc.status_code})"
    lease = p.lease
    return BlobDetails(
        url=blob.url.split("?", 1)[0],
        name=p.name,
        container=p.container,
        size=p.size,
        content_type=settings.content_type or "",
        md5=_md5(settings.content_md5),
        etag=p.etag or "",
        last_modified=p.last_modified,
        created=p.creation_time,
        blob_type=_text(p.blob_type),
        tier=_text(p.blob_tier) + (" (inferred)" if p.blob_tier and p.blob_tier_inferred else ""),
        lease_state=_text(lease.state) if lease else "",
        lease_status=_text(lease.status) if lease else "",
        metadata=dict(sorted((p.metadata or {}).items())),
        tags=dict(sorted(tags.items())),
        tags_unreadable=unreadable,
    )


def _md5(digest: Any) -> str:
    if not digest:
        return ""
    raw = bytes(digest)
    return f"{base64.b64encode(raw).decode()} (hex {raw.hex()})"


def _text(value: Any) -> str:
    """An SDK str-Enum member gives its value (str() says "Class.MEMBER")."""
    return "" if value is None else str(getattr(value, "value", value))


def _when(moment: datetime | None) -> str:
    """With its time zone: the service's times are UTC, and the dialog says so."""
    return moment.strftime("%Y-%m-%d %H:%M:%S %Z").strip() if moment else ""


def human_size(size: int | None) -> str:
    """Bytes as people read them (binary units, one decimal past bytes); "" when unknown."""
    if size is None:
        return ""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"
