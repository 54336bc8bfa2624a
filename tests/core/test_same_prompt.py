"""Issue 9 case 1: jobs with the same prompt whose create answers were lost each get their
own remote job — never one shared result with the other paid result left behind — and a
remote id belongs to at most one local job, enforced by the journal.

Real sandbox over HTTP, real journal and library files; the assertions are what a user
sees: two distinct files in the library, nothing sent twice, a failure reported as such."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path

import pytest

from minimax_studio.core.jobs import Job, JobKind, JobState
from minimax_studio.core.journal import Journal
from minimax_studio.sandbox import Sandbox
from tests.core.engine_rig import Rig, make_rig

pytestmark = pytest.mark.asyncio

VIDEO = {"model": "T2V-01", "prompt": "two lanterns on the pier"}
IMAGE = {"model": "image-01", "prompt": "a teapot, studio light", "aspectRatio": "1:1"}


async def _submit_together(rig: Rig, kind: str, request: Mapping[str, object], n: int = 2) -> list[Job]:
    jobs = [await rig.engine.submit(kind, dict(request)) for _ in range(n)]
    return await rig.engine.wait([j.id for j in jobs], timeout=40, settled=True)


def _distinct_results(rig: Rig, done: list[Job], per_job: int = 1) -> None:
    ids = [r for j in done for r in j.remote_ids]
    assert len(ids) == len(set(ids)) == per_job * len(done), ids
    items = [i for j in done for i in j.library_item_ids]
    assert len(items) == len(set(items)) == per_job * len(done), items
    files = [p for p in rig.library_files() if p.suffix != ".part"]
    assert len(files) == per_job * len(done), files


@pytest.mark.parametrize("kind,request_", [("video", VIDEO), ("image", IMAGE)], ids=["videos", "images"])
async def test_two_same_prompt_creates_both_answered_502_get_two_results(
        sandbox: Sandbox, tmp_path: Path, kind: str, request_: Mapping[str, object]) -> None:
    # Hailuo made both jobs, useapi answered 502 to both: the reproduction.
    sandbox.faults.add(f"{kind}s/create", 502, times=2, create_anyway=True)
    async with make_rig(sandbox, tmp_path) as rig:
        done = await _submit_together(rig, kind, request_)
        assert [j.state for j in done] == [JobState.COMPLETED] * 2, [j.reason for j in done]
        assert len(rig.creates()) == 2  # neither was sent again
        _distinct_results(rig, done)


async def test_one_502_while_the_siblings_reply_is_still_in_flight(sandbox: Sandbox, tmp_path: Path) -> None:
    # The first create is made and answered late; the second is answered 502 (but made):
    # its reconcile runs while the first's answer has not arrived yet, and the first's
    # video (the earlier one, unclaimed so far) must not be taken for the second's.
    sandbox.faults.add("videos/create", times=1, latency=0.8)
    sandbox.faults.add("videos/create", 502, times=1, create_anyway=True)
    async with make_rig(sandbox, tmp_path, reconcile_delay=0.1) as rig:
        done = await _submit_together(rig, "video", VIDEO)
        assert [j.state for j in done] == [JobState.COMPLETED] * 2, [j.reason for j in done]
        assert len(rig.creates()) == 2
        _distinct_results(rig, done)


async def test_more_same_prompt_jobs_lost_than_made_is_never_a_silent_share(
        sandbox: Sandbox, tmp_path: Path) -> None:
    # Three sent together, all answered 502, Hailuo made only two: which job's create made
    # which video cannot be told. No job may take another's; whatever is not matched is
    # "check before retrying", and nothing is sent again.
    sandbox.faults.add("videos/create", 502, times=2, create_anyway=True)
    sandbox.faults.add("videos/create", 502, times=1)
    async with make_rig(sandbox, tmp_path) as rig:
        done = await _submit_together(rig, "video", VIDEO, n=3)
        assert len(rig.creates()) == 3
        ids = [r for j in done for r in j.remote_ids]
        assert len(ids) == len(set(ids)), ids
        for j in done:
            if j.state is not JobState.COMPLETED:
                assert j.state is JobState.NEEDS_ATTENTION
                assert j.reason and "before retrying" in j.reason and j.remote_ids == []


async def test_a_result_filed_for_another_job_is_not_this_jobs_completion(
        sandbox: Sandbox, tmp_path: Path) -> None:
    # An older journal (before remote_claims) let two jobs share one remote id. The second
    # must not finish as "completed" on the first one's file: its own paid result was lost.
    async with make_rig(sandbox, tmp_path) as rig:
        (first,) = await _submit_together(rig, "video", VIDEO, n=1)
        assert first.state is JobState.COMPLETED
        twin = await rig.journal.create_job(Job(id=0, kind=JobKind.VIDEO, state=JobState.QUEUED,
                                                request=dict(VIDEO)))
        twin.route(str(sandbox.demo_account_id), "test")
        twin.start_upload()
        twin.start_submit()
        twin.mark_create_sent()
        twin.mark_submitted(list(first.remote_ids))
        await rig.journal.save(twin, "submitted")  # what the old reconcile wrote
        await rig.restart()
        (seen,) = await rig.engine.wait([twin.id], timeout=20, settled=True)
        assert seen.state is not JobState.COMPLETED
        assert seen.reason and f"job {first.id}" in seen.reason


async def test_a_remote_id_belongs_to_one_job_across_connections(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    one, two = await Journal.open(path), await Journal.open(path)  # two processes
    try:
        a, b = [await one.create_job(Job(id=0, kind=JobKind.VIDEO, state=JobState.QUEUED,
                                         request=dict(VIDEO))) for _ in range(2)]
        rid = "user:1-minimax:2-video:3"
        # Both claim at once: exactly one wins, the other is told who has it.
        won = await asyncio.gather(one.claim_remote_ids(a.id, [rid]), two.claim_remote_ids(b.id, [rid]))
        assert sorted(bool(w) for w in won) == [False, True], won
        owner = a.id if not won[0] else b.id
        loser = b.id if owner == a.id else a.id
        assert await two.claim_remote_ids(loser, [rid, "user:1-minimax:2-video:4"]) == {rid: owner}
        # All or nothing: the free id in a refused claim was not taken either.
        assert await one.remote_owner("user:1-minimax:2-video:4") is None
        assert await one.claim_remote_ids(owner, [rid]) == {}  # its own: fine, again
    finally:
        await one.close()
        await two.close()
