"""What every part of the engine shares: its state (the ``Runs``, the event bus, the
semaphores, the injected sleep and clock) and the bookkeeping every step goes through —
journal first (``_save`` / ``_commit``), then tell listeners; spawn, stop and finish a
job's task; put a job back in the queue."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from typing import Any

from minimax_studio.api.client import MiniMaxClient
from minimax_studio.api.errors import InsufficientCreditsError, MiniMaxError
from minimax_studio.core.contact import Contact
from minimax_studio.core.engine.events import EventBus
from minimax_studio.core.engine.kinds import RemoteItem, ops_for
from minimax_studio.core.engine.runs import JobRunsElsewhere, Runs
from minimax_studio.core.engine_config import EngineConfig
from minimax_studio.core.jobs import EventType, Job, JobState, event_type_for
from minimax_studio.core.journal import Journal
from minimax_studio.core.library import Library
from minimax_studio.core.reconcile import Reconciler
from minimax_studio.core.routing import PauseReason, Router
from minimax_studio.core.uploads import Uploads

#: One logger for the whole engine (its parts log as "the engine").
log = logging.getLogger("minimax_studio.core.engine")

Sleep = Callable[[float], Awaitable[Any]]
Clock = Callable[[], float]


class EngineBase:
    def __init__(self, client: MiniMaxClient, journal: Journal, library: Library, *, config: EngineConfig | None = None,
                 sleep: Sleep = asyncio.sleep, router: Router | None = None,
                 clock: Clock | None = None) -> None:
        self._client = client
        self._journal = journal
        self._library = library
        self.config = config or EngineConfig()
        cfg = self.config
        #: Every wait between polls, retries and reconcile looks (a test may pass its own).
        self._sleep = sleep
        #: Every "now" the engine's loops measure intervals with (monotonic seconds).
        self._clock: Clock = clock or time.monotonic
        self.router = router or Router(client, refresh_interval=cfg.route_refresh,
                                       check_credits=cfg.check_credits, clock=self._clock)
        self._uploads = Uploads(client, journal)
        self._reconciler = Reconciler(client, window=cfg.reconcile_window)
        #: Whether the API answers; its waiting reason is what the batch prints.
        self.contact = Contact(str(getattr(client, "base_url", "") or "the API"), clock=self._clock)
        #: The jobs this engine runs, one record each, and the dispatch queue's order.
        self._runs = Runs()
        #: Jobs whose create call is on the wire right now (its answer decides its ids).
        self._in_flight: dict[int, Job] = {}
        self._bus = EventBus()
        self._wake = asyncio.Event()
        self._download_sem = asyncio.Semaphore(cfg.max_concurrent_downloads)
        self._upload_sem = asyncio.Semaphore(cfg.max_concurrent_uploads)
        self._dispatch_lock = asyncio.Lock()
        self._closed = False
        #: This engine's name in the journal's ``owner`` column. The random part keeps two
        #: engines in one process (tests) and a reused pid apart.
        self.owner_id = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._started = False
        self._resume_filter: Callable[[Job], bool] | None = None
        #: Unfinished jobs another engine runs → their ``updated_at`` when last emitted (not
        #: jobs of ours, so not in ``_runs``: only what listeners were last told of them).
        self._foreign: dict[int, datetime | None] = {}
        self._dispatcher: asyncio.Task[None] | None = None
        self._leases: asyncio.Task[None] | None = None

    # Compatibility for code (and tests) that looked at the running jobs by id.
    @property
    def _active(self) -> dict[int, Job]:
        return {r.job.id: r.job for r in self._runs}

    # ----------------------------------------------------------------- implemented elsewhere
    async def cancel(self, job_id: int) -> Job:  # the facade
        raise NotImplementedError

    async def _lose(self, job_id: int) -> None:  # leases
        raise NotImplementedError

    # ----------------------------------------------------------------- journal, then events
    async def _save(self, job: Job, event: str | None = None, message: str | None = None) -> None:
        """Every journal write for a job comes here: it applies only while this engine still
        owns the job. Guarded on the owner, not on the lease's time: a lease that ran out
        while nobody took the job (laptop asleep, loop stalled) is still ours, so a normal
        run never loses a write. Only a job another process has taken over refuses it —
        then we stop (raise) instead of overwriting what the new owner writes."""
        if not await self._journal.save(job, event, message, owner=self.owner_id):
            await self._lose(job.id)
            raise JobRunsElsewhere(job.id)

    async def _commit(self, job: Job, event: EventType | None, message: str | None = None, *,
                      history: bool | None = None, event_type: EventType | None = None) -> None:
        """Journal first, then tell listeners: an event is never ahead of the journal."""
        write_history = event is not None if history is None else history
        await self._save(job, (event.value if event else "note") if write_history else None, message)
        ev = event or event_type
        if ev is not None:
            await self._bus.emit(job, ev, message)
        else:
            await self._bus.notify()

    async def _attention(self, job: Job, reason: str) -> None:
        """Needs attention with ``reason`` (already needing it: a new reason)."""
        if job.state is JobState.NEEDS_ATTENTION:
            job.reason = reason
        else:
            job.needs_attention(reason)
        await self._commit(job, EventType.NEEDS_ATTENTION)

    async def _finish(self, job: Job) -> None:
        """The job ended: journal and announce it, then drop its record."""
        if ops_for(job.kind).holds_route_slot:
            for rid in job.remote_ids:
                self.router.release(rid)
        run = self._runs.get(job.id)
        if run is not None:  # nothing of it is needed past this point
            run.queue_pos, run.not_before, run.prefer, run.poll_from = None, 0.0, None, None
        await self._commit(job, event_type_for(job.state))
        self._runs.pop(job.id)
        self._wake.set()  # a slot may be free now

    async def _get_remote(self, job: Job, rid: str) -> RemoteItem:
        return await ops_for(job.kind).get(self._client, rid)

    # ----------------------------------------------------------------- tasks
    def _spawn(self, job: Job, coro: Coroutine[Any, Any, None]) -> None:
        async def runner() -> None:
            try:
                await coro
            except asyncio.CancelledError:
                raise
            except JobRunsElsewhere:
                pass  # another process continues it (_lose said so in the log)
            except Exception as exc:  # never a lost job: the reason is on it
                log.exception("job %s crashed", job.id)
                if not job.is_final:
                    msg = f"Stopped by an internal error: {exc}. Retry or check the account."
                    if job.state is not JobState.NEEDS_ATTENTION:
                        job.needs_attention(msg)
                    with contextlib.suppress(JobRunsElsewhere):
                        await self._commit(job, EventType.NEEDS_ATTENTION, msg)
            finally:
                run = self._runs.get(job.id)
                if run is not None and run.task is asyncio.current_task():
                    run.task = None

        task = asyncio.create_task(runner(), name=f"job-{job.id}")
        # A task cancelled before its first step never enters ``runner``, so ``coro`` was
        # never awaited (Python warns when it is collected): close it once the task is done.
        # Closing a coroutine that already ran to its end does nothing.
        task.add_done_callback(lambda _t: coro.close())
        self._runs.add(job).task = task

    async def _stop_task(self, job_id: int) -> None:
        run = self._runs.get(job_id)
        task, run_task = (run.task, run) if run is not None else (None, None)
        if run_task is not None:
            run_task.task = None
        await _stop(task)

    # ----------------------------------------------------------------- back to the queue
    async def _requeue(self, job: Job, reason: str, delay: float = 0.0) -> None:
        job.requeue(reason)
        run = self._runs.get(job.id)
        if delay and run is not None:
            run.not_before = self._clock() + delay
        self._runs.enqueue(job.id, front=True)  # it was first in line: keep its place
        await self._commit(job, EventType.QUEUED, reason)
        self._wake.set()

    async def _pause_account(self, account: str, exc: MiniMaxError) -> None:
        if isinstance(exc, InsufficientCreditsError):
            status, seconds = PauseReason.NO_CREDITS, self.config.pause_no_credits
            reason = "out of credits (412)"
        else:
            status, seconds = PauseReason.ON_HOLD, self.config.pause_on_hold
            reason = "on hold or session error (596)"
        self.router.pause(account, status, reason, seconds)
        await self._journal.record_account_event(account, status.value, exc.message)


async def _stop(task: asyncio.Task[None] | None) -> None:
    if task is not None and task is not asyncio.current_task():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


__all__ = ["Clock", "EngineBase", "Sleep", "log"]
