"""Thumbnails for the Gallery grid: made and decoded off the GUI thread, a few at a time,
newest request first, kept in a bounded in-memory cache.

Why a queue of our own rather than one task per cell: scrolling through 100 000 items asks
for thousands of thumbnails; only the ones still on screen are worth making. The grid
calls ``request`` while painting and ``retain`` with the visible ids after each scroll, and
``retain`` drops every request that scrolled away before a worker picked it up. A fixed
number of worker tasks (``WORKERS``) pull from the queue, each running one blocking job at
a time on the loader's own threads — the bounded pool. Those threads run at a lower OS
priority (Linux): on a busy machine the GUI thread then gets the CPU first, and a worker
making thumbnails cannot keep it from painting for a whole scheduler slice (bench gallery,
thumbnails for 1 000 new images, load ~2.5: worst GUI gap 17–36 ms niced, 24–61 ms not).

Disk cache: ``core.thumbnails`` keys files by content hash; the path found is written back
to the index (``thumb_path``) so the next session skips hashing the file.

The worker decodes the thumbnail into a ``QImage`` (safe off the GUI thread, unlike
``QPixmap``), scaled to the grid's largest cell, so the GUI thread only draws it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSize, Signal
from PySide6.QtGui import QImage

from minimax_studio.core import thumbnails
from minimax_studio.core.media_probe import ProbeError, probe

if TYPE_CHECKING:
    from minimax_studio.core.library import Library, LibraryItem
    from minimax_studio.viewmodels.tasks import TaskRunner

log = logging.getLogger(__name__)

__all__ = ["Thumb", "ThumbnailLoader"]

WORKERS = 2
#: Decoded thumbnails kept in memory (at cell size: ~75 KB each at the default size).
CACHE_BYTES = 40 * 1024 * 1024
THUMB_SIZE = 256
#: Thumbnails made per trip to a worker thread.
BATCH = 4
#: How much nicer (lower OS priority) the worker threads are than the GUI thread.
WORKER_NICE = 10


@dataclass(frozen=True)
class Thumb:
    """What the delegate draws for an item: an image, or why there is none."""

    image: QImage | None = None
    #: "" while fine; "missing" when the file is gone; else a sentence why it can't preview
    problem: str = ""
    missing: bool = False
    #: the whole cell, drawn by the composer in the worker (then ``image`` is dropped)
    tile: QImage | None = None
    has_picture: bool = False


#: (item, thumb, picture, style) -> the cell as an image; runs in a worker thread
Composer = Callable[[Any, Thumb, QImage | None, Any], QImage]


def _why_no_preview(item: LibraryItem) -> str:
    """A short reason for a file that gave no thumbnail (the tile shows it)."""
    path = item.path
    try:
        size = path.stat().st_size
    except OSError as exc:
        return f"Can't read the file ({exc.strerror or exc})."
    if size == 0:
        return "The file is empty."
    if item.kind == "audio":
        return ""
    if path.suffix.lower() in thumbnails.VIDEO_SUFFIXES:
        import shutil

        if shutil.which("ffmpeg") is None:
            return ""  # no decoder here: a plain video tile, not an error
        return "The video could not be decoded."
    try:
        from PIL import Image, UnidentifiedImageError

        with Image.open(path) as img:
            img.verify()
    except UnidentifiedImageError:
        return "Not a readable image (unknown or damaged format)."
    except Exception as exc:  # any other decoder error: name it briefly, without paths
        text = str(exc).split("\n")[0].replace(str(path), "the file")[:70]
        return f"Not a readable image ({text or type(exc).__name__})."
    return "The image could not be decoded."


def load_thumb_sync(item: LibraryItem, cache_dir: Path, size: int = THUMB_SIZE,
                    fit: QSize | None = None) -> tuple[Thumb, Path | None]:
    """Blocking: make (or find) the thumbnail, decode it and scale it to ``fit`` (the grid's
    picture area), so the GUI thread only blits it. Never raises for a bad file."""
    if not item.path.exists():
        return Thumb(problem="The file is missing.", missing=True), None
    made: Path | None = None
    if item.thumb_path is not None and item.thumb_path.is_file():
        made = item.thumb_path
    elif item.kind != "audio":
        made = thumbnails.make_thumbnail_sync(item.path, cache_dir, size)
    if made is None:
        return Thumb(problem=_why_no_preview(item)), None
    img = _decode_fitted(made, fit if fit is not None and not fit.isEmpty()
                         else QSize(size, size))
    if img is None:
        return Thumb(problem="The preview could not be read."), None
    return Thumb(image=img), (made if made != item.thumb_path else None)


def _decode_fitted(path: Path, box: QSize) -> QImage | None:
    """Decode and scale with Pillow, not ``QImage.scaled``: Pillow lets go of the GIL while
    it works, QImage holds it for the whole resample (measured: 20–38 ms GUI stalls from
    one worker). The result is in the raster engine's premultiplied format."""
    from PIL import Image

    try:
        with Image.open(path) as src:
            src.draft("RGB", (box.width(), box.height()))
            pic = src.convert("RGBA")
        pic.thumbnail((max(1, box.width()), max(1, box.height())), Image.Resampling.BILINEAR,
                      reducing_gap=2.0)
        data = pic.convert("RGBa").tobytes()  # premultiplied alpha
    except Exception as exc:  # an unreadable cached thumbnail: say so on the tile
        log.info("could not read thumbnail %s: %s", path, exc)
        return None
    img = QImage(data, pic.width, pic.height, pic.width * 4,
                 QImage.Format.Format_RGBA8888_Premultiplied)
    return img.copy()  # own the pixels (``data`` is a Python buffer)


