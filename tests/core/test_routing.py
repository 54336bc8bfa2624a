"""Routing against the sandbox: free slots (videos count, images do not), credits, health,
the recorded reason — and maxJobs never exceeded with 200 jobs over 5 accounts."""

from __future__ import annotations

from pathlib import Path

import pytest

from minimax_studio.api.client import MiniMaxClient
from minimax_studio.core.jobs import Job, JobKind, JobState
from minimax_studio.core.routing import NoRoute, RouteChoice, Router
from minimax_studio.sandbox import Sandbox
from tests.core.engine_rig import make_rig, more_accounts

pytestmark = pytest.mark.asyncio


def _job(kind: JobKind = JobKind.VIDEO, **kw: object) -> Job:
    return Job(id=1, kind=kind, state=JobState.QUEUED, request={"prompt": "x", "model": "T2V-01"}, **kw)  # type: ignore[arg-type]


async def test_router_reads_slots_and_says_why(sandbox: Sandbox) -> None:
    async with MiniMaxClient(sandbox.token, sandbox.base_url) as client:
        router = Router(client)
        await router.refresh(force=True)
        choice = router.choose(_job(), slot_holders=[])
        assert isinstance(choice, RouteChoice)
        assert choice.account == sandbox.demo_account_id
        assert choice.reason == f"runs on account {sandbox.demo_account_id}: 3 free slots"
        # Our own jobs that the snapshot has not seen yet count against the slots.
        holders = []
        for i in range(3):
            j = _job()
            j.id = 10 + i
            j.route(sandbox.demo_account_id, "x")
            j.start_upload()
            holders.append(j)
        busy = router.choose(_job(), slot_holders=holders)
        assert isinstance(busy, NoRoute) and not busy.permanent and "busy" in busy.reason
        # Images do not use slots.
        img = router.choose(_job(JobKind.IMAGE), slot_holders=holders)
        assert isinstance(img, RouteChoice) and "do not use video slots" in img.reason


async def test_credits_and_broken_sessions_steer_the_choice(sandbox: Sandbox) -> None:
    poor, broken = more_accounts(sandbox, 2, max_jobs=5)
    sandbox.set_account(poor, credits=3)
    sandbox.set_account(broken, error="session expired")
    async with MiniMaxClient(sandbox.token, sandbox.base_url) as client:
        router = Router(client)
        await router.refresh(force=True)
        choice = router.choose(_job(), slot_holders=[], cost_min=25)
        assert isinstance(choice, RouteChoice) and choice.account == sandbox.demo_account_id
        pinned = router.choose(_job(), slot_holders=[], cost_min=25, required_account=poor)
        assert isinstance(pinned, NoRoute) and pinned.permanent and "3 credits" in pinned.reason
        router.pause(sandbox.demo_account_id, "no_credits", "out of credits (412)", 60)
        none = router.choose(_job(), slot_holders=[], cost_min=25)
        assert isinstance(none, NoRoute) and none.permanent
        assert "out of credits (412)" in none.reason and "session expired" in none.reason


async def test_preview_route_before_submit(sandbox: Sandbox, tmp_path: Path) -> None:
    async with make_rig(sandbox, tmp_path) as rig:
        preview = await rig.engine.preview_route("video", {"model": "T2V-01", "prompt": "x"})
        assert preview.account == sandbox.demo_account_id
        assert "free slot" in preview.reason
        assert preview.cost and "credit" in preview.cost
        assert not rig.creates()


async def test_max_jobs_never_exceeded_with_200_jobs_over_5_accounts(tmp_path: Path) -> None:
    with Sandbox(speed=2000.0, seed=7, demo_account=False) as sb:
        accounts = [sb.add_account(max_jobs=m, credits=100000) for m in (1, 2, 2, 3, 1)]
        async with make_rig(sb, tmp_path, poll_initial=0.02, poll_interval=0.03, route_refresh=0.02) as rig:
            jobs = await rig.engine.submit_many(
                [("video", {"model": "T2V-01", "prompt": f"shot {i}"}) for i in range(200)])
            done = await rig.engine.wait([j.id for j in jobs], timeout=60)
            assert all(j.state is JobState.COMPLETED for j in done), {j.reason for j in done}
            creates = rig.creates()
            assert len(creates) == 200
            # The sandbox enforces maxJobs itself and answers 429 when a create would exceed
            # it: no 429 means our routing never sent more than the account could take.
            assert [c.status for c in creates if c.status != 200] == []
            used = {c.body["account"] for c in creates}
            assert used == set(accounts)
