"""The Gallery's list model: library items, one page at a time, never all of them.

Rows come from ``Library.page`` keyset cursors read on the task runner (the SQL runs on the
index's thread); the grid asks for the next page (``fetchMore``) only near the end.

Live updates: every ``WATCH_INTERVAL_S`` a cheap check reads the newest item and the total
(``Library.page(limit=1)``: two index lookups). It sees results from this window, a batch
in another process, the agent or an import alike. Items newer than the top row that match
the filter are inserted on top; any other change in the total (a delete elsewhere, older
items imported) reloads.

Memory: a ``LibraryItem`` costs ~2.5 KB in Python (250 MB for 100 000), so the model keeps
every loaded row's id (8 bytes, an ``array``) but full items only in a bounded cache
(``ITEM_CACHE``). A row whose item was evicted reads ``None`` for a moment while its block
is read again — one keyset query from the row's id (ids are creation times).
"""

from __future__ import annotations

import asyncio
import logging
from array import array
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from minimax_studio.core.library import LibraryItem, LibraryPage, LibraryQuery
from minimax_studio.viewmodels.gallery_queries import (
    GalleryRoles,
    block_query,
    descending_runs,
    first_page,
    newer_query,
    tooltip,
)

if TYPE_CHECKING:
    from minimax_studio.core.library import Library
    from minimax_studio.viewmodels.tasks import TaskRunner

log = logging.getLogger(__name__)

__all__ = ["GalleryModel", "GalleryRoles", "LibraryItem", "LibraryQuery"]

PAGE_SIZE = 150
#: Full items kept in memory (what a large window shows at the smallest cells, ten times
#: over). Fewer means fewer objects for each full pass of Python's collector to walk.
ITEM_CACHE = 1200
WATCH_INTERVAL_S = 1.0

ModelIndex = QModelIndex | QPersistentModelIndex


