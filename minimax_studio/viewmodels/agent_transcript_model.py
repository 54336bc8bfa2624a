"""The open conversation's turns as a list model: one row per turn, its ``TurnView`` (what
the card shows) under ``TurnRole.VIEW``.

A delegate paints the rows, so a 500-turn conversation is 500 cached view objects, not
500 widgets (and never 500 video players: only the selected turn gets a live player, in
the tab's detail pane). Views are built lazily, on first paint, and rebuilt only when the
turn's job changes or — for running turns — once a second for the elapsed time.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    QUrl,
)

from minimax_studio.viewmodels.agent_turns import TurnView, build_turn_view, busy_account

if TYPE_CHECKING:
    from collections.abc import Callable

    from minimax_studio.core.conversations import Turn
    from minimax_studio.core.jobs import Job

__all__ = ["TranscriptModel", "TurnRole"]

_Index = QModelIndex | QPersistentModelIndex


class TurnRole(IntEnum):
    VIEW = int(Qt.ItemDataRole.UserRole) + 1
    TURN = VIEW + 1
    ID = VIEW + 2


class TranscriptModel(QAbstractListModel):
    def __init__(self, jobs: Callable[[int], Job | None], *, busy_retry: float = 20.0,
                 clock: Callable[[], datetime] | None = None,
                 running: Callable[[str | None], int | None] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._job = jobs
        self._running = running or (lambda _account: None)
        self._busy_retry = busy_retry
        self._clock = clock or (lambda: datetime.now(UTC))
        self._turns: list[Turn] = []
        self._views: dict[int, TurnView] = {}  # turn id → cached view
        self._row_by_job: dict[int, int] = {}
        #: Older turns exist in the store than the model holds (the tab loads them on
        #: scrolling up: a long conversation opens with its newest page only).
        self.has_earlier = False
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)

    # --- Qt model API -----------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._turns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()
        if not index.isValid() or not 0 <= row < len(self._turns):
            return None
        turn = self._turns[row]
        if role == TurnRole.VIEW:
            return self.view(row)
        if role == TurnRole.TURN:
            return turn
        if role == TurnRole.ID:
            return turn.id
        if role == Qt.ItemDataRole.DisplayRole:
            return turn.prompt
        if role == Qt.ItemDataRole.AccessibleTextRole:
            v = self.view(row)
            return f"You: {turn.prompt}. Agent: {v.status}. {v.detail or v.text}"
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        # A finished turn drags out as its files, onto the file manager or any slot.
        view = self._views.get(self._turns[index.row()].id)
        if view is not None and view.media:
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        return flags

    def mimeTypes(self) -> list[str]:
        return ["text/uri-list"]

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def mimeData(self, indexes: Any) -> QMimeData:
        urls = [QUrl.fromLocalFile(str(m.path)) for i in indexes for m in self.view(i.row()).media
                if m.path.is_file()]
        mime = QMimeData()
        mime.setUrls(urls)
        return mime

    # --- queries ----------------------------------------------------------------------------
    @property
    def turns(self) -> list[Turn]:
        return self._turns

    def view(self, row: int) -> TurnView:
        turn = self._turns[row]
        cached = self._views.get(turn.id)
        if cached is None:
            shown = turn.shown
            job = self._job(shown.job_id) if shown is not None and shown.job_id is not None else None
            cached = build_turn_view(turn, job, now=self._clock(), busy_retry=self._busy_retry,
                                     running=self._running(job.account or busy_account(job.reason))
                                     if job is not None else None)
            self._views[turn.id] = cached
            if cached.running and not self._ticker.isActive():
                self._ticker.start()
        return cached

    def row_of_turn(self, turn_id: int) -> int:
        for i, t in enumerate(self._turns):
            if t.id == turn_id:
                return i
        return -1

    def row_of_job(self, job_id: int) -> int:
        return self._row_by_job.get(job_id, -1)

    def last_media_path(self) -> Any:
        """The newest finished result of this conversation (the composer's "attach the last
        result"), or None."""
        for row in range(len(self._turns) - 1, -1, -1):
            media = self.view(row).media
            if media:
                return media[-1].path
        return None

    # --- changes ----------------------------------------------------------------------------
    def set_turns(self, turns: list[Turn], *, has_earlier: bool = False) -> None:
        self.beginResetModel()
        self.has_earlier = has_earlier
        self._turns = list(turns)
        self._views.clear()
        self._reindex()
        self.endResetModel()
        self._ticker.stop()

    def prepend_turns(self, turns: list[Turn], *, has_earlier: bool) -> None:
        self.has_earlier = has_earlier
        if not turns:
            return
        self.beginInsertRows(QModelIndex(), 0, len(turns) - 1)
        self._turns[:0] = turns
        self._reindex()
        self.endInsertRows()

    def append_turn(self, turn: Turn) -> None:
        row = len(self._turns)
        self.beginInsertRows(QModelIndex(), row, row)
        self._turns.append(turn)
        self._reindex()
        self.endInsertRows()

    def turn_changed(self, turn_id: int) -> None:
        """The turn's stored data changed (a new try, the shown answer, its answer text)."""
        row = self.row_of_turn(turn_id)
        if row >= 0:
            self._reindex()
            self._invalidate(row)

    def refresh_all(self) -> None:
        """Every job was read again (the jobs model reset): rebuild the views, keep the rows
        (and with them the selection and the page of earlier turns)."""
        self._views.clear()
        if self._turns:
            self.dataChanged.emit(self.index(0), self.index(len(self._turns) - 1), [])

    def job_changed(self, job_id: int) -> None:
        row = self._row_by_job.get(job_id, -1)
        if row >= 0:
            self._invalidate(row)

    def _invalidate(self, row: int) -> None:
        self._views.pop(self._turns[row].id, None)
        idx = self.index(row)
        self.dataChanged.emit(idx, idx, [])

    def _reindex(self) -> None:
        self._row_by_job = {t.job_id: row for row, turn in enumerate(self._turns)
                            for t in turn.tries if t.job_id is not None}

    def _tick(self) -> None:
        running = [row for row, t in enumerate(self._turns)
                   if (v := self._views.get(t.id)) is not None and v.running]
        if not running:
            self._ticker.stop()
            return
        for row in running:
            self._invalidate(row)
