"""The event-loop gap probe shared by the UI benches (gallery, agent, ui_stall).

A precise QTimer on the GUI thread records the gaps between its ticks: any gap well above
the interval is time the loop was busy and the window could not repaint. Only QtCore is
imported, so a bench using this does not pull in QtMultimedia or widgets it does not need.
"""

from __future__ import annotations

import statistics
import time

from PySide6.QtCore import Qt, QTimer


class Probe:
    """A precise timer (5 ms by default) on the GUI thread; records the gaps between its ticks in ms."""

    def __init__(self, interval_ms: int = 5) -> None:
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.gaps: list[float] = []
        self._last = 0.0

    def start(self) -> None:
        self.gaps = []
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> list[float]:
        self.timer.stop()
        return self.gaps

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self._last) * 1000)
        self._last = now


def summary(gaps: list[float]) -> str:
    """One line: worst gap, p99, median and tick count."""
    if not gaps:
        return "no ticks"
    q = statistics.quantiles(gaps, n=100) if len(gaps) > 100 else [max(gaps)] * 99
    return (f"worst {max(gaps):.1f} ms, p99 {q[98]:.1f} ms, median "
            f"{statistics.median(gaps):.1f} ms, {len(gaps)} ticks")
