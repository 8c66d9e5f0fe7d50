"""A whole folder (or container) down to this computer, or a local folder up, as one transfer:
one bar counting the bytes of every file, one Cancel.

A download writes each blob as any download does (a temporary renamed once complete), into
a folder of the blob folder's name inside the folder chosen; a blob whose name would leave
that folder ("..", a drive) or that no file system takes is skipped, and said. An upload
keeps the folder's relative paths under the container or folder selected; replacing blobs
that exist is asked first. A cancel keeps the files already complete and nothing partial.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.core.storage import names as rules
from app.core.storage.details import human_size
from app.ui.storage.parts import Pane, Transfer, refused

Start = Callable[..., bool]  # BlobOperations.start_transfer


def counted(transfer: Transfer, before: int, total: int) -> Callable[[int, int], None]:
    """One file's progress as part of the whole folder's."""
    return lambda done, _size: transfer.progress(before + done, total)


def download_folder(pane: Pane, start_transfer: Start) -> None:
    node, browser = pane.current(), pane.browser
    if node is None or node.kind not in ("folder", "container") or browser is None:
        return
    into = pane.asker.folder_path("download", "Download the folder into")
    if into is None:
        return
    container, prefix = node.container, node.name if node.kind == "folder" else ""
    top = (prefix.rstrip("/").rsplit("/", 1)[-1]) if prefix else container
    target = into / top
    if target.exists() and not pane.asker.confirm(
        f"{target} exists. Download into it, replacing its files that have the same names?"
    ):
        return
    pane.download_folder.emit(str(target))  # swept for temporaries at the next start
    transfer = Transfer(f"Downloading {top}/", str(target))
    transfer.cancelled_text = f"Download cancelled: nothing partial was left in {target}."

    def work(t: Transfer) -> tuple[int, int, list[str]]:
        blobs = t.storage.blobs_under(container, prefix)
        total, done, skipped, files = sum(size for _, size in blobs), 0, [], 0
        for name, _size in blobs:
            relative = rules.local_path("", name[len(prefix) :])
            if relative is None:
                skipped.append(name)
                continue
            path = target / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            base = done
            done += t.storage.download(container, name, path, counted(t, base, total), t.cancelled)
            files += 1
            t.cancelled_text = (f"Download cancelled: {files} complete file(s) are in {target}, "
                                "nothing partial.")  # fmt: skip
        return files, done, skipped

    def said(result: tuple[int, int, list[str]]) -> str:
        files, size, skipped = result
        text = f"Saved {files} file(s) ({human_size(size)}) to {target}"
        if skipped:
            text += (f"; skipped {len(skipped)} whose names no folder here can hold "
                     f"(such as {skipped[0]})")  # fmt: skip
        return text

    start_transfer(transfer, work, said)


def upload_folder(
    pane: Pane,
    target: tuple[str, str] | None,
    start_transfer: Start,
    reload: Callable[[], None],
) -> None:
    browser = pane.browser
    if browser is None:
        return
    if target is None:
        pane.banner.show_text("Choose where to upload", "Select a container or a folder.")
        return
    source = pane.asker.folder_path("upload", "Upload a folder")
    if source is None:
        return
    container, prefix = target
    base = f"{prefix}{source.name}/"
    files = sorted(p for p in source.rglob("*") if p.is_file())
    names = {p: base + p.relative_to(source).as_posix() for p in files}
    if not files:
        pane.say(f"Nothing to upload: {source} has no files.")
        return
    if any(refused(pane.banner, rules.validate_blob_name, n) for n in names.values()):
        return
    pane.queue.look(
        "checking for blobs of the same names",
        lambda: {name for name, _ in browser.blobs_under(container, base)},
        lambda existing: _upload(
            pane, start_transfer, reload, (source, container, base), names, existing
        ),
    )


def _upload(
    pane: Pane,
    start_transfer: Start,
    reload: Callable[[], None],
    where_to: tuple[Path, str, str],
    names: dict[Path, str],
    existing: set[str],
) -> None:
    from PySide6.QtCore import QTimer  # after the check's task has finished

    (source, container, base), browser = where_to, pane.browser
    where = f"{container}/{base}"
    replaced = [n for n in names.values() if n in existing]

    def start() -> None:
        if browser is None:
            return
        if replaced and not pane.asker.confirm(
            f"{where} already has {len(replaced)} of these {len(names)} files (such as "
            f"{replaced[0].rsplit('/', 1)[-1]}). Replace them?"
        ):
            pane.say(f"Upload cancelled: nothing was sent to {where}.")
            return
        transfer = Transfer(f"Uploading {source.name}/", where)
        transfer.cancelled_text = (
            f"Upload cancelled: the files not yet complete are not in {where}."
        )

        def work(t: Transfer) -> int:
            total = sum(p.stat().st_size for p in names)  # as it runs: they may have changed
            done = 0
            for path, name in names.items():
                start = done
                done += t.storage.upload(container, name, path, counted(t, start, total),
                                         t.cancelled)  # fmt: skip
            return done

        said = lambda size: f"Uploaded {len(names)} file(s) ({human_size(size)}) to {where}"  # noqa: E731
        start_transfer(transfer, work, said, reload)

    QTimer.singleShot(0, start)
