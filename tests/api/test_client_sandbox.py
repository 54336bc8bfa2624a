"""The client against the real sandbox over loopback HTTP: every endpoint, real uploads
and downloads, download resume after a cut connection, and the injected faults."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
import pytest_asyncio

from minimax_studio.api import errors as E
from minimax_studio.api.client import MiniMaxClient
from minimax_studio.api.models import AgentJob, Image, MediaStatus, Video
from minimax_studio.api.retry import RetryPolicy
from minimax_studio.api.transfer import InterruptedDownloadError
from tests import media_files

pytestmark = pytest.mark.asyncio
T = TypeVar("T")


async def _until_final(get: Callable[[], Awaitable[T]], timeout: float = 30.0) -> T:
    """Poll ``get`` until its answer is final (the engine's poller is the app's one loop;
    these tests only need the client's answers)."""
    async with asyncio.timeout(timeout):
        while True:
            item = await get()
            if item.is_final:  # type: ignore[attr-defined]
                return item
            await asyncio.sleep(0.05)


async def wait_for_video(client: MiniMaxClient, video_id: str) -> Video:
    return await _until_final(lambda: client.videos.get(video_id))


async def wait_for_image(client: MiniMaxClient, image_id: str) -> Image:
    return await _until_final(lambda: client.images.get(image_id))


async def wait_for_agent(client: MiniMaxClient, job_id: str) -> AgentJob:
    return await _until_final(lambda: client.agent.get(job_id))


async def _fast_sleep(seconds: float) -> None:
    await asyncio.sleep(min(seconds, 0.05))


@pytest_asyncio.fixture
async def client(sandbox: Any) -> AsyncIterator[MiniMaxClient]:
    policy = RetryPolicy(base_delay=0.01, max_delay=0.05)
    async with MiniMaxClient(sandbox.token, sandbox.base_url, retry=policy) as c:
        yield c


async def _video(client: MiniMaxClient, prompt: str = "a red fox in snow", **body: Any) -> Any:
    created = await client.videos.create({"prompt": prompt, "model": "T2V-01", **body})
    assert created.videoId and ":" in created.videoId
    return await wait_for_video(client, created.videoId)


async def test_accounts_lifecycle(client: MiniMaxClient, sandbox: Any) -> None:
    accounts = await client.accounts.list()
    assert [a.account for a in accounts] == [sandbox.demo_account_id]
    assert accounts[0].maxJobs == 3 and accounts[0].supportVideo
    url, jwt = sandbox.make_hailuo_credentials("424242")
    created = await client.accounts.create(url=url, token=jwt, max_jobs=2)
    assert created.account == "424242" and created.maxJobs == 2
    assert created.jwt is not None and created.jwt.token != jwt  # echoed masked
    assert (await client.accounts.get("424242")).account == "424242"
    await client.accounts.delete("424242")
    with pytest.raises(E.NotFoundError):
        await client.accounts.get("424242")
    with pytest.raises(E.BadRequestError):
        await client.accounts.create(url=url, token=jwt, max_jobs=11)
    await client.accounts.delete(sandbox.demo_account_id)
    assert await client.accounts.list() == []  # 404 "Configuration not found" = none


async def test_features_and_scheduler(client: MiniMaxClient, sandbox: Any) -> None:
    features = await client.features.get(account=sandbox.demo_account_id)
    assert features.totalCredits == 1000 and features.modelControl
    created = await client.videos.create({"prompt": "sandbox:slow a long one", "model": "T2V-01"})
    entries = await client.scheduler.list()
    assert [e.job_id for e in entries] == [created.videoId] and entries[0].started_at
    avail = await client.scheduler.available()
    assert [e.job_id for e in avail.executing] == [created.videoId]
    assert avail.available[0].available == 2
    await client.scheduler.delete(created.videoId)
    assert await client.scheduler.list() == []
    with pytest.raises(E.NotFoundError, match="Unable to locate"):
        await client.scheduler.delete(created.videoId)


@pytest.mark.parametrize(("make", "ctype"), [
    (lambda p: media_files.png(p / "a.png"), "image/png"),
    (lambda p: media_files.jpeg(p / "a.jpeg"), "image/jpeg"),
    (lambda p: media_files.webp(p / "a.webp"), "image/jpeg"),
    (lambda p: media_files.mp3(p / "a.mp3"), "audio/mpeg"),
    (lambda p: media_files.wav(p / "a.wav", 2.5), "audio/wav"),
    (lambda p: media_files.mp4(p / "a.mp4"), "video/mp4"),
])
async def test_upload_real_files(make: Any, ctype: str, client: MiniMaxClient, sandbox: Any,
                                 tmp_path: Path) -> None:
    path = make(tmp_path)
    seen: list[int] = []
    up = await client.files.upload(path, progress=lambda s, t: seen.append(s))
    assert up.fileID and "-file:" in up.fileID and up.ossPath
    rec = sandbox.received[-1]
    assert rec.body["content_type"] == ctype and rec.body["size"] == path.stat().st_size
    assert seen[-1] == path.stat().st_size
    # The uploaded bytes come back unchanged from the CDN.
    back = await client.download(up.ossPath, tmp_path / "back")
    assert back.read_bytes() == path.read_bytes()
    assert await client.files.list() == []  # retired upstream: always empty
    await client.files.delete(up.fileID)


async def test_video_create_poll_download_list_delete(client: MiniMaxClient, sandbox: Any,
                                                      tmp_path: Path) -> None:
    video = await _video(client)
    assert video.media_status is MediaStatus.COMPLETED and video.is_final
    dest = tmp_path / "out" / "fox.mp4"
    path = await client.download(video.best_url, dest)
    assert path.read_bytes()[4:8] == b"ftyp" and not Path(str(dest) + ".part").exists()
    assert not any(hit.authorization_sent for hit in sandbox.core.cdn_received)
    listed = await client.videos.list(limit=5)
    assert video.videoId in [v.videoId for v in listed]
    await client.videos.delete(video.videoId)
    with pytest.raises(E.NotFoundError):
        await client.videos.get(video.videoId)


async def test_cancel_running_video(client: MiniMaxClient) -> None:
    created = await client.videos.create({"prompt": "sandbox:slow waves", "model": "T2V-01"})
    await client.videos.cancel(created.videoId)
    final = await wait_for_video(client, created.videoId)
    assert final.is_final and not final.is_success
    with pytest.raises(E.BadRequestError):
        await client.videos.cancel("user:1-minimax:2-video:3")


async def test_images(client: MiniMaxClient) -> None:
    created = await client.images.create({"prompt": "a lighthouse", "model": "image-01",
                                          "quantity": 2})
    assert len(created.imageIds) == 2
    images = [await wait_for_image(client, i) for i in created.imageIds]
    assert all(i.is_success and i.best_url and i.fileID for i in images)
    listed = await client.images.list()
    assert set(created.imageIds) <= {i.imageId for i in listed}
    await client.images.delete(created.imageIds[0])
    assert created.imageIds[0] not in {i.imageId for i in await client.images.list()}
    assert (await client.images.get(created.imageIds[0])).is_success  # soft delete


async def test_agent_with_files(client: MiniMaxClient, sandbox: Any, tmp_path: Path) -> None:
    ref = media_files.png(tmp_path / "ref.png")
    job = await client.agent.create("generate an image of this in watercolor",
                                    ["nano-banana-2"], files=[ref, media_files.jpeg(tmp_path / "b.jpg")])
    assert job.jobId and job.status == "started"
    running = await client.agent.jobs()
    assert job.jobId in running.running_ids
    done = await wait_for_agent(client, job.jobId)
    assert done.is_success and done.attachments
    url = done.attachments[0].best_url
    assert url
    out = await client.download(url, tmp_path / "agent.png")
    assert out.read_bytes().startswith(b"\x89PNG")
    user = sandbox.token.split(":", 1)[1].split("-", 1)[0]
    with pytest.raises(E.NotFoundError, match="31 days"):
        await client.agent.get(f"p999999999-u{user}-a{sandbox.demo_account_id}-bot:minimax")
    with pytest.raises(E.BadRequestError):  # a job of another user
        await client.agent.get("p123456789-u1-a2-bot:minimax")


async def test_characters_templates_and_agent_create(client: MiniMaxClient, tmp_path: Path) -> None:
    chars = await client.videos.characters()
    assert all(c.file and c.file.fileID for c in chars)
    templates = await client.videos.agent_templates(limit=5)
    assert templates.videoList and templates.videoList[0].videoAsset
    text_template = next(t for t in templates.videoList if t.id == "1122334455667788")
    one = await client.videos.agent_template(text_template.id or "")
    assert one.id == text_template.id and one.inputs
    events: list[Any] = []
    video = await client.videos.agent_create({"templateId": text_template.id,
                                              "prompt": "a trailer for a cat movie"},
                                             on_event=events.append)
    assert video.is_success and video.videoId and len(events) >= 2
    with pytest.raises(E.BadRequestError, match="templateId"):
        await client.videos.agent_create({"prompt": "no template"})


# --- faults ------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "cls"), [(412, E.InsufficientCreditsError),
                                             (422, E.ModeratedError), (429, E.CapacityError),
                                             (502, E.SiteBusyError), (504, E.SiteBusyError),
                                             (596, E.AccountOnHoldError), (500, E.ServerError)])
