"""The media library: every finished result as a file under a user-chosen folder, plus a
SQLite index (WAL, FTS5) the gallery pages through.

Files are named by ``target_path`` from the date, the model and a slug of the prompt
(see ``core.naming``); the index stores paths relative to the library folder, so moving
the whole folder and pointing the app at the new place keeps every item.

Queries, search text and page cursors: ``core.library_query``.

All SQL runs on the index's worker thread (``core.db.Database``); this module never
touches Qt. Schema and the reasons for its shape: ``core.library_schema``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from minimax_studio.core import naming
from minimax_studio.core.db import Database
from minimax_studio.core.library_new_item import NewLibraryItem
from minimax_studio.core.library_query import (
    MAX_SEARCH_TERMS,
    InvalidCursorError,
    LibraryError,
    LibraryQuery,
    Sort,
    _micros,
    _utc,
    count_matches,
    decode_cursor,
    encode_cursor,
    fts_query,
    search_text,
    select_page,
)
from minimax_studio.core.library_schema import MIGRATIONS

# The query names are re-exported: callers import everything of the library from here.
__all__ = ["COUNT_CAP", "KINDS", "MAX_PAGE", "MAX_SEARCH_TERMS", "SOURCES", "InvalidCursorError",
           "Kind", "Library", "LibraryError", "LibraryItem", "LibraryPage", "LibraryQuery", "Sort",
           "Source", "fts_query", "normalize_tags", "search_text"]

Kind = Literal["video", "image", "audio"]
Source = Literal["app", "batch", "import", "agent"]

KINDS: tuple[str, ...] = ("video", "image", "audio")
SOURCES: tuple[str, ...] = ("app", "batch", "import", "agent")
MAX_TAGS = 50
MAX_TAG_CHARS = 64
MAX_PAGE = 1000
#: Filtered counts stop here ("1000+"): counting every match of a common word at 100 000
#: items costs more than the page itself.
COUNT_CAP = 1000


@dataclass
class LibraryItem:
    id: int
    kind: str
    prompt: str
    model: str
    path: Path
    request: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    account: str | None = None
    job_id: int | None = None
    remote_id: str | None = None
    file_id: str | None = None
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    thumb_path: Path | None = None
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None
    favorite: bool = False
    tags: list[str] = field(default_factory=list)
    source: str = "app"

    @property
    def exists(self) -> bool:
        return self.path.exists()


@dataclass(frozen=True)
class LibraryPage:
    items: list[LibraryItem]
    #: Pass back to ``page`` for the next page; None on the last page.
    next_cursor: str | None
    #: How many items match the query in all (every page); a lower bound when not
    #: ``total_exact`` (text searches and combined filters stop counting at COUNT_CAP).
    total: int
    total_exact: bool = True


# --- conversions -----------------------------------------------------------------------

def _iso(value: datetime | None) -> str | None:
    v = _utc(value)
    return v.isoformat(timespec="microseconds") if v else None


def _from_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def normalize_tags(tags: Iterable[str] | None) -> list[str]:
    """Trimmed, single-line, de-duplicated (case-insensitively), bounded."""
    out: list[str] = []
    seen: set[str] = set()
    for raw in tags or ():
        tag = " ".join(str(raw).split())[:MAX_TAG_CHARS].strip()
        key = tag.casefold()
        if tag and key not in seen:
            seen.add(key)
            out.append(tag)
        if len(out) >= MAX_TAGS:
            break
    return out


# --- the library ------------------------------------------------------------------------

_COLUMNS = (
    "id", "kind", "prompt", "model", "request", "options", "account", "job_id",
    "remote_id", "file_id", "width", "height", "duration", "path", "thumb_path",
    "created_at", "finished_at", "favorite", "tags", "source", "search_text",
)
_INSERT_SQL = (
    f"INSERT INTO items ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)})"
)


class Library:
    """Create with ``await Library.open(db_path, root_dir)``."""

    def __init__(self, db: Database, root_dir: Path) -> None:
        self._db = db
        self._root = root_dir
        self._real_root = root_dir.resolve()
        self._root_prefixes = tuple(
            os.path.join(os.path.normpath(os.path.abspath(r)), "")
            for r in {self._real_root, self._root})
        # Names handed out by target_path but maybe not on disk yet (a download is still
        # streaming into "<name>.part"): two jobs finishing in the same minute with the
        # same prompt must not be given the same file.
        self._reserved: set[Path] = set()
        self._reserve_lock = threading.Lock()

    @classmethod
    async def open(cls, db_path: Path, root_dir: Path) -> Library:
        root_dir = Path(root_dir).expanduser()
        root_dir.mkdir(parents=True, exist_ok=True)
        db = await Database.open(db_path, MIGRATIONS, label="library index")

        def tune(conn: sqlite3.Connection) -> None:
            # A 100 000-item index is ~80 MB; the default 2 MB page cache makes every page
            # of the gallery re-read rows scattered over the file.
            conn.execute("PRAGMA cache_size = -32000")
            # No memory map: mapping the index (256 MiB allowed) kept ~45 MiB more resident
            # after scrolling 100 000 items in the Gallery (its 250 MiB goal); reads go
            # through the page cache above. bench library stays ~1.1x (a next page ~1 ms
            # slower, on the database thread).
            conn.execute("PRAGMA mmap_size = 0")

        await db.run(tune)
        return cls(db, root_dir)

    async def close(self) -> None:
        await self._db.close()

    @property
    def root(self) -> Path:
        return self._root

    @property
    def db(self) -> Database:
        return self._db

    # --- file names -----------------------------------------------------------------------
    def target_path(self, kind: str, model: str | None, prompt: str | None, ext: str | None,
                    when: datetime | None = None) -> Path:
        """A fresh, sanitized file path for a new result, inside the library folder.

        ``root/2026-11-29/2026-11-29_1432_veo-3-1_a-cat-walks-across.mp4``; ``-2``, ``-3``
        … when taken (on disk, as a ``.part`` download, or reserved by an earlier call).
        The day folder is created. Raises ``naming.UnsafePathError`` rather than ever
        returning a path outside the root (e.g. through a symlinked day folder)."""
        when = _utc(when) or datetime.now(UTC)
        if ext is None or not ext.strip():
            ext = {"video": "mp4", "image": "png", "audio": "mp3"}.get(kind)
        folder = self._real_root / naming.safe_component(naming.day_folder(when))
        naming.ensure_inside(self._real_root, folder)
        folder.mkdir(parents=True, exist_ok=True)
        base = naming.item_file_name(model, prompt, ext, when)
        with self._reserve_lock:
            n = 1
            while True:
                name = base if n == 1 else naming.with_counter(base, n)
                candidate = folder / name
                if (candidate not in self._reserved and not candidate.exists()
                        and not candidate.with_name(name + ".part").exists()):
                    break
                n += 1
            path = naming.ensure_inside(self._real_root, candidate)
            self._reserved.add(path)
        return path

    def _store_path(self, path: Path | str) -> str:
        text = os.path.normpath(os.path.join(self._real_root, path))
        # Lexical first, on strings (bulk imports store 100 000 paths), then through symlinks.
        for root in self._root_prefixes:
            if text.startswith(root):
                return text[len(root):].replace(os.sep, "/")
        real = Path(text).resolve()
        if real.is_relative_to(self._real_root):
            return real.relative_to(self._real_root).as_posix()
        # Indexed from elsewhere: kept absolute, and never deleted by remove().
        return str(real)

    def _load_path(self, stored: str) -> Path:
        p = Path(stored)
        return p if p.is_absolute() else self._root / p

    def _row_to_item(self, row: sqlite3.Row) -> LibraryItem:
        tags = row["tags"]
        return LibraryItem(
            id=row["id"],
            kind=row["kind"],
            prompt=row["prompt"],
            model=row["model"],
            path=self._load_path(row["path"]),
            request=json.loads(row["request"]),
            options=json.loads(row["options"]),
            account=row["account"],
            job_id=row["job_id"],
            remote_id=row["remote_id"],
            file_id=row["file_id"],
            width=row["width"],
            height=row["height"],
            duration=row["duration"],
            thumb_path=Path(row["thumb_path"]) if row["thumb_path"] else None,
            created_at=_from_iso(row["created_at"]) or datetime.now(UTC),
            finished_at=_from_iso(row["finished_at"]),
            favorite=bool(row["favorite"]),
            tags=tags.split("\n") if tags else [],
            source=row["source"],
        )

    def _row_values(self, new: NewLibraryItem) -> tuple[list[Any], int]:
        if new.kind not in KINDS:
            raise LibraryError(f"Unknown item kind {new.kind!r}: expected one of {', '.join(KINDS)}.")
        source = new.source or "app"
        if source not in SOURCES:
            raise LibraryError(f"Unknown item source {source!r}.")
        if new.path is None:
            raise LibraryError("A library item needs the path of its file.")
        created = _utc(new.created_at) or datetime.now(UTC)
        thumb = new.thumb_path
        prompt = str(new.prompt or "")
        tags = normalize_tags(new.tags)
        key = _micros(created)
        values: dict[str, Any] = {
            "id": key,
            "kind": new.kind,
            "prompt": prompt,
            "model": str(new.model or ""),
            "request": json.dumps(new.request or {}, ensure_ascii=False, default=str),
            "options": json.dumps(new.options or {}, ensure_ascii=False, default=str),
            "account": new.account,
            "job_id": new.job_id,
            "remote_id": new.remote_id or None,
            "file_id": new.file_id,
            "width": new.width,
            "height": new.height,
            "duration": new.duration,
            "path": self._store_path(new.path),
            "thumb_path": str(thumb) if thumb else None,
            "created_at": _iso(created),
            "finished_at": _iso(new.finished_at),
            "favorite": int(bool(new.favorite)),
            "tags": "\n".join(tags),
            "source": source,
            "search_text": search_text(prompt, tags),
        }
        return [values[c] for c in _COLUMNS], key

    # --- writing --------------------------------------------------------------------------
    async def add(self, **fields: Any) -> LibraryItem:
        """``add_item(NewLibraryItem(**fields))``: a shorthand for tests and scripts (an
        unknown field name is a TypeError from the record)."""
        return await self.add_item(NewLibraryItem(**fields))

    async def add_item(self, new: NewLibraryItem) -> LibraryItem:
        """Index one result. Idempotent by ``remote_id``: adding a result that is already
        indexed returns the existing item unchanged (a job resumed after a crash may add
        twice)."""
        values, key = self._row_values(new)
        remote_id = values[_COLUMNS.index("remote_id")]
        key_pos = _COLUMNS.index("id")

        def insert(conn: sqlite3.Connection) -> sqlite3.Row:
            with conn:
                if remote_id is not None:
                    row = conn.execute("SELECT * FROM items WHERE remote_id = ?",
                                       (remote_id,)).fetchone()
                    if row is not None:
                        return row
                item_id = key
                # Two items created in the same microsecond: nudge, keeping the id unique.
                while conn.execute("SELECT 1 FROM items WHERE id = ?", (item_id,)).fetchone():
                    item_id += 1
                values[key_pos] = item_id
                conn.execute(_INSERT_SQL, values)
                return conn.execute("SELECT * FROM items WHERE id = ?", (item_id,)).fetchone()

        row = await self._db.run(insert)
        item = self._row_to_item(row)
        with self._reserve_lock:
            self._reserved.discard(item.path.resolve())
        return item

    async def add_many(self, items: Iterable[NewLibraryItem]) -> int:
        """Bulk insert in one transaction (imports, benchmarks). Items whose ``remote_id``
        is already indexed are skipped. Returns how many were added."""
        prepared = [self._row_values(f) for f in items]
        key_pos = _COLUMNS.index("id")
        remote_pos = _COLUMNS.index("remote_id")

        def insert(conn: sqlite3.Connection) -> int:
            if not prepared:
                return 0
            with conn:
                remote = [v[remote_pos] for v, _ in prepared if v[remote_pos] is not None]
                taken_remote: set[str] = set()
                for i in range(0, len(remote), 500):
                    chunk = remote[i:i + 500]
                    taken_remote.update(r[0] for r in conn.execute(
                        f"SELECT remote_id FROM items WHERE remote_id IN ({','.join('?' * len(chunk))})",
                        chunk))
                lo = min(k for _, k in prepared)
                hi = max(k for _, k in prepared) + len(prepared)
                used = {r[0] for r in conn.execute(
                    "SELECT id FROM items WHERE id BETWEEN ? AND ?", (lo, hi))}
                rows: list[list[Any]] = []
                for values, key in prepared:
                    remote_id = values[remote_pos]
                    if remote_id is not None:
                        if remote_id in taken_remote:
                            continue
                        taken_remote.add(remote_id)
                    while key in used:
                        key += 1
                    used.add(key)
                    values[key_pos] = key
                    rows.append(values)
                conn.executemany(_INSERT_SQL, rows)
            return len(rows)

        return await self._db.run(insert)

    async def set_favorite(self, item_id: int, on: bool) -> None:
        await self._db.execute("UPDATE items SET favorite = ? WHERE id = ?", (int(bool(on)), item_id))

    async def set_tags(self, item_id: int, tags: Iterable[str]) -> list[str]:
        clean = normalize_tags(tags)

        def update(conn: sqlite3.Connection) -> None:
            with conn:
                row = conn.execute("SELECT prompt FROM items WHERE id = ?", (item_id,)).fetchone()
                if row is not None:
                    conn.execute("UPDATE items SET tags = ?, search_text = ? WHERE id = ?",
                                 ("\n".join(clean), search_text(row["prompt"], clean), item_id))

        await self._db.run(update)
        return clean

    async def set_thumbnail(self, item_id: int, thumb_path: Path | None) -> None:
        await self._db.execute("UPDATE items SET thumb_path = ? WHERE id = ?",
                               (str(thumb_path) if thumb_path else None, item_id))

    async def remove(self, item_id: int, delete_file: bool = False) -> bool:
        """Drop the item from the index; with ``delete_file`` also delete its file — only
        when that file lies inside the library folder. Returns False if there was no such
        item. Thumbnails stay: they are a cache keyed by content, possibly shared."""

        def delete(conn: sqlite3.Connection) -> str | None:
            with conn:
                row = conn.execute("SELECT path FROM items WHERE id = ?", (item_id,)).fetchone()
                if row is None:
                    return None
                conn.execute("DELETE FROM items WHERE id = ?", (item_id,))
                return str(row["path"])

        stored = await self._db.run(delete)
        if stored is None:
            return False
        if delete_file:
            path = self._load_path(stored)
            try:
                real = naming.ensure_inside(self._real_root, path)
            except naming.UnsafePathError:
                return True
            try:
                os.remove(real)
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise LibraryError(
                    f"The item was removed from the library, but its file could not be "
                    f"deleted ({exc.strerror or exc}): {path}") from exc
        return True

    # --- reading --------------------------------------------------------------------------
    async def get(self, item_id: int) -> LibraryItem | None:
        rows = await self._db.execute("SELECT * FROM items WHERE id = ?", (item_id,))
        return self._row_to_item(rows[0]) if rows else None

    async def by_remote_id(self, remote_id: str) -> LibraryItem | None:
        rows = await self._db.execute("SELECT * FROM items WHERE remote_id = ?", (remote_id,))
        return self._row_to_item(rows[0]) if rows else None

    async def by_job_id(self, job_id: int) -> list[LibraryItem]:
        rows = await self._db.execute(
            "SELECT * FROM items WHERE job_id = ? ORDER BY id", (job_id,))
        return [self._row_to_item(r) for r in rows]

    async def remote_ids(self) -> set[str]:
        """Every remote id already in the library (the importer skips these)."""
        rows = await self._db.execute("SELECT remote_id FROM items WHERE remote_id IS NOT NULL")
        return {r[0] for r in rows}

    async def models(self) -> list[tuple[str, int]]:
        """(model, item count) for the gallery's model filter, most used first."""
        rows = await self._db.execute(
            "SELECT substr(key, 7) AS model, n FROM item_counts "
            "WHERE key LIKE 'model:%' AND n > 0 ORDER BY n DESC, model")
        return [(r["model"], r["n"]) for r in rows]

    async def accounts(self) -> list[str]:
        """Every account that has items, for the gallery's account filter (one scan of the
        index; run it when the filter opens, not per page)."""
        rows = await self._db.execute(
            "SELECT DISTINCT account FROM items WHERE account IS NOT NULL ORDER BY account")
        return [r[0] for r in rows]

    async def count(self, query: LibraryQuery | None = None, cap: int | None = None) -> int:
        """Exact number of matching items (may scan every match; ``cap`` stops early)."""
        q = query or LibraryQuery()
        return await self._db.run(lambda conn: count_matches(conn, q, cap)[0])

    async def page(self, query: LibraryQuery | None = None, cursor: str | None = None,
                   limit: int = 100) -> LibraryPage:
        """One page of items matching ``query``, newest (or oldest) first.

        Keyset paging: the cursor holds the last item's id (its time), so a page costs the same
        at item 99 900 as at item 0, and items added meanwhile never shift or repeat. The
        total is counted once, on the first page, and carried in the cursor."""
        q = query or LibraryQuery()
        if q.sort not in ("newest", "oldest"):
            raise LibraryError(f"Unknown sort order {q.sort!r}.")
        limit = max(1, min(int(limit), MAX_PAGE))
        after: int | None = None
        known: tuple[int, bool] | None = None
        if cursor:
            after, total, exact = decode_cursor(cursor, q.sort)
            known = (total, exact)

        def work(conn: sqlite3.Connection) -> tuple[list[LibraryItem], bool, tuple[int, bool]]:
            rows = select_page(conn, q, after, limit + 1)
            counted = known if known is not None else count_matches(conn, q, COUNT_CAP)
            # Rows become items here, on the database thread: 150 of them (paths, JSON,
            # dates) cost milliseconds that were a stall on the GUI thread (gallery bench).
            return [self._row_to_item(r) for r in rows[:limit]], len(rows) > limit, counted

        items, more, (total, exact) = await self._db.run(work)
        next_cursor = (encode_cursor(q.sort, items[-1].id, total, exact)
                       if more else None)
        return LibraryPage(items=items, next_cursor=next_cursor, total=total, total_exact=exact)
