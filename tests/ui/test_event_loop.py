"""The app's event loop (qasync's, with ready callbacks drained in batches): callbacks run
in order, cancelled ones never, a failing one does not stop the others, and a flood of
callbacks never keeps Qt from painting and firing its timers."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from PySide6.QtCore import Qt, QTimer

from minimax_studio.ui.event_loop import DRAIN_BUDGET_S, StudioEventLoop


def test_ready_callbacks_run_in_order_and_cancelled_ones_never(qloop: Any, qtbot: Any) -> None:
    assert isinstance(qloop, StudioEventLoop)
    ran: list[str] = []
    qloop.call_soon(ran.append, "a")
    dropped = qloop.call_soon(ran.append, "dropped")
    qloop.call_soon(ran.append, "b")
    qloop.call_soon_threadsafe(ran.append, "c")
    dropped.cancel()
    qtbot.waitUntil(lambda: len(ran) == 3, timeout=2000)
    qtbot.wait(20)
    assert ran == ["a", "b", "c"]


def test_a_failing_callback_goes_to_the_handler_and_the_rest_still_run(qloop: Any, qtbot: Any) -> None:
    seen: list[Any] = []
    qloop.set_exception_handler(lambda loop, context: seen.append(context.get("exception")))
    ran: list[int] = []

    def boom() -> None:
        raise RuntimeError("bad callback")

    qloop.call_soon(boom)
    qloop.call_soon(ran.append, 1)
    qtbot.waitUntil(lambda: ran == [1], timeout=2000)
    assert len(seen) == 1 and isinstance(seen[0], RuntimeError)
    qloop.set_exception_handler(None)


def test_a_flood_of_callbacks_leaves_qt_its_turn(qloop: Any, qtbot: Any) -> None:
    """A chain of callbacks that keeps scheduling more (1 ms of work each, for 0.5 s) must
    not hold a 5 ms Qt timer back by much more than one drain's budget."""
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(5)
    timer.timeout.connect(tick)
    end = time.perf_counter() + 0.5
    done = asyncio.Event()

    def busy() -> None:
        spin = time.perf_counter() + 0.001
        while time.perf_counter() < spin:
            pass
        if time.perf_counter() < end:
            qloop.call_soon(busy)
            qloop.call_soon(lambda: None)  # ready work piles up faster than one drain runs
        else:
            done.set()

    last[0] = time.perf_counter()
    timer.start()
    qloop.call_soon(busy)
    qtbot.waitUntil(done.is_set, timeout=5000)
    timer.stop()
    assert len(gaps) >= 40  # ~100 possible in 0.5 s
    # One drain (2 ms budget + the callback running when it ran out) and the 5 ms period,
    # with room for a loaded machine.
    assert max(gaps) < 0.005 + DRAIN_BUDGET_S + 0.012, max(gaps)
