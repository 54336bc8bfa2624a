"""Wheel-proof settings: a combo or spin box changes on the mouse wheel only once it has
the focus (a click or Tab). Scrolling a long form over a paid setting must scroll the form,
not turn 480p into 720p or 45 credits into 95.

One shared event filter does it for every guarded widget: an unfocused widget never sees
the wheel event; the scroll area around it gets it instead, so the form scrolls.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QWidget,
)

__all__ = ["guard_wheel", "guard_wheel_in"]


class _WheelGuard(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Wheel or not isinstance(watched, QWidget) \
                or watched.hasFocus():
            return False
        area = _scroll_area_around(watched)
        if area is not None:
            # Handed to the form's scroll area directly: Qt only passes an ignored wheel
            # event up the parent chain when it came from the window system, and the form
            # must scroll the same way whatever sent it.
            QApplication.sendEvent(area.viewport(), event)
            event.accept()
        else:
            event.ignore()  # ignored + filtered: Qt offers it to the parents
        return True


def _scroll_area_around(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


_guard: _WheelGuard | None = None


def guard_wheel(widget: QWidget) -> QWidget:
    """Make ``widget`` take the wheel only while focused; returns it for chaining."""
    global _guard
    if _guard is None:
        _guard = _WheelGuard()
    # StrongFocus: a click or Tab gives focus, the wheel does not (WheelFocus would).
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    widget.installEventFilter(_guard)
    return widget


def guard_wheel_in(root: QWidget) -> None:
    """Guard every combo and spin box under ``root`` (dialogs built elsewhere)."""
    for combo in root.findChildren(QComboBox):
        guard_wheel(combo)
    for spin in root.findChildren(QAbstractSpinBox):
        guard_wheel(spin)
