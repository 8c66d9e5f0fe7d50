"""The main window's parts in their places: toolbar and Account menu, the banners, the
profile bar, the accounts list beside the token and storage tabs, the status line and the
other menus. Imported by MainWindow.building(), once the frame is on screen."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from PySide6.QtWidgets import QSplitter, QTabWidget, QVBoxLayout, QWidget

from app.ui.accounts.actions import AccountActions, actions_toolbar
from app.ui.accounts.banner import WindowBanner
from app.ui.accounts.broker_note import LimitsNote
from app.ui.common.icons import icon
from app.ui.common.screen import is_short
from app.ui.common.widgets import Banner
from app.ui.configurations.profile_bar import ProfileBar
from app.ui.shell.arm_link import open_arm
from app.ui.shell.busy import BusyStatus
from app.ui.shell.menus import build_menus
from app.ui.storage.tab import StorageTab
from app.ui.tokens.inspector import TokenInspector

SPLIT = [700, 420]  # accounts list, token and storage tabs, at the default width


def lay_out(window: Any, sandbox_note: str | None, names: Mapping[str, str]) -> Iterator[None]:
    """Every part of the window, in its place, in two parts (a turn of the event loop each):
    the body, then the toolbar, the status line and the menus. Qt lays the body out and paints
    it between them; at once, that and building took ~70-80 ms of a stopped window
    (benchmarks/event_loop_gap.py). `window` is the MainWindow, which declares each part's type
    (naming its class here would make the two modules import each other)."""
    window.sandbox_banner = Banner("sandbox")
    if sandbox_note:  # one line once collapsed, the user's choice remembered
        window.sandbox_banner.show_text("Sandbox mode", sandbox_note, closable=False)
        window.sandbox_banner.collapsible(
            window.settings, "window/sandbox_note_collapsed", folded=is_short(window)
        )
    window.banner = WindowBanner(window._sign_in)

    window.notice = Banner("info")
    window.limits_note = LimitsNote()  # where the broker cannot work in this session
    window.host_banner = Banner("warning")  # while the profile's authority host is custom
    window.profile_bar = ProfileBar(window.data, window.save)

    window.table, window.proxy = window.accounts_view.table, window.accounts_view.proxy

    window.inspector = TokenInspector(tenant_names=names)
    storage = window.sandbox
    window.storage_tab = StorageTab(
        window.runner,
        lambda: window.data.recent_urls.get(window.profile.name, []),
        storage.storage_url if storage else None,
        storage.storage_ca if storage else None,
    )
    window.tabs = QTabWidget()
    window.tabs.setAccessibleName("Token and storage")
    window.tabs.addTab(window.inspector, icon("token"), "Token")
    window.tabs.addTab(window.storage_tab, icon("storage"), "Blob storage")
    window.splitter = QSplitter()
    window.splitter.addWidget(window.accounts_view)
    window.splitter.addWidget(window.tabs)
    window.splitter.setSizes(SPLIT)  # the list first: its usernames whole
    window.splitter.setCollapsible(0, False)  # the accounts list keeps its State column
    for part, share in enumerate(SPLIT):  # a wider window widens both, the list first
        window.splitter.setStretchFactor(part, share)

    central = QWidget()
    layout = QVBoxLayout(central)
    layout.addWidget(window.sandbox_banner)
    layout.addWidget(window.profile_bar)
    layout.addWidget(window.splitter, 1)
    # Messages that come and go sit below the list: one appearing never moves a row from
    # under the pointer (a click meant for one row landed on another).
    for banner in (window.notice, window.limits_note, window.host_banner, window.banner):
        layout.addWidget(banner)
    window.setCentralWidget(central)
    yield  # its signals are connected once all is built: until then a click does nothing

    window.toolbar = actions_toolbar(window)
    slots = {
        "add": window.add_account, "default": window.session.use_default_account,
        "token": window.get_token, "active": window.make_active, "again": window.sign_in_again,
        "out": window.sign_out, "out_all": window.sign_out_all, "sdk": window.as_your_code,
        "copy": window.copy_username, "refresh": window.session.refresh,
    }  # fmt: skip
    window.account_actions = AccountActions(
        window, window.menuBar().addMenu("&Account"), window.toolbar, slots
    )
    a = window.account_actions
    window.act_add, window.act_default, window.act_token, window.act_active = map(
        a.__getitem__, ("add", "default", "token", "active")
    )
    window.act_again, window.act_out, window.act_sdk, window.act_refresh = map(
        a.__getitem__, ("again", "out", "sdk", "refresh")
    )

    window.busy = BusyStatus(window.statusBar(), window.broker, window.session.cancel)
    window.busy_label, window.cancel_button = window.busy.label, window.busy.cancel
    window.diagnostics = build_menus(
        window, window.open_matrix, lambda: open_arm(window), window.settings
    )
