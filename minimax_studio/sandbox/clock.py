"""The sandbox's own clock: wall time sped up by ``speed``.

Every timestamp the sandbox hands out (created, started, elapsed, JWT exp, the
31-day agent retention) is read from this clock, so a test at ``speed=200`` sees a
two-minute video finish in 0.6 s and can jump a month ahead with ``advance``.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime


class Clock:
    """Virtual epoch seconds = start + (real seconds since start) x speed (+ jumps)."""

    def __init__(self, speed: float = 1.0, start: float | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be > 0")
        self._lock = threading.Lock()
        self._speed = float(speed)
        self._base_virtual = time.time() if start is None else float(start)
        self._base_mono = time.monotonic()
        self._paused = False

    @property
    def speed(self) -> float:
        return self._speed

    def now(self) -> float:
        with self._lock:
            if self._paused:
                return self._base_virtual
            return self._base_virtual + (time.monotonic() - self._base_mono) * self._speed

    def _rebase(self) -> None:
        # Fold the elapsed time into the base so speed/pause changes do not jump.
        mono = time.monotonic()
        if not self._paused:
            self._base_virtual += (mono - self._base_mono) * self._speed
        self._base_mono = mono

    def set_speed(self, speed: float) -> None:
        if speed <= 0:
            raise ValueError("speed must be > 0")
        with self._lock:
            self._rebase()
            self._speed = float(speed)

    def advance(self, seconds: float) -> None:
        """Jump ahead (tests: finish jobs instantly, expire agent jobs after 31 days)."""
        with self._lock:
            self._rebase()
            self._base_virtual += seconds

    def pause(self) -> None:
        """Freeze time: running jobs stay running until ``resume`` or ``advance``."""
        with self._lock:
            self._rebase()
            self._paused = True

    def resume(self) -> None:
        with self._lock:
            self._rebase()
            self._paused = False

    @property
    def paused(self) -> bool:
        return self._paused

    def real_seconds(self, virtual_seconds: float) -> float:
        """How long to really wait for ``virtual_seconds`` to pass."""
        return max(0.0, virtual_seconds) / self._speed


def iso(ts: float) -> str:
    """Epoch seconds -> ``2024-09-25T01:55:16.128Z`` (the API's format)."""
    dt = datetime.fromtimestamp(ts, tz=UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def mmss(seconds: float) -> str:
    """Elapsed time as ``mm:ss`` (minutes may exceed 59, as in the docs' examples)."""
    total = max(0, int(seconds))
    return f"{total // 60:02d}:{total % 60:02d}"
