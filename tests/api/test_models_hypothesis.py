"""Whatever JSON the service sends, parsing either succeeds or raises one of our typed
errors - never a pydantic ValidationError, KeyError or TypeError that would surface as a
traceback. The model helpers (best_url, is_final, started_at ...) never crash either."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minimax_studio.api import models as M
from minimax_studio.api.client import parse_sse
from minimax_studio.api.errors import MiniMaxError, error_from_response
from minimax_studio.api.retry import RetryPolicy

from .helpers import AGENT_ID, IMAGE_ID, VIDEO_ID, make_client

scalars = (st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20))
KEYS = ["status", "statusFinal", "videoId", "imageId", "percent", "width", "started", "jobId",
        "response", "attachments", "file", "extra", "error", "executing", "available",
        "videoList", "imageIds", "jwt", "user", "originFiles", "summary", "accounts",
        "modelControl", "request", "node", "agentFile", "downloadURL", "videoURL", "created",
        "createTime", "maxJobs", "exp", "images", "videoAsset", "code", "account"]
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), children, max_size=6),
    max_leaves=25,
)
objects = st.dictionaries(st.sampled_from(KEYS), json_values, max_size=8)

MODELS = [M.Account, M.Features, M.UploadedFile, M.FileInfo, M.Video, M.VideoCreated, M.Image,
          M.ImagesCreated, M.Character, M.SchedulerEntry, M.Availability, M.AccountCapacity,
          M.AgentJob, M.AgentJobs, M.AgentAttachment, M.AgentTemplates, M.AgentTemplate, M.Jwt]

PROPS = ["best_url", "is_final", "is_success", "is_moderated", "media_status", "created_at",
         "started_at", "job_id", "is_video", "error_message", "attachments", "kind",
         "running_ids", "expires_at"]


def _touch(obj: Any) -> None:
    for name in PROPS:
        if hasattr(type(obj), name):
            getattr(obj, name)
    if isinstance(obj, M.AgentJob):
        for att in obj.attachments:
            _touch(att)
    repr(obj)
    obj.model_dump(mode="json")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=json_values | objects, model=st.sampled_from(MODELS))
def test_parse_any_json(data: Any, model: type[M.APIModel]) -> None:
    try:
        obj = M.parse(model, data)
    except MiniMaxError:
        return
    _touch(obj)


@settings(max_examples=60, deadline=None)
@given(data=json_values)
def test_parse_list_any_json(data: Any) -> None:
    for model in (M.Video, M.SchedulerEntry):
        try:
            items = M.parse_list(model, data, key="images")
        except MiniMaxError:
            continue
        for item in items:
            _touch(item)


@settings(max_examples=100, deadline=None)
@given(value=json_values)
def test_parse_time_never_crashes(value: Any) -> None:
    M.parse_time(value)
    M.MediaStatus.of(value) if not isinstance(value, dict | list) else None


@settings(max_examples=100, deadline=None)
@given(status=st.integers(min_value=100, max_value=999), body=json_values)
def test_error_from_response_any_body(status: int, body: Any) -> None:
    err = error_from_response(status, body)
    assert isinstance(err, MiniMaxError) and err.message


CALLS = [
    lambda c: c.accounts.list(), lambda c: c.accounts.get("1"), lambda c: c.features.get(),
    lambda c: c.files.list(), lambda c: c.videos.list(), lambda c: c.videos.get(VIDEO_ID),
    lambda c: c.videos.create({"prompt": "x"}), lambda c: c.videos.characters(),
    lambda c: c.videos.agent_templates(), lambda c: c.videos.agent_templates(template_id="1"),
    lambda c: c.videos.agent_create({"templateId": "1"}), lambda c: c.videos.cancel(VIDEO_ID),
    lambda c: c.images.create({"prompt": "x"}), lambda c: c.images.list(),
    lambda c: c.images.get(IMAGE_ID), lambda c: c.agent.create("x", ["m"]),
    lambda c: c.agent.get(AGENT_ID), lambda c: c.agent.jobs(), lambda c: c.scheduler.list(),
    lambda c: c.scheduler.available(), lambda c: c.files.upload(b"\x89PNG\r\n\x1a\n0000"),
]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=json_values | objects, status=st.sampled_from([200, 200, 201, 400, 404, 429, 596]),
       call=st.sampled_from(CALLS), sse=st.booleans())
def test_every_endpoint_with_any_answer(data: Any, status: int, call: Any, sse: bool) -> None:
    payload = json.dumps(data).encode()
    if sse:
        payload = b"data: " + payload + b"\n\n"
    headers = {"Content-Type": "text/event-stream" if sse else "application/json"}

    async def run() -> None:
        client, _ = make_client(lambda r: httpx.Response(status, content=payload, headers=headers),
                                retry=RetryPolicy.never())
        async with client:
            try:
                result = await call(client)
            except MiniMaxError as exc:
                assert exc.message
                return
        for item in result if isinstance(result, list) else [result]:
            if isinstance(item, M.APIModel):
                _touch(item)

    asyncio.run(run())


@settings(max_examples=100, deadline=None)
@given(lines=st.lists(st.text(max_size=30) | st.sampled_from(["", "data: {}", "data: [1]",
                                                              "event: x", ": c", "data:"]),
                      max_size=12))
def test_sse_reader_any_lines(lines: list[str]) -> None:
    async def run() -> list[Any]:
        async def gen():  # type: ignore[no-untyped-def]
            for line in lines:
                yield line
        return [e async for e in parse_sse(gen())]

    for event in asyncio.run(run()):
        assert event.data is not None


@pytest.mark.parametrize("started", ["2024-09-25T01:55:16.128Z", 1727229316.128, 1727229316128])
def test_started_as_iso_or_number(started: Any) -> None:
    entry = M.parse(M.SchedulerEntry, {"videoId": VIDEO_ID, "started": started})
    assert entry.started_at is not None and entry.started_at.year == 2024
