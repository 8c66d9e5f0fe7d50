"""How a transfer's progress reads: bytes, speed and time left (a pure function of what was
done in how long: no clock in the test)."""

from __future__ import annotations

from app.ui.storage.parts import progress_text

MB = 1024 * 1024


def test_progress_says_bytes_speed_and_time_left() -> None:
    text = progress_text("Downloading big.bin", 3 * MB // 2, 3 * MB, 0.5)
    assert text == "Downloading big.bin — 1.5 MB of 3.0 MB · 3.0 MB/s · 1 s left"


def test_long_transfers_count_minutes_and_hours() -> None:
    assert progress_text("Up", MB, 181 * MB, 1.0).endswith("· 1.0 MB/s · 3 min 00 s left")
    assert progress_text("Up", MB, 7201 * MB, 1.0).endswith("· 2 h 00 min left")


def test_before_anything_arrives_there_is_no_speed_to_speak_of() -> None:
    assert progress_text("Uploading a.txt", 0, 20, 0.0) == "Uploading a.txt — 0 B of 20 B"
    assert progress_text("Done", 20, 20, 2.0) == "Done — 20 B of 20 B · 10 B/s"


def test_the_bar_says_the_amounts_and_the_line_above_it_what_runs() -> None:
    from app.ui.storage.parts import amounts

    assert amounts(3 * MB // 2, 3 * MB, 0.5) == "1.5 MB of 3.0 MB · 3.0 MB/s · 1 s left"
