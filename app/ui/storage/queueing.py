"""Transfers wait their turn instead of being refused: the pane's downloads and uploads go
into a queue (app.core.storage.transfers) and run one at a time, in the order asked, each
as the pane's one storage call (`BlobPane._run`) with the transfer bar and its Cancel.

Why one at a time, and why as the pane's call: a transfer is what Cancel stops and what the
bar counts, and properties, delete, a new container and a sign-in are short calls whose
answers (a dialog, rows leaving the tree) are clearer one at a time; while a transfer runs
they are refused, saying which transfer runs and that Cancel stops it, as before. Browsing
never waits: listings are the model's own calls, beside any transfer. The reads that an
upload's question needs (which names are taken) run beside a transfer too (`look`): the
question is asked when the upload is asked for, while the user is there, not when its turn
comes.

What is asked is answered once: the file or folder to download into, Replace or Keep both
for an upload. Retry runs the same transfer with the same answers (the same files under the
same blob names: blobs that a failed attempt had already committed are its own and are sent
again); it runs with the pane's connection of the moment, so it is offered only while the
pane is connected to the same account URL. Connecting again (another account, another URL,
a new credential) cancels the running transfer and the waiting ones: they were asked for as
the account that was active.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QSplitter, QWidget

from app.core.storage.blobs import TransferCancelled
from app.core.storage.details import human_size
from app.core.storage.transfers import Entry, TransferQueue
from app.ui.storage.errors import advice
from app.ui.storage.parts import Pane, Transfer
from app.ui.storage.transfer_list import TransferList

NEVER_RAN = "never started: nothing was sent or written"


@dataclass
class Job:
    transfer: Transfer
    work: Callable[[Transfer], Any]
    said: Callable[[Any], str]  # what the status line says once it is done
    finished: Callable[[], None] | None  # after it ends, however (an upload reloads)
    cancelled_text: str  # as it was asked: a folder download rewrites it as it goes


class Transfers(QObject):
    def __init__(self, pane: Pane) -> None:
        super().__init__()
        self.pane = pane
        self.queue = TransferQueue()
        self.looks: list[tuple[str, Callable[[], Any], Callable[[Any], None]]] = []
        self.list = TransferList(
            self.queue, self._progress, self.cancel, self.retry, self.can_retry,
            self.clear_finished,
        )  # fmt: skip
        self.list.on_fit = self.fit
        # The failed transfer whose reason the banner shows in full: under the list, what to
        # do about it shows only once the banner is gone (at the default size there is no
        # room for both, and they would say the same).
        self.bannered: Entry | None = None
        self.list.on_banner = lambda entry: entry is self.bannered
        self.split: QSplitter | None = None  # the table above the list (`under`)

    def under(self, table: QWidget) -> QSplitter:
        """The table above the list, in a splitter: the list takes the rows it shows, as far
        as the table keeps two rows; dragging the handle gives either more."""
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(table)
        self.split.addWidget(self.list)
        self.split.setStretchFactor(0, 1)
        self.fitted: tuple[int, str] | None = None  # what the list was last fitted to
        self.split.installEventFilter(self)
        self.pane.banner.installEventFilter(self)
        return self.split

    def refresh(self) -> None:
        """The list anew; while it shows, it says how far the running transfer got (the bar
        hides)."""
        listed = self.list
        listed.refresh()
        bar = self.pane.transfers
        if bar.transfer is not None:
            bar.setVisible(listed.isHidden())
        self.fit()

    def fit(self, again: bool = False) -> None:
        """The list gets the height of its rows (three at most) and of what to do about the
        failed row, as far as the table keeps two rows; only when that changes (or the pane's
        height did), so that a drag of the handle holds."""
        listed, table = self.list, self.pane.split
        if self.split is None:
            return
        if listed.isHidden():
            table.setMinimumHeight(0)
            self.fitted = None
            return
        tree = self.pane.tree
        row = max(tree.sizeHintForRow(0), tree.fontMetrics().height() + 4)
        scroll = tree.horizontalScrollBar().sizeHint().height()  # shown when narrow
        # Two rows of the table at least; not while the banner shows too (the pane has no
        # room for the three at the default size: the banner scrolls, the table gives way
        # down to its header, the list keeps its title line and a row).
        two = tree.header().sizeHint().height() + 2 * row + scroll + 4
        least = tree.header().sizeHint().height() + 4  # its header: it scrolls
        table.setMinimumHeight(two if self.pane.banner.isHidden() else least)
        rows = min(3, len(self.queue.entries))
        key = (rows, listed.why.text() if not listed.why.isHidden() else "")
        if key != self.fitted or again:
            self.fitted = key
            total = sum(self.split.sizes())
            want = min(listed.wanted(rows), max(listed.minimumHeight(),
                                                total - table.minimumHeight()))  # fmt: skip
            self.split.setSizes([total - want, want])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.pane.banner and event.type() == QEvent.Type.HideToParent:
            self.bannered = None  # dismissed, or another call began: the list says it now
            self.list.refresh_current()
            self.fit(again=True)
        elif watched is self.split and event.type() == QEvent.Type.Resize:
            QTimer.singleShot(0, lambda: self.fit(again=True))  # once the splitter laid out
        return False

    def add(
        self,
        transfer: Transfer,
        work: Callable[[Transfer], Any],
        said: Callable[[Any], str],
        finished: Callable[[], None] | None = None,
    ) -> Entry:
        """Queue a transfer (it starts now if nothing else runs)."""
        browser = self.pane.browser
        label = f"{transfer.label} to {transfer.where}" if transfer.where else transfer.label
        job = Job(transfer, work, said, finished, transfer.cancelled_text)
        entry = self.queue.add(label, job, browser.account_url if browser else "")
        self.pump()
        self.refresh()
        return entry

    def pump(self) -> None:
        """Start the next waiting transfer once the pane has no call running."""
        pane = self.pane
        if pane.task is not None or self.queue.running is not None or not self.queue.waiting():
            return
        entry = self.queue.next()
        assert entry is not None
        job: Job = entry.job
        transfer = job.transfer
        transfer.reset(job.cancelled_text)
        transfer.browser = pane.browser
        if pane.browser is None or pane.browser.account_url != entry.account_url:
            self.queue.cancelled(entry, "not connected to its storage account: nothing sent")
            self.refresh()
            self.pump()
            return
        pane._run(
            transfer.label,
            lambda: job.work(transfer),
            lambda result: self._done(entry, result),
            lambda error: self._failed(entry, error),
        )
        pane.say("")
        pane.transfers.show_transfer(transfer)
        self.refresh()

    def _done(self, entry: Entry, result: Any) -> None:
        job: Job = entry.job
        self.queue.done(entry, human_size(max(job.transfer.done, 0)))
        self.pane.say(job.said(result))
        self._ended(entry)

    def _failed(self, entry: Entry, error: BaseException) -> None:
        job: Job = entry.job
        if isinstance(error, TransferCancelled):
            self.queue.cancelled(entry, _what_it_left(job.transfer.cancelled_text))
        else:
            self.queue.failed(entry, advice(self.pane.credential, error))
            self.bannered = entry  # the banner will say it: the list then need not
            self.refresh()  # first: the banner takes the room the list leaves
            self.list.select(entry)
        self.pane._failed(error)  # the status line, or the banner with its offers
        if self.pane.banner.isHidden():  # the window's banner said it (a refused token)
            self.bannered = None
        else:  # once laid out with the list's new rows, the banner takes what is left
            QTimer.singleShot(0, self.pane.banner_area.fit)
        self._ended(entry)

    def _ended(self, entry: Entry) -> None:
        job: Job = entry.job
        self.refresh()
        if job.finished is not None:
            job.finished()

    # ---- the list's actions --------------------------------------------------------------
    def cancel(self, entry: Entry) -> None:
        """A waiting transfer never runs; the running one stops at its next chunk."""
        if self.queue.cancel(entry, NEVER_RAN):
            self.pane.cancel_transfer()
        else:
            self.pane.say(f"{entry.label}: cancelled, {NEVER_RAN}.")
        self.refresh()

    def can_retry(self, entry: Entry) -> bool:
        browser = self.pane.browser
        return browser is not None and browser.account_url == entry.account_url

    def retry(self, entry: Entry) -> None:
        if self.can_retry(entry) and self.queue.retry(entry):
            self.pump()
            self.refresh()
            self.list.select(entry)

    def clear_finished(self) -> None:
        self.queue.clear_finished()
        self.refresh()

    def stop_all(self, why: str) -> None:
        """Connecting again: the waiting transfers never run, the running one stops."""
        for entry in self.queue.waiting():
            self.queue.cancel(entry, why)
        self.pane.cancel_transfer()
        self.refresh()

    def look(self, label: str, fn: Callable[[], Any], done: Callable[[Any], None]) -> None:
        """A read an upload's question needs: the pane's call when it has none, else beside
        it (it changes nothing, as a listing does not). Such reads run one after the other,
        so that uploads asked for one after the other are queued in that order."""
        self.looks.append((label, fn, done))
        if len(self.looks) == 1:
            self._look()

    def _look(self) -> None:
        pane, (label, fn, done) = self.pane, self.looks[0]

        def then(result: Any, failed: bool = False) -> None:
            try:
                (pane.show_error if failed else done)(result)
            finally:  # the next read runs whatever this one's answer did
                self.looks.pop(0)
                if self.looks:
                    self._look()

        def fail(error: BaseException) -> None:
            then(error, True)

        if pane.task is None:
            pane._run(label, fn, then, fail)
        else:
            pane.runner.run(label, fn, then, fail)

    def _progress(self, entry: Entry) -> tuple[int, int]:
        transfer: Transfer = entry.job.transfer
        return transfer.done, transfer.total


def _what_it_left(cancelled_text: str) -> str:
    """ "Download cancelled: nothing was written to x." → "nothing was written to x"."""
    return cancelled_text.partition(": ")[2].rstrip(".") or "nothing partial was left"
