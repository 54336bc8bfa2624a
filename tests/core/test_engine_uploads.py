"""Reference files go up as what their bytes say, whatever their name: the engine leaves
the Content-Type to the client's sniffing (one truth), against the real sandbox."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from minimax_studio.core.jobs import JobState
from minimax_studio.sandbox import Sandbox
from tests.core.engine_rig import make_png, make_rig

pytestmark = pytest.mark.asyncio


async def test_misnamed_and_extensionless_references_upload_as_their_real_type(
        sandbox: Sandbox, tmp_path: Path) -> None:
    async with make_rig(sandbox, tmp_path) as rig:
        png_as_jpeg = make_png(tmp_path / "shot.jpeg")
        wav_bare = tmp_path / "voice"
        shutil.copy(rig.files["tone.wav"], wav_bare)
        req = {"model": "Seedance-2.0", "resolution": "480", "duration": 4, "aspectRatio": "16:9",
               "prompt": "@Image1 speaks in the voice of @Audio1",
               "fileID": str(png_as_jpeg), "audioFileID1": str(wav_bare)}
        job = await rig.run("video", req)
        assert job.state is JobState.COMPLETED, job.reason
        sent = sorted(r.body["content_type"] for r in rig.received("POST", "/files"))
        assert sent == ["audio/wav", "image/png"]
        # What the sandbox stored under the fileIDs the create used is the real type too.
        (create,) = rig.creates()
        stored = {sandbox.state.uploads[create.body[slot]].content_type
                  for slot in ("fileID", "audioFileID1")}
        assert stored == {"image/png", "audio/wav"}


async def test_a_file_no_type_fits_fails_readably_without_an_upload(sandbox: Sandbox, tmp_path: Path) -> None:
    async with make_rig(sandbox, tmp_path) as rig:
        fake = tmp_path / "notes.png"
        fake.write_text("not an image at all, just text saved with a .png name\n")
        job = await rig.run("video", {"model": "I2V-01", "prompt": "x", "fileID": str(fake)})
        assert job.state is JobState.FAILED
        assert job.reason and "notes.png" in job.reason and "PNG" in job.reason
        assert rig.received("POST", "/files") == [] and rig.creates() == []
