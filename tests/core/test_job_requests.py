"""validate_request answers with sentences whatever the file slots hold: a path the OS
refuses even to look at (ENAMETOOLONG) is a problem named by its slot, not an OSError out
of the engine's submit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from minimax_studio.core.job_requests import validate_request
from minimax_studio.core.jobs import JobKind


@pytest.mark.parametrize("path", [
    "/tmp/" + "x" * 300 + ".png",                       # one name over 255 bytes
    "/" + "ab/" * 1500 + "x.png",                       # a whole path over 4096 bytes
    "/tmp/" + "é" * 200 + ".png",                       # 400 bytes in 200 characters
])
def test_a_path_the_os_refuses_is_a_sentence(path: str) -> None:
    problems = validate_request(JobKind.VIDEO, {"model": "I2V-01", "prompt": "waves",
                                                "fileID": path})
    assert problems == [f"fileID: {path[:57]}… is too long to be a file path."]


def test_image_reference_too(tmp_path: Path) -> None:
    good = tmp_path / "a.png"
    good.write_bytes(b"\x89PNG\r\n\x1a\n")
    problems = validate_request(JobKind.IMAGE, {
        "model": "nano-banana-2", "prompt": "two cats",
        "referenceFileId1": str(good), "referenceFileId2": str(tmp_path / ("y" * 256))})
    assert len(problems) == 1 and problems[0].startswith("referenceFileId2: ")
    assert problems[0].endswith("is too long to be a file path.")


@pytest.mark.skipif(os.geteuid() == 0, reason="root enters any folder")
def test_a_folder_we_may_not_enter_is_a_sentence(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        problems = validate_request(JobKind.VIDEO, {"model": "I2V-01", "prompt": "waves",
                                                    "fileID": str(locked / "a.png")})
    finally:
        locked.chmod(0o700)
    assert problems and problems[0].startswith("fileID: ")


def test_a_missing_file_still_says_so(tmp_path: Path) -> None:
    missing = tmp_path / "gone.png"
    assert validate_request(JobKind.VIDEO, {"model": "I2V-01", "prompt": "waves",
                                            "fileID": str(missing)}) == \
        [f"fileID: the file {missing} does not exist."]