class GalleryModel(QAbstractListModel):
    """Rows of ``LibraryItem`` for ``query``; see the module docstring."""

    #: matching items (a lower bound when not exact), items in the whole library
    countChanged = Signal(int, bool, int)
    #: True while the first page of a (new) query is being read
    loadingChanged = Signal(bool)
    #: a readable sentence when reading the library failed ("" when it works again)
    errorChanged = Signal(str)
    #: rows were inserted at the top by the live check (count)
    newItemsArrived = Signal(int)
    #: an item was replaced by ``update_item`` (id): its thumbnail may have changed
    itemUpdated = Signal(object)  # item id (64-bit)

    def __init__(self, library: Library | None, runner: TaskRunner,
                 parent: QObject | None = None, *, page_size: int = PAGE_SIZE,
                 watch_interval_s: float = WATCH_INTERVAL_S,
                 item_cache: int = ITEM_CACHE) -> None:
        super().__init__(parent)
        self._library = library
        self._runner = runner
        self._page_size = page_size
        self._cache_max = max(item_cache, page_size * 3)
        self._query = LibraryQuery()
        self._ids: array[int] = array("q")
        # "By model": the query is walked one model at a time (names in order); each row
        # remembers which model segment it came from (2 bytes) for re-reading its block.
        self._by_model = False
        self._chain: list[str] = []
        self._segment = 0
        self._segs: array[int] = array("H")
        self._cache: OrderedDict[int, LibraryItem] = OrderedDict()
        self._absent: set[int] = set()  # re-read, not there any more (deleted elsewhere)
        self._blocks_loading: set[int] = set()
        self._cursor: str | None = None
        self._fetching = False
        self._loading = False
        self._generation = 0
        self._total = 0
        self._exact = True
        self._library_total = 0
        self._watch_mark: tuple[int | None, int] | None = None
        self._error = ""
        self._key = f"gallery:{id(self):x}"
        self.pages_read = 0  # keyset pages read (tests: paging never reads everything)
        self._watch = QTimer(self)
        self._watch.setInterval(int(watch_interval_s * 1000))
        self._watch.timeout.connect(self.check_now)

    # --- the query --------------------------------------------------------------------
    @property
    def query(self) -> LibraryQuery:
        return self._query

    def set_query(self, query: LibraryQuery, *, by_model: bool = False) -> None:
        """Show ``query``; ``by_model`` groups the rows by model name (newest first within
        each) instead of one time order."""
        by_model = by_model and query.model is None
        if query != self._query or by_model != self._by_model:
            self._query = query
            self._by_model = by_model
            self.reload()

    @property
    def by_model(self) -> bool:
        return self._by_model

    def _segment_query(self, segment: int) -> LibraryQuery:
        if not self._by_model or not self._chain:
            return self._query
        return replace(self._query, model=self._chain[segment], sort="newest")

    @property
    def total(self) -> int:
        return self._total

    @property
    def total_exact(self) -> bool:
        return self._exact

    @property
    def library_total(self) -> int:
        return self._library_total

    @property
    def loading(self) -> bool:
        return self._loading

    @property
    def error(self) -> str:
        return self._error

    @property
    def has_more(self) -> bool:
        return self._cursor is not None or self._segment + 1 < len(self._chain)

    @property
    def fetching(self) -> bool:
        return self._fetching

    @property
    def cached_items(self) -> int:
        return len(self._cache)

    def start(self) -> None:
        """First page, then the live check."""
        self.reload()
        if self._library is not None:
            self._watch.start()

    def stop(self) -> None:
        self._watch.stop()
        self._generation += 1
        self._runner.cancel_prefix(self._key)

    # --- loading ----------------------------------------------------------------------
    def reload(self) -> asyncio.Task[Any] | None:
        """Read the current query again from the top (the rows are replaced when the first
        page arrives, so the grid never flashes empty)."""
        self._generation += 1
        gen = self._generation
        self._fetching = False
        self._blocks_loading.clear()
        self._runner.cancel_prefix(f"{self._key}:more")
        self._runner.cancel_prefix(f"{self._key}:block")
        if self._library is None:
            return None
        self._set_loading(True)
        return self._runner.start(f"{self._key}:first", self._first_page(gen),
                                  error_context="Reading the library", notify=False,
                                  on_error=self._failed)

    refresh = reload  # the name the tab contract uses

    async def _first_page(self, gen: int) -> None:
        assert self._library is not None
        page, mark, chain, segment = await first_page(self._library, self._query,
                                                      self._by_model, self._page_size)
        if gen != self._generation:
            return
        self._chain, self._segment = chain, segment
        self.pages_read += 1
        self.beginResetModel()
        self._ids = array("q", (it.id for it in page.items))
        self._segs = array("H", [self._segment] * len(page.items))
        self._cache.clear()
        self._absent.clear()
        self._remember(page.items)
        self._cursor = page.next_cursor
        self.endResetModel()
        self._watch_mark = self._mark_of(mark)
        self._library_total = mark.total
        self._set_count(page.total, page.total_exact)
        self._set_error("")
        self._set_loading(False)

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:
        return (not parent.isValid() and self.has_more and not self._fetching
                and not self._loading)

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:
        if not self.canFetchMore(parent) or self._library is None:
            return
        self._fetching = True
        gen, cursor = self._generation, self._cursor
        # By model: when this model is done (no cursor), the next one starts.
        segment = self._segment + (1 if cursor is None else 0)
        self._runner.start(f"{self._key}:more", self._next_page(gen, cursor, segment),
                           error_context="Reading the library", notify=False,
                           on_error=self._failed_more)

    async def _next_page(self, gen: int, cursor: str | None, segment: int) -> None:
        assert self._library is not None
        page = await self._library.page(self._segment_query(segment), cursor=cursor,
                                        limit=self._page_size)
        if gen != self._generation:
            return
        self.pages_read += 1
        self._fetching = False
        self._segment = segment
        self._cursor = page.next_cursor
        self._append(page.items)
        if not page.items and self.has_more:
            self.fetchMore()  # an empty model segment (filtered out): go on to the next

    def _append(self, items: list[LibraryItem]) -> None:
        known = set(self._ids[-len(items):]) if items else set()
        fresh = [it for it in items if it.id not in known]
        if not fresh:
            return
        first = len(self._ids)
        self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
        self._ids.extend(it.id for it in fresh)
        self._segs.extend([self._segment] * len(fresh))
        self._remember(fresh)
        self.endInsertRows()

    def _failed(self, message: str) -> None:
        self._set_loading(False)
        self._set_error(f"Could not read the library: {message}")

    def _failed_more(self, message: str) -> None:
        self._fetching = False
        self._set_error(f"Could not read more of the library: {message}")

    # --- the item cache ---------------------------------------------------------------
    def _remember(self, items: Iterable[LibraryItem]) -> None:
        cache = self._cache
        for it in items:
            cache[it.id] = it
            cache.move_to_end(it.id)
        while len(cache) > self._cache_max:
            cache.popitem(last=False)

    def _load_block(self, row: int) -> None:
        """Read again the block of rows around ``row`` whose items were evicted."""
        start = row - row % self._page_size
        while self._segs[start] != self._segs[row]:  # by model: a block starts at a model
            start += 1
        if start in self._blocks_loading or self._library is None or start >= len(self._ids):
            return
        self._blocks_loading.add(start)
        q = block_query(self._segment_query(self._segs[start]), self._ids[start])
        self._runner.start(f"{self._key}:block:{start}",
                           self._read_block(self._generation, start, q),
                           error_context="Reading the library", notify=False,
                           if_running="keep", on_error=self._failed_more)

    async def _read_block(self, gen: int, start: int, q: LibraryQuery) -> None:
        assert self._library is not None
        try:
            page = await self._library.page(q, limit=self._page_size)
        finally:
            self._blocks_loading.discard(start)
        if gen != self._generation:
            return
        self.pages_read += 1
        self._remember(page.items)
        end = min(start + self._page_size, len(self._ids))
        got = {it.id for it in page.items}
        for r in range(start, end):
            if self._ids[r] not in got and self._segs[r] == self._segs[start]:
                self._absent.add(self._ids[r])
        if end > start:
            self.dataChanged.emit(self.index(start), self.index(end - 1))

    # --- live updates -----------------------------------------------------------------
    @staticmethod
    def _mark_of(page: LibraryPage) -> tuple[int | None, int]:
        return (page.items[0].id if page.items else None, page.total)

    def check_now(self) -> asyncio.Task[Any] | None:
        """Run the live check at once (tests; after this window added something)."""
        if self._library is None or self._loading:
            return None
        return self._runner.start(f"{self._key}:watch", self._watch_once(self._generation),
                                  error_context="Watching the library", notify=False,
                                  if_running="keep")

    async def _watch_once(self, gen: int) -> None:
        assert self._library is not None
        mark = self._mark_of(await self._library.page(LibraryQuery(), limit=1))
        if gen != self._generation or self._watch_mark is None or mark == self._watch_mark:
            return
        (old_top, old_total), (new_top, new_total) = self._watch_mark, mark
        if old_top is None or new_top is None or new_top <= old_top:
            # Not (only) new results: deleted elsewhere, or older items imported.
            self._watch_mark = mark
            self.reload()
            return
        n_newer, added = await asyncio.gather(
            self._library.count(newer_query(LibraryQuery(), old_top), cap=MAX_LIVE),
            self._library.page(newer_query(self._query, old_top), limit=MAX_LIVE))
        if gen != self._generation:
            return
        self._watch_mark = mark
        self._library_total = new_total
        if n_newer != new_total - old_total or added.next_cursor is not None:
            # More changed than the new results explain, or a flood: read from the top.
            self.reload()
            return
        if self._by_model and added.items:
            self.reload()  # they belong inside their model's group, not on top
            return
        inserted = self._insert_new(added.items)
        self._set_count(self._total + inserted, self._exact)

    def _insert_new(self, items: list[LibraryItem]) -> int:
        """New matching items: on top (newest first), or at the end (oldest first, once
        the end is loaded — before that, paging reaches them). Returns how many matched."""
        fresh = [it for it in items if self.row_of(it.id) < 0]
        if not fresh:
            return 0
        if self._query.sort == "oldest":
            if self._cursor is None:
                self._append(sorted(fresh, key=lambda it: it.id))
            return len(fresh)
        fresh.sort(key=lambda it: it.id, reverse=True)
        self.beginInsertRows(QModelIndex(), 0, len(fresh) - 1)
        self._ids[0:0] = array("q", (it.id for it in fresh))
        self._segs[0:0] = array("H", [0] * len(fresh))
        self._remember(fresh)
        self.endInsertRows()
        self.newItemsArrived.emit(len(fresh))
        return len(fresh)

    # --- what B2's actions call -------------------------------------------------------
    def item_at(self, row: int) -> LibraryItem | None:
        """The row's item; None for a row out of range, or (briefly) one whose item was
        evicted from memory and is being read again."""
        if not 0 <= row < len(self._ids):
            return None
        item_id = self._ids[row]
        item = self._cache.get(item_id)
        if item is None:
            if item_id not in self._absent:
                self._load_block(row)
            return None
        self._cache.move_to_end(item_id)
        return item

    def row_of(self, item_id: int) -> int:
        """The row showing ``item_id``, or -1. A binary search while the rows are in one
        time order (a linear scan of 100 000 ids costs milliseconds; this, microseconds)."""
        ids = self._ids
        if not self._by_model:
            if self._query.sort == "oldest":
                i = bisect_left(ids, item_id)
            else:
                i = bisect_left(ids, -item_id, key=lambda v: -v)
            return i if i < len(ids) and ids[i] == item_id else -1
        try:
            return ids.index(item_id)
        except ValueError:
            return -1

    def item_ids(self) -> list[int]:
        return self._ids.tolist()

    def update_item(self, item: LibraryItem) -> None:
        """An item changed (favorite, tags, file located): repaint its row. An item that no
        longer matches the filter (unfavorited under "Favorites only") stays until the next
        reload, so the grid does not jump under the user's pointer."""
        row = self.row_of(item.id)
        if row < 0:
            return
        self._remember([item])
        self.itemUpdated.emit(item.id)
        idx = self.index(row)
        self.dataChanged.emit(idx, idx)

    def remove_ids(self, ids: Iterable[int]) -> None:
        """Drop rows (deleted or removed from the library), one contiguous run at a time."""
        rows = sorted((r for r in (self.row_of(i) for i in set(ids)) if r >= 0), reverse=True)
        if not rows:
            return
        for first, last in descending_runs(rows):  # from the bottom: rows above keep place
            self.beginRemoveRows(QModelIndex(), first, last)
            for item_id in self._ids[first:last + 1]:
                self._cache.pop(item_id, None)
            del self._ids[first:last + 1]
            del self._segs[first:last + 1]
            self.endRemoveRows()
        self._library_total = max(0, self._library_total - len(rows))
        if self._watch_mark is not None:
            # Our own delete is not "a change elsewhere": do not reload for it.
            top = self._watch_mark[0]
            self._watch_mark = (top, max(0, self._watch_mark[1] - len(rows)))
        self._set_count(max(0, self._total - len(rows)), self._exact)

    # --- Qt model ---------------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = index.row()
        if not 0 <= row < len(self._ids):
            return None
        if role == GalleryRoles.ItemId:
            return self._ids[row]
        if role not in _ITEM_ROLES:
            return None
        item = self.item_at(row)
        if item is None:
            return None
        if role == GalleryRoles.Item:
            return item
        if role == Qt.ItemDataRole.DisplayRole:
            return item.prompt or item.path.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(item)
        return f"{item.kind}: {item.prompt or item.path.name}"  # AccessibleTextRole

    # --- drag out (B2): the items' files as file URLs, see gallery_actions.items_mime ------
    def mimeTypes(self) -> list[str]:
        return ["text/uri-list"]

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction  # the library keeps its file

    def mimeData(self, indexes: Any) -> Any:
        from minimax_studio.viewmodels.gallery_actions import items_mime

        rows = sorted({i.row() for i in indexes})
        return items_mime([it for r in rows if (it := self.item_at(r)) is not None])

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemNeverHasChildren)

    # --- helpers ----------------------------------------------------------------------
    def _set_count(self, total: int, exact: bool) -> None:
        self._total, self._exact = total, exact
        self.countChanged.emit(total, exact, self._library_total)

    def _set_loading(self, on: bool) -> None:
        if on != self._loading:
            self._loading = on
            self.loadingChanged.emit(on)

    def _set_error(self, message: str) -> None:
        if message != self._error:
            self._error = message
            self.errorChanged.emit(message)


_ITEM_ROLES = frozenset({GalleryRoles.Item, Qt.ItemDataRole.DisplayRole,
                         Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole})
#: More new items than this between two checks: reload instead of inserting them one by one.
MAX_LIVE = 500
