"""Issue 9 cases 2, 4 and 5, on real ``minimax-studio batch`` processes against a real
sandbox: one sheet started twice at once pays each row once; an unreachable API is said in
words and given up on (exit 3) instead of hanging in silence; a rerun resumes what can
have passed (a download that failed on every attempt) instead of exiting 1 at once."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from minimax_studio.sandbox import Sandbox
from tests.core.batch_support import (
    ROOT,
    journal_rows,
    library_files,
    library_rows,
    start_batch,
)


def _creates(sandbox: Sandbox) -> int:
    return sum(1 for r in sandbox.received if r.method == "POST" and r.path.endswith("/create"))


def test_one_sheet_started_twice_at_once_makes_each_rows_job_once(sandbox: Sandbox, tmp_path: Path) -> None:
    sheet = tmp_path / "three.json"
    sheet.write_text(json.dumps([{"kind": "video", "model": "T2V-01", "prompt": f"shot {i}"}
                                 for i in range(3)]))
    a = start_batch(sandbox, sheet)
    b = start_batch(sandbox, sheet)  # the same moment: both see "no job yet" for every row
    out_a, err_a = a.communicate(timeout=90)
    out_b, err_b = b.communicate(timeout=90)
    assert a.returncode == 0, out_a + err_a
    assert b.returncode == 0, out_b + err_b
    assert "3 of 3 jobs completed." in out_a and "3 of 3 jobs completed." in out_b
    assert _creates(sandbox) == 3  # exactly as many jobs as rows, none paid twice
    assert len(journal_rows()) == 3
    assert len(library_rows()) == 3 and len([p for p in library_files() if p.suffix != ".part"]) == 3
    # Whichever lost a row's race said it waits for the other instead of sending.
    told = out_a + out_b
    assert "waiting for it instead of sending again" in told or "Resuming" in told, told


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def batch_env_without_sandbox() -> dict[str, str]:
    env = dict(os.environ)
    env["MINIMAX_STUDIO_TOKEN"] = "user:1-0123456789abcdef"
    env["PYTHONPATH"] = str(ROOT)
    return env


def test_an_unreachable_api_is_said_in_words_and_given_up_on(tmp_path: Path) -> None:
    sheet = tmp_path / "one.json"
    sheet.write_text(json.dumps([{"kind": "video", "model": "T2V-01", "prompt": "a kite"}]))
    url = f"http://127.0.0.1:{_closed_port()}/v1/minimax"
    env = {**batch_env_without_sandbox(), "MINIMAX_STUDIO_API_URL": url}
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "minimax_studio.batch_cli", str(sheet),
                           "--give-up-after", "4"], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    took = time.monotonic() - started
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert f"Waiting: cannot reach the API at {url} (connection refused); retrying in" in proc.stdout
    assert proc.stdout.count("Waiting: cannot reach the API") == 1  # said when it changed, not per retry
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith(f"Gave up: the API at {url} has not answered for 4 s (connection refused).")
    assert "Traceback" not in proc.stderr
    assert took < 40, took


def test_a_rerun_resumes_a_download_that_failed_on_every_attempt(sandbox: Sandbox, tmp_path: Path) -> None:
    sheet = tmp_path / "one.json"
    sheet.write_text(json.dumps([{"kind": "video", "model": "T2V-01", "prompt": "a harbour at dawn"}]))
    broken = sandbox.faults.add("cdn", 500)  # every download attempt fails
    first = start_batch(sandbox, sheet)
    out, err = first.communicate(timeout=90)
    assert first.returncode == 1, out + err
    assert "needs_attention" in err and "download" in err
    assert library_rows() == []
    sandbox.faults.remove(broken)  # the CDN is back
    again = start_batch(sandbox, sheet)
    out, err = again.communicate(timeout=90)
    assert again.returncode == 0, out + err
    assert "Resuming" in out and "1 of 1 jobs completed." in out
    assert _creates(sandbox) == 1  # resumed, never sent again
    assert len(library_rows()) == 1
