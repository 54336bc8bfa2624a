"""Agent conversations, kept on this computer (the API has no conversation: each
``POST agent`` stands alone, agent.md).

One SQLite file next to the job journal (``conversations.sqlite3``). What it holds:

* ``conversations``: title, pinned, the models and account chosen in the composer (so
  they come back with the conversation), timestamps, and ``deleted_at`` — a delete is
  soft until the app next opens the store, which is what makes Undo possible;
* ``turns``: what the person sent — prompt, attached files (local paths), models, account;
* ``tries``: each send of a turn. A try points at the engine job (``job_id``) that carries
  it, so the journal stays the one truth about its state; Retry adds a try and keeps the
  earlier ones (‹ 1/2 ›). ``answer`` caches what the engine does not keep: the agent's
  ``msg_content`` text and per-attachment details (model used, aspect ratio …).
* ``meta``: small key/values (the conversation open last, the note shown once).

Every query runs on the database's worker thread (core/db.py), never on the UI thread.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from minimax_studio.core.db import Database

__all__ = ["Conversation", "ConversationStore", "Try", "Turn", "conversations_db_path"]

_MIGRATIONS: list[str] = [
    """
    CREATE TABLE conversations (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        pinned INTEGER NOT NULL DEFAULT 0,
        models TEXT NOT NULL DEFAULT '[]',
        account TEXT,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        deleted_at REAL
    );
    CREATE TABLE turns (
        id INTEGER PRIMARY KEY,
        conversation_id INTEGER NOT NULL,
        prompt TEXT NOT NULL,
        files TEXT NOT NULL DEFAULT '[]',
        models TEXT NOT NULL DEFAULT '[]',
        account TEXT,
        created_at REAL NOT NULL,
        shown_try INTEGER NOT NULL DEFAULT -1
    );
    CREATE INDEX turns_by_conversation ON turns(conversation_id, id);
    CREATE TABLE tries (
        id INTEGER PRIMARY KEY,
        turn_id INTEGER NOT NULL,
        job_id INTEGER,
        error TEXT,
        answer TEXT,
        created_at REAL NOT NULL
    );
    CREATE INDEX tries_by_turn ON tries(turn_id, id);
    CREATE UNIQUE INDEX tries_by_job ON tries(job_id) WHERE job_id IS NOT NULL;
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
    """,
]


def conversations_db_path(journal_db: Path) -> Path:
    """Next to the journal: sandbox conversations stay with sandbox jobs, real with real."""
    return Path(journal_db).parent / "conversations.sqlite3"


@dataclass
class Conversation:
    id: int
    title: str
    pinned: bool = False
    models: list[str] = field(default_factory=list)
    account: str | None = None
    created_at: float = 0.0
    updated_at: float = 0.0
    turn_count: int = 0


@dataclass
class Try:
    id: int
    job_id: int | None
    #: Why this try never became a job (refused before anything was sent), or None.
    error: str | None = None
    answer: dict[str, Any] | None = None
    created_at: float = 0.0


@dataclass
class Turn:
    id: int
    conversation_id: int
    prompt: str
    files: list[str] = field(default_factory=list)
    models: list[str] = field(default_factory=list)
    account: str | None = None
    created_at: float = 0.0
    tries: list[Try] = field(default_factory=list)
    #: Index into ``tries`` of the answer shown; -1 = the newest.
    shown_try: int = -1

    @property
    def shown(self) -> Try | None:
        if not self.tries:
            return None
        i = self.shown_try if 0 <= self.shown_try < len(self.tries) else len(self.tries) - 1
        return self.tries[i]

    @property
    def shown_index(self) -> int:
        return self.tries.index(self.shown) if self.tries else -1  # type: ignore[arg-type]


def _loads(text: str | None, default: Any) -> Any:
    try:
        return json.loads(text) if text else default
    except ValueError:
        return default


def _conversation(row: sqlite3.Row) -> Conversation:
    return Conversation(id=row["id"], title=row["title"], pinned=bool(row["pinned"]),
                        models=list(_loads(row["models"], [])), account=row["account"],
                        created_at=row["created_at"], updated_at=row["updated_at"],
                        turn_count=int(row["turn_count"]) if "turn_count" in row.keys() else 0)  # noqa: SIM118


class ConversationStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    @classmethod
    async def open(cls, path: Path) -> ConversationStore:
        store = cls(await Database.open(path, _MIGRATIONS, label="conversations"))
        await store.purge_deleted()
        return store

    @property
    def db(self) -> Database:
        return self._db

    async def close(self) -> None:
        await self._db.close()

    def close_sync(self) -> None:
        self._db.close_sync()

    # --- conversations ----------------------------------------------------------------------
    async def create(self, title: str = "New conversation", models: list[str] | None = None,
                     account: str | None = None) -> Conversation:
        now = time.time()

        def work(conn: sqlite3.Connection) -> int:
            with conn:
                cur = conn.execute(
                    "INSERT INTO conversations (title, models, account, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?)", (title, json.dumps(models or []), account, now, now))
                return int(cur.lastrowid or 0)

        cid = await self._db.run(work)
        return Conversation(cid, title, False, list(models or []), account, now, now)

    async def list_conversations(self, search: str = "") -> list[Conversation]:
        """Pinned first, then the most recently used. ``search`` matches the title, any
        prompt or any answer text (case-insensitive substring)."""
        sql = ("SELECT c.*, (SELECT COUNT(*) FROM turns t WHERE t.conversation_id = c.id) AS turn_count "
               "FROM conversations c WHERE c.deleted_at IS NULL")
        params: list[Any] = []
        needle = search.strip()
        if needle:
            like = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            sql += (" AND (c.title LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM turns t WHERE "
                    "t.conversation_id = c.id AND t.prompt LIKE ? ESCAPE '\\') OR EXISTS (SELECT 1 "
                    "FROM tries r JOIN turns t ON r.turn_id = t.id WHERE t.conversation_id = c.id "
                    "AND r.answer LIKE ? ESCAPE '\\'))")
            params += [like, like, like]
        sql += " ORDER BY c.pinned DESC, c.updated_at DESC, c.id DESC"
        return [_conversation(r) for r in await self._db.execute(sql, params)]

    async def get(self, conversation_id: int) -> Conversation | None:
        rows = await self._db.execute(
            "SELECT c.*, (SELECT COUNT(*) FROM turns t WHERE t.conversation_id = c.id) AS turn_count "
            "FROM conversations c WHERE c.id = ? AND c.deleted_at IS NULL", (conversation_id,))
        return _conversation(rows[0]) if rows else None

    async def update(self, conversation_id: int, *, title: str | None = None, pinned: bool | None = None,
                     models: list[str] | None = None, account: str | bool | None = False,
                     touch: bool = False) -> None:
        """Change what is given (``account=False`` leaves the account alone; None = automatic)."""
        sets: list[str] = []
        params: list[Any] = []
        if title is not None:
            sets.append("title = ?")
            params.append(title.strip() or "Untitled conversation")
        if pinned is not None:
            sets.append("pinned = ?")
            params.append(int(pinned))
        if models is not None:
            sets.append("models = ?")
            params.append(json.dumps(list(models)))
        if account is not False:
            sets.append("account = ?")
            params.append(account)
        if touch:
            sets.append("updated_at = ?")
            params.append(time.time())
        if sets:
            await self._db.execute(f"UPDATE conversations SET {', '.join(sets)} WHERE id = ?",
                                   [*params, conversation_id])

    async def delete(self, conversation_id: int) -> None:
        """Hidden now; removed for good the next time the store opens (Undo until then)."""
        await self._db.execute("UPDATE conversations SET deleted_at = ? WHERE id = ?",
                               (time.time(), conversation_id))

    async def undelete(self, conversation_id: int) -> None:
        await self._db.execute("UPDATE conversations SET deleted_at = NULL WHERE id = ?", (conversation_id,))

    async def purge_deleted(self) -> int:
        def work(conn: sqlite3.Connection) -> int:
            with conn:
                ids = [r[0] for r in conn.execute("SELECT id FROM conversations WHERE deleted_at IS NOT NULL")]
                for cid in ids:
                    conn.execute("DELETE FROM tries WHERE turn_id IN "
                                 "(SELECT id FROM turns WHERE conversation_id = ?)", (cid,))
                    conn.execute("DELETE FROM turns WHERE conversation_id = ?", (cid,))
                    conn.execute("DELETE FROM conversations WHERE id = ?", (cid,))
                return len(ids)

        return await self._db.run(work)

    # --- turns and tries --------------------------------------------------------------------
    async def add_turn(self, conversation_id: int, prompt: str, files: list[str], models: list[str],
                       account: str | None) -> Turn:
        now = time.time()

        def work(conn: sqlite3.Connection) -> int:
            with conn:
                cur = conn.execute(
                    "INSERT INTO turns (conversation_id, prompt, files, models, account, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (conversation_id, prompt, json.dumps(files), json.dumps(models), account, now))
                # The first prompt names an untitled conversation (the person can rename it).
                conn.execute("UPDATE conversations SET updated_at = ?, title = CASE WHEN title = "
                             "'New conversation' THEN ? ELSE title END WHERE id = ?",
                             (now, _title_from(prompt), conversation_id))
                return int(cur.lastrowid or 0)

        tid = await self._db.run(work)
        return Turn(tid, conversation_id, prompt, list(files), list(models), account, now)

    async def add_try(self, turn_id: int, job_id: int | None, error: str | None = None) -> Try:
        now = time.time()

        def work(conn: sqlite3.Connection) -> int:
            with conn:
                cur = conn.execute("INSERT INTO tries (turn_id, job_id, error, created_at) VALUES (?, ?, ?, ?)",
                                   (turn_id, job_id, error, now))
                conn.execute("UPDATE turns SET shown_try = -1 WHERE id = ?", (turn_id,))
                return int(cur.lastrowid or 0)

        return Try(await self._db.run(work), job_id, error, None, now)

    async def set_answer(self, try_id: int, answer: dict[str, Any]) -> None:
        await self._db.execute("UPDATE tries SET answer = ? WHERE id = ?", (json.dumps(answer), try_id))

    async def set_shown_try(self, turn_id: int, index: int) -> None:
        await self._db.execute("UPDATE turns SET shown_try = ? WHERE id = ?", (index, turn_id))

    async def turns(self, conversation_id: int, *, last: int | None = None,
                    before: int | None = None) -> list[Turn]:
        """Turns of a conversation with their tries, oldest first: all of them, or the
        ``last`` n (before turn id ``before``). Two queries whatever the length; the tab opens
        the newest page and reads earlier ones as the person scrolls up."""

        def work(conn: sqlite3.Connection) -> list[Turn]:
            sql = "SELECT * FROM turns WHERE conversation_id = ?"
            params: list[Any] = [conversation_id]
            if before is not None:
                sql += " AND id < ?"
                params.append(before)
            if last is not None:
                sql = f"SELECT * FROM ({sql} ORDER BY id DESC LIMIT ?) ORDER BY id"
                params.append(last)
            else:
                sql += " ORDER BY id"
            turns: dict[int, Turn] = {}
            for r in conn.execute(sql, params):
                turns[r["id"]] = Turn(r["id"], r["conversation_id"], r["prompt"], list(_loads(r["files"], [])),
                                      list(_loads(r["models"], [])), r["account"], r["created_at"],
                                      shown_try=r["shown_try"])
            if not turns:
                return []
            for r in conn.execute("SELECT * FROM tries WHERE turn_id BETWEEN ? AND ? ORDER BY id",
                                  (min(turns), max(turns))):
                turn = turns.get(r["turn_id"])
                if turn is not None:
                    turn.tries.append(Try(r["id"], r["job_id"], r["error"], _loads(r["answer"], None),
                                          r["created_at"]))
            return list(turns.values())

        return await self._db.run(work)

    async def conversation_for_job(self, job_id: int) -> int | None:
        """The conversation an agent job belongs to (the Gallery's "Open conversation")."""
        rows = await self._db.execute(
            "SELECT t.conversation_id FROM tries r JOIN turns t ON r.turn_id = t.id "
            "JOIN conversations c ON c.id = t.conversation_id WHERE r.job_id = ? AND c.deleted_at IS NULL",
            (job_id,))
        return int(rows[0][0]) if rows else None

    async def linked_jobs(self) -> set[int]:
        """Every job id some try points at."""
        rows = await self._db.execute("SELECT job_id FROM tries WHERE job_id IS NOT NULL")
        return {int(r[0]) for r in rows}

    # --- meta -------------------------------------------------------------------------------
    async def get_meta(self, key: str) -> str | None:
        rows = await self._db.execute("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    async def set_meta(self, key: str, value: str | None) -> None:
        await self._db.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                               "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))


def _title_from(prompt: str) -> str:
    words = " ".join(prompt.split())
    return words if len(words) <= 48 else words[:47].rstrip() + "…"
