"""python -m minimax_studio.sandbox starts, prints its URL and token, and stops cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def test_cli_serves_until_terminated(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    state = tmp_path / "cli-state.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "minimax_studio.sandbox", "--port", "0", "--speed", "50",
         "--seed", "9", "--state", str(state)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        assert proc.stdout is not None
        url_line = proc.stdout.readline()
        token_line = proc.stdout.readline()
        note = proc.stdout.readline()
        assert "listening on http://127.0.0.1:" in url_line, url_line + (proc.stderr.read() if proc.poll() else "")
        base = url_line.split("listening on ", 1)[1].strip()
        token = token_line.split("token: ", 1)[1].strip()
        assert "local emulator" in note and "sandbox only" in note
        r = httpx.get(base + "/accounts", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert r.status_code == 200 and len(r.json()) == 1
        videos = httpx.get(base + "/videos", headers={"Authorization": f"Bearer {token}"}).json()
        assert len(videos) == 2  # the demo account's earlier work
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
    assert state.exists()
