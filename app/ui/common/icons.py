"""The app's SVG icons, rendered crisp at every size and device pixel ratio.

Icons live in `resources/icons/<name>.svg` (24×24 viewBox, strokes in NEUTRAL). In a dark
colour scheme NEUTRAL is swapped for DARK_NEUTRAL before rendering; accent colours stay as
drawn. Each QIcon renders the sizes Qt asks for when it asks (SvgIconEngine), and is cached
per (name, dark). `icon(name)` follows the scheme: it asks which scheme is in use each time
it is painted, so a switch (the OS's, or View ▸ Theme) repaints every icon in the new one
without anyone setting icons again.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QStyleOption


def _resources() -> Path:
    """`<repo>/resources`, or the bundled copy when frozen by PyInstaller."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[3] / "resources"


RESOURCES: Path = _resources()
ICONS_DIR: Path = RESOURCES / "icons"

NEUTRAL = "#4a5568"
DARK_NEUTRAL = "#e2e8f0"

_cache: dict[tuple[str, bool | None], QIcon] = {}


def names() -> list[str]:
    """The names of every icon shipped in resources/icons, sorted."""
    return sorted(path.stem for path in ICONS_DIR.glob("*.svg"))


def is_dark() -> bool:
    """Whether the platform's colour scheme is dark (False without a running QGuiApplication)."""
    app = QGuiApplication.instance()
    if app is None:
        return False
    chosen = app.property("theme")  # View ▸ Theme (app/ui/shell/theme.py): the palette says
    if (not chosen or chosen == "System") and (
        QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
    ):
        return True
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    return window.lightness() < 128  # a dark palette set by the app (Fusion)


def svg_text(name: str, colour: str | None = None) -> str:
    """The SVG source of icon `name`, with NEUTRAL replaced by `colour` when given."""
    path = ICONS_DIR / f"{name}.svg"
    if not path.is_file():
        raise KeyError(f"unknown icon {name!r}; known icons: {', '.join(names())}")
    text = path.read_text(encoding="utf-8")
    if colour is not None:
        text = text.replace(NEUTRAL, colour).replace(NEUTRAL.upper(), colour)
    return text


def render(name: str, size: int, ratio: float = 1.0, colour: str | None = None) -> QPixmap:
    """Icon `name` as a `size`×`size` (logical pixels) pixmap at device pixel ratio `ratio`."""
    renderer = QSvgRenderer(QByteArray(svg_text(name, colour).encode("utf-8")))
    if not renderer.isValid():
        raise ValueError(f"icon {name!r} is not valid SVG")
    side = round(size * ratio)
    pixmap = QPixmap(side, side)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
    renderer.render(painter, QRectF(0, 0, side, side))
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


class SvgIconEngine(QIconEngine):
    """Renders icon `name` when Qt first asks for a size, mode and device pixel ratio, and
    keeps it: start-up renders only what the first paint shows (rendering every size of every
    icon up front took ~20 ms)."""

    def __init__(self, name: str, dark: bool | None) -> None:
        super().__init__()
        self.name = name
        self.dark = dark  # None: the scheme in use when painted
        self.rendered: dict[tuple[int, float, QIcon.Mode, bool], QPixmap] = {}

    def scaledPixmap(
        self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float
    ) -> QPixmap:
        side = max(1, min(size.width(), size.height()))
        dark = is_dark() if self.dark is None else self.dark
        key = (side, scale, mode, dark)
        pixmap = self.rendered.get(key)
        if pixmap is None:
            pixmap = render(self.name, side, scale, DARK_NEUTRAL if dark else None)
            if mode != QIcon.Mode.Normal and QApplication.instance() is not None:
                style = QApplication.style()
                pixmap = style.generatedIconPixmap(mode, pixmap, QStyleOption())
                pixmap.setDevicePixelRatio(scale)
            self.rendered[key] = pixmap
        return pixmap

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        ratio = painter.device().devicePixelRatioF() if painter.device() else 1.0
        painter.drawPixmap(rect, self.scaledPixmap(rect.size(), mode, state, ratio))

    def clone(self) -> QIconEngine:
        return SvgIconEngine(self.name, self.dark)


def icon(name: str, dark: bool | None = None) -> QIcon:
    """Icon `name`; `dark=None` follows the colour scheme in use whenever it is painted (a
    scheme change repaints it in the new one), True/False draws it for that scheme always.
    Unknown name: KeyError."""
    key = (name, dark)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    if not (ICONS_DIR / f"{name}.svg").is_file():
        raise KeyError(f"unknown icon {name!r}; known icons: {', '.join(names())}")
    result = QIcon(SvgIconEngine(name, dark))
    _cache[key] = result
    return result


def app_icon() -> QIcon:
    """The application (window / taskbar) icon; full colour, the same in light and dark."""
    return icon("app", dark=False)
