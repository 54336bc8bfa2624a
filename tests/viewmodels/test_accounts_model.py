"""The accounts table model: qtmodeltester, what each cell says, colours for expiry/health."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt

from minimax_studio.viewmodels.accounts_model import (
    AccountRow,
    AccountsModel,
    Column,
    Health,
    Role,
    countdown,
)

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _rows() -> list[AccountRow]:
    return [
        AccountRow("1001", "Ann", NOW + timedelta(days=20), 3, 1, 2, 900, "Standard",
                   ["video"], Health.OK),
        AccountRow("1002", "Bob", NOW + timedelta(hours=30), 2, 0, 2, 0, "Free", [],
                   Health.OUT_OF_CREDITS),
        AccountRow("1003", "", NOW - timedelta(days=1), 1, None, None, None, "", ["video", "chat"],
                   Health.TOKEN_EXPIRED, "expired"),
    ]


def test_model_passes_qtmodeltester(qtmodeltester: Any) -> None:
    m = AccountsModel()
    m.set_now(NOW)
    qtmodeltester.check(m, force_py=True)
    m.set_rows(_rows())
    qtmodeltester.check(m, force_py=True)
    row = _rows()[0]
    row.executing, row.available = 3, 0
    m.update_row(row)
    qtmodeltester.check(m, force_py=True)


def test_cells_read_like_sentences() -> None:
    m = AccountsModel()
    m.set_now(NOW)
    m.set_rows(_rows())

    def cell(r: int, c: Column, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return m.data(m.index(r, c), role)

    assert cell(0, Column.SLOTS) == "1 / 2"
    assert cell(0, Column.CREDITS) == "900"
    assert cell(0, Column.EXPIRES).endswith("(in 20 d 0 h)")
    assert cell(1, Column.EXPIRES).endswith("(in 1 d 6 h)")
    assert cell(1, Column.EXPIRES, Qt.ItemDataRole.ForegroundRole) == m.warning_color
    assert cell(2, Column.EXPIRES).endswith("(expired)")
    assert cell(2, Column.EXPIRES, Qt.ItemDataRole.ForegroundRole) == m.error_color
    assert cell(0, Column.EXPIRES, Qt.ItemDataRole.ForegroundRole) is None
    assert cell(1, Column.HEALTH).startswith("Out of credits — top up")
    assert cell(2, Column.SLOTS) == "–" and cell(2, Column.NAME) == "–"
    assert cell(2, Column.SUPPORTS) == "video, chat"
    assert cell(1, Column.ACCOUNT, Role.ACCOUNT_ID) == "1002"
    assert cell(0, Column.HEALTH, Role.HEALTH) == "ok"
    assert m.headerData(Column.SLOTS, Qt.Orientation.Horizontal) == "Running / free"


def test_countdown_words() -> None:
    assert countdown(NOW + timedelta(minutes=5), NOW) == "in 5 min"
    assert countdown(NOW + timedelta(hours=2, minutes=3), NOW) == "in 2 h 3 min"
    assert countdown(NOW - timedelta(seconds=1), NOW) == "expired"
    assert countdown(None, NOW) == "unknown"
