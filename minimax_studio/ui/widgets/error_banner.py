"""An inline message strip: a sentence, an optional action button, a close button.

Used two ways: under a form / dialog field ("shown next to what failed"), and at the top of
the main window for notifier notices that belong to no particular widget.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from minimax_studio.ui.theme import colors

__all__ = ["ErrorBanner"]


class ErrorBanner(QFrame):
    dismissed = Signal()
    actionTriggered = Signal()

    def __init__(self, parent: QWidget | None = None, *, closable: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.action = QPushButton(self)
        self.action.hide()
        self.action.clicked.connect(self.actionTriggered)
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setToolTip("Dismiss")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.dismiss)
        self.close_button.setVisible(closable)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 6, 6, 6)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.action)
        lay.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self._level = "error"
        self._callback: Callable[[], None] | None = None
        self.hide()

    @property
    def text(self) -> str:
        return self.label.text()

    @property
    def level(self) -> str:
        return self._level

    def show_message(self, text: str, level: str = "error", *, action: str | None = None,
                     on_action: Callable[[], None] | None = None) -> None:
        """Show ``text``; ``level`` is "error", "warning" or "info"."""
        self._level = level
        c = colors()
        bg = {"error": c.error_bg, "warning": c.warning_bg}.get(level, c.info_bg)
        fg = {"error": c.error, "warning": c.warning}.get(level, "palette(window-text)")
        name = self.objectName() or "errorBanner"
        self.setObjectName(name)
        self.setStyleSheet(
            f"QFrame#{name} {{ background: {bg}; border: 1px solid {fg}; border-radius: 4px; }}"
            f" QFrame#{name} QLabel {{ color: {fg}; }}")
        self.label.setText(text)
        if self._callback is not None:
            try:
                self.actionTriggered.disconnect(self._callback)
            except (RuntimeError, TypeError):
                pass
            self._callback = None
        if action:
            self.action.setText(action)
            self.action.show()
            if on_action is not None:
                self._callback = on_action
                self.actionTriggered.connect(on_action)
        else:
            self.action.hide()
        self.show()

    def dismiss(self) -> None:
        self.hide()
        self.label.clear()
        self.dismissed.emit()
