"""An image shown fit-to-view, with zoom (wheel, Ctrl + / Ctrl - / Ctrl 0) and pan (drag).

It paints a QImage directly instead of using a QGraphicsView: one transform (scale +
offset) is all a result preview needs, and it keeps the whole thing in one small class.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QImage,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QShortcut,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

MIN_SCALE = 0.05
MAX_SCALE = 16.0
STEP = 1.25


class ImageView(QWidget):
    #: the current scale (1.0 = one image pixel per screen pixel); the zoom label shows it.
    zoomChanged = Signal(float)
    #: a double click when the view is set to open the full-window viewer instead of zooming
    activated = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageView")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(120, 90)
        self._image = QImage()
        self._fit = True
        self._scale = 1.0
        self._offset = QPointF(0, 0)  # image top-left in widget coordinates
        self._drag_from: QPointF | None = None
        self._double_click_zooms = True
        for keys, slot in ((QKeySequence.StandardKey.ZoomIn, self.zoom_in),
                           (QKeySequence.StandardKey.ZoomOut, self.zoom_out),
                           ("Ctrl+=", self.zoom_in), ("Ctrl+0", self.fit)):
            sc = QShortcut(QKeySequence(keys), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)

    # --- API --------------------------------------------------------------------------------
    def set_image(self, image: QImage) -> None:
        self._image = image
        self.fit()

    def set_double_click_zooms(self, on: bool) -> None:
        """Inline previews open the full-window viewer on a double click (``activated``);
        the full-window viewer itself toggles fit / 100 %."""
        self._double_click_zooms = on

    def image(self) -> QImage:
        return self._image

    @property
    def scale(self) -> float:
        return self._scale

    @property
    def offset(self) -> QPointF:
        return QPointF(self._offset)

    @property
    def fitted(self) -> bool:
        return self._fit

    def fit(self) -> None:
        self._fit = True
        self._layout_fit()
        self.update()

    def zoom_in(self) -> None:
        self.zoom_by(STEP, self._center())

    def zoom_out(self) -> None:
        self.zoom_by(1 / STEP, self._center())

    def zoom_by(self, factor: float, anchor: QPointF) -> None:
        """Zoom keeping the image point under ``anchor`` (the cursor) where it is."""
        if self._image.isNull():
            return
        new = max(MIN_SCALE, min(MAX_SCALE, self._scale * factor))
        if new == self._scale:
            return
        img_pt = (anchor - self._offset) / self._scale
        self._scale = new
        self._offset = anchor - img_pt * new
        self._fit = False
        self._clamp()
        self.zoomChanged.emit(self._scale)
        self.update()

    # --- events -----------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Window).darker(115))
        if self._image.isNull():
            return
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self._scale < 2.0)
        target = QRectF(self._offset, self._image.size().toSizeF() * self._scale)
        p.drawImage(target, self._image)

    def resizeEvent(self, event: QResizeEvent) -> None:
        if self._fit:
            self._layout_fit()
        else:
            self._clamp()
        super().resizeEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(STEP ** steps, event.position())
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and not self._fit:
            self._drag_from = event.position()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag_from is not None:
            self._offset += event.position() - self._drag_from
            self._drag_from = event.position()
            self._clamp()
            self.update()
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._drag_from = None
        self.unsetCursor()
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        # Double click toggles between fit and 100 % at the cursor (image viewers do this).
        if not self._double_click_zooms:
            self.activated.emit()
        elif self._fit:
            self.zoom_by(1.0 / self._scale, event.position())
        else:
            self.fit()

    # --- internals --------------------------------------------------------------------------
    def _center(self) -> QPointF:
        return QPointF(self.width() / 2, self.height() / 2)

    def _layout_fit(self) -> None:
        if self._image.isNull() or self.width() <= 0 or self.height() <= 0:
            return
        iw, ih = self._image.width(), self._image.height()
        # Never blow a small image up past 100 % when fitting: it would look blurry.
        self._scale = min(1.0, self.width() / iw, self.height() / ih)
        self._offset = QPointF((self.width() - iw * self._scale) / 2, (self.height() - ih * self._scale) / 2)
        self.zoomChanged.emit(self._scale)

    def _clamp(self) -> None:
        """Keep the image on screen: centred along an axis where it is smaller than the view,
        otherwise no empty margin beyond its edge."""
        w, h = self._image.width() * self._scale, self._image.height() * self._scale
        x, y = self._offset.x(), self._offset.y()
        x = (self.width() - w) / 2 if w <= self.width() else min(0.0, max(self.width() - w, x))
        y = (self.height() - h) / 2 if h <= self.height() else min(0.0, max(self.height() - h, y))
        self._offset = QPointF(x, y)
