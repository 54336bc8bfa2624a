"""The journal: a job is on disk before anything is sent, its story survives a reopen, and
the state machine refuses impossible moves."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from minimax_studio.core.db import SchemaTooNewError
from minimax_studio.core.jobs import InvalidTransition, Job, JobKind, JobState
from minimax_studio.core.journal import SCHEMA_VERSION, Journal

pytestmark = pytest.mark.asyncio


def _job(**kw: object) -> Job:
    base: dict = {"id": 0, "kind": JobKind.VIDEO, "state": JobState.QUEUED,
                  "request": {"model": "I2V-01", "prompt": "a fox", "fileID": "/tmp/fox.png"}}
    base.update(kw)
    return Job(**base)


async def test_job_is_on_disk_with_its_full_request_before_anything_else(tmp_path: Path) -> None:
    db = tmp_path / "journal.sqlite3"
    journal = await Journal.open(db)
    job = await journal.create_job(_job(pinned_account="acc1", cost="25 credits"))
    assert job.id > 0
    # Read it back with plain sqlite3, as a crash right now would leave it.
    with sqlite3.connect(db) as conn:
        kind, state, request = conn.execute(
            "SELECT kind, state, request FROM jobs WHERE id = ?", (job.id,)).fetchone()
    assert (kind, state) == ("video", "queued")
    assert '"fileID": "/tmp/fox.png"' in request
    await journal.close()


async def test_every_state_change_is_kept_in_order_with_its_time(tmp_path: Path) -> None:
    journal = await Journal.open(tmp_path / "j.sqlite3")
    job = await journal.create_job(_job())
    job.route("acc1", "runs on account acc1: 2 free slots")
    job.start_upload()
    await journal.save(job, "uploading", job.route_reason)
    job.file_ids = {"fileID": "user:1-minimax:acc1-file:9"}
    job.start_submit()
    job.mark_create_sent()
    await journal.save(job, "note", "sending create")
    job.mark_submitted(["user:1-minimax:acc1-video:77"])
    await journal.save(job, "submitted")
    job.mark_processing(40, "Generating… 40%")
    await journal.save(job, "processing")
    job.start_download()
    job.downloads["user:1-minimax:acc1-video:77"] = {"url": "http://x/v.mp4", "path": "/lib/a.mp4", "state": "pending"}
    await journal.save(job, "downloading")
    job.mark_completed()
    await journal.save(job, "completed")
    await journal.close()

    reopened = await Journal.open(tmp_path / "j.sqlite3")
    again = await reopened.get(job.id)
    assert again is not None
    assert again.state is JobState.COMPLETED
    assert again.account == "acc1" and again.route_reason == "runs on account acc1: 2 free slots"
    assert again.file_ids == {"fileID": "user:1-minimax:acc1-file:9"}
    assert again.remote_ids == ["user:1-minimax:acc1-video:77"]
    assert again.create_sent_at is not None
    assert again.downloads["user:1-minimax:acc1-video:77"]["path"] == "/lib/a.mp4"
    story = await reopened.history(job.id)
    assert [h.event for h in story] == ["created", "uploading", "note", "submitted", "processing",
                                        "downloading", "completed"]
    assert [h.at for h in story] == sorted(h.at for h in story)
    assert story[1].message == "runs on account acc1: 2 free slots"
    assert await reopened.claimed_remote_ids() == {"user:1-minimax:acc1-video:77"}
    await reopened.close()


async def test_unfinished_jobs_are_listed_for_resume_and_removed_ones_hidden(tmp_path: Path) -> None:
    journal = await Journal.open(tmp_path / "j.sqlite3")
    a = await journal.create_job(_job())
    b = await journal.create_job(_job(kind=JobKind.IMAGE, request={"prompt": "x"}))
    b.mark_failed("nope")
    await journal.save(b, "failed")
    c = await journal.create_job(_job(batch_key="k1", batch_row=3))
    assert [j.id for j in await journal.jobs(unfinished=True)] == [a.id, c.id]
    assert [j.id for j in await journal.jobs(batch_key="k1")] == [c.id]
    await journal.mark_removed(a.id)
    assert a.id not in [j.id for j in await journal.jobs()]
    assert a.id in [j.id for j in await journal.jobs(include_removed=True)]
    assert (await journal.history(a.id))[-1].event == "removed"
    await journal.close()


async def test_file_ids_are_cached_per_account(tmp_path: Path) -> None:
    journal = await Journal.open(tmp_path / "j.sqlite3")
    await journal.put_file_id("acc1", "abc", "user:1-minimax:acc1-file:1", 10)
    assert await journal.get_file_id("acc1", "abc") == "user:1-minimax:acc1-file:1"
    assert await journal.get_file_id("acc2", "abc") is None
    assert await journal.accounts_with_files(["abc", "zzz"]) == {"acc1": 1}
    await journal.forget_file_id("acc1", "abc")
    assert await journal.get_file_id("acc1", "abc") is None
    await journal.close()


async def test_schema_is_versioned_and_a_newer_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    journal = await Journal.open(path)
    assert journal.db.schema_version == SCHEMA_VERSION
    await journal.close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    with pytest.raises(SchemaTooNewError, match="newer version"):
        await Journal.open(path)


async def test_state_machine_refuses_impossible_moves() -> None:
    job = _job(id=1)
    with pytest.raises(InvalidTransition):
        job.mark_submitted(["x"])  # never sent: cannot be submitted
    job.mark_failed("x")
    for move in (job.start_upload, job.mark_completed, lambda: job.requeue("again")):
        with pytest.raises(InvalidTransition):
            move()
    assert job.state is JobState.FAILED


async def test_two_processes_opening_a_new_file_at_once_migrate_it_once(tmp_path: Path) -> None:
    # Two batch runs started together both found an empty file and both ran migration 1:
    # the second died with "table … already exists" (a traceback instead of a run).
    import threading
    import time

    from minimax_studio.core.db import _connect, apply_migrations

    path = tmp_path / "fresh.sqlite3"

    def slow_first(conn: sqlite3.Connection) -> None:
        time.sleep(0.3)  # holds the write lock while the other reads version 0
        conn.execute("CREATE TABLE items (id INTEGER PRIMARY KEY)")

    steps = [slow_first, "CREATE TABLE more (id INTEGER PRIMARY KEY);"]
    results: list[object] = []

    def open_it() -> None:
        conn = _connect(path)
        try:
            results.append(apply_migrations(conn, steps))
        except Exception as exc:  # what the second process used to die of
            results.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=open_it) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert results == [2, 2], results


async def test_a_sheet_row_gets_one_job_whoever_asks(tmp_path: Path) -> None:
    from minimax_studio.core.journal import RowTaken

    path = tmp_path / "journal.sqlite3"
    one, two = await Journal.open(path), await Journal.open(path)
    try:
        first = await one.create_job(_job(batch_key="sheet", batch_row=1))
        with pytest.raises(RowTaken) as taken:
            await two.create_job(_job(batch_key="sheet", batch_row=1))
        assert taken.value.job_id == first.id
        assert len(await one.jobs(batch_key="sheet")) == 1  # the loser inserted nothing
        other = await two.create_job(_job(batch_key="sheet", batch_row=2))
        assert other.id != first.id
    finally:
        await one.close()
        await two.close()


async def test_an_older_journal_that_shared_a_remote_id_gives_it_to_the_first_job(tmp_path: Path) -> None:
    # A journal written before remote_claims (schema 2), where the old reconcile gave two
    # jobs one remote id and two runs made two jobs for one sheet row: opening it keeps
    # each with its first job, so nothing else can take them again.
    from minimax_studio.core.db import Database
    from minimax_studio.core.journal_schema import MIGRATIONS

    path = tmp_path / "journal.sqlite3"
    old = await Database.open(path, MIGRATIONS[:2])
    rid = "user:1-minimax:2-video:3"

    def insert(conn: sqlite3.Connection) -> list[int]:
        with conn:
            return [int(conn.execute(
                "INSERT INTO jobs (kind, state, request, remote_ids, batch_key, batch_row, created_at, "
                "updated_at) VALUES ('video', 'completed', '{}', ?, 'sheet', 1, '2026-01-01', '2026-01-01')",
                (f'["{rid}"]',)).lastrowid or 0) for _ in range(2)]

    ids = await old.run(insert)
    await old.close()
    journal = await Journal.open(path)
    try:
        assert await journal.remote_owner(rid) == ids[0]
        assert await journal.claim_remote_ids(ids[1], [rid]) == {rid: ids[0]}
        from minimax_studio.core.journal import RowTaken

        with pytest.raises(RowTaken) as taken:
            await journal.create_job(_job(batch_key="sheet", batch_row=1))
        assert taken.value.job_id == ids[0]
    finally:
        await journal.close()
