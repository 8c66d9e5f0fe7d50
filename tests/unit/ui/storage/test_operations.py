"""The one question a delete of several rows asks (app.ui.storage.operations)."""

from __future__ import annotations

from app.ui.storage.model import Node
from app.ui.storage.operations import deletion_question


def nodes(*items: tuple[str, str]) -> list[Node]:
    box = Node("container", "box")
    return [Node(kind, name, box if kind != "container" else None) for kind, name in items]


def test_one_row_is_named_with_where_it_is() -> None:
    assert deletion_question(nodes(("file", "a/b.txt"))) == "Delete a/b.txt from box?"
    assert deletion_question(nodes(("container", "logs"))) == (
        "Delete the container logs and every blob in it?"
    )


def test_several_rows_are_counted_and_listed() -> None:
    many = nodes(*[("file", f"f{i}.txt") for i in range(7)], ("container", "old"))
    assert deletion_question(many) == (
        "Delete 7 blobs (f0.txt, f1.txt, f2.txt, f3.txt, f4.txt and 2 more) and 1 container "
        "(old) and every blob in it?"
    )
    assert deletion_question(nodes(("container", "a"), ("container", "b"))) == (
        "Delete 2 containers (a, b) and every blob in them?"
    )
