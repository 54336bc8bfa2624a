"""``Engine``: what the app, the batch and the tests call — submit, cancel, retry,
recheck, remove, jobs/get/history, events, wait, preview_route, start/close.

Each step behind it has its own module (see the package docstring for a job's path)."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from typing import Any

from minimax_studio.api.errors import MiniMaxError
from minimax_studio.core.db import DatabaseError
from minimax_studio.core.engine.base import log
from minimax_studio.core.engine.events import snapshot
from minimax_studio.core.engine.kinds import ops_for
from minimax_studio.core.engine.leases import Leases
from minimax_studio.core.engine.poller import ENDED
from minimax_studio.core.engine.runs import JobRunsElsewhere
from minimax_studio.core.job_requests import InvalidRequest, request_cost, validate_request
from minimax_studio.core.jobs import FINAL_STATES, EventType, Job, JobEvent, JobKind, JobState
from minimax_studio.core.routing import RouteChoice, RoutePreview

__all__ = ["Engine"]


class Engine(Leases):
    # ===================================================================== lifecycle
    async def start(self, resume: Callable[[Job], bool] | None = None) -> None:
        """Pick up every unfinished job where it was (``resume`` narrows which: the batch
        command resumes only its own sheet's jobs) — except those another live process
        runs: they are taken over if that process stops (see ``leases``)."""
        if self._started:
            return
        self._started = True
        self._resume_filter = resume
        await self._adopt()
        self._dispatcher = asyncio.create_task(self._dispatch_loop(), name="engine-dispatch")
        self._leases = asyncio.create_task(self._lease_loop(), name="engine-leases")

    async def close(self) -> None:
        """Stop every task without touching job states, and release this engine's jobs:
        the next engine (here, or another window already open) resumes them at once.
        Closing twice is closing once."""
        if self._closed:
            return
        self._closed = True
        tasks = [r.task for r in self._runs if r.task is not None]
        tasks.extend(t for t in (self._dispatcher, self._leases) if t is not None)
        for t in tasks:
            t.cancel()
        for t in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        for run in self._runs:
            run.task = None
        try:
            await self._journal.release(self.owner_id)
        except (DatabaseError, sqlite3.Error):  # journal closed or stuck: the leases run out
            log.info("could not release job leases; they expire in %ss", self.config.lease_seconds)
        self._bus.close()

    # ===================================================================== submit
    async def submit(self, kind: JobKind | str, request: dict[str, Any], account: str | None = None,
                     *, batch_key: str | None = None, batch_row: int | None = None,
                     source: str = "app", validate: bool = True) -> Job:
        """Journal the job (before any request), then queue it. Raises InvalidRequest."""
        kind = JobKind(kind)
        request = {k: v for k, v in dict(request).items() if v is not None and v != ""}
        account = account or request.pop("account", None) or None
        if validate:
            problems = validate_request(kind, request)
            if problems:
                raise InvalidRequest(problems)
        label, min_credits = request_cost(kind, request)
        job = Job(id=0, kind=kind, state=JobState.QUEUED, request=request, cost=label,
                  pinned_account=account, batch_key=batch_key, batch_row=batch_row, source=source)
        await self._journal.create_job(job, message=f"{kind.value} job created",
                                       owner=self.owner_id, lease=self.config.lease_seconds)
        self._runs.add(job).min_credits = min_credits
        self._runs.enqueue(job.id)
        await self._bus.emit(job, EventType.QUEUED)
        self._wake.set()
        return snapshot(job)

    async def submit_many(self, items: Iterable[tuple[JobKind | str, dict[str, Any]]
                                              | tuple[JobKind | str, dict[str, Any], str | None]],
                          *, batch_key: str | None = None, source: str = "app") -> list[Job]:
        """Submit several jobs; all are validated before the first is journaled."""
        rows = [(JobKind(it[0]), dict(it[1]), it[2] if len(it) > 2 else None) for it in items]
        problems = [f"job {i + 1}: {p}" for i, (k, r, _) in enumerate(rows) for p in validate_request(k, r)]
        if problems:
            raise InvalidRequest(problems)
        return [await self.submit(k, r, a, batch_key=batch_key, batch_row=i, source=source, validate=False)
                for i, (k, r, a) in enumerate(rows)]

    async def preview_route(self, kind: JobKind | str, request: dict[str, Any],
                            account: str | None = None) -> RoutePreview:
        kind = JobKind(kind)
        label, min_credits = request_cost(kind, request)
        probe = Job(id=-1, kind=kind, state=JobState.QUEUED, request=dict(request),
                    pinned_account=account or request.get("account"))
        try:
            await self.router.refresh()
        except MiniMaxError as exc:
            return RoutePreview(None, exc.message, label)
        choice = self.router.choose(probe, slot_holders=self._slot_holders(), cost_min=min_credits,
                                    required_account=self._required_account(probe),
                                    prefer=await self._prefer_for(probe))
        if isinstance(choice, RouteChoice):
            return RoutePreview(choice.account, choice.reason, label, because=choice.because)
        return RoutePreview(None, choice.reason, label, blocked=choice.permanent)

    # ===================================================================== read
    async def jobs(self, kind: JobKind | str | None = None) -> list[Job]:
        found = await self._journal.jobs(kind=JobKind(kind) if kind else None)
        out = []
        for j in found:
            mine = self._runs.job(j.id)
            out.append(snapshot(mine) if mine is not None else j)
        return out

    async def get(self, job_id: int) -> Job | None:
        mine = self._runs.job(job_id)
        if mine is not None:
            return snapshot(mine)
        return await self._journal.get(job_id)

    async def history(self, job_id: int) -> list[Any]:
        return await self._journal.history(job_id)

    def events(self) -> AsyncIterator[JobEvent]:
        """Every job event from now on, until ``close``. Each call is its own subscription."""
        return self._bus.subscribe()

    async def wait(self, job_ids: Sequence[int], *, timeout: float | None = None,
                   settled: bool = False) -> list[Job]:
        """Wait until every job is final (or, with ``settled``, also needs attention).

        Jobs another process runs are re-read from the journal on every lease tick."""
        stop = set(FINAL_STATES) | ({JobState.NEEDS_ATTENTION} if settled else set())

        gone: set[int] = set()  # left the engine settled (or removed): they stay that way

        async def settled_now() -> bool:
            # Reads states in place: copying every job on every change of any job cost
            # ~70 ms per wake-up with 50 jobs. A job no longer active is read once.
            for i in job_ids:
                if i in gone:
                    continue
                job = self._runs.job(i)
                if job is None:
                    job = await self._journal.get(i)
                    if job is None or job.state in stop:
                        gone.add(i)
                        continue
                if job.state not in stop:
                    return False
                if job.state is JobState.NEEDS_ATTENTION and self._runs.working_on(i):
                    # Resumed (a rerun, a restart) or still retrying here: its reason may
                    # pass; only a job nobody works on is settled as "needs attention".
                    return False
            return True

        async def done() -> list[Job]:
            async with self._bus.changed:
                while not await settled_now():
                    await self._bus.changed.wait()
            jobs = [await self.get(i) for i in job_ids]
            return [j for j in jobs if j is not None]

        return await asyncio.wait_for(done(), timeout)

    # ===================================================================== act on a job
    async def recheck(self, job_id: int) -> Job:
        """Look at a needs-attention job on Hailuo again ("Check again"): poll it anew (its
        polling limit counts from now) and download what finished; a job whose create
        answer was lost is looked for on its account once more. Never sends a create."""
        run = self._runs.get(job_id)
        if run is None:
            stored = await self._journal.get(job_id)
            if stored is None:
                raise KeyError(job_id)
            if stored.state is not JobState.NEEDS_ATTENTION:
                return stored
            # resumes one with remote ids
            if not await self._claim_and_resume(stored, poll_from=self._clock()):
                raise JobRunsElsewhere(job_id)
            run = self._runs.get(job_id)
            if run is None:
                return await self.get(job_id) or stored
        elif run.job.state is JobState.NEEDS_ATTENTION and run.task is None:
            run.poll_from = self._clock()
            await self._resume(run.job)
        job = run.job
        if job.state is JobState.NEEDS_ATTENTION and run.task is None \
                and not job.remote_ids and job.create_sent_at is not None:
            self._look_again(job)
        return snapshot(job)

    async def cancel(self, job_id: int) -> Job:
        job = self._runs.job(job_id)
        if job is None:
            stored = await self._journal.get(job_id)
            if stored is None:
                raise KeyError(job_id)
            if stored.is_final:
                return stored
            # Not running here: take it over first (its owner stopped), or leave it to the
            # process that runs it — two processes must never both act on one job.
            if not await self._claim_and_resume(stored):
                raise JobRunsElsewhere(job_id)
            job = self._runs.job(job_id)
            if job is None:  # it ended while being taken over
                return await self.get(job_id) or stored
        if job.is_final:
            return snapshot(job)
        if job.state is JobState.SUBMITTING:
            # The create call is in flight: its answer decides what there is to cancel.
            job.cancel_requested = True
            await self._commit(job, None, "Cancel requested; waiting for the create call to answer.")
            return snapshot(job)
        await self._stop_task(job_id)
        self._runs.dequeue(job_id)
        await self._cancel_remote(job)
        await self._discard_partial(job)
        job.mark_cancelled("Cancelled by you.")
        await self._finish(job)
        return snapshot(job)

    async def _cancel_remote(self, job: Job) -> None:
        if job.state not in (JobState.SUBMITTED, JobState.PROCESSING, JobState.NEEDS_ATTENTION):
            return
        ops = ops_for(job.kind)
        for rid in job.remote_ids:
            if job.remote_status.get(rid) not in ENDED:
                await ops.cancel(self._client, rid)

    async def retry(self, job_id: int) -> Job:
        """A new job from the same request (the old one keeps its story)."""
        old = await self.get(job_id)
        if old is None:
            raise KeyError(job_id)
        if not (old.is_final or old.state is JobState.NEEDS_ATTENTION):
            raise ValueError("Only a finished job or one that needs attention can be retried.")
        return await self.submit(old.kind, copy.deepcopy(old.request), old.pinned_account,
                                 source=old.source)

    async def remove(self, job_id: int) -> None:
        job = self._runs.job(job_id) or await self._journal.get(job_id)
        if job is None:
            return
        if not job.is_final:
            if job.state is JobState.SUBMITTING:
                raise ValueError("The job is being sent right now; cancel it first.")
            job = await self.cancel(job_id)
        self._runs.pop(job_id)
        await self._journal.mark_removed(job_id)
        await self._bus.emit(job, EventType.REMOVED)

