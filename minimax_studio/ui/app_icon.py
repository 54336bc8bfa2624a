"""The app's own icon (resources/icons/, drawn for this project) as a QIcon: the window,
the taskbar and the tray all use it (the tray takes the window's icon)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon, QPixmap

from minimax_studio.resources_path import ICON_SIZES, icon_png


def app_icon() -> QIcon:
    icon = QIcon()
    for size in ICON_SIZES:
        png = icon_png(size)
        if isinstance(png, Path):
            # A real file (checkout, wheel, bundle): Qt reads only the sizes it draws.
            icon.addFile(str(png), QSize(size, size))
        else:  # resources inside a zip: decode now
            pixmap = QPixmap()
            if pixmap.loadFromData(png.read_bytes(), "PNG"):
                icon.addPixmap(pixmap)
    return icon
