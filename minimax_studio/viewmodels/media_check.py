"""Checks a file must pass before it is put in a slot — and long before any upload.

The rules come from the API docs (files.md, videos.md): the slot's media kind and the
real content type (png / jpeg / webp images, mp4 video, mp3 / wav audio), the 5 GB
upload limit, model-specific image dimensions (Sora 2: exactly 1280×720 or 720×1280, via
the catalog), and Seedance's reference clips: each 2–15 s, video + audio together
≤ 15 s. Every refusal is a sentence shown on the slot.

All of it reads the disk, so the GUI calls ``check_file_async`` (a worker thread).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from minimax_studio.viewmodels.media_probe import MediaInfo, ProbeError, probe

#: files.md: "Size limit: up to 5 GB".
MAX_UPLOAD_BYTES = 5 * 1024**3
#: videos.md: videoFileID*/audioFileID* "each 2–15 s; total video+audio reference length ≤ 15 s".
CLIP_MIN_SECONDS = 2.0
CLIP_MAX_SECONDS = 15.0
CLIPS_TOTAL_MAX_SECONDS = 15.0
# Encoders pad audio by a few milliseconds (an mp3 of "3 s" probes as 3.06 s); a limit is
# only exceeded when it is exceeded by more than this.
_TOLERANCE = 0.05

#: (width, height) -> reason or None. The catalog provides one per model.
DimensionCheck = Callable[[int, int], str | None]

_KIND_WORDS = {
    "image": "a PNG, JPEG or WebP image",
    "video": "an MP4 video",
    "audio": "an MP3 or WAV audio file",
}
_FORMAT_WORDS = {
    "png": "a PNG image", "jpeg": "a JPEG image", "webp": "a WebP image",
    "mp4": "an MP4 video", "mp3": "an MP3 audio file", "wav": "a WAV audio file",
}


@dataclass(frozen=True)
class SlotCheck:
    path: Path
    info: MediaInfo | None
    reason: str | None  # None when the file fits the slot

    @property
    def ok(self) -> bool:
        return self.reason is None


def accepted_words(kinds: Iterable[str]) -> str:
    """'a PNG, JPEG or WebP image or an MP4 video' for the kinds a slot takes."""
    words = [_KIND_WORDS[k] for k in ("image", "video", "audio") if k in set(kinds)]
    return " or ".join(words) if words else "nothing"


def check_file(path: Path, kinds: Iterable[str], *,
               dimension_check: DimensionCheck | None = None) -> SlotCheck:
    """Whether ``path`` may go into a slot that takes ``kinds``. Blocks: run in a thread."""
    path = Path(path)
    kinds = frozenset(kinds)
    if not path.is_file():
        return SlotCheck(path, None, f"{path.name} is not a file (it may have been moved or deleted).")
    try:
        info = probe(path)
    except ProbeError as e:
        return SlotCheck(path, None, f"{e} This slot takes {accepted_words(kinds)}.")
    if info.kind not in kinds:
        return SlotCheck(path, info, f"{path.name} is {_FORMAT_WORDS[info.format]} — "
                                     f"this slot takes {accepted_words(kinds)}.")
    if info.size == 0:
        return SlotCheck(path, info, f"{path.name} is empty.")
    if info.size > MAX_UPLOAD_BYTES:
        return SlotCheck(path, info, f"{path.name} is {info.size / 1024**3:.1f} GB — "
                                     "uploads are limited to 5 GB.")
    if info.kind == "image" and dimension_check and info.width and info.height:
        reason = dimension_check(info.width, info.height)
        if reason:
            return SlotCheck(path, info, reason)
    if info.kind in ("video", "audio"):
        reason = clip_length_problem(info)
        if reason:
            return SlotCheck(path, info, reason)
    return SlotCheck(path, info, None)


async def check_file_async(path: Path, kinds: Iterable[str], *,
                           dimension_check: DimensionCheck | None = None) -> SlotCheck:
    return await asyncio.to_thread(check_file, path, frozenset(kinds),
                                   dimension_check=dimension_check)


def clip_length_problem(info: MediaInfo) -> str | None:
    d = info.duration
    what = "video" if info.kind == "video" else "audio clip"
    if d is None:
        return f"The length of this {what} cannot be read."
    if d < CLIP_MIN_SECONDS - _TOLERANCE or d > CLIP_MAX_SECONDS + _TOLERANCE:
        return (f"This {what} is {d:.1f} s long — reference clips must be "
                f"{CLIP_MIN_SECONDS:g}–{CLIP_MAX_SECONDS:g} s.")
    return None


def clips_total_problem(durations: Iterable[float | None]) -> str | None:
    """Seedance: all video + audio references together must be ≤ 15 s."""
    total = sum(d for d in durations if d)
    if total > CLIPS_TOTAL_MAX_SECONDS + _TOLERANCE:
        return (f"Video and audio references add up to {total:.1f} s — together they must "
                f"be {CLIPS_TOTAL_MAX_SECONDS:g} s or less.")
    return None
