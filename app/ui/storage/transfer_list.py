"""The blob pane's list of transfers: one row per download or upload asked for (what, and
its state: Waiting, how far, Done with its size, Cancelled and what that left, Failed and
why), with Cancel and Retry for the row the keyboard is on and "Clear finished".

Small on purpose: at the window's default size (900×560) the pane is ~280 px high. The list
shows only while it says something beyond the one transfer the bar shows (then the bar
hides: the running row says how far it got), at most three rows (more scroll), and it
shares its height with the table in a splitter that keeps the table at least two rows
high. The buttons sit on the list's title line; what to do about a failed row shows under
the list while that row is current and the banner no longer says it (one line; the banner's
whole explanation in its tooltip and the row's). Tab reaches the list
and each button; the list's context menu (right-click, the Menu key) has the same actions,
and Del cancels the current row.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QFontMetrics, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.storage.transfers import RETRYABLE, Entry, State, TransferQueue, details, state_text
from app.ui.common.focus import FocusDelegate
from app.ui.common.widgets import error_style

ROWS = 3  # shown at most; more scroll


class TransferList(QWidget):
    def __init__(
        self,
        queue: TransferQueue,
        progress: Callable[[Entry], tuple[int, int]],
        on_cancel: Callable[[Entry], None],
        on_retry: Callable[[Entry], None],
        can_retry: Callable[[Entry], bool],
        on_clear: Callable[[], None],
    ) -> None:
        super().__init__()
        self.queue, self.progress, self.can_retry = queue, progress, can_retry
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Transfers")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Transfer", "State"])
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setItemDelegate(FocusDelegate(self.tree))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.tree.currentItemChanged.connect(lambda *_: self._update())
        self.on_fit: Callable[[], None] = lambda: None  # what it needs changed (the pane's)
        self.on_banner: Callable[[Entry], bool] = lambda _entry: False  # said there already
        self.said = ""  # the title line, whole (elided to the width it has)
        self.why_said = ""  # what to do, whole (one line of it shown, all in the tooltip)
        self.why = QLabel()  # what to do about the failed row (its tooltip: why it failed)
        self.why.setWordWrap(True)
        self.why.setStyleSheet(error_style())
        self.why.setAccessibleName("Why the transfer failed")
        self.why.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.why.hide()

        self.title = QLabel()
        self.title.setAccessibleName("Transfers")
        self.cancel_button = button("Cancel", "Cancel the selected transfer")
        self.retry_button = button("Retry", "Retry the selected transfer")
        self.clear_button = button("Clear finished", "Clear finished transfers")
        self.cancel_button.clicked.connect(lambda: self._on_current(on_cancel))
        self.retry_button.clicked.connect(lambda: self._on_current(on_retry))
        self.clear_button.clicked.connect(on_clear)
        self.cancel_action = QAction("Cancel", self.tree)
        self.cancel_action.setShortcut(QKeySequence.StandardKey.Delete)
        self.cancel_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.retry_action = QAction("Retry", self.tree)
        self.clear_action = QAction("Clear finished", self.tree)
        for action, pressed in ((self.cancel_action, self.cancel_button),
                               (self.retry_action, self.retry_button),
                               (self.clear_action, self.clear_button)):  # fmt: skip
            action.triggered.connect(pressed.click)
            self.tree.addAction(action)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self.popup)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.title, 1)
        for each in (self.cancel_button, self.retry_button, self.clear_button):
            top.addWidget(each)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.why)
        # Tab goes from the rows to what acts on them, though the buttons are drawn above
        QWidget.setTabOrder(self.tree, self.cancel_button)
        QWidget.setTabOrder(self.cancel_button, self.retry_button)
        QWidget.setTabOrder(self.retry_button, self.clear_button)
        self.items: dict[int, QTreeWidgetItem] = {}  # id(entry): its row
        self.timer = QTimer(self)
        self.timer.setInterval(250)
        self.timer.timeout.connect(self._tick)
        self.hide()

    # ---- what the list shows ---------------------------------------------------------------
    def refresh(self) -> None:
        """Rows in the queue's order, each saying its state; shown while the list says
        something beyond the one transfer the bar above it shows."""
        current = self.current()
        self.tree.clear()
        self.items = {}
        for entry in self.queue.entries:
            item = QTreeWidgetItem([entry.label, ""])
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.items[id(entry)] = item
            self.tree.addTopLevelItem(item)
            self._say(entry, item)
            if entry is current:
                self.tree.setCurrentItem(item)
        first = self.tree.topLevelItem(0)
        if self.tree.currentItem() is None and first is not None:
            self.tree.setCurrentItem(first)
        entries = self.queue.entries
        self.setVisible(bool(entries) and entries != [self.queue.running])
        self.said = summary(self.queue)
        self._elide()
        self.tree.header().resizeSection(1, self._state_width())
        if self.queue.running is not None:
            self.timer.start()
        else:
            self.timer.stop()
        self._update()

    def row_height(self) -> int:
        measured = self.tree.sizeHintForRow(0)  # -1 with no rows
        return measured if measured > 0 else self.fontMetrics().height() + 4

    def wanted(self, rows: int | None = None) -> int:
        """The height that shows `rows` rows (at most ROWS of those listed)."""
        rows = rows or min(ROWS, max(1, len(self.queue.entries)))
        tree = rows * self.row_height() + 2 * self.tree.frameWidth()
        shown = not self.why.isHidden()
        why = self.why.heightForWidth(max(self.width(), 100)) + 2 if shown else 0
        return self.cancel_button.sizeHint().height() + 4 + tree + why

    def _state_width(self) -> int:
        metrics = self.tree.fontMetrics()
        widest = max((metrics.horizontalAdvance(self._state(e)) for e in self.queue.entries),
                     default=0)  # fmt: skip
        return min(widest + 12, max(80, self.tree.viewport().width() // 2))

    def _state(self, entry: Entry) -> str:
        done, total = self.progress(entry) if entry.state is State.RUNNING else (0, 0)
        ahead = self.queue.ahead_of(entry) if entry.state is State.WAITING else 0
        return state_text(entry, done, total, ahead)

    def _say(self, entry: Entry, item: QTreeWidgetItem) -> None:
        state = self._state(entry)
        item.setText(1, state)
        story = details(entry).replace(state_text(entry), state, 1)
        for column in (0, 1):
            item.setToolTip(column, story)
        item.setData(0, Qt.ItemDataRole.AccessibleTextRole, f"{entry.label}: {state}")
        item.setData(1, Qt.ItemDataRole.AccessibleTextRole, state)

    def _tick(self) -> None:
        running = self.queue.running
        item = self.items.get(id(running)) if running is not None else None
        if running is not None and item is not None:
            self._say(running, item)

    # ---- the row the keyboard is on ---------------------------------------------------------
    def current(self) -> Entry | None:
        item = self.tree.currentItem()
        return next((e for e in self.queue.entries if self.items.get(id(e)) is item), None)

    def select(self, entry: Entry) -> None:
        item = self.items.get(id(entry))
        if item is not None:
            self.tree.setCurrentItem(item)

    def _on_current(self, act: Callable[[Entry], None]) -> None:
        entry = self.current()
        if entry is not None:
            act(entry)

    def refresh_current(self) -> None:
        self._update()

    def _update(self) -> None:
        entry = self.current()
        state = entry.state if entry is not None else None
        self.cancel_button.setEnabled(state in (State.WAITING, State.RUNNING))
        retry = entry is not None and state in RETRYABLE and self.can_retry(entry)
        self.retry_button.setEnabled(retry)
        self.clear_button.setEnabled(any(e.state not in (State.WAITING, State.RUNNING)
                                         for e in self.queue.entries))  # fmt: skip
        for action, pressed in ((self.cancel_action, self.cancel_button),
                               (self.retry_action, self.retry_button),
                               (self.clear_action, self.clear_button)):  # fmt: skip
            action.setEnabled(pressed.isEnabled())
        failed = entry is not None and state is State.FAILED and not self.on_banner(entry)
        advice = entry.advice if entry is not None and failed else None
        if advice is not None:
            # What to do, under the list (at the default size there is room for one line of
            # it: the whole in its tooltip, with why, as in the row's and on the banner).
            self.why_said = f"What to do: {advice.fix}"
            self.why.setToolTip(f"{advice.explanation}\n\n{self.why_said}")
            self.why.setAccessibleDescription(advice.explanation)
        self.why.setVisible(advice is not None)
        self._elide()
        self.setMinimumHeight(self.wanted(1))
        self.on_fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(0, self.title.width())
        metrics = self.title.fontMetrics()
        self.title.setText(metrics.elidedText(self.said, Qt.TextElideMode.ElideRight, width))
        self.title.setToolTip(self.said)
        width = self.why.width() if self.why.width() > 50 else self.width()
        self.why.setText(first_lines(self.why_said, self.why.fontMetrics(), width - 4, 1))

    def popup(self, at: QPoint) -> None:
        menu = QMenu(self.tree)
        for action in (self.cancel_action, self.retry_action, None, self.clear_action):
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        current = self.tree.currentItem()
        if not self.tree.itemAt(at) and current is not None:
            at = self.tree.visualItemRect(current).center()
        menu.popup(self.tree.viewport().mapToGlobal(at))


def button(text: str, name: str) -> QToolButton:
    """A compact text button (the list's title line has ~340 px at the default size)."""
    made = QToolButton()
    made.setText(text)
    made.setAccessibleName(name)
    made.setToolTip(name)
    made.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return made


def first_lines(text: str, metrics: QFontMetrics, width: int, most: int = 2) -> str:
    """text as word-wrapped at width, cut after `most` lines with an ellipsis."""
    lines: list[str] = []
    words = text.split()
    while words and len(lines) < most:
        line = words.pop(0)
        while words and metrics.horizontalAdvance(f"{line} {words[0]}") <= width:
            line += " " + words.pop(0)
        lines.append(line)
    if words:
        rest = " ".join([lines.pop(), *words])
        lines.append(metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width))
    return "\n".join(lines)


def summary(queue: TransferQueue) -> str:
    """ "Transfers: 1 running, 2 waiting, 1 failed"."""
    order = (State.RUNNING, State.WAITING, State.FAILED, State.CANCELLED, State.DONE)
    counts = {state: sum(e.state is state for e in queue.entries) for state in order}
    said = [f"{n} {state.value.lower()}" for state, n in counts.items() if n]
    return "Transfers: " + ", ".join(said) if said else "Transfers"
