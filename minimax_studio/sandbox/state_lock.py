"""One running emulator per state file.

The app's sandbox session and ``minimax-studio batch --sandbox`` keep the emulator's state
in the same file (so the app shows a sandbox batch's jobs). Two emulators on it at once
would each know only the jobs created on their own server — a job one of them made would
look deleted to the other, and each would overwrite the other's file on exit. So the
server that starts first holds an exclusive lock beside the file until it stops, and a
second one refuses to start with a sentence saying why.

POSIX ``flock``: released by the kernel when the process dies, even by ``kill -9``, so a
crash never leaves a stale lock behind. Where ``fcntl`` does not exist (Windows) there is
no lock.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO


class SandboxInUse(RuntimeError):
    """Another process runs an emulator on the same state file. ``message`` is the
    sentence to show (the app's error line reads it)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StateLock:
    def __init__(self, state_file: Path) -> None:
        self.path = state_file.with_name(state_file.name + ".lock")
        self._fh: IO[str] | None = None

    def acquire(self) -> None:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip()
            fh.close()
            raise SandboxInUse(
                "The sandbox is already running in another MiniMax Studio process"
                + (f" ({holder})" if holder else "")
                + " on this profile. Close that one first (the app's sandbox session, or a"
                " \"batch --sandbox\" run): two sandboxes on one profile would not know each"
                " other's jobs.") from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"process {os.getpid()}")
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            self._fh.close()  # closing the descriptor drops the flock
            self._fh = None
