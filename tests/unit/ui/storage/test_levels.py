"""One level of the blob model sorted, filtered and mirrored by the folder tree
(app.ui.storage.levels, model, navigation), real Qt, pages from a stand-in browser answered
at once (the real listing runs against Azurite in tests/integration/ui/test_blob_folders.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from app.core.storage.blobs import BlobRow, ContainerRow
from app.ui.storage.levels import sort_key
from app.ui.storage.model import BlobModel, Node
from app.ui.storage.navigation import FolderTreeModel, account_name

DAY = datetime(2026, 12, 1, tzinfo=UTC)


def blob(name: str, size: int = 1, day: int = 1) -> BlobRow:
    return BlobRow(name, False, size, DAY.replace(day=day), "text/plain", "Hot")


def folder(name: str) -> BlobRow:
    return BlobRow(name, True, None, None, None, None)


class Pages:
    """A container "box" whose top level comes in the pages given."""

    account_url = "https://acct.blob.core.windows.net"

    def __init__(self, pages: list[list[BlobRow]]) -> None:
        self.pages = pages

    def container_pages(self, token: str | None = None) -> tuple[list[ContainerRow], None]:
        return [ContainerRow("box", DAY)], None

    def blob_page(self, container: str, prefix: str = "", token: str | None = None) -> Any:
        at = int(token or 0)
        rows = self.pages[at] if not prefix else [blob(f"{prefix}inner.txt")]
        return rows, (str(at + 1) if at + 1 < len(self.pages) and not prefix else None)


class AtOnce:
    """A TaskRunner that runs each task on the spot."""

    def run(self, label: str, fn: Any, done: Any, failed: Any = None) -> None:
        done(fn())


def listed(pages: list[list[BlobRow]]) -> tuple[BlobModel, QModelIndex]:
    model = BlobModel(Pages(pages), AtOnce())  # type: ignore[arg-type]
    model.fetchMore(QModelIndex())
    box = model.index(0, 0)
    model.fetchMore(box)  # the first page; the next is read ahead
    return model, box


def names(model: BlobModel, level: QModelIndex) -> list[str]:
    return [model.index(r, 0, level).data() for r in range(model.rowCount(level))]


def test_sort_keys_put_folders_first_both_ways_and_compare_names_without_case() -> None:
    rows = [
        tuple(blob("b.txt", 5)),
        tuple(blob("A.txt", 9)),
        Node("folder", "z/"),
        tuple(blob("c", 1)),
    ]
    by_name = sorted(rows, key=sort_key((0, False)))
    assert [r.name if isinstance(r, Node) else r[0] for r in by_name] == [
        "z/",
        "A.txt",
        "b.txt",
        "c",
    ]
    by_size = sorted(rows, key=sort_key((1, True)))
    assert [r.name if isinstance(r, Node) else r[0] for r in by_size] == [
        "z/",
        "A.txt",
        "b.txt",
        "c",
    ]
    by_size = sorted(rows, key=sort_key((1, False)))
    assert [r.name if isinstance(r, Node) else r[0] for r in by_size] == [
        "z/",
        "c",
        "b.txt",
        "A.txt",
    ]


def test_the_account_crumb_is_the_accounts_name_in_either_url_form() -> None:
    assert account_name("https://acct.blob.core.windows.net") == "acct"
    assert account_name("https://127.0.0.1:10000/devstoreaccount1") == "devstoreaccount1"


def test_a_sorted_level_takes_later_pages_at_their_place_and_keeps_its_rows_indexes(qapp) -> None:  # type: ignore[no-untyped-def]
    model, box = listed(
        [[blob("a", 30), blob("b", 10), folder("f/")], [blob("c", 20), blob("d", 40)]]
    )
    assert names(model, box) == ["a", "b", "f/"]  # the service's order until sorted
    kept = QPersistentModelIndex(model.index(1, 0, box))  # "b"
    model.arrange(box)
    model.sort(1, Qt.SortOrder.DescendingOrder)  # by size, largest first
    assert names(model, box) == ["f/", "a", "b"]
    assert kept.row() == 2 and kept.data() == "b"
    model.fetchMore(box)  # the page read ahead comes in, each row at its place
    assert names(model, box) == ["f/", "d", "a", "c", "b"]
    assert kept.data() == "b"


def test_a_filter_and_its_clearing_keep_the_rows_that_stay_selected(qapp) -> None:  # type: ignore[no-untyped-def]
    model, box = listed([[blob("one"), blob("two"), blob("three")]])
    kept = QPersistentModelIndex(model.index(1, 0, box))  # "two"
    assert model.show_only(box, lambda item: "t" in item[0])
    assert names(model, box) == ["two", "three"] and kept.row() == 0
    assert model.counts(box) == (2, 3)
    model.show_only(box, None)
    assert names(model, box) == ["one", "two", "three"] and kept.row() == 1


def test_the_folder_tree_holds_the_folders_of_a_level_and_lets_a_reloaded_one_go(qapp) -> None:  # type: ignore[no-untyped-def]
    model = BlobModel(Pages([[folder("f/"), blob("x"), folder("g/")]]), AtOnce())  # type: ignore[arg-type]
    tree = FolderTreeModel(model)
    model.fetchMore(QModelIndex())
    box = model.index(0, 0)
    model.fetchMore(box)
    top = tree.index(0, 0)
    assert top.data() == "box" and tree.rowCount(top) == 2
    assert [tree.index(r, 0, top).data() for r in range(2)] == ["f/", "g/"]
    model.show_only(box, lambda item: False)  # the table's filter hides none of them
    assert tree.rowCount(top) == 2
    model.show_only(box, None)
    model.remove(model.index(0, 0, box))  # f/ deleted
    assert [tree.index(r, 0, top).data() for r in range(tree.rowCount(top))] == ["g/"]
    model.refetch(box)  # listed again: new nodes, the same names
    assert [tree.index(r, 0, top).data() for r in range(tree.rowCount(top))] == ["f/", "g/"]


class Later:
    """A TaskRunner whose tasks run when the test says (to have a page arrive mid-sort)."""

    def __init__(self) -> None:
        self.tasks: list[tuple[str, Any, Any]] = []

    def run(self, label: str, fn: Any, done: Any, failed: Any = None) -> None:
        self.tasks.append((label, fn, done))

    def next(self, label: str) -> None:
        task = next(t for t in self.tasks if t[0] == label)
        self.tasks.remove(task)
        task[2](task[1]())


def test_a_big_level_is_sorted_on_the_worker_with_the_rows_that_arrived_meanwhile(
    qapp, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from app.ui.storage import levels

    monkeypatch.setattr(levels, "SORT_HERE", 2)  # more rows than this: on the worker
    runner = Later()
    browser = Pages([[blob("a", 30), blob("b", 10), blob("c", 20)], [blob("d", 40), blob("e", 5)]])
    model = BlobModel(browser, runner)  # type: ignore[arg-type]
    model.fetchMore(QModelIndex())
    runner.next("listing storage")
    box = model.index(0, 0)
    model.fetchMore(box)
    runner.next("listing storage")  # the first page, and the next one is read ahead
    kept = QPersistentModelIndex(model.index(0, 0, box))  # "a"
    model.arrange(box)
    model.sort(1, Qt.SortOrder.AscendingOrder)  # by size, on the worker
    assert names(model, box) == ["a", "b", "c"]  # not yet: the GUI did not wait for it
    runner.next("listing storage")
    model.fetchMore(box)  # a page comes in while the rows are sorted
    assert names(model, box) == ["a", "b", "c", "d", "e"]
    runner.next("sorting")
    assert names(model, box) == ["e", "b", "c", "a", "d"]
    assert kept.row() == 3 and kept.data() == "a"


def test_sorting_in_pieces_is_sorting_and_keeps_equal_rows_in_their_order() -> None:
    from app.ui.storage.levels import sorted_in_pieces

    rows = [tuple(blob(f"n{i:03d}", size=i % 7)) for i in range(500)]
    for order in ((1, False), (1, True), (0, True)):
        assert sorted_in_pieces(rows, sort_key(order), piece=37) == sorted(
            rows, key=sort_key(order)
        )
