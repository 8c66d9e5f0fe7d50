"""Light or dark: the OS scheme (System, the default) or the one chosen in View ▸ Theme, kept
in the window's settings. Native styles (Windows 11, macOS) are told the scheme; Fusion, used
elsewhere, gets a matching palette (a plain X session has no scheme to follow: dark needed
GTK variables before there was a choice here)."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QActionGroup, QColor, QPalette
from PySide6.QtWidgets import QApplication, QMenu, QProxyStyle

from app.ui.common.contrast import ContrastStyle
from app.ui.common.widgets import Banner
from app.ui.shell.window_state import THEME_KEY

THEMES = {"System": None, "Light": False, "Dark": True}  # the choice → forced dark or not
KEY = THEME_KEY  # in window.ini
_SCHEMES = {None: Qt.ColorScheme.Unknown, False: Qt.ColorScheme.Light, True: Qt.ColorScheme.Dark}


def chosen(app: QApplication) -> str:
    """The theme in use: "System", "Light" or "Dark"."""
    value = app.property("theme")
    return value if isinstance(value, str) and value in THEMES else "System"


def follow_colour_scheme(app: QApplication, dark: bool | None = None) -> None:
    """The chosen theme, or the OS light/dark scheme (now and on every change): native
    styles follow the scheme by themselves; Fusion gets a matching palette."""
    hints = app.styleHints()
    forced = THEMES[chosen(app)]
    if dark is None:
        dark = forced if forced is not None else hints.colorScheme() == Qt.ColorScheme.Dark
    style = app.style()
    base = style.baseStyle() if isinstance(style, QProxyStyle) else style
    if base.name().lower() == "fusion":
        if not isinstance(style, ContrastStyle):  # visible check boxes and fields when dark
            app.setStyle(ContrastStyle())
        app.setPalette(dark_palette() if dark else app.style().standardPalette())
    elif app.property("scheme_asked") != chosen(app):  # once per choice: asking again
        app.setProperty("scheme_asked", chosen(app))  # on its own change signal would loop
        hints.setColorScheme(_SCHEMES[forced])  # Unknown: the OS's own again
    for widget in app.allWidgets():  # their style sheets hold colours of their own
        if isinstance(widget, Banner):
            widget.restyle()
    if not getattr(app, "_follows_scheme", False):
        hints.colorSchemeChanged.connect(lambda _: follow_colour_scheme(app))
        app._follows_scheme = True  # type: ignore[attr-defined]


def use_theme(app: QApplication, theme: str) -> None:
    """Switch now. Icons need nothing: they draw in the scheme in use when painted
    (app/ui/common/icons.py), and the palette's change repaints them."""
    app.setProperty("theme", theme if theme in THEMES else "System")
    follow_colour_scheme(app)


def theme_menu(menu: QMenu, settings: QSettings) -> QActionGroup:
    """View ▸ Theme: System, Light, Dark (one checked), the choice remembered."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    saved = settings.value(KEY, "System")
    if isinstance(saved, str) and saved in THEMES and saved != chosen(app):
        use_theme(app, saved)
    themes = menu.addMenu("T&heme")
    group = QActionGroup(themes)
    for name in THEMES:
        action = themes.addAction(name)
        action.setCheckable(True)
        action.setChecked(name == chosen(app))
        action.setToolTip("As the operating system is set" if name == "System" else name)
        group.addAction(action)

    def pick(action: QAction) -> None:
        settings.setValue(KEY, action.text())
        use_theme(app, action.text())

    group.triggered.connect(pick)
    return group


def dark_palette() -> QPalette:
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#202124",
        QPalette.ColorRole.WindowText: "#e8eaed",
        QPalette.ColorRole.Base: "#17181a",
        QPalette.ColorRole.AlternateBase: "#26282b",
        QPalette.ColorRole.Text: "#e8eaed",
        QPalette.ColorRole.Button: "#2d2f33",
        QPalette.ColorRole.ButtonText: "#e8eaed",
        QPalette.ColorRole.Highlight: "#3d7be0",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#2d2f33",
        QPalette.ColorRole.ToolTipText: "#e8eaed",
        QPalette.ColorRole.PlaceholderText: "#9aa0a6",
        QPalette.ColorRole.Link: "#8ab4f8",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#6b6f75"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#6b6f75"))
    return palette