def save_poster_sync(image: QImage, video: Path, cache_dir: Path) -> Path | None:
    """Worker thread: a video's poster frame as a JPEG in the thumbnail cache, keyed by the
    video's content hash like every thumbnail; None when it cannot be written."""
    try:
        digest = thumbnails.content_hash(video)
        dest = cache_dir / digest[:2] / f"{digest[:40]}-poster.jpg"
        if dest.exists():
            return dest
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.stem + ".part.jpg")
        if not image.save(str(tmp), quality=85):  # JPEG, from the suffix
            return None
        tmp.replace(dest)
        return dest
    except OSError as exc:
        log.info("could not save the poster of %s: %s", video, exc)
        return None


class ThumbnailLoader(QObject):
    """See the module docstring. ``get`` is what painting calls; it never blocks."""

    #: an item's thumbnail (or its failure) is ready: repaint that cell
    thumbnailReady = Signal(object)  # item id (64-bit: not a Qt int)

    def __init__(self, runner: TaskRunner, cache_dir: Path, library: Library | None = None,
                 parent: QObject | None = None, *, workers: int = WORKERS,
                 cache_bytes: int = CACHE_BYTES) -> None:
        super().__init__(parent)
        self._runner = runner
        self._cache_dir = cache_dir
        self._library = library
        self._workers = workers
        self._cache_bytes = cache_bytes
        self._cache: OrderedDict[int, Thumb] = OrderedDict()
        self._cached_bytes = 0
        #: queued requests, most recent last (workers take from the end: what was just
        #: scrolled to is made first)
        self._pending: OrderedDict[int, LibraryItem] = OrderedDict()
        self._running: set[int] = set()
        self._wake = asyncio.Event()
        self._started = False
        self._key = f"gallery-thumbs:{id(self):x}"
        self._pool: ThreadPoolExecutor | None = None
        self._fit = QSize(THUMB_SIZE, THUMB_SIZE)
        self._composer: Composer | None = None
        self._held_until = 0.0
        self._style: Any = None
        self.made = 0  # thumbnails decoded (benchmarks, tests)
        self.dropped = 0  # requests cancelled because their cell scrolled away

    # --- what painting calls ----------------------------------------------------------
    def get(self, item: LibraryItem) -> Thumb | None:
        """The cached thumbnail, or None (and it is requested)."""
        thumb = self._cache.get(item.id)
        if thumb is not None:
            self._cache.move_to_end(item.id)
            return thumb
        self.request(item)
        return None

    def peek(self, item_id: int) -> Thumb | None:
        """The cached thumbnail, without requesting one."""
        return self._cache.get(item_id)

    def request(self, item: LibraryItem) -> None:
        if item.id in self._running:
            return
        self._pending[item.id] = item
        self._pending.move_to_end(item.id)
        self._ensure_workers()
        self._wake.set()

    def retain(self, ids: set[int]) -> None:
        """Only these items are on screen: forget queued requests for the others."""
        for item_id in [i for i in self._pending if i not in ids]:
            del self._pending[item_id]
            self.dropped += 1

    def set_fit(self, size: QSize) -> None:
        """The picture area of a cell: thumbnails are scaled to it in the workers. A new
        size drops the decoded ones (they are read again, from the disk cache, as painted)."""
        if size != self._fit:
            self._fit = QSize(size)
            self._cache.clear()
            self._cached_bytes = 0

    def set_composer(self, composer: Composer | None, style: Any) -> None:
        """Draw whole cells in the workers with ``composer`` and ``style`` (a snapshot the
        composer reads). A new style drops what was drawn with the old one."""
        if composer is not self._composer or style != self._style:
            self._composer, self._style = composer, style
            self._cache.clear()
            self._cached_bytes = 0

    @property
    def fit(self) -> QSize:
        return QSize(self._fit)

    def hold(self, seconds: float) -> None:
        """Make nothing for ``seconds`` (extended by each call): the grid calls this while
        the user drags or flings. Cells flying past need no thumbnails, and a worker
        holding the GIL would take it from the GUI thread mid-frame (PySide's painter and
        image calls keep the GIL)."""
        loop = asyncio.get_event_loop()
        self._held_until = max(self._held_until, loop.time() + seconds)

    def forget(self, item_id: int) -> None:
        """The item changed (file located, replaced): make its thumbnail again."""
        thumb = self._cache.pop(item_id, None)
        if thumb is not None:
            self._cached_bytes -= _bytes(thumb)

    def clear(self) -> None:
        self._pending.clear()
        self._cache.clear()
        self._cached_bytes = 0

    @property
    def pending(self) -> int:
        return len(self._pending) + len(self._running)

    @property
    def cached_bytes(self) -> int:
        return self._cached_bytes

    def stop(self) -> None:
        self._pending.clear()
        self._runner.cancel_prefix(self._key)
        self._started = False
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    # --- workers ----------------------------------------------------------------------
    def _ensure_workers(self) -> None:
        if self._started:
            return
        self._started = True
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="gallery-thumbs",
                                            initializer=_lower_priority)
        for n in range(self._workers):
            self._runner.start(f"{self._key}:{n}", self._work(), notify=False,
                               error_context="Making thumbnails")

    async def _work(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            wait = self._held_until - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            if not self._pending:
                self._wake.clear()
                await self._wake.wait()
                continue
            # A few at a time per trip to the thread: each trip waits for the event loop
            # on the way back, which cost more than making one thumbnail.
            batch = [self._pending.popitem(last=True)[1]
                     for _ in range(min(BATCH, len(self._pending)))]
            self._running.update(it.id for it in batch)
            style, composer = self._style, self._composer
            try:
                results = await loop.run_in_executor(
                    self._pool, _make_many, batch, self._cache_dir, QSize(self._fit),
                    composer, style)
            finally:
                self._running.difference_update(it.id for it in batch)
            if style is not self._style:  # drawn for an old size or theme: again
                for item in batch:
                    self.request(item)
                continue
            for item, (thumb, made) in zip(batch, results, strict=True):
                self._store(item.id, thumb)
                self.made += 1
                self.thumbnailReady.emit(item.id)
                if made is not None and self._library is not None:
                    await self._remember(item.id, made)

    async def _remember(self, item_id: int, path: Path) -> None:
        assert self._library is not None
        try:
            await self._library.set_thumbnail(item_id, path)
        except Exception as exc:  # the cache still works without it; next time hashes again
            log.info("could not record thumbnail of item %s: %s", item_id, exc)

    def _store(self, item_id: int, thumb: Thumb) -> None:
        old = self._cache.pop(item_id, None)
        if old is not None:
            self._cached_bytes -= _bytes(old)
        self._cache[item_id] = thumb
        self._cached_bytes += _bytes(thumb)
        while self._cached_bytes > self._cache_bytes and len(self._cache) > 1:
            _, evicted = self._cache.popitem(last=False)
            self._cached_bytes -= _bytes(evicted)


def _lower_priority() -> None:
    """Worker thread initializer: a higher nice value for this thread only (on Linux a
    thread is its own scheduling entity; elsewhere this is left alone)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(),
                           os.getpriority(os.PRIO_PROCESS, 0) + WORKER_NICE)


def _make(item: LibraryItem, cache_dir: Path, fit: QSize, composer: Composer | None,
          style: Any) -> tuple[Thumb, Path | None]:
    """Worker thread: the thumbnail, and the whole cell when there is a composer."""
    thumb, made = load_thumb_sync(item, cache_dir, THUMB_SIZE, fit)
    thumb = replace(thumb, has_picture=thumb.image is not None)
    if composer is not None and style is not None:
        shown = item
        if item.kind in ("video", "audio") and not item.duration and not thumb.missing:
            # No duration in the index (imports, older results): read it from the file's
            # header (a few hundred bytes) so the tile can show it.
            try:
                shown = replace(item, duration=probe(item.path).duration)
            except (ProbeError, OSError):
                pass
        tile = composer(shown, thumb, thumb.image, style)
        thumb = replace(thumb, tile=tile, image=None)
    return thumb, made


def _make_many(items: list[LibraryItem], cache_dir: Path, fit: QSize,
               composer: Composer | None, style: Any) -> list[tuple[Thumb, Path | None]]:
    out: list[tuple[Thumb, Path | None]] = []
    for item in items:
        try:
            out.append(_make(item, cache_dir, fit, composer, style))
        except Exception:  # a bug, not a bad file: log it, keep the grid going
            log.exception("thumbnail for item %s failed", item.id)
            out.append((Thumb(problem="The preview failed."), None))
    return out


def _bytes(thumb: Thumb) -> int:
    n = 64
    for img in (thumb.image, thumb.tile):
        if img is not None:
            n += int(img.sizeInBytes())
    return n
