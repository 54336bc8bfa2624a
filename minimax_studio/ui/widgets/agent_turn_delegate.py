"""Paints one turn of the agent transcript: the prompt as "You", then the agent's card —
status (elapsed time while it runs), what to expect or why it failed, the answer's text as
Markdown, and a strip of thumbnails of its media.

Nothing here is a widget per row: one delegate, text layouts cached per (turn view, width),
thumbnails from a small LRU filled off the UI thread. The live player for the selected turn
lives in the detail pane, never in the list.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from pathlib import Path

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from minimax_studio.ui.theme import colors
from minimax_studio.viewmodels.agent_transcript_model import TurnRole
from minimax_studio.viewmodels.agent_turns import MediaView, TurnView
from minimax_studio.viewmodels.job_rows import load_thumb

log = logging.getLogger(__name__)

__all__ = ["THUMB", "ThumbCache", "TurnDelegate", "phase_color"]

THUMB = 72
PAD = 10
_GAP = 6
#: A card's status colour by phase: a ``Colors`` field, read at paint time so a live theme
#: switch recolours the cards (fixed light-theme reds were hard to read on dark).
_PHASE_COLORS = {"done": "ok", "failed": "error", "expired": "error", "attention": "warning",
                 "waiting": "warning", "cancelled": "muted", "unsent": "error", "missing": "muted"}


def phase_color(phase: str) -> QColor | None:
    """The theme's colour for a turn's ``phase``; None = the palette's text colour."""
    role = _PHASE_COLORS.get(phase)
    return QColor(getattr(colors(), role)) if role else None

_Index = QModelIndex | QPersistentModelIndex


