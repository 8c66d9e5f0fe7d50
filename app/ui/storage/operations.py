"""What the blob pane's actions do: properties, download, upload (asking before it replaces a
blob), a new container, delete (every selected blob and container, one question), copy URL.

Each runs as the pane's one storage call at a time (`BlobPane._run`); transfers go into the
transfer list and wait their turn (queueing.py), with a Cancel that leaves nothing partial.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QTimer
from PySide6.QtGui import QGuiApplication

from app.core.storage import names as rules
from app.core.storage.blobs import BlobBrowser
from app.core.storage.details import human_size
from app.ui.storage import folders
from app.ui.storage.model import Node
from app.ui.storage.parts import Pane, Transfer, refused
from app.ui.storage.preview.read import start_preview

REPLACE, KEEP_BOTH = "Replace", "Keep both"


class BlobOperations:
    def __init__(self, pane: Pane) -> None:
        self.pane = pane

    # ---- what the actions apply to -------------------------------------------------------
    def selected(self) -> list[tuple[QPersistentModelIndex, Node]]:
        """The selected rows (the current one if none is), top to bottom."""
        pane = self.pane
        rows = pane.tree.selectionModel().selectedRows(0)
        if not rows and pane.tree.currentIndex().isValid():
            rows = [pane.tree.currentIndex().siblingAtColumn(0)]
        return [(QPersistentModelIndex(i), pane.model.node(i)) for i in rows]

    def target(self, index: QModelIndex | None = None) -> tuple[str, str] | None:
        """(container, folder prefix) that an upload lands in."""
        pane = self.pane
        node = pane.model.node(index) if index is not None and index.isValid() else pane.current()
        if node is None or node.kind == "root":
            return None
        if node.kind == "file":
            node = node.parent if node.parent is not None else node
        prefix = node.name if node.kind == "folder" else ""
        return node.container, prefix

    # ---- actions ---------------------------------------------------------------------------
    def properties(self) -> None:
        pane = self.pane
        node, browser = pane.current(), pane.browser
        if node is None or node.kind != "file" or browser is None:
            return
        container, name = node.container, node.name
        pane._run(
            "reading properties",
            lambda: browser.properties(container, name),
            pane.asker.show_properties,
        )

    def preview(self) -> None:
        """The current blob's first 1 MiB at most, in memory (preview/read.py)."""
        start_preview(self.pane, self.show_running, self.download)

    def copy_url(self) -> None:
        """The selected blobs', folders' and containers' URLs, one a line (no token, no SAS:
        someone opening one signs in with their own account)."""
        browser = self.pane.browser
        if browser is None:
            return
        urls = [rules.blob_url(browser.account_url, n.container, n.name)
                for _, n in self.selected() if n.kind != "root"]  # fmt: skip
        if urls:
            QGuiApplication.clipboard().setText("\n".join(urls))
            shown = urls[0] if len(urls) == 1 else f"{len(urls)} URLs"
            self.pane.say(f"Copied {shown}.")

    def start_transfer(
        self,
        transfer: Transfer,
        work: Callable[[Transfer], Any],
        done: Callable[[Any], str],
        finished: Callable[[], None] | None = None,
    ) -> bool:
        """Into the transfer list: it runs now, or waits its turn (queueing.py)."""
        self.pane.queue.add(transfer, work, done, finished)
        return True

    def show_running(
        self, transfer: Transfer, work: Callable[[Transfer], Any], done: Callable[[Any], str]
    ) -> bool:
        """Not a transfer to list (a preview): the pane's one call, with the bar and its
        Cancel, if it starts."""
        pane = self.pane
        transfer.browser = pane.browser
        if not pane._run(transfer.label, lambda: work(transfer), lambda r: pane.say(done(r))):
            return False
        pane.say("")
        pane.transfers.show_transfer(transfer)
        return True

    def download(self) -> None:
        """The blob selected; a folder or container: every blob in it (folders.py)."""
        pane = self.pane
        node, browser = pane.current(), pane.browser
        if node is not None and node.kind in ("folder", "container"):
            folders.download_folder(pane, self.start_transfer)
            return
        if node is None or node.kind != "file" or browser is None:
            return
        target = pane.asker.save_path(node.name.rsplit("/", 1)[-1])
        if target is None:
            return
        container, name = node.container, node.name
        # Remembered before anything is written: a download killed mid-way leaves its
        # temporary in this folder, and the next start sweeps the folders remembered.
        pane.download_folder.emit(str(target.parent))
        transfer = Transfer(f"Downloading {name}", str(target))
        transfer.cancelled_text = f"Download cancelled: nothing was written to {target}."
        self.start_transfer(
            transfer,
            lambda t: t.storage.download(container, name, target, t.progress, t.cancelled),
            lambda size: f"Saved {name} ({human_size(size)}) to {target}",
        )

    def upload(self) -> None:
        self.upload_paths(self.pane.asker.open_paths(), None)

    def upload_folder(self) -> None:
        folders.upload_folder(
            self.pane, self.target(), self.start_transfer, lambda: self._reload_level(None)
        )

    def upload_paths(self, paths: list[Path], index: QModelIndex | None) -> None:
        """Upload these files where index (or the selection) points; first ask whether to
        replace the blobs that already exist under their names."""
        pane = self.pane
        target, browser = self.target(index), pane.browser
        if not paths or browser is None:
            return
        if target is None:
            pane.banner.show_text("Choose where to upload", "Select a container or a folder.")
            return
        container, prefix = target
        if any(refused(pane.banner, rules.validate_blob_name, prefix + p.name) for p in paths):
            return
        wanted = [prefix + p.name for p in paths]
        spot = QPersistentModelIndex(index) if index is not None else None
        pane.queue.look(
            "checking for blobs of the same name",
            lambda: browser.taken(container, wanted),
            # after this check's task has finished: the upload is the pane's next call
            lambda taken: QTimer.singleShot(
                0, lambda: self._upload_unless_kept(paths, container, prefix, taken, spot)
            ),
        )

    def _upload_unless_kept(
        self,
        paths: list[Path],
        container: str,
        prefix: str,
        taken: dict[str, str],
        spot: QPersistentModelIndex | None,
    ) -> None:
        """`taken`: blob name → a free "name (n).ext" beside it, for the names that exist."""
        pane, browser = self.pane, self.pane.browser
        if browser is None:
            return
        names = {p: prefix + p.name for p in paths}
        if taken:
            shown = ", ".join(n.rsplit("/", 1)[-1] for n in taken)
            several = len(taken) > 1
            answer = pane.asker.choose(
                f"{container}/{prefix} already has {'blobs named' if several else 'a blob named'}"
                f" {shown}. Replace {'them' if several else 'it'} with the "
                f"file{'s' if several else ''} you chose, or keep both (the upload gets a "
                "numbered name)?",
                [REPLACE, KEEP_BOTH],
            )
            if answer is None:
                pane.say(f"Upload cancelled: nothing was sent to {container}/{prefix}.")
                return
            if answer == KEEP_BOTH:
                names = {p: taken.get(n, n) for p, n in names.items()}
        index = self._plain(spot)

        def work(transfer: Transfer) -> int:
            return sum(
                transfer.storage.upload(
                    container, name, path, transfer.progress, transfer.cancelled
                )
                for path, name in names.items()
            )

        shown = ", ".join(n.rsplit("/", 1)[-1] for n in names.values())
        where = f"{container}/{prefix}"
        transfer = Transfer(f"Uploading {shown}", where)
        transfer.cancelled_text = f"Upload cancelled: nothing was committed to {where}."
        uploaded = lambda size: f"Uploaded {shown} ({human_size(size)}) to {where}"  # noqa: E731
        level = QPersistentModelIndex(index) if index is not None else None
        self.start_transfer(transfer, work, uploaded, lambda: self._reload_level(level))

    def _plain(self, index: QPersistentModelIndex | None) -> QModelIndex | None:
        if index is None or not index.isValid():
            return None
        return self.pane.model.index(index.row(), index.column(), index.parent())

    def _reload_level(self, level: QPersistentModelIndex | None) -> None:
        pane = self.pane
        index = self._plain(level)
        node = pane.model.node(index) if index is not None else pane.current()
        while node is not None and node.kind == "file":
            node = node.parent
        if node is not None and pane.browser is not None:
            pane.model.refetch(pane.model._index_of(node))

    def new_container(self) -> None:
        pane = self.pane
        browser = pane.browser
        name = pane.asker.text(f"Name of the new container ({rules.CONTAINER_NAME_RULE}):")
        if browser is None or not name or refused(pane.banner, rules.validate_container_name, name):
            return
        pane._run("creating a container", lambda: browser.create_container(name),
                  lambda _: pane.reload_containers())  # fmt: skip

    def delete(self) -> None:
        """Delete every selected blob and container, after one question."""
        pane, browser = self.pane, self.pane.browser
        chosen = [(i, n) for i, n in self.selected() if n.kind in ("container", "file")]
        boxes = {n.name for _, n in chosen if n.kind == "container"}
        chosen = [(i, n) for i, n in chosen if n.kind == "container" or n.container not in boxes]
        if not chosen or browser is None:
            return
        if pane.asker.confirm(deletion_question([n for _, n in chosen])):
            items = [(n.kind, n.container, n.name) for _, n in chosen]
            pane._run(
                "deleting",
                lambda: delete_all(browser, items),
                lambda result: self._removed([i for i, _ in chosen], *result),
            )

    def _removed(
        self, rows: list[QPersistentModelIndex], deleted: int, error: BaseException | None
    ) -> None:
        """The rows deleted leave the tree (the tree may have been reloaded meanwhile); a
        failure part-way says why, over what was deleted."""
        model = self.pane.model
        for row in rows[:deleted]:
            if row.isValid():
                model.remove(model.index(row.row(), row.column(), row.parent()))
        if error is not None:
            self.pane.show_error(error)
            if deleted:
                self.pane.say(f"Deleted {deleted} of {len(rows)} before the error.")