async def test_injected_status_faults(status: int, cls: type, client: MiniMaxClient,
                                      sandbox: Any) -> None:
    sandbox.faults.add("videos/create", status, times=1)
    with pytest.raises(cls) as info:
        await client.videos.create({"prompt": "x", "model": "T2V-01"})
    assert info.value.status == status and info.value.message
    assert len([r for r in sandbox.received if r.path.endswith("videos/create")]) == 1


async def test_account_state_faults(client: MiniMaxClient, sandbox: Any) -> None:
    sandbox.set_account(sandbox.demo_account_id, credits=0)
    with pytest.raises(E.InsufficientCreditsError):
        await client.videos.create({"prompt": "x", "model": "T2V-01"})
    sandbox.set_account(sandbox.demo_account_id, credits=1000, error="on hold")
    with pytest.raises(E.AccountOnHoldError):
        await client.videos.create({"prompt": "x", "model": "T2V-01"})


async def test_moderation_keywords(client: MiniMaxClient) -> None:
    with pytest.raises(E.ModeratedError):
        await client.videos.create({"prompt": "sandbox:moderate this", "model": "T2V-01"})
    face = await _video(client, "sandbox:face portrait")
    assert face.is_moderated and face.status == 7
    failed = await _video(client, "sandbox:fail explode")
    assert failed.status == 3 and not failed.is_success
    post = await _video(client, "sandbox:postmod later removed")
    assert post.is_success
    with pytest.raises(E.NotFoundError):
        for _ in range(100):
            await client.videos.get(post.videoId)
            await asyncio.sleep(0.05)


