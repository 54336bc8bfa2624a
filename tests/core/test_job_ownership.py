"""Two processes on one profile (the app and a batch, or two windows) never both run a job:
each unfinished job is resumed by exactly one engine, a killed engine's jobs are taken over
only once its lease has run out, a cut-off create is reconciled once, and nothing is ever
created, downloaded or filed twice — asserted on what the sandbox received and on the
library's files. Each "process" is an engine with its own journal/library connections and
client on the same files; one is a real subprocess killed with -9."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

import pytest

from minimax_studio.api.client import MiniMaxClient
from minimax_studio.core.engine import Engine
from minimax_studio.core.jobs import EventType, Job, JobKind, JobState
from minimax_studio.core.journal import Journal
from minimax_studio.core.library import Library
from minimax_studio.core.locations import session_locations
from minimax_studio.core.settings import Settings
from minimax_studio.paths import app_paths
from minimax_studio.sandbox import Sandbox
from tests.core.batch_support import journal_rows, library_files, start_batch, wait_until
from tests.core.engine_rig import FAST, Rig, make_rig, more_accounts

SLOW = "sandbox:slow"  # the sandbox takes ~3–6 s: still running when the test acts


def _creates(sandbox: Sandbox) -> Counter[str]:
    """prompt → create calls the sandbox received for it."""
    return Counter(str(r.body.get("prompt")) for r in sandbox.received
                   if r.method == "POST" and r.path.endswith("/create") and isinstance(r.body, dict))


def _video_downloads(sandbox: Sandbox) -> Counter[str]:
    return Counter(h.path for h in sandbox.core.cdn_received if h.method == "GET" and "/video/" in h.path)


def _ran_by(rig: Rig) -> set[int]:
    """Jobs this engine worked on: its events carry its own id as the owner (events about
    jobs another engine runs carry that engine's id)."""
    return {e.job.id for e in rig.events if e.job.owner == rig.engine.owner_id}


async def _until(cond: Callable[[], Awaitable[bool]], timeout: float, what: str) -> float:
    """Poll ``cond`` until true; return how long it took."""
    start = time.monotonic()
    while not await cond():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.02)
    return time.monotonic() - start


async def _states(rig: Rig, ids: list[int]) -> list[JobState]:
    return [j.state for j in [await rig.journal.get(i) for i in ids] if j is not None]


async def _owners(rig: Rig, ids: list[int]) -> set[str | None]:
    return {j.owner for j in [await rig.journal.get(i) for i in ids] if j is not None}


async def _processing(rig: Rig, ids: list[int]) -> None:
    async def ok() -> bool:
        return all(s is JobState.PROCESSING for s in await _states(rig, ids))

    await _until(ok, 20, "the jobs to be generating")


def _one_file_per_result(rig: Rig, results: int) -> None:
    files = [p for p in rig.library_files() if p.suffix != ".part"]
    assert len(files) == results, files
    downloads = _video_downloads(rig.sandbox)
    assert len(downloads) == results and set(downloads.values()) == {1}, downloads


# --- the journal's part: claims are exclusive across connections ---------------------------

