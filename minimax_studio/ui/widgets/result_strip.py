"""A strip of thumbnails over the result preview when a job made several pictures
(Midjourney's four, an image model with quantity > 1): click one, or press 1–9, to show
it large. Replaces browsing by file name in a combo box.

Bound to a ResultVM: it rebuilds when the job's files change, marks the one shown, and
asks the view-model for thumbnails (decoded off the GUI thread).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from minimax_studio.viewmodels.result_vm import ResultVM, media_kind

__all__ = ["ResultStrip"]

THUMB = 56
MAX_KEYS = 9


class ResultStrip(QWidget):
    def __init__(self, vm: ResultVM, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resultStrip")
        self.vm = vm
        self.buttons: list[QToolButton] = []
        self._paths: list[Path] = []
        self.count_label = QLabel(self)
        self.count_label.setObjectName("resultCount")
        self.count_label.setStyleSheet("font-weight: 600;")
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 4)
        self._row.setSpacing(6)
        self._row.addWidget(self.count_label)
        self._row.addStretch(1)
        vm.mediaChanged.connect(self._rebuild)
        vm.thumbLoaded.connect(self._thumb)
        self._keys: list[QShortcut] = []
        self._rebuild()

    def install_keys(self, scope: QWidget) -> None:
        """1–9 pick a picture while the focus is anywhere inside ``scope`` (the result pane)."""
        for i in range(MAX_KEYS):
            sc = QShortcut(QKeySequence(str(i + 1)), scope)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(lambda i=i: self.choose(i))
            self._keys.append(sc)

    def choose(self, i: int) -> None:
        if 0 <= i < len(self._paths) and self.isVisible():
            self.vm.select_file(i)

    def _rebuild(self) -> None:
        paths = self.vm.files
        if paths != self._paths:
            self._paths = paths
            for b in self.buttons:
                self._row.removeWidget(b)
                b.deleteLater()
            self.buttons = []
            for i, path in enumerate(paths):
                b = QToolButton(self)
                b.setObjectName(f"resultThumb{i + 1}")
                b.setCheckable(True)
                b.setAutoRaise(True)
                b.setIconSize(QSize(THUMB, THUMB))
                b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
                b.setText(str(i + 1))
                key = f" (press {i + 1})" if i < MAX_KEYS else ""
                b.setToolTip(f"{path.name}{key}")
                b.clicked.connect(lambda _=False, i=i: self.choose(i))
                self._row.insertWidget(self._row.count() - 1, b)
                self.buttons.append(b)
            many = len(paths) > 1
            self.count_label.setText(f"×{len(paths)}" if many else "")
            self.setVisible(many)
            if many and all(media_kind(p) == "image" for p in paths):
                self.vm.load_thumbs(THUMB)
        current = self.vm.media_path
        for b, path in zip(self.buttons, self._paths, strict=True):
            b.setChecked(path == current)

    def _thumb(self, path: str, image: QImage) -> None:
        for b, p in zip(self.buttons, self._paths, strict=True):
            if str(p) == path:
                b.setIcon(QIcon(QPixmap.fromImage(image)))
