"""core.db: WAL, migrations and the schema version, one worker thread, persistence."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from minimax_studio.core.db import Database, DatabaseClosedError, SchemaTooNewError

pytestmark = pytest.mark.asyncio

V1 = ["CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);"]
V2 = [*V1, "ALTER TABLE notes ADD COLUMN tag TEXT; CREATE INDEX notes_tag ON notes(tag);"]


async def test_open_creates_file_in_wal_mode_and_migrates(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "dir" / "x.sqlite3"
    db = await Database.open(path, V1)
    try:
        assert path.exists()
        assert db.schema_version == 1
        mode = (await db.execute("PRAGMA journal_mode"))[0][0]
        assert mode == "wal"
        await db.execute("INSERT INTO notes (body) VALUES (?)", ("hello",))
        rows = await db.execute("SELECT body FROM notes")
        assert rows[0]["body"] == "hello"
    finally:
        await db.close()


async def test_data_and_version_survive_reopen_and_later_migrations_apply(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    db = await Database.open(path, V1)
    await db.executemany("INSERT INTO notes (body) VALUES (?)", [("a",), ("b",)])
    await db.close()

    db = await Database.open(path, V2)
    try:
        assert db.schema_version == 2
        await db.execute("UPDATE notes SET tag = 't' WHERE body = 'a'")
        rows = await db.execute("SELECT body, tag FROM notes ORDER BY id")
        assert [(r["body"], r["tag"]) for r in rows] == [("a", "t"), ("b", None)]
        log = await db.execute("SELECT version FROM schema_migrations ORDER BY version")
        assert [r[0] for r in log] == [1, 2]
    finally:
        await db.close()
    # the version is the file's own PRAGMA, readable by any sqlite tool
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 2


async def test_failed_migration_leaves_old_schema_and_version(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    db = await Database.open(path, V1)
    await db.close()
    broken = [*V1, "ALTER TABLE notes ADD COLUMN tag TEXT; THIS IS NOT SQL;"]
    with pytest.raises(sqlite3.Error):
        await Database.open(path, broken)
    db = await Database.open(path, V1)
    try:
        assert db.schema_version == 1
        cols = [r["name"] for r in await db.execute("PRAGMA table_info(notes)")]
        assert cols == ["id", "body"]  # the half-applied ALTER was rolled back
    finally:
        await db.close()


async def test_newer_schema_is_refused_with_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    db = await Database.open(path, V2)
    await db.close()
    with pytest.raises(SchemaTooNewError) as info:
        await Database.open(path, V1, label="library index")
    assert "newer version" in info.value.message and "library index" in info.value.message


async def test_run_executes_off_the_loop_thread_in_order(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "x.sqlite3", V1)
    try:
        loop_thread = threading.get_ident()
        seen: list[int] = []

        def work(i: int):
            def fn(conn: sqlite3.Connection) -> int:
                assert threading.get_ident() != loop_thread
                with conn:
                    conn.execute("INSERT INTO notes (body) VALUES (?)", (str(i),))
                seen.append(i)
                return i
            return fn

        results = await asyncio.gather(*(db.run(work(i)) for i in range(20)))
        assert results == list(range(20))
        assert seen == list(range(20))
        rows = await db.execute("SELECT COUNT(*) FROM notes")
        assert rows[0][0] == 20
    finally:
        await db.close()


async def test_error_inside_run_rolls_back(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "x.sqlite3", V1)
    try:
        def fn(conn: sqlite3.Connection) -> None:
            with conn:
                conn.execute("INSERT INTO notes (body) VALUES ('kept?')")
                raise ValueError("boom")

        with pytest.raises(ValueError):
            await db.run(fn)
        assert (await db.execute("SELECT COUNT(*) FROM notes"))[0][0] == 0
    finally:
        await db.close()


async def test_close_is_idempotent_and_later_calls_fail_readably(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "x.sqlite3", V1)
    await db.close()
    await db.close()
    assert db.closed
    with pytest.raises(DatabaseClosedError):
        await db.execute("SELECT 1")
