"""Never pay twice: find the remote job a lost create call may have made.

A create answered 502/504, cut by a timeout or a dropped connection, or interrupted by a
crash may still have been queued by Hailuo (useapi says so for 502/504, and no idempotency
key exists). Before anything is sent again we look on the account the job was sent to:

1. ``GET scheduler`` — jobs useapi tracks, with their start time (no prompt), confirmed
   with ``GET videos/{id}`` / ``GET images/{id}``;
2. ``GET videos`` / ``GET images`` on that account — matched by prompt (and, when the
   server says when an item was made, by time around our send).

A remote id another journal job already owns is never adopted. What cannot be matched is
reported as unknown to the user ("check before retrying"), never silently resent.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from minimax_studio.api.errors import MiniMaxError, NotFoundError
from minimax_studio.core.jobs import Job, JobKind
from minimax_studio.core.routing import _get, account_of


def normalize_prompt(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "")).strip().lower()


def _as_datetime(value: Any) -> datetime | None:
    """Server times come as ISO strings, epoch seconds or epoch milliseconds."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


class Reconciler:
    def __init__(self, client: Any, *, window: float = 300.0, list_limit: int = 50) -> None:
        self._client = client
        #: Seconds around the send time a remote item may have been created in. Generous:
        #: the server's clock is not ours, and Hailuo may queue the job late.
        self._window = timedelta(seconds=window)
        self._limit = list_limit

    def _in_window(self, job: Job, when: datetime | None) -> bool:
        if when is None or job.create_sent_at is None:
            return True  # no time to compare: the prompt and "not claimed" must do
        return job.create_sent_at - self._window <= when <= job.create_sent_at + self._window

    def _matches(self, job: Job, item: Any) -> bool:
        want = normalize_prompt(job.prompt)
        desc = normalize_prompt(_get(item, "desc", "prompt"))
        if want:
            return desc == want
        # No prompt (image-to-video): the item must have been made from our files.
        ours = set(job.file_ids.values())
        origin = {str(_get(f, "id")) for f in (_get(item, "originFiles", "origin_files") or [])}
        return bool(ours) and ours <= origin

    async def find(self, job: Job, claimed: set[str]) -> list[str]:
        """Remote ids created by ``job``'s lost create call, or [] if none can be found.
        Raises MiniMaxError when the server cannot be asked (try again later)."""
        if job.account is None:
            return []
        if job.kind is JobKind.VIDEO:
            return await self._find_video(job, claimed)
        if job.kind is JobKind.IMAGE:
            return await self._find_images(job, claimed)
        return await self._find_agent(job, claimed)

    async def _scheduler_candidates(self, job: Job, field: str, claimed: set[str]) -> list[str]:
        try:
            entries = await self._client.scheduler.list()
        except MiniMaxError:
            return []
        out: list[tuple[datetime, str]] = []
        for e in entries or []:
            rid = _get(e, field) or _get(e, "videoId", "imageId")
            if not isinstance(rid, str) or rid in claimed or account_of(rid) != job.account:
                continue
            if (field == "videoId") != ("-video:" in rid):
                continue
            started = _as_datetime(_get(e, "started"))
            if self._in_window(job, started):
                out.append((started or datetime.max.replace(tzinfo=UTC), rid))
        return [rid for _, rid in sorted(out)]

    async def _find_video(self, job: Job, claimed: set[str]) -> list[str]:
        for rid in await self._scheduler_candidates(job, "videoId", claimed):
            try:
                video = await self._client.videos.get(rid)
            except NotFoundError:
                continue
            if self._matches(job, video):
                return [rid]
        videos = await self._client.videos.list(account=job.account, limit=self._limit)
        found: list[tuple[datetime, str]] = []
        for v in videos or []:
            rid = _get(v, "videoId", "video_id")
            if not isinstance(rid, str) or rid in claimed or not self._matches(job, v):
                continue
            when = _as_datetime(_get(v, "createTime", "created", "create_time"))
            if self._in_window(job, when):
                found.append((when or datetime.max.replace(tzinfo=UTC), rid))
        return [sorted(found)[0][1]] if found else []

    async def _find_images(self, job: Job, claimed: set[str]) -> list[str]:
        images = await self._client.images.list(account=job.account, limit=self._limit)
        batches: dict[str, list[tuple[datetime, str]]] = {}
        for im in images or []:
            rid = _get(im, "imageId", "image_id")
            if not isinstance(rid, str) or rid in claimed or not self._matches(job, im):
                continue
            when = _as_datetime(_get(im, "createTime", "created", "create_time"))
            if not self._in_window(job, when):
                continue
            batch = str(_get(im, "batchID", "batch_id") or rid)
            batches.setdefault(batch, []).append((when or datetime.max.replace(tzinfo=UTC), rid))
        if not batches:
            # Still running images may not be listed yet; the scheduler tracks them.
            ids = await self._scheduler_candidates(job, "imageId", claimed)
            confirmed = []
            for rid in ids:
                try:
                    if self._matches(job, await self._client.images.get(rid)):
                        confirmed.append(rid)
                except NotFoundError:
                    continue
            return confirmed
        # The earliest matching batch after our send is the one our call created.
        best = min(batches.values(), key=lambda items: min(items)[0])
        return [rid for _, rid in sorted(best)]

    async def _find_agent(self, job: Job, claimed: set[str]) -> list[str]:
        running = await self._client.agent.jobs()
        executing = _get(running, "executing") or {}
        ids: list[str] = []
        for acc_jobs in (executing.values() if isinstance(executing, dict) else []):
            for entry in acc_jobs or []:
                jid = _get(entry, "jobId")
                if isinstance(jid, str) and jid not in claimed:
                    ids.append(jid)
        for jid in ids:
            try:
                aj = await self._client.agent.get(jid)
            except NotFoundError:
                continue
            req = _get(aj, "request") or {}
            if normalize_prompt(_get(req, "prompt")) == normalize_prompt(job.prompt) and \
                    self._in_window(job, _as_datetime(_get(aj, "created"))):
                return [jid]
        return []
