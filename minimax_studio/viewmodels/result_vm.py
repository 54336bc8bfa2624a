"""The selected job as something to show and copy: which file to preview, and its metadata
(model, options, account, size, duration, ids) as label/value rows.

The preview reports what it learns from the file itself (pixel size, duration) through
``set_media_info``, so the pane shows facts about the downloaded file, not what was asked.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage, QImageReader

from minimax_studio.core.jobs import FILE_SLOT_RE, Job, JobState
from minimax_studio.viewmodels.job_actions import STATE_LABELS, result_paths
from minimax_studio.viewmodels.job_rows import load_thumb
from minimax_studio.viewmodels.jobs_model import model_label

log = logging.getLogger(__name__)
_IMAGE = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp"}
_VIDEO = {".mp4", ".mov", ".webm", ".mkv"}
_AUDIO = {".mp3", ".wav", ".m4a", ".aac", ".ogg", ".flac"}
# Request fields shown in their own rows (or not at all) rather than under "Options".
_NOT_OPTIONS = {"model", "prompt", "account", "replyUrl", "replyRef"}


def media_kind(path: Path) -> str | None:
    """"image" / "video" / "audio" from the file name; None for anything else."""
    ext = path.suffix.lower()
    if ext in _IMAGE:
        return "image"
    if ext in _VIDEO:
        return "video"
    if ext in _AUDIO:
        return "audio"
    return None


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{int(size)} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} bytes"


def options_text(request: dict[str, Any]) -> str:
    parts = [f"{k}={v}" for k, v in request.items()
             if k not in _NOT_OPTIONS and not FILE_SLOT_RE.match(k) and v not in (None, "")]
    return ", ".join(parts) or "—"


def read_image(path: Path) -> QImage:
    """Decode in a worker thread (a 4K PNG takes ~100 ms): QImage, never QPixmap, off the GUI thread."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    return reader.read()


def _fmt_time(value: Any) -> str:
    try:
        return str(value.astimezone().strftime("%Y-%m-%d %H:%M:%S"))
    except (AttributeError, ValueError):
        return str(value)


