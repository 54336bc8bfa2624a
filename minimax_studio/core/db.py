"""A tiny shared SQLite helper: one file, WAL mode, one worker thread, versioned schema.

The journal and the library both use it. Every query runs on the database's own worker
thread (a one-thread executor), so the event loop — the GUI thread under qasync — never
waits on disk, and SQLite's one-connection-per-thread rule holds without locks in callers.

Usage::

    MIGRATIONS = [
        # entry i migrates schema version i -> i + 1. Never edit a shipped entry: append one.
        "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);",
        "ALTER TABLE items ADD COLUMN note TEXT;",
    ]

    db = await Database.open(path, MIGRATIONS)   # creates the file + parent dirs, migrates
    rows = await db.execute("SELECT * FROM items WHERE id = ?", (1,))   # list[sqlite3.Row]
    await db.executemany("INSERT INTO items (name) VALUES (?)", [("a",), ("b",)])  # one txn

    def work(conn: sqlite3.Connection) -> int:       # several statements, one transaction
        with conn:                                    # commits, or rolls back on error
            cur = conn.execute("INSERT INTO items (name) VALUES (?)", ("c",))
            return int(cur.lastrowid or 0)
    new_id = await db.run(work)

    db.schema_version                                 # PRAGMA user_version after migrating
    await db.close()                                  # idempotent

Rules a caller can rely on:

* ``run(fn)`` calls ``fn(conn)`` on the worker thread and returns its result. Rows are
  ``sqlite3.Row`` (index by name). Writes need ``with conn:`` (or ``execute`` /
  ``executemany``, which commit for you); an exception inside rolls the transaction back.
* Calls are serialised in submission order: ``await db.run(a)`` then ``await db.run(b)``
  never interleave. Do not call ``run`` from inside ``fn`` (it would deadlock).
* The schema version lives in ``PRAGMA user_version``; each applied migration is also
  logged in ``schema_migrations`` (version, applied_at) for support questions. A migration
  is applied atomically with its version bump. A file written by a newer app raises
  ``SchemaTooNewError`` (a readable sentence) rather than being touched.
* Migrations may also be callables ``fn(conn)`` for data fixes that SQL alone can't do; they
  run inside the same transaction (do not commit inside them).
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

Migration = str | Callable[[sqlite3.Connection], None]


class DatabaseError(Exception):
    """A database could not be opened or migrated. ``message`` is a readable sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SchemaTooNewError(DatabaseError):
    pass


