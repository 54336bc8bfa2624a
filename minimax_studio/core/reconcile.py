"""Never pay twice: find the remote job a lost create call may have made.

A create answered 502/504, cut by a timeout or a dropped connection, or interrupted by a
crash may still have been queued by Hailuo (useapi says so for 502/504, and no idempotency
key exists). Before anything is sent again we look on the account the job was sent to,
using only fields the docs show:

1. ``GET scheduler`` — jobs useapi tracks, with their ``started`` time (no prompt),
   confirmed by prompt with ``GET videos/{id}`` / ``GET images/{id}``;
2. ``GET videos`` / ``GET images`` on that account — matched by prompt (``desc``) or, with
   no prompt, by the files used (``originFiles``). Videos carry no creation time in the
   docs (only the sandbox adds ``createTime``), so a listed video is never matched by time;
   images do document ``createTime`` and ``batchID``.

A remote id another journal job already owns is never adopted (and the journal's
``remote_claims`` makes the final claim atomic). Jobs with the same prompt that lost their
answers together ("siblings") are matched in send order: the k-th sent takes the k-th
found. When the candidates cannot be told apart that way (fewer found than sent, or more
untimed look-alikes than jobs), the job is reported as unknown ("check before retrying"),
never given another job's result.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from minimax_studio.api.errors import MiniMaxError, NotFoundError
from minimax_studio.api.models import parse_time
from minimax_studio.core.jobs import Job, JobKind, JobState
from minimax_studio.core.routing import account_of

if TYPE_CHECKING:
    from minimax_studio.api.client import MiniMaxClient
    from minimax_studio.api.models import Image, Video


class Ambiguous(Exception):
    """Candidates were found, but which one is this job's cannot be told."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def normalize_prompt(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "")).strip().lower()


def sibling_key(job: Job) -> tuple[str, str | None, str, tuple[str, ...]]:
    """Jobs with equal keys cannot be told apart by what the server lists."""
    return (job.kind.value, job.account, normalize_prompt(job.prompt), tuple(sorted(job.file_ids.values())))


def is_unresolved(job: Job) -> bool:
    """A job whose create was sent and whose remote id we do not know yet."""
    return (not job.remote_ids and job.create_sent_at is not None
            and job.state in (JobState.SUBMITTING, JobState.NEEDS_ATTENTION))


def send_order(job: Job, siblings: list[Job]) -> tuple[int, int]:
    """(this job's place among its unresolved siblings in send order, how many there are)."""
    same = [s for s in siblings if s.id != job.id and is_unresolved(s)
            and sibling_key(s) == sibling_key(job)]
    everyone = sorted([*same, job], key=lambda j: (j.create_sent_at or datetime.max.replace(tzinfo=UTC), j.id))
    return everyone.index(job), len(everyone)