def delete_all(browser: BlobBrowser, items: list[tuple[str, str, str]]) -> tuple[int, Any]:
    """Delete in order; (how many were deleted, the error that stopped it or None)."""
    for done, (kind, container, name) in enumerate(items):
        try:
            if kind == "container":
                browser.delete_container(name)
            else:
                browser.delete_blob(container, name)
        except Exception as error:  # said on the banner; the ones before it are gone
            return done, error
    return len(items), None


def deletion_question(nodes: list[Node]) -> str:
    if len(nodes) == 1:
        node = nodes[0]
        if node.kind == "container":
            return f"Delete the container {node.name} and every blob in it?"
        return f"Delete {node.name} from {node.container}?"
    boxes = [n.name for n in nodes if n.kind == "container"]
    blobs = [n.name for n in nodes if n.kind == "file"]
    parts = []
    if blobs:
        parts.append(f"{len(blobs)} blob{'s' if len(blobs) > 1 else ''} ({_listed(blobs)})")
    if boxes:
        several = len(boxes) > 1
        parts.append(
            f"{len(boxes)} container{'s' if several else ''} ({_listed(boxes)}) and every "
            f"blob in {'them' if several else 'it'}"
        )
    return f"Delete {' and '.join(parts)}?"


def _listed(names: list[str], most: int = 5) -> str:
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")
