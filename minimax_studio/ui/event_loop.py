"""The asyncio event loop on Qt's: qasync's, with ready callbacks run in batches.

qasync runs every ``call_soon`` (every task step, future callback and socket-ready
callback) as its own zero-delay Qt timer: a ``startTimer``, a ``timerEvent`` through Qt's
dispatcher and a ``killTimer`` per callback. With many jobs polling that bookkeeping was
about a quarter of the GUI thread's time (py-spy, bench/bench_ui_stall.py). Here ready
callbacks go into one queue that a single zero-delay timer drains, the way asyncio's own
loop runs its ``_ready`` queue: each drain runs the callbacks that were ready when it
began, in order, so Qt gets its turn (paint, input, timers) between drains and a callback
that schedules another never starves the window.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import Any

import qasync

__all__ = ["StudioEventLoop"]

#: A drain stops after this long, so Qt gets the thread back at least this often.
DRAIN_BUDGET_S = 0.002


class StudioEventLoop(qasync.QEventLoop):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._ready_handles: deque[asyncio.Handle] = deque()
        self._drain_pending = False
        super().__init__(*args, **kwargs)

    def _add_callback(self, handle: asyncio.Handle, delay: float = 0) -> asyncio.Handle:
        if delay > 0:
            return super()._add_callback(handle, delay)  # type: ignore[no-any-return]
        self._ready_handles.append(handle)
        if not self._drain_pending:
            self._drain_pending = True
            super()._add_callback(asyncio.Handle(self._drain, (), self), 0)
        return handle

    def _drain(self) -> None:
        self._drain_pending = False  # what is scheduled from here on gets the next drain
        ready = self._ready_handles
        deadline = time.perf_counter() + DRAIN_BUDGET_S
        for _ in range(len(ready)):
            handle = ready.popleft()
            if not handle._cancelled:
                handle._run()  # like asyncio: exceptions go to the loop's handler
            if time.perf_counter() > deadline:
                break  # let Qt paint and fire its timers; the rest runs in the next drain
        if ready and not self._drain_pending:
            self._drain_pending = True
            super()._add_callback(asyncio.Handle(self._drain, (), self), 0)
