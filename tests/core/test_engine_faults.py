"""Every documented fault ends as a readable outcome — and a paid create is never sent
twice (asserted on what the sandbox received)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from minimax_studio.api.client import MiniMaxClient
from minimax_studio.core.jobs import JobState
from minimax_studio.sandbox import Sandbox
from tests.core.engine_rig import make_rig, more_accounts

pytestmark = pytest.mark.asyncio

T2V = {"model": "T2V-01", "prompt": "waves at night"}


def _jobs_in_sandbox(sandbox: Sandbox, prompt: str) -> list[object]:
    return [j for j in sandbox.state.jobs.values() if j.prompt == prompt]


async def test_400_fails_with_the_servers_reason_and_is_not_resent(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.faults.add("videos/create", 400, times=1, message="options 999p is not supported")
    async with make_rig(sandbox, tmp_path) as rig:
        job = await rig.run("video", T2V)
        assert job.state is JobState.FAILED
        assert job.reason and "999p" in job.reason
        assert len(rig.creates()) == 1


async def test_401_is_a_readable_failure_and_the_token_never_appears(sandbox: Sandbox, tmp_path: Path) -> None:
    bad = "user:1-wrongtoken123"
    client = MiniMaxClient(bad, sandbox.base_url)
    async with make_rig(sandbox, tmp_path, client=client) as rig:
        job = await rig.engine.submit("video", T2V)
        (done,) = await rig.engine.wait([job.id], timeout=10, settled=True)
        assert done.state is JobState.FAILED
        assert done.reason and "token" in done.reason.lower()
        assert bad not in done.reason
        assert not rig.creates()  # refused at routing; nothing paid
        story = " ".join(str(h.message) for h in await rig.journal.history(job.id))
        assert bad not in story


async def test_404_after_completion_is_moderation(sandbox: Sandbox, tmp_path: Path) -> None:
    # Hailuo removes the finished video a little after completion; the first poll comes
    # later (as after an app restart), so all it ever sees is the 404.
    async with make_rig(sandbox, tmp_path, poll_initial=2.0) as rig:
        job = await rig.run("video", {"model": "T2V-01", "prompt": "a parade sandbox:postmod"})
        assert job.state is JobState.MODERATED
        assert job.reason and "404" in job.reason and "moderation" in job.reason
        assert job.library_item_ids == []


async def test_moderated_outcome_and_failed_outcome_are_distinct(sandbox: Sandbox, tmp_path: Path) -> None:
    async with make_rig(sandbox, tmp_path) as rig:
        a = await rig.engine.submit("video", {"model": "T2V-01", "prompt": "a face sandbox:face"})
        b = await rig.engine.submit("video", {"model": "T2V-01", "prompt": "boom sandbox:fail"})
        done = {j.id: j for j in await rig.engine.wait([a.id, b.id], timeout=20)}
        assert done[a.id].state is JobState.MODERATED
        assert done[b.id].state is JobState.FAILED and "failed" in (done[b.id].reason or "")


async def test_422_at_create_is_moderated_and_not_retried(sandbox: Sandbox, tmp_path: Path) -> None:
    async with make_rig(sandbox, tmp_path) as rig:
        job = await rig.run("video", {"model": "T2V-01", "prompt": "gore sandbox:moderate"})
        assert job.state is JobState.MODERATED
        assert job.reason and "422" in job.reason
        assert len(rig.creates()) == 1


@pytest.mark.parametrize("status", [412, 596])
async def test_412_and_596_pause_the_account_and_the_job_is_rerouted(
        sandbox: Sandbox, tmp_path: Path, status: int) -> None:
    (other,) = more_accounts(sandbox, 1, max_jobs=1)
    # The demo account has 3 slots, the other 1: routing tries the demo account first.
    sandbox.faults.add("videos/create", status, times=1)
    async with make_rig(sandbox, tmp_path, check_credits=False) as rig:
        job = await rig.run("video", T2V)
        assert job.state is JobState.COMPLETED, job.reason
        first, second = rig.creates()
        assert first.body["account"] == sandbox.demo_account_id
        assert second.body["account"] == other and job.account == other
        paused = rig.engine.router.accounts[sandbox.demo_account_id]
        assert paused.pause_reason and str(status) in paused.pause_reason
        requeued = [e for e in rig.events if e.type == "queued" and e.message and str(status) in e.message]
        assert requeued, "the user is told why the job moved"
        # A second job does not go near the paused account.
        job2 = await rig.run("video", dict(T2V, prompt="second"))
        assert job2.account == other


async def test_pinned_account_that_is_paused_fails_with_the_reason(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.faults.add("videos/create", 412, times=1)
    async with make_rig(sandbox, tmp_path, check_credits=False) as rig:
        job = await rig.run("video", T2V, account=sandbox.demo_account_id)
        assert job.state is JobState.FAILED
        assert job.reason and "412" in job.reason
        assert len(rig.creates()) == 1


async def test_429_storm_on_create_waits_and_creates_exactly_once(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.faults.add("videos/create", 429, times=6)
    async with make_rig(sandbox, tmp_path) as rig:
        job = await rig.run("video", T2V)
        assert job.state is JobState.COMPLETED, job.reason
        assert len(rig.creates()) == 7
        assert len(_jobs_in_sandbox(sandbox, T2V["prompt"])) == 1


@pytest.mark.parametrize("status", [502, 504])
async def test_502_504_that_still_created_the_job_is_reconciled_not_resent(
        sandbox: Sandbox, tmp_path: Path, status: int) -> None:
    sandbox.faults.add("videos/create", status, times=1, create_anyway=True)
    async with make_rig(sandbox, tmp_path) as rig:
        job = await rig.run("video", T2V)
        assert job.state is JobState.COMPLETED, job.reason
        assert len(rig.creates()) == 1  # never double-submitted
        (made,) = _jobs_in_sandbox(sandbox, T2V["prompt"])
        assert job.remote_ids == [made.composite_id]  # type: ignore[attr-defined]
        story = " ".join(str(h.message) for h in await rig.journal.history(job.id))
        assert "not sent again" in story


async def test_502_that_created_nothing_needs_attention_and_is_not_resent(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.faults.add("videos/create", 502, times=1)
    async with make_rig(sandbox, tmp_path) as rig:
        job = await rig.run("video", T2V)
        assert job.state is JobState.NEEDS_ATTENTION
        assert job.reason and job.reason.startswith("Unknown") and "before retrying" in job.reason
        assert len(rig.creates()) == 1
        # Retry is the user's call: a new job from the same request.
        again = await rig.engine.retry(job.id)
        (done,) = await rig.engine.wait([again.id], timeout=20)
        assert done.state is JobState.COMPLETED and done.request == job.request
        assert len(rig.creates()) == 2


async def test_reconcile_never_adopts_another_jobs_video(sandbox: Sandbox, tmp_path: Path) -> None:
    async with make_rig(sandbox, tmp_path) as rig:
        first = await rig.run("video", T2V)
        assert first.state is JobState.COMPLETED
        sandbox.faults.add("videos/create", 504, times=1)  # the same prompt, nothing created
        second = await rig.run("video", T2V)
        assert second.state is JobState.NEEDS_ATTENTION
        assert second.remote_ids == []


@pytest.mark.parametrize("fault", [
    pytest.param({}, id="slow-reply"),
    pytest.param({"status": 504, "create_anyway": True}, id="slow-504-that-still-queued"),
])
async def test_timeout_on_create_is_reconciled_and_never_resent(
        sandbox: Sandbox, tmp_path: Path, fault: dict[str, object]) -> None:
    # Hailuo accepts the job but its reply comes after the client stopped waiting (the
    # sandbox creates the job before the latency, like the real service). The engine must
    # find it by reconciling, never send it again, and finish it.
    sandbox.faults.add("videos/create", times=1, latency=1.5, **fault)  # type: ignore[arg-type]
    client = MiniMaxClient(sandbox.token, sandbox.base_url, timeout=0.5)
    async with make_rig(sandbox, tmp_path, client=client, reconcile_delay=0.5) as rig:
        job = await rig.run("video", T2V)
        assert job.state is JobState.COMPLETED, job.reason
        assert len(rig.creates()) == 1
        (made,) = _jobs_in_sandbox(sandbox, T2V["prompt"])
        assert job.remote_ids == [made.composite_id]  # type: ignore[attr-defined]
        story = [(h.event, h.message or "") for h in await rig.journal.history(job.id)]
        lost = next(i for i, (_, msg) in enumerate(story) if msg.startswith("create answer lost"))
        found = next(i for i, (_, msg) in enumerate(story) if msg.startswith("Found on account"))
        assert lost < found and story[-1][0] == "completed"
        item = await rig.library.get(job.library_item_ids[0])
        assert item is not None and item.path.is_file()


async def test_malformed_json_on_create_is_reconciled(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.faults.add("videos/create", body="malformed", times=1, create_anyway=True)
    async with make_rig(sandbox, tmp_path) as rig:
        job = await rig.run("video", T2V)
        assert job.state is JobState.COMPLETED, job.reason
        assert len(rig.creates()) == 1


async def test_poll_storms_back_off_and_the_job_still_completes(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.faults.add("videos/{videoId}", 429, times=3)
    sandbox.faults.add("videos/{videoId}", 502, times=2)
    sandbox.faults.add("videos/{videoId}", body="malformed", times=2)
    async with make_rig(sandbox, tmp_path) as rig:
        job = await rig.run("video", T2V)
        assert job.state is JobState.COMPLETED, job.reason
        assert len(rig.creates()) == 1


async def test_a_download_cut_midway_resumes_to_a_whole_file(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.faults.add("cdn", drop_after=1500, times=1)
    async with make_rig(sandbox, tmp_path) as rig:
        job = await rig.run("video", T2V)
        assert job.state is JobState.COMPLETED, job.reason
        item = await rig.library.get(job.library_item_ids[0])
        assert item is not None
        ranged = [h for h in sandbox.core.cdn_received if h.range]
        assert ranged, "the second attempt continued with a Range request"
        assert not any(h.authorization_sent for h in sandbox.core.cdn_received)
        original = (Path(__file__).resolve().parents[2] / "resources" / "sandbox")
        sizes = {p.stat().st_size for p in original.glob("clip_*.mp4")}
        assert item.path.stat().st_size in sizes
        assert not list(rig.library.root.rglob("*.part"))


async def test_cancel_stops_the_job_remotely_and_frees_the_slot(sandbox: Sandbox, tmp_path: Path) -> None:
    async with make_rig(sandbox, tmp_path) as rig:
        job = await rig.engine.submit("video", {"model": "T2V-01", "prompt": "long one sandbox:slow"})
        for _ in range(200):
            current = await rig.engine.get(job.id)
            if current and current.state in (JobState.SUBMITTED, JobState.PROCESSING):
                break
            await asyncio.sleep(0.02)
        cancelled = await rig.engine.cancel(job.id)
        assert cancelled.state is JobState.CANCELLED
        assert rig.received("POST", "/videos/cancel")
        assert rig.received("DELETE", "/scheduler/")
        polls = len(rig.received("GET", "/videos/user:"))
        await asyncio.sleep(0.3)
        assert len(rig.received("GET", "/videos/user:")) == polls  # no poll after final
        await rig.engine.remove(job.id)
        assert job.id not in [j.id for j in await rig.engine.jobs()]
        assert (await rig.journal.history(job.id))[-1].event == "removed"


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
async def test_cancel_right_as_the_job_is_sent_leaves_no_unawaited_coroutine(sandbox: Sandbox, tmp_path: Path) -> None:
    """Cancelled on its "uploading" event — its task created but not yet run: the job ends
    cancelled and nothing is left half-made ("coroutine … was never awaited")."""
    import gc

    from minimax_studio.core.jobs import EventType

    async with make_rig(sandbox, tmp_path) as rig:
        events = rig.engine.events()
        job = await rig.engine.submit("video", {"model": "T2V-01", "prompt": "cancelled at once"})
        async for ev in events:
            if ev.job.id == job.id and ev.type is EventType.UPLOADING:
                # No await between the event and the cancel: the job's task has not started.
                cancelled = await rig.engine.cancel(job.id)
                break
        await events.aclose()
        assert cancelled.state is JobState.CANCELLED
        assert not rig.creates(), "nothing was sent for a job cancelled before it started"
        gc.collect()  # an unawaited coroutine warns when collected
