"""The conversations on the Agent tab's left: pinned first, then most recently used (the
store's order). Filled by ``AgentVM`` from the store; this model only presents."""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

if TYPE_CHECKING:
    from minimax_studio.core.conversations import Conversation

__all__ = ["ConversationListModel", "ConversationRole"]

_Index = QModelIndex | QPersistentModelIndex


class ConversationRole(IntEnum):
    ID = int(Qt.ItemDataRole.UserRole) + 1
    PINNED = ID + 1
    CONVERSATION = ID + 2


def _when(ts: float) -> str:
    d = datetime.fromtimestamp(ts)
    return d.strftime("%H:%M") if d.date() == datetime.now().date() else d.strftime("%d %b")


class ConversationListModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[Conversation] = []

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        c = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            pin = "★ " if c.pinned else ""
            turns = f"{c.turn_count} turn{'s' if c.turn_count != 1 else ''}"
            return f"{pin}{c.title}\n{turns} · {_when(c.updated_at)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return c.title
        if role == ConversationRole.ID:
            return c.id
        if role == ConversationRole.PINNED:
            return c.pinned
        if role == ConversationRole.CONVERSATION:
            return c
        return None

    def set_items(self, items: list[Conversation]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def row_of(self, conversation_id: int) -> int:
        for i, c in enumerate(self._items):
            if c.id == conversation_id:
                return i
        return -1

    def item(self, row: int) -> Conversation | None:
        return self._items[row] if 0 <= row < len(self._items) else None
