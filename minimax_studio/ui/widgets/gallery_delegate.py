"""Paints one Gallery cell. No widget per item, and almost no work per item here: the
loader's workers draw each whole cell into an image (``gallery_tile.compose_tile``), so a
cell on the GUI thread is one ``drawImage`` plus the selection / hover overlay. Until its
tile is ready a cell is two flat rectangles (cheap enough for a screen of new cells every
frame while the scroll bar is dragged).

The video playing under the pointer is drawn over its tile's picture area, frame by frame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from minimax_studio.ui.theme import colors, is_dark
from minimax_studio.ui.widgets.gallery_tile import (
    CAPTION_H,
    PAD,
    TileStyle,
    compose_tile,
    format_duration,
    image_rect,
    multi_count,
)
from minimax_studio.viewmodels.gallery_model import GalleryRoles

if TYPE_CHECKING:
    from PySide6.QtGui import QFont

    from minimax_studio.viewmodels.gallery_thumbs import ThumbnailLoader

__all__ = ["GalleryDelegate", "format_duration", "multi_count"]

_Index = QModelIndex | QPersistentModelIndex


class GalleryDelegate(QStyledItemDelegate):
    def __init__(self, loader: ThumbnailLoader | None, parent: Any = None) -> None:
        super().__init__(parent)
        self.loader = loader
        self._cell = 180
        #: the frame of the video playing under the pointer (item id, frame)
        self.hover_frame: tuple[int, QImage] | None = None
        self._tile_bg = QColor("#f0f0f0")
        self._picture_bg = QColor("#e0e0e0")

    # --- size and look ----------------------------------------------------------------
    @property
    def cell(self) -> int:
        return self._cell

    def set_cell(self, px: int) -> None:
        self._cell = px

    def image_rect(self, cell: QRect) -> QRect:
        return image_rect(cell)

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        return QSize(self._cell, self._cell * 3 // 4 + CAPTION_H + 2 * PAD)

    def restyle(self, palette: QPalette, font: QFont) -> None:
        """Snapshot the look for the workers (on size or theme change)."""
        c = colors()
        self._tile_bg = palette.alternateBase().color()
        self._picture_bg = (self._tile_bg.lighter(125) if is_dark()
                            else self._tile_bg.darker(108))
        style = TileStyle(size=self.sizeHint(QStyleOptionViewItem(), QModelIndex()),
                          font=font, tile_bg=self._tile_bg, picture_bg=self._picture_bg,
                          text=palette.text().color(), warning=QColor(c.warning),
                          error=QColor(c.error), badge_bg=QColor(c.badge_bg))
        if self.loader is not None:
            self.loader.set_fit(style.image_size())
            self.loader.set_composer(compose_tile, style)

    def forget(self, item_id: int) -> None:
        """Kept for callers; the delegate holds no per-item state (the loader does)."""

    # --- painting ---------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        rect: QRect = option.rect  # type: ignore[attr-defined]
        state = option.state  # type: ignore[attr-defined]
        item = index.data(GalleryRoles.Item)
        thumb = self.loader.get(item) if (self.loader is not None and item is not None) else None
        if thumb is not None and thumb.tile is not None:
            painter.drawImage(rect.topLeft(), thumb.tile)
        else:
            painter.fillRect(rect.adjusted(1, 1, -1, -1), self._tile_bg)
            painter.fillRect(image_rect(rect), self._picture_bg)
        if item is not None and self.hover_frame is not None and self.hover_frame[0] == item.id:
            self._draw_frame(painter, image_rect(rect), self.hover_frame[1])
        if state & QStyle.StateFlag.State_Selected:
            pal = option.palette  # type: ignore[attr-defined]
            hi = QColor(pal.highlight().color())
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            hi.setAlpha(70)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(hi)
            painter.drawRoundedRect(QRectF(rect.adjusted(1, 1, -1, -1)), 6, 6)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(pal.highlight().color(), 3))
            painter.drawRoundedRect(QRectF(rect.adjusted(2, 2, -2, -2)), 6, 6)
            painter.restore()
        elif state & QStyle.StateFlag.State_MouseOver:
            painter.fillRect(rect.adjusted(1, 1, -1, -1),
                             QColor(255, 255, 255, 22) if is_dark() else QColor(0, 0, 0, 14))

    def _draw_frame(self, painter: QPainter, r: QRect, image: QImage) -> None:
        if image.width() > r.width() or image.height() > r.height():
            image = image.scaled(r.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                 Qt.TransformationMode.FastTransformation)
        painter.fillRect(r, QColor(0, 0, 0))
        painter.drawImage(r.x() + (r.width() - image.width()) // 2,
                          r.y() + (r.height() - image.height()) // 2, image)
