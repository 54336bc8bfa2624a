"""Poster frames for videos that came without a cover (imports, older results, files added
by hand) on machines without ``ffmpeg``: the first frame, decoded by QtMultimedia.

One ``QMediaPlayer`` with a ``QVideoSink`` and no audio output works through a queue, one
video at a time: load, play muted, take the first valid frame, stop. Decoding runs in
QtMultimedia's own threads; the GUI thread only receives the frame. The frame, scaled to
256 px, is written to the thumbnail cache (keyed by the video's content hash, like every
thumbnail) and into the index, off the GUI thread, and the cell is drawn again.

The player is built from a Qt timer callback, never inside a coroutine (PLATFORM-NOTES §7).
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, QUrl
from PySide6.QtGui import QImage

from minimax_studio.viewmodels.gallery_thumbs import save_poster_sync

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QMediaPlayer, QVideoFrame

    from minimax_studio.viewmodels.gallery_model import LibraryItem
    from minimax_studio.viewmodels.tasks import TaskRunner

log = logging.getLogger(__name__)

__all__ = ["PosterGrabber"]

FRAME_TIMEOUT_MS = 4000
POSTER_SIZE = 256


class PosterGrabber(QObject):
    """``want(item)`` queues a video; ``done(item, path)`` is called with the saved poster
    (or None when no frame could be decoded)."""

    def __init__(self, runner: TaskRunner, cache_dir: Path,
                 done: Callable[[LibraryItem, Path | None], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._cache_dir = cache_dir
        self._done = done
        self._queue: OrderedDict[int, LibraryItem] = OrderedDict()
        self._tried: set[int] = set()
        self._current: LibraryItem | None = None
        self._player: QMediaPlayer | None = None
        self._timeout = QTimer(self)
        self._timeout.setSingleShot(True)
        self._timeout.setInterval(FRAME_TIMEOUT_MS)
        self._timeout.timeout.connect(lambda: self._finish(None))
        self.grabbed = 0

    def want(self, item: LibraryItem) -> None:
        if item.id in self._tried or item.id in self._queue:
            return
        self._queue[item.id] = item
        # Started from the Qt loop, never from inside the coroutine that asked.
        QTimer.singleShot(0, self._next)

    def retain(self, ids: set[int]) -> None:
        for item_id in [i for i in self._queue if i not in ids]:
            del self._queue[item_id]

    def stop(self) -> None:
        self._queue.clear()
        self._timeout.stop()
        if self._player is not None:
            self._player.stop()
            self._player.setSource(QUrl())
        self._current = None

    def _ensure_player(self) -> QMediaPlayer:
        if self._player is None:
            from PySide6.QtMultimedia import QMediaPlayer, QVideoSink

            self._player = QMediaPlayer(self)
            sink = QVideoSink(self._player)
            self._player.setVideoSink(sink)  # no QAudioOutput: silent
            sink.videoFrameChanged.connect(self._frame)
            self._player.errorOccurred.connect(lambda *_: self._finish(None))
        return self._player

    def _next(self) -> None:
        if self._current is not None or not self._queue:
            return
        _id, item = self._queue.popitem(last=True)  # the most recently asked for first
        self._tried.add(item.id)
        self._current = item
        player = self._ensure_player()
        player.setSource(QUrl.fromLocalFile(str(item.path)))
        player.play()
        self._timeout.start()

    def _frame(self, frame: QVideoFrame) -> None:
        if self._current is None or not frame.isValid():
            return
        image = frame.toImage()
        if image.isNull():
            return
        self._finish(image.scaled(POSTER_SIZE, POSTER_SIZE, Qt.AspectRatioMode.KeepAspectRatio,
                                  Qt.TransformationMode.SmoothTransformation))

    def _finish(self, image: QImage | None) -> None:
        item, self._current = self._current, None
        self._timeout.stop()
        if self._player is not None:
            self._player.stop()
            self._player.setSource(QUrl())
        if item is not None:
            if image is None:
                self._done(item, None)
            else:
                self._runner.start(f"gallery-poster:{item.id}", self._save(item, image),
                                   notify=False, error_context="Saving a video poster")
        QTimer.singleShot(0, self._next)

    async def _save(self, item: LibraryItem, image: QImage) -> None:
        path = await asyncio.to_thread(save_poster_sync, image, item.path, self._cache_dir)
        self.grabbed += 1
        self._done(item, path)
