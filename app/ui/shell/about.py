"""The About box: what the app is, its version, and the versions of what it runs on."""

from __future__ import annotations

import html

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from app.ui.common.icons import app_icon
from app.version import APP_NAME, app_version

__all__ = ["APP_NAME", "app_version", "show_about"]

DESCRIPTION = (
    "A desktop account manager for the operating system's authentication broker: see, add, "
    "sign in to and remove the work and school accounts your apps share."
)


def versions_table(versions: dict[str, str]) -> str:
    """The versions as a small two-column HTML table (keys and values escaped)."""
    rows = "".join(
        f"<tr><td style='padding-right:12px'><b>{html.escape(key)}</b></td>"
        f"<td>{html.escape(value)}</td></tr>"
        for key, value in versions.items()
    )
    return f"<table cellspacing='0' cellpadding='1'>{rows}</table>"


def show_about(parent: QWidget, versions: dict[str, str]) -> QMessageBox:
    """Open (non-blocking, window-modal) the About box and return it."""
    box = QMessageBox(parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowTitle(f"About {APP_NAME}")
    box.setWindowIcon(app_icon())
    box.setIconPixmap(app_icon().pixmap(QSize(64, 64), parent.devicePixelRatioF()))
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(
        f"<h3>{APP_NAME}</h3><p>Version {html.escape(app_version())}</p>"
        f"<p>{html.escape(DESCRIPTION)}</p>"
    )
    box.setInformativeText(versions_table(versions))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.open()
    return box
