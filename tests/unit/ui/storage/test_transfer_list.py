"""The transfer list's title line counts the rows by state, the running first (a pure
function of the queue), and a retried transfer starts from nothing with a Cancel of its own."""

from __future__ import annotations

from app.core.guidance.advice import Guidance
from app.core.storage.transfers import TransferQueue
from app.ui.storage.parts import Transfer
from app.ui.storage.queueing import _what_it_left
from app.ui.storage.transfer_list import summary


def test_the_title_counts_rows_by_state_running_first() -> None:
    queue = TransferQueue()
    assert summary(queue) == "Transfers"
    a, b, _c, d = (queue.add(n) for n in "abcd")
    assert summary(queue) == "Transfers: 4 waiting"
    queue.next()
    queue.failed(a, Guidance("NotFound", "The file is gone", "", ""))
    queue.next()
    queue.cancel(d, "never started")
    assert summary(queue) == "Transfers: 1 running, 1 waiting, 1 failed, 1 cancelled"
    queue.done(b, "1 B")
    queue.clear_finished()
    assert summary(queue) == "Transfers: 1 waiting"


def test_a_cancel_says_what_it_left_in_a_few_words() -> None:
    said = _what_it_left("Download cancelled: nothing was written to /tmp/big.bin.")
    assert said == "nothing was written to /tmp/big.bin"
    assert _what_it_left("Cancelled") == "nothing partial was left"


def test_a_transfer_reset_for_a_retry_starts_from_nothing_with_a_new_cancel() -> None:
    transfer = Transfer("Uploading a.txt", "box/")
    transfer.cancelled_text = "Upload cancelled: nothing was committed to box/."
    transfer.progress(10, 20)
    old = transfer.cancel_event
    old.set()
    transfer.reset("Upload cancelled: nothing was committed to box/.")
    assert (transfer.done, transfer.total, transfer.cancelled()) == (0, 0, False)
    assert transfer.cancel_event is not old and transfer.where == "box/"
