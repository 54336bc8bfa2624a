"""A row or request without ``model`` runs on the API's documented default (images.md:
image-01; videos.md: T2V-01, or I2V-01 with a fileID): the batch's progress lines and the
library's file names say that model, never "[image ]" or "…_model_…"."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from minimax_studio.batch_cli import main
from minimax_studio.core.jobs import Job, JobKind, JobState
from tests.core.batch_support import library_files
from tests.core.engine_rig import make_png


def test_job_names_the_documented_default() -> None:
    def job(kind: JobKind, request: dict[str, object]) -> Job:
        return Job(id=1, kind=kind, state=JobState.QUEUED, request=request)

    assert job(JobKind.IMAGE, {"prompt": "a teapot"}).model == "image-01"
    assert job(JobKind.VIDEO, {"prompt": "a kite"}).model == "T2V-01"
    assert job(JobKind.VIDEO, {"prompt": "a kite", "fileID": "a.png"}).model == "I2V-01"
    assert job(JobKind.IMAGE, {"prompt": "a teapot", "model": "seedream-5.0"}).model == "seedream-5.0"


def test_batch_rows_without_a_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_png(tmp_path / "start.png")
    sheet = tmp_path / "shots.csv"
    with sheet.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["kind", "prompt", "fileID"])
        w.writeheader()
        w.writerows([{"kind": "image", "prompt": "a teapot, studio light", "fileID": ""},
                     {"kind": "video", "prompt": "the door opens", "fileID": "start.png"}])
    rc = main([str(sheet), "--sandbox", "--sandbox-speed", "300"])
    out, err = capsys.readouterr()
    assert rc == 0, out + err
    assert "row 1 [image image-01] completed" in out
    assert "row 2 [video I2V-01] completed" in out
    assert "[image ]" not in out and "[video ]" not in out
    names = [p.name for p in library_files(sandbox=True) if p.suffix in (".png", ".jpg", ".mp4")]
    assert len(names) == 2, names
    assert any("image-01" in n for n in names) and any("i2v-01" in n.lower() for n in names), names
    assert not any("_model_" in n or "__" in n for n in names), names
