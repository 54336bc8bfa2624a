"""agent, agent/{jobId}, agent/jobs (agent.md)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from ..clock import mmss
from ..core import ApiError
from ..ids import AGENT_JOB_RE
from ..jobs import make_agent_job
from ..lifecycle import agent_error, agent_expired, agent_final_at, agent_status
from ..views import agent_json
from .common import (
    RouteTable,
    check_reply_fields,
    core_of,
    note_account,
    ok,
    parts_of,
    read_fields,
    user_of,
)

NOT_FOUND = "Job not found or expired after 31 days"


def _flag(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


async def create(request: web.Request) -> web.Response:
    core = core_of(request)
    # Documented as multipart only; JSON is accepted too (without files) to be lenient.
    fields = await read_fields(request)
    prompt = str(fields.get("prompt") or "").strip()
    if not prompt:
        raise ApiError(400, "prompt is required: say what to make (a video, an image, a song)")
    raw_models = fields.get("models") or ""
    if isinstance(raw_models, list):
        models = [str(m).strip() for m in raw_models if str(m).strip()]
    else:
        models = [m.strip() for m in str(raw_models).split(",") if m.strip()]
    if not models:
        raise ApiError(400, "models is required: a comma-separated list such as hailuo-2.3,nano-banana-2")
    # The full list of agent model ids is not captured: any id is accepted.
    reply_url, reply_ref = check_reply_fields(fields)
    given = fields.get("account")
    acc = core.account_for_endpoint(str(given) if given else None)
    note_account(request, acc.account)
    core.check_usable(acc)
    if core.running_agent_jobs() >= core.config.agent_max_running:
        raise ApiError(429, "Too many agent jobs are running: wait for one to finish (or ~30 s) and retry")
    if core.faults.moderated_at_create(prompt):
        raise ApiError(422, "Moderated prompt: Hailuo rejected this prompt, change it before retrying")
    is_async = _flag(fields.get("async"))
    req: dict[str, Any] = {"prompt": prompt, "models": models, "async": is_async}
    files = [{"name": p.filename, "size": len(p.data), "type": p.content_type}
             for p in parts_of(request) if p.field == "file"]
    if files:
        req["file"] = files
    if reply_url:
        req["replyUrl"] = reply_url
    if reply_ref:
        req["replyRef"] = reply_ref
    job = make_agent_job(core, acc, user_of(request), req)
    if not is_async:
        # Synchronous: hold the request until the job ends (15-minute rule included).
        while agent_status(job, core.clock.now()) == "started":
            left = core.clock.real_seconds(agent_final_at(job) - core.clock.now())
            await asyncio.sleep(min(max(left, 0.01), 0.25))
        if agent_status(job, core.clock.now()) == "failed":
            return ok(agent_json(core, job), status=int(agent_error(job)["status"]))  # type: ignore[call-overload]
    return ok(agent_json(core, job))


async def get_job(request: web.Request) -> web.Response:
    core = core_of(request)
    job_id = request.match_info["jobId"]
    m = AGENT_JOB_RE.match(job_id)
    if not m:
        raise ApiError(400, f"Error: malformed agent job id {job_id!r}")
    if m.group(2) != user_of(request):
        raise ApiError(400, "Error: this job belongs to another user")
    job = core.state.agent_jobs.get(job_id)
    if job is None or agent_expired(job, core.clock.now()):
        raise ApiError(404, NOT_FOUND)
    note_account(request, job.account)
    return ok(agent_json(core, job))


async def running_jobs(request: web.Request) -> web.Response:
    core = core_of(request)
    now = core.clock.now()
    summary: dict[str, dict[str, int]] = {}
    executing: dict[str, list[dict[str, str]]] = {}
    for job in sorted(core.state.agent_jobs.values(), key=lambda j: j.created):
        if agent_status(job, now) != "started":
            continue
        executing.setdefault(job.account, []).append(
            {"jobId": job.job_id, "elapsed": mmss(now - job.created)})
    for account, jobs in executing.items():
        summary[account] = {"executing": len(jobs)}
    return ok({"accounts": list(core.state.accounts), "summary": summary, "executing": executing})


def register(routes: RouteTable) -> None:
    routes.add("POST", "agent", create)
    routes.add("GET", "agent/jobs", running_jobs)
    routes.add("GET", "agent/{jobId}", get_job)
