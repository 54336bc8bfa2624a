"""Two small bars the Gallery shows while it works: ``UndoBar`` ("Deleted 3 items [Undo]",
in the window's status bar so it is seen from any tab) and ``ProgressRow`` (a sentence, a
progress bar and Cancel, for adding files and for imports; the summary stays afterwards
until closed)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QToolButton, QWidget

__all__ = ["UNDO_SHOWN_MS", "ProgressRow", "UndoBar"]

UNDO_SHOWN_MS = 20_000


class UndoBar(QWidget):
    """"Deleted 3 items  [Undo]" — in the window's status bar (or atop the tab without one)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("galleryUndoBar")
        self.label = QLabel(self)
        self.button = QPushButton("Undo", self)
        self.button.setObjectName("undoButton")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 0, 4, 0)
        lay.addWidget(self.label)
        lay.addWidget(self.button)
        self._callback: Any = None
        self.button.clicked.connect(self._undo)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.hide()

    def offer(self, text: str, callback: Any) -> None:
        if not text:
            self.hide()
            return
        self.label.setText(text)
        self._callback = callback
        self.show()
        self._timer.start(UNDO_SHOWN_MS)

    def _undo(self) -> None:
        callback, self._callback = self._callback, None
        self.hide()
        if callback is not None:
            callback()


class ProgressRow(QWidget):
    """A sentence, a progress bar and Cancel — for adding files and for imports."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.bar = QProgressBar(self)
        self.bar.setMaximumWidth(260)
        self.cancel = QPushButton("Cancel", self)
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setToolTip("Hide")
        self.close_button.clicked.connect(self.hide)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.bar)
        lay.addWidget(self.cancel)
        lay.addWidget(self.close_button)
        self.hide()

    def running(self, text: str, done: int = 0, total: int = 0) -> None:
        self.show()
        self.label.setText(text)
        self.bar.show()
        self.bar.setRange(0, max(0, total))  # 0..0: busy, size unknown yet
        self.bar.setValue(done)
        self.cancel.show()
        self.close_button.hide()

    def finished(self, text: str) -> None:
        self.show()
        self.label.setText(text)
        self.bar.hide()
        self.cancel.hide()
        self.close_button.show()
