"""scheduler, scheduler/available, scheduler/{id} (scheduler.md)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..core import ApiError, Core
from ..lifecycle import is_running
from ..state import MediaJob
from ..views import scheduler_entry
from .common import RouteTable, core_of, ok


def tracked(core: Core) -> list[MediaJob]:
    now = core.clock.now()
    jobs = [j for j in core.state.jobs.values()
            if j.tracked and not j.deleted and is_running(j, now)]
    return sorted(jobs, key=lambda j: j.created)


async def list_scheduler(request: web.Request) -> web.Response:
    core = core_of(request)
    return ok([scheduler_entry(core, j) for j in tracked(core)])


async def available(request: web.Request) -> web.Response:
    core = core_of(request)
    entries: list[dict[str, Any]] = []
    for acc in core.state.accounts.values():
        executing = len(core.running_videos(acc.account))  # images do not count
        free = acc.max_jobs - executing
        # Only accounts with a free slot are listed (inferred from useapi's script).
        if free > 0 and not acc.error:
            entries.append({"account": acc.account, "maxJobs": acc.max_jobs,
                            "executing": executing, "available": free})
    return ok({"executing": [scheduler_entry(core, j) for j in tracked(core)],
               "available": entries})


async def delete_tracked(request: web.Request) -> web.Response:
    core = core_of(request)
    raw = request.match_info["id"]
    job = core.state.jobs.get(raw)
    if job is None or all(j is not job for j in tracked(core)):
        raise ApiError(404, f"Unable to locate running {raw}")
    job.tracked = False  # frees the slot, no webhook; the generation itself goes on
    core.dirty = True
    return web.Response(status=204)


def register(routes: RouteTable) -> None:
    routes.add("GET", "scheduler", list_scheduler)
    routes.add("GET", "scheduler/available", available)
    routes.add("DELETE", "scheduler/{id}", delete_tracked)
