"""The SVG icons and their loader (real Qt, offscreen), and the About box."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QWidget

from app.ui.common import icons
from app.ui.common.icons import ICONS_DIR, RESOURCES, app_icon, icon
from app.ui.shell.about import show_about

NAMES = [
    "add-account",
    "default-account",
    "token",
    "active",
    "sign-in-again",
    "sign-out",
    "copy",
    "refresh",
    "edit",
    "new",
    "delete",
    "cancel",
    "diagnostics",
    "about",
    "warning",
    "storage",
    "download",
    "upload",
    "properties",
    "app",
]

SHEET = Path("/tmp/icons-sheet.png")


def _image(name: str, dark: bool) -> QImage:
    pixmap = icon(name, dark=dark).pixmap(QSize(48, 48), 2.0)
    return pixmap.toImage().convertToFormat(QImage.Format.Format_ARGB32)


def _image_following(name: str) -> QImage:
    pixmap = icon(name).pixmap(QSize(48, 48), 2.0)
    return pixmap.toImage().convertToFormat(QImage.Format.Format_ARGB32)


def _opaque_share(image: QImage) -> float:
    width, height = image.width(), image.height()
    opaque = sum(
        1 for y in range(height) for x in range(width) if image.pixelColor(x, y).alpha() > 0
    )
    return opaque / (width * height)


def test_resources_found() -> None:
    assert RESOURCES.name == "resources"
    assert ICONS_DIR.is_dir()


def test_icon_files_are_exactly_the_list_and_valid() -> None:
    files = sorted(ICONS_DIR.glob("*.svg"))
    assert sorted(path.stem for path in files) == sorted(NAMES)
    for path in files:
        assert QSvgRenderer(str(path)).isValid(), path.name


@pytest.mark.parametrize("name", NAMES)
def test_icon_renders_at_high_dpi(qapp: object, name: str) -> None:
    pixmap = icon(name, dark=False).pixmap(QSize(48, 48), 2.0)
    assert pixmap.devicePixelRatio() == 2.0
    assert pixmap.width() == 96 and pixmap.height() == 96
    assert _opaque_share(_image(name, dark=False)) >= 0.03


def test_dark_variant_recolours_strokes(qapp: object) -> None:
    light, dark = _image("copy", dark=False), _image("copy", dark=True)
    assert light.size() == dark.size()
    assert light != dark


def test_accent_only_icon_is_the_same_in_dark(qapp: object) -> None:
    assert _image("active", dark=False) == _image("active", dark=True)


def test_icon_follows_colour_scheme_and_is_cached(qapp: object) -> None:
    """One following icon per name, drawn as the scheme in use draws it (a switch repaints
    it: tests/unit/ui/shell/test_theme_icons.py)."""
    assert icon("copy") is icon("copy")
    assert _image_following("copy") == _image("copy", dark=icons.is_dark())
    assert app_icon() is app_icon()
    assert not app_icon().isNull()


def test_unknown_icon_raises_key_error_listing_known_names(qapp: object) -> None:
    with pytest.raises(KeyError) as raised:
        icon("no-such-icon")
    assert "copy" in str(raised.value) and "no-such-icon" in str(raised.value)


def test_about_box_shows_name_and_versions(qtbot) -> None:  # type: ignore[no-untyped-def]
    parent = QWidget()
    qtbot.addWidget(parent)
    versions = {"msal": "1.39.0", "Qt": "6.12.0", "Python": "3.11.9"}
    box = show_about(parent, versions)
    try:
        assert box.isVisible()
        text = box.text() + box.informativeText()
        assert "Broker Account Manager" in box.text()
        for key, value in versions.items():
            assert key in text and value in text
        assert not box.iconPixmap().isNull()
    finally:
        box.close()


def render_contact_sheet(path: Path = SHEET) -> QImage:
    """Every icon at 24 px (also magnified ×4, pixel for pixel) and 64 px on light and dark."""
    cell, pad = 104, 8
    rows = [(False, 24, 1), (False, 24, 4), (False, 64, 1), (True, 24, 1), (True, 24, 4)]
    rows.append((True, 64, 1))
    sheet = QImage(len(NAMES) * cell, len(rows) * cell, QImage.Format.Format_ARGB32)
    painter = QPainter(sheet)
    for row, (dark, size, zoom) in enumerate(rows):
        background = QColor("#1a202c" if dark else "#ffffff")
        painter.fillRect(0, row * cell, sheet.width(), cell, background)
        for column, name in enumerate(NAMES):
            image = icon(name, dark=dark).pixmap(QSize(size, size), 1.0).toImage()
            if zoom > 1:
                image = image.scaled(
                    size * zoom, size * zoom, mode=Qt.TransformationMode.FastTransformation
                )
            offset = (cell - image.width()) // 2
            painter.drawImage(QPoint(column * cell + offset, row * cell + offset), image)
            painter.setPen(QColor("#a0aec0"))
            painter.drawRect(
                column * cell + pad // 2, row * cell + pad // 2, cell - pad, cell - pad
            )
    painter.end()
    sheet.save(str(path))
    return sheet


def test_contact_sheet(qapp: object, tmp_path: Path) -> None:
    """Renders every icon light and dark into one PNG, for a person to look at."""
    path = tmp_path / "icons-sheet.png"
    sheet = render_contact_sheet(path)
    assert not sheet.isNull() and path.is_file()
