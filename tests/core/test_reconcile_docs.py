"""Issue 9 case 11: reconcile works from the fields the docs show — prompt (``desc``), ids,
status, the scheduler's ``started`` — and is tested against replies shaped exactly like the
docs' examples (videos.md, images.md, scheduler.md), not the sandbox's richer records.
Videos carry no ``createTime`` in the docs, so no video is matched by a creation time.

The server here is an ``httpx.MockTransport`` answering with the docs' JSON; the client
and the reconciler are the real ones."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from minimax_studio.api.client import MiniMaxClient
from minimax_studio.api.retry import RetryPolicy
from minimax_studio.core.jobs import Job, JobKind, JobState
from minimax_studio.core.reconcile import Ambiguous, Reconciler

pytestmark = pytest.mark.asyncio

ACCOUNT = "account"
PROMPT = "a red fox in snow"
SENT = datetime(2024, 9, 25, 1, 55, 0, tzinfo=UTC)


def _vid(n: str) -> str:
    return f"user:user_id-minimax:{ACCOUNT}-video:{n}"


def _img(n: str) -> str:
    return f"user:user_id-minimax:{ACCOUNT}-image:{n}"


def docs_video(video_id: str, *, status: int = 2, desc: str = PROMPT) -> dict[str, Any]:
    """videos.md "Video object", field for field (no createTime, no modelID)."""
    n = video_id.rsplit(":", 1)[-1]
    return {"id": n, "desc": desc, "coverURL": "<cover url>", "videoURL": "<generated video with watermark url>",
            "downloadURL": "<generated video without watermark (paid accounts) url>", "status": status,
            "statusLabel": "completed" if status == 2 else "processing", "statusFinal": status == 2,
            "percent": 100 if status == 2 else 40, "width": 1300, "height": 760,
            "originFiles": [{"id": "user:user_id-minimax:account-file:file_id", "url": "<file url>", "type": "png"}],
            "canAppeal": False, "canRetry": False, "videoId": video_id}


def docs_scheduler_entry(video_id: str, started: datetime) -> dict[str, Any]:
    """scheduler.md ``GET scheduler`` element (ISO ``started``, as in every example)."""
    return {"videoId": video_id, "started": started.isoformat().replace("+00:00", "Z"),
            "elapsed": "03:57", "replyUrl": "<optional callback URL>", "replyRef": "<optional reference>"}


def docs_image(image_id: str, *, batch: str, created_ms: int) -> dict[str, Any]:
    """images.md "Image object" (trimmed of display-only fields; createTime/batchID kept)."""
    n = image_id.rsplit(":", 1)[-1]
    return {"id": n, "desc": PROMPT, "coverURL": "https://cdn.hailuoai.video/x.png",
            "videoURL": "https://cdn.hailuoai.video/x.png", "status": 2, "canRetry": False, "width": 0,
            "height": 0, "originFiles": [], "canAppeal": False, "downloadURL": "https://cdn.hailuoai.video/x.png",
            "modelID": "image-01", "createTime": created_ms, "batchID": batch, "aspectRatio": "9:16",
            "statusLabel": "completed", "statusFinal": True, "imageId": image_id}


def server(scheduler: list[dict[str, Any]], videos: dict[str, dict[str, Any]],
           images: list[dict[str, Any]] | None = None) -> Callable[[httpx.Request], httpx.Response]:
    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path.split("/v1/minimax/", 1)[1].rstrip("/")
        if path == "scheduler":
            body: Any = scheduler
        elif path == "videos":
            body = list(videos.values())  # GET videos: a JSON array, docs order
        elif path.startswith("videos/"):
            vid = path.split("/", 1)[1]
            if vid not in videos:
                return httpx.Response(404, json={"error": "Not found.", "code": 404})
            body = videos[vid]
        elif path == "images":
            body = images or []
        else:
            return httpx.Response(404, json={"error": "Not found.", "code": 404})
        return httpx.Response(200, content=json.dumps(body).encode(),
                              headers={"Content-Type": "application/json"})

    return handle


def lost(job_id: int, sent: datetime, kind: JobKind = JobKind.VIDEO, **request: Any) -> Job:
    """A job whose create call was sent at ``sent`` and whose answer never came."""
    req = {"model": "T2V-01" if kind is JobKind.VIDEO else "image-01", "prompt": PROMPT, **request}
    return Job(id=job_id, kind=kind, state=JobState.SUBMITTING, request=req, account=ACCOUNT,
               create_sent_at=sent)


def client_for(handler: Callable[[httpx.Request], httpx.Response]) -> MiniMaxClient:
    return MiniMaxClient("user:1234-abcdefghijklmnop", "https://api.useapi.net/v1/minimax",
                         transport=httpx.MockTransport(handler), retry=RetryPolicy.never())


async def test_running_same_prompt_videos_match_in_send_order_by_the_schedulers_started() -> None:
    first, second = _vid("111"), _vid("222")
    # Listed in the "wrong" order on purpose: only ``started`` may decide.
    handler = server([docs_scheduler_entry(second, SENT + timedelta(seconds=4)),
                      docs_scheduler_entry(first, SENT + timedelta(seconds=1))],
                     {first: docs_video(first, status=1), second: docs_video(second, status=1)})
    a, b = lost(1, SENT), lost(2, SENT + timedelta(seconds=3))
    async with client_for(handler) as client:
        rec = Reconciler(client)
        assert await rec.find(a, set(), [a, b]) == [first]
        assert await rec.find(b, set(), [a, b]) == [second]
        # After a claimed its own, b alone still gets the other one.
        assert await rec.find(b, {first}, [b]) == [second]


async def test_finished_same_prompt_videos_are_shared_out_one_each_without_a_creation_time() -> None:
    # Finished: no longer in the scheduler; GET videos lists them with no time at all.
    one, two = _vid("333"), _vid("444")
    handler = server([], {one: docs_video(one), two: docs_video(two)})
    a, b = lost(1, SENT), lost(2, SENT + timedelta(seconds=1))
    async with client_for(handler) as client:
        rec = Reconciler(client)
        got_a = await rec.find(a, set(), [a, b])
        got_b = await rec.find(b, set(), [a, b])
        assert sorted(got_a + got_b) == sorted([one, two])  # one each, never the same


async def test_look_alikes_with_no_time_are_not_guessed_between() -> None:
    # One lost job, two unclaimed videos with its prompt and no documented time: which one
    # this job made cannot be told. Unknown, for the user to check — never a guess.
    one, two = _vid("555"), _vid("666")
    handler = server([], {one: docs_video(one), two: docs_video(two)})
    job = lost(1, SENT)
    async with client_for(handler) as client:
        with pytest.raises(Ambiguous, match="cannot be told"):
            await Reconciler(client).find(job, set(), [job])
        # A video another job owns is not a candidate: the other one is then the match.
        assert await Reconciler(client).find(job, {one}, [job]) == [two]


async def test_a_video_with_another_prompt_or_outside_the_window_is_not_ours() -> None:
    mine, other, old = _vid("777"), _vid("888"), _vid("999")
    handler = server([docs_scheduler_entry(old, SENT - timedelta(hours=3)),
                      docs_scheduler_entry(other, SENT + timedelta(seconds=2))],
                     {old: docs_video(old, status=1), other: docs_video(other, status=1, desc="a cat"),
                      mine: docs_video(mine)})
    job = lost(1, SENT)
    async with client_for(handler) as client:
        assert await Reconciler(client, window=300).find(job, set(), [job]) == [mine]


async def test_the_docs_scheduler_example_with_an_image_id_in_videoId_is_read() -> None:
    # scheduler.md's example puts an *image* id in ``videoId``; the model also has imageId.
    image = _img("inN")
    handler = server([docs_scheduler_entry(image, SENT + timedelta(seconds=2))], {})

    def with_image_get(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith(f"images/{image}"):
            return httpx.Response(200, json=docs_image(image, batch="b1", created_ms=0))
        return handler(request)

    job = lost(1, SENT, JobKind.IMAGE)
    async with client_for(with_image_get) as client:
        assert await Reconciler(client).find(job, set(), [job]) == [image]


async def test_same_prompt_image_batches_match_in_send_order_by_createTime() -> None:
    ms = int(SENT.timestamp() * 1000)
    early = [_img("e1"), _img("e2")]
    late = [_img("l1"), _img("l2")]
    images = [docs_image(i, batch="late", created_ms=ms + 5000) for i in late] + \
             [docs_image(i, batch="early", created_ms=ms + 1000) for i in early]
    a, b = lost(1, SENT, JobKind.IMAGE, quantity=2), lost(2, SENT + timedelta(seconds=3), JobKind.IMAGE, quantity=2)
    async with client_for(server([], {}, images)) as client:
        rec = Reconciler(client)
        assert sorted(await rec.find(a, set(), [a, b])) == sorted(early)
        assert sorted(await rec.find(b, set(), [a, b])) == sorted(late)


async def test_an_old_unknown_job_with_the_same_prompt_does_not_make_todays_ambiguous() -> None:
    mine = _vid("1234")
    handler = server([docs_scheduler_entry(mine, SENT + timedelta(seconds=1))], {mine: docs_video(mine, status=1)})
    yesterday = lost(1, SENT - timedelta(days=1))
    yesterday.state = JobState.NEEDS_ATTENTION  # its create made nothing; left to the user
    today = lost(2, SENT)
    async with client_for(handler) as client:
        assert await Reconciler(client, window=300).find(today, set(), [yesterday, today]) == [mine]
