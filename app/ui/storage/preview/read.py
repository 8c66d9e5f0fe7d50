"""Preview a blob (Enter, a double-click, or Preview in the context menu): the first 1 MiB at
most, read in memory off the GUI thread as the pane's one storage call (progress and Cancel
in the transfer bar), shown as JSON, text or an image; what cannot be shown says why and
offers Download. Nothing is written to disk.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.core.storage.preview import LIMIT, Preview, preview_of
from app.ui.storage.parts import Pane, Transfer


def start_preview(pane: Pane, start: Any, download: Callable[[], None]) -> None:
    """Read the current blob's head and hand it to the asker (`start`: start_transfer)."""
    node, browser = pane.current(), pane.browser
    if node is None or node.kind != "file" or browser is None:
        return
    container, name = node.container, node.name
    transfer = Transfer(f"Reading {name} for a preview")
    transfer.cancelled_text = "Preview cancelled."

    def work(t: Transfer) -> Preview:
        data, total = browser.head(container, name, LIMIT, t.progress, t.cancelled)
        return preview_of(name, data, total)

    def shown(preview: Preview) -> str:
        if transfer.cancelled():  # read before Cancel reached the worker: not shown either
            return transfer.cancelled_text
        pane.asker.show_preview(preview, download)
        return ""

    start(transfer, work, shown)