async def test_get_retries_through_transient_faults(client: MiniMaxClient, sandbox: Any) -> None:
    video = await _video(client)
    sandbox.faults.add("videos/{videoId}", 502, times=2)
    assert (await client.videos.get(video.videoId)).videoId == video.videoId
    sandbox.faults.add("videos/{videoId}", 504, times=5)
    with pytest.raises(E.SiteBusyError):
        await client.videos.get(video.videoId)


async def test_create_anyway_502_is_not_retried(client: MiniMaxClient, sandbox: Any) -> None:
    sandbox.faults.add("videos/create", 502, times=1, create_anyway=True)
    with pytest.raises(E.SiteBusyError) as info:
        await client.videos.create({"prompt": "queued anyway", "model": "T2V-01"})
    assert info.value.maybe_accepted
    assert len([r for r in sandbox.received if r.path.endswith("videos/create")]) == 1
    assert len(await client.scheduler.list()) == 1  # the job exists: reconcile, don't resend


async def test_malformed_and_html_faults(client: MiniMaxClient, sandbox: Any) -> None:
    sandbox.faults.add("scheduler/available", body="malformed", times=1)
    with pytest.raises(E.MalformedResponseError, match="not JSON"):
        await client.scheduler.available()
    sandbox.faults.add("scheduler/available", 502, body="html", times=3)
    with pytest.raises(E.SiteBusyError) as info:
        await client.scheduler.available()
    assert "<" not in info.value.message


async def test_latency_fault_times_out(sandbox: Any) -> None:
    sandbox.faults.add("scheduler", latency=1.0, times=1)
    async with MiniMaxClient(sandbox.token, sandbox.base_url, timeout=0.2,
                             retry=RetryPolicy.never()) as c:
        with pytest.raises(E.APITimeoutError, match="did not answer in time"):
            await c.scheduler.list()


async def test_wrong_token_is_401(sandbox: Any) -> None:
    async with MiniMaxClient("user:1-wrongtoken", sandbox.base_url) as c:
        with pytest.raises(E.AuthenticationError) as info:
            await c.videos.list()
    assert "wrongtoken" not in str(info.value)


# --- downloads -----------------------------------------------------------------------------


async def test_download_resumes_after_a_dropped_connection(client: MiniMaxClient, sandbox: Any,
                                                            tmp_path: Path) -> None:
    size = 3 * 1024 * 1024 + 17
    url = f"{sandbox.root_url}/_sandbox/blob/{size}"
    expected = bytes(i % 251 for i in range(size))
    sandbox.faults.add("blob", drop_after=1_000_000, times=1)
    dest = tmp_path / "blob.bin"
    with pytest.raises(InterruptedDownloadError) as info:
        await client.download(url, dest)
    assert info.value.resumable and "resume" in info.value.message
    part = tmp_path / "blob.bin.part"
    kept = part.stat().st_size
    assert 0 < kept <= 1_000_000 and not dest.exists()
    seen: list[tuple[int, int | None]] = []
    await client.download(url, dest, progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (kept, size)  # continued where it stopped, not from 0
    assert dest.read_bytes() == expected and not part.exists()


async def test_cdn_download_resume_sends_range_and_no_token(client: MiniMaxClient, sandbox: Any,
                                                            tmp_path: Path) -> None:
    video = await _video(client)
    sandbox.faults.add("cdn", drop_after=1000, times=1)
    dest = tmp_path / "v.mp4"
    with pytest.raises(InterruptedDownloadError):
        await client.download(video.best_url, dest)
    await client.download(video.best_url, dest)
    hits = [h for h in sandbox.core.cdn_received if "/video/" in h.path]
    assert hits[-1].range == "bytes=1000-"
    assert not any(h.authorization_sent for h in hits)
    fresh = await client.download(video.best_url, tmp_path / "fresh.mp4")
    assert dest.read_bytes() == fresh.read_bytes()


async def test_cdn_404_is_not_found(client: MiniMaxClient, sandbox: Any, tmp_path: Path) -> None:
    with pytest.raises(E.NotFoundError):
        await client.download(f"{sandbox.cdn_url}/cdn/video/000.mp4", tmp_path / "x.mp4")
    assert list(tmp_path.iterdir()) == []
