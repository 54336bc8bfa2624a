"""The job journal: one SQLite file (WAL) that remembers every job from before its first
request to its final outcome, so a crash, a kill or a reboot never loses a job and never
makes us pay for one twice.

What is written and when (the engine calls these in this order):

* ``create_job`` — kind, full request (local paths), pinned account, cost — committed
  **before** any request for the job is sent.
* ``save`` after every decision: chosen account + reason, per-account file ids, the moment
  the create call is sent (``create_sent_at``), the returned ids, every state change, the
  download target paths and their state, library item ids, the outcome and its reason.
  State and message changes also append a row to ``job_history`` (with the time), which is
  the job's story.
* ``file_ids`` caches uploads per (account, sha256): a fileID belongs to one account.

Ownership: several processes may use one journal at once (the app, a second window, a
``batch`` in a terminal), each with its own connection. An unfinished job is worked on by
exactly one of them, the one whose id is in the job's ``owner`` column and whose lease
(``lease_until``, unix time) it keeps renewing:

* ``create_job(..., owner=)`` inserts a job already owned; ``claim`` takes a job in one
  conditional UPDATE (free, already ours, or its lease ran out) — SQLite serialises writers
  across processes, so two claimants never both win;
* ``renew`` extends all of one owner's leases at once and says which jobs it still holds;
* ``save(..., owner=)`` writes only while ``owner`` holds the job (and releases it when the
  job is final); ``mark_removed`` and ``release`` give jobs up.

All SQL runs on one worker thread (``core.db.Database``): never on the GUI thread.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from sqlite3 import Connection, Row
from typing import Any

from minimax_studio.core.db import Database
from minimax_studio.core.jobs import FINAL_STATES, Job, JobKind, JobState, now
from minimax_studio.core.journal_schema import MIGRATIONS as _MIGRATIONS

SCHEMA_VERSION = len(_MIGRATIONS)

_JOB_COLUMNS = (
    "kind", "state", "request", "account", "pinned_account", "route_reason", "remote_ids",
    "file_ids", "progress", "reason", "cost", "create_sent_at", "downloads", "remote_status",
    "library_item_ids", "batch_key", "batch_row", "source", "cancel_requested", "created_at",
    "updated_at",
)


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    state: JobState
    event: str
    message: str | None
    progress: int | None
    account: str | None


def _ts(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _row_values(job: Job) -> tuple[Any, ...]:
    return (
        job.kind.value, job.state.value, json.dumps(job.request, ensure_ascii=False),
        job.account, job.pinned_account, job.route_reason, json.dumps(job.remote_ids),
        json.dumps(job.file_ids), job.progress, job.reason, job.cost, _ts(job.create_sent_at),
        json.dumps(job.downloads, ensure_ascii=False), json.dumps(job.remote_status),
        json.dumps(job.library_item_ids), job.batch_key, job.batch_row, job.source,
        int(job.cancel_requested), _ts(job.created_at), _ts(job.updated_at),
    )


def _job_from_row(row: Row) -> Job:
    return Job(
        id=row["id"],
        kind=JobKind(row["kind"]),
        state=JobState(row["state"]),
        request=json.loads(row["request"]),
        account=row["account"],
        remote_ids=json.loads(row["remote_ids"]),
        progress=row["progress"],
        reason=row["reason"],
        cost=row["cost"],
        route_reason=row["route_reason"],
        created_at=_dt(row["created_at"]) or now(),
        updated_at=_dt(row["updated_at"]) or now(),
        library_item_ids=json.loads(row["library_item_ids"]),
        pinned_account=row["pinned_account"],
        file_ids=json.loads(row["file_ids"]),
        create_sent_at=_dt(row["create_sent_at"]),
        downloads=json.loads(row["downloads"]),
        remote_status={k: int(v) for k, v in json.loads(row["remote_status"]).items()},
        batch_key=row["batch_key"],
        batch_row=row["batch_row"],
        source=row["source"],
        cancel_requested=bool(row["cancel_requested"]),
        owner=row["owner"],
        lease_until=row["lease_until"],
    )


_UNFINISHED = sorted(s.value for s in set(JobState) - FINAL_STATES)


class RowTaken(Exception):
    """The sheet row already has a job (made by this or another process): use ``job_id``."""

    def __init__(self, job_id: int) -> None:
        super().__init__(f"the row already has job {job_id}")
        self.job_id = job_id


class _Taken(Exception):
    def __init__(self, taken: dict[str, int]) -> None:
        super().__init__()
        self.taken = taken


class Journal:
    def __init__(self, db: Database) -> None:
        self._db = db

    @classmethod
    async def open(cls, path: Path) -> Journal:
        return cls(await Database.open(path, _MIGRATIONS, label="job journal"))

    async def close(self) -> None:
        await self._db.close()

    @property
    def db(self) -> Database:
        return self._db

    # --- jobs -----------------------------------------------------------------------------
    async def create_job(self, job: Job, message: str | None = None, *,
                         owner: str | None = None, lease: float = 0.0) -> Job:
        """Insert ``job`` (its ``id`` is ignored) and return it with the new id. Committed
        before the caller sends anything for it. With ``owner``, the job is born owned by
        it for ``lease`` seconds: no other process can take it before its first renewal.

        A job with ``batch_key`` and ``batch_row`` claims that row in the same transaction;
        when the row already has a job, nothing is inserted and ``RowTaken`` names it."""
        job.owner = owner
        job.lease_until = time.time() + lease if owner else None

        def insert(conn: Connection) -> int:
            with conn:
                if job.batch_key is not None and job.batch_row is not None:
                    taken = conn.execute(
                        "SELECT job_id FROM batch_rows WHERE batch_key = ? AND batch_row = ?",
                        (job.batch_key, job.batch_row)).fetchone()
                    if taken is not None:
                        raise RowTaken(int(taken[0]))
                cols = ", ".join((*_JOB_COLUMNS, "owner", "lease_until"))
                marks = ", ".join("?" for _ in range(len(_JOB_COLUMNS) + 2))
                cur = conn.execute(f"INSERT INTO jobs ({cols}) VALUES ({marks})",
                                   (*_row_values(job), job.owner, job.lease_until))
                job_id = int(cur.lastrowid or 0)
                if job.batch_key is not None and job.batch_row is not None:
                    # The primary key makes this fail (and the whole insert roll back) if
                    # another process claimed the row between our SELECT and here.
                    try:
                        conn.execute("INSERT INTO batch_rows (batch_key, batch_row, job_id) "
                                     "VALUES (?, ?, ?)", (job.batch_key, job.batch_row, job_id))
                    except sqlite3.IntegrityError:
                        raise RowTaken(self._row_job(conn, job.batch_key, job.batch_row)) from None
                conn.execute(
                    "INSERT INTO job_history (job_id, at, state, event, message, progress, account)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (job_id, _ts(job.created_at), job.state.value, "created", message,
                     job.progress, job.account),
                )
            return job_id

        job.id = await self._db.run(insert)
        return job

    async def save(self, job: Job, event: str | None = None, message: str | None = None, *,
                   owner: str | None = None) -> bool:
        """Write the job's current row; with ``event``, also append a history entry.

        With ``owner`` the write applies only while ``owner`` holds the job, and a final
        state releases it in the same write. Returns whether the row was written (False:
        another process has taken the job over; nothing was changed)."""
        values = _row_values(job)
        sets = ", ".join(f"{c} = ?" for c in _JOB_COLUMNS)
        where = "id = ?"
        params: list[Any] = [*values, job.id]
        if owner is not None:
            where += " AND owner = ?"
            params.append(owner)
            if job.is_final:
                sets += ", owner = NULL, lease_until = NULL"

        def update(conn: Connection) -> bool:
            with conn:
                if conn.execute(f"UPDATE jobs SET {sets} WHERE {where}", params).rowcount != 1:
                    return False
                # Keeps remote_claims complete for any path that sets remote ids; the
                # exclusive check is ``claim_remote_ids``, which the engine calls first.
                conn.executemany("INSERT OR IGNORE INTO remote_claims (remote_id, job_id) VALUES (?, ?)",
                                 [(rid, job.id) for rid in job.remote_ids])
                if event is not None:
                    conn.execute(
                        "INSERT INTO job_history (job_id, at, state, event, message, progress, account)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (job.id, _ts(now()), job.state.value, event,
                         message if message is not None else job.reason, job.progress, job.account),
                    )
            return True

        applied = await self._db.run(update)
        if applied and owner is not None and job.is_final:
            job.owner = job.lease_until = None
        return applied

    async def get(self, job_id: int) -> Job | None:
        def q(conn: Connection) -> Job | None:
            row = conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
            return _job_from_row(row) if row else None

        return await self._db.run(q)

    async def is_removed(self, job_id: int) -> bool:
        """Whether the user removed the job (in this process or another)."""
        def q(conn: Connection) -> bool:
            row = conn.execute("SELECT removed_at FROM jobs WHERE id = ?", (job_id,)).fetchone()
            return bool(row and row[0])

        return await self._db.run(q)

    async def jobs(self, *, kind: JobKind | None = None, unfinished: bool = False,
                   batch_key: str | None = None, include_removed: bool = False) -> list[Job]:
        where: list[str] = []
        params: list[Any] = []
        if not include_removed:
            where.append("removed_at IS NULL")
        if kind is not None:
            where.append("kind = ?")
            params.append(kind.value)
        if unfinished:
            finals = sorted(s.value for s in FINAL_STATES)
            where.append(f"state NOT IN ({', '.join('?' for _ in finals)})")
            params.extend(finals)
        if batch_key is not None:
            where.append("batch_key = ?")
            params.append(batch_key)
        sql = "SELECT * FROM jobs" + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY id"

        def q(conn: Connection) -> list[Job]:
            return [_job_from_row(r) for r in conn.execute(sql, params).fetchall()]

        return await self._db.run(q)

    async def mark_removed(self, job_id: int) -> None:
        """Hide a job from lists (and give up its lease). Its row and history stay: the
        journal keeps the story."""

        def upd(conn: Connection) -> None:
            with conn:
                conn.execute("UPDATE jobs SET removed_at = ?, owner = NULL, lease_until = NULL "
                             "WHERE id = ?", (_ts(now()), job_id))
                conn.execute(
                    "INSERT INTO job_history (job_id, at, state, event) "
                    "SELECT id, ?, state, 'removed' FROM jobs WHERE id = ?", (_ts(now()), job_id))

        await self._db.run(upd)

    # --- ownership leases -----------------------------------------------------------------
    async def claim(self, job_id: int, owner: str, lease: float) -> Job | None:
        """Make ``owner`` the job's owner for ``lease`` seconds if the job is unfinished, not
        removed, and free, already ``owner``'s, or its lease ran out. Returns the job as
        stored right after the claim, or None when someone else holds it (or it ended).

        One conditional UPDATE: SQLite lets one writer at a time touch the file (across
        processes), so of two claimants the second sees the first's owner and gets None."""
        marks = ", ".join("?" for _ in _UNFINISHED)

        def q(conn: Connection) -> Job | None:
            t = time.time()
            with conn:
                cur = conn.execute(
                    f"UPDATE jobs SET owner = ?, lease_until = ? WHERE id = ? AND removed_at IS NULL "
                    f"AND state IN ({marks}) AND (owner IS NULL OR owner = ? OR lease_until < ?)",
                    (owner, t + lease, job_id, *_UNFINISHED, owner, t))
                if cur.rowcount != 1:
                    return None
                # Read inside the same write transaction: the row as we now own it (no
                # RETURNING, which needs SQLite 3.35).
                row = conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
            return _job_from_row(row)

        return await self._db.run(q)

    async def renew(self, owner: str, lease: float) -> set[int]:
        """Extend every lease ``owner`` holds to ``lease`` seconds from now; return the ids
        it still holds (a job missing from them was taken over by another process)."""

        def q(conn: Connection) -> set[int]:
            with conn:
                conn.execute("UPDATE jobs SET lease_until = ? WHERE owner = ?", (time.time() + lease, owner))
                return {r[0] for r in conn.execute("SELECT id FROM jobs WHERE owner = ?", (owner,))}

        return await self._db.run(q)

    async def release(self, owner: str) -> None:
        """Give up every job ``owner`` holds: another process may resume them at once."""

        def q(conn: Connection) -> None:
            with conn:
                conn.execute("UPDATE jobs SET owner = NULL, lease_until = NULL WHERE owner = ?", (owner,))

        await self._db.run(q)

    async def history(self, job_id: int) -> list[HistoryEntry]:
        def q(conn: Connection) -> list[HistoryEntry]:
            rows = conn.execute(
                "SELECT at, state, event, message, progress, account FROM job_history "
                "WHERE job_id = ? ORDER BY id", (job_id,)).fetchall()
            return [HistoryEntry(datetime.fromisoformat(r["at"]), JobState(r["state"]), r["event"],
                                 r["message"], r["progress"], r["account"]) for r in rows]

        return await self._db.run(q)

    @staticmethod
    def _row_job(conn: Connection, key: str, row: int) -> int:
        found = conn.execute("SELECT job_id FROM batch_rows WHERE batch_key = ? AND batch_row = ?",
                             (key, row)).fetchone()
        return int(found[0]) if found else 0

    async def claimed_remote_ids(self) -> set[str]:
        """Every remote id some job in the journal already owns (reconcile must not adopt
        a video that belongs to another job)."""

        def q(conn: Connection) -> set[str]:
            return {r[0] for r in conn.execute("SELECT remote_id FROM remote_claims")}

        return await self._db.run(q)

    async def claim_remote_ids(self, job_id: int, remote_ids: Iterable[str]) -> dict[str, int]:
        """Make ``remote_ids`` ``job_id``'s, all or none, in one transaction. Returns
        {remote id: the other job that already owns it} — empty when the claim succeeded
        (ids the job already owns count as its own). A remote job belongs to at most one
        local job: the primary key holds that across every process on the journal."""
        ids = list(dict.fromkeys(remote_ids))

        def q(conn: Connection) -> dict[str, int]:
            marks = ", ".join("?" for _ in ids)
            try:
                with conn:
                    # The INSERT comes first: it opens the write transaction, so the check
                    # below sees every other process's claims and nobody can add one until
                    # we commit or roll back.
                    conn.executemany("INSERT OR IGNORE INTO remote_claims (remote_id, job_id) "
                                     "VALUES (?, ?)", [(rid, job_id) for rid in ids])
                    taken = {r[0]: int(r[1]) for r in conn.execute(
                        f"SELECT remote_id, job_id FROM remote_claims WHERE remote_id IN ({marks}) "
                        "AND job_id != ?", (*ids, job_id))}
                    if taken:
                        raise _Taken(taken)
            except _Taken as exc:  # rolled back: none of the ids became ours
                return exc.taken
            return {}

        return await self._db.run(q) if ids else {}

    async def remote_claims(self) -> dict[str, int]:
        """remote id -> the job that owns it, for every claimed remote id."""
        def q(conn: Connection) -> dict[str, int]:
            return {r[0]: int(r[1]) for r in conn.execute("SELECT remote_id, job_id FROM remote_claims")}

        return await self._db.run(q)

    async def remote_owner(self, remote_id: str) -> int | None:
        """The job that owns ``remote_id``, or None."""
        def q(conn: Connection) -> int | None:
            row = conn.execute("SELECT job_id FROM remote_claims WHERE remote_id = ?",
                               (remote_id,)).fetchone()
            return int(row[0]) if row else None

        return await self._db.run(q)

    # --- per-account file ids ---------------------------------------------------------------
    async def get_file_id(self, account: str, sha256: str) -> str | None:
        def q(conn: Connection) -> str | None:
            row = conn.execute("SELECT file_id FROM file_ids WHERE account = ? AND sha256 = ?",
                               (account, sha256)).fetchone()
            return row["file_id"] if row else None

        return await self._db.run(q)

    async def put_file_id(self, account: str, sha256: str, file_id: str, size: int | None) -> None:
        def q(conn: Connection) -> None:
            with conn:
                conn.execute(
                    "INSERT OR REPLACE INTO file_ids (account, sha256, file_id, size, uploaded_at) "
                    "VALUES (?, ?, ?, ?, ?)", (account, sha256, file_id, size, _ts(now())))

        await self._db.run(q)

    async def forget_file_id(self, account: str, sha256: str) -> None:
        def q(conn: Connection) -> None:
            with conn:
                conn.execute("DELETE FROM file_ids WHERE account = ? AND sha256 = ?", (account, sha256))

        await self._db.run(q)

    async def accounts_with_files(self, hashes: Iterable[str]) -> dict[str, int]:
        """account → how many of ``hashes`` are already uploaded there (routing prefers
        accounts that need fewer uploads)."""
        hs = list(hashes)
        if not hs:
            return {}

        def q(conn: Connection) -> dict[str, int]:
            marks = ", ".join("?" for _ in hs)
            rows = conn.execute(
                f"SELECT account, COUNT(*) AS n FROM file_ids WHERE sha256 IN ({marks}) GROUP BY account",
                hs).fetchall()
            return {r["account"]: int(r["n"]) for r in rows}

        return await self._db.run(q)

    # --- accounts -------------------------------------------------------------------------
    async def record_account_event(self, account: str, status: str, reason: str | None) -> None:
        def q(conn: Connection) -> None:
            with conn:
                conn.execute("INSERT INTO account_events (account, at, status, reason) VALUES (?, ?, ?, ?)",
                             (account, _ts(now()), status, reason))

        await self._db.run(q)
