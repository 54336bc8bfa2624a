"""Paints one Gallery cell: thumbnail (or placeholder / "can't preview" / missing), badges
for kind, ×N and favorite, duration, and the start of the prompt. No widget per item.

Thumbnails arrive already scaled to the cell's picture area (in the loader's workers), in
the raster engine's own pixel format: painting one is a copy, never a resample on the GUI
thread while scrolling.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from minimax_studio.ui.theme import colors, is_dark
from minimax_studio.viewmodels.gallery_model import GalleryRoles

if TYPE_CHECKING:
    from minimax_studio.viewmodels.gallery_model import LibraryItem
    from minimax_studio.viewmodels.gallery_thumbs import Thumb, ThumbnailLoader

__all__ = ["GalleryDelegate", "format_duration"]

_Index = QModelIndex | QPersistentModelIndex
CAPTION_H = 22
PAD = 4
_GLYPH = {"video": "▶", "image": "▨", "audio": "♪"}


def format_duration(seconds: float | None) -> str:
    if seconds is None or seconds <= 0:
        return ""
    s = round(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def multi_count(item: LibraryItem) -> int:
    """How many results the item's job made (images made four at a time show ×4)."""
    for key in ("quantity", "n", "count"):
        try:
            n = int(item.request.get(key) or 0)
        except (TypeError, ValueError):
            continue
        if n > 1:
            return n
    return 1