class ResultVM(QObject):
    """Holds the selected job. ``mediaChanged`` fires when the file to preview changes (the
    player reloads only then, not on every new snapshot of the same job); ``changed`` fires
    when any metadata row may have changed."""

    changed = Signal()
    mediaChanged = Signal()
    #: path, decoded image — for the selected image file, decoded off the GUI thread.
    imageLoaded = Signal(str, QImage)
    #: path, a sentence — the file could not be decoded.
    imageFailed = Signal(str, str)
    #: path, small picture — a thumbnail for the strip of a multi-image result.
    thumbLoaded = Signal(str, QImage)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._job: Job | None = None
        self._files: list[Path] = []
        self._index = 0
        self._media: dict[str, str] = {}
        self._load: asyncio.Task[None] | None = None
        self._thumbs: asyncio.Task[None] | None = None

    # --- input ------------------------------------------------------------------------------
    def set_job(self, job: Job | None) -> None:
        """Select a job (None clears). Re-selecting the same job with a newer snapshot keeps
        the chosen file and what the preview already measured."""
        same = job is not None and self._job is not None and job.id == self._job.id
        self._job = job
        files = result_paths(job) if job is not None and job.state is JobState.COMPLETED else []
        file_changed = not same or files != self._files
        self._files = files
        if file_changed:
            self._index = 0
            self._media = {}
            self._start_image_load()
            self.mediaChanged.emit()
        self.changed.emit()

    def select_file(self, i: int) -> None:
        if 0 <= i < len(self._files) and i != self._index:
            self._index = i
            self._media = {}
            self._start_image_load()
            self.mediaChanged.emit()
            self.changed.emit()

    def set_media_info(self, *, width: int | None = None, height: int | None = None,
                       duration_ms: int | None = None) -> None:
        if width and height:
            self._media["Size"] = f"{width} × {height}"
        if duration_ms and duration_ms > 0:
            self._media["Duration"] = f"{duration_ms / 1000:.1f} s"
        self.changed.emit()

    def _start_image_load(self) -> None:
        if self._load is not None:
            self._load.cancel()
            self._load = None
        path = self.media_path
        if path is None or media_kind(path) != "image":
            return
        try:
            self._load = asyncio.ensure_future(self._decode(path))
        except RuntimeError:  # no running loop (a bare VM in a sync unit test)
            log.debug("no event loop; image %s not decoded", path)

    def load_thumbs(self, size: int) -> None:
        """Thumbnails of every picture of the job (Midjourney's four, quantity > 1),
        decoded and scaled off the GUI thread; each arrives through ``thumbLoaded``."""
        if self._thumbs is not None:
            self._thumbs.cancel()
            self._thumbs = None
        paths = [p for p in self._files if media_kind(p) == "image"]
        if len(paths) < 2:
            return
        try:
            self._thumbs = asyncio.ensure_future(self._decode_thumbs(paths, size))
        except RuntimeError:  # no running loop (a bare VM in a sync unit test)
            log.debug("no event loop; thumbnails not decoded")

    async def _decode_thumbs(self, paths: list[Path], size: int) -> None:
        for path in paths:
            img = await asyncio.to_thread(load_thumb, path, size)
            if img is not None:
                self.thumbLoaded.emit(str(path), img)

    @property
    def index(self) -> int:
        return self._index

    async def _decode(self, path: Path) -> None:
        img = await asyncio.to_thread(read_image, path)
        if img.isNull():
            self.imageFailed.emit(str(path), f"Cannot show {path.name}: the file is not a readable image.")
        else:
            self.set_media_info(width=img.width(), height=img.height())
            self.imageLoaded.emit(str(path), img)

    # --- output -----------------------------------------------------------------------------
    @property
    def job(self) -> Job | None:
        return self._job

    @property
    def files(self) -> list[Path]:
        return list(self._files)

    @property
    def media_path(self) -> Path | None:
        return self._files[self._index] if self._files else None

    @property
    def media_kind(self) -> str | None:
        p = self.media_path
        return media_kind(p) if p is not None else None

    def placeholder_text(self) -> str:
        """What the preview says when there is nothing to play."""
        job = self._job
        if job is None:
            return "Select a finished job to see its result here."
        if job.state is JobState.COMPLETED and not self._files:
            return "The result file is no longer on disk."
        if job.is_final or job.state is JobState.NEEDS_ATTENTION:
            return f"{STATE_LABELS[job.state]}: {job.reason or 'no result.'}"
        return f"{STATE_LABELS[job.state]}… the result appears here when it is downloaded."

    def rows(self) -> list[tuple[str, str]]:
        job = self._job
        if job is None:
            return []
        rows: list[tuple[str, str]] = [
            ("Model", self._model_text(job)),
            ("State", STATE_LABELS[job.state] + (f" — {job.reason}" if job.reason else "")),
            ("Options", options_text(job.request)),
            ("Account", job.account or "not chosen yet"),
        ]
        if job.cost:
            rows.append(("Cost", job.cost))
        path = self.media_path
        if path is not None:
            try:
                size = human_size(path.stat().st_size)
            except OSError:
                size = "missing"
            dims = self._media.get("Size")
            rows.append(("Size", f"{dims}, {size}" if dims else size))
            if "Duration" in self._media:
                rows.append(("Duration", self._media["Duration"]))
            rows.append(("File", str(path)))
        for slot, value in job.request.items():
            if FILE_SLOT_RE.match(slot) and value:
                rows.append((slot, str(value)))
        rows.append(("Job id", str(job.id)))
        if job.remote_ids:
            rows.append(("Remote ids", ", ".join(job.remote_ids)))
        rows.append(("Created", _fmt_time(job.created_at)))
        if job.is_final:
            rows.append(("Finished", _fmt_time(job.updated_at)))
        rows.append(("Prompt", job.prompt or "—"))
        return rows

    @staticmethod
    def _model_text(job: Job) -> str:
        label = model_label(job.kind.value, job.model)
        return f"{label} ({job.model})" if label != job.model else (job.model or "—")

    def as_text(self) -> str:
        """Everything in the pane as plain text for the clipboard."""
        return "\n".join(f"{k}: {v}" for k, v in self.rows())
