"""The Gallery's grid: one ``QListView`` with uniform cells painted by ``GalleryDelegate``.

Why list mode with left-to-right wrapping rather than ``IconMode``: both draw the same grid,
but icon mode keeps a free-placement tree of every item (it lets items be dragged around),
whose layout grows with the row count; list mode with ``uniformItemSizes`` computes a
cell's place arithmetically, so 100 000 rows cost what 100 do.

Ctrl+wheel changes the cell size (as does the tab's slider). After each scroll the visible
ids go to the thumbnail loader (``retain``) so thumbnails for cells scrolled away are
never made. Hovering a video cell for a moment plays it muted inside the cell (one at a
time); leaving stops it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QModelIndex, QPoint, QRect, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QImage, QWheelEvent
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyleOptionViewItem, QWidget

from minimax_studio.ui.widgets.gallery_delegate import GalleryDelegate
from minimax_studio.viewmodels.gallery_model import GalleryRoles

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QMediaPlayer, QVideoFrame

    from minimax_studio.viewmodels.gallery_thumbs import ThumbnailLoader

__all__ = ["MAX_CELL", "MIN_CELL", "GalleryGrid"]

MIN_CELL = 110
MAX_CELL = 360
HOVER_PLAY_MS = 450
GAP = 6
#: Thumbnails wait this long after the last scroll step (a drag or fling in progress).
SCROLL_HOLD_S = 0.12


class GalleryGrid(QListView):
    #: the cell size changed (px), by Ctrl+wheel or ``set_cell_size``
    cellSizeChanged = Signal(int)

    def __init__(self, loader: ThumbnailLoader | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("galleryGrid")
        self.loader = loader
        self.delegate = GalleryDelegate(loader, self)
        self.setItemDelegate(self.delegate)
        self.setViewMode(QListView.ViewMode.ListMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        # Always there: a scroll bar appearing would narrow the grid and re-fit the cells.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(40)
        self.setMouseTracking(True)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_Hover, True)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        #: also told the visible ids after each scroll (the poster grabber)
        self.retain_hooks: list[Callable[[set[int]], None]] = []
        self._retain_timer = QTimer(self)
        self._retain_timer.setSingleShot(True)
        self._retain_timer.setInterval(30)
        self._retain_timer.timeout.connect(self.retain_visible)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        if loader is not None:
            loader.thumbnailReady.connect(self._thumb_ready)
        # hover-to-play
        self._hover_timer = QTimer(self)
        self._hover_timer.setSingleShot(True)
        self._hover_timer.setInterval(HOVER_PLAY_MS)
        self._hover_timer.timeout.connect(self._start_hover_play)
        self._hover_row = -1
        self._player: QMediaPlayer | None = None
        self.playing_id: int | None = None
        self._desired = self.delegate.cell
        self.set_cell_size(self.delegate.cell)

    # --- cell size --------------------------------------------------------------------
    def cell_size(self) -> int:
        """The chosen cell size (cells stretch a little to fill the row)."""
        return self._desired

    def set_cell_size(self, px: int) -> None:
        px = max(MIN_CELL, min(MAX_CELL, int(px)))
        changed = px != getattr(self, "_desired", None)
        self._desired = px
        self._fit_cells()
        if changed:
            self.cellSizeChanged.emit(px)

    def _fit_cells(self) -> None:
        """As many cells of about the chosen size as fit, stretched to fill the width, so
        no ragged empty strip is left at the right."""
        width = max(1, self.viewport().width() - 2)
        cols = max(1, width // (self._desired + GAP))
        cell = max(MIN_CELL // 2, width // cols - GAP)
        if cell == self.delegate.cell and self.gridSize().width() == cell + GAP:
            return
        self.delegate.set_cell(cell)
        probe = self.delegate.sizeHint(QStyleOptionViewItem(), QModelIndex())
        self.setGridSize(QSize(cell + GAP, probe.height() + GAP))
        self.delegate.restyle(self.palette(), self.font())
        self.scheduleDelayedItemsLayout()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange,
                            QEvent.Type.StyleChange):
            self.delegate.restyle(self.palette(), self.font())
            self.viewport().update()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit_cells()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            step = 20 if event.angleDelta().y() > 0 else -20
            self.set_cell_size(self.cell_size() + step)
            event.accept()
            return
        super().wheelEvent(event)

    # --- what is on screen ------------------------------------------------------------
    def visible_rows(self) -> range:
        model = self.model()
        if model is None or model.rowCount() == 0:
            return range(0)
        vp = self.viewport().rect()
        first = self.indexAt(QPoint(vp.left() + 8, vp.top() + 8))
        last = self.indexAt(QPoint(vp.right() - 8, vp.bottom() - 8))
        lo = first.row() if first.isValid() else 0
        if last.isValid():
            hi = last.row()
        else:  # the last row of cells is not full, or the grid is not full
            cols = max(1, vp.width() // max(1, self.gridSize().width()))
            rows = vp.height() // max(1, self.gridSize().height()) + 2
            hi = min(model.rowCount() - 1, lo + cols * rows)
        return range(lo, hi + 1)

    def visible_ids(self) -> set[int]:
        model = self.model()
        if model is None:
            return set()
        return {model.index(r, 0).data(GalleryRoles.ItemId) for r in self.visible_rows()}

    def _scrolled(self, _value: int) -> None:
        self._retain_timer.start()
        if self.loader is not None:
            self.loader.hold(SCROLL_HOLD_S)

    def retain_visible(self) -> None:
        ids = self.visible_ids()
        if self.loader is not None:
            self.loader.retain(ids)
        for hook in self.retain_hooks:
            hook(ids)

    def _thumb_ready(self, item_id: int) -> None:
        model = self.model()
        if model is None:
            return
        row_of = getattr(model, "row_of", None)
        row = row_of(item_id) if callable(row_of) else -1
        if row >= 0:
            self.update(model.index(row, 0))  # Qt skips it when the cell is off screen

    # --- hover to play ----------------------------------------------------------------
    def mouseMoveEvent(self, event: Any) -> None:
        super().mouseMoveEvent(event)
        idx = self.indexAt(event.position().toPoint())
        row = idx.row() if idx.isValid() else -1
        if row == self._hover_row:
            return
        self._hover_row = row
        self.stop_hover_play()
        item = idx.data(GalleryRoles.Item) if idx.isValid() else None
        if item is not None and item.kind == "video" and event.buttons() == Qt.MouseButton.NoButton:
            self._hover_timer.start()

    def leaveEvent(self, event: Any) -> None:
        self._hover_row = -1
        self.stop_hover_play()
        super().leaveEvent(event)

    def _start_hover_play(self) -> None:
        model = self.model()
        if model is None or self._hover_row < 0:
            return
        item = model.index(self._hover_row, 0).data(GalleryRoles.Item)
        if item is None or item.kind != "video" or not item.path.exists():
            return
        player = self._ensure_player()
        self.playing_id = item.id
        player.setSource(QUrl.fromLocalFile(str(item.path)))
        player.play()

    def _ensure_player(self) -> QMediaPlayer:
        if self._player is None:
            # Built on first hover, not with the grid: QtMultimedia costs start-up time and
            # most sessions never hover a video.
            from PySide6.QtMultimedia import QMediaPlayer, QVideoSink

            self._player = QMediaPlayer(self)
            self._player.setLoops(QMediaPlayer.Loops.Infinite)
            sink = QVideoSink(self._player)
            self._player.setVideoSink(sink)  # no audio output set: it plays muted
            sink.videoFrameChanged.connect(self._frame)
        return self._player

    def _frame(self, frame: QVideoFrame) -> None:
        if self.playing_id is None:
            return
        img: QImage = frame.toImage()
        if img.isNull():
            return
        self.delegate.hover_frame = (self.playing_id, img)
        self._update_playing_cell()

    def _update_playing_cell(self) -> None:
        model = self.model()
        row_of = getattr(model, "row_of", None)
        if model is not None and callable(row_of) and self.playing_id is not None:
            row = row_of(self.playing_id)
            if row >= 0:
                self.viewport().update(self.visualRect(model.index(row, 0)))

    def stop_hover_play(self) -> None:
        self._hover_timer.stop()
        if self._player is not None:
            self._player.stop()
            self._player.setSource(QUrl())
        if self.playing_id is not None:
            self._update_playing_cell()
        self.playing_id = None
        self.delegate.hover_frame = None

    def cell_rect(self, row: int) -> QRect:
        model = self.model()
        return self.visualRect(model.index(row, 0)) if model is not None else QRect()