class ThumbCache(QObject):
    """Scaled thumbnails by path, loaded in a worker thread on first paint."""

    ready = Signal()

    def __init__(self, resolve: Callable[[MediaView], Awaitable[Path | None]] | None = None,
                 size: int = 400, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._resolve = resolve
        self._size = size
        self._images: OrderedDict[Path, QImage | None] = OrderedDict()
        self._loading: set[Path] = set()
        self._tasks: set[asyncio.Future[None]] = set()  # asyncio keeps only weak references

    def stop(self) -> None:
        for t in list(self._tasks):
            t.cancel()
        self._tasks.clear()

    def get(self, media: MediaView) -> QImage | None:
        if media.path in self._images:
            self._images.move_to_end(media.path)
            return self._images[media.path]
        if media.path not in self._loading and media.kind in ("image", "video"):
            self._loading.add(media.path)
            try:
                task = asyncio.ensure_future(self._load(media))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            except RuntimeError:  # no loop (bare delegate in a sync check)
                self._loading.discard(media.path)
        return None

    async def _load(self, media: MediaView) -> None:
        img: QImage | None = None
        try:
            src: Path | None = media.path if media.kind == "image" else None
            if self._resolve is not None:
                src = await self._resolve(media) or src
            if src is not None:
                img = await asyncio.to_thread(load_thumb, src, THUMB * 2)
        except Exception:  # a missing thumbnail is a grey box, not an error
            log.debug("thumbnail of %s failed", media.path, exc_info=True)
        finally:
            self._loading.discard(media.path)
        self._images[media.path] = img
        while len(self._images) > self._size:
            self._images.popitem(last=False)
        self.ready.emit()


class TurnDelegate(QStyledItemDelegate):
    def __init__(self, thumbs: ThumbCache, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thumbs = thumbs
        # (turn id, width, part) → (source text, laid-out document)
        self._docs: OrderedDict[tuple[int, int, str], tuple[str, QTextDocument]] = OrderedDict()

    # --- layout -----------------------------------------------------------------------------
    def _doc(self, key: tuple[int, int, str], text: str, width: int, font: QFont, markdown: bool) -> QTextDocument:
        cached = self._docs.get(key)
        if cached is not None and cached[0] == text:
            self._docs.move_to_end(key)
            return cached[1]
        else:
            doc = QTextDocument()
            doc.setDefaultFont(font)
            doc.setDocumentMargin(0)
            if markdown:
                doc.setMarkdown(text)
            else:
                doc.setPlainText(text)
            doc.setTextWidth(width)
            self._docs[key] = (text, doc)
            while len(self._docs) > 1200:
                self._docs.popitem(last=False)
        return doc

    def _parts(self, view: TurnView, width: int, font: QFont) -> tuple[QTextDocument, QTextDocument, int]:
        inner = max(120, width - 2 * PAD - 16)
        prompt = view.prompt if len(view.prompt) <= 600 else view.prompt[:600] + "…"
        if view.files:
            prompt += "\nAttached: " + ", ".join(Path(f).name for f in view.files)
        you = self._doc((view.turn_id, inner, "you"), prompt, inner, font, False)
        body_parts = []
        if view.detail:
            body_parts.append(view.detail)
        body = "\n\n".join(body_parts)
        agent = self._doc((view.turn_id, inner, "agent"),
                          (view.text + ("\n\n" if view.text and body else "") + body
                           + ("\n\n" + "\n\n".join(f"*{n}*" for n in view.notes) if view.notes else "")),
                          inner, font, True)
        strip = THUMB + _GAP if view.media else 0
        return you, agent, strip

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        view: TurnView | None = index.data(TurnRole.VIEW)
        width = option.rect.width() or 600
        if view is None:
            return QSize(width, 40)
        line = option.fontMetrics.height()
        you, agent, strip = self._parts(view, width, option.font)
        h = PAD + line + int(you.size().height()) + _GAP + line + _GAP + int(agent.size().height()) + strip + PAD + 8
        return QSize(width, h)

    # --- painting ---------------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        view: TurnView | None = index.data(TurnRole.VIEW)
        if view is None:
            return
        painter.save()
        pal: QPalette = option.palette
        rect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        card = rect.adjusted(4, 3, -4, -3)
        base = pal.color(QPalette.ColorRole.Base)
        alt = pal.color(QPalette.ColorRole.AlternateBase)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(pal.color(QPalette.ColorRole.Highlight) if selected else pal.color(QPalette.ColorRole.Mid))
        painter.setBrush(alt if selected else base)
        painter.drawRoundedRect(card, 6, 6)
        fm = option.fontMetrics
        line = fm.height()
        x = card.left() + PAD
        y = card.top() + PAD
        you, agent, strip = self._parts(view, rect.width(), option.font)
        bold = QFont(option.font)
        bold.setBold(True)
        text_color = pal.color(QPalette.ColorRole.Text)
        painter.setFont(bold)
        painter.setPen(text_color)
        painter.drawText(QRect(x, y, card.width() - 2 * PAD, line), Qt.AlignmentFlag.AlignLeft, "You")
        y += line
        painter.translate(QPointF(x + 8, y))
        you.drawContents(painter)
        painter.translate(QPointF(-(x + 8), -y))
        y += int(you.size().height()) + _GAP
        # status line: "Agent — Working… 42 s"   ‹ 1/2 ›
        color = phase_color(view.phase) or pal.color(QPalette.ColorRole.Text)
        painter.setFont(bold)
        painter.setPen(color if view.phase != "pending" else pal.color(QPalette.ColorRole.Highlight))
        status = f"Agent — {view.status}"
        if view.try_count > 1:
            status += f"     ‹ {view.try_index + 1}/{view.try_count} ›"
        painter.drawText(QRect(x, y, card.width() - 2 * PAD, line), Qt.AlignmentFlag.AlignLeft, status)
        y += line + _GAP
        painter.setFont(option.font)
        painter.setPen(text_color)
        painter.translate(QPointF(x + 8, y))
        agent.drawContents(painter)
        painter.translate(QPointF(-(x + 8), -y))
        y += int(agent.size().height())
        if strip:
            mx = x + 8
            for media in view.media:
                if mx + THUMB > card.right() - PAD:
                    break
                self._paint_thumb(painter, QRect(mx, y + _GAP // 2, THUMB, THUMB), media, pal)
                mx += THUMB + _GAP
        painter.restore()

    def _paint_thumb(self, painter: QPainter, r: QRect, media: MediaView, pal: QPalette) -> None:
        img = self._thumbs.get(media)
        painter.setPen(pal.color(QPalette.ColorRole.Mid))
        painter.setBrush(pal.color(QPalette.ColorRole.Window))
        painter.drawRect(r)
        if img is not None and not img.isNull():
            scaled = img.size().scaled(r.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, scaled.width(), scaled.height())
            target.moveCenter(r.center())
            painter.drawImage(target, img)
        glyph = {"video": "▶", "audio": "♪", "file": "?"}.get(media.kind)
        if glyph:
            painter.setPen(pal.color(QPalette.ColorRole.Text) if img is None else QColor("white"))
            f = QFont(painter.font())
            f.setPointSize(max(10, f.pointSize() + 6))
            painter.setFont(f)
            painter.drawText(r, Qt.AlignmentFlag.AlignCenter, glyph)

    def media_at(self, option: QStyleOptionViewItem, index: _Index, pos: QPoint) -> int:
        """Which thumbnail of the row is under ``pos`` (view coordinates), or -1."""
        view: TurnView | None = index.data(TurnRole.VIEW)
        if view is None or not view.media:
            return -1
        rect = option.rect
        you, agent, _strip = self._parts(view, rect.width(), option.font)
        line = option.fontMetrics.height()
        card = rect.adjusted(4, 3, -4, -3)
        top = card.top() + PAD + line + int(you.size().height()) + _GAP + line + _GAP \
            + int(agent.size().height()) + _GAP // 2
        x0 = card.left() + PAD + 8
        for i in range(len(view.media)):
            if QRect(x0 + i * (THUMB + _GAP), top, THUMB, THUMB).contains(pos):
                return i
        return -1

    def clear(self) -> None:
        self._docs.clear()
