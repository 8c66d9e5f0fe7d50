"""The blob pane's banner in a scroll area of its own: at the window's default size (900×560)
the pane is ~310 px high, and advice such as "Nothing answers at this address" with its
"What to do" needs ~190 of them in a ~320 px wide pane. The layout squeezed the banner to
58 px and cut the advice off after its first sentence; now the banner takes up to half the
pane, its height for the width it has, and scrolls beyond that, so every word can be read.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

SHARE = 0.5  # of the pane's height, at most


class BannerArea(QScrollArea):
    def __init__(self, banner: QWidget) -> None:
        super().__init__()
        self.banner = banner
        self.setWidget(banner)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVisible(not banner.isHidden())
        banner.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.banner:
            kind = event.type()
            if kind == QEvent.Type.ShowToParent:
                self.show()
                self.fit()
            elif kind == QEvent.Type.HideToParent:
                self.hide()
            elif kind == QEvent.Type.LayoutRequest:  # new text
                self.fit()
        return False

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.fit()

    def fit(self) -> None:
        """As high as the banner needs at this width, up to SHARE of the pane."""
        width = self.viewport().width() or self.width()
        needed = self.banner.heightForWidth(width)
        if needed < 0:
            needed = self.banner.sizeHint().height()
        pane = self.parentWidget()
        most = needed
        layout = pane.layout() if pane is not None else None
        if pane is not None and layout is not None and pane.height() > 0:
            # what the rest of the pane needs at least (the layout's minimum counts this
            # area at its present height), and never more than SHARE of the pane
            others = layout.minimumSize().height() - self.height()
            most = min(pane.height() - others, int(SHARE * pane.height()))
        self.setFixedHeight(max(1, min(needed, max(most, 48))))
