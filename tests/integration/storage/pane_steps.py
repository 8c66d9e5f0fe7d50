"""Steps shared by the tests that drive a blob pane in a process of their own (a download
onto a full disk, a download killed half-way): run the event loop until something holds, and
begin downloading a container's big.bin through the pane's own tree."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def until(app: Any, condition: Callable[[], object], seconds: float = 60) -> None:
    """The event loop runs until condition() holds; TimeoutError after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError
        app.processEvents()
        time.sleep(0.005)  # a poll between event-loop passes, not a margin


def start_download(app: Any, pane: Any, container: str, seconds: float = 60) -> None:
    """Find the container in the pane's tree, list it, select big.bin and download it."""
    model = pane.model

    def child(parent: Any, name: str) -> Any:
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            if model.node(index).name == name:
                return index
        return None

    until(app, lambda: child(pane.tree.rootIndex(), container) is not None, seconds)
    box = child(pane.tree.rootIndex(), container)
    model.fetchMore(box)
    until(app, lambda: child(box, "big.bin") is not None, seconds)
    pane.tree.setCurrentIndex(child(box, "big.bin"))
    pane.download()
