"""The headless batch command: a good sheet, a sheet with bad rows (nothing sent), and an
interrupted run that resumes instead of resubmitting."""

from __future__ import annotations

import csv
import json
import signal
from pathlib import Path

import pytest

from minimax_studio.batch_cli import main
from minimax_studio.paths import app_paths
from minimax_studio.sandbox import Sandbox
from tests.core.batch_support import journal_rows, library_rows, start_batch, wait_until
from tests.core.engine_rig import make_png


def _write_csv(path: Path, rows: list[dict[str, object]]) -> Path:
    keys: list[str] = []
    for r in rows:
        keys.extend(k for k in r if k not in keys)
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=keys)
        w.writeheader()
        w.writerows(rows)
    return path


def test_good_sheet_runs_on_the_sandbox_and_resumes_as_done(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "refs").mkdir()
    make_png(tmp_path / "refs" / "start.png")
    make_png(tmp_path / "refs" / "end.png", color="#c33")
    sheet = _write_csv(tmp_path / "shots.csv", [
        {"kind": "video", "model": "T2V-01", "prompt": "a kite over the dunes"},
        {"kind": "video", "model": "02", "options": "768p-6sec", "prompt": "the door opens",
         "fileID": "refs/start.png", "end_frame_fileID": "refs/end.png"},
        {"kind": "image", "model": "image-01", "prompt": "a teapot, studio light", "quantity": "2",
         "aspectRatio": "1:1"},
    ])
    rc = main([str(sheet), "--sandbox", "--sandbox-speed", "300"])
    out, err = capsys.readouterr()
    assert rc == 0, out + err
    assert "3 jobs; total cost" in out and "credits" in out
    assert "3 of 3 jobs completed." in out
    assert "row 2 [video 02] completed" in out
    # Where the app's sandbox session looks, so the GUI shows them; never in the real journal.
    assert len(library_rows(sandbox=True)) == 4  # two videos + two images
    assert journal_rows() == [] and not app_paths().library_db.exists()
    # Started again: it recognises the sheet and sends nothing new.
    rc = main([str(sheet), "--sandbox", "--sandbox-speed", "300"])
    out, _ = capsys.readouterr()
    assert rc == 0 and "Resuming: 3 of 3" in out
    assert len(journal_rows(sandbox=True)) == 3 and len(library_rows(sandbox=True)) == 4


def test_bad_rows_are_all_listed_and_nothing_is_sent(
        sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINIMAX_STUDIO_API_URL", sandbox.base_url)
    monkeypatch.setenv("MINIMAX_STUDIO_TOKEN", sandbox.token)
    sheet = tmp_path / "bad.json"
    sheet.write_text(json.dumps([
        {"kind": "video", "model": "T2V-01", "prompt": "fine"},
        {"kind": "video", "model": "T2V-99", "prompt": "no such model"},
        {"kind": "image", "model": "image-01", "prompt": "x", "characterFileId": "missing.png"},
        {"kind": "sound", "prompt": "what"},
    ]))
    rc = main([str(sheet)])
    _, err = capsys.readouterr()
    assert rc != 0
    assert "nothing was sent" in err
    for n in (2, 3, 4):
        assert f"row {n}:" in err
    assert "row 1:" not in err
    assert "missing.png" in err and "T2V-99" in err
    assert sandbox.received == []
    assert journal_rows() == []


def test_dry_run_prints_the_cost_and_sends_nothing(
        sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINIMAX_STUDIO_API_URL", sandbox.base_url)
    monkeypatch.setenv("MINIMAX_STUDIO_TOKEN", sandbox.token)
    sheet = tmp_path / "s.json"
    sheet.write_text(json.dumps([{"kind": "video", "model": "T2V-01", "prompt": "a"},
                                 {"kind": "video", "model": "T2V-01", "prompt": "b"}]))
    assert main([str(sheet), "--dry-run"]) == 0
    out, _ = capsys.readouterr()
    assert "total cost 50 credits" in out
    assert sandbox.received == []


def test_failures_are_listed_with_reasons_and_exit_non_zero(
        sandbox: Sandbox, tmp_path: Path) -> None:
    sheet = tmp_path / "mixed.json"
    sheet.write_text(json.dumps([
        {"kind": "video", "model": "T2V-01", "prompt": "fine"},
        {"kind": "video", "model": "T2V-01", "prompt": "blocked sandbox:moderate"},
    ]))
    proc = start_batch(sandbox, sheet)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, out + err
    assert "1 of 2 jobs completed." in out
    assert "row 2 [video T2V-01] moderated:" in err and "422" in err


def test_interrupted_run_resumes_instead_of_resubmitting(sandbox: Sandbox, tmp_path: Path) -> None:
    sheet = tmp_path / "three.json"
    sheet.write_text(json.dumps([{"kind": "video", "model": "T2V-01", "prompt": f"take {i} sandbox:slow"}
                                 for i in range(3)]))
    proc = start_batch(sandbox, sheet)
    wait_until(lambda: any(r[1] == "processing" for r in journal_rows()), what="a job in progress")
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 130, out + err
    assert "resume" in err
    creates_before = sum(1 for r in sandbox.received if r.path.endswith("/videos/create"))
    again = start_batch(sandbox, sheet)
    out, err = again.communicate(timeout=60)
    assert again.returncode == 0, out + err
    assert "Resuming" in out and "3 of 3 jobs completed." in out
    creates = sum(1 for r in sandbox.received if r.path.endswith("/videos/create"))
    assert creates == 3 and creates >= creates_before
    assert len(journal_rows()) == 3 and len(library_rows()) == 3


def test_sandbox_batch_while_the_apps_sandbox_runs_says_so_and_sends_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from minimax_studio.core.locations import session_locations
    from minimax_studio.core.settings import Settings

    sheet = _write_csv(tmp_path / "one.csv", [{"kind": "video", "model": "T2V-01", "prompt": "a kite"}])
    where = session_locations(app_paths(), Settings(), sandbox=True).ensure()
    assert where.sandbox_state is not None
    with Sandbox(speed=50, state_file=where.sandbox_state) as apps:  # the app's sandbox session
        rc = main([str(sheet), "--sandbox"])
        _, err = capsys.readouterr()
        assert rc == 2
        assert "already running in another MiniMax Studio process" in err
        assert not [r for r in apps.received if r.method == "POST"]
    assert journal_rows(sandbox=True) == []
