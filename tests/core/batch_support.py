"""Run the batch command as a separate process against a test's sandbox, and read the
journal and library the way a restarted app would (plain sqlite3, no engine)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from minimax_studio.core.locations import SessionLocations, session_locations
from minimax_studio.core.settings import Settings
from minimax_studio.paths import app_paths
from minimax_studio.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]


def batch_env(sandbox: Sandbox) -> dict[str, str]:
    env = dict(os.environ)
    env["MINIMAX_STUDIO_API_URL"] = sandbox.base_url
    env["MINIMAX_STUDIO_TOKEN"] = sandbox.token
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def start_batch(sandbox: Sandbox, sheet: Path, *extra: str, poll: float = 0.1) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "minimax_studio.batch_cli", str(sheet), "--poll-interval", str(poll),
         "--reconcile-window", "1e7",
         # A killed batch holds its jobs until its lease runs out: 2 s, not the default
         # 30 s, so a re-run right after kill -9 takes them over quickly.
         "--lease", "2", *extra],
        env=batch_env(sandbox), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _where(sandbox: bool) -> SessionLocations:
    """Where the batch (and the app) keep this kind of session."""
    return session_locations(app_paths(), Settings(), sandbox=sandbox)


def journal_rows(query: str = "SELECT id, state, remote_ids, downloads FROM jobs ORDER BY id",
                 *, sandbox: bool = False) -> list[tuple]:
    db = _where(sandbox).journal_db
    if not db.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute(query).fetchall()
    except sqlite3.Error:
        return []


def library_rows(*, sandbox: bool = False) -> list[tuple]:
    db = _where(sandbox).library_db
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT remote_id, path FROM items ORDER BY id").fetchall()


def library_files(*, sandbox: bool = False) -> list[Path]:
    root = _where(sandbox).library_dir
    return sorted(p for p in root.rglob("*") if p.is_file())


def wait_until(cond: Callable[[], bool], timeout: float = 40.0, what: str = "condition") -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")
