"""``kill -9`` in the middle of polling and in the middle of a download, then a restart:
the job completes, nothing is sent twice, and the library holds exactly one whole file."""

from __future__ import annotations

import hashlib
import json
import os
import signal
from pathlib import Path

from minimax_studio.sandbox import Sandbox
from tests.core.batch_support import (
    journal_rows,
    library_files,
    library_rows,
    start_batch,
    wait_until,
)


def _sheet(tmp_path: Path, prompt: str) -> Path:
    sheet = tmp_path / "one.json"
    sheet.write_text(json.dumps([{"kind": "video", "model": "T2V-01", "prompt": prompt}]))
    return sheet


def _state() -> str | None:
    rows = journal_rows()
    return rows[0][1] if rows else None


def _finish(proc_args: tuple[Sandbox, Path]) -> None:
    sandbox, sheet = proc_args
    again = start_batch(sandbox, sheet)
    out, err = again.communicate(timeout=60)
    assert again.returncode == 0, out + err
    assert "Resuming" in out


def _creates(sandbox: Sandbox) -> int:
    return sum(1 for r in sandbox.received if r.method == "POST" and r.path.endswith("/videos/create"))


def test_kill_during_polling_then_restart_completes_once(sandbox: Sandbox, tmp_path: Path) -> None:
    sheet = _sheet(tmp_path, "a glacier calving sandbox:slow")
    proc = start_batch(sandbox, sheet)
    try:
        wait_until(lambda: _state() == "processing", what="the job to be polled")
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    _finish((sandbox, sheet))
    assert _creates(sandbox) == 1
    (row,) = library_rows()
    files = library_files()
    assert len(files) == 1 and files[0].name == Path(row[1]).name
    assert not [p for p in files if p.suffix == ".part"]


def test_kill_during_download_then_restart_resumes_the_file(sandbox: Sandbox, tmp_path: Path) -> None:
    sheet = _sheet(tmp_path, "a lighthouse in a storm")
    # First attempt is cut after 1500 bytes (a .part stays); the retry then hangs — and
    # that is where the process dies.
    sandbox.faults.add("cdn", drop_after=1500, times=1)
    hang = sandbox.faults.add("cdn", latency=30)
    proc = start_batch(sandbox, sheet)

    def cut_and_retrying() -> bool:
        # Not just "a .part exists": it is created before its first byte, and a .part still
        # empty at the kill is downloaded from the start (no Range to assert). Wait until
        # the first attempt was cut (its bytes are in the .part) and the retry is hanging.
        gets = [h for h in sandbox.core.cdn_received if h.method == "GET" and "/video/" in h.path]
        parts = [p for p in library_files() if p.name.endswith(".part")]
        return (_state() == "downloading" and len(gets) >= 2
                and any(p.stat().st_size > 0 for p in parts))

    try:
        wait_until(cut_and_retrying, what="a partial download whose retry hangs")
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    sandbox.faults.remove(hang)
    before_restart = len(sandbox.core.cdn_received)
    _finish((sandbox, sheet))
    assert _creates(sandbox) == 1
    (row,) = library_rows()
    (path,) = library_files()
    assert path.name == Path(row[1]).name and path.suffix == ".mp4"
    # The file is whole: the same bytes the CDN serves.
    (job,) = [j for j in sandbox.state.jobs.values() if j.kind == "video"]
    clip = Path(__file__).resolve().parents[2] / "resources" / "sandbox" / job.media_name
    if clip.exists():
        assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(clip.read_bytes()).digest()
    assert any(h.range for h in sandbox.core.cdn_received[before_restart:]), "the restart continued the .part"


def test_restart_after_finishing_sends_nothing(sandbox: Sandbox, tmp_path: Path) -> None:
    sheet = _sheet(tmp_path, "quiet harbour")
    first = start_batch(sandbox, sheet)
    out, err = first.communicate(timeout=60)
    assert first.returncode == 0, out + err
    before = len(sandbox.received)
    _finish((sandbox, sheet))
    assert len(sandbox.received) == before
    assert len(library_files()) == 1
