"""The account board's table: one row per Hailuo account.

``AccountRow`` is plain data (what the VM assembled from GET accounts, scheduler/available,
features and the engine's router); ``AccountsModel`` only presents it. Roles are an IntEnum
so views, delegates and tests name them instead of counting from UserRole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import IntEnum, StrEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from minimax_studio.viewmodels.error_words import human_reason

__all__ = ["AccountRow", "AccountsModel", "Column", "Health", "Role", "countdown"]

SOON = timedelta(days=3)


class Health(StrEnum):
    OK = "ok"
    TOKEN_EXPIRED = "token expired"
    OUT_OF_CREDITS = "out of credits"
    ON_HOLD = "on hold"
    ERROR = "error"
    UNKNOWN = "unknown"


#: What each problem means and what to do about it, as the Health column says it.
HEALTH_WORDS: dict[Health, str] = {
    Health.TOKEN_EXPIRED: "Hailuo token expired — add the account again with a fresh token "
                          "from hailuoai.video",
    Health.OUT_OF_CREDITS: "Out of credits — top up at hailuoai.video or wait for the plan's "
                           "next credits",
    Health.ON_HOLD: "On hold — Hailuo paused this account: sign in at hailuoai.video",
}


class Column(IntEnum):
    ACCOUNT = 0
    NAME = 1
    EXPIRES = 2
    MAX_JOBS = 3
    SLOTS = 4
    CREDITS = 5
    SUPPORTS = 6
    HEALTH = 7


HEADERS = {
    Column.ACCOUNT: "Account",
    Column.NAME: "Name",
    Column.EXPIRES: "Hailuo token expires",
    Column.MAX_JOBS: "Max jobs",
    Column.SLOTS: "Running / free",
    Column.CREDITS: "Credits",
    Column.SUPPORTS: "Supports",
    Column.HEALTH: "Health",
}


class Role(IntEnum):
    ACCOUNT_ID = Qt.ItemDataRole.UserRole + 1
    ROW = Qt.ItemDataRole.UserRole + 2  # the AccountRow
    HEALTH = Qt.ItemDataRole.UserRole + 3  # Health value
    EXPIRY = Qt.ItemDataRole.UserRole + 4  # datetime | None
    SORT = Qt.ItemDataRole.UserRole + 5  # a sortable value for the column


@dataclass
class AccountRow:
    account: str
    name: str = ""
    expires_at: datetime | None = None
    max_jobs: int | None = None
    executing: int | None = None
    available: int | None = None
    credits: float | None = None
    plan: str = ""
    supports: list[str] = field(default_factory=list)
    health: Health = Health.UNKNOWN
    #: the sentence behind a non-ok health (server error text, pause reason …)
    problem: str = ""

    def expiry_state(self, now: datetime | None = None) -> str:
        """"expired", "soon" (under 3 days), "ok" or "unknown"."""
        if self.expires_at is None:
            return "unknown"
        left = self.expires_at - (now or datetime.now(UTC))
        if left <= timedelta(0):
            return "expired"
        return "soon" if left < SOON else "ok"


def countdown(expires_at: datetime | None, now: datetime | None = None) -> str:
    if expires_at is None:
        return "unknown"
    left = expires_at - (now or datetime.now(UTC))
    if left <= timedelta(0):
        return "expired"
    days, rest = divmod(int(left.total_seconds()), 86400)
    hours, rest = divmod(rest, 3600)
    if days >= 1:
        return f"in {days} d {hours} h"
    if hours >= 1:
        return f"in {hours} h {rest // 60} min"
    return f"in {max(1, rest // 60)} min"


def _fmt_int(value: float | int | None) -> str:
    if value is None:
        return "–"
    return f"{int(value):,}".replace(",", " ")


class AccountsModel(QAbstractTableModel):
    """Rows are replaced wholesale on refresh (a handful of accounts); single rows update
    in place with ``dataChanged`` for capacity refreshes."""

    #: colours for states; the view sets them from the theme
    warning_color = QColor("#9a5b00")
    error_color = QColor("#c62828")
    ok_color = QColor("#2e7d32")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[AccountRow] = []
        self._now: datetime | None = None  # tests pin the clock

    # --- feeding -----------------------------------------------------------------------
    def set_rows(self, rows: list[AccountRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def update_row(self, row: AccountRow) -> None:
        for i, r in enumerate(self._rows):
            if r.account == row.account:
                self._rows[i] = row
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(Column) - 1))
                return

    def set_now(self, now: datetime | None) -> None:
        self._now = now
        self.tick()

    def tick(self) -> None:
        """Countdowns changed (a minute passed)."""
        if self._rows:
            self.dataChanged.emit(self.index(0, Column.EXPIRES),
                                  self.index(len(self._rows) - 1, Column.HEALTH))

    def rows(self) -> list[AccountRow]:
        return list(self._rows)

    def row_of(self, account: str) -> int:
        for i, r in enumerate(self._rows):
            if r.account == account:
                return i
        return -1

    def account_at(self, row: int) -> AccountRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    # --- Qt model API ------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(Column):
            return HEADERS[Column(section)]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)) \
                or not (0 <= index.column() < len(Column)):
            return None
        r = self._rows[index.row()]
        col = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(r, col)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(r, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (Column.MAX_JOBS, Column.SLOTS,
                                                                  Column.CREDITS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Role.ACCOUNT_ID:
            return r.account
        if role == Role.ROW:
            return r
        if role == Role.HEALTH:
            return r.health.value
        if role == Role.EXPIRY:
            return r.expires_at
        if role == Role.SORT:
            return self._sort_key(r, col)
        return None

    def roleNames(self) -> dict[int, Any]:
        names = dict(super().roleNames())
        names.update({int(role): QByteArray(role.name.lower().encode()) for role in Role})
        return names

    # --- presentation ------------------------------------------------------------------
    def _display(self, r: AccountRow, col: Column) -> str:
        if col is Column.ACCOUNT:
            return r.account
        if col is Column.NAME:
            return r.name or "–"
        if col is Column.EXPIRES:
            if r.expires_at is None:
                return "unknown"
            date = r.expires_at.astimezone().strftime("%d %b %Y")
            state = r.expiry_state(self._now)
            if state == "expired":
                return f"{date} (expired)"
            return f"{date} ({countdown(r.expires_at, self._now)})"
        if col is Column.MAX_JOBS:
            return _fmt_int(r.max_jobs)
        if col is Column.SLOTS:
            if r.executing is None and r.available is None:
                return "–"
            return f"{_fmt_int(r.executing)} / {_fmt_int(r.available)}"
        if col is Column.CREDITS:
            return _fmt_int(r.credits)
        if col is Column.SUPPORTS:
            return ", ".join(r.supports) if r.supports else "–"
        return self._health_text(r)

    @staticmethod
    def _health_text(r: AccountRow) -> str:
        """Health in words with what to do; the server's text and the status number stay
        in the tooltip (Details)."""
        if r.health is Health.OK:
            return "OK"
        if r.health is Health.UNKNOWN:
            return "checking…" if not r.problem else human_reason(r.problem)
        if r.health is Health.ERROR:
            said = human_reason(r.problem).rstrip(".")
            return f"Problem: {said}" if said else "Problem — see the details (hover)"
        return HEALTH_WORDS[r.health]

    def _tooltip(self, r: AccountRow, col: Column) -> str | None:
        if col is Column.HEALTH and r.problem:
            return r.problem
        if col is Column.EXPIRES and r.expires_at is not None:
            return ("When this passes, useapi.net can no longer use the account: re-add it with a "
                    "fresh Token from hailuoai.video. "
                    f"Exact time: {r.expires_at.astimezone().strftime('%Y-%m-%d %H:%M')}")
        if col is Column.SLOTS:
            return ("Video jobs running now through the API / slots still free "
                    "(maxJobs minus running). Images do not use slots.")
        if col is Column.CREDITS and r.plan:
            return f"Plan: {r.plan}"
        return None

    def _foreground(self, r: AccountRow, col: Column) -> QColor | None:
        if col is Column.EXPIRES:
            state = r.expiry_state(self._now)
            if state == "expired":
                return self.error_color
            if state == "soon":
                return self.warning_color
        if col is Column.HEALTH:
            if r.health is Health.OK:
                return self.ok_color
            if r.health in (Health.TOKEN_EXPIRED, Health.ON_HOLD, Health.ERROR,
                            Health.OUT_OF_CREDITS):
                return self.error_color
        if col is Column.CREDITS and r.credits is not None and r.credits <= 0:
            return self.error_color
        return None

    def _sort_key(self, r: AccountRow, col: Column) -> Any:
        if col is Column.EXPIRES:
            return r.expires_at.timestamp() if r.expires_at else float("inf")
        if col is Column.MAX_JOBS:
            return r.max_jobs if r.max_jobs is not None else -1
        if col is Column.SLOTS:
            return r.available if r.available is not None else -1
        if col is Column.CREDITS:
            return r.credits if r.credits is not None else -1
        return self._display(r, col)
