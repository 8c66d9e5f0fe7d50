"""View ▸ Configuration matrix: which account gets which token under which tenant, with MSA
passthrough off or on, for which scopes, and why not. Run asks the broker silently for every
cell on the worker; Cancel stops at once and keeps what was answered; a cell that needs
interaction can be signed in (one picker, on request, parented to this window); two cells
compare side by side; the grid exports without a token."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.accounts.session import AccountsSession
from app.core.broker.records import Account
from app.core.configurations.configuration import Configuration
from app.core.configurations.request_options import OptionError
from app.core.files.private import write_private
from app.core.guidance.advice import Guidance
from app.core.guidance.files import for_file_error, one_line
from app.core.matrix.export import to_csv, to_json, to_markdown
from app.core.matrix.run import MatrixRun
from app.core.matrix.spec import Cell, MatrixSpec, cells
from app.core.outcomes.outcome import Kind, Outcome
from app.ui.accounts.signals import SessionSignals
from app.ui.matrix.axes import AxesPanel
from app.ui.matrix.compare import CompareDialog
from app.ui.matrix.model import MatrixModel
from app.ui.tokens.inspector import TokenInspector

EXPORTS = {"JSON": "json", "CSV": "csv", "Markdown": "md"}


def ask_save_path(parent: QWidget, suggested: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, "Export the matrix", suggested)
    return Path(path) if path else None


class MatrixWindow(QMainWindow):
    def __init__(
        self,
        session: AccountsSession,
        signals: SessionSignals,
        names: Mapping[str, str],
        parent: QWidget | None = None,
        ask_path: Callable[[QWidget, str], Path | None] = ask_save_path,
    ) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.setWindowTitle("Configuration matrix — Broker Account Manager")
        self.resize(1280, 720)
        self.session = session
        self.names = names
        self.ask_path = ask_path  # tests answer for the file dialog
        self.spec: MatrixSpec | None = None
        self.run: MatrixRun | None = None
        self.started = 0.0
        self.axes = AxesPanel(session.profile, list(session.accounts), names)
        self.model = MatrixModel(names)
        self.timer = QTimer(self)
        self.timer.setInterval(100)
        self.timer.timeout.connect(self._drain)
        self._build()
        self._running(False)
        signals.outcome_shown.connect(self._answered)
        signals.call_failed.connect(self._not_answered)

    # ---- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.run_button = QPushButton("Run")
        self.run_button.setToolTip("Ask the broker silently for every cell (no sign-in window)")
        self.run_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Matrix progress")
        self.asking = QLabel("Choose what to try, then Run.")
        self.asking.setAccessibleName("Cell being asked")
        self.asking.setWordWrap(True)  # a fix can be long: it never widens the window
        self.grid = QTableView()
        self.grid.setAccessibleName("Configuration matrix")
        self.grid.setModel(self.model)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # Sized once per grid (see _size_columns), not per answer: resizing to contents on
        # every answer stalled the event loop for hundreds of ms in a 180-cell run (measured).
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        rows = self.grid.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.grid.fontMetrics().height() + 8)
        self.grid.selectionModel().selectionChanged.connect(lambda *_: self._selected())
        self.detail = QLabel("Select a cell to see why, and its token.")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sign_in_button = QPushButton("Sign in for this cell…")
        self.sign_in_button.clicked.connect(self.sign_in_cell)
        self.sdk_button = QPushButton("As your code would…")
        self.sdk_button.setToolTip(
            "This cell's request through azure-identity-broker's credential, as an SDK user's "
            "code makes it, beside the broker's answer; and that code, copied"
        )
        self.sdk_button.clicked.connect(self.as_your_code)
        self.compare_button = QPushButton("Compare")
        self.compare_button.setToolTip("Select two cells to see their claims side by side")
        self.compare_button.clicked.connect(self.compare)
        self.export_button = QToolButton()
        self.export_button.setText("Export")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_button)
        for label in EXPORTS:
            action = QAction(f"{label}…", self)
            action.triggered.connect(lambda _=False, kind=label: self.export(kind))
            menu.addAction(action)
        self.export_button.setMenu(menu)
        self.inspector = TokenInspector(tenant_names=self.names)

        top = QHBoxLayout()
        for widget in (self.run_button, self.cancel_button):
            top.addWidget(widget)
        top.addWidget(self.progress, 1)
        top.addWidget(self.export_button)
        center = QWidget()
        center_layout = QVBoxLayout(center)
        center_layout.addLayout(top)
        center_layout.addWidget(self.asking)
        center_layout.addWidget(self.grid, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.detail)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sign_in_button)
        buttons.addWidget(self.sdk_button)
        buttons.addWidget(self.compare_button)
        right_layout.addLayout(buttons)
        right_layout.addWidget(self.inspector, 1)
        splitter = QSplitter()
        for part in (self.axes, center, right):
            splitter.addWidget(part)
        splitter.setSizes([200, 770, 310])
        self.setCentralWidget(splitter)
        self._selected()

    # ---- running -----------------------------------------------------------------------------
    def start(self) -> None:
        try:
            spec = self.axes.spec()
        except OptionError as exc:
            self.asking.setText(f"A request option is wrong: {exc}.")
            return
        if spec is None:
            self.asking.setText(
                "Choose at least one account, tenant, passthrough value and scope set."
            )
            return
        accounts = self.axes.chosen_accounts()
        configs = spec.configurations()
        book = self.session.book
        known = {
            (a.home_account_id, c): o
            for c in configs
            for a in accounts
            if (o := book.get(a, c)) is not None
        }
        run = MatrixRun(cells(accounts, configs), dict(self.names))
        broker = self.session.broker
        started = self.session.run(
            "Running the configuration matrix", lambda: run.run(broker), self._done, self._failed
        )
        if not started:
            self.asking.setText("Another broker call is running: wait for it, or cancel it.")
            return
        self.spec, self.run, self.started = spec, run, time.monotonic()
        self.model.set_grid(spec, accounts, known)
        self._size_columns()
        self.progress.setRange(0, run.total)
        self.progress.setValue(0)
        self._running(True)
        self.timer.start()

    def _size_columns(self) -> None:
        """Each column as wide as its header or the longest word a cell can show."""
        header = self.grid.horizontalHeader()
        words = max(self.grid.fontMetrics().horizontalAdvance(k.word) for k in Kind) + 16
        for column in range(self.model.columnCount()):
            header.resizeSection(column, max(words, header.sectionSizeHint(column)))

    def _running(self, running: bool) -> None:
        known = self.session.broker.limits.known  # silent calls cannot work here (run-as…)
        stop = known.blocking(interactive=False) if known is not None else ()
        self.run_button.setEnabled(not running and not stop)
        if stop:
            self.run_button.setToolTip(f"Not in this session: {stop[0].title}")
        self.cancel_button.setEnabled(running)
        self.axes.setEnabled(not running)
        self._selected()

    def _drain(self) -> None:
        run = self.run
        if run is None:
            return
        answers = run.take()
        if answers:
            self.session.record_answers((c.account, c.config, o) for c, o in answers)
            self.model.set_outcomes(answers)
        self.progress.setValue(run.done)
        cell = run.current
        if cell is not None:
            self.asking.setText(f"Asking {run.done + 1} of {run.total}: {self._title(cell)}")

    def _title(self, cell: Cell) -> str:
        row = self.model.configs.index(cell.config) if cell.config in self.model.configs else -1
        where = self.model.headerData(row, Qt.Orientation.Vertical) if row >= 0 else ""
        accounts = self.model.accounts
        column = accounts.index(cell.account) if cell.account in accounts else -1
        who = self.model.short_names[column] if column >= 0 else cell.account.username
        return f"{who} · {where}"

    def _done(self, answered: int) -> None:
        self._drain()
        self._stop(f"{answered} cells answered in {time.monotonic() - self.started:.1f} s.")

    def _failed(self, error: BaseException) -> None:
        self._drain()
        self._stop(f"The run stopped: {type(error).__name__}. The cells answered are kept.")

    def cancel(self) -> None:
        """Stop now: the cell in flight may still finish on the worker, but is not waited for."""
        run = self.run
        if run is None:
            return
        run.cancel()
        self.session.cancel()
        self._drain()
        self._stop(
            f"Cancelled: {run.done} of {run.total} cells answered and kept; the rest are not "
            "checked."
        )

    def _stop(self, message: str) -> None:
        self.timer.stop()
        self.run = None
        self.asking.setText(message)
        self._running(False)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.cancel()
        super().closeEvent(event)

    # ---- cells ---------------------------------------------------------------------------------
    def selected_cells(self) -> list[tuple[Cell, Outcome | None]]:
        found = []
        for index in sorted(
            self.grid.selectionModel().selectedIndexes(), key=lambda i: (i.row(), i.column())
        ):
            cell = self.model.cell(index)
            if cell is not None:
                found.append((cell, self.model.outcome(index)))
        return found

    def _selected(self) -> None:
        chosen = self.selected_cells()
        idle = self.run is None
        one = chosen[0] if len(chosen) == 1 else None
        outcome = one[1] if one else None
        self.inspector.show_result(outcome.token if outcome else None)
        if outcome is not None:
            asked = "" if outcome.asked else " — decided by Entra ID's rules, not asked"
            trace = f"<br>{escape(outcome.trace)}" if outcome.trace else ""
            self.detail.setText(
                f"<b>{escape(outcome.title)}</b>{asked}<br>{escape(outcome.reason)}<br><br>"
                f"What to do: {escape(outcome.fix)}  [{outcome.code}]{trace}"
            )
        elif one is not None:
            self.detail.setText("Not asked yet: Run asks the broker for every cell.")
        self.sign_in_button.setEnabled(idle and outcome is not None and outcome.needs_interaction)
        self.sdk_button.setEnabled(idle and one is not None)
        self.compare_button.setEnabled(len(chosen) == 2 and all(o for _, o in chosen))
        self.export_button.setEnabled(idle and bool(self.model.outcomes) and self.spec is not None)

    def sign_in_cell(self) -> None:
        """The broker's sign-in for this one cell (its account, its configuration)."""
        chosen = self.selected_cells()
        if len(chosen) != 1 or not self.isVisible():
            return
        cell = chosen[0][0]
        if not self.session.sign_in_again(cell.account, int(self.winId()), cell.config):
            self.asking.setText("Another broker call is running: wait for it, or cancel it.")

    def as_your_code(self) -> None:
        chosen = self.selected_cells()
        if len(chosen) == 1 and self.isVisible():
            from app.ui.accounts.as_your_code import show  # not needed before it is asked for

            cell = chosen[0][0]
            show(self.session, cell.account, cell.config, int(self.winId()), self)

    def _answered(self, account: Account, config: Configuration, outcome: Outcome) -> None:
        """An answer the session recorded: this grid shows it where it has the cell."""
        cell = Cell(account, config)
        if self.model.holds(cell):
            self.model.set_outcome(cell, outcome)
            self._selected()

    def _not_answered(
        self, advice: Guidance, account: Account | None, config: Configuration
    ) -> None:
        if account is not None and self.model.holds(Cell(account, config)):
            if advice.code == "UserCanceled":  # its fix names where WAM cancels by itself
                self.asking.setText(f"Sign-in cancelled: the cell is unchanged. {advice.fix}")
            else:
                self.asking.setText(f"{advice.title}: {advice.fix}")

    def compare(self) -> None:
        chosen = [(c, o) for c, o in self.selected_cells() if o is not None]
        if len(chosen) != 2:
            return
        self.compared = CompareDialog(chosen, [self._title(c) for c, _ in chosen], self)
        self.compared.open()

    def export(self, kind: str) -> None:
        spec = self.spec
        if spec is None:
            return
        path = self.ask_path(self, f"configuration-matrix.{EXPORTS[kind]}")
        if path is None:
            return
        answers = self.model.answered()
        text = {
            "JSON": lambda: to_json(spec, answers),
            "CSV": lambda: to_csv(spec, answers),
            "Markdown": lambda: to_markdown(spec, answers, self.model.accounts, self.names),
        }[kind]()
        try:
            write_private(path, text.encode("utf-8"))
        except OSError as exc:
            advice = for_file_error(exc)
            reason = one_line(advice) if advice else f"{exc.strerror}. Nothing was changed."
            self.asking.setText(f"Could not write {path}: {reason}")
            return
        self.asking.setText(f"Exported {len(answers)} cells to {path} (no tokens).")
