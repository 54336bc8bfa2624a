"""The job engine: submit → route → upload → create → poll → download → library, with
every step journaled so that a job, once submitted, is never lost and never paid twice.

One asyncio task per active job runs its pipeline; one dispatcher task hands queued jobs
to accounts as slots free up. Nothing here knows about Qt: the view-models consume
``events()``.

Several engines may share one journal — the app, a second window, a ``batch`` in a
terminal — and each unfinished job is run by exactly one of them (never polled, downloaded
or reconciled twice). An engine owns the jobs it creates and the ones it claims
(``Journal.claim``) before resuming them, and renews all its leases every
``lease_renew`` seconds. On the same tick it takes over the jobs it may resume (its
``resume`` filter) that nobody holds: released by a ``close()``, or whose owner stopped
renewing (killed, crashed) for ``lease_seconds``. Jobs another engine runs stay readable
(``jobs``/``get``/``wait``) and their changes are re-emitted as events on that tick. Every
journal write for a job carries "still mine?" (``_save``): an engine that finds a job
taken over (it was suspended past its lease) stops working on it without writing.

A remote job belongs to one local job: its id is claimed in the journal
(``Journal.claim_remote_ids``, one transaction) before a job takes it, whether from a
create's answer or from reconciling a lost one (``core.reconcile``); a job whose result
another job already filed never counts as completed. Polling ends on ``statusFinal``
whatever the code, and after a per-kind limit (``core.poll_limits``). Whether the API
answers at all is ``contact`` (``core.contact``): the waiting reason a row, the status
bar and the batch show.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import dataclasses
import logging
import os
import random
import secrets
import socket
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from minimax_studio.api.errors import (
    AccountOnHoldError,
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    CapacityError,
    InsufficientCreditsError,
    MalformedResponseError,
    MiniMaxError,
    ModeratedError,
    NotFoundError,
    UploadRejectedError,
)
from minimax_studio.core.contact import WAITING_UNREACHABLE, Contact, is_unreachable
from minimax_studio.core.db import DatabaseError
from minimax_studio.core.engine_config import EngineConfig
from minimax_studio.core.job_requests import InvalidRequest, request_cost, validate_request
from minimax_studio.core.jobs import (
    FINAL_STATES,
    EventType,
    Job,
    JobEvent,
    JobKind,
    JobState,
    event_type_for,
    file_id_account,
    file_slots,
)
from minimax_studio.core.journal import Journal
from minimax_studio.core.poll_limits import (
    is_final_item,
    poll_limit,
    poll_limit_reason,
    undocumented_final_reason,
)
from minimax_studio.core.reconcile import Ambiguous, Reconciler, is_unresolved, sibling_key
from minimax_studio.core.remote_items import (
    COMPLETED,
    FAILED,
    FINAL,
    GONE,
    MODERATED,
    UNDOCUMENTED_FINAL,
    best_media_url,
    ext_for,
    item_percent,
    sniff_media,
    status_of,
)
from minimax_studio.core.routing import NoRoute, RouteChoice, RoutePreview, Router, _get
from minimax_studio.core.uploads import Uploads

log = logging.getLogger(__name__)

# EngineConfig, InvalidRequest and sniff_media live in their own modules; they are
# re-exported here because callers (batch, app, tests) think of them as the engine's.
__all__ = ["Engine", "EngineConfig", "InvalidRequest", "JobRunsElsewhere", "RoutePreview",
           "request_cost", "sniff_media", "validate_request"]

#: Remote statuses after which nothing more will change (incl. our own GONE / undocumented).
_ENDED = FINAL | {GONE, UNDOCUMENTED_FINAL}


class JobRunsElsewhere(ValueError):
    """Another MiniMax Studio process (a window or a batch on this profile) runs the job."""

    def __init__(self, job_id: int) -> None:
        self.message = (f"Job {job_id} is being run by another MiniMax Studio window or batch "
                        "on this profile; use that one.")
        super().__init__(self.message)
        self.job_id = job_id


class Engine:
    def __init__(self, client: Any, journal: Journal, library: Any, *, config: EngineConfig | None = None,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
                 router: Router | None = None) -> None:
        self._client = client
        self._journal = journal
        self._library = library
        self.config = config or EngineConfig()
        self._sleep = sleep
        cfg = self.config
        self.router = router or Router(client, refresh_interval=cfg.route_refresh,
                                       check_credits=cfg.check_credits)
        self._uploads = Uploads(client, journal)
        self._reconciler = Reconciler(client, window=cfg.reconcile_window)
        #: Whether the API answers; its waiting reason is what the batch prints.
        self.contact = Contact(str(getattr(client, "base_url", "") or "the API"))
        #: job id -> monotonic time its polling limit counts from, when not its send time
        #: (``recheck``: the user asked to look again).
        self._poll_from: dict[int, float] = {}
        #: Jobs whose create call is on the wire right now (its answer decides its ids).
        self._in_flight: dict[int, Job] = {}
        self._active: dict[int, Job] = {}
        self._queue: list[int] = []
        self._not_before: dict[int, float] = {}
        self._progress_saved: dict[int, float] = {}  # job id -> monotonic time of that save
        self._min_credits: dict[int, int | None] = {}
        self._prefer: dict[int, dict[str, int]] = {}
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._subscribers: list[asyncio.Queue[JobEvent | None]] = []
        self._changed = asyncio.Condition()
        self._wake = asyncio.Event()
        self._dispatcher: asyncio.Task[None] | None = None
        self._download_sem = asyncio.Semaphore(cfg.max_concurrent_downloads)
        self._upload_sem = asyncio.Semaphore(cfg.max_concurrent_uploads)
        self._dispatch_lock = asyncio.Lock()
        self._closed = False
        self._started = False
        #: This engine's name in the journal's ``owner`` column. The random part keeps two
        #: engines in one process (tests) and a reused pid apart.
        self.owner_id = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._resume_filter: Callable[[Job], bool] | None = None
        #: Unfinished jobs another engine runs → their ``updated_at`` when last emitted.
        self._foreign: dict[int, datetime | None] = {}
        self._leases: asyncio.Task[None] | None = None

    # ===================================================================== public API
    async def start(self, resume: Callable[[Job], bool] | None = None) -> None:
        """Pick up every unfinished job where it was (``resume`` narrows which: the batch
        command resumes only its own sheet's jobs) — except those another live process
        runs: they are taken over if that process stops (see the module docstring)."""
        if self._started:
            return
        self._started = True
        self._resume_filter = resume
        await self._adopt()
        self._dispatcher = asyncio.create_task(self._dispatch_loop(), name="engine-dispatch")
        self._leases = asyncio.create_task(self._lease_loop(), name="engine-leases")

    async def close(self) -> None:
        """Stop every task without touching job states, and release this engine's jobs:
        the next engine (here, or another window already open) resumes them at once."""
        self._closed = True
        tasks = list(self._tasks.values())
        tasks.extend(t for t in (self._dispatcher, self._leases) if t is not None)
        for t in tasks:
            t.cancel()
        for t in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        self._tasks.clear()
        try:
            await self._journal.release(self.owner_id)
        except (DatabaseError, sqlite3.Error):  # journal closed or stuck: the leases run out
            log.info("could not release job leases; they expire in %ss", self.config.lease_seconds)
        for q in self._subscribers:
            q.put_nowait(None)

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
        self._min_credits[job.id] = min_credits
        self._active[job.id] = job
        self._queue.append(job.id)
        await self._emit(job, EventType.QUEUED)
        self._wake.set()
        return self._snapshot(job)

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

    async def jobs(self, kind: JobKind | str | None = None) -> list[Job]:
        found = await self._journal.jobs(kind=JobKind(kind) if kind else None)
        return [self._snapshot(self._active[j.id]) if j.id in self._active else j for j in found]

    async def get(self, job_id: int) -> Job | None:
        if job_id in self._active:
            return self._snapshot(self._active[job_id])
        return await self._journal.get(job_id)

    async def history(self, job_id: int) -> list[Any]:
        return await self._journal.history(job_id)

    def events(self) -> AsyncIterator[JobEvent]:
        """Every job event from now on, until ``close``. Each call is its own subscription."""
        q: asyncio.Queue[JobEvent | None] = asyncio.Queue()
        self._subscribers.append(q)

        async def gen() -> AsyncIterator[JobEvent]:
            try:
                while True:
                    ev = await q.get()
                    if ev is None:
                        return
                    yield ev
            finally:
                with contextlib.suppress(ValueError):
                    self._subscribers.remove(q)

        return gen()

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
                job = self._active.get(i)
                if job is None:
                    job = await self._journal.get(i)
                    if job is None or job.state in stop:
                        gone.add(i)
                        continue
                if job.state not in stop:
                    return False
                if job.state is JobState.NEEDS_ATTENTION and self._working_on(i):
                    # Resumed (a rerun, a restart) or still retrying here: its reason may
                    # pass; only a job nobody works on is settled as "needs attention".
                    return False
            return True

        async def done() -> list[Job]:
            async with self._changed:
                while not await settled_now():
                    await self._changed.wait()
            jobs = [await self.get(i) for i in job_ids]
            return [j for j in jobs if j is not None]

        return await asyncio.wait_for(done(), timeout)

    def _working_on(self, job_id: int) -> bool:
        return job_id in self._tasks or job_id in self._queue

    async def recheck(self, job_id: int) -> Job:
        """Look at a needs-attention job on Hailuo again ("Check again"): poll it anew (its
        polling limit counts from now) and download what finished; a job whose create
        answer was lost is looked for on its account once more. Never sends a create."""
        job = self._active.get(job_id)
        if job is None:
            stored = await self._journal.get(job_id)
            if stored is None:
                raise KeyError(job_id)
            if stored.state is not JobState.NEEDS_ATTENTION:
                return stored
            self._poll_from[job_id] = time.monotonic()
            if not await self._claim_and_resume(stored):  # resumes one with remote ids
                raise JobRunsElsewhere(job_id)
            job = self._active.get(job_id)
            if job is None:
                return await self.get(job_id) or stored
        elif job.state is JobState.NEEDS_ATTENTION and job_id not in self._tasks:
            self._poll_from[job_id] = time.monotonic()
            await self._resume(job)
        if job.state is JobState.NEEDS_ATTENTION and job_id not in self._tasks \
                and not job.remote_ids and job.create_sent_at is not None:
            self._look_again(job)
        return self._snapshot(job)

    def _look_again(self, job: Job) -> None:
        """A needs-attention job whose create answer was lost: reconcile once more."""
        self._spawn(job, self._reconcile_then_poll(job, "looking again, as asked"))

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
            return RoutePreview(choice.account, choice.reason, label)
        return RoutePreview(None, choice.reason, label, blocked=choice.permanent)

    async def cancel(self, job_id: int) -> Job:
        job = self._active.get(job_id)
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
            job = self._active.get(job_id)
            if job is None:  # it ended while being taken over
                return await self.get(job_id) or stored
        if job.is_final:
            return self._snapshot(job)
        if job.state is JobState.SUBMITTING:
            # The create call is in flight: its answer decides what there is to cancel.
            job.cancel_requested = True
            await self._commit(job, None, "Cancel requested; waiting for the create call to answer.")
            return self._snapshot(job)
        await self._stop_task(job_id)
        if job_id in self._queue:
            self._queue.remove(job_id)
        await self._cancel_remote(job)
        await self._discard_partial(job)
        job.mark_cancelled("Cancelled by you.")
        await self._finish(job)
        return self._snapshot(job)

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
        job = self._active.get(job_id) or await self._journal.get(job_id)
        if job is None:
            return
        if not job.is_final:
            if job.state is JobState.SUBMITTING:
                raise ValueError("The job is being sent right now; cancel it first.")
            job = await self.cancel(job_id)
        self._active.pop(job_id, None)
        await self._journal.mark_removed(job_id)
        await self._emit(job, EventType.REMOVED)

    # ===================================================================== ownership
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
            await self._notify()  # wait() re-reads the jobs another process runs

    async def _renew(self) -> None:
        mine = set(self._active)
        if not mine:
            return
        kept = await self._journal.renew(self.owner_id, self.config.lease_seconds)
        for job_id in mine - kept:
            job = self._active.get(job_id)
            # A job that ended meanwhile released its lease itself: not a loss.
            if job is not None and not job.is_final:
                await self._lose(job_id)

    async def _lose(self, job_id: int) -> None:
        """Another process took the job over (our lease ran out: this one was suspended or
        stalled that long). Stop working on it and write nothing — it continues there."""
        log.warning("job %s: taken over by another MiniMax Studio process; stopping here", job_id)
        self._active.pop(job_id, None)
        if job_id in self._queue:
            self._queue.remove(job_id)
        self._forget(job_id)
        self._foreign[job_id] = None  # listeners hear its state on the next tick
        await self._stop_task(job_id)

    async def _adopt(self) -> None:
        """Claim and resume every unfinished job this engine may resume that nobody holds
        (released, or its owner's lease ran out); tell listeners what changed in the jobs
        another process runs — the only news they get of them."""
        now_ = time.time()
        seen: set[int] = set()
        for job in await self._journal.jobs(unfinished=True):
            if job.id in self._active or (self._resume_filter is not None and not self._resume_filter(job)):
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
                await self._emit(job, event_type_for(job.state))
        for job_id in [i for i in self._foreign if i not in seen]:
            del self._foreign[job_id]
            # Finished (or removed) by the process that ran it, or taken over by us.
            ended = await self._journal.get(job_id) if job_id not in self._active else None
            if ended is not None:
                # Removed over there: listeners drop the row here too.
                removed = await self._journal.is_removed(job_id)
                await self._emit(ended, EventType.REMOVED if removed else event_type_for(ended.state))

    async def _claim_and_resume(self, job: Job) -> bool:
        """Make ``job`` ours and resume it. False when another live process holds it."""
        claimed = await self._journal.claim(job.id, self.owner_id, self.config.lease_seconds)
        if claimed is None:
            return False
        if claimed.id in self._active:
            return True  # claimed twice at once (a tick and a user's cancel): resumed once
        was_foreign = claimed.id in self._foreign
        self._foreign.pop(claimed.id, None)
        # In _active before anything is awaited: nothing else here resumes it again.
        self._active[claimed.id] = claimed
        if job.owner not in (None, self.owner_id):
            await self._commit(claimed, None, "taken over: the MiniMax Studio process that ran it "
                               "stopped without handing it back (its lease ran out)", history=True)
        if not claimed.is_final:  # (a cancel may have ended it during that write)
            await self._resume(claimed)
        if was_foreign:  # listeners saw it run elsewhere: it runs here now
            await self._emit(claimed, event_type_for(claimed.state))
        return True

    # ===================================================================== resume
    async def _resume(self, job: Job) -> None:
        self._active[job.id] = job
        _, self._min_credits[job.id] = request_cost(job.kind, job.request)
        state = job.state
        if state is JobState.QUEUED:
            self._queue.append(job.id)
            self._wake.set()
        elif state is JobState.UPLOADING or (state is JobState.SUBMITTING and job.create_sent_at is None):
            # Why: nothing was created yet (the create call had not been sent), so routing
            # it again — possibly to another account — cannot pay twice.
            job.requeue("Restarted before the job was sent; queued again.")
            await self._commit(job, EventType.QUEUED)
            self._queue.append(job.id)
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

    # ===================================================================== dispatch
    def _slot_holders(self) -> list[Job]:
        return [j for j in self._active.values() if j.holds_slot]

    def _required_account(self, job: Job) -> str | None:
        owners = {file_id_account(v) for v in file_slots(job.request).values()} - {None}
        return next(iter(owners)) if len(owners) == 1 else None

    async def _prefer_for(self, job: Job) -> dict[str, int]:
        cached = self._prefer.get(job.id)
        if cached is None:
            try:
                hashes = await self._uploads.hashes(job.request)
            except UploadRejectedError:
                hashes = []
            cached = await self._journal.accounts_with_files(hashes)
            if job.id > 0:
                self._prefer[job.id] = cached
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
        if not self._queue:
            return None
        async with self._dispatch_lock:
            try:
                await self.router.refresh()
            except AuthenticationError as exc:
                for job in self._queued():
                    await self._fail_queued(job, exc.message)
                return None
            except MiniMaxError as exc:
                if is_unreachable(exc):
                    reason = self.contact.unreachable(exc, self.config.route_refresh)
                else:
                    self.contact.answered()
                    reason = f"Waiting: cannot read account capacity ({exc.message})"
                for job in self._queued():
                    await self._note_waiting(job, reason)
                return self.config.route_refresh
            self.contact.answered()
            now = time.monotonic()
            next_at: float | None = None
            for job in self._queued():
                job_id = job.id
                nb = self._not_before.get(job_id, 0.0)
                if nb > now:
                    next_at = min(next_at or nb, nb)
                    continue
                prefer = await self._prefer_for(job)
                if job_id not in self._queue:
                    continue  # taken over by another process meanwhile (_lose)
                choice = self.router.choose(job, slot_holders=self._slot_holders(),
                                            cost_min=self._min_credits.get(job_id),
                                            required_account=self._required_account(job),
                                            prefer=prefer)
                if isinstance(choice, NoRoute):
                    if choice.permanent:
                        await self._fail_queued(job, "Not sent: " + choice.reason)
                    else:
                        await self._note_waiting(job, choice.reason)
                    continue
                self._queue.remove(job_id)
                self._not_before.pop(job_id, None)
                job.route(choice.account, choice.reason)
                job.start_upload()
                await self._commit(job, EventType.UPLOADING, choice.reason)
                self._spawn(job, self._run(job))
            if not self._queue:
                return None
            wait = self.config.route_refresh
            if next_at is not None:
                wait = min(wait, max(0.01, next_at - time.monotonic()))
            return wait

    def _queued(self) -> Iterator[Job]:
        """The queue in order, skipping jobs that left it meanwhile (taken over elsewhere)."""
        for job_id in list(self._queue):
            job = self._active.get(job_id)
            if job is not None and job_id in self._queue:
                yield job

    async def _fail_queued(self, job: Job, reason: str) -> None:
        if job.id in self._queue:
            self._queue.remove(job.id)
        job.mark_failed(reason)
        await self._finish(job)

    async def _note_waiting(self, job: Job, reason: str) -> None:
        if job.reason != reason:
            job.reason = reason
            await self._commit(job, None, reason, history=True, event_type=EventType.QUEUED)

    # ===================================================================== one job
    def _spawn(self, job: Job, coro: Awaitable[None]) -> None:
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
                if self._tasks.get(job.id) is asyncio.current_task():
                    del self._tasks[job.id]

        self._tasks[job.id] = asyncio.create_task(runner(), name=f"job-{job.id}")

    async def _stop_task(self, job_id: int) -> None:
        task = self._tasks.pop(job_id, None)
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _run(self, job: Job) -> None:
        if not await self._upload(job):
            return
        created = await self._create(job)
        if created:
            await self._poll_then_download(job)

    async def _upload(self, job: Job) -> bool:
        assert job.account is not None
        last_pct = -1

        def progress(pct: int) -> None:
            nonlocal last_pct
            if pct // 5 != last_pct // 5:
                last_pct = pct
                job.progress = pct
                self._emit_nowait(job, EventType.UPLOADING, pct)

        if job.kind is JobKind.AGENT or not file_slots(job.request):
            return True
        delay = self.config.transfer_retry
        for attempt in range(1, self.config.upload_attempts + 1):
            try:
                async with self._upload_sem:
                    job.file_ids = await self._uploads.resolve(job.account, job.request, progress)
                self._prefer.clear()  # some account now holds more of everyone's files
                await self._save(job, "uploaded", f"files on account {job.account}: "
                                 + ", ".join(job.file_ids))
                return True
            except UploadRejectedError as exc:
                job.mark_failed(exc.message)
                await self._finish(job)
                return False
            except (InsufficientCreditsError, AccountOnHoldError) as exc:
                await self._pause_account(job.account, exc)
                await self._requeue(job, f"Account {job.account} was paused ({exc.message}); choosing another.")
                return False
            except AuthenticationError as exc:
                job.mark_failed(exc.message)
                await self._finish(job)
                return False
            except BadRequestError as exc:
                job.mark_failed(f"The upload was rejected: {exc.message}")
                await self._finish(job)
                return False
            except MiniMaxError as exc:
                if attempt == self.config.upload_attempts:
                    await self._requeue(job, f"Uploading failed ({exc.message}); queued again.",
                                        delay=self.config.busy_retry)
                    return False
                await self._sleep(delay)
                delay *= 2
        return False

    def _create_body(self, job: Job) -> dict[str, Any]:
        body = {k: v for k, v in job.request.items() if v is not None and v != ""}
        body.update(job.file_ids)
        body["account"] = job.account
        return body

    async def _send_create(self, job: Job) -> list[str]:
        body = self._create_body(job)
        if job.kind is JobKind.VIDEO:
            created = await self._client.videos.create(body)
            rid = _get(created, "videoId", "video_id")
            ids = [rid] if rid else []
        elif job.kind is JobKind.IMAGE:
            created = await self._client.images.create(body)
            ids = list(_get(created, "imageIds", "image_ids") or [])
        else:
            models = body.get("models")
            if isinstance(models, str):
                models = [m.strip() for m in models.split(",") if m.strip()]
            files = [Path(f) for f in (body.get("files") or [])]
            created = await self._client.agent.create(prompt=body.get("prompt", ""), models=models,
                                                      files=files, async_=True, account=job.account)
            jid = _get(created, "jobId", "job_id")
            ids = [jid] if jid else []
        if not ids:
            raise MalformedResponseError("The create call answered without a job id.")
        return [str(i) for i in ids]

    async def _send_tracked(self, job: Job) -> list[str]:
        self._in_flight[job.id] = job
        try:
            return await self._send_create(job)
        finally:
            self._in_flight.pop(job.id, None)

    async def _create(self, job: Job) -> bool:
        """Send the create call once. True when the job now exists remotely."""
        assert job.account is not None
        job.start_submit()
        job.mark_create_sent()
        # Journaled before the request: a crash from here on resumes as "reconcile".
        await self._commit(job, None, f"sending create to account {job.account}", history=True)
        try:
            ids = await self._send_tracked(job)
        except (InsufficientCreditsError, AccountOnHoldError) as exc:
            # Why requeue: 412/596 are refusals; nothing was created, so another account
            # can take the job without paying twice.
            await self._pause_account(job.account, exc)
            await self._requeue(job, f"Account {job.account} was paused ({exc.message}); sending to another account.")
            return False
        except CapacityError:
            # Why: our slot count was off (jobs from another client or the website): read
            # capacity again and wait before trying; 429 means nothing was created.
            self.router.invalidate()
            await self._requeue(job, f"Account {job.account} is busy (429); waiting for a free slot.",
                                delay=self.config.busy_retry)
            return False
        except ModeratedError as exc:
            job.mark_moderated(exc.message)
            await self._finish(job)
            return False
        except (BadRequestError, AuthenticationError) as exc:
            job.mark_failed(exc.message)
            await self._finish(job)
            return False
        except (APIStatusError, APIConnectionError, MalformedResponseError, MiniMaxError) as exc:
            # Why reconcile: 502/504, timeouts, dropped connections and garbled answers may
            # hide a job Hailuo accepted; sending again could pay twice.
            await self._reconcile_then_poll(job, exc.message, poll=False)
            return job.state in (JobState.SUBMITTED, JobState.PROCESSING)
        self.contact.answered()
        taken = await self._journal.claim_remote_ids(job.id, ids)
        if taken:
            # Another job took this remote id as its own while looking for a lost create
            # (the same prompt, sent together). Never share one result: the user decides.
            rid, other = next(iter(taken.items()))
            job.needs_attention(
                f"Hailuo answered with {rid}, which job {other} already took as its own while "
                "looking for its lost create call; check the account's videos/images before retrying.")
            await self._commit(job, EventType.NEEDS_ATTENTION)
            return False
        job.mark_submitted(ids)
        self.router.spend(job.account, self._min_credits.get(job.id))
        await self._commit(job, EventType.SUBMITTED, f"created on account {job.account}: {', '.join(ids)}")
        if job.cancel_requested:
            await self.cancel(job.id)
            return False
        return True

    async def _reconcile_then_poll(self, job: Job, why: str, *, poll: bool = True) -> None:
        await self._commit(job, None, f"create answer lost ({why}); looking for the job on account {job.account}",
                           history=True)
        cfg = self.config
        delay = cfg.reconcile_delay
        found: list[str] = []
        ambiguous: str | None = None
        looked = 0
        while looked < cfg.reconcile_attempts:
            await self._sleep(delay)
            await self._siblings_answered(job)
            delay = min(delay * 2, max(cfg.poll_max, cfg.reconcile_delay))
            try:
                claims = await self._journal.remote_claims()
                owners = set(claims.values())
                siblings = [j for j in await self._journal.jobs(unfinished=True)
                            if j.id != job.id and j.id not in owners and is_unresolved(j)]
                found = await self._reconciler.find(job, set(claims), siblings)
            except Ambiguous as exc:
                ambiguous = exc.message
                looked += 1
                self.contact.answered()
                continue
            except MiniMaxError as exc:
                if is_unreachable(exc):
                    # No answer is not "not found": keep looking (without using up an
                    # attempt) and say why we wait. A restart looks again too.
                    reason = self.contact.unreachable(exc, delay)
                    if job.reason != reason:
                        job.reason = reason
                        await self._commit(job, None, reason, history=True, event_type=EventType.UPLOADING)
                    continue
                log.info("job %s: reconcile attempt failed: %s", job.id, exc.message)
                looked += 1
                continue
            self.contact.answered()
            looked += 1
            ambiguous = None
            if not found:
                continue
            if await self._journal.claim_remote_ids(job.id, found):
                # A sibling claimed it between our look and our claim: look again.
                found = []
                continue
            break
        if not found:
            detail = (f"{ambiguous} " if ambiguous else
                      f"No matching job was found on account {job.account}. ")
            await self._attention(job,
                f"Unknown — the create call was not answered ({why}). {detail}Hailuo may still "
                "have made it: check the account's videos/images before retrying.")
            return
        job.mark_submitted(found, reason=f"Found on account {job.account} after the create answer was lost; not sent again.")
        await self._commit(job, EventType.SUBMITTED)
        if job.cancel_requested:
            await self.cancel(job.id)
            return
        if poll:
            await self._poll_then_download(job)

    async def _siblings_answered(self, job: Job) -> None:
        """Wait while a same-prompt job of ours has its create call on the wire: its answer
        names its own remote job, which must not be mistaken for this one's. Bounded by
        the client's timeout on that call."""
        key = sibling_key(job)
        while any(o.id != job.id and sibling_key(o) == key for o in list(self._in_flight.values())):
            await asyncio.sleep(0.05)

    async def _requeue(self, job: Job, reason: str, delay: float = 0.0) -> None:
        job.requeue(reason)
        if delay:
            self._not_before[job.id] = time.monotonic() + delay
        self._queue.insert(0, job.id)  # it was first in line: keep its place
        await self._commit(job, EventType.QUEUED, reason)
        self._wake.set()

    async def _pause_account(self, account: str, exc: MiniMaxError) -> None:
        if isinstance(exc, InsufficientCreditsError):
            status, seconds = "no_credits", self.config.pause_no_credits
            reason = "out of credits (412)"
        else:
            status, seconds = "on_hold", self.config.pause_on_hold
            reason = "on hold or session error (596)"
        self.router.pause(account, status, reason, seconds)
        await self._journal.record_account_event(account, status, exc.message)

    # ===================================================================== polling
    async def _get_remote(self, job: Job, rid: str) -> Any:
        if job.kind is JobKind.VIDEO:
            return await self._client.videos.get(rid)
        if job.kind is JobKind.IMAGE:
            return await self._client.images.get(rid)
        return await self._client.agent.get(rid)

    async def _poll_then_download(self, job: Job) -> None:
        if await self._poll(job):
            # URLs planned by an earlier session may have expired: refresh those.
            stale = any(d.get("state") != "done" and d.get("path") for d in job.downloads.values())
            await self._download_then_finish(job, refresh_urls=stale)

    async def _poll(self, job: Job) -> bool:
        """Poll until every remote id is final. True when there is something to download."""
        cfg = self.config
        interval = cfg.poll_initial if job.state is JobState.SUBMITTED else min(cfg.poll_interval, cfg.poll_initial)
        steady = cfg.poll_interval
        errors = 0
        items: dict[str, Any] = {}
        while True:
            # ±10 %: a batch submitted together would otherwise poll in lock-step forever -
            # 50 answers parsed in one event-loop pass (a visible UI stall) and 50
            # requests at once on the account. The mean interval stays the same.
            await self._sleep(interval * random.uniform(0.9, 1.1))
            pending = [r for r in job.remote_ids if job.remote_status.get(r) not in _ENDED]
            failure: MiniMaxError | None = None
            for rid in pending:
                try:
                    item = await self._get_remote(job, rid)
                except NotFoundError:
                    # Why final: the id came from the server, so the job existed; a 404
                    # now means Hailuo removed it (post-moderation) or the agent job expired.
                    job.remote_status[rid] = GONE
                    continue
                except AuthenticationError as exc:
                    if job.state is not JobState.NEEDS_ATTENTION:
                        job.needs_attention(f"{exc.message} The job keeps running on Hailuo; it resumes when the token works.")
                        await self._commit(job, EventType.NEEDS_ATTENTION)
                    return False
                except MiniMaxError as exc:
                    failure = exc
                    break
                self.contact.answered()
                items[rid] = item
                status = self._remote_status(job, item)
                if status is not None:
                    job.remote_status[rid] = status
            if failure is not None and is_unreachable(failure):
                reason = self.contact.unreachable(failure, interval)
                if job.reason != reason:
                    job.reason = reason
                    await self._commit(job, None, reason, history=True, event_type=event_type_for(job.state))
            elif failure is not None:
                self.contact.answered()  # an error answer is an answer: the server is there
            if await self._past_poll_limit(job, items):
                return False
            if failure is not None:
                # Why back off: 429/502/504/timeouts say "busy" — polling harder only makes it
                # worse; the job itself is fine on Hailuo.
                errors += 1
                interval = min(cfg.poll_max, max(interval, steady) * cfg.backoff_factor)
                interval *= 1 + random.uniform(0, 0.1)
                if errors >= cfg.poll_error_limit and job.state is not JobState.NEEDS_ATTENTION:
                    job.needs_attention(f"Cannot check this job right now ({failure.message}); still trying.")
                    await self._commit(job, EventType.NEEDS_ATTENTION)
                continue
            errors = 0
            if all(job.remote_status.get(r) in _ENDED for r in job.remote_ids):
                return await self._settle(job, items)
            pct = self._job_percent(job, items)
            message = next((str(_get(i, "message")) for i in items.values() if _get(i, "message")), None)
            waited = (job.reason or "").startswith(WAITING_UNREACHABLE)  # answered again: say so
            if job.state is not JobState.PROCESSING or pct != job.progress or waited:
                starting = job.state is not JobState.PROCESSING
                job.mark_processing(pct, message)
                now_ = time.monotonic()
                if starting or now_ - self._progress_saved.get(job.id, 0.0) >= cfg.progress_save_interval:
                    self._progress_saved[job.id] = now_
                    await self._commit(job, EventType.PROCESSING, history=starting)
                else:
                    # Why not journaled every time: a resume polls again anyway, and 50 jobs
                    # each writing every percent kept the SQLite thread (and the GIL) busy
                    # enough to stall the UI thread (bench/bench_ui_stall.py).
                    await self._emit(job, EventType.PROCESSING)
            interval, steady = steady, min(cfg.poll_max, steady * cfg.poll_growth)

    def _remote_status(self, job: Job, item: Any) -> int | None:
        if job.kind is JobKind.AGENT:
            st = _get(item, "status")
            return {"completed": COMPLETED, "failed": FAILED}.get(str(st), 1)
        status = status_of(item)
        if status not in FINAL and is_final_item(item):
            # The docs: poll until statusFinal. A final code they do not list still ends
            # the job (as failed, in the server's words: see _settle).
            return UNDOCUMENTED_FINAL
        return status

    def _polled_for(self, job: Job) -> float:
        since = self._poll_from.get(job.id)
        if since is not None:
            return time.monotonic() - since
        start = job.create_sent_at or job.created_at
        return (datetime.now(UTC) - start).total_seconds()

    async def _past_poll_limit(self, job: Job, items: dict[str, Any]) -> bool:
        """Past the kind's polling limit: the job needs attention (True) — unless every
        remote id is final already (then it settles as usual)."""
        limit = poll_limit(self.config, job.kind)
        if limit is None or self._polled_for(job) <= limit:
            return False
        if all(job.remote_status.get(r) in _ENDED for r in job.remote_ids):
            return False
        last = next(reversed(items.values()), None) if items else None
        await self._attention(job, poll_limit_reason(limit, last))
        return True

    async def _attention(self, job: Job, reason: str) -> None:
        """Needs attention with ``reason`` (already needing it: a new reason)."""
        if job.state is JobState.NEEDS_ATTENTION:
            job.reason = reason
        else:
            job.needs_attention(reason)
        await self._commit(job, EventType.NEEDS_ATTENTION)

    def _job_percent(self, job: Job, items: dict[str, Any]) -> int | None:
        values = []
        for rid in job.remote_ids:
            if job.remote_status.get(rid) in FINAL:
                values.append(100)
            elif rid in items and item_percent(items[rid]) is not None:
                values.append(item_percent(items[rid]) or 0)
        return int(sum(values) / len(values)) if values else None

    async def _settle(self, job: Job, items: dict[str, Any]) -> bool:
        """Every remote id is final: plan downloads or end the job with the reason."""
        plan: dict[str, dict[str, Any]] = {}
        for rid in job.remote_ids:
            if job.remote_status.get(rid) != COMPLETED:
                continue
            # Planned by an earlier session (a download that failed, then a restart or a
            # rerun): its entry is kept — the download resumes with a fresh URL.
            known = {k: d for k, d in job.downloads.items() if k == rid or k.startswith(f"{rid}#")}
            if known:
                plan.update(known)
                continue
            item = items.get(rid)
            if item is None:  # final before this session polled it: ask once more
                with contextlib.suppress(MiniMaxError):
                    item = items[rid] = await self._get_remote(job, rid)
            if job.kind is JobKind.AGENT:
                plan.update(self._agent_downloads(rid, item))
            elif item is not None:
                url = best_media_url(item)
                if url:
                    plan[rid] = {"url": url, "cover": _get(item, "coverURL"), "state": "pending",
                                 "width": _get(item, "width"), "height": _get(item, "height"),
                                 "file_id": _get(item, "fileID"), "kind": job.kind.value}
        statuses = [job.remote_status.get(r) for r in job.remote_ids]
        if not plan:
            odd = [r for r in job.remote_ids if job.remote_status.get(r) == UNDOCUMENTED_FINAL]
            if odd and not any(s == COMPLETED or s in MODERATED for s in statuses):
                job.mark_failed(undocumented_final_reason(items.get(odd[0])))
            elif any(s == GONE for s in statuses):
                job.mark_moderated("Removed by Hailuo after it was generated, most likely by moderation (404).")
            elif any(s in MODERATED for s in statuses):
                detail = next((str(_get(i, "message")) for i in items.values() if _get(i, "message")), None)
                job.mark_moderated("Blocked by Hailuo's moderation" + (f": {detail}." if detail else "."))
            elif job.kind is JobKind.AGENT and any(s == COMPLETED for s in statuses):
                # Why completed: an answer in words only (a question back, a refusal) is
                # the agent's answer; the Agent tab reads its msg_content.
                job.mark_completed("The agent answered without attachments.")
            elif job.kind is JobKind.AGENT:
                err = _get(next(iter(items.values()), None) or {}, "error")
                msg = _get(err, "message") if not isinstance(err, str) else err
                job.mark_failed(f"The agent failed: {msg}." if msg else "The agent finished without a result.")
            elif any(s == COMPLETED for s in statuses):
                job.mark_failed("Hailuo reported it completed but gave no download link.")
            else:
                detail = next((str(_get(i, "message")) for i in items.values() if _get(i, "message")), None)
                job.mark_failed("Hailuo could not generate it (failed)" + (f": {detail}." if detail else "."))
            await self._finish(job)
            return False
        for rid, d in plan.items():
            job.downloads.setdefault(rid, d)
        return True

    def _agent_downloads(self, rid: str, item: Any) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        response = _get(item, "response") or {}
        for att in _get(response, "attachments") or []:
            f = _get(att, "file") or {}
            extra = _get(f, "extra") or {}
            url = None
            if self.config.prefer_no_watermark:
                url = _get(extra, "no_watermark_url")
            url = url or _get(f, "fileUrl") or _get(extra, "watermark_url")
            if not url:
                continue
            mime = str(_get(f, "type") or "")
            kind = "video" if mime.startswith("video") else "audio" if mime.startswith("audio") else "image"
            att_id = str(_get(att, "attachmentID") or url)
            out[f"{rid}#{att_id}"] = {"url": url, "cover": _get(extra, "thumbnail_url"), "state": "pending",
                                      "mime": mime, "kind": kind, "remote": att_id,
                                      "width": _get(extra, "width"), "height": _get(extra, "height"),
                                      "duration": _get(extra, "duration")}
        return out

    # ===================================================================== download
    async def _refresh_urls(self, job: Job) -> None:
        for rid in list(job.remote_ids):
            try:
                item = await self._get_remote(job, rid)
            except MiniMaxError:
                continue  # keep the recorded URL; the download says if it is dead
            if job.kind is JobKind.AGENT:
                fresh = self._agent_downloads(rid, item)
                for key, d in fresh.items():
                    if key in job.downloads and job.downloads[key].get("state") != "done":
                        job.downloads[key]["url"] = d["url"]
            elif rid in job.downloads and job.downloads[rid].get("state") != "done":
                url = best_media_url(item)
                if url:
                    job.downloads[rid]["url"] = url
                    job.downloads[rid]["cover"] = _get(item, "coverURL") or job.downloads[rid].get("cover")

    async def _download_then_finish(self, job: Job, *, refresh_urls: bool = False) -> None:
        if refresh_urls:
            await self._refresh_urls(job)
        job.start_download()
        await self._commit(job, EventType.DOWNLOADING)
        total = len(job.downloads)
        problems: list[str] = []
        for n, (key, d) in enumerate(list(job.downloads.items())):
            if d.get("state") == "done":
                continue
            try:
                async with self._download_sem:
                    await self._download_one(job, key, d, n, total)
            except MiniMaxError as exc:
                problems.append(exc.message)
        if problems:
            msg = ("Generated, but the download did not finish: " + problems[0]
                   + " It will be tried again when the app starts, or retry now.")
            job.needs_attention(msg)
            await self._commit(job, EventType.NEEDS_ATTENTION)
            return
        statuses = [job.remote_status.get(r) for r in job.remote_ids]
        undelivered = [r for r in job.remote_ids if job.kind is not JobKind.AGENT
                       and job.remote_status.get(r) == COMPLETED
                       and (job.downloads.get(r) or {}).get("state") != "done"]
        if undelivered:
            # Generated (and paid) but never downloaded: a failure to report, not "completed".
            job.mark_failed(f"{len(undelivered)} of {len(statuses)} results were generated but Hailuo gave "
                            f"no download link for them ({', '.join(undelivered)}); "
                            "check the account's videos/images.")
            await self._finish(job)
            return
        lost = sum(1 for s in statuses if s != COMPLETED)
        note = None
        if lost and job.kind is JobKind.IMAGE:
            note = f"{len(statuses) - lost} of {len(statuses)} images completed; the others were moderated or failed."
        job.mark_completed(note)
        await self._finish(job)

    async def _download_one(self, job: Job, key: str, d: dict[str, Any], n: int, total: int) -> None:
        remote_id = str(d.get("remote") or key)
        existing = await self._library_by_remote(remote_id)
        other = getattr(existing, "job_id", None)
        if existing is not None and other is not None and other != job.id:
            # Never "completed" on another job's file: this job paid for its own result.
            raise MiniMaxError(f"{remote_id} is already in the library as job {other}'s result, "
                               "so this job's own result was not found.")
        if existing is not None:
            # Why: a crash after library.add but before the journal noted it — the item is
            # already there; adding it again would duplicate it.
            self._mark_downloaded(job, d, existing)
            await self._save(job, "downloaded", f"already in the library: {remote_id}")
            return
        kind = str(d.get("kind") or job.kind.value)
        if not d.get("path"):
            ext = ext_for(kind, str(d["url"]), d.get("mime"))
            path = self._library.target_path(kind, job.model, job.prompt, ext, datetime.now(UTC))
            # Why journal the path before downloading: a resumed download must continue the
            # same .part file, and the library must never get two copies of one result.
            d["path"] = str(path)
            await self._save(job, "download_started", f"downloading to {path.name}")
        path = Path(d["path"])
        last = -1

        def progress(done: int, size: int | None = None) -> None:
            nonlocal last
            if size:
                pct = int((n * 100 + done * 100 / size) / max(1, total))
                if pct != last:
                    last = pct
                    job.download_progress(pct)
                    self._emit_nowait(job, EventType.DOWNLOADING, pct)

        if not path.exists():
            delay = self.config.transfer_retry
            for attempt in range(1, self.config.download_attempts + 1):
                try:
                    await self._client.download(str(d["url"]), path, progress=progress)
                    break
                except NotFoundError:
                    await self._refresh_urls(job)
                    if attempt == self.config.download_attempts:
                        raise
                except MiniMaxError:
                    if attempt == self.config.download_attempts:
                        raise
                await self._sleep(delay)
                delay *= 2
        sniffed = await asyncio.to_thread(sniff_media, path)
        size = path.stat().st_size if path.exists() else 0
        if size == 0 or (sniffed is not None and sniffed != kind) or sniffed is None:
            with contextlib.suppress(OSError):
                path.unlink()
            d["path"] = None
            raise MiniMaxError(f"the downloaded file is not a valid {kind} ({size} bytes).")
        thumb = await self._thumbnail(kind, path, d.get("cover"))
        item = await self._library.add(**self._library_fields(job, d, remote_id, kind, path, thumb))
        self._mark_downloaded(job, d, item)
        await self._save(job, "downloaded", f"{path.name} added to the library")

    def _mark_downloaded(self, job: Job, d: dict[str, Any], item: Any) -> None:
        d["state"] = "done"
        item_id = getattr(item, "id", None)
        d["item_id"] = item_id
        if item_id is not None and item_id not in job.library_item_ids:
            job.library_item_ids.append(item_id)

    async def _library_by_remote(self, remote_id: str) -> Any | None:
        try:
            return await self._library.by_remote_id(remote_id)
        except (KeyError, LookupError):
            return None

    def _library_fields(self, job: Job, d: dict[str, Any], remote_id: str, kind: str,
                        path: Path, thumb: Path | None) -> dict[str, Any]:
        def num(v: Any) -> Any:
            try:
                return float(v) if "." in str(v) else int(v)
            except (TypeError, ValueError):
                return None

        sent = dict(job.request)
        options = {k: v for k, v in job.request.items()
                   if k not in ("prompt", "model", "models", "files") and k not in file_slots(job.request)}
        return {
            "kind": kind,
            "prompt": job.prompt,
            "model": job.model,
            # The exact request with references as local paths, plus the fileIDs sent for
            # them on this account (re-run needs the paths; the ids tell what was used).
            "request": {**sent, "fileIDs": dict(job.file_ids)} if job.file_ids else sent,
            "options": options,
            "account": job.account,
            "job_id": job.id,
            "remote_id": remote_id,
            "file_id": d.get("file_id"),
            "width": num(d.get("width")) or None,
            "height": num(d.get("height")) or None,
            "duration": num(d.get("duration")) or (num(job.request.get("duration")) if kind == "video" else None),
            "path": path,
            "thumb_path": thumb,
            "created_at": job.created_at,
            "finished_at": datetime.now(UTC),
            "source": "batch" if job.source == "batch" else ("agent" if job.kind is JobKind.AGENT else "app"),
        }

    async def _thumbnail(self, kind: str, path: Path, cover_url: str | None) -> Path | None:
        """A thumbnail is a nicety: any failure here leaves the item without one."""
        thumbs = self.config.thumbs_dir
        if thumbs is None:
            return None
        try:
            from minimax_studio.core.thumbnails import make_thumbnail, thumbnail_from_cover
        except ImportError:  # pragma: no cover - while the library helper writes it
            return None
        try:
            thumbs.mkdir(parents=True, exist_ok=True)
            if kind == "image":
                return await make_thumbnail(path, thumbs, self.config.thumb_size)
            if kind == "video" and cover_url:  # leaves no cover or .part behind, whatever happens
                return await thumbnail_from_cover(self._client.download, cover_url, thumbs,
                                                  self.config.thumb_size)
            return await make_thumbnail(path, thumbs, self.config.thumb_size)
        except Exception as exc:
            log.info("no thumbnail for %s: %s", path.name, exc)
            return None

    # ===================================================================== cancel helpers
    async def _cancel_remote(self, job: Job) -> None:
        if job.state not in (JobState.SUBMITTED, JobState.PROCESSING, JobState.NEEDS_ATTENTION):
            return
        for rid in job.remote_ids:
            if job.remote_status.get(rid) in _ENDED:
                continue
            if job.kind is JobKind.VIDEO:
                with contextlib.suppress(MiniMaxError):
                    await self._client.videos.cancel(rid)
            if job.kind in (JobKind.VIDEO, JobKind.IMAGE):
                # Why also DELETE scheduler/{id}: it frees the maxJobs slot at once and stops
                # webhooks; a 404 just means useapi already stopped tracking it.
                with contextlib.suppress(MiniMaxError):
                    await self._client.scheduler.delete(rid)

    async def _discard_partial(self, job: Job) -> None:
        for d in job.downloads.values():
            if d.get("state") != "done" and d.get("path"):
                part = Path(d["path"])
                for p in (part.with_suffix(part.suffix + ".part"),):
                    with contextlib.suppress(OSError):
                        p.unlink()

    # ===================================================================== bookkeeping
    async def _finish(self, job: Job) -> None:
        for rid in job.remote_ids:
            if job.kind is JobKind.VIDEO:
                self.router.release(rid)
        self._forget(job.id)
        await self._commit(job, event_type_for(job.state))
        self._active.pop(job.id, None)
        self._wake.set()  # a slot may be free now

    def _forget(self, job_id: int) -> None:
        """Drop the per-job bookkeeping of a job that stops running here (finished, or
        taken over by another process)."""
        for d in (self._not_before, self._min_credits, self._prefer, self._progress_saved, self._poll_from):
            d.pop(job_id, None)

    def _snapshot(self, job: Job) -> Job:
        """A copy listeners may keep while the engine goes on mutating ``job``. Built field
        by field rather than with ``copy.deepcopy``: every event makes one, and deepcopy's
        generic walk cost ~0.25 ms a job on the GUI thread (measured under the UI bench)."""
        return dataclasses.replace(
            job, request=_plain_copy(job.request), remote_ids=list(job.remote_ids),
            library_item_ids=list(job.library_item_ids), file_ids=dict(job.file_ids),
            downloads={k: _plain_copy(v) for k, v in job.downloads.items()},
            remote_status=dict(job.remote_status))

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
            await self._emit(job, ev, message)
        else:
            await self._notify()

    async def _emit(self, job: Job, type_: EventType, message: str | None = None) -> None:
        self._emit_nowait(job, type_, job.progress, message)
        await self._notify()

    def _emit_nowait(self, job: Job, type_: EventType, progress: int | None = None,
                     message: str | None = None) -> None:
        if not self._subscribers:
            return
        ev = JobEvent(job=self._snapshot(job), type=type_.value, progress=progress,
                      message=message if message is not None else job.reason)
        for q in self._subscribers:
            q.put_nowait(ev)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()


def _plain_copy(value: Any) -> Any:
    """Deep copy of JSON-like data (dicts, lists, tuples of scalars, paths, datetimes);
    anything else is copied with ``copy.deepcopy``."""
    if isinstance(value, dict):
        return {k: _plain_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_copy(v) for v in value]
    if isinstance(value, str | int | float | bool | None | Path | datetime):
        return value  # immutable
    if isinstance(value, tuple):
        return tuple(_plain_copy(v) for v in value)
    return copy.deepcopy(value)
