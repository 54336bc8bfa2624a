"""What differs between a video, an image and an agent job, one small object per kind:
which endpoint creates, reads and cancels it, how its answer reads as a status, and what
there is to download when it is done. The rest of the engine never asks ``job.kind``."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from minimax_studio.api.client import MiniMaxClient
from minimax_studio.api.errors import MalformedResponseError, MiniMaxError
from minimax_studio.api.models import AgentJob, Image, Video
from minimax_studio.core.engine_config import EngineConfig
from minimax_studio.core.jobs import DownloadState, Job, JobKind, PlannedDownload
from minimax_studio.core.poll_limits import is_final_item
from minimax_studio.core.remote_items import (
    COMPLETED,
    FAILED,
    FINAL,
    UNDOCUMENTED_FINAL,
    MediaStatus,
    status_of,
)

__all__ = ["KindOps", "RemoteItem", "ops_for"]

#: What the API answers about one remote job (the client's pydantic models).
RemoteItem = Video | Image | AgentJob



class KindOps:
    """The video/image shape; ``AgentOps`` overrides what differs."""

    kind: JobKind = JobKind.VIDEO
    #: Reference files are uploaded to the account first (the agent sends its files itself).
    uploads_files = True
    #: Its remote id holds one of the router's per-account slots until it ends.
    holds_route_slot = False
    #: A completed result without a downloaded file is a failure (the agent's attachments
    #: are optional: an answer in words is a result too).
    needs_a_file = True
    #: A completed job with nothing to download is completed with this note (None: failed).
    words_only_note: str | None = None

    async def create(self, client: MiniMaxClient, body: dict[str, Any], account: str | None) -> list[str]:
        raise NotImplementedError

    async def get(self, client: MiniMaxClient, rid: str) -> RemoteItem:
        raise NotImplementedError

    async def cancel(self, client: MiniMaxClient, rid: str) -> None:
        # Why DELETE scheduler/{id}: it frees the maxJobs slot at once and stops
        # webhooks; a 404 just means useapi already stopped tracking it.
        with contextlib.suppress(MiniMaxError):
            await client.scheduler.delete(rid)

    def remote_status(self, item: RemoteItem) -> int | None:
        status = status_of(item)
        if status not in FINAL and is_final_item(item):
            # The docs: poll until statusFinal. A final code they do not list still ends
            # the job (as failed, in the server's words: see the poller's settle).
            return UNDOCUMENTED_FINAL
        return status

    def plan(self, rid: str, item: RemoteItem | None, config: EngineConfig) -> dict[str, PlannedDownload]:
        """What to download for a completed remote id."""
        if not isinstance(item, Video | Image) or not item.best_url:
            return {}
        return {rid: PlannedDownload(url=item.best_url, cover=item.coverURL, state=DownloadState.PENDING,
                                     width=item.width, height=item.height,
                                     file_id=item.fileID if isinstance(item, Image) else None,
                                     kind=self.kind.value)}

    def refresh(self, job: Job, rid: str, item: RemoteItem, config: EngineConfig) -> None:
        """Put fresh URLs (CDN links expire) on the downloads not done yet."""
        d = job.downloads.get(rid)
        if d is None or d.get("state") == DownloadState.DONE:
            return
        if isinstance(item, Video | Image) and item.best_url:
            d["url"] = item.best_url
            d["cover"] = item.coverURL or d.get("cover")

    def failure(self, items: dict[str, RemoteItem]) -> str | None:
        """Why a job that ended with nothing to download failed, when the kind says more."""
        return None


class VideoOps(KindOps):
    kind = JobKind.VIDEO
    holds_route_slot = True

    async def create(self, client: MiniMaxClient, body: dict[str, Any], account: str | None) -> list[str]:
        rid = (await client.videos.create(body)).videoId
        return [rid] if rid else []

    async def get(self, client: MiniMaxClient, rid: str) -> RemoteItem:
        return await client.videos.get(rid)

    async def cancel(self, client: MiniMaxClient, rid: str) -> None:
        with contextlib.suppress(MiniMaxError):
            await client.videos.cancel(rid)
        await super().cancel(client, rid)


class ImageOps(KindOps):
    kind = JobKind.IMAGE

    async def create(self, client: MiniMaxClient, body: dict[str, Any], account: str | None) -> list[str]:
        return list((await client.images.create(body)).imageIds)

    async def get(self, client: MiniMaxClient, rid: str) -> RemoteItem:
        return await client.images.get(rid)


class AgentOps(KindOps):
    kind = JobKind.AGENT
    uploads_files = False
    needs_a_file = False
    # Why completed: an answer in words only (a question back, a refusal) is the agent's
    # answer; the Agent tab reads its msg_content.
    words_only_note = "The agent answered without attachments."

    async def create(self, client: MiniMaxClient, body: dict[str, Any], account: str | None) -> list[str]:
        models = body.get("models") or []
        if isinstance(models, str):
            models = [m.strip() for m in models.split(",") if m.strip()]
        files = [Path(f) for f in (body.get("files") or [])]
        created = await client.agent.create(prompt=body.get("prompt", ""), models=[str(m) for m in models],
                                            files=files, async_=True, account=account)
        return [created.jobId] if created.jobId else []

    async def get(self, client: MiniMaxClient, rid: str) -> RemoteItem:
        return await client.agent.get(rid)

    async def cancel(self, client: MiniMaxClient, rid: str) -> None:
        return None  # the agent API has no cancel; the job ends by itself

    def remote_status(self, item: RemoteItem) -> int | None:
        st = item.status if isinstance(item, AgentJob) else None
        return {"completed": int(COMPLETED), "failed": int(FAILED)}.get(str(st), int(MediaStatus.PROCESSING))

    def plan(self, rid: str, item: RemoteItem | None, config: EngineConfig) -> dict[str, PlannedDownload]:
        """One download per attachment, keyed ``<job id>#<attachment id>``. An attachment
        whose MIME type is not video/image/audio (a PDF, type 9) is planned as kind "file":
        ingest skips it with a note instead of downloading it (see ``is_media_download``)."""
        out: dict[str, PlannedDownload] = {}
        if not isinstance(item, AgentJob):
            return out
        for att in item.attachments:
            url = att.url(prefer_clean=config.prefer_no_watermark)
            if not url:
                continue
            f = att.file
            extra = f.extra if f else None
            mime = (f.type if f else None) or ""
            # No MIME type and an undocumented type code: "image" as before (the
            # downloaded bytes are sniffed; a mismatch is refused with a sentence).
            kind = att.kind or ("file" if mime else "image")
            att_id = att.attachmentID or url
            out[f"{rid}#{att_id}"] = PlannedDownload(
                url=url, cover=extra.thumbnail_url if extra else None, state=DownloadState.PENDING,
                mime=mime, kind=kind, remote=att_id, name=(f.fileName if f else None) or att_id,
                width=extra.width if extra else None, height=extra.height if extra else None,
                duration=extra.duration if extra else None)
        return out

    def refresh(self, job: Job, rid: str, item: RemoteItem, config: EngineConfig) -> None:
        for key, d in self.plan(rid, item, config).items():
            if key in job.downloads and job.downloads[key].get("state") != DownloadState.DONE:
                job.downloads[key]["url"] = d["url"]

    def failure(self, items: dict[str, RemoteItem]) -> str | None:
        first = next(iter(items.values()), None)
        msg = first.error_message if isinstance(first, AgentJob) else None
        return f"The agent failed: {msg}." if msg else "The agent finished without a result."


_OPS: dict[JobKind, KindOps] = {JobKind.VIDEO: VideoOps(), JobKind.IMAGE: ImageOps(),
                                JobKind.AGENT: AgentOps()}


def ops_for(kind: JobKind) -> KindOps:
    return _OPS[kind]


def require_ids(ids: list[Any]) -> list[str]:
    if not ids:
        raise MalformedResponseError("The create call answered without a job id.")
    return [str(i) for i in ids]
