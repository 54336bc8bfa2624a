"""Issue 9 case 3: polling always ends. ``statusFinal: true`` ends it whatever the status
(an undocumented final code fails the job in the server's words), and every job has an
upper bound on how long it is polled, past which it needs attention and Retry-check
looks again — without ever sending anything twice. Real sandbox over HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest

from minimax_studio.core.jobs import JobState
from minimax_studio.sandbox import Sandbox
from tests.core.engine_rig import make_rig

pytestmark = pytest.mark.asyncio


async def test_an_undocumented_final_status_ends_the_job_in_the_servers_words(
        sandbox: Sandbox, tmp_path: Path) -> None:
    # The sandbox ends this one with status 9 "expired", statusFinal true (not in the docs).
    async with make_rig(sandbox, tmp_path) as rig:
        job = await rig.run("video", {"model": "T2V-01", "prompt": "a comet sandbox:oddfinal"}, timeout=15)
        assert job.state is JobState.FAILED, job.reason
        assert job.reason and "status 9" in job.reason and "expired" in job.reason
        assert "This generation expired" in job.reason  # the server's message, as it said it
        assert len(rig.creates()) == 1 and job.library_item_ids == []
        polls = len(rig.received("GET", "/videos/user:"))
        await rig.engine.wait([job.id], timeout=1)
        assert len(rig.received("GET", "/videos/user:")) == polls  # polling stopped


async def test_a_job_past_its_polling_limit_needs_attention_and_retry_check_looks_again(
        sandbox: Sandbox, tmp_path: Path) -> None:
    async with make_rig(sandbox, tmp_path, poll_limit_video=1.0) as rig:
        job = await rig.run("video", {"model": "T2V-01", "prompt": "a glacier sandbox:stuck"}, timeout=15)
        assert job.state is JobState.NEEDS_ATTENTION, job.reason
        assert job.reason and "Still not finished after 1 s of checking" in job.reason
        assert "Check again" in job.reason and job.remote_ids
        polls = len(rig.received("GET", "/videos/user:"))
        # "Check again" (Retry-check): polled again for another full limit, never created again.
        await rig.engine.recheck(job.id)
        (again,) = await rig.engine.wait([job.id], timeout=15, settled=True)
        assert again.state is JobState.NEEDS_ATTENTION and "Still not finished" in (again.reason or "")
        assert len(rig.received("GET", "/videos/user:")) > polls
        assert len(rig.creates()) == 1


async def test_a_restart_checks_a_job_that_passed_its_limit_once_more(sandbox: Sandbox, tmp_path: Path) -> None:
    async with make_rig(sandbox, tmp_path, poll_limit_video=0.5) as rig:
        job = await rig.run("video", {"model": "T2V-01", "prompt": "a slow tide sandbox:slow"}, timeout=15)
        assert job.state is JobState.NEEDS_ATTENTION, job.reason
        # Hailuo finished it meanwhile; the next session looks again and files it.
        await rig.restart(poll_limit_video=600.0)
        (done,) = await rig.engine.wait([job.id], timeout=30, settled=True)
        assert done.state is JobState.COMPLETED, done.reason
        assert len(done.library_item_ids) == 1 and len(rig.creates()) == 1


async def test_a_restart_resumes_a_download_that_failed_on_every_attempt(sandbox: Sandbox, tmp_path: Path) -> None:
    # Issue 9 case 5, the app's side: the video was generated (paid), every download
    # attempt failed. The next session must fetch it — not end it as "no download link".
    broken = sandbox.faults.add("cdn", 500)
    async with make_rig(sandbox, tmp_path, download_attempts=2) as rig:
        job = await rig.run("video", {"model": "T2V-01", "prompt": "a lighthouse"}, timeout=15)
        assert job.state is JobState.NEEDS_ATTENTION and "download" in (job.reason or "")
        sandbox.faults.remove(broken)
        await rig.restart()
        (done,) = await rig.engine.wait([job.id], timeout=20, settled=True)
        assert done.state is JobState.COMPLETED, done.reason
        assert len(done.library_item_ids) == 1 and len(rig.creates()) == 1


async def test_check_again_looks_for_a_lost_create_once_more_and_never_sends(
        sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.faults.add("videos/create", 502, times=1)  # answered 502, nothing made (yet)
    prompt = "a paper boat"
    async with make_rig(sandbox, tmp_path) as rig:
        job = await rig.run("video", {"model": "T2V-01", "prompt": prompt}, timeout=15)
        assert job.state is JobState.NEEDS_ATTENTION and (job.reason or "").startswith("Unknown")
        # Hailuo shows it late (as it may after a 502): made on the account meanwhile.
        late = await rig.client.videos.create({"model": "T2V-01", "prompt": prompt,
                                               "account": sandbox.demo_account_id})
        await rig.engine.recheck(job.id)
        (done,) = await rig.engine.wait([job.id], timeout=20, settled=True)
        assert done.state is JobState.COMPLETED, done.reason
        assert done.remote_ids == [late.videoId]
        assert len(rig.creates()) == 2  # the engine's one (502) and the late one: none resent