class GalleryDelegate(QStyledItemDelegate):
    def __init__(self, loader: ThumbnailLoader | None, parent: Any = None) -> None:
        super().__init__(parent)
        self.loader = loader
        self._cell = 180
        #: the frame of the video playing under the pointer (item id, frame)
        self.hover_frame: tuple[int, QImage] | None = None

    # --- size -------------------------------------------------------------------------
    @property
    def cell(self) -> int:
        return self._cell

    def set_cell(self, px: int) -> None:
        self._cell = px

    def image_rect(self, cell: QRect) -> QRect:
        return QRect(cell.x() + PAD, cell.y() + PAD, cell.width() - 2 * PAD,
                     cell.height() - 2 * PAD - CAPTION_H)

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        return QSize(self._cell, self._cell * 3 // 4 + CAPTION_H + 2 * PAD)

    def forget(self, item_id: int) -> None:
        """Kept for callers; the delegate holds no per-item state (the loader does)."""

    # --- painting ---------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        item = index.data(GalleryRoles.Item)
        if item is None:
            return
        rect: QRect = option.rect  # type: ignore[attr-defined]
        pal = option.palette  # type: ignore[attr-defined]
        state = option.state  # type: ignore[attr-defined]
        selected = bool(state & QStyle.StateFlag.State_Selected)
        hovered = bool(state & QStyle.StateFlag.State_MouseOver)
        c = colors()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        tile = QRectF(rect.adjusted(1, 1, -1, -1))
        bg = pal.highlight().color() if selected else pal.alternateBase().color()
        if hovered and not selected:
            bg = bg.lighter(112) if is_dark() else bg.darker(106)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(bg)
        painter.drawRoundedRect(tile, 6, 6)

        img_rect = self.image_rect(rect)
        thumb = self.loader.get(item) if self.loader is not None else None
        painter.setBrush(QColor(0, 0, 0, 60) if is_dark() else QColor(0, 0, 0, 22))
        painter.drawRoundedRect(QRectF(img_rect), 4, 4)
        base_font = QFont(option.font)  # type: ignore[attr-defined]
        painter.setFont(base_font)
        if self.hover_frame is not None and self.hover_frame[0] == item.id:
            self._draw_image(painter, img_rect, self.hover_frame[1])
        elif thumb is not None and thumb.missing:
            self._draw_missing(painter, img_rect, c.error)
        elif thumb is not None and thumb.image is not None:
            self._draw_image(painter, img_rect, thumb.image)
        else:
            self._draw_placeholder(painter, img_rect, item, thumb, pal.text().color(), c.warning)
        painter.setFont(base_font)
        self._draw_badges(painter, img_rect, item, c.badge_bg)

        # caption: the start of the prompt
        text_rect = QRect(rect.x() + PAD + 2, img_rect.bottom() + 2,
                          rect.width() - 2 * PAD - 4, CAPTION_H)
        painter.setPen(pal.highlightedText().color() if selected else pal.text().color())
        fm = QFontMetrics(option.font)  # type: ignore[attr-defined]
        caption = item.prompt.replace("\n", " ") or item.path.name
        painter.setFont(base_font)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                         fm.elidedText(caption, Qt.TextElideMode.ElideRight, text_rect.width()))
        if selected:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(pal.highlight().color().lighter(130), 2))
            painter.drawRoundedRect(tile.adjusted(1, 1, -1, -1), 6, 6)
        painter.restore()

    def _draw_image(self, painter: QPainter, r: QRect, image: QImage) -> None:
        w, h = image.width(), image.height()
        if w > r.width() + 1 or h > r.height() + 1:
            # Made for a larger cell (the size is changing): a fast scale until the loader
            # sends the one made for this size.
            image = image.scaled(r.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                 Qt.TransformationMode.FastTransformation)
            w, h = image.width(), image.height()
        painter.drawImage(r.x() + (r.width() - w) // 2, r.y() + (r.height() - h) // 2, image)

    def _draw_placeholder(self, painter: QPainter, r: QRect, item: LibraryItem,
                          thumb: Thumb | None, text: QColor, warn: str) -> None:
        faint = QColor(text)
        faint.setAlpha(110)
        font = QFont(painter.font())
        problem = thumb.problem if thumb is not None else ""
        if problem:
            painter.setPen(QColor(warn))
            font.setBold(True)
            painter.setFont(font)
            inner = r.adjusted(8, 24, -8, -8)  # below the kind badge
            painter.drawText(inner, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                             | Qt.TextFlag.TextWordWrap, "Can't preview")
            font.setBold(False)
            font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
            painter.setFont(font)
            painter.setPen(faint)
            painter.drawText(inner.adjusted(0, 20, 0, 0),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                             | Qt.TextFlag.TextWordWrap, problem)
            return
        font.setPointSizeF(max(14.0, r.height() / 5))
        painter.setFont(font)
        painter.setPen(faint)
        painter.drawText(r, Qt.AlignmentFlag.AlignCenter, _GLYPH.get(item.kind, "?"))

    def _draw_missing(self, painter: QPainter, r: QRect, error: str) -> None:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        pen = QPen(QColor(error), 1.5, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawRoundedRect(QRectF(r).adjusted(2, 2, -2, -2), 4, 4)
        font = QFont(painter.font())
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(r.adjusted(6, 6, -6, -6),
                         Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                         "File missing\n(moved or deleted outside the app)")

    def _draw_badges(self, painter: QPainter, r: QRect, item: LibraryItem, badge_bg: str) -> None:
        font = QFont(painter.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1.5))
        font.setBold(True)
        painter.setFont(font)
        fm = QFontMetrics(font)

        def pill(text: str, x: int, y: int, right: bool = False,
                 bg: QColor | None = None) -> None:
            w = fm.horizontalAdvance(text) + 10
            h = fm.height() + 2
            box = QRectF(x - w if right else x, y, w, h)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(bg or QColor(0, 0, 0, 150))
            painter.drawRoundedRect(box, h / 2, h / 2)
            painter.setPen(QColor("#ffffff"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

        pill(item.kind.upper(), r.x() + 4, r.y() + 4, bg=QColor(badge_bg))
        n = multi_count(item)
        if n > 1:
            pill(f"×{n}", r.right() - 3, r.y() + 4, right=True)
        dur = format_duration(item.duration) if item.kind in ("video", "audio") else ""
        if dur:
            pill(dur, r.right() - 3, r.bottom() - fm.height() - 5, right=True)
        if item.favorite:
            box = QRectF(r.x() + 4, r.bottom() - 25, 22, 22)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(0, 0, 0, 150))
            painter.drawEllipse(box)
            star = QFont(font)
            star.setPointSizeF(font.pointSizeF() + 3)
            painter.setFont(star)
            painter.setPen(QColor("#ffc107"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, "★")
