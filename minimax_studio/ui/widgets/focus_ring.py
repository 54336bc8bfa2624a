"""A visible focus ring for the widgets the Fusion style leaves unmarked.

Fusion shows the focus of text fields, spin boxes and push buttons, but a combo box, a
check box or a tool button that has the keyboard focus looks exactly like one that does
not (it draws a focus rectangle only in some cases, and faintly). A keyboard user then
cannot tell where Space or the arrow keys will go.

One overlay per window part follows ``QApplication.focusChanged``: it sits on top of the
focused widget's parent, over the widget's frame, ignores the mouse, and paints a rounded
2 px outline in the palette's highlight colour (so it follows the light / dark theme).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractSlider,
    QApplication,
    QCheckBox,
    QComboBox,
    QRadioButton,
    QToolButton,
    QWidget,
)

__all__ = ["FocusRing", "install_focus_ring"]

#: Widgets whose own focus marking is missing or too faint to see.
RINGED = (QComboBox, QCheckBox, QRadioButton, QToolButton, QAbstractSlider)
#: Drawn over the widget's own frame, not outside it: a tight parent (a form row) would
#: clip a ring drawn around the widget.
MARGIN = 0


class FocusRing(QWidget):
    def __init__(self, root: QWidget) -> None:
        super().__init__(root)
        self._root = root
        self.setObjectName("focusRing")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hide()
        self._target: QWidget | None = None
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_moved)

    def _focus_moved(self, _old: QWidget | None, new: QWidget | None) -> None:
        try:
            ours = new is not None and self._root.isAncestorOf(new)
        except RuntimeError:  # the root is being deleted; this ring goes with it
            return
        if new is None or not ours or not isinstance(new, RINGED) or new.parentWidget() is None:
            self._target = None
            self.hide()
            return
        self._target = new
        parent = new.parentWidget()
        if self.parentWidget() is not parent:
            self.setParent(parent)
        self.setGeometry(new.geometry().adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN))
        self.raise_()
        self.show()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(self.palette().color(QPalette.ColorRole.Highlight))
        pen.setWidthF(2.0)
        p.setPen(pen)
        p.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 4, 4)
        p.end()


def install_focus_ring(root: QWidget) -> FocusRing:
    """Give every combo, check box and tool button under ``root`` a visible focus ring."""
    return FocusRing(root)
