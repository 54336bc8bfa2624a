"""Batch sheets are checked before anything is sent (issue 9, cases 6 and 7), and agent rows
(issue 11, headless): files sniffed from their bytes, unknown columns named with the
closest known field, wrong types refused, the printed cost the cost of what is sent, and
every malformed sheet a sentence with exit 2 — checked through the real command, in a
separate process where the exit code is the point."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from minimax_studio.core.jobs import JobKind
from minimax_studio.core.sheet import parse_sheet
from tests import media_files as mf
from tests.core.batch_support import ROOT
from tests.core.engine_rig import RESOURCES, make_png


def _json(tmp_path: Path, rows: list[dict[str, object]], name: str = "sheet.json") -> Path:
    sheet = tmp_path / name
    sheet.write_text(json.dumps(rows))
    return sheet


def _problems(sheet: Path) -> list[str]:
    return parse_sheet(sheet)[1]


def _cli(sheet: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """The real command, as a user runs it; no token and no sandbox, so nothing can be sent."""
    env = {k: v for k, v in os.environ.items() if k != "MINIMAX_STUDIO_TOKEN"}
    env["MINIMAX_STUDIO_API_URL"] = "http://127.0.0.1:9/v1/minimax"  # nothing listens there
    return subprocess.run([sys.executable, "-m", "minimax_studio.batch_cli", str(sheet), *extra],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


# --- case 6: files are sniffed ---------------------------------------------------------------

@pytest.mark.parametrize("path", ["/etc/passwd", "/proc/self/environ"])
def test_a_file_slot_holding_a_non_media_file_is_a_problem(tmp_path: Path, path: str) -> None:
    if not Path(path).exists():
        pytest.skip(f"{path} does not exist here")
    sheet = _json(tmp_path, [
        {"kind": "video", "model": "I2V-01", "prompt": "go", "fileID": path},
    ])
    [problem] = _problems(sheet)
    assert problem.startswith("row 1: fileID:") and Path(path).name in problem
    assert "This slot takes a PNG, JPEG or WebP image." in problem


def test_files_are_sniffed_by_their_bytes_not_their_names(tmp_path: Path) -> None:
    (tmp_path / "page.png").write_text("<!DOCTYPE html><html><body>login</body></html>")
    make_png(tmp_path / "real.mp3")  # a picture named like audio
    make_png(tmp_path / "small.png", size=(640, 480))
    (tmp_path / "empty.png").write_bytes(b"")
    make_png(tmp_path / "ok.png")
    sheet = _json(tmp_path, [
        {"kind": "image", "model": "nano-banana-2", "prompt": "a", "referenceFileId1": "page.png"},
        {"kind": "video", "model": "Seedance-2.0", "prompt": "b @Audio1", "audioFileID1": "real.mp3"},
        {"kind": "video", "model": "Sora-2", "prompt": "c", "fileID": "small.png"},
        {"kind": "image", "model": "image-01", "prompt": "d", "characterFileId": "empty.png"},
        {"kind": "video", "model": "I2V-01", "prompt": "e", "fileID": str(tmp_path)},
        {"kind": "video", "model": "Sora-2", "prompt": "fine", "fileID": "ok.png"},
    ])
    problems = _problems(sheet)
    text = "\n".join(problems)
    assert "row 1: referenceFileId1: page.png is an HTML page." in text
    assert "row 2: audioFileID1: real.mp3 is a PNG, JPEG or WebP image; this slot takes an MP3 or WAV" in text
    assert "row 3: fileID: Sora-2 needs a first frame of exactly 1280×720 or 720×1280 pixels; " \
           "this image is 640×480." in text
    assert "row 4: characterFileId: empty.png is an empty file." in text
    assert sum(1 for p in problems if p.startswith("row 5: fileID:")) == 1  # a folder
    assert not any(p.startswith("row 6") for p in problems), problems
    assert len(problems) == 5, problems


def test_seedance_reference_clips_are_measured_before_anything_is_sent(tmp_path: Path) -> None:
    mf.wav(tmp_path / "short.wav", 1.5)
    mf.wav(tmp_path / "long.wav", 12)
    shutil.copy(RESOURCES / "clip_16x9.mp4", tmp_path / "walk.mp4")  # 3 s
    sheet = _json(tmp_path, [
        {"kind": "video", "model": "Seedance-2.0", "prompt": "@Audio1", "audioFileID1": "short.wav"},
        {"kind": "video", "model": "Seedance-2.0", "prompt": "@Video1 @Audio1",
         "videoFileID1": "walk.mp4", "audioFileID1": "long.wav"},
        {"kind": "video", "model": "Seedance-2.0", "prompt": "@Video1 @Audio1 @Video2",
         "videoFileID1": "walk.mp4", "videoFileID2": "walk.mp4", "audioFileID1": "long.wav"},
    ])
    assert _problems(sheet) == [
        "row 1: audioFileID1 is 1.5 s long; each reference clip must last 2 to 15 seconds.",
        "row 3: audioFileID1: the video and audio references last 18.0 s together; "
        "Seedance-2.0 accepts at most 15 s.",
    ]


# --- case 6: columns and types ---------------------------------------------------------------

def test_unknown_columns_name_the_closest_known_field(tmp_path: Path) -> None:
    sheet = tmp_path / "shots.csv"
    sheet.write_text("kind,model,prompt,aspectratio,Quantity,promptOptimisation\n"
                     "image,image-01,a pear,1:1,4,false\n")
    problems = _problems(sheet)
    assert "row 1: unknown column 'aspectratio' — did you mean 'aspectRatio'?" in problems
    assert "row 1: unknown column 'Quantity' — did you mean 'quantity'?" in problems
    assert "row 1: unknown column 'promptOptimisation' — did you mean 'promptOptimization'?" in problems
    assert len(problems) == 3


def test_a_field_of_another_kind_of_job_is_named_as_such(tmp_path: Path) -> None:
    sheet = _json(tmp_path, [{"kind": "video", "model": "T2V-01", "prompt": "a", "quantity": 2}])
    assert _problems(sheet) == ["row 1: quantity is a field of image jobs; a video row does not take it."]


def test_wrong_types_are_problems(tmp_path: Path) -> None:
    sheet = _json(tmp_path, [
        {"kind": "video", "model": None, "prompt": "a"},
        {"kind": "image", "model": "image-01", "prompt": "b", "account": ["1", "2"]},
        {"kind": "image", "model": "image-01", "prompt": {"text": "c"}},
        {"kind": "video", "model": "T2V-01", "prompt": ["d"]},
        {"kind": ["video"], "prompt": "e"},
        {"kind": "image", "model": "image-01", "prompt": "f", "quantity": "four"},
    ])
    text = "\n".join(_problems(sheet))
    assert "row 1: model is null; give it a value or leave the field out." in text
    assert "row 2: account must be an account id (text or a number), not a list." in text
    assert "row 3: prompt must be text, not an object." in text
    assert "row 4: prompt must be text, not a list." in text
    assert "row 5: kind must be 'video', 'image' or 'agent', not ['video']." in text
    assert "row 6: quantity must be a whole number from 1 to 4; got 'four'." in text


def test_the_printed_cost_is_the_cost_of_what_is_sent(tmp_path: Path) -> None:
    one = _cli(_json(tmp_path, [{"kind": "image", "model": "image-01", "prompt": "a"}], "one.json"),
               "--dry-run")
    four = _cli(_json(tmp_path, [{"kind": "image", "model": "image-01", "prompt": "a", "quantity": 4}],
                      "four.json"), "--dry-run")
    assert one.returncode == 0 and four.returncode == 0, one.stderr + four.stderr
    cost = {s: int(p.stdout.split("total cost ")[1].split(" ")[0]) for s, p in (("1", one), ("4", four))}
    assert cost["4"] == 4 * cost["1"] > 0
    # Misspelt, the quantity used to be dropped and the cost shown for one image: now refused.
    typo = _cli(_json(tmp_path, [{"kind": "image", "model": "image-01", "prompt": "a", "Quantity": 4}],
                      "typo.json"), "--dry-run")
    assert typo.returncode == 2 and "did you mean 'quantity'?" in typo.stderr
    assert "total cost" not in typo.stdout


def test_a_spreadsheets_trailing_empty_rows_are_not_jobs(tmp_path: Path) -> None:
    sheet = tmp_path / "export.csv"
    sheet.write_text("kind,model,prompt\nimage,image-01,a pear\n,,\n , ,\n")
    rows, problems, _ = parse_sheet(sheet)
    assert problems == [] and [r.number for r in rows] == [1]


# --- case 7: malformed sheets ----------------------------------------------------------------

def _malformed(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    cases: dict[str, tuple[Path, str]] = {}
    p = tmp_path / "latin1.csv"
    p.write_bytes("kind,model,prompt\nimage,image-01,caf\xe9 au lait\n".encode("latin-1"))
    cases["bad utf-8"] = (p, "line 2 is not UTF-8 text (byte 0xe9)")
    p = tmp_path / "nul.json"
    p.write_text(json.dumps([{"kind": "video", "model": "I2V-01", "prompt": "a",
                              "fileID": "frames/a\x00.png"}]))
    cases["NUL in a path"] = (p, "row 1: fileID contains a NUL character")
    p = tmp_path / "nul.csv"
    p.write_text("kind,model,prompt,fileID\nvideo,I2V-01,a,frames/a\x00.png\n")
    cases["NUL in a CSV path"] = (p, "row 1: fileID contains a NUL character")
    p = tmp_path / "deep.json"
    p.write_text("[" * 100_000 + "]" * 100_000)
    cases["deeply nested JSON"] = (p, "nested too deeply")
    p = tmp_path / "deep-row.json"
    p.write_text('[{"kind": "image", "prompt": ' + "[" * 100_000 + "]" * 100_000 + "}]")
    cases["deeply nested JSON value"] = (p, "nested too deeply")
    p = tmp_path / "huge.csv"
    p.write_text('kind,model,prompt\nimage,image-01,"' + "x" * (200 * 1024) + '"\n')
    cases["CSV field over 128 KiB"] = (p, "line 2: a field is longer than 128 KiB")
    p = tmp_path / "ragged.csv"
    p.write_text("kind,model,prompt\nimage,image-01,a pear, on a plate\n")
    cases["more cells than columns"] = (p, "row 1 has more cells than the first line names columns")
    p = tmp_path / "twice.csv"
    p.write_text("kind,prompt,prompt\nimage,a,b\n")
    cases["a repeated column"] = (p, "the column 'prompt' appears more than once")
    p = tmp_path / "semicolons.csv"
    p.write_text("kind;model;prompt\nimage;image-01;a pear\n")
    cases["semicolon separated"] = (p, "separated by commas here, not semicolons")
    p = tmp_path / "bignumber.json"
    p.write_text('[{"kind": "image", "prompt": "a", "quantity": ' + "1" * 5000 + "}]")
    cases["a 5000-digit JSON number"] = (p, "holds a number thousands of digits long")
    p = tmp_path / "bignumber.csv"
    p.write_text("kind,model,prompt,quantity\nimage,image-01,a," + "1" * 5000 + "\n")
    cases["a 5000-digit CSV number"] = (p, "row 1: quantity must be a whole number; 111111111111… is far too long.")
    p = tmp_path / "longpath.json"
    p.write_text(json.dumps([{"kind": "video", "model": "I2V-01", "prompt": "a", "fileID": "x" * 300}]))
    cases["a file name over 255 bytes"] = (p, "row 1: fileID: xxxx")
    p = tmp_path / "agentfile.json"
    p.write_text(json.dumps([{"kind": "agent", "prompt": "a", "models": "hailuo-2.3", "file": 7}]))
    cases["a number as the agent's file"] = (p, "row 1: file must be a file path (text).")
    p = tmp_path / "object.json"
    p.write_text('{"kind": "image"}')
    cases["not a list"] = (p, "a JSON sheet must be a list of objects")
    return cases


def test_every_malformed_sheet_is_a_sentence_and_exit_2(tmp_path: Path) -> None:
    for what, (sheet, expected) in _malformed(tmp_path).items():
        done = _cli(sheet, "--dry-run")
        assert done.returncode == 2, f"{what}: exit {done.returncode}\n{done.stderr[-2000:]}"
        assert "Traceback" not in done.stderr, f"{what}:\n{done.stderr[-2000:]}"
        assert "nothing was sent" in done.stderr and expected in done.stderr, f"{what}:\n{done.stderr}"


# --- agent rows (issue 11, headless) ---------------------------------------------------------

def test_agent_rows_take_the_apis_own_fields(tmp_path: Path) -> None:
    make_png(tmp_path / "cat.png")
    sheet = tmp_path / "agent.csv"
    sheet.write_text("kind,prompt,models,file,file\n"
                     'agent,generate a video of this cat,"hailuo-2.3, nano-banana-2",cat.png,\n')
    rows, problems, _ = parse_sheet(sheet)
    assert problems == []
    [row] = rows
    assert row.kind is JobKind.AGENT
    assert row.request == {"prompt": "generate a video of this cat",
                           "models": "hailuo-2.3,nano-banana-2",
                           "files": [str(tmp_path / "cat.png")]}


def test_agent_rows_are_checked_before_anything_is_sent(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("just words")
    sheet = _json(tmp_path, [
        {"kind": "agent", "prompt": "a song", "models": "hailuo-2.4"},
        {"kind": "agent", "prompt": "", "models": ""},
        {"kind": "agent", "prompt": "an image", "models": ["nano-banana-2"], "file": ["notes.txt"]},
        {"kind": "agent", "prompt": "a video", "models": "hailuo-2.3", "aspectRatio": "16:9"},
    ])
    text = "\n".join(_problems(sheet))
    assert "row 1: models: 'hailuo-2.4' is not an agent model — did you mean 'hailuo-2.3'?" in text
    assert "row 2: prompt: the agent needs a prompt" in text and "row 2: models: name at least one" in text
    assert "row 3: file: notes.txt is text, not media." in text
    assert "row 4: aspectRatio is a field of video jobs; an agent row does not take it." in text


def test_an_agent_row_runs_on_the_engine_and_lands_in_the_library(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from minimax_studio.batch_cli import main
    from tests.core.batch_support import _where, library_rows

    make_png(tmp_path / "cat.png")
    sheet = _json(tmp_path, [{"kind": "agent", "prompt": "generate an image of this cat",
                              "models": "nano-banana-2", "file": "cat.png"}])
    rc = main([str(sheet), "--sandbox", "--sandbox-speed", "300"])
    out, err = capsys.readouterr()
    assert rc == 0, out + err
    assert "1 job; total cost not known (1 agent job, priced by what the agent makes)." in out
    assert "1 of 1 jobs completed." in out
    [(remote_id, path)] = library_rows(sandbox=True)
    media = _where(True).library_dir / path  # stored relative to the library folder
    assert remote_id and media.stat().st_size > 0 and media.read_bytes().startswith(b"\x89PNG")
