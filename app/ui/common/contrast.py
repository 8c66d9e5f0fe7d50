"""Fusion in a dark palette draws check boxes and text fields with an outline darker than the
window (its outline is always the window colour, darkened), so an unchecked box or an empty
field is almost invisible. This proxy draws a light edge over them when the palette is dark;
everything else, and every light palette, is Fusion's own."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleFactory, QStyleOption, QWidget

EDGE = QColor("#9aa0a6")  # ≥ 3:1 against the dark window and field colours (WCAG non-text)
DISABLED_EDGE = QColor("#5f6368")
EDGED = (
    QStyle.PrimitiveElement.PE_IndicatorCheckBox,
    QStyle.PrimitiveElement.PE_FrameLineEdit,
)


class ContrastStyle(QProxyStyle):
    def __init__(self) -> None:
        super().__init__(QStyleFactory.create("Fusion"))

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if (
            element not in EDGED
            or option.palette.color(QPalette.ColorRole.Window).lightness() >= 128
        ):
            return
        enabled = bool(option.state & QStyle.StateFlag.State_Enabled)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(QColor(0, 0, 0, 0))
        painter.setPen(QPen(EDGE if enabled else DISABLED_EDGE, 1))
        rect = QRectF(option.rect).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.drawRoundedRect(rect, 2, 2)
        painter.restore()
