"""Finding jobs by the ids clients send (raw composite ids in the path)."""

from __future__ import annotations

from minimax_studio.api.models import MediaStatus

from .core import ApiError, Core
from .ids import parse_composite
from .lifecycle import final_at, progress
from .state import MediaJob


def post_moderation_at(job: MediaJob) -> float:
    """When a post-moderated job disappears: a while after it completed, so a client
    polling every 15-30 s sees it finish first (emulator-notes §4.5)."""
    return final_at(job) + max(5.0, 0.5 * job.run_s)


def is_removed(core: Core, job: MediaJob) -> bool:
    """Deleted, or completed and then taken down by post-moderation."""
    if job.deleted:
        return True
    if not job.post_moderated:
        return False
    now = core.clock.now()
    return progress(job, now).status == MediaStatus.COMPLETED and now >= post_moderation_at(job)


def find_job(core: Core, raw_id: str, kind: str, user: str, *, missing: int = 404) -> MediaJob:
    label = "videoId" if kind == "video" else "imageId"
    comp = parse_composite(raw_id)
    if comp is None or comp.kind != kind:
        raise ApiError(400, f"Invalid {label} {raw_id!r}: expected user:…-minimax:…-{kind}:…")
    if comp.user != user:
        raise ApiError(400, f"{label} {raw_id} belongs to another user")
    job = core.state.jobs.get(f"user:{comp.user}-minimax:{comp.account}-{kind}:{comp.id}")
    if job is None or (kind == "video" and is_removed(core, job)):
        raise ApiError(missing, "Not found." if missing == 404 else f"Unknown {label} {raw_id}")
    return job
