"""The poller: where every submitted job (video, image, agent) is polled until Hailuo
says each of its remote ids is final, within the kind's polling limit — then its downloads
are planned (``_settle``) or it ends with the reason in words.

Intervals come from ``EngineConfig`` (first poll, steady interval growing to a maximum,
back-off on busy answers, ±10 % jitter); every wait is the engine's injected ``sleep``."""

from __future__ import annotations

import contextlib
import random
from datetime import UTC, datetime

from minimax_studio.api.errors import AuthenticationError, MiniMaxError, NotFoundError
from minimax_studio.core.contact import WAITING_UNREACHABLE, is_unreachable
from minimax_studio.core.engine.ingest import Ingest
from minimax_studio.core.engine.kinds import RemoteItem, ops_for
from minimax_studio.core.jobs import (
    DownloadState,
    EventType,
    Job,
    JobState,
    PlannedDownload,
    event_type_for,
)
from minimax_studio.core.poll_limits import poll_limit, poll_limit_reason, undocumented_final_reason
from minimax_studio.core.remote_items import (
    COMPLETED,
    FINAL,
    GONE,
    MODERATED,
    UNDOCUMENTED_FINAL,
    item_percent,
)

__all__ = ["ENDED", "Poller"]

#: Remote statuses after which nothing more will change (incl. our own GONE / undocumented).
ENDED = FINAL | {GONE, UNDOCUMENTED_FINAL}


class Poller(Ingest):
    async def _poll_then_download(self, job: Job) -> None:
        if await self._poll(job):
            # URLs planned by an earlier session may have expired: refresh those.
            stale = any(d.get("state") != DownloadState.DONE and d.get("path") for d in job.downloads.values())
            await self._download_then_finish(job, refresh_urls=stale)

    async def _poll(self, job: Job) -> bool:
        """Poll until every remote id is final. True when there is something to download."""
        cfg = self.config
        ops = ops_for(job.kind)
        interval = cfg.poll_initial if job.state is JobState.SUBMITTED else min(cfg.poll_interval, cfg.poll_initial)
        steady = cfg.poll_interval
        errors = 0
        items: dict[str, RemoteItem] = {}
        while True:
            # ±10 %: a batch submitted together would otherwise poll in lock-step forever -
            # 50 answers parsed in one event-loop pass (a visible UI stall) and 50
            # requests at once on the account. The mean interval stays the same.
            await self._sleep(interval * random.uniform(0.9, 1.1))
            pending = [r for r in job.remote_ids if job.remote_status.get(r) not in ENDED]
            failure: MiniMaxError | None = None
            for rid in pending:
                try:
                    item = await ops.get(self._client, rid)
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
                status = ops.remote_status(item)
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
            if all(job.remote_status.get(r) in ENDED for r in job.remote_ids):
                return await self._settle(job, items)
            await self._progress(job, items)
            interval, steady = steady, min(cfg.poll_max, steady * cfg.poll_growth)

    async def _progress(self, job: Job, items: dict[str, RemoteItem]) -> None:
        pct = self._job_percent(job, items)
        message = _first_message(items)
        waited = (job.reason or "").startswith(WAITING_UNREACHABLE)  # answered again: say so
        if job.state is JobState.PROCESSING and pct == job.progress and not waited:
            return
        starting = job.state is not JobState.PROCESSING
        job.mark_processing(pct, message)
        now_ = self._clock()
        run = self._runs.get(job.id)
        saved = run.progress_saved if run is not None else 0.0
        if starting or now_ - saved >= self.config.progress_save_interval:
            if run is not None:
                run.progress_saved = now_
            await self._commit(job, EventType.PROCESSING, history=starting)
        else:
            # Why not journaled every time: a resume polls again anyway, and 50 jobs
            # each writing every percent kept the SQLite thread (and the GIL) busy
            # enough to stall the UI thread (bench/bench_ui_stall.py).
            await self._bus.emit(job, EventType.PROCESSING)

    def _polled_for(self, job: Job) -> float:
        run = self._runs.get(job.id)
        if run is not None and run.poll_from is not None:
            return self._clock() - run.poll_from
        start = job.create_sent_at or job.created_at
        return (datetime.now(UTC) - start).total_seconds()

    async def _past_poll_limit(self, job: Job, items: dict[str, RemoteItem]) -> bool:
        """Past the kind's polling limit: the job needs attention (True) — unless every
        remote id is final already (then it settles as usual)."""
        limit = poll_limit(self.config, job.kind)
        if limit is None or self._polled_for(job) <= limit:
            return False
        if all(job.remote_status.get(r) in ENDED for r in job.remote_ids):
            return False
        last = next(reversed(items.values()), None) if items else None
        await self._attention(job, poll_limit_reason(limit, last))
        return True

    def _job_percent(self, job: Job, items: dict[str, RemoteItem]) -> int | None:
        values = []
        for rid in job.remote_ids:
            if job.remote_status.get(rid) in FINAL:
                values.append(100)
            elif rid in items and item_percent(items[rid]) is not None:
                values.append(item_percent(items[rid]) or 0)
        return int(sum(values) / len(values)) if values else None

    async def _settle(self, job: Job, items: dict[str, RemoteItem]) -> bool:
        """Every remote id is final: plan downloads or end the job with the reason."""
        ops = ops_for(job.kind)
        plan: dict[str, PlannedDownload] = {}
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
                    item = items[rid] = await ops.get(self._client, rid)
            plan.update(ops.plan(rid, item, self.config))
        statuses = [job.remote_status.get(r) for r in job.remote_ids]
        if not plan:
            odd = [r for r in job.remote_ids if job.remote_status.get(r) == UNDOCUMENTED_FINAL]
            kind_failure = ops.failure(items)
            if odd and not any(s == COMPLETED or s in MODERATED for s in statuses):
                job.mark_failed(undocumented_final_reason(items.get(odd[0])))
            elif any(s == GONE for s in statuses):
                job.mark_moderated("Removed by Hailuo after it was generated, most likely by moderation (404).")
            elif any(s in MODERATED for s in statuses):
                detail = _first_message(items)
                job.mark_moderated("Blocked by Hailuo's moderation" + (f": {detail}." if detail else "."))
            elif ops.words_only_note is not None and any(s == COMPLETED for s in statuses):
                job.mark_completed(ops.words_only_note)
            elif kind_failure is not None:
                job.mark_failed(kind_failure)
            elif any(s == COMPLETED for s in statuses):
                job.mark_failed("Hailuo reported it completed but gave no download link.")
            else:
                detail = _first_message(items)
                job.mark_failed("Hailuo could not generate it (failed)" + (f": {detail}." if detail else "."))
            await self._finish(job)
            return False
        for rid, d in plan.items():
            job.downloads.setdefault(rid, d)
        return True


def _first_message(items: dict[str, RemoteItem]) -> str | None:
    # Videos and images carry a message; an agent job says why in its ``error``.
    return next((str(m) for i in items.values() if (m := getattr(i, "message", None))), None)
