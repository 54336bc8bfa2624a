"""Where one session keeps its journal, library index and files.

The app and the batch command must agree, or a job one of them started is invisible to
(or, worse, resumed by) the other. Sandbox sessions live apart under ``<data>/sandbox`` so
pretend jobs never mix with real ones and are never resumed against the real server.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from minimax_studio.core.settings import Settings
from minimax_studio.paths import AppPaths


@dataclass(frozen=True)
class SessionLocations:
    journal_db: Path
    library_db: Path
    library_dir: Path
    #: The sandbox's own state (accounts, jobs, uploads) so a restarted sandbox session
    #: finds its jobs again; None for the real server.
    sandbox_state: Path | None

    def ensure(self) -> SessionLocations:
        self.journal_db.parent.mkdir(parents=True, exist_ok=True)
        self.library_dir.mkdir(parents=True, exist_ok=True)
        return self


def session_locations(paths: AppPaths, settings: Settings, *, sandbox: bool) -> SessionLocations:
    if sandbox:
        data = paths.data_dir / "sandbox"
        return SessionLocations(data / "journal.sqlite3", data / "library.sqlite3",
                                data / "library", data / "sandbox-state.json")
    return SessionLocations(paths.journal_db, paths.library_db,
                            settings.download_path(paths.default_library_dir), None)
