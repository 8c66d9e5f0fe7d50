"""View ▸ Configuration matrix: which account gets which token under which tenant, with MSA
passthrough off or on, for which scopes, and why not. Run asks the broker silently for every
cell on the worker; Cancel stops at once and keeps what was answered; a cell that needs
interaction can be signed in (one picker, on request, parented to this window); two cells
compare side by side; the grid exports without a token."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.accounts.session import AccountsSession
from app.core.arm.discover import DiscoveryRun
from app.core.broker.records import Account
from app.core.configurations.configuration import Configuration
from app.core.configurations.request_options import OptionError
from app.core.guidance.advice import Guidance
from app.core.matrix.arm_tenants import expand
from app.core.matrix.export import RunInfo
from app.core.matrix.run import MatrixRun
from app.core.matrix.spec import Cell, MatrixSpec, cells
from app.core.outcomes.outcome import NOT_ASKED, Outcome
from app.ui.accounts.signals import SessionSignals
from app.ui.common import files
from app.ui.common.screen import fit_to_screen
from app.ui.matrix.axes import AxesPanel, scrolled
from app.ui.matrix.compare import CompareDialog
from app.ui.matrix.discovery import LABEL, TenantDiscovery
from app.ui.matrix.exports import EXPORTS, write_export
from app.ui.matrix.grid import cell_detail, export_button, matrix_grid, size_columns
from app.ui.matrix.model import MatrixModel
from app.ui.tokens.inspector import TokenInspector
from app.version import app_version

# Cut to the screen's room (fit_to_screen): at 2× on a 1600×1000 screen, 800×500 logical.
DEFAULT_SIZE, MINIMUM_SIZE = QSize(1280, 720), QSize(740, 420)
BUSY = "Another broker call is running: wait for it, or cancel it."


def ask_save_path(parent: QWidget, suggested: str) -> Path | None:
    return files.save_path(parent, "export", "Export the matrix", suggested)


class MatrixWindow(QMainWindow):
    discovered = Signal()  # ARM tenants found before a run: the session's names may have grown

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
        self.session = session
        self.names = names
        self.ask_path = ask_path  # tests answer for the file dialog
        self.spec: MatrixSpec | None = None
        self.run: MatrixRun | None = None
        # "Every ARM tenant of these accounts": those not known yet are found before a run
        self.arm_step = TenantDiscovery(session, names, self._discovered, self._stop)
        self.unknown: tuple[str, ...] = ()  # why some accounts' ARM tenants are not known
        self.started = 0.0
        # The cells this run answered: once a run stops short, only these are shown and
        # exported; what an earlier run said of the others is not this run's answer.
        self.fresh: set[tuple[str, Configuration]] = set()
        self.axes = AxesPanel(session.profile, list(session.accounts), names)
        self.model = MatrixModel(names)
        self.timer = QTimer(self)
        self.timer.setInterval(100)
        self.timer.timeout.connect(self._drain)
        self._build()
        fit_to_screen(self, DEFAULT_SIZE, MINIMUM_SIZE)
        self._split()
        self._running(False)
        signals.outcome_shown.connect(self._answered)
        signals.call_failed.connect(self._not_answered)
        # A signed-out account's token leaves the inspector, as in the main window's.
        signals.accounts_updated.connect(self._selected)

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
        self.grid = matrix_grid(self.model)
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
        self.export_button = export_button(self, self.export)
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
        buttons = QGridLayout()  # two rows: the pane stays narrow enough for a small screen
        buttons.addWidget(self.sign_in_button, 0, 0)
        buttons.addWidget(self.sdk_button, 0, 1)
        buttons.addWidget(self.compare_button, 1, 0)
        right_layout.addLayout(buttons)
        right_layout.addWidget(self.inspector, 1)
        self.splitter = QSplitter()
        for part in (scrolled(self.axes), center, right):
            self.splitter.addWidget(part)
        self.setCentralWidget(self.splitter)
        self._selected()

    def _split(self) -> None:
        """The choices whole (no sideways scroll bar) where the window has the width; the
        grid and the cell's pane share the rest, the grid the larger part."""
        axes = self.splitter.widget(0)
        assert isinstance(axes, QScrollArea)
        wanted = self.axes.sizeHint().width() + axes.verticalScrollBar().sizeHint().width()
        rest = max(0, self.width() - wanted)
        self.splitter.setSizes([wanted, rest - rest * 3 // 8, rest * 3 // 8])

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
        if todo := self.arm_step.needed(spec.tenants, accounts):
            self._discover(todo)  # then starts again
            return
        expanded = expand(spec.tenants, accounts, self.session.arm_found, self.names)
        self.unknown = expanded.unknown
        if not expanded.tenants:
            self.asking.setText("No tenant to try. " + " ".join(expanded.unknown))
            return
        spec = dataclasses.replace(spec, tenants=expanded.tenants)
        configs = spec.configurations()
        book = self.session.book
        known = {
            (a.home_account_id, c): o
            for c in configs
            for a in accounts
            if (o := book.get(a, c)) is not None
        }
        run = MatrixRun(cells(accounts, configs), dict(self.names), expanded.outside, expanded.why)
        broker = self.session.broker
        started = self.session.run(
            "Running the configuration matrix", lambda: run.run(broker), self._done, self._failed
        )
        if not started:
            self.asking.setText(BUSY)
            return
        self.spec, self.run, self.started = spec, run, time.monotonic()
        self.started_at = time.time()  # for the exports: when this grid was asked
        self.fresh = set()
        self.model.set_grid(spec, accounts, known)
        size_columns(self.grid, self.model)
        self.progress.setRange(0, run.total)
        self.progress.setValue(0)
        self._running(True)
        self.timer.start()

    @property
    def discovery(self) -> DiscoveryRun | None:
        """The accounts' ARM tenants being discovered before a run, if they are."""
        return self.arm_step.run

    def _discover(self, accounts: list[Account]) -> None:
        if not self.arm_step.start(accounts):
            self.asking.setText(BUSY)
            return
        self.asking.setText(f"{LABEL} first…")
        self._running(True)
        self.timer.start()

    def _discovered(self) -> None:
        self.timer.stop()
        self._running(False)
        self.axes.name_tenants(self.names)
        self.discovered.emit()
        QTimer.singleShot(0, self.start)  # the run itself, once this task has ended

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
        if self.discovery is not None:
            self.asking.setText(self.arm_step.progress())
            return
        run = self.run
        if run is None:
            return
        answers = run.take()
        if answers:
            self.fresh.update((c.account.home_account_id, c.config) for c, _ in answers)
            self.session.record_answers((c.account, c.config, o) for c, o in answers)
            self.model.set_outcomes(answers)
        self.progress.setValue(run.done)
        cell = run.current
        if cell is not None:
            self.asking.setText(f"Asking {run.done + 1} of {run.total}: {self.model.title(cell)}")

    def _done(self, answered: int) -> None:
        self._drain()
        unknown = "".join(f" {line}" for line in self.unknown)
        self._stop(
            f"{answered} cells answered in {time.monotonic() - self.started:.1f} s.{unknown}"
        )

    def _failed(self, error: BaseException) -> None:
        self._stop_short(
            f"The run stopped: {type(error).__name__}. The cells it answered are kept; the "
            f"rest show {NOT_ASKED} (not checked)."
        )

    def _stop_short(self, message: str) -> None:
        """A run that stopped short: what it answered is shown, the cells it did not answer
        show "not asked" again (and are not exported), whatever an earlier run said of them."""
        self._drain()
        spec = self.spec
        kept = {k: o for k, o in self.model.outcomes.items() if k in self.fresh}
        if spec is not None and len(kept) != len(self.model.outcomes):
            self.model.set_grid(spec, self.model.accounts, kept)
        self._stop(message)

    def cancel(self) -> None:
        """Stop now: the cell in flight may still finish on the worker, but is not waited for."""
        if self.arm_step.cancel():
            return
        run = self.run
        if run is None:
            return
        run.cancel()
        self.session.cancel()
        self._stop_short(
            f"Cancelled: {run.done} of {run.total} cells answered and kept; the rest are not "
            f"checked (shown {NOT_ASKED}, not exported)."
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
        idle = self.run is None and self.discovery is None
        one = chosen[0] if len(chosen) == 1 else None
        outcome = one[1] if one else None
        gone = one is not None and not self._signed_in(one[0].account)
        self.inspector.show_result(outcome.token if outcome and not gone else None)
        self.detail.setText(cell_detail(outcome, one is not None, gone))
        self.sign_in_button.setEnabled(idle and outcome is not None and outcome.needs_interaction)
        self.sdk_button.setEnabled(idle and one is not None)
        self.compare_button.setEnabled(len(chosen) == 2 and all(o for _, o in chosen))
        self.export_button.setEnabled(idle and bool(self.model.outcomes) and self.spec is not None)

    def _signed_in(self, account: Account) -> bool:
        return any(a.home_account_id == account.home_account_id for a in self.session.accounts)

    def sign_in_cell(self) -> None:
        """The broker's sign-in for this one cell (its account, its configuration)."""
        chosen = self.selected_cells()
        if len(chosen) != 1 or not self.isVisible():
            return
        cell = chosen[0][0]
        if not self.session.sign_in_again(cell.account, int(self.winId()), cell.config):
            self.asking.setText(BUSY)

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
            self.fresh.add((account.home_account_id, config))
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
        titles = [self.model.title(c) for c, _ in chosen]
        self.compared = CompareDialog(chosen, titles, self, self.names)
        self.compared.open()

    def export(self, kind: str) -> None:
        spec = self.spec
        if spec is None:
            return
        path = self.ask_path(self, f"configuration-matrix.{EXPORTS[kind]}")
        if path is None:
            return
        run = RunInfo(self.started_at, app_version(), self.names)
        answers = self.model.answered()
        accounts = self.model.accounts
        self.asking.setText(write_export(kind, path, spec, answers, accounts, run, self.names))
