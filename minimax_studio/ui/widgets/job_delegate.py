"""Paints one job row. Row layout (a person should read it in five seconds):

    ┌──────┐ Hailuo 02  ·  account 4716…                       25 credits
    │      │ a red fox running through snow, cinematic, slow motion…
    │thumb │ [■■■■□□] Generating 40 %                            1 min 05 s
    └──────┘ Why it failed / what it waits for, on up to two lines of its
             own, elided at the end (the tooltip and the result pane have it all)

Why it is written for speed: while 50 jobs run, rows repaint many times a second on the
GUI thread. The row's text comes from one ``JobRole.ROW`` call (a cached ``RowView``),
fonts and metrics are cached per font, the thumbnail arrives pre-scaled, and the
background and progress bar are two rectangles rather than style calls.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QPainter,
    QPalette,
    QTextLayout,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from minimax_studio.ui.theme import colors, is_dark
from minimax_studio.viewmodels.job_rows import RowView
from minimax_studio.viewmodels.jobs_model import JobRole

_Index = QModelIndex | QPersistentModelIndex
LINES = 5  # model, prompt, state, and two for the reason
LINE_GAP = 2
THUMB = 64
PAD = 8
BAR_W = 90

# State colours: green done, red failed, pink moderated, amber needs attention, grey
# cancelled, blue running — from the theme, so each reads on its own background (AA).
_STATE_COLORS: dict[bool, dict[str, QColor]] = {}


def state_colors() -> dict[str, QColor]:
    dark = is_dark()
    table = _STATE_COLORS.get(dark)
    if table is None:
        c = colors()
        table = {"completed": QColor(c.ok), "failed": QColor(c.error),
                 "moderated": QColor(c.moderated), "needs_attention": QColor(c.attention),
                 "cancelled": QColor(c.muted), "": QColor(c.running)}
        _STATE_COLORS[dark] = table
    return table
_VCENTER = Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight
_ELIDE = Qt.TextElideMode.ElideRight


class _Fonts:
    def __init__(self, base: QFont) -> None:
        self.base = QFont(base)
        self.bold = QFont(base)
        self.bold.setBold(True)
        self.small = QFont(base)
        self.small.setPointSizeF(max(6.0, base.pointSizeF() * 0.8))
        self.fm = QFontMetrics(self.base)
        self.bfm = QFontMetrics(self.bold)
        self._elided: dict[tuple[str, int, bool], str] = {}

    def elide(self, text: str, width: int, bold: bool = False) -> str:
        """``elidedText`` shapes the whole string on every call; rows repaint ten times a
        second with mostly the same texts, so the answers are kept (bounded)."""
        key = (text, width, bold)
        out = self._elided.get(key)
        if out is None:
            if len(self._elided) > 2000:
                self._elided.clear()
            out = self._elided[key] = (self.bfm if bold else self.fm).elidedText(text, _ELIDE, width)
        return out


class JobDelegate(QStyledItemDelegate):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._fonts: dict[str, _Fonts] = {}
        self._wrapped: dict[tuple[str, int, str], tuple[str, ...]] = {}

    def fonts(self, base: QFont) -> _Fonts:
        key = base.key()
        f = self._fonts.get(key)
        if f is None:
            f = self._fonts[key] = _Fonts(base)
        return f

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        f = self.fonts(option.font)  # type: ignore[attr-defined]
        return QSize(200, max(THUMB, LINES * f.fm.height() + (LINES - 1) * LINE_GAP) + 2 * PAD)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        row: RowView | None = index.data(JobRole.ROW)
        if row is None:
            return
        rect: QRect = option.rect  # type: ignore[attr-defined]
        state = option.state  # type: ignore[attr-defined]
        pal: QPalette = option.palette  # type: ignore[attr-defined]
        selected = bool(state & QStyle.StateFlag.State_Selected)
        f = self.fonts(option.font)  # type: ignore[attr-defined]
        painter.save()
        if selected:
            painter.fillRect(rect, pal.color(QPalette.ColorRole.Highlight))
        elif state & QStyle.StateFlag.State_MouseOver:
            painter.fillRect(rect, pal.color(QPalette.ColorRole.AlternateBase))
        text_color = pal.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        dim = QColor(text_color)
        dim.setAlpha(165)

        self._paint_thumb(painter, QRect(rect.left() + PAD, rect.top() + (rect.height() - THUMB) // 2,
                                         THUMB, THUMB), index, row, pal, f)
        x = rect.left() + PAD + THUMB + PAD
        right = rect.right() - PAD
        width = right - x
        line_h = f.fm.height()
        top = rect.top() + (rect.height() - LINES * line_h - (LINES - 1) * LINE_GAP) // 2

        # Line 1: model · account ... cost. The model gets its width first, then the cost.
        model_w = min(f.bfm.horizontalAdvance(row.model) + 4, width)  # +4: elide rounding
        cost_w = min(f.fm.horizontalAdvance(row.cost) + 4, max(0, width - model_w - PAD)) if row.cost else 0
        acc_w = max(0, width - model_w - cost_w - PAD)
        painter.setFont(f.bold)
        painter.setPen(text_color)
        painter.drawText(QRect(x, top, model_w, line_h), _VCENTER, f.elide(row.model, model_w, True))
        painter.setFont(f.base)
        painter.setPen(dim)
        painter.drawText(QRect(x + model_w, top, acc_w, line_h), _VCENTER, f.elide("  ·  " + row.account, acc_w))
        if cost_w:
            painter.drawText(QRect(right - cost_w, top, cost_w, line_h), _RIGHT, f.elide(row.cost, cost_w))

        # Line 2: the prompt, elided (the full text is the tooltip).
        y2 = top + line_h + LINE_GAP
        painter.setPen(text_color)
        painter.drawText(QRect(x, y2, width, line_h), _VCENTER, f.elide(row.prompt, width))

        # Line 3: [progress] State ... elapsed
        y3 = y2 + line_h + LINE_GAP
        el_w = f.fm.horizontalAdvance(row.elapsed) + PAD
        painter.setPen(dim)
        painter.drawText(QRect(right - el_w, y3, el_w, line_h), _RIGHT, row.elapsed)
        sx = x
        if row.progress is not None:
            self._paint_bar(painter, QRect(sx, y3 + 3, BAR_W, line_h - 6), row.progress, pal, selected)
            sx += BAR_W + PAD
        table = state_colors()
        color = text_color if selected else table.get(row.state) or table[""]
        painter.setFont(f.bold)
        painter.setPen(color)
        st_w = max(0, right - el_w - sx)
        painter.drawText(QRect(sx, y3, st_w, line_h), _VCENTER, f.elide(row.state_text, st_w, True))

        # Line 4: the reason — why it failed, what it waits for — in the state's colour
        # when the job is over (that is the line people look for), dim while it runs.
        if row.reason:
            y4 = y3 + line_h + LINE_GAP
            painter.setFont(f.base)
            painter.setPen(dim if row.running or selected else color)
            for i, line in enumerate(self._wrap(f, row.reason, width)):
                painter.drawText(QRect(x, y4 + i * (line_h + LINE_GAP), width, line_h), _VCENTER, line)
        painter.restore()

    def _wrap(self, f: _Fonts, text: str, width: int) -> tuple[str, ...]:
        """``text`` on at most two lines of ``width`` px, the second elided; cached, since
        the same reasons are painted again and again."""
        key = (text, width, f.base.key())
        lines = self._wrapped.get(key)
        if lines is None:
            layout = QTextLayout(text, f.base)
            layout.beginLayout()
            first = layout.createLine()
            first.setLineWidth(width)
            cut = first.textLength()
            layout.endLayout()
            rest = text[cut:].strip()
            lines = (text[:cut].rstrip(),) + ((f.fm.elidedText(rest, _ELIDE, width),) if rest else ())
            if len(self._wrapped) > 500:
                self._wrapped.clear()
            self._wrapped[key] = lines
        return lines

    def _paint_thumb(self, painter: QPainter, r: QRect, index: _Index, row: RowView,
                     pal: QPalette, f: _Fonts) -> None:
        img = index.data(JobRole.THUMBNAIL)
        if isinstance(img, QImage) and not img.isNull():
            # Pre-scaled by the model; fit into the tile keeping the aspect ratio.
            s = min(r.width() / img.width(), r.height() / img.height())
            w, h = img.width() * s, img.height() * s
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(QRectF(r.left() + (r.width() - w) / 2, r.top() + (r.height() - h) / 2, w, h), img)
            return
        # Placeholder at once (FeelUOwn): a tile saying what will be here.
        painter.fillRect(r, pal.color(QPalette.ColorRole.Midlight))
        painter.setPen(pal.color(QPalette.ColorRole.Dark))
        painter.setFont(f.small)
        painter.drawText(r, Qt.AlignmentFlag.AlignCenter, row.kind)

    def _paint_bar(self, painter: QPainter, r: QRect, value: int, pal: QPalette, selected: bool) -> None:
        painter.fillRect(r, pal.color(QPalette.ColorRole.Base if selected else QPalette.ColorRole.Midlight))
        done = QRect(r.left(), r.top(), round(r.width() * max(0, min(100, value)) / 100), r.height())
        painter.fillRect(done, pal.color(QPalette.ColorRole.HighlightedText if selected
                                         else QPalette.ColorRole.Highlight))
        painter.setPen(pal.color(QPalette.ColorRole.Mid))
        painter.drawRect(r.adjusted(0, 0, -1, -1))
