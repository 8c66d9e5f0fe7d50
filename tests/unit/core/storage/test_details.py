"""What the blob pane and its properties dialog show (app.core.storage.details)."""

from __future__ import annotations

import pytest

from app.core.storage.details import human_size


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (None, ""),
        (0, "0 B"),
        (1023, "1023 B"),
        (1024, "1.0 KB"),
        (3 * 1024 * 1024, "3.0 MB"),
        (192 * 1024**2 + 512 * 1024, "192.5 MB"),
        (5 * 1024**5, "5120.0 TB"),
    ],
)
def test_sizes_read_as_people_read_them(size: int | None, shown: str):
    assert human_size(size) == shown
