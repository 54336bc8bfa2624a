"""Every job kind end to end: submit → route → upload → create → poll → download → library,
against the sandbox over HTTP, with real SQLite and real media files."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from minimax_studio.core.engine import InvalidRequest, sniff_media
from minimax_studio.core.jobs import JobState
from minimax_studio.sandbox import Sandbox
from tests.core.engine_rig import make_rig

pytestmark = pytest.mark.asyncio


async def test_text_to_video_ends_as_a_file_in_the_library(sandbox: Sandbox, tmp_path: Path) -> None:
    async with make_rig(sandbox, tmp_path) as rig:
        job = await rig.run("video", {"model": "T2V-01", "prompt": "A red fox runs through snow"})
        assert job.state is JobState.COMPLETED, job.reason
        assert job.account == sandbox.demo_account_id
        assert job.route_reason and "free slot" in job.route_reason
        assert job.cost and "credit" in job.cost
        (item_id,) = job.library_item_ids
        item = await rig.library.get(item_id)
        assert item is not None and item.path.is_file()
        assert item.path.resolve().is_relative_to(rig.library.root.resolve())
        assert sniff_media(item.path) == "video"
        assert item.prompt == "A red fox runs through snow" and item.model == "T2V-01"
        assert item.remote_id == job.remote_ids[0] and item.job_id == job.id
        assert not list(rig.library.root.rglob("*.part"))
        # The events a view-model sees, in order, ending with completed.
        kinds = [e.type for e in rig.events if e.job.id == job.id]
        assert kinds[0] == "queued" and kinds[-1] == "completed"
        for expected in ("uploading", "submitted", "processing", "downloading"):
            assert expected in kinds
        assert kinds.index("submitted") < kinds.index("downloading")
        # The journal tells the story.
        story = [h.event for h in await rig.journal.history(job.id)]
        assert story[0] == "created" and story[-1] == "completed"
        # Exactly one create; polling stopped once the job was final.
        assert len(rig.creates()) == 1
        polls = len(rig.received("GET", "/videos/user:"))
        await rig.engine.wait([job.id])
        await asyncio.sleep(0.3)
        assert len(rig.received("GET", "/videos/user:")) == polls


async def test_image_to_video_with_first_and_last_frame(sandbox: Sandbox, tmp_path: Path) -> None:
    async with make_rig(sandbox, tmp_path) as rig:
        req = {"model": "02", "options": "768p-6sec", "prompt": "slow dolly in",
               "fileID": str(rig.files["first"]), "end_frame_fileID": str(rig.files["last"])}
        job = await rig.run("video", req)
        assert job.state is JobState.COMPLETED, job.reason
        uploads = rig.received("POST", "/files")
        assert len(uploads) == 2
        (create,) = rig.creates()
        assert create.body["fileID"] != create.body["end_frame_fileID"]
        for slot in ("fileID", "end_frame_fileID"):
            assert f"-minimax:{job.account}-file:" in create.body[slot]
            assert job.file_ids[slot] == create.body[slot]
        # The journal keeps the local paths (re-run) and the per-account ids (what was sent).
        again = await rig.journal.get(job.id)
        assert again is not None and again.request["fileID"] == str(rig.files["first"])
        item = await rig.library.get(job.library_item_ids[0])
        assert item is not None and item.request["fileID"] == str(rig.files["first"])


async def test_seedance_with_image_video_and_audio_references(sandbox: Sandbox, tmp_path: Path) -> None:
    async with make_rig(sandbox, tmp_path) as rig:
        req = {"model": "Seedance-2.0", "resolution": "480", "duration": 4, "aspectRatio": "16:9",
               "prompt": "@Image1 walks into the scene of @Video1 speaking in the voice of @Audio1",
               "fileID": str(rig.files["first"]), "videoFileID1": str(rig.files["clip_16x9.mp4"]),
               "audioFileID1": str(rig.files["tone.mp3"])}
        job = await rig.run("video", req)
        assert job.state is JobState.COMPLETED, job.reason
        types = sorted(r.body.get("content_type", "") if isinstance(r.body, dict) else ""
                       for r in rig.received("POST", "/files"))
        assert len(types) == 3
        (create,) = rig.creates()
        assert {"fileID", "videoFileID1", "audioFileID1"} <= set(create.body)


async def test_multi_image_request_gives_one_library_item_per_image(sandbox: Sandbox, tmp_path: Path) -> None:
    async with make_rig(sandbox, tmp_path) as rig:
        req = {"model": "nano-banana-2", "prompt": "Put @Image1 into the room of @Image2",
               "resolution": "1K", "aspectRatio": "16:9", "quantity": 2,
               "referenceFileId1": str(rig.files["first"]), "referenceFileId2": str(rig.files["ref2"])}
        job = await rig.run("image", req)
        assert job.state is JobState.COMPLETED, job.reason
        assert len(job.remote_ids) == 2 and len(job.library_item_ids) == 2
        items = [await rig.library.get(i) for i in job.library_item_ids]
        assert all(i is not None and sniff_media(i.path) == "image" for i in items)
        assert len({i.path for i in items if i}) == 2
        assert job.route_reason and "do not use video slots" in job.route_reason


async def test_a_reference_used_by_many_jobs_is_uploaded_once_per_account(sandbox: Sandbox, tmp_path: Path) -> None:
    async with make_rig(sandbox, tmp_path) as rig:
        req = {"model": "I2V-01", "prompt": "the leaves move", "fileID": str(rig.files["first"])}
        jobs = [await rig.engine.submit("video", dict(req, prompt=f"the leaves move {i}")) for i in range(4)]
        done = await rig.engine.wait([j.id for j in jobs], timeout=20)
        assert all(j.state is JobState.COMPLETED for j in done), [j.reason for j in done]
        assert len(rig.received("POST", "/files")) == 1
        assert len({j.file_ids["fileID"] for j in done}) == 1


async def test_agent_job_downloads_its_attachments(sandbox: Sandbox, tmp_path: Path) -> None:
    async with make_rig(sandbox, tmp_path) as rig:
        job = await rig.run("agent", {"prompt": "generate an image of a lighthouse",
                                      "models": ["nano-banana-2"]})
        assert job.state is JobState.COMPLETED, job.reason
        assert job.library_item_ids
        item = await rig.library.get(job.library_item_ids[0])
        assert item is not None and item.path.is_file() and item.source == "agent"


async def test_an_invalid_request_is_refused_before_anything_is_journaled(sandbox: Sandbox, tmp_path: Path) -> None:
    async with make_rig(sandbox, tmp_path) as rig:
        with pytest.raises(InvalidRequest) as err:
            await rig.engine.submit("video", {"model": "I2V-01", "prompt": "x",
                                              "fileID": str(tmp_path / "missing.png")})
        assert "missing.png" in str(err.value)
        assert await rig.journal.jobs() == []
        assert sandbox.received == [] or not rig.creates()


async def test_hostile_prompt_never_writes_outside_the_library(sandbox: Sandbox, tmp_path: Path) -> None:
    async with make_rig(sandbox, tmp_path) as rig:
        prompt = "../../../etc/passwd \\..\\ 𝕳𝖆𝖑 \u202e gnp.exe " + "ä" * 900
        job = await rig.run("image", {"model": "image-01", "prompt": prompt[:1500]})
        assert job.state is JobState.COMPLETED, job.reason
        item = await rig.library.get(job.library_item_ids[0])
        assert item is not None
        assert item.path.resolve().is_relative_to(rig.library.root.resolve())
        outside = [p for p in tmp_path.rglob("*") if p.is_file()
                   and not p.resolve().is_relative_to(tmp_path.resolve())]
        assert outside == []


@pytest.mark.asyncio
async def test_progress_reaches_listeners_at_once_and_the_journal_at_most_every_interval(
        sandbox: Sandbox, tmp_path: Path) -> None:
    async with make_rig(sandbox, tmp_path, progress_save_interval=3600.0) as rig:
        job = await rig.engine.submit("video", {"model": "T2V-01", "prompt": "a slow dawn sandbox:slow"})

        def shown() -> list[int]:
            return sorted({e.progress for e in rig.events
                           if e.job.id == job.id and e.type == "processing" and e.progress})

        for _ in range(300):
            if len(shown()) >= 3:
                break
            await asyncio.sleep(0.05)
        assert len(shown()) >= 3  # the panel's bar moves with every poll...
        saved = await rig.journal.get(job.id)
        assert saved is not None and saved.state is JobState.PROCESSING
        assert saved.progress is not None and saved.progress < max(shown())  # ...the file does not
        story = [h.event for h in await rig.journal.history(job.id)]
        assert story.count("processing") == 1  # the moment generation started is on record
        (done,) = await rig.engine.wait([job.id], timeout=30)
        assert done.state is JobState.COMPLETED
        final = await rig.journal.get(job.id)
        assert final is not None and final.state is JobState.COMPLETED


async def test_an_agent_attachment_that_is_not_media_is_skipped_with_a_note(sandbox: Sandbox, tmp_path: Path) -> None:
    """sandbox:oddattach answers an image and a PDF (type 9): the image lands, the PDF is
    named in the finished job's reason, never fetched — not now, not on the next start."""
    from minimax_studio.core.jobs import DownloadState

    async with make_rig(sandbox, tmp_path) as rig:
        job = await rig.run("agent", {"prompt": "sandbox:oddattach an image of a map",
                                      "models": ["nano-banana-2"]})
        assert job.state is JobState.COMPLETED, job.reason
        assert job.reason and "Not downloaded" in job.reason and ".pdf (application/pdf)" in job.reason
        (item_id,) = job.library_item_ids
        item = await rig.library.get(item_id)
        assert item is not None and sniff_media(item.path) == "image"
        assert not [h for h in sandbox.core.cdn_received if h.path.endswith(".pdf")]
        assert any("Not downloaded" in (h.message or "") for h in await rig.journal.history(job.id))

        # A journal from before this rule: the PDF planned as an "image" left the job
        # needing attention. The next start finishes it with the note instead of retrying.
        stuck = await rig.journal.get(job.id)
        assert stuck is not None
        stuck.downloads[f"{stuck.remote_ids[0]}#att_pdf"] = {
            "url": sandbox.core.cdn_url("agent/att_pdf.pdf"), "state": DownloadState.PENDING,
            "kind": "image", "mime": "application/pdf", "remote": "att_pdf", "name": "map.pdf"}
        stuck.state, stuck.reason = JobState.NEEDS_ATTENTION, "the downloaded file is not a valid image"
        assert await rig.journal.save(stuck, "needs_attention")
        for _ in range(2):
            await rig.restart()
            (again,) = await rig.engine.wait([job.id], timeout=10, settled=True)
            assert again.state is JobState.COMPLETED, again.reason
            assert again.reason and "map.pdf" in again.reason, "\n".join(f"{h.event} {h.message}" for h in await rig.journal.history(job.id))
        assert not [h for h in sandbox.core.cdn_received if h.path.endswith(".pdf")]
        assert (await rig.library.get(item_id)) is not None and len(again.library_item_ids) == 1
