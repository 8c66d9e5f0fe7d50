"""The app's SVG icons, rendered crisp at every size and device pixel ratio.

Icons live in `resources/icons/<name>.svg` (24×24 viewBox, strokes in NEUTRAL). In a dark
colour scheme NEUTRAL is swapped for DARK_NEUTRAL before rendering; accent colours stay as
drawn. Each QIcon holds pixmaps at SIZES, at device pixel ratio 1 and 2, and is cached per
(name, dark).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer


def _resources() -> Path:
    """`<repo>/resources`, or the bundled copy when frozen by PyInstaller."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


RESOURCES: Path = _resources()
ICONS_DIR: Path = RESOURCES / "icons"

NEUTRAL = "#4a5568"
DARK_NEUTRAL = "#e2e8f0"
SIZES = (16, 24, 32, 48, 64)
RATIOS = (1.0, 2.0)

_cache: dict[tuple[str, bool], QIcon] = {}


def names() -> list[str]:
    """The names of every icon shipped in resources/icons, sorted."""
    return sorted(path.stem for path in ICONS_DIR.glob("*.svg"))


def is_dark() -> bool:
    """Whether the platform's colour scheme is dark (False without a running QGuiApplication)."""
    if QGuiApplication.instance() is None:
        return False
    if QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark:
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


def icon(name: str, dark: bool | None = None) -> QIcon:
    """Icon `name`; `dark=None` follows the platform colour scheme. Unknown name: KeyError."""
    if dark is None:
        dark = is_dark()
    key = (name, dark)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    colour = DARK_NEUTRAL if dark else None
    result = QIcon()
    for size in SIZES:
        for ratio in RATIOS:
            result.addPixmap(render(name, size, ratio, colour))
    _cache[key] = result
    return result


def app_icon() -> QIcon:
    """The application (window / taskbar) icon; full colour, the same in light and dark."""
    return icon("app", dark=False)
