"""In the dark scheme the MSA passthrough check box and the filter box were almost invisible
(Fusion outlines them darker than the dark window). Measured on the rendered pixels."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyleFactory, QStyleOptionButton

from app.core.settings.data import StoreData
from app.ui.accounts.model import AccountsModel
from app.ui.accounts.view import AccountsView
from app.ui.common.contrast import ContrastStyle
from app.ui.configurations.profile_bar import ProfileBar
from app.ui.shell.theme import dark_palette


def luminance(colour: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.fixture
def dark(qapp):  # type: ignore[no-untyped-def]
    """The dark palette on the app's style, as follow_colour_scheme sets them; restored."""
    app = QApplication.instance()
    old_style, old_palette = app.style().name(), QPalette(app.palette())
    app.setStyle(ContrastStyle())
    app.setPalette(dark_palette())
    yield app
    app.setStyle(QStyleFactory.create(old_style or "Fusion"))
    app.setPalette(old_palette)


def test_the_check_box_and_the_filter_box_stand_out_in_the_dark_scheme(dark, qtbot):
    bar = ProfileBar(StoreData(), lambda: None)
    view = AccountsView(AccountsModel())
    for widget in (bar, view):
        qtbot.addWidget(widget)
        widget.show()
        qtbot.waitExposed(widget)
    window = dark.palette().color(QPalette.ColorRole.Window)

    box = bar.passthrough
    option = QStyleOptionButton()
    option.initFrom(box)
    indicator = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    image = box.grab().toImage()
    edge = image.pixelColor(indicator.left(), indicator.center().y())
    assert contrast(edge, window) >= 3.0, edge.name()

    field = view.filter
    image = field.grab().toImage()
    edge = image.pixelColor(0, field.height() // 2)
    inside = field.palette().color(QPalette.ColorRole.Base)
    assert contrast(edge, window) >= 3.0 and contrast(edge, inside) >= 3.0, edge.name()
