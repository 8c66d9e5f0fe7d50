"""Where the keyboard is, in a list or a tree: a frame around the current row while the view
has focus.

Fusion draws an item view's focus rectangle only after a key changed focus in that window
(State_KeyboardFocusChange), so a list reached by a click, or a window grabbed offscreen,
showed no focus at all; and its dotted rectangle around one cell vanished on a selected row
(the highlight's own colour). This frame goes around the whole current row whenever the view
has focus: the highlight colour on an unselected row, the highlighted text's colour inside a
selected one, so it shows on both.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect
from PySide6.QtGui import QPainter, QPalette, QPen
from PySide6.QtWidgets import QAbstractItemView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

Index = QModelIndex | QPersistentModelIndex
WIDTH = 2


class FocusDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        super().paint(painter, option, index)
        view = self.parent()
        if isinstance(view, QAbstractItemView) and on_focus_row(view, index):
            selected = bool(option.state & QStyle.StateFlag.State_Selected)
            draw_row_frame(painter, option.rect, view, index, selected)


def on_focus_row(view: QAbstractItemView, index: Index) -> bool:
    """Whether index is in the current row of a view that has the keyboard focus."""
    current = view.currentIndex()
    return (
        view.hasFocus()
        and current.isValid()
        and current.row() == index.row()
        and current.parent() == index.parent()
    )


def draw_row_frame(
    painter: QPainter, rect: QRect, view: QAbstractItemView, index: Index, selected: bool
) -> None:
    """This cell's part of the frame: top and bottom edges, the left edge in the first
    column and the right edge in the last one shown."""
    palette = view.palette()
    role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Highlight
    model = index.model()
    columns = model.columnCount(index.parent()) if model is not None else 1
    shown = [c for c in range(columns) if not _hidden(view, c)]
    inner = rect.adjusted(0, WIDTH // 2, 0, -(WIDTH - WIDTH // 2))
    painter.save()
    painter.setPen(QPen(palette.color(role), WIDTH))
    painter.drawLine(inner.topLeft(), inner.topRight())
    painter.drawLine(inner.bottomLeft(), inner.bottomRight())
    if shown and index.column() == shown[0]:
        x = rect.left() + WIDTH // 2
        painter.drawLine(x, inner.top(), x, inner.bottom())
    if shown and index.column() == shown[-1]:
        x = rect.right() - WIDTH // 2 + 1
        painter.drawLine(x, inner.top(), x, inner.bottom())
    painter.restore()


def _hidden(view: QAbstractItemView, column: int) -> bool:
    header = getattr(view, "header", None) or getattr(view, "horizontalHeader", None)
    return bool(header is not None and header().isSectionHidden(column))
