"""The app and the batch command keep each kind of session in the same places."""

from __future__ import annotations

from pathlib import Path

from minimax_studio.core.locations import session_locations
from minimax_studio.core.settings import Settings
from minimax_studio.paths import app_paths


def test_sandbox_sessions_never_share_the_real_journal_or_library(tmp_path: Path) -> None:
    paths = app_paths()
    real = session_locations(paths, Settings(), sandbox=False)
    pretend = session_locations(paths, Settings(), sandbox=True)
    assert real.journal_db != pretend.journal_db
    assert real.library_db != pretend.library_db
    assert real.library_dir != pretend.library_dir
    assert real.sandbox_state is None and pretend.sandbox_state is not None


def test_real_sessions_download_where_the_settings_say(tmp_path: Path) -> None:
    chosen = tmp_path / "My Videos"
    where = session_locations(app_paths(), Settings(download_dir=str(chosen)), sandbox=False).ensure()
    assert where.library_dir == chosen and chosen.is_dir()
    # The pretend library stays apart even when a download folder is chosen.
    pretend = session_locations(app_paths(), Settings(download_dir=str(chosen)), sandbox=True)
    assert pretend.library_dir != chosen
