"""Reading what Hailuo says about a video or image: its status code and percent, and the
file extension and media kind of what we downloaded (from our own
allow-list and the file's bytes, never from the server's name as is)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from minimax_studio.api.models import AgentJob, Image, MediaStatus, Video
from minimax_studio.core.jobs import JobKind

__all__ = ["COMPLETED", "FAILED", "FINAL", "GONE", "MODERATED", "REMOTE_RUNNING", "REMOTE_WAITING",
           "UNDOCUMENTED_FINAL", "MediaStatus", "ext_for",
           "item_percent", "sniff_media", "status_of"]

# Hailuo's status codes (videos.md; images use the same table) are ``MediaStatus``, the
# api's one vocabulary. ``Job.remote_status`` stores them as plain ints (an IntEnum
# compares equal to its int, so journal rows read back the same).
COMPLETED = MediaStatus.COMPLETED
FAILED = MediaStatus.FAILED
MODERATED = frozenset(s for s in MediaStatus if s.is_moderated)
FINAL = frozenset(s for s in MediaStatus if s.is_final)
#: Accepted but not started (pending, queued) / running.
REMOTE_WAITING = frozenset({MediaStatus.PENDING, MediaStatus.QUEUED})
REMOTE_RUNNING = frozenset({MediaStatus.PROCESSING, MediaStatus.PROCESSING_12})
#: Our own marker in ``remote_status`` for "GET answered 404 on a job that existed".
GONE = 404
#: Our own marker for "``statusFinal`` was true with a status code the docs do not list".
UNDOCUMENTED_FINAL = -1


_EXT_BY_KIND = {
    JobKind.VIDEO: (".mp4", {".mp4", ".mov", ".webm"}),
    JobKind.IMAGE: (".png", {".png", ".jpg", ".jpeg", ".webp"}),
}
_EXT_BY_MIME = {"video/mp4": ".mp4", "image/png": ".png", "image/jpeg": ".jpg",
                "image/webp": ".webp", "audio/mpeg": ".mp3", "audio/wav": ".wav"}


def ext_for(kind: str, url: str, mime: str | None = None) -> str:
    """File extension from our own small allow-list, never from the server's name as is."""
    if mime and mime.split(";")[0].strip().lower() in _EXT_BY_MIME:
        return _EXT_BY_MIME[mime.split(";")[0].strip().lower()]
    default, allowed = _EXT_BY_KIND.get(JobKind(kind) if kind in ("video", "image") else JobKind.IMAGE,
                                        (".bin", set()))
    suffix = Path(urlparse(url).path).suffix.lower()
    return suffix if suffix in allowed else default


def sniff_media(path: Path) -> str | None:
    """'video' / 'image' / 'audio' from the file's first bytes, or None."""
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError:
        return None
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "video"
    if head.startswith(b"\x1aE\xdf\xa3"):
        return "video"  # webm / matroska
    if head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8\xff") or head.startswith(b"GIF8"):
        return "image"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio"
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio"
    return None


def item_percent(item: Video | Image | AgentJob) -> int | None:
    """A video's or image's ``percent`` (an agent job reports none)."""
    p = item.percent if isinstance(item, Video | Image) else None
    return int(p) if p is not None else None


def status_of(item: Video | Image | AgentJob) -> int | None:
    """A video's or image's status code (an agent job's status is a word: see AgentOps)."""
    return item.status if isinstance(item, Video | Image) else None
