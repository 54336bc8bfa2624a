"""Writing a download to disk off the event loop, in order: the one double-buffer writer
both download paths use (``transfer``'s httpx path gathers chunks into batches,
``fast_protocol`` fills two preallocated buffers; each hands a full one here while it
fills the other).

Why a thread at all: a kernel that throttles a fast writer (dirty-page limits) sleeps
20-150 ms inside ``write()``; on a worker that stalls one download, not the whole app.
Why one write in flight: bytes land in order and memory stays at about two buffers.
"""

from __future__ import annotations

import concurrent.futures
from typing import IO, Any

__all__ = ["WRITERS", "OrderedWriter"]

#: Disk writes of downloads run here, one at a time per download.
WRITERS = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="minimax-write")


class OrderedWriter:
    """One open file, written on ``pool`` with at most one write in flight. The caller
    waits for ``pending`` (or its callback) before the next ``submit``."""

    def __init__(self, fh: IO[bytes], pool: concurrent.futures.Executor = WRITERS) -> None:
        self._fh = fh
        self._pool = pool
        #: the write in flight (or the last one, done)
        self.pending: concurrent.futures.Future[Any] | None = None

    @property
    def busy(self) -> bool:
        return self.pending is not None and not self.pending.done()

    def submit(self, data: bytes | memoryview) -> concurrent.futures.Future[Any]:
        assert not self.busy, "one write in flight at a time"
        self.pending = self._pool.submit(self._fh.write, data)
        return self.pending

    def close(self, tail: bytes | memoryview = b"") -> concurrent.futures.Future[BaseException | None]:
        """After the write in flight has landed: write ``tail`` (unless that write failed:
        bytes after a hole are worth nothing), then close the file. Never closes the file
        under a busy worker. The future holds the first error, or None. Used on every
        exit, so an interrupted download keeps each received byte in its .part."""
        pending, self.pending = self.pending, None
        landed: concurrent.futures.Future[BaseException | None] = concurrent.futures.Future()
        fh = self._fh

        def finish(_: object = None) -> None:
            error: BaseException | None = None
            if pending is not None and not pending.cancelled():
                error = pending.exception()
            try:
                if tail and error is None:
                    fh.write(tail)
            except OSError as exc:
                error = exc
            finally:
                try:
                    fh.close()
                except OSError as exc:
                    error = error or exc
                landed.set_result(error)

        if pending is not None and not pending.done():
            pending.add_done_callback(finish)  # runs on the thread that did that write
        else:
            self._pool.submit(finish)
        return landed
