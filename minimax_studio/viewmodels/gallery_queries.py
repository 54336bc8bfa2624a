"""The Gallery model's roles and the keyset queries it builds: a block of rows read again
from its first id, and the results newer than the top row. Item ids are creation times in
microseconds (``core.library_schema``), so a row's id is also a date bound."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from enum import IntEnum

from PySide6.QtCore import Qt

from minimax_studio.core.library import Library, LibraryItem, LibraryPage, LibraryQuery

__all__ = ["GalleryRoles", "block_query", "descending_runs", "first_page", "newer_query", "tooltip"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class GalleryRoles(IntEnum):
    Item = Qt.ItemDataRole.UserRole + 1  # the LibraryItem of the row
    ItemId = Qt.ItemDataRole.UserRole + 2


def at_id(item_id: int) -> datetime:
    """The instant an item id stands for."""
    return _EPOCH + timedelta(microseconds=item_id)


def after_id(item_id: int) -> datetime:
    """The instant just after an item id."""
    return at_id(item_id + 1)


def block_query(q: LibraryQuery, first_id: int) -> LibraryQuery:
    """``q`` from the row whose id is ``first_id`` on, in the grid's order."""
    if q.sort == "oldest":
        bound = at_id(first_id)
        return replace(q, date_from=bound if q.date_from is None else max(q.date_from, bound))
    bound = after_id(first_id)
    return replace(q, date_to=bound if q.date_to is None else min(q.date_to, bound))


def newer_query(q: LibraryQuery, top_id: int) -> LibraryQuery:
    """``q``'s items newer than ``top_id``, newest first."""
    after = after_id(top_id)
    return replace(q, sort="newest",
                   date_from=after if q.date_from is None else max(q.date_from, after))


async def first_page(lib: Library, query: LibraryQuery, by_model: bool, limit: int
                     ) -> tuple[LibraryPage, LibraryPage, list[str], int]:
    """The first page of ``query`` (grouped by model name when ``by_model``: one model
    after another, newest first within each), the library's newest item (the live
    check's mark), the model names in order, and the model the page ended in."""
    chain: list[str] = []
    if by_model:
        chain = sorted((m for m, _n in await lib.models()), key=str.casefold)
    if not chain:
        page, mark = await asyncio.gather(lib.page(query, limit=limit),
                                          lib.page(LibraryQuery(), limit=1))
        return page, mark, chain, 0

    def segment_query(i: int) -> LibraryQuery:
        return replace(query, model=chain[i], sort="newest")

    segment = 0
    page, counted, mark = await asyncio.gather(
        lib.page(segment_query(0), limit=limit), lib.page(query, limit=1),
        lib.page(LibraryQuery(), limit=1))
    while not page.items and segment + 1 < len(chain) and counted.total:
        segment += 1  # skip models with no match before the first rows
        page = await lib.page(segment_query(segment), limit=limit)
    return (replace(page, total=counted.total, total_exact=counted.total_exact), mark, chain,
            segment)


def descending_runs(rows: list[int]) -> list[tuple[int, int]]:
    """Rows sorted high to low -> (first, last) runs of neighbours, bottom run first."""
    runs: list[tuple[int, int]] = []
    for r in rows:
        if runs and r == runs[-1][0] - 1:
            runs[-1] = (r, runs[-1][1])
        else:
            runs.append((r, r))
    return runs


def tooltip(item: LibraryItem) -> str:
    prompt = item.prompt if len(item.prompt) <= 300 else item.prompt[:300] + "…"
    bits = [item.kind, item.model or "unknown model"]
    when = item.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
    return f"{prompt}\n{' · '.join(bits)} · {when}" if prompt else f"{' · '.join(bits)} · {when}"