@pytest.mark.asyncio
async def test_claims_are_exclusive_and_writes_follow_the_owner(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    one, two = await Journal.open(path), await Journal.open(path)  # two connections, two "processes"
    try:
        jobs = [await one.create_job(Job(id=0, kind=JobKind.VIDEO, state=JobState.QUEUED,
                                         request={"model": "T2V-01", "prompt": f"p{i}"})) for i in range(12)]
        # Both claim every job at once: SQLite serialises the writers, each job gets one owner.
        won_one, won_two = await asyncio.gather(
            asyncio.gather(*(one.claim(j.id, "p1", 30) for j in jobs)),
            asyncio.gather(*(two.claim(j.id, "p2", 30) for j in jobs)))
        for a, b in zip(won_one, won_two, strict=True):
            assert (a is None) != (b is None)
        job = next(a or b for a, b in zip(won_one, won_two, strict=True))
        mine, theirs = ("p1", "p2") if job.owner == "p1" else ("p2", "p1")
        assert await one.renew(theirs, 30) == {j.id for j in (won_two if theirs == "p2" else won_one) if j}
        # Only the owner's writes apply; the other learns it did not own the job.
        job.progress = 7
        assert await two.save(job, "note", owner=theirs) is False
        assert await two.save(job, "note", owner=mine) is True
        # Its lease runs out (owner stops renewing): the other may take the job over, and
        # from then on the old owner's writes are refused.
        await one.renew(mine, -1.0)
        taken = await two.claim(job.id, theirs, 30)
        assert taken is not None and taken.owner == theirs and taken.progress == 7
        assert await one.save(job, owner=mine) is False
        assert job.id not in await one.renew(mine, 30)
        # The final write releases; a finished job is never claimed again.
        taken.mark_failed("test")
        assert await two.save(taken, "failed", owner=theirs)
        again = await one.get(job.id)
        assert again is not None and again.owner is None and again.lease_until is None
        assert await one.claim(job.id, mine, 30) is None
        await one.release("p1")
        await one.release("p2")
        assert {j.owner for j in await one.jobs()} == {None}
    finally:
        await one.close()
        await two.close()


# --- engines --------------------------------------------------------------------------------

@pytest.mark.asyncio
async def test_two_engines_started_together_resume_each_job_exactly_once(
        sandbox: Sandbox, tmp_path: Path) -> None:
    more_accounts(sandbox, 1, max_jobs=4)
    async with make_rig(sandbox, tmp_path) as first:
        running = [await first.engine.submit("video", {"model": "T2V-01", "prompt": f"tide {i} {SLOW}"})
                   for i in range(3)]
        await _processing(first, [j.id for j in running])
        await first.engine.close()  # that session ended: its jobs are free for whoever starts
        # … and two jobs it had journaled but never sent.
        queued = [await first.journal.create_job(Job(id=0, kind=JobKind.VIDEO, state=JobState.QUEUED,
                                                     request={"model": "T2V-01", "prompt": f"queued {i}"}))
                  for i in range(2)]
        ids = [j.id for j in running + queued]
        creates_before = _creates(sandbox)
        async with make_rig(sandbox, tmp_path, start=False) as a, \
                make_rig(sandbox, tmp_path, start=False) as b:
            await asyncio.gather(a.engine.start(), b.engine.start())
            done_a, done_b = await asyncio.gather(a.engine.wait(ids, timeout=40),
                                                  b.engine.wait(ids, timeout=40))
            assert [j.state for j in done_a] == [JobState.COMPLETED] * 5, [j.reason for j in done_a]
            assert [j.state for j in done_b] == [JobState.COMPLETED] * 5
            ran = Counter([*_ran_by(a), *_ran_by(b)])
            assert ran == Counter(ids), ran  # every job run by exactly one engine
            creates = _creates(sandbox)
            assert all(creates[f"tide {i} {SLOW}"] == 1 for i in range(3))  # resumed, not resent
            assert creates - creates_before == Counter({"queued 0": 1, "queued 1": 1})
            _one_file_per_result(a, 5)
            items = [i for j in done_a for i in j.library_item_ids]
            assert len(items) == len(set(items)) == 5


@pytest.mark.asyncio
@pytest.mark.parametrize("created", [True, False], ids=["hailuo-made-it", "nothing-made"])
async def test_a_cut_off_create_seen_by_two_engines_is_reconciled_once(
        sandbox: Sandbox, tmp_path: Path, created: bool) -> None:
    prompt = "a lantern on the pier"
    async with make_rig(sandbox, tmp_path, start=False) as a, \
            make_rig(sandbox, tmp_path, start=False) as b:
        # The journal as a crash left it: the create call was sent, its answer never came.
        job = await a.journal.create_job(Job(id=0, kind=JobKind.VIDEO, state=JobState.QUEUED,
                                             request={"model": "T2V-01", "prompt": prompt}))
        job.route(sandbox.demo_account_id, "test")
        job.start_upload()
        job.start_submit()
        job.mark_create_sent()
        await a.journal.save(job, "note", f"sending create to account {job.account}")
        if created:  # Hailuo did queue it
            await a.client.videos.create({"model": "T2V-01", "prompt": prompt,
                                          "account": sandbox.demo_account_id})
        await asyncio.gather(a.engine.start(), b.engine.start())
        (seen_a,), (seen_b,) = await asyncio.gather(a.engine.wait([job.id], timeout=30, settled=True),
                                                    b.engine.wait([job.id], timeout=30, settled=True))
        want = JobState.COMPLETED if created else JobState.NEEDS_ATTENTION
        assert seen_a.state is want and seen_b.state is want, seen_a.reason
        assert len(_ran_by(a) | _ran_by(b)) == 1 and not _ran_by(a) & _ran_by(b)
        assert _creates(sandbox)[prompt] == (1 if created else 0)  # never sent by an engine
        story = [h.message or "" for h in await a.journal.history(job.id)]
        assert sum(m.startswith("create answer lost") for m in story) == 1, story
        if created:
            assert sum(m.startswith("Found on account") for m in story) == 1
            _one_file_per_result(a, 1)


@pytest.mark.asyncio
async def test_close_hands_the_jobs_to_an_open_engine_at_once(sandbox: Sandbox, tmp_path: Path) -> None:
    async with make_rig(sandbox, tmp_path, lease_seconds=30.0) as batch:
        jobs = [await batch.engine.submit("video", {"model": "T2V-01", "prompt": f"dunes {i} {SLOW}"})
                for i in range(2)]
        ids = [j.id for j in jobs]
        await _processing(batch, ids)
        async with make_rig(sandbox, tmp_path, lease_renew=0.1) as gui:
            await asyncio.sleep(0.5)  # several ticks: the batch's live leases are respected
            assert await _owners(gui, ids) == {batch.engine.owner_id}
            assert _ran_by(gui) == set()
            await batch.engine.close()  # the batch ends (or Ctrl-C)

            async def gui_owns() -> bool:
                return {(await gui.engine.get(i)).owner for i in ids} == {gui.engine.owner_id}  # type: ignore[union-attr]

            took = await _until(gui_owns, 5, "the open engine to take the jobs over")
            assert took < 2.0  # at once, not after the batch's 30 s lease
            done = await gui.engine.wait(ids, timeout=30)
            assert all(j.state is JobState.COMPLETED for j in done), [j.reason for j in done]
            assert _creates(sandbox) == Counter({f"dunes {i} {SLOW}": 1 for i in range(2)})
            _one_file_per_result(gui, 2)


@pytest.mark.asyncio
async def test_a_batch_waits_for_its_jobs_run_by_another_engine(sandbox: Sandbox, tmp_path: Path) -> None:
    async with make_rig(sandbox, tmp_path) as gui:
        jobs = [await gui.engine.submit("video", {"model": "T2V-01", "prompt": f"row {i} {SLOW}"},
                                        batch_key="sheet-1", batch_row=i) for i in (1, 2)]
        ids = [j.id for j in jobs]
        async with make_rig(sandbox, tmp_path, start=False) as batch:
            await batch.engine.start(resume=lambda j: j.batch_key == "sheet-1")
            assert await _owners(batch, ids) == {gui.engine.owner_id}  # left to the GUI
            done = await batch.engine.wait(ids, timeout=40, settled=True)
            assert [j.state for j in done] == [JobState.COMPLETED] * 2, [j.reason for j in done]
            assert all(j.library_item_ids for j in done)
            assert _ran_by(batch) == set() and _ran_by(gui) == set(ids)
            # The batch hears of them only through the journal, on its lease tick (wait()
            # may return a moment before that tick has re-emitted the last one).
            async def heard_them_finish() -> bool:
                return {e.job.id for e in batch.events if e.type == "completed"} == set(ids)

            await _until(heard_them_finish, 5, "the batch to hear both jobs complete")
            assert sum(_creates(sandbox).values()) == 2
            _one_file_per_result(gui, 2)


@pytest.mark.asyncio
async def test_an_engine_that_lost_its_lease_stops_without_writing(
        sandbox: Sandbox, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="minimax_studio.core.engine")
    # A never renews: as if suspended (laptop lid, SIGSTOP) right after starting the job.
    async with make_rig(sandbox, tmp_path, lease_seconds=0.5, lease_renew=1000.0) as a:
        job = await a.engine.submit("video", {"model": "T2V-01", "prompt": f"orbit {SLOW}"})
        await _processing(a, [job.id])
        await asyncio.sleep(0.6)
        stale = await a.journal.get(job.id)
        assert stale is not None and stale.owner == a.engine.owner_id
        assert (stale.lease_until or 0) < time.time()

        # Nobody took it over: an expired lease is still ours, so A's writes keep landing.
        async def a_still_writes() -> bool:
            now = await a.journal.get(job.id)
            return now is not None and now.updated_at > stale.updated_at

        await _until(a_still_writes, 10, "A's next progress write")
        async with make_rig(sandbox, tmp_path, lease_renew=0.1) as b:
            (done,) = await b.engine.wait([job.id], timeout=30)
            assert done.state is JobState.COMPLETED, done.reason
            assert job.id in _ran_by(b)
            story = [h.message or "" for h in await b.journal.history(job.id)]
            assert any(m.startswith("taken over") for m in story)
            assert "taken over by another MiniMax Studio process" in caplog.text  # A stopped
            assert _creates(sandbox)[f"orbit {SLOW}"] == 1
            _one_file_per_result(b, 1)
            seen_by_a = await a.engine.get(job.id)  # from the journal now: B's outcome
            assert seen_by_a is not None and seen_by_a.state is JobState.COMPLETED


@pytest.mark.asyncio
async def test_a_killed_batchs_jobs_are_taken_over_only_when_its_lease_runs_out(
        sandbox: Sandbox, tmp_path: Path) -> None:
    sheet = tmp_path / "two.json"
    prompts = [f"a comet {i} {SLOW}" for i in range(2)]
    sheet.write_text(json.dumps([{"kind": "video", "model": "T2V-01", "prompt": p} for p in prompts]))
    proc = start_batch(sandbox, sheet, "--lease", "3")
    try:
        wait_until(lambda: [r[1] for r in journal_rows()] == ["processing"] * 2, what="both jobs generating")
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    rows = journal_rows("SELECT id, owner, lease_until FROM jobs ORDER BY id")
    ids = [r[0] for r in rows]
    (dead,) = {r[1] for r in rows}
    lease_until = max(r[2] for r in rows)
    assert dead is not None

    where = session_locations(app_paths(), Settings(), sandbox=False)
    client = MiniMaxClient(sandbox.token, sandbox.base_url)
    journal = await Journal.open(where.journal_db)
    library = await Library.open(where.library_db, where.library_dir)
    config = replace(FAST, library_dir=where.library_dir, thumbs_dir=tmp_path / "thumbs",
                     lease_seconds=3.0, lease_renew=0.1)
    engine = Engine(client, journal, library, config=config)
    try:
        await engine.start()
        if time.time() < lease_until - 0.5:  # (a loaded machine may start us later)
            assert {(await engine.get(i)).owner for i in ids} == {dead}  # type: ignore[union-attr]
        done = await engine.wait(ids, timeout=40)
        assert [j.state for j in done] == [JobState.COMPLETED] * 2, [j.reason for j in done]
        for i in ids:
            (note,) = [h for h in await journal.history(i) if (h.message or "").startswith("taken over")]
            assert note.at.timestamp() >= lease_until  # not one moment before the lease ran out
        assert _creates(sandbox) == Counter({p: 1 for p in prompts})
        files = [p for p in library_files() if p.suffix != ".part"]
        assert len(files) == 2
        assert set(_video_downloads(sandbox).values()) == {1}
    finally:
        await engine.close()
        await library.close()
        await journal.close()
        await client.aclose()


def test_a_sheet_rerun_after_kill_waits_for_the_lease_then_resumes_without_resending(
        sandbox: Sandbox, tmp_path: Path) -> None:
    sheet = tmp_path / "one.json"
    prompt = f"a kite at dusk {SLOW}"
    sheet.write_text(json.dumps([{"kind": "video", "model": "T2V-01", "prompt": prompt}]))
    proc = start_batch(sandbox, sheet, "--lease", "2")
    try:
        wait_until(lambda: [r[1] for r in journal_rows()] == ["processing"], what="the job generating")
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    again = start_batch(sandbox, sheet, "--lease", "2")
    out, err = again.communicate(timeout=60)
    assert again.returncode == 0, out + err
    assert "being run by another MiniMax Studio window or batch" in out  # told why it waits
    assert "1 of 1 jobs completed." in out
    assert _creates(sandbox) == Counter({prompt: 1})
    assert len([p for p in library_files() if p.suffix != ".part"]) == 1


@pytest.mark.asyncio
async def test_a_job_removed_by_the_process_running_it_is_removed_here_too(
        sandbox: Sandbox, tmp_path: Path) -> None:
    # A slow create answer (as under CPU load): the viewer lists the job while it is being sent.
    sandbox.faults.add("videos/create", latency=0.5, times=1)
    async with make_rig(sandbox, tmp_path) as runner:
        job = await runner.engine.submit("video", {"model": "T2V-01", "prompt": f"a comet {SLOW}"})
        async with make_rig(sandbox, tmp_path) as viewer:
            async def seen_running() -> bool:
                return any(e.job.id == job.id for e in viewer.events)

            await _until(seen_running, 10, "the viewer to list the other engine's job")

            async def created() -> bool:
                # Removing a job whose create call is on the wire is refused on purpose
                # (its answer decides what there is to cancel): act once it was answered.
                return any(e.job.id == job.id and e.type in (EventType.SUBMITTED, EventType.PROCESSING)
                           for e in runner.events)

            await _until(created, 10, "the create call to be answered")
            await runner.engine.remove(job.id)

            async def seen_removed() -> bool:
                return any(e.job.id == job.id and e.type == "removed" for e in viewer.events)

            await _until(seen_removed, 10, "the viewer to hear the job was removed")
            assert sum(_creates(sandbox).values()) == 1
