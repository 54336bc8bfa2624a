"""The Gallery's grid: one item view of uniform cells painted by ``GalleryDelegate``.

Why our own ``QAbstractItemView`` and not ``QListView``: every time rows are added (each
page the grid fetches while scrolling) ``QListView`` lays out *all* rows again, asking the
model for an index of each — a call into Python per row: 130–260 ms at 100 000 rows
(icon mode: 400 ms), measured. Here a cell's place is arithmetic (row ÷ columns), so
adding a page, painting, hit-testing and selecting cost the same at row 100 000 as at
row 10. Everything else — selection, keyboard, drag, ``fetchMore`` at the bottom, the
``activated`` signal — is ``QAbstractItemView``'s own.

Ctrl+wheel changes the cell size (as does the tab's slider). After each scroll the visible
ids go to the thumbnail loader (``retain``) so thumbnails for cells scrolled away are
never made. Hovering a video cell for a moment plays it muted inside the cell (one at a
time); leaving stops it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QImage, QPainter, QPaintEvent, QRegion, QWheelEvent
from PySide6.QtWidgets import QAbstractItemView, QStyle, QStyleOptionViewItem, QWidget

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


class GalleryGrid(QAbstractItemView):
    #: the cell size changed (px), by Ctrl+wheel or ``set_cell_size``
    cellSizeChanged = Signal(int)

    def __init__(self, loader: ThumbnailLoader | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("galleryGrid")
        self.loader = loader
        self.delegate = GalleryDelegate(loader, self)
        self.setItemDelegate(self.delegate)
        self._cols = 1
        self._cell_w = self._cell_h = 1  # one grid cell, gap included
        # Always there: a scroll bar appearing would narrow the grid and re-fit the cells.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
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
        width = max(1, self.viewport().width())
        cols = max(1, width // (self._desired + GAP))
        cell = max(MIN_CELL // 2, width // cols - GAP)
        if cell == self.delegate.cell and cols == self._cols and self._cell_w == cell + GAP:
            return
        first = self._first_visible_row()
        self._cols = cols
        self.delegate.set_cell(cell)
        probe = self.delegate.sizeHint(QStyleOptionViewItem(), QModelIndex())
        self._cell_w, self._cell_h = cell + GAP, probe.height() + GAP
        self.delegate.restyle(self.palette(), self.font())
        self.updateGeometries()
        # Keep the cell that was at the top in view when the size changes.
        self.verticalScrollBar().setValue((first // cols) * self._cell_h)
        self.viewport().update()

    def gridSize(self) -> QSize:
        return QSize(self._cell_w, self._cell_h)

    def columns(self) -> int:
        return self._cols

    # --- QAbstractItemView: geometry ------------------------------------------------
    def _count(self) -> int:
        model = self.model()
        return model.rowCount(self.rootIndex()) if model is not None else 0

    def _first_visible_row(self) -> int:
        return (self.verticalScrollBar().value() // max(1, self._cell_h)) * self._cols

    def updateGeometries(self) -> None:
        lines = -(-self._count() // self._cols)
        content = lines * self._cell_h
        bar = self.verticalScrollBar()
        bar.setRange(0, max(0, content - self.viewport().height()))
        bar.setPageStep(max(1, self.viewport().height()))
        bar.setSingleStep(max(20, self._cell_h // 3))
        super().updateGeometries()  # also asks for more rows when there is no scroll yet

    def visualRect(self, index: QModelIndex | QPersistentModelIndex) -> QRect:
        if not index.isValid() or index.row() >= self._count():
            return QRect()
        r = index.row()
        x = (r % self._cols) * self._cell_w + GAP // 2
        y = (r // self._cols) * self._cell_h + GAP // 2 - self.verticalScrollBar().value()
        return QRect(x, y, self._cell_w - GAP, self._cell_h - GAP)

    def indexAt(self, point: QPoint) -> QModelIndex:
        model = self.model()
        if model is None or point.x() < 0 or point.y() < 0:
            return QModelIndex()
        col = point.x() // self._cell_w
        if col >= self._cols:
            return QModelIndex()
        row = ((point.y() + self.verticalScrollBar().value()) // self._cell_h) * self._cols + col
        if row >= self._count():
            return QModelIndex()
        return model.index(row, 0, self.rootIndex())

    def scrollTo(self, index: QModelIndex | QPersistentModelIndex,
                 hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible
                 ) -> None:
        rect = self.visualRect(index)
        if rect.isNull():
            return
        bar, height = self.verticalScrollBar(), self.viewport().height()
        H = QAbstractItemView.ScrollHint
        if hint == H.PositionAtTop:
            bar.setValue(bar.value() + rect.top() - GAP)
        elif hint == H.PositionAtBottom:
            bar.setValue(bar.value() + rect.bottom() - height + GAP)
        elif hint == H.PositionAtCenter:
            bar.setValue(bar.value() + rect.center().y() - height // 2)
        elif rect.top() < 0:
            bar.setValue(bar.value() + rect.top() - GAP)
        elif rect.bottom() > height:
            bar.setValue(bar.value() + rect.bottom() - height + GAP)

    def horizontalOffset(self) -> int:
        return 0

    def verticalOffset(self) -> int:
        return self.verticalScrollBar().value()

    def isIndexHidden(self, index: QModelIndex | QPersistentModelIndex) -> bool:
        return False

    def moveCursor(self, action: QAbstractItemView.CursorAction,
                   modifiers: Qt.KeyboardModifier) -> QModelIndex:
        model, n = self.model(), self._count()
        if model is None or n == 0:
            return QModelIndex()
        cur = self.currentIndex()
        r = cur.row() if cur.isValid() else -1
        A = QAbstractItemView.CursorAction
        page = max(1, self.viewport().height() // self._cell_h) * self._cols
        if r < 0:
            r = 0
        elif action in (A.MoveLeft, A.MovePrevious):
            r -= 1
        elif action in (A.MoveRight, A.MoveNext):
            r += 1
        elif action == A.MoveUp:
            r -= self._cols
        elif action == A.MoveDown:
            r += self._cols
        elif action == A.MovePageUp:
            r -= page
        elif action == A.MovePageDown:
            r += page
        elif action == A.MoveHome:
            r = 0
        elif action == A.MoveEnd:
            r = n - 1
        if r < 0:
            r = 0 if action not in (A.MoveUp,) else (cur.row() if cur.isValid() else 0)
        return model.index(min(r, n - 1), 0, self.rootIndex())

    def setSelection(self, rect: QRect, command: QItemSelectionModel.SelectionFlag) -> None:
        model, sel_model = self.model(), self.selectionModel()
        if model is None or sel_model is None:
            return
        n = self._count()
        norm = rect.normalized()
        off = self.verticalScrollBar().value()
        top = max(0, (norm.top() + off) // self._cell_h)
        bottom = (norm.bottom() + off) // self._cell_h
        left = max(0, norm.left() // self._cell_w)
        right = min(self._cols - 1, norm.right() // self._cell_w)
        selection = QItemSelection()
        for line in range(top, bottom + 1):
            first = line * self._cols + left
            last = min(line * self._cols + right, n - 1)
            if first <= last:
                selection.select(model.index(first, 0, self.rootIndex()),
                                 model.index(last, 0, self.rootIndex()))
        sel_model.select(selection, command)

    def visualRegionForSelection(self, selection: QItemSelection) -> QRegion:
        # The visible cells at most: repainting them is cheaper than walking a selection
        # that may span 100 000 rows.
        return QRegion(self.viewport().rect())

    # --- painting: only the visible cells ---------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        model = self.model()
        if model is None:
            return
        painter = QPainter(self.viewport())
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        sel = self.selectionModel()
        current = self.currentIndex()
        clip = event.rect()
        S = QStyle.StateFlag
        base_state = option.state  # type: ignore[attr-defined]
        for r in self.visible_rows():
            idx = model.index(r, 0, self.rootIndex())
            rect = self.visualRect(idx)
            if not rect.intersects(clip):
                continue
            state = base_state
            if sel is not None and sel.isSelected(idx):
                state |= S.State_Selected
            if r == self._hover_row:
                state |= S.State_MouseOver
            if idx == current and self.hasFocus():
                state |= S.State_HasFocus
            option.rect = rect  # type: ignore[attr-defined]
            option.state = state  # type: ignore[attr-defined]
            self.delegate.paint(painter, option, idx)
        painter.end()

    # --- keeping the geometry in step with the model ------------------------------------
    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        if model is not None:
            for sig in (model.rowsInserted, model.rowsRemoved, model.modelReset,
                        model.layoutChanged):
                sig.connect(self._rows_changed)
        self._rows_changed()

    def _rows_changed(self, *_: Any) -> None:
        self.updateGeometries()
        self.viewport().update()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange,
                            QEvent.Type.StyleChange):
            self.delegate.restyle(self.palette(), self.font())
            self.viewport().update()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit_cells()
        self.updateGeometries()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            step = 20 if event.angleDelta().y() > 0 else -20
            self.set_cell_size(self.cell_size() + step)
            event.accept()
            return
        super().wheelEvent(event)

    # --- what is on screen ------------------------------------------------------------
    def visible_rows(self) -> range:
        n = self._count()
        if n == 0:
            return range(0)
        off = self.verticalScrollBar().value()
        first = (off // self._cell_h) * self._cols
        last = ((off + self.viewport().height()) // self._cell_h + 1) * self._cols
        return range(min(first, n), min(last, n))

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
        if row in self.visible_rows():
            self.viewport().update(self.visualRect(model.index(row, 0)))

    # --- hover to play ----------------------------------------------------------------
    def mouseMoveEvent(self, event: Any) -> None:
        super().mouseMoveEvent(event)
        idx = self.indexAt(event.position().toPoint())
        row = idx.row() if idx.isValid() else -1
        if row == self._hover_row:
            return
        old, self._hover_row = self._hover_row, row
        model = self.model()
        if model is not None:
            for r in (old, row):
                if r >= 0:
                    self.viewport().update(self.visualRect(model.index(r, 0)))
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
