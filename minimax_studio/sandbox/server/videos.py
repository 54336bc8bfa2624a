"""videos/create, videos, videos/{videoId}, videos/cancel (videos.md)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .. import rules
from ..core import ApiError, Core
from ..jobs import make_video_job
from ..lookup import find_job, is_removed
from ..state import Account
from ..views import video_json
from .common import (
    RouteTable,
    check_reply_fields,
    core_of,
    int_query,
    max_jobs_param,
    note_account,
    ok,
    query_account,
    read_fields,
    user_of,
)


def prepare_video(core: Core, body: dict[str, Any], request: web.Request,
                  ) -> tuple[Account, list[dict[str, Any]], int]:
    """Shared by videos/create and videos/agent-create: pick the account, check the files
    and credits, moderate the prompt. Returns (account, originFiles, credits charged)."""
    check_reply_fields(body)
    max_jobs = max_jobs_param(body)
    given = body.get("account")
    acc = core.account_for_video(str(given) if given else None, max_jobs)
    note_account(request, acc.account)
    origin = [core.resolve_file(str(body[f]), acc.account, f)
              for f in rules.VIDEO_FILE_FIELDS if body.get(f)]
    credits = rules.video_credits(body) if "templateId" not in body else 25
    if acc.credits < credits:
        core.charge(acc, credits)  # raises 412
    if core.faults.moderated_at_create(str(body.get("prompt") or "")):
        raise ApiError(422, "Moderated prompt: Hailuo rejected this prompt, change it before retrying")
    core.charge(acc, credits)
    return acc, origin, credits


async def create(request: web.Request) -> web.Response:
    core = core_of(request)
    body = rules.video_defaults(rules.coerce(await read_fields(request)))
    problem = rules.validate_video(body)
    if problem:
        raise ApiError(400, problem)
    acc, origin, credits = prepare_video(core, body, request)
    job = make_video_job(core, acc, user_of(request), body, origin, credits)
    out: dict[str, Any] = {"videoId": job.composite_id, "id": job.hailuo_id}
    if job.reply_ref:
        out["replyRef"] = job.reply_ref
    return ok(out)


async def list_videos(request: web.Request) -> web.Response:
    core = core_of(request)
    acc = core.account_for_endpoint(query_account(request))
    note_account(request, acc.account)
    limit = int_query(request, "limit", 30)
    items = sorted((j for j in core.state.jobs.values()
                    if j.kind == "video" and j.account == acc.account
                    and not is_removed(core, j)),
                   key=lambda j: int(j.hailuo_id), reverse=True)
    last = request.query.get("lastVideoId", "").strip()
    if last:
        # The cursor may be the plain id or the composite videoId (not specified).
        last_id = last.rsplit("video:", 1)[-1]
        if not last_id.isdigit():
            raise ApiError(400, f"Invalid lastVideoId {last!r}")
        items = [j for j in items if int(j.hailuo_id) < int(last_id)]
    return ok([video_json(core, j, in_list=True) for j in items[:limit]])


async def get_video(request: web.Request) -> web.Response:
    core = core_of(request)
    job = find_job(core, request.match_info["videoId"], "video", user_of(request))
    note_account(request, job.account)
    return ok(video_json(core, job))


async def delete_video(request: web.Request) -> web.Response:
    core = core_of(request)
    try:
        job = find_job(core, request.match_info["videoId"], "video", user_of(request))
    except ApiError as exc:
        if exc.status == 404:
            return ok({})  # documented: 200 even if it does not exist
        raise
    job.deleted = True
    job.tracked = False
    core.dirty = True
    return ok({})


async def cancel(request: web.Request) -> web.Response:
    core = core_of(request)
    body = await read_fields(request)
    video_id = body.get("videoId")
    if not isinstance(video_id, str) or not video_id.strip():
        raise ApiError(400, "videoId is required")
    job = find_job(core, video_id, "video", user_of(request), missing=400)
    note_account(request, job.account)
    from ..lifecycle import progress

    now = core.clock.now()
    p = progress(job, now)
    if p.final:
        raise ApiError(400, f"Video {video_id} is not generating any more ({p.label})")
    job.cancelled_at = now
    core.dirty = True
    return ok({"videoId": job.composite_id, "cancelled": True})


def register(routes: RouteTable) -> None:
    routes.add("POST", "videos/create", create)
    routes.add("POST", "videos/cancel", cancel)
    routes.add("GET", "videos", list_videos)
    # videos/characters and videos/agent-templates are registered before this (templates.py)
    routes.add("GET", "videos/{videoId}", get_video)
    routes.add("DELETE", "videos/{videoId}", delete_video)
