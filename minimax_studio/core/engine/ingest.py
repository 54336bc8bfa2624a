"""Ingest: a finished job's results downloaded (resumable, retried, URLs refreshed when
they expire), checked to be the media they claim, given a thumbnail and filed in the
library as items — then the job is completed (or says what is missing)."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from minimax_studio.api.errors import MiniMaxError, NotFoundError
from minimax_studio.core.engine.base import EngineBase, log
from minimax_studio.core.engine.kinds import ops_for
from minimax_studio.core.jobs import (
    DownloadState,
    EventType,
    Job,
    JobKind,
    PlannedDownload,
    file_slots,
    is_media_download,
)
from minimax_studio.core.library_new_item import NewLibraryItem
from minimax_studio.core.remote_items import COMPLETED, ext_for, sniff_media

__all__ = ["Ingest"]


class Ingest(EngineBase):
    async def _refresh_urls(self, job: Job) -> None:
        ops = ops_for(job.kind)
        for rid in list(job.remote_ids):
            try:
                item = await self._get_remote(job, rid)
            except MiniMaxError:
                continue  # keep the recorded URL; the download says if it is dead
            ops.refresh(job, rid, item, self.config)

    async def _download_then_finish(self, job: Job, *, refresh_urls: bool = False) -> None:
        if refresh_urls:
            await self._refresh_urls(job)
        skipped = await self._skip_non_media(job)
        job.start_download()
        await self._commit(job, EventType.DOWNLOADING)
        total = len(job.downloads)
        problems: list[str] = []
        for n, (key, d) in enumerate(list(job.downloads.items())):
            if d.get("state") in (DownloadState.DONE, DownloadState.SKIPPED):
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
        undelivered = [r for r in job.remote_ids if ops_for(job.kind).needs_a_file
                       and job.remote_status.get(r) == COMPLETED
                       and (job.downloads.get(r) or {}).get("state") != DownloadState.DONE]
        if undelivered:
            # Generated (and paid) but never downloaded: a failure to report, not "completed".
            job.mark_failed(f"{len(undelivered)} of {len(statuses)} results were generated but Hailuo gave "
                            f"no download link for them ({', '.join(undelivered)}); "
                            "check the account's videos/images.")
            await self._finish(job)
            return
        lost = sum(1 for s in statuses if s != COMPLETED)
        notes = [skipped] if skipped else []
        if lost and job.kind is JobKind.IMAGE:
            notes.append(f"{len(statuses) - lost} of {len(statuses)} images completed; "
                         "the others were moderated or failed.")
        job.mark_completed(" ".join(notes) or None)
        await self._finish(job)

    async def _skip_non_media(self, job: Job) -> str | None:
        """Mark the planned downloads that are not media (an agent's PDF) skipped: the
        library files only video, image and audio, and a file it would refuse must not
        leave the job needing attention and downloaded again on every start. Returns the
        note the finished job carries; the entries stay (journaled) so a resume still
        names them."""
        fresh = False
        for d in job.downloads.values():
            if d.get("state") == DownloadState.PENDING and not is_media_download(d):
                d["state"] = DownloadState.SKIPPED
                d.pop("path", None)
                fresh = True
        odd = [(k, d) for k, d in job.downloads.items() if d.get("state") == DownloadState.SKIPPED]
        if not odd:
            return None
        names = ", ".join(f"{d.get('name') or d.get('remote') or k} ({d.get('mime') or 'unknown type'})"
                          for k, d in odd)
        note = (f"Not downloaded: {names}, not a video, image or audio "
                "(the library keeps only those).")
        if fresh:
            await self._save(job, "note", note)
        return note

    async def _download_one(self, job: Job, key: str, d: PlannedDownload, n: int, total: int) -> None:
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
                    self._bus.emit_nowait(job, EventType.DOWNLOADING, pct)

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
            d.pop("path", None)
            raise MiniMaxError(f"the downloaded file is not a valid {kind} ({size} bytes).")
        thumb = await self._thumbnail(kind, path, d.get("cover"))
        item = await self._library.add_item(self._library_item(job, d, remote_id, kind, path, thumb))
        self._mark_downloaded(job, d, item)
        await self._save(job, "downloaded", f"{path.name} added to the library")

    def _mark_downloaded(self, job: Job, d: PlannedDownload, item: Any) -> None:
        d["state"] = DownloadState.DONE
        item_id = getattr(item, "id", None)
        d["item_id"] = item_id
        if item_id is not None and item_id not in job.library_item_ids:
            job.library_item_ids.append(item_id)

    async def _library_by_remote(self, remote_id: str) -> Any | None:
        try:
            return await self._library.by_remote_id(remote_id)
        except (KeyError, LookupError):
            return None

    def _library_item(self, job: Job, d: PlannedDownload, remote_id: str, kind: str,
                      path: Path, thumb: Path | None) -> NewLibraryItem:
        sent = dict(job.request)
        options = {k: v for k, v in job.request.items()
                   if k not in ("prompt", "model", "models", "files") and k not in file_slots(job.request)}
        duration = _num(d.get("duration")) or (_num(job.request.get("duration")) if kind == "video" else None)
        return NewLibraryItem(
            kind=kind,
            prompt=job.prompt,
            model=job.model,
            # The exact request with references as local paths, plus the fileIDs sent for
            # them on this account (re-run needs the paths; the ids tell what was used).
            request={**sent, "fileIDs": dict(job.file_ids)} if job.file_ids else sent,
            options=options,
            account=job.account,
            job_id=job.id,
            remote_id=remote_id,
            file_id=d.get("file_id"),
            width=_num(d.get("width")) or None,
            height=_num(d.get("height")) or None,
            duration=duration,
            path=path,
            thumb_path=thumb,
            created_at=job.created_at,
            finished_at=datetime.now(UTC),
            source="batch" if job.source == "batch" else ("agent" if job.kind is JobKind.AGENT else "app"),
        )

    async def _thumbnail(self, kind: str, path: Path, cover_url: str | None) -> Path | None:
        """A thumbnail is a nicety: any failure here leaves the item without one."""
        thumbs = self.config.thumbs_dir
        if thumbs is None:
            return None
        from minimax_studio.core.thumbnails import make_thumbnail, thumbnail_from_cover
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

    async def _discard_partial(self, job: Job) -> None:
        """A cancelled job leaves no half-downloaded ``.part`` file behind."""
        for d in job.downloads.values():
            path = d.get("path")
            if d.get("state") != DownloadState.DONE and path:
                part = Path(path)
                with contextlib.suppress(OSError):
                    part.with_suffix(part.suffix + ".part").unlink()


def _num(v: Any) -> Any:
    """A size or duration from the API (int, float or a numeric string), else None."""
    try:
        return float(v) if "." in str(v) else int(v)
    except (TypeError, ValueError):
        return None
