"""The dispatch queue: jobs wait here (in ``Runs``' order) until the router finds an
account with a free slot and enough credits, then each gets its pipeline task. A job
that cannot run anywhere fails with the reason; one that must wait says why."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

from minimax_studio.api.errors import AuthenticationError, MiniMaxError, UploadRejectedError
from minimax_studio.core.contact import is_unreachable
from minimax_studio.core.engine.base import log
from minimax_studio.core.engine.pipeline import Pipeline
from minimax_studio.core.engine.runs import JobRun, JobRunsElsewhere
from minimax_studio.core.jobs import EventType, Job, file_id_account, file_slots
from minimax_studio.core.routing import NoRoute

__all__ = ["Dispatch"]


class Dispatch(Pipeline):
    def _slot_holders(self) -> list[Job]:
        return [j for j in self._runs.jobs() if j.holds_slot]

    def _required_account(self, job: Job) -> str | None:
        owners = {file_id_account(v) for v in file_slots(job.request).values()} - {None}
        return next(iter(owners)) if len(owners) == 1 else None

    async def _prefer_for(self, job: Job) -> dict[str, int]:
        run = self._runs.get(job.id) if job.id > 0 else None
        cached = run.prefer if run is not None else None
        if cached is None:
            try:
                hashes = await self._uploads.hashes(job.request)
            except UploadRejectedError:
                hashes = []
            cached = await self._journal.accounts_with_files(hashes)
            run = self._runs.get(job.id) if job.id > 0 else None
            if run is not None:
                run.prefer = cached
        return cached

    async def _dispatch_loop(self) -> None:
        while not self._closed:
            self._wake.clear()
            try:
                delay = await self._dispatch_once()
            except asyncio.CancelledError:
                raise
            except JobRunsElsewhere:
                delay = 0.0  # that job left the queue (_lose); route the others now
            except Exception:  # the dispatcher must survive anything; the job shows why
                log.exception("dispatcher round failed")
                delay = self.config.route_refresh
            if delay is None:
                await self._wake.wait()
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=delay)

    async def _dispatch_once(self) -> float | None:
        if not self._runs.any_queued():
            return None
        async with self._dispatch_lock:
            try:
                await self.router.refresh()
            except AuthenticationError as exc:
                for run in self._queued():
                    await self._fail_queued(run.job, exc.message)
                return None
            except MiniMaxError as exc:
                if is_unreachable(exc):
                    reason = self.contact.unreachable(exc, self.config.route_refresh)
                else:
                    self.contact.answered()
                    reason = f"Waiting: cannot read account capacity ({exc.message})"
                for run in self._queued():
                    await self._note_waiting(run.job, reason)
                return self.config.route_refresh
            self.contact.answered()
            now = self._clock()
            next_at: float | None = None
            for run in self._queued():
                job = run.job
                nb = run.not_before
                if nb > now:
                    next_at = min(next_at or nb, nb)
                    continue
                prefer = await self._prefer_for(job)
                if not self._runs.is_queued(job.id):
                    continue  # taken over by another process meanwhile (_lose)
                choice = self.router.choose(job, slot_holders=self._slot_holders(),
                                            cost_min=run.min_credits,
                                            required_account=self._required_account(job),
                                            prefer=prefer)
                if isinstance(choice, NoRoute):
                    if choice.permanent:
                        await self._fail_queued(job, "Not sent: " + choice.reason)
                    else:
                        await self._note_waiting(job, choice.reason)
                    continue
                self._runs.dequeue(job.id)
                run.not_before = 0.0
                job.route(choice.account, choice.reason)
                job.start_upload()
                await self._commit(job, EventType.UPLOADING, choice.reason)
                self._spawn(job, self._run(job))
            if not self._runs.any_queued():
                return None
            wait = self.config.route_refresh
            if next_at is not None:
                wait = min(wait, max(0.01, next_at - self._clock()))
            return wait

    def _queued(self) -> Iterator[JobRun]:
        """The queue in order, skipping jobs that left it meanwhile (taken over elsewhere)."""
        for run in self._runs.queued():
            if self._runs.get(run.job.id) is run and run.queued:
                yield run

    async def _fail_queued(self, job: Job, reason: str) -> None:
        self._runs.dequeue(job.id)
        job.mark_failed(reason)
        await self._finish(job)

    async def _note_waiting(self, job: Job, reason: str) -> None:
        if job.reason != reason:
            job.reason = reason
            await self._commit(job, None, reason, history=True, event_type=EventType.QUEUED)
