"""The Gallery's find bar: search as you type (debounced), kind, model (with counts),
favorites, source, account, date range and sort. It only builds a ``LibraryQuery``; the
model reads the library.

Why a 200 ms debounce: each keystroke would otherwise start a query whose result is stale
before it arrives; 200 ms is below what reads as lag and skips the letters of a word typed
at speed (the model also drops any answer to an older query).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton, QWidget

from minimax_studio.ui.widgets.flow_layout import FlowLayout
from minimax_studio.viewmodels.gallery_model import LibraryQuery

__all__ = ["DATE_RANGES", "GalleryFilters"]

DEBOUNCE_MS = 200
#: label -> days back (None: any time)
DATE_RANGES: tuple[tuple[str, int | None], ...] = (
    ("Any time", None), ("Today", 0), ("Last 7 days", 7), ("Last 30 days", 30),
    ("Last 365 days", 365),
)
_KINDS = (("All kinds", None), ("Videos", "video"), ("Images", "image"), ("Audio", "audio"))
_SOURCES = (("Any source", None), ("Made here", "app"), ("Batch", "batch"),
            ("Agent", "agent"), ("Imported", "import"))
_SORTS = (("Newest first", "newest"), ("Oldest first", "oldest"), ("By model", "model"))


def _combo(parent: QWidget, name: str, entries: tuple[tuple[str, Any], ...],
           tip: str) -> QComboBox:
    box = QComboBox(parent)
    box.setObjectName(name)
    box.setToolTip(tip)
    for label, value in entries:
        box.addItem(label, value)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return box


class GalleryFilters(QWidget):
    """Emits ``queryChanged`` with the new ``LibraryQuery`` (debounced for typing)."""

    queryChanged = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(self)
        self.search.setObjectName("gallerySearch")
        self.search.setPlaceholderText("Search prompts and tags…")
        self.search.setClearButtonEnabled(True)
        self.kind = _combo(self, "galleryKind", _KINDS, "Show one kind of result")
        self.model = _combo(self, "galleryModelFilter", (("All models", None),),
                            "Show one model's results (how many each has)")
        self.favorites = QPushButton("★ Favorites", self)
        self.favorites.setObjectName("galleryFavorites")
        self.favorites.setCheckable(True)
        self.favorites.setToolTip("Show only favorites")
        self.source = _combo(self, "gallerySource", _SOURCES,
                             "Where the result came from: this app, a batch, the agent or an import")
        self.account = _combo(self, "galleryAccount", (("All accounts", None),),
                              "Show one Hailuo account's results")
        self.dates = _combo(self, "galleryDates", DATE_RANGES, "When it was made")
        self.sort = _combo(self, "gallerySort", _SORTS, "Order")
        self.clear_button = QPushButton("Clear filters", self)
        self.clear_button.setObjectName("galleryClearFilters")
        self.clear_button.setVisible(False)
        # Wraps onto a second line in a narrow window instead of forcing the window wider.
        lay = FlowLayout(self, spacing=6)
        lay.setContentsMargins(0, 0, 0, 0)
        self.search.setMinimumWidth(220)
        for w in (self.search, self.kind, self.model, self.favorites, self.source, self.account,
                  self.dates, self.sort, self.clear_button):
            lay.addWidget(w)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._emit)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self._emit)
        for box in (self.kind, self.model, self.source, self.account, self.dates, self.sort):
            box.currentIndexChanged.connect(self._emit)
        self.favorites.toggled.connect(self._emit)
        self.clear_button.clicked.connect(self.clear)
        self._last: LibraryQuery | None = None

    # --- choices that come from the library -------------------------------------------
    def set_models(self, models: list[tuple[str, int]]) -> None:
        """(model, count), most used first; keeps the current choice when still there."""
        current = self.model.currentData()
        self.model.blockSignals(True)
        self.model.clear()
        self.model.addItem("All models", None)
        for name, n in models:
            self.model.addItem(f"{name or 'unknown'} ({n:,})".replace(",", " "), name)
        i = self.model.findData(current) if current is not None else 0
        self.model.setCurrentIndex(max(0, i))
        self.model.blockSignals(False)

    def set_accounts(self, accounts: list[str]) -> None:
        current = self.account.currentData()
        self.account.blockSignals(True)
        self.account.clear()
        self.account.addItem("All accounts", None)
        for acc in accounts:
            self.account.addItem(acc, acc)
        i = self.account.findData(current) if current is not None else 0
        self.account.setCurrentIndex(max(0, i))
        self.account.blockSignals(False)

    # --- the query --------------------------------------------------------------------
    def query(self, now: datetime | None = None) -> LibraryQuery:
        text = self.search.text().strip() or None
        days = self.dates.currentData()
        date_from = None
        if days is not None:
            now = now or datetime.now().astimezone()
            start_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
            date_from = (start_of_day - timedelta(days=days)).astimezone(UTC)
        sort = self.sort.currentData() or "newest"
        return LibraryQuery(
            text=text, kind=self.kind.currentData(), model=self.model.currentData(),
            favorite=True if self.favorites.isChecked() else None,
            source=self.source.currentData(), account=self.account.currentData(),
            date_from=date_from, sort="oldest" if sort == "oldest" else "newest")

    @property
    def by_model(self) -> bool:
        """"By model" sorts newest first within the chosen model; with no model chosen
        the tab groups by the model filter (see GalleryTab)."""
        return self.sort.currentData() == "model"

    def is_filtered(self) -> bool:
        q = self.query()
        return q != replace(LibraryQuery(), sort=q.sort)

    def clear(self) -> None:
        widgets = (self.search, self.kind, self.model, self.favorites, self.source,
                   self.account, self.dates)
        for w in widgets:
            w.blockSignals(True)
        self.search.clear()
        for box in (self.kind, self.model, self.source, self.account, self.dates):
            box.setCurrentIndex(0)
        self.favorites.setChecked(False)
        for w in widgets:
            w.blockSignals(False)
        self._emit()

    def _emit(self) -> None:
        self._timer.stop()
        q = self.query()
        self.clear_button.setVisible(self.is_filtered())
        if q != self._last:
            self._last = q
            self.queryChanged.emit(q)