class DatabaseClosedError(DatabaseError):
    pass


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    # check_same_thread=False only because close() may run on whichever thread shuts the
    # app down after the worker is gone; all regular work stays on the worker thread.
    conn = sqlite3.connect(str(path), timeout=10.0, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    # WAL: readers never block the writer and a crash mid-write leaves the last commit intact.
    conn.execute("PRAGMA journal_mode = WAL")
    # NORMAL is durable across app crashes in WAL mode; only an OS crash may lose the very
    # last commit. FULL would fsync on every progress update.
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 10000")
    return conn


def _user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def apply_migrations(conn: sqlite3.Connection, migrations: Sequence[Migration],
                     *, label: str = "database") -> int:
    """Bring ``conn`` up to ``len(migrations)``; return the resulting version."""
    version = _user_version(conn)
    target = len(migrations)
    if version > target:
        raise SchemaTooNewError(
            f"The {label} was written by a newer version of MiniMax Studio (schema {version}, "
            f"this version knows {target}). Update the app to open it."
        )
    if version == target:
        return version
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    conn.commit()
    for i in range(version, target):
        step = migrations[i]
        # Explicit BEGIN: executescript() would otherwise run each statement in autocommit,
        # and a failure half-way would leave a half-migrated schema with the old version.
        conn.execute("BEGIN IMMEDIATE")
        try:
            if _user_version(conn) > i:
                # Another process (two batch runs started together) applied this step
                # between our first read and our write lock: applying it again would fail.
                conn.execute("COMMIT")
                continue
            if callable(step):
                step(conn)
            else:
                for statement in _split_sql(step):
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {i + 1}")
            conn.execute(
                "INSERT OR REPLACE INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                (i + 1, datetime.now(UTC).isoformat()),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return target


def _split_sql(script: str) -> list[str]:
    """Split a migration script into statements (sqlite3.complete_statement knows about
    semicolons inside strings and CREATE TRIGGER ... BEGIN ... END blocks)."""
    out: list[str] = []
    buf = ""
    for piece in script.split(";"):
        buf += piece + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \t\r\n;"):
                out.append(buf.strip())
            buf = ""
    if buf.strip(" \t\r\n;"):
        out.append(buf.strip())
    return out


class Database:
    """One SQLite file served by one worker thread. Create with ``await Database.open(...)``."""

    def __init__(self, path: Path, conn: sqlite3.Connection, executor: ThreadPoolExecutor,
                 schema_version: int) -> None:
        self._path = path
        self._conn: sqlite3.Connection | None = conn
        self._executor = executor
        self._schema_version = schema_version
        self._close_lock = threading.Lock()

    @classmethod
    async def open(cls, path: Path | str, migrations: Sequence[Migration] = (),
                   *, label: str | None = None) -> Database:
        """Open (creating if needed) ``path`` in WAL mode and apply pending ``migrations``.

        ``label`` names the file in error messages ("job journal", "library index")."""
        p = Path(path)
        name = label or p.stem
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"sqlite-{p.stem}")

        def opener() -> tuple[sqlite3.Connection, int]:
            try:
                conn = _connect(p)
            except sqlite3.Error as exc:
                raise DatabaseError(f"Could not open the {name} at {p}: {exc}.") from exc
            try:
                version = apply_migrations(conn, migrations, label=name)
            except BaseException:
                conn.close()
                raise
            return conn, version

        loop = asyncio.get_running_loop()
        try:
            conn, version = await loop.run_in_executor(executor, opener)
        except BaseException:
            executor.shutdown(wait=False)
            raise
        return cls(p, conn, executor, version)

    @property
    def path(self) -> Path:
        return self._path

    @property
    def schema_version(self) -> int:
        return self._schema_version

    @property
    def closed(self) -> bool:
        return self._conn is None

    async def run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn(conn)`` on the worker thread and return its result."""
        conn = self._conn
        if conn is None:
            raise DatabaseClosedError(f"The database {self._path.name} is already closed.")
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, fn, conn)
        except RuntimeError as exc:
            # The executor refuses new work once close() started.
            if self._conn is None:
                raise DatabaseClosedError(
                    f"The database {self._path.name} is already closed.") from exc
            raise

    async def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        """One statement in its own transaction; returns all result rows (empty for writes)."""

        def work(conn: sqlite3.Connection) -> list[sqlite3.Row]:
            with conn:
                return conn.execute(sql, params).fetchall()

        return await self.run(work)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        """Many rows in one transaction (fast bulk insert); returns the affected row count."""
        materialised = list(rows)

        def work(conn: sqlite3.Connection) -> int:
            with conn:
                return conn.executemany(sql, materialised).rowcount

        return await self.run(work)

    async def close(self) -> None:
        """Finish queued work, checkpoint the WAL and close. Safe to call twice."""
        with self._close_lock:
            conn, self._conn = self._conn, None
        if conn is None:
            return

        def closer() -> None:
            try:
                # Lets SQLite refresh planner statistics for tables that changed a lot.
                conn.execute("PRAGMA optimize")
            except sqlite3.Error:
                pass
            try:
                # Fold the WAL back into the main file so a copied/backed-up .sqlite3 is whole.
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:
                pass
            conn.close()

        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._executor, closer)
        finally:
            self._executor.shutdown(wait=True)

    def close_sync(self) -> None:
        """For shutdown paths without a running loop (atexit, a test's finally)."""
        with self._close_lock:
            conn, self._conn = self._conn, None
        if conn is None:
            return
        self._executor.submit(conn.close).result()
        self._executor.shutdown(wait=True)

    def __repr__(self) -> str:
        state = "closed" if self._conn is None else f"schema {self._schema_version}"
        return f"Database({str(self._path)!r}, {state})"
