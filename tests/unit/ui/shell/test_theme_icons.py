"""Icons repaint in the colour scheme in use when it changes (View ▸ Theme here; the OS's
change goes through the same follow_colour_scheme): real Qt, offscreen, no window needed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QAction, QImage
from PySide6.QtWidgets import QApplication, QToolButton

from app.ui.common.icons import icon, is_dark
from app.ui.shell.theme import use_theme


def drawn(name: str, dark: bool | None) -> QImage:
    pixmap = icon(name, dark=dark).pixmap(QSize(24, 24), 2.0)
    return pixmap.toImage().convertToFormat(QImage.Format.Format_ARGB32)


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    use_theme(qapp, "Light")
    yield qapp
    use_theme(qapp, "System")


def test_the_same_icon_draws_in_the_scheme_in_use_each_time(app: QApplication) -> None:
    following = icon("copy")
    assert not is_dark() and drawn("copy", None) == drawn("copy", False)
    use_theme(app, "Dark")
    assert is_dark()
    assert icon("copy") is following  # nothing needs setting again
    assert drawn("copy", None) == drawn("copy", True) != drawn("copy", False)
    use_theme(app, "Light")
    assert drawn("copy", None) == drawn("copy", False)


def test_a_button_repaints_its_icon_in_the_new_scheme(app: QApplication, qtbot) -> None:  # type: ignore[no-untyped-def]
    """A toolbar button keeps the QIcon it was given; after the switch it shows dark strokes."""
    button = QToolButton()
    qtbot.addWidget(button)
    button.setDefaultAction(QAction(icon("copy"), "Copy", button))
    button.setIconSize(QSize(24, 24))
    button.resize(40, 40)
    key = button.icon().cacheKey()
    light = button.grab().toImage()
    use_theme(app, "Dark")
    dark = button.grab().toImage()
    assert button.icon().cacheKey() == key
    assert light != dark
    # The dark strokes (#e2e8f0) are light: the icon's middle is now much lighter than before.
    ratio = button.devicePixelRatioF()

    def lightest(image: QImage) -> int:
        middle = round(20 * ratio)
        return max(
            image.pixelColor(x, y).lightness()
            for x in range(middle - round(8 * ratio), middle + round(8 * ratio))
            for y in range(middle - round(8 * ratio), middle + round(8 * ratio))
        )

    assert lightest(dark) >= 200


def test_an_icon_drawn_for_a_scheme_stays_drawn_for_it(app: QApplication) -> None:
    light = drawn("copy", False)
    use_theme(app, "Dark")
    assert drawn("copy", False) == light
