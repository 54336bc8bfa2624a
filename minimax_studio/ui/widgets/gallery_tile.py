"""One Gallery cell drawn into a ``QImage`` — in the thumbnail loader's worker thread.

Why whole tiles, off the GUI thread: dragging the scroll bar through 100 000 items shows a
new screen of 30–60 cells every frame. Drawn item by item on the GUI thread (rounded
tile, picture, badges, elided caption: ~15 painter calls each, every one a trip through
Python) a screen cost 7–40 ms — more than a frame. Composed once per item in a worker
(Qt allows ``QPainter`` on a ``QImage`` in any thread), a cell on the GUI thread is one
``drawImage`` plus the selection outline.

``TileStyle`` is a snapshot of what the tile needs from the GUI (sizes, font, colours),
taken on the GUI thread; a new snapshot (cell size, theme) makes the loader draw again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPen

if TYPE_CHECKING:
    from minimax_studio.viewmodels.gallery_model import LibraryItem
    from minimax_studio.viewmodels.gallery_thumbs import Thumb

__all__ = ["CAPTION_H", "PAD", "TileStyle", "compose_tile", "format_duration", "image_rect",
           "multi_count"]

CAPTION_H = 22
PAD = 4
_GLYPH = {"video": "▶", "image": "▨", "audio": "♪"}


@dataclass(frozen=True)
class TileStyle:
    size: QSize  # the whole cell
    font: QFont
    tile_bg: QColor
    picture_bg: QColor
    text: QColor
    warning: QColor
    error: QColor
    badge_bg: QColor

    def image_size(self) -> QSize:
        return image_rect(QRect(0, 0, self.size.width(), self.size.height())).size()


def image_rect(cell: QRect) -> QRect:
    """The picture area of a cell (the caption is below it)."""
    return QRect(cell.x() + PAD, cell.y() + PAD, cell.width() - 2 * PAD,
                 cell.height() - 2 * PAD - CAPTION_H)


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


def compose_tile(item: LibraryItem, thumb: Thumb, picture: QImage | None,
                 style: TileStyle) -> QImage:
    """The cell for ``item`` (without selection or hover, which the delegate overlays)."""
    tile = QImage(style.size, QImage.Format.Format_ARGB32_Premultiplied)
    tile.fill(Qt.GlobalColor.transparent)
    p = QPainter(tile)
    try:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setFont(style.font)
        cell = QRect(0, 0, style.size.width(), style.size.height())
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(style.tile_bg)
        p.drawRoundedRect(QRectF(cell.adjusted(1, 1, -1, -1)), 6, 6)
        r = image_rect(cell)
        p.setBrush(style.picture_bg)
        p.drawRoundedRect(QRectF(r), 4, 4)
        if thumb.missing:
            _missing(p, r, style)
        elif picture is not None:
            p.drawImage(r.x() + (r.width() - picture.width()) // 2,
                        r.y() + (r.height() - picture.height()) // 2, picture)
        else:
            _no_picture(p, r, item, thumb.problem, style)
        p.setFont(style.font)
        _badges(p, r, item, style)
        text_rect = QRect(PAD + 2, r.bottom() + 2, cell.width() - 2 * PAD - 4, CAPTION_H)
        p.setFont(style.font)
        p.setPen(style.text)
        caption = item.prompt.replace("\n", " ") or item.path.name
        p.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                   QFontMetrics(style.font).elidedText(caption, Qt.TextElideMode.ElideRight,
                                                       text_rect.width()))
    finally:
        p.end()
    return tile


def _faint(style: TileStyle) -> QColor:
    c = QColor(style.text)
    c.setAlpha(110)
    return c


def _no_picture(p: QPainter, r: QRect, item: LibraryItem, problem: str,
                style: TileStyle) -> None:
    font = QFont(style.font)
    if problem:
        p.setPen(style.warning)
        font.setBold(True)
        p.setFont(font)
        inner = r.adjusted(8, 24, -8, -8)  # below the kind badge
        p.drawText(inner, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                   | Qt.TextFlag.TextWordWrap, "Can't preview")
        font.setBold(False)
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        p.setFont(font)
        p.setPen(_faint(style))
        p.drawText(inner.adjusted(0, 20, 0, 0), Qt.AlignmentFlag.AlignHCenter
                   | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap, problem)
        return
    font.setPointSizeF(max(14.0, r.height() / 5))
    p.setFont(font)
    p.setPen(_faint(style))
    p.drawText(r, Qt.AlignmentFlag.AlignCenter, _GLYPH.get(item.kind, "?"))


def _missing(p: QPainter, r: QRect, style: TileStyle) -> None:
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(style.error, 1.5, Qt.PenStyle.DashLine))
    p.drawRoundedRect(QRectF(r).adjusted(2, 2, -2, -2), 4, 4)
    font = QFont(style.font)
    font.setBold(True)
    p.setFont(font)
    p.drawText(r.adjusted(6, 6, -6, -6), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
               "File missing\n(moved or deleted outside the app)")


def _badges(p: QPainter, r: QRect, item: LibraryItem, style: TileStyle) -> None:
    font = QFont(style.font)
    font.setPointSizeF(max(7.0, font.pointSizeF() - 1.5))
    font.setBold(True)
    p.setFont(font)
    fm = QFontMetrics(font)

    def pill(text: str, x: int, y: int, right: bool = False, bg: QColor | None = None) -> None:
        w = fm.horizontalAdvance(text) + 10
        h = fm.height() + 2
        box = QRectF(x - w if right else x, y, w, h)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(bg or QColor(0, 0, 0, 150))
        p.drawRoundedRect(box, h / 2, h / 2)
        p.setPen(QColor("#ffffff"))
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    pill(item.kind.upper(), r.x() + 4, r.y() + 4, bg=style.badge_bg)
    n = multi_count(item)
    if n > 1:
        pill(f"×{n}", r.right() - 3, r.y() + 4, right=True)
    dur = format_duration(item.duration) if item.kind in ("video", "audio") else ""
    if dur:
        pill(dur, r.right() - 3, r.bottom() - fm.height() - 5, right=True)
    if item.favorite:
        box = QRectF(r.x() + 4, r.bottom() - 25, 22, 22)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(0, 0, 0, 150))
        p.drawEllipse(box)
        star = QFont(font)
        star.setPointSizeF(font.pointSizeF() + 3)
        p.setFont(star)
        p.setPen(QColor("#ffc107"))
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, "★")
