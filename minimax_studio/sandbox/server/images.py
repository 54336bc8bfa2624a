"""images/create, images, images/{imageId} (images.md)."""

from __future__ import annotations

from aiohttp import web

from .. import rules
from ..core import ApiError
from ..jobs import make_image_jobs
from ..lookup import find_job
from ..views import image_json
from .common import (
    RouteTable,
    check_reply_fields,
    core_of,
    int_query,
    note_account,
    ok,
    query_account,
    read_fields,
    user_of,
)


async def create(request: web.Request) -> web.Response:
    core = core_of(request)
    body = rules.image_defaults(rules.coerce(await read_fields(request)))
    problem = rules.validate_image(body)
    if problem:
        raise ApiError(400, problem)
    check_reply_fields(body)
    given = body.get("account")
    # images/create: account required with several accounts (unlike videos/create).
    acc = core.account_for_endpoint(str(given) if given else None)
    note_account(request, acc.account)
    core.check_usable(acc)
    origin = [core.resolve_file(str(body[f]), acc.account, f)
              for f in rules.IMAGE_FILE_FIELDS if body.get(f)]
    credits = rules.image_credits(body)
    if acc.credits < credits:
        core.charge(acc, credits)  # raises 412
    if core.faults.moderated_at_create(str(body.get("prompt") or "")):
        raise ApiError(422, "Moderated prompt: Hailuo rejected this prompt, change it before retrying")
    core.charge(acc, credits)
    jobs = make_image_jobs(core, acc, user_of(request), body, origin, credits)
    out: dict[str, object] = {"imageIds": [j.composite_id for j in jobs]}
    if body.get("replyRef"):
        out["replyRef"] = body["replyRef"]
    return ok(out)


async def list_images(request: web.Request) -> web.Response:
    core = core_of(request)
    acc = core.account_for_endpoint(query_account(request))
    note_account(request, acc.account)
    limit = int_query(request, "limit", 30)
    items = sorted((j for j in core.state.jobs.values()
                    if j.kind == "image" and j.account == acc.account and not j.deleted),
                   key=lambda j: int(j.hailuo_id), reverse=True)
    last = request.query.get("lastImageId", "").strip()
    if last:
        last_id = last.rsplit("image:", 1)[-1]
        if not last_id.isdigit():
            raise ApiError(400, f"Invalid lastImageId {last!r}")
        items = [j for j in items if int(j.hailuo_id) < int(last_id)]
    return ok({"images": [image_json(core, j) for j in items[:limit]]})


async def get_image(request: web.Request) -> web.Response:
    core = core_of(request)
    # Soft-deleted images are still returned by id (images.md).
    job = find_job(core, request.match_info["imageId"], "image", user_of(request))
    note_account(request, job.account)
    return ok(image_json(core, job))


async def delete_image(request: web.Request) -> web.Response:
    core = core_of(request)
    try:
        job = find_job(core, request.match_info["imageId"], "image", user_of(request))
    except ApiError as exc:
        if exc.status == 404:
            return ok({})  # documented: 200 even when missing
        raise
    job.deleted = True  # soft delete: hidden from the list only
    core.dirty = True
    return ok({})


def register(routes: RouteTable) -> None:
    routes.add("POST", "images/create", create)
    routes.add("GET", "images", list_images)
    routes.add("GET", "images/{imageId}", get_image)
    routes.add("DELETE", "images/{imageId}", delete_image)
