"""Create-and-poll helpers (openai-python ``create_and_poll`` pattern).

Poll only while the job is not final; ask often at first (short jobs finish quickly and
the first status changes come early), then less often; back off harder when the service
says it is busy (429/502/504) or the connection drops. Every wait goes through
``Poller._sleep`` so a test can replace one function and run instantly.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import APIConnectionError, CapacityError, MiniMaxError, SiteBusyError
from .models import AgentJob, Image, Video

if TYPE_CHECKING:
    from .client import MiniMaxClient

T = TypeVar("T")
SleepFn = Callable[[float], Awaitable[object]]
UpdateFn = Callable[[Any], object]


@dataclass(frozen=True)
class PollSchedule:
    """Seconds between polls: ``first`` after the create, growing by ``growth`` up to
    ``steady``; transient errors double the wait up to ``max_backoff``."""

    first: float = 2.0
    growth: float = 1.5
    steady: float = 15.0
    max_backoff: float = 120.0
    #: Give up after this many transient errors in a row (the last error is raised).
    max_errors: int = 8
    #: Give up after this much total waiting (None: never). Measured as the sum of the
    #: sleeps, so it is exact with a fake sleep too.
    max_wait: float | None = None


#: useapi's scripts poll videos every 15-30 s; images and agent jobs finish sooner.
VIDEO_SCHEDULE = PollSchedule(first=3.0, steady=15.0)
IMAGE_SCHEDULE = PollSchedule(first=2.0, steady=8.0)
AGENT_SCHEDULE = PollSchedule(first=3.0, steady=10.0)


class PollTimeout(MiniMaxError):
    """The job was still running when ``max_wait`` ran out."""

    retryable = True


class Poller:
    def __init__(self, schedule: PollSchedule, sleep: SleepFn | None = None) -> None:
        self.schedule = schedule
        self._sleep_fn = sleep

    async def _sleep(self, seconds: float) -> None:
        """The only place this module waits."""
        await (self._sleep_fn or asyncio.sleep)(seconds)

    async def run(self, fetch: Callable[[], Awaitable[T]], is_final: Callable[[T], bool],
                  on_update: UpdateFn | None = None, *, what: str = "the job") -> T:
        s = self.schedule
        interval = s.first
        waited = 0.0
        errors = 0
        backoff = interval
        while True:
            try:
                item = await fetch()
            except (CapacityError, SiteBusyError, APIConnectionError):
                errors += 1
                if errors >= s.max_errors:
                    raise
                backoff = min(s.max_backoff, max(backoff, interval) * 2)
                waited += backoff
                self._check_wait(waited, what)
                await self._sleep(backoff)
                continue
            errors = 0
            backoff = interval
            if on_update is not None:
                on_update(item)
            if is_final(item):
                return item
            waited += interval
            self._check_wait(waited, what)
            await self._sleep(interval)
            interval = min(s.steady, interval * s.growth)

    def _check_wait(self, waited: float, what: str) -> None:
        limit = self.schedule.max_wait
        if limit is not None and waited > limit:
            raise PollTimeout(f"{what} was still running after {limit:.0f} s of waiting.")


async def wait_for_video(client: MiniMaxClient, video_id: str, *, sleep: SleepFn | None = None,
                         on_update: UpdateFn | None = None,
                         schedule: PollSchedule = VIDEO_SCHEDULE) -> Video:
    """Poll ``GET videos/{videoId}`` until ``statusFinal``; returns the final video.
    A 404 (post-moderation / deleted) is raised as ``NotFoundError``."""
    return await Poller(schedule, sleep).run(
        lambda: client.videos.get(video_id), lambda v: v.is_final, on_update,
        what=f"Video {video_id}")


async def wait_for_image(client: MiniMaxClient, image_id: str, *, sleep: SleepFn | None = None,
                         on_update: UpdateFn | None = None,
                         schedule: PollSchedule = IMAGE_SCHEDULE) -> Image:
    return await Poller(schedule, sleep).run(
        lambda: client.images.get(image_id), lambda i: i.is_final, on_update,
        what=f"Image {image_id}")


async def wait_for_agent(client: MiniMaxClient, job_id: str, *, sleep: SleepFn | None = None,
                         on_update: UpdateFn | None = None,
                         schedule: PollSchedule = AGENT_SCHEDULE) -> AgentJob:
    return await Poller(schedule, sleep).run(
        lambda: client.agent.get(job_id), lambda j: j.is_final, on_update,
        what=f"Agent job {job_id}")


async def create_and_poll_video(client: MiniMaxClient, body: Mapping[str, Any], *,
                                sleep: SleepFn | None = None, on_update: UpdateFn | None = None,
                                schedule: PollSchedule = VIDEO_SCHEDULE) -> Video:
    created = await client.videos.create(body)
    if not created.videoId:
        from .errors import MalformedResponseError

        raise MalformedResponseError("POST videos/create answered without a videoId.",
                                     endpoint="POST videos/create")
    poller = Poller(schedule, sleep)
    await poller._sleep(schedule.first)
    return await wait_for_video(client, created.videoId, sleep=sleep, on_update=on_update,
                                schedule=schedule)


async def create_and_poll_images(client: MiniMaxClient, body: Mapping[str, Any], *,
                                 sleep: SleepFn | None = None, on_update: UpdateFn | None = None,
                                 schedule: PollSchedule = IMAGE_SCHEDULE) -> list[Image]:
    created = await client.images.create(body)
    poller = Poller(schedule, sleep)
    await poller._sleep(schedule.first)
    return [await wait_for_image(client, image_id, sleep=sleep, on_update=on_update,
                                 schedule=schedule) for image_id in created.imageIds]


async def create_and_poll_agent(client: MiniMaxClient, prompt: str, models: Any, *,
                                sleep: SleepFn | None = None, on_update: UpdateFn | None = None,
                                schedule: PollSchedule = AGENT_SCHEDULE,
                                **create_kw: Any) -> AgentJob:
    job = await client.agent.create(prompt, models, async_=True, **create_kw)
    if job.is_final or not job.jobId:
        return job
    poller = Poller(schedule, sleep)
    await poller._sleep(schedule.first)
    return await wait_for_agent(client, job.jobId, sleep=sleep, on_update=on_update,
                                schedule=schedule)