def _as_datetime(value: Any) -> datetime | None:
    """Server times come as ISO strings, epoch seconds or epoch milliseconds: the api's
    one time parser (``parse_time``); a datetime passes through (made aware)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return parse_time(value)


class Reconciler:
    def __init__(self, client: MiniMaxClient, *, window: float = 300.0, list_limit: int = 50) -> None:
        self._client = client
        #: Seconds around the send time a remote item may have been created in. Generous:
        #: the server's clock is not ours, and Hailuo may queue the job late.
        self._window = timedelta(seconds=window)
        self._limit = list_limit

    def _in_window(self, job: Job, when: datetime | None) -> bool:
        if when is None or job.create_sent_at is None:
            return True  # no time to compare: the prompt and "not claimed" must do
        return job.create_sent_at - self._window <= when <= job.create_sent_at + self._window

    def _matches(self, job: Job, item: Video | Image) -> bool:
        want = normalize_prompt(job.prompt)
        desc = normalize_prompt(item.desc)
        if want:
            return desc == want
        # No prompt (image-to-video): the item must have been made from our files.
        ours = set(job.file_ids.values())
        origin = {str(f.id) for f in item.originFiles}
        return bool(ours) and ours <= origin

    async def find(self, job: Job, claimed: set[str], siblings: list[Job] | None = None) -> list[str]:
        """Remote ids created by ``job``'s lost create call, or [] if none can be found.
        ``siblings``: the journal's other unresolved jobs (same-prompt ones are matched in
        send order). Raises MiniMaxError when the server cannot be asked (try again
        later) and ``Ambiguous`` when what was found cannot be told apart."""
        if job.account is None:
            return []
        # Only jobs sent around the same time can have made look-alikes of this one: an
        # old "unknown" job with the same prompt must not make today's ambiguous.
        near = [s for s in siblings or [] if s.create_sent_at is not None and job.create_sent_at is not None
                and abs(s.create_sent_at - job.create_sent_at) <= self._window]
        place, count = send_order(job, near)
        if job.kind is JobKind.VIDEO:
            return await self._find_video(job, claimed, place, count)
        if job.kind is JobKind.IMAGE:
            return await self._find_images(job, claimed, place, count)
        return await self._find_agent(job, claimed)

    async def _scheduler_candidates(self, job: Job, field: str, claimed: set[str],
                                    too_far: set[str] | None = None) -> list[str]:
        """Unclaimed scheduler entries on the job's account started within the window, in
        ``started`` order; ids started outside it are added to ``too_far``."""
        try:
            entries = await self._client.scheduler.list()
        except MiniMaxError:
            return []
        out: list[tuple[datetime, str]] = []
        for e in entries or []:
            # The docs' example puts an image id in ``videoId``: accept either field.
            rid = (e.videoId if field == "videoId" else e.imageId) or e.job_id
            if not isinstance(rid, str) or rid in claimed or account_of(rid) != job.account:
                continue
            if (field == "videoId") != ("-video:" in rid):
                continue
            started = e.started_at
            if self._in_window(job, started):
                out.append((started or datetime.max.replace(tzinfo=UTC), rid))
            elif too_far is not None:
                too_far.add(rid)
        return [rid for _, rid in sorted(out)]

    def _pick(self, job: Job, timed: list[list[str]], untimed: list[list[str]],
              place: int, count: int) -> list[str]:
        """The ``place``-th of ``count`` same-prompt jobs sent together takes the
        ``place``-th result: among those with a known time (in time order) when there are
        enough of them, else among all only when they are exactly as many as the jobs."""
        what = f"{job.kind.value}s"
        if len(timed) >= count:
            return timed[place]
        # Mixed: a finished one (listed, no longer in the scheduler) was most likely started
        # before the ones still running — same prompt, same queue (inferred, not documented).
        pool = untimed + timed
        if not pool:
            return []
        if len(pool) == count:
            return pool[place]
        if len(pool) < count:
            raise Ambiguous(
                f"{len(pool)} matching {what} were found on account {job.account} for {count} jobs "
                "with this prompt whose create answers were lost; which one is this job's cannot be told.")
        raise Ambiguous(
            f"{len(pool)} {what} on account {job.account} match this prompt and the server does not "
            "say when they were made; which one this job made cannot be told.")

    async def _find_video(self, job: Job, claimed: set[str], place: int, count: int) -> list[str]:
        timed: list[list[str]] = []  # running: in useapi's scheduler, in started order
        too_far: set[str] = set()  # running, but started long before or after our send
        for rid in await self._scheduler_candidates(job, "videoId", claimed, too_far):
            try:
                video = await self._client.videos.get(rid)
            except NotFoundError:
                continue
            if self._matches(job, video):
                timed.append([rid])
        seen = {r for (r,) in timed} | too_far
        untimed: list[list[str]] = []  # finished: listed, without a documented time
        for v in await self._client.videos.list(account=job.account, limit=self._limit) or []:
            vid = v.videoId
            if vid and vid not in claimed and vid not in seen and self._matches(job, v):
                seen.add(vid)
                untimed.append([vid])
        return self._pick(job, timed, untimed, place, count)

    async def _find_images(self, job: Job, claimed: set[str], place: int, count: int) -> list[str]:
        images = await self._client.images.list(account=job.account, limit=self._limit)
        batches: dict[str, list[tuple[datetime, str]]] = {}
        for im in images or []:
            rid = im.imageId
            if not isinstance(rid, str) or rid in claimed or not self._matches(job, im):
                continue
            # Images document ``createTime`` and ``batchID`` (one create call's images).
            when = im.created_at
            if not self._in_window(job, when):
                continue
            batch = str(im.batchID or rid)
            batches.setdefault(batch, []).append((when or datetime.max.replace(tzinfo=UTC), rid))
        if batches:
            ordered = sorted(batches.values(), key=min)
            timed = [[rid for _, rid in sorted(b)] for b in ordered if min(b)[0] != datetime.max.replace(tzinfo=UTC)]
            untimed = [[rid for _, rid in sorted(b)] for b in ordered if min(b)[0] == datetime.max.replace(tzinfo=UTC)]
            return self._pick(job, timed, untimed, place, count)
        # Still running images may not be listed yet; the scheduler tracks them (one entry
        # per image, so a create of ``quantity`` images is that many entries in a row).
        confirmed: list[str] = []
        for rid in await self._scheduler_candidates(job, "imageId", claimed):
            try:
                if self._matches(job, await self._client.images.get(rid)):
                    confirmed.append(rid)
            except NotFoundError:
                continue
        if count == 1:
            return confirmed
        try:
            per = max(1, int(job.request.get("quantity") or 1))
        except (TypeError, ValueError):
            per = 1
        groups = [confirmed[i:i + per] for i in range(0, len(confirmed), per)]
        return self._pick(job, groups, [], place, count) if len(groups) >= count or not groups \
            else self._pick(job, [], groups, place, count)

    async def _find_agent(self, job: Job, claimed: set[str]) -> list[str]:
        running = await self._client.agent.jobs()
        ids = [jid for jid in running.running_ids if jid not in claimed]
        for jid in ids:
            try:
                aj = await self._client.agent.get(jid)
            except NotFoundError:
                continue
            prompt = aj.request.prompt if aj.request else None
            if normalize_prompt(prompt) == normalize_prompt(job.prompt) and \
                    self._in_window(job, _as_datetime(aj.created)):
                return [jid]
        return []
