"""Leases: which engine runs which unfinished job when several share one journal (the
app, a second window, a batch). An engine owns the jobs it creates and those it claims
(``Journal.claim``), renews all its leases every ``lease_renew`` seconds, and on the same
tick takes over the jobs it may resume that nobody holds. ``_resume`` puts a job back
where it was: queued, reconciling, polling or downloading."""

from __future__ import annotations

import asyncio
import time

from minimax_studio.core.engine.base import _stop, log
from minimax_studio.core.engine.dispatch import Dispatch
from minimax_studio.core.engine.runs import JobRunsElsewhere
from minimax_studio.core.job_requests import request_cost
from minimax_studio.core.jobs import EventType, Job, JobState, event_type_for

__all__ = ["Leases"]


class Leases(Dispatch):
    async def _lease_loop(self) -> None:
        while not self._closed:
            # Wall-clock sleep, not self._sleep: leases are compared with time.time().
            await asyncio.sleep(self.config.lease_renew)
            try:
                await self._renew()
                await self._adopt()
            except asyncio.CancelledError:
                raise
            except Exception:  # a busy or closing journal: the next tick tries again
                log.exception("lease round failed")
            await self._bus.notify()  # wait() re-reads the jobs another process runs

    async def _renew(self) -> None:
        mine = self._runs.ids()
        if not mine:
            return
        kept = await self._journal.renew(self.owner_id, self.config.lease_seconds)
        for job_id in mine - kept:
            job = self._runs.job(job_id)
            # A job that ended meanwhile released its lease itself: not a loss.
            if job is not None and not job.is_final:
                await self._lose(job_id)

    async def _lose(self, job_id: int) -> None:
        """Another process took the job over (our lease ran out: this one was suspended or
        stalled that long). Stop working on it and write nothing — it continues there."""
        log.warning("job %s: taken over by another MiniMax Studio process; stopping here", job_id)
        run = self._runs.pop(job_id)
        self._foreign[job_id] = None  # listeners hear its state on the next tick
        if run is not None:
            task, run.task = run.task, None
            await _stop(task)

    async def _adopt(self) -> None:
        """Claim and resume every unfinished job this engine may resume that nobody holds
        (released, or its owner's lease ran out); tell listeners what changed in the jobs
        another process runs — the only news they get of them."""
        now_ = time.time()
        seen: set[int] = set()
        for job in await self._journal.jobs(unfinished=True):
            if job.id in self._runs or (self._resume_filter is not None and not self._resume_filter(job)):
                continue
            if job.owner is None or (job.lease_until or 0.0) < now_:
                try:
                    if await self._claim_and_resume(job):
                        continue
                except JobRunsElsewhere:
                    continue  # claimed, then lost at once: the next tick sees who has it
            seen.add(job.id)
            if self._foreign.get(job.id) != job.updated_at:
                self._foreign[job.id] = job.updated_at
                await self._bus.emit(job, event_type_for(job.state))
        for job_id in [i for i in self._foreign if i not in seen]:
            del self._foreign[job_id]
            # Finished (or removed) by the process that ran it, or taken over by us.
            ended = await self._journal.get(job_id) if job_id not in self._runs else None
            if ended is not None:
                # Removed over there: listeners drop the row here too.
                removed = await self._journal.is_removed(job_id)
                await self._bus.emit(ended, EventType.REMOVED if removed else event_type_for(ended.state))

    async def _claim_and_resume(self, job: Job, *, poll_from: float | None = None) -> bool:
        """Make ``job`` ours and resume it (its polling limit counting from ``poll_from``
        when given). False when another live process holds it."""
        claimed = await self._journal.claim(job.id, self.owner_id, self.config.lease_seconds)
        if claimed is None:
            return False
        if claimed.id in self._runs:
            return True  # claimed twice at once (a tick and a user's cancel): resumed once
        was_foreign = claimed.id in self._foreign
        self._foreign.pop(claimed.id, None)
        # In _runs before anything is awaited: nothing else here resumes it again.
        run = self._runs.add(claimed)
        if poll_from is not None:
            run.poll_from = poll_from
        if job.owner not in (None, self.owner_id):
            await self._commit(claimed, None, "taken over: the MiniMax Studio process that ran it "
                               "stopped without handing it back (its lease ran out)", history=True)
        if not claimed.is_final:  # (a cancel may have ended it during that write)
            await self._resume(claimed)
        if was_foreign:  # listeners saw it run elsewhere: it runs here now
            await self._bus.emit(claimed, event_type_for(claimed.state))
        return True

    async def _resume(self, job: Job) -> None:
        run = self._runs.add(job)
        _, run.min_credits = request_cost(job.kind, job.request)
        state = job.state
        if state is JobState.QUEUED:
            self._runs.enqueue(job.id)
            self._wake.set()
        elif state is JobState.UPLOADING or (state is JobState.SUBMITTING and job.create_sent_at is None):
            # Why: nothing was created yet (the create call had not been sent), so routing
            # it again — possibly to another account — cannot pay twice.
            job.requeue("Restarted before the job was sent; queued again.")
            await self._commit(job, EventType.QUEUED)
            self._runs.enqueue(job.id)
            self._wake.set()
        elif state is JobState.SUBMITTING:
            # Why: the create call was sent but its answer never arrived (crash, kill).
            # Hailuo may have created it: look before anything is sent again.
            self._spawn(job, self._reconcile_then_poll(job, "the app stopped before the create call answered"))
        elif state in (JobState.SUBMITTED, JobState.PROCESSING):
            self._spawn(job, self._poll_then_download(job))
        elif state is JobState.DOWNLOADING:
            # Why: refresh the URLs first — CDN links may have expired (or the sandbox
            # moved ports) while we were down; the .part file resumes by Range.
            self._spawn(job, self._download_then_finish(job, refresh_urls=True))
        elif state is JobState.NEEDS_ATTENTION and job.remote_ids:
            # Why: it exists remotely (ids known) and was stuck on errors we could not get
            # past (token, downloads); a new session may get past them.
            self._spawn(job, self._poll_then_download(job))
