"""What a blob's first bytes show as in the preview: JSON pretty-printed, UTF-8 text, an
image (PNG, JPEG, GIF: told by their magic bytes, decoded by the UI), or why not (binary:
Download it). Pure: the bytes come from `BlobBrowser.head`, read in memory, never to disk.
"""

from __future__ import annotations

import json
from typing import NamedTuple

from app.core.storage.details import human_size

LIMIT = 1024 * 1024  # at most the first 1 MiB is read
IMAGES = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF87a", "GIF"),
          (b"GIF89a", "GIF"))  # fmt: skip


class Preview(NamedTuple):
    name: str
    kind: str  # "json", "text", "image", "binary"
    text: str  # the text shown (json, text); for an image or binary, empty
    data: bytes  # the bytes read (an image's, to decode)
    note: str  # what is shown of what: "first 1 MiB of 3.0 MB shown", why not


def preview_of(name: str, data: bytes, total: int) -> Preview:
    part = len(data) < total
    shown = f"First {human_size(len(data))} of {human_size(total)} shown." if part else ""
    for magic, kind in IMAGES:
        if data.startswith(magic):
            note = f"{kind} image, {human_size(total)}."
            if part:
                note = (
                    f"{kind} image of {human_size(total)}: larger than the 1 MiB a preview reads."
                )
            return Preview(name, "image", "", data, note)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        if part and error.start >= len(data) - 3:  # a character cut by the 1 MiB boundary
            text = data[: error.start].decode("utf-8")
        elif b"\x00" in data[:8192]:
            return Preview(name, "binary", "", data, "Binary data: it cannot be previewed. "
                           "Download it to open it with an app that reads it.")  # fmt: skip
        else:
            why = (f"Not UTF-8 text: byte 0x{data[error.start]:02x} at offset {error.start} "
                   f"is not valid UTF-8 ({error.reason}). Download it to open it with an app "
                   "that reads its encoding.")  # fmt: skip
            return Preview(name, "binary", "", data, why)
    if name.lower().endswith(".json") or text.lstrip()[:1] in ("{", "["):
        try:
            pretty = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        except ValueError:
            pass
        else:
            return Preview(name, "json", pretty, data, f"JSON, {human_size(total)}.")
    return Preview(name, "text", text, data, shown or f"Text, {human_size(total)}.")
