"""One job's way to Hailuo once the dispatcher gave it an account: upload its reference
files → send the create call once → on an answer that may hide a created job, reconcile
(look for it) instead of sending again → poll (``poller``).

What each error from upload and create means for the job is in one place each:
``_UPLOAD_OUTCOMES`` and ``_CREATE_OUTCOMES`` map an exception to an ``Outcome``."""

from __future__ import annotations

import asyncio
import enum
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
    UploadRejectedError,
)
from minimax_studio.core.contact import is_unreachable
from minimax_studio.core.engine.base import log
from minimax_studio.core.engine.kinds import ops_for, require_ids
from minimax_studio.core.engine.poller import Poller
from minimax_studio.core.jobs import EventType, Job, JobState, file_slots
from minimax_studio.core.reconcile import Ambiguous, is_unresolved, sibling_key

__all__ = ["Outcome", "Pipeline"]


class Outcome(enum.Enum):
    """What an error from an upload or a create call does to the job."""

    #: 412/596: a refusal, nothing made — pause the account, route the job elsewhere.
    PAUSE_ACCOUNT = "pause_account"
    #: 429: our slot count was off; read capacity again and wait before routing it again.
    BUSY = "busy"
    MODERATED = "moderated"
    FAILED = "failed"
    #: 502/504, timeouts, dropped connections, garbled answers: Hailuo may have made it.
    RECONCILE = "reconcile"
    #: An upload that failed for a passing reason: try again, then queue again.
    RETRY = "retry"


#: First match wins (subclasses before their bases).
_UPLOAD_OUTCOMES: tuple[tuple[type[MiniMaxError], Outcome], ...] = (
    (UploadRejectedError, Outcome.FAILED),
    (InsufficientCreditsError, Outcome.PAUSE_ACCOUNT),
    (AccountOnHoldError, Outcome.PAUSE_ACCOUNT),
    (AuthenticationError, Outcome.FAILED),
    (BadRequestError, Outcome.FAILED),
    (MiniMaxError, Outcome.RETRY),
)
_CREATE_OUTCOMES: tuple[tuple[type[MiniMaxError], Outcome], ...] = (
    (InsufficientCreditsError, Outcome.PAUSE_ACCOUNT),
    (AccountOnHoldError, Outcome.PAUSE_ACCOUNT),
    (CapacityError, Outcome.BUSY),
    (ModeratedError, Outcome.MODERATED),
    (BadRequestError, Outcome.FAILED),
    (AuthenticationError, Outcome.FAILED),
    (APIStatusError, Outcome.RECONCILE),
    (APIConnectionError, Outcome.RECONCILE),
    (MalformedResponseError, Outcome.RECONCILE),
    (MiniMaxError, Outcome.RECONCILE),
)


def outcome_of(exc: MiniMaxError, table: tuple[tuple[type[MiniMaxError], Outcome], ...]) -> Outcome:
    return next(outcome for cls, outcome in table if isinstance(exc, cls))


class Pipeline(Poller):
    async def _run(self, job: Job) -> None:
        if not await self._upload(job):
            return
        created = await self._create(job)
        if created:
            await self._poll_then_download(job)

    # ----------------------------------------------------------------- upload
    async def _upload(self, job: Job) -> bool:
        assert job.account is not None
        last_pct = -1

        def progress(pct: int) -> None:
            nonlocal last_pct
            if pct // 5 != last_pct // 5:
                last_pct = pct
                job.progress = pct
                self._bus.emit_nowait(job, EventType.UPLOADING, pct)

        if not ops_for(job.kind).uploads_files or not file_slots(job.request):
            return True
        delay = self.config.transfer_retry
        for attempt in range(1, self.config.upload_attempts + 1):
            try:
                async with self._upload_sem:
                    job.file_ids = await self._uploads.resolve(job.account, job.request, progress)
                for run in self._runs:  # some account now holds more of everyone's files
                    run.prefer = None
                await self._save(job, "uploaded", f"files on account {job.account}: "
                                 + ", ".join(job.file_ids))
                return True
            except MiniMaxError as exc:
                outcome = outcome_of(exc, _UPLOAD_OUTCOMES)
                if outcome is Outcome.PAUSE_ACCOUNT:
                    await self._pause_account(job.account, exc)
                    await self._requeue(job, f"Account {job.account} was paused ({exc.message}); choosing another.")
                    return False
                if outcome is Outcome.FAILED:
                    job.mark_failed(f"The upload was rejected: {exc.message}"
                                    if isinstance(exc, BadRequestError) else exc.message)
                    await self._finish(job)
                    return False
                if attempt == self.config.upload_attempts:
                    await self._requeue(job, f"Uploading failed ({exc.message}); queued again.",
                                        delay=self.config.busy_retry)
                    return False
                await self._sleep(delay)
                delay *= 2
        return False

    # ----------------------------------------------------------------- create
    def _create_body(self, job: Job) -> dict[str, Any]:
        body = {k: v for k, v in job.request.items() if v is not None and v != ""}
        body.update(job.file_ids)
        body["account"] = job.account
        return body

    async def _send_tracked(self, job: Job) -> list[str]:
        self._in_flight[job.id] = job
        try:
            ids = await ops_for(job.kind).create(self._client, self._create_body(job), job.account)
            return require_ids(ids)
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
        except MiniMaxError as exc:
            outcome = outcome_of(exc, _CREATE_OUTCOMES)
            if outcome is Outcome.PAUSE_ACCOUNT:
                # Why requeue: 412/596 are refusals; nothing was created, so another account
                # can take the job without paying twice.
                await self._pause_account(job.account, exc)
                await self._requeue(job, f"Account {job.account} was paused ({exc.message}); sending to another account.")
            elif outcome is Outcome.BUSY:
                # Why: our slot count was off (jobs from another client or the website): read
                # capacity again and wait before trying; 429 means nothing was created.
                self.router.invalidate()
                await self._requeue(job, f"Account {job.account} is busy (429); waiting for a free slot.",
                                    delay=self.config.busy_retry)
            elif outcome is Outcome.MODERATED:
                job.mark_moderated(exc.message)
                await self._finish(job)
            elif outcome is Outcome.FAILED:
                job.mark_failed(exc.message)
                await self._finish(job)
            else:
                # Why reconcile: 502/504, timeouts, dropped connections and garbled answers may
                # hide a job Hailuo accepted; sending again could pay twice.
                await self._reconcile_then_poll(job, exc.message, poll=False)
                return job.state in (JobState.SUBMITTED, JobState.PROCESSING)
            return False
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
        run = self._runs.get(job.id)
        self.router.spend(job.account, run.min_credits if run is not None else None)
        await self._commit(job, EventType.SUBMITTED, f"created on account {job.account}: {', '.join(ids)}")
        if job.cancel_requested:
            await self.cancel(job.id)
            return False
        return True

    # ----------------------------------------------------------------- reconcile
    def _look_again(self, job: Job) -> None:
        """A needs-attention job whose create answer was lost: reconcile once more."""
        self._spawn(job, self._reconcile_then_poll(job, "looking again, as asked"))

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
