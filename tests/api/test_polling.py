"""Create-and-poll helpers: poll only while not final, short intervals first then longer,
back off on 429/502/504, every wait through the injected sleep."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from minimax_studio.api import errors as E
from minimax_studio.api.polling import (
    PollSchedule,
    PollTimeout,
    create_and_poll_agent,
    create_and_poll_images,
    create_and_poll_video,
    wait_for_video,
)
from minimax_studio.api.retry import RetryPolicy

from .helpers import AGENT_ID, IMAGE_ID, VIDEO_ID, Sleeps, json_response, make_client

SCHEDULE = PollSchedule(first=2.0, growth=2.0, steady=10.0, max_backoff=60.0)


def statuses(*steps: Any):  # type: ignore[no-untyped-def]
    """GET answers in turn: an int is a video/image status, a string an agent status, a
    tuple (http_status,) an error answer."""
    it: Iterator[Any] = iter(steps)

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.raw_path.decode()
        if request.method == "POST":
            if path.endswith("videos/create"):
                return json_response({"videoId": VIDEO_ID})
            if path.endswith("images/create"):
                return json_response({"imageIds": [IMAGE_ID]})
            return json_response({"jobId": AGENT_ID, "status": "started"})
        step = next(it)
        if isinstance(step, tuple):
            return json_response({"error": "busy", "code": step[0]}, step[0])
        if isinstance(step, str):
            return json_response({"jobId": AGENT_ID, "status": step})
        final = step in (2, 3, 5, 7, 14)
        return json_response({"videoId": VIDEO_ID, "imageId": IMAGE_ID, "status": step,
                              "statusFinal": final, "percent": 50})
    return handler


@pytest.mark.asyncio
async def test_polls_until_final_with_growing_intervals() -> None:
    sleeps = Sleeps()
    seen: list[int | None] = []
    client, rec = make_client(statuses(11, 0, 1, 12, 1, 1, 2))
    async with client:
        video = await wait_for_video(client, VIDEO_ID, sleep=sleeps, schedule=SCHEDULE,
                                     on_update=lambda v: seen.append(v.status))
    assert video.is_success
    assert seen == [11, 0, 1, 12, 1, 1, 2]
    assert sleeps.calls == [2.0, 4.0, 8.0, 10.0, 10.0, 10.0]
    assert len(rec.requests) == 7  # no poll after the final answer


@pytest.mark.asyncio
@pytest.mark.parametrize("final", [3, 5, 7, 14])
async def test_failed_and_moderated_are_final(final: int) -> None:
    client, rec = make_client(statuses(1, final))
    async with client:
        video = await wait_for_video(client, VIDEO_ID, sleep=Sleeps(), schedule=SCHEDULE)
    assert video.is_final and not video.is_success
    assert video.is_moderated is (final != 3)
    assert len(rec.requests) == 2


@pytest.mark.asyncio
async def test_busy_answers_back_off_then_recover() -> None:
    sleeps = Sleeps()
    # The client's own retries are off here so each busy answer reaches the poller.
    client, _ = make_client(statuses(1, (429,), (502,), (504,), 2), retry=RetryPolicy.never())
    async with client:
        video = await wait_for_video(client, VIDEO_ID, sleep=sleeps, schedule=SCHEDULE)
    assert video.is_success
    # Each busy answer doubles the wait, starting from the current interval (4 s).
    assert sleeps.calls == [2.0, 8.0, 16.0, 32.0]


@pytest.mark.asyncio
async def test_too_many_errors_in_a_row_raise_the_last() -> None:
    client, _ = make_client(statuses(*[(502,)] * 5), retry=RetryPolicy.never())
    async with client:
        with pytest.raises(E.SiteBusyError):
            await wait_for_video(client, VIDEO_ID, sleep=Sleeps(),
                                 schedule=PollSchedule(max_errors=3))


@pytest.mark.asyncio
async def test_not_found_is_not_swallowed() -> None:
    # A 404 on a video that existed is post-moderation: the caller must see it at once.
    client, rec = make_client(statuses(1, (404,)))
    async with client:
        with pytest.raises(E.NotFoundError):
            await wait_for_video(client, VIDEO_ID, sleep=Sleeps(), schedule=SCHEDULE)
    assert len(rec.requests) == 2


@pytest.mark.asyncio
async def test_max_wait() -> None:
    client, _ = make_client(statuses(*[1] * 50))
    async with client:
        with pytest.raises(PollTimeout, match="still running"):
            await wait_for_video(client, VIDEO_ID, sleep=Sleeps(),
                                 schedule=PollSchedule(first=5, steady=5, max_wait=30))


@pytest.mark.asyncio
async def test_create_and_poll_helpers() -> None:
    sleeps = Sleeps()
    client, rec = make_client(statuses(1, 2, 0, 2, "started", "completed"))
    async with client:
        video = await create_and_poll_video(client, {"prompt": "x"}, sleep=sleeps,
                                            schedule=SCHEDULE)
        images = await create_and_poll_images(client, {"prompt": "y"}, sleep=sleeps,
                                              schedule=SCHEDULE)
        job = await create_and_poll_agent(client, "make", ["hailuo-2.3"], sleep=sleeps,
                                          schedule=SCHEDULE)
    assert video.is_success and [i.status for i in images] == [2] and job.is_success
    assert [r.method for r in rec.requests].count("POST") == 3
    # Every wait went through the injected sleep (none of them really slept).
    assert sleeps.calls[0] == 2.0 and len(sleeps.calls) == 6
