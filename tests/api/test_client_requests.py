"""The exact request every endpoint sends: method, raw path (ids with a raw ':'), query,
headers and body - asserted on an httpx.MockTransport because only there can we see the
bytes as they go on the wire."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from minimax_studio.api.client import MiniMaxClient
from minimax_studio.api.models import (
    Account,
    AgentJob,
    AgentJobs,
    AgentTemplates,
    Availability,
    Character,
    Features,
    FileInfo,
    Image,
    ImagesCreated,
    SchedulerEntry,
    UploadedFile,
    Video,
    VideoCreated,
)
from tests import media_files

from .helpers import (
    AGENT_ID,
    BASE,
    FILE_ID,
    IMAGE_ID,
    TOKEN,
    VIDEO_ID,
    json_response,
    make_client,
    path_of,
)

Call = Callable[[MiniMaxClient], Awaitable[Any]]
P = "/v1/minimax/"

VIDEO = {"videoId": VIDEO_ID, "id": "998877665544332211", "status": 2, "statusFinal": True,
         "videoURL": "https://cdn.hailuoai.video/a.mp4"}
IMAGE = {"imageId": IMAGE_ID, "status": 1, "statusFinal": False}
ACCOUNT = {"account": "555", "maxJobs": 2, "supportVideo": True}
AGENT = {"jobId": AGENT_ID, "status": "started", "created": "2025-11-23T12:34:56.789Z"}

# (name, call, method, raw path, query, JSON body sent or None, reply, reply status, model)
CASES: list[tuple[str, Call, str, str, dict[str, str], Any, Any, int, type | None]] = [
    ("accounts.create", lambda c: c.accounts.create(url="https://hailuoai.video/v3/x?a=1",
                                                    token="eyJhbGc.payload.sig", max_jobs=3),
     "POST", P + "accounts", {}, {"url": "https://hailuoai.video/v3/x?a=1",
                                  "token": "eyJhbGc.payload.sig", "maxJobs": 3},
     ACCOUNT, 201, Account),
    ("accounts.list", lambda c: c.accounts.list(), "GET", P + "accounts", {}, None,
     {"555": ACCOUNT}, 200, None),
    ("accounts.get", lambda c: c.accounts.get("555"), "GET", P + "accounts/555", {}, None,
     ACCOUNT, 200, Account),
    ("accounts.delete", lambda c: c.accounts.delete("555"), "DELETE", P + "accounts/555", {},
     None, None, 204, None),
    ("features.get", lambda c: c.features.get(account="555"), "GET", P + "features/",
     {"account": "555"}, None, {"totalCredits": 100}, 200, Features),
    ("files.list", lambda c: c.files.list(account="555", limit=5), "GET", P + "files/",
     {"account": "555", "limit": "5"}, None, [{"file_id": FILE_ID}], 200, None),
    ("files.delete", lambda c: c.files.delete(FILE_ID), "DELETE", P + "files/" + FILE_ID, {},
     None, None, 200, None),
    ("videos.create", lambda c: c.videos.create({"model": "T2V-2.3", "prompt": "cat",
                                                 "options": "768p-6sec", "account": "555"}),
     "POST", P + "videos/create", {}, {"model": "T2V-2.3", "prompt": "cat",
                                       "options": "768p-6sec", "account": "555"},
     {"videoId": VIDEO_ID}, 200, VideoCreated),
    ("videos.list", lambda c: c.videos.list(account="555", limit=10, last_video_id="42"),
     "GET", P + "videos/", {"account": "555", "limit": "10", "lastVideoId": "42"}, None,
     [VIDEO], 200, None),
    ("videos.get", lambda c: c.videos.get(VIDEO_ID), "GET", P + "videos/" + VIDEO_ID, {}, None,
     VIDEO, 200, Video),
    ("videos.delete", lambda c: c.videos.delete(VIDEO_ID), "DELETE", P + "videos/" + VIDEO_ID,
     {}, None, {}, 200, None),
    ("videos.cancel", lambda c: c.videos.cancel(VIDEO_ID), "POST", P + "videos/cancel", {},
     {"videoId": VIDEO_ID}, {}, 200, None),
    ("videos.characters", lambda c: c.videos.characters(account="555", page=2, page_size=10),
     "GET", P + "videos/characters/", {"account": "555", "page": "2", "pageSize": "10"}, None,
     [{"characterID": "1", "file": {"fileID": FILE_ID}}], 200, None),
    ("videos.agent_templates", lambda c: c.videos.agent_templates(account="555", limit=5,
                                                                  last_id="11"),
     "GET", P + "videos/agent-templates/", {"account": "555", "limit": "5", "lastId": "11"},
     None, {"videoList": [{"id": "12"}]}, 200, AgentTemplates),
    ("images.create", lambda c: c.images.create({"model": "image-01", "prompt": "dog",
                                                 "quantity": 2}),
     "POST", P + "images/create", {}, {"model": "image-01", "prompt": "dog", "quantity": 2},
     {"imageIds": [IMAGE_ID, IMAGE_ID + "2"]}, 200, ImagesCreated),
    ("images.list", lambda c: c.images.list(account="555", limit=3, last_image_id="9"), "GET",
     P + "images/", {"account": "555", "limit": "3", "lastImageId": "9"}, None,
     {"images": [IMAGE]}, 200, None),
    ("images.get", lambda c: c.images.get(IMAGE_ID), "GET", P + "images/" + IMAGE_ID, {}, None,
     IMAGE, 200, Image),
    ("images.delete", lambda c: c.images.delete(IMAGE_ID), "DELETE", P + "images/" + IMAGE_ID,
     {}, None, None, 200, None),
    ("agent.get", lambda c: c.agent.get(AGENT_ID), "GET", P + "agent/" + AGENT_ID, {}, None,
     AGENT, 200, AgentJob),
    ("agent.jobs", lambda c: c.agent.jobs(), "GET", P + "agent/jobs", {}, None,
     {"accounts": ["555"], "summary": {"555": {"executing": 1}},
      "executing": {"555": [{"jobId": AGENT_ID, "elapsed": "00:10"}]}}, 200, AgentJobs),
    ("scheduler.list", lambda c: c.scheduler.list(), "GET", P + "scheduler/", {}, None,
     [{"videoId": VIDEO_ID, "started": "2024-09-25T01:55:16.128Z", "elapsed": "03:57"}], 200,
     None),
    ("scheduler.available", lambda c: c.scheduler.available(), "GET",
     P + "scheduler/available", {}, None,
     {"executing": [], "available": [{"account": "555", "maxJobs": 3, "executing": 1,
                                      "available": 2}]}, 200, Availability),
    ("scheduler.delete", lambda c: c.scheduler.delete(VIDEO_ID), "DELETE",
     P + "scheduler/" + VIDEO_ID, {}, None, None, 204, None),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("name", "call", "method", "path", "query", "body", "reply", "status",
                          "model"), CASES, ids=[c[0] for c in CASES])
async def test_endpoint_sends_exact_request(name: str, call: Call, method: str, path: str,
                                            query: dict[str, str], body: Any, reply: Any,
                                            status: int, model: type | None) -> None:
    client, rec = make_client(lambda r: json_response(reply, status) if reply is not None
                              else httpx.Response(status))
    async with client:
        result = await call(client)
    assert len(rec.requests) == 1
    req = rec.last
    assert req.method == method
    assert path_of(req) == path.encode()  # ':' raw, never %3A
    assert b"%3A" not in req.url.raw_path
    assert dict(req.url.params) == query
    assert req.headers["Authorization"] == f"Bearer {TOKEN}"
    if body is None:
        assert req.content == b""
    else:
        assert req.headers["Content-Type"] == "application/json"
        assert json.loads(req.content) == body
    if model is not None:
        assert isinstance(result, model)


@pytest.mark.asyncio
async def test_list_answers_become_typed_lists() -> None:
    replies = {"/accounts": {"555": {"maxJobs": 2}, "777": dict(ACCOUNT, account="777")},
               "/videos/": [VIDEO], "/images/": {"images": [IMAGE]},
               "/scheduler/": [{"imageId": IMAGE_ID, "started": 1727229316128}],
               "/files/": [{"file_id": FILE_ID, "file_scene": "10"}],
               "/videos/characters/": [{"characterID": 5, "file": {"fileID": FILE_ID}}]}

    def reply(req: httpx.Request) -> httpx.Response:
        return json_response(replies[path_of(req).decode().removeprefix("/v1/minimax")])

    client, _ = make_client(reply)
    async with client:
        accounts = await client.accounts.list()
        videos = await client.videos.list()
        images = await client.images.list()
        entries = await client.scheduler.list()
        files = await client.files.list()
        chars = await client.videos.characters()
    # An entry without "account" takes its key: the list stays usable.
    assert [a.account for a in accounts] == ["555", "777"]
    assert all(isinstance(a, Account) for a in accounts)
    assert videos[0].videoId == VIDEO_ID and videos[0].best_url == VIDEO["videoURL"]
    assert isinstance(images[0], Image) and not images[0].is_final
    assert isinstance(entries[0], SchedulerEntry) and entries[0].job_id == IMAGE_ID
    assert entries[0].started_at is not None and entries[0].started_at.year == 2024
    assert isinstance(files[0], FileInfo) and files[0].file_scene == 10
    assert isinstance(chars[0], Character) and chars[0].characterID == "5"


@pytest.mark.asyncio
async def test_path_ids_keep_colon_raw_but_cannot_escape_the_route() -> None:
    client, rec = make_client(lambda r: json_response(VIDEO))
    async with client:
        await client.videos.get("user:1-minimax:2-video:3")
        await client.videos.get("odd/id?x=1#frag")
    assert rec.requests[0].url.raw_path == b"/v1/minimax/videos/user:1-minimax:2-video:3"
    assert str(rec.requests[0].url) == BASE + "/videos/user:1-minimax:2-video:3"
    assert rec.requests[1].url.raw_path == b"/v1/minimax/videos/odd%2Fid%3Fx=1%23frag"


@pytest.mark.asyncio
async def test_upload_sends_raw_file_bytes_with_sniffed_type(tmp_path: Path) -> None:
    path = media_files.webp(tmp_path / "photo.webp")
    client, rec = make_client(lambda r: json_response({"fileID": FILE_ID, "ossPath": "oss/x"}))
    seen: list[tuple[int, int | None]] = []
    async with client:
        up = await client.files.upload(path, account="555", progress=lambda s, t: seen.append((s, t)))
    req = rec.last
    assert (req.method, path_of(req)) == ("POST", b"/v1/minimax/files/")
    assert dict(req.url.params) == {"account": "555"}
    assert req.headers["Content-Type"] == "image/jpeg"  # webp goes as image/jpeg (files.md)
    assert req.headers["Content-Length"] == str(path.stat().st_size)
    assert req.headers["Authorization"] == f"Bearer {TOKEN}"
    assert req.content == path.read_bytes()  # raw body, not multipart
    assert isinstance(up, UploadedFile) and up.fileID == FILE_ID
    assert seen[-1] == (path.stat().st_size, path.stat().st_size)


@pytest.mark.asyncio
async def test_agent_create_is_multipart_with_repeated_file_fields(tmp_path: Path) -> None:
    a = media_files.png(tmp_path / "a.png")
    b = media_files.jpeg(tmp_path / "b.jpg")
    client, rec = make_client(lambda r: json_response(AGENT))
    async with client:
        job = await client.agent.create("generate an image", ["hailuo-2.3", "nano-banana-2"],
                                        files=[a, b], async_=True, account="555",
                                        reply_ref="ref-1")
    req = rec.last
    assert (req.method, path_of(req)) == ("POST", b"/v1/minimax/agent")
    assert req.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    fields = _multipart_fields(req)
    assert [n for n, _, _ in fields] == ["prompt", "models", "async", "account", "replyRef",
                                         "file", "file"]
    values = {n: v for n, _, v in fields if n != "file"}
    assert values == {"prompt": b"generate an image", "models": b"hailuo-2.3,nano-banana-2",
                      "async": b"true", "account": b"555", "replyRef": b"ref-1"}
    files = [(fn, v) for n, fn, v in fields if n == "file"]
    assert files == [("a.png", a.read_bytes()), ("b.jpg", b.read_bytes())]
    assert isinstance(job, AgentJob) and job.jobId == AGENT_ID


@pytest.mark.asyncio
async def test_agent_create_without_files_is_still_multipart() -> None:
    client, rec = make_client(lambda r: json_response(AGENT))
    async with client:
        await client.agent.create("make a song", "music-2.0", async_=False)
    assert rec.last.headers["Content-Type"].startswith("multipart/form-data")
    assert [(n, v) for n, _, v in _multipart_fields(rec.last)] == [
        ("prompt", b"make a song"), ("models", b"music-2.0"), ("async", b"false")]


def _multipart_fields(req: httpx.Request) -> list[tuple[str, str | None, bytes]]:
    boundary = req.headers["Content-Type"].split("boundary=", 1)[1].encode()
    out = []
    for part in req.content.split(b"--" + boundary)[1:-1]:
        head, _, value = part.strip(b"\r\n").partition(b"\r\n\r\n")
        name = re.search(rb'name="([^"]*)"', head)
        fname = re.search(rb'filename="([^"]*)"', head)
        assert name is not None
        out.append((name.group(1).decode(), fname.group(1).decode() if fname else None, value))
    return out


@pytest.mark.asyncio
async def test_agent_create_stream_returns_last_video_and_reports_every_event() -> None:
    events = [dict(VIDEO, status=11, statusFinal=False), dict(VIDEO, status=1, percent=40,
                                                               statusFinal=False),
              dict(VIDEO, status=2, statusFinal=True)]
    stream = b": keep-alive\n\n" + b"".join(
        b"event: progress\ndata: " + json.dumps(e).encode() + b"\n\n" for e in events)
    client, rec = make_client(lambda r: httpx.Response(
        200, content=stream, headers={"Content-Type": "text/event-stream"}))
    seen: list[Any] = []
    async with client:
        video = await client.videos.agent_create(
            {"templateId": "12", "fileID": FILE_ID, "ossPath": "oss/x"}, on_event=seen.append)
    req = rec.last
    assert (req.method, path_of(req)) == ("POST", b"/v1/minimax/videos/agent-create")
    assert json.loads(req.content) == {"templateId": "12", "fileID": FILE_ID, "ossPath": "oss/x"}
    assert req.headers["Authorization"] == f"Bearer {TOKEN}"
    assert [e["status"] for e in seen] == [11, 1, 2]
    assert isinstance(video, Video) and video.is_success and video.videoId == VIDEO_ID


@pytest.mark.asyncio
async def test_agent_create_tolerates_plain_json_and_text_events() -> None:
    # The endpoint's first version answered plain JSON; unknown text events are skipped.
    client, _ = make_client(lambda r: json_response(VIDEO))
    async with client:
        assert (await client.videos.agent_create({"templateId": "1"})).videoId == VIDEO_ID
    stream = b"data: starting\n\ndata: {\"videoId\": \"" + VIDEO_ID.encode() + b"\", \"status\": 1}"
    client, _ = make_client(lambda r: httpx.Response(
        200, content=stream, headers={"Content-Type": "text/event-stream; charset=utf-8"}))
    async with client:
        video = await client.videos.agent_create({"templateId": "1"})
    assert video.status == 1 and not video.is_final


@pytest.mark.asyncio
async def test_agent_create_error_event_becomes_typed_error() -> None:
    from minimax_studio.api.errors import ModeratedError

    stream = b'data: {"error": "Moderated prompt", "code": 422}\n\n'
    client, _ = make_client(lambda r: httpx.Response(
        200, content=stream, headers={"Content-Type": "text/event-stream"}))
    async with client:
        with pytest.raises(ModeratedError, match="Moderated prompt"):
            await client.videos.agent_create({"templateId": "1"})


def test_base_url_default_env_and_argument(monkeypatch: pytest.MonkeyPatch) -> None:
    assert MiniMaxClient(TOKEN).base_url == "https://api.useapi.net/v1/minimax"
    monkeypatch.setenv("MINIMAX_STUDIO_API_URL", "http://127.0.0.1:9/v1/minimax/")
    assert MiniMaxClient(TOKEN).base_url == "http://127.0.0.1:9/v1/minimax"
    assert MiniMaxClient(TOKEN, "http://example.test/v1/minimax").base_url == \
        "http://example.test/v1/minimax"


@pytest.mark.asyncio
async def test_one_http_client_for_every_call() -> None:
    client, _ = make_client(lambda r: json_response(VIDEO))
    http = client._http
    async with client:
        await client.videos.get(VIDEO_ID)
        await client.videos.get(VIDEO_ID)
        assert client._http is http
    assert client.is_closed
