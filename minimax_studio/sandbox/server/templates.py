"""videos/characters, videos/agent-templates, videos/agent-create (videos.md)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web

from minimax_studio.api.models import MediaStatus

from .. import rules
from ..core import ApiError, Core
from ..jobs import make_video_job
from ..lifecycle import final_at, progress
from ..views import video_json
from .common import (
    RouteTable,
    core_of,
    int_query,
    note_account,
    ok,
    query_account,
    read_fields,
    user_of,
)
from .videos import prepare_video

# Two templates: one driven by text, one by a picture. The list shape is documented;
# "inputs" (the single-template requirements) is not captured - our own shape.
TEMPLATES: list[dict[str, Any]] = [
    {"id": "1122334455667788", "title": "Cinematic Trailer", "name": "Trailer",
     "desc": "Turns a one-line idea into a short cinematic trailer", "aspectRatio": "16:9",
     "inputs": [{"name": "prompt", "type": "text", "required": True}], "tag": "Cinematic"},
    {"id": "1122334455667799", "title": "Photo Comes Alive", "name": "Alive",
     "desc": "Animates a portrait photo with a gentle smile and a wave", "aspectRatio": "9:16",
     "inputs": [{"name": "fileID", "type": "image", "required": True},
                {"name": "prompt", "type": "text", "required": False}], "tag": "Portrait"},
]
TEMPLATE_CREDITS = 25  # not published; priced like a Hailuo 01 video


def template_json(core: Core, t: dict[str, Any]) -> dict[str, Any]:
    asset = {
        "id": f"asset_{t['id']}", "desc": t["desc"],
        "coverURL": core.cdn_url(f"template/{t['id']}.jpg"),
        "videoURL": core.cdn_url(f"template/{t['id']}.mp4"),
        "status": MediaStatus.COMPLETED, "width": 256, "height": 144, "duration": 3, "resolution": 1,
        "title": t["title"], "agentTemplateID": t["id"], "agentTemplateName": t["name"],
        "downloadURL": core.cdn_url(f"template/{t['id']}.mp4"), "hasVoice": False,
        "modelID": "agent", "useOriginPrompt": False, "isBookmarked": False,
        "disableGenerateSimilar": False, "postStatus": 1, "userID": 1, "createType": 1,
        "promptImgURL": "", "aspectRatio": t["aspectRatio"],
        "tags": [{"type": "style", "tagIcon": "", "tagText": t["tag"]}],
        "humanCheckStatus": 1, "userIDStr": "1",
    }
    return {"id": t["id"], "createTime": 1750000000000, "videoAsset": asset,
            "like": {"likes": 42, "likeStatus": 0},
            "author": {"userID": "sandbox", "name": "MiniMax Sandbox", "avatar": ""},
            "cardType": 1, "tabID": "template"}


async def list_templates(request: web.Request) -> web.Response:
    core = core_of(request)
    acc = core.account_for_endpoint(query_account(request))
    note_account(request, acc.account)
    template_id = request.query.get("templateId")
    if template_id:
        t = next((t for t in TEMPLATES if t["id"] == template_id), None)
        if t is None:
            raise ApiError(400, f"Unknown templateId {template_id}")
        return ok({**template_json(core, t), "inputs": t["inputs"]})
    limit = int_query(request, "limit", 30)
    items = TEMPLATES
    last = request.query.get("lastId")
    if last:
        ids = [t["id"] for t in TEMPLATES]
        items = TEMPLATES[ids.index(last) + 1:] if last in ids else []
    return ok({"videoList": [template_json(core, t) for t in items[:limit]]})


async def characters(request: web.Request) -> web.Response:
    core = core_of(request)
    acc = core.account_for_endpoint(query_account(request))
    note_account(request, acc.account)
    page = int_query(request, "page", 1, 1, 10_000)
    size = int_query(request, "pageSize", 50)
    out = []
    for n, file_id in enumerate(acc.character_file_ids):
        up = core.state.uploads.get(file_id)
        if up is None or up.deleted:
            continue
        url = core.cdn_url(f"file/{up.hailuo_id}.png")
        out.append({"characterID": str(1234567890 + n), "characterType": 1,
                    "file": {"fileID": file_id, "cdnUrl": url, "promptImgUrl": url}})
    return ok(out[(page - 1) * size: page * size])


def _event(data: dict[str, Any]) -> bytes:
    return f"data: {json.dumps(data)}\n\n".encode()


async def agent_create(request: web.Request) -> web.StreamResponse:
    core = core_of(request)
    body = rules.coerce(await read_fields(request))
    template_id = str(body.get("templateId") or "")
    t = next((t for t in TEMPLATES if t["id"] == template_id), None)
    if t is None:
        raise ApiError(400, "templateId is required: one of GET videos/agent-templates"
                       if not template_id else f"Unknown templateId {template_id}")
    needs_image = any(i["type"] == "image" and i["required"] for i in t["inputs"])
    if needs_image and not body.get("fileID"):
        raise ApiError(400, f"fileID is required by template {template_id}")
    if body.get("fileID") and not body.get("ossPath"):
        raise ApiError(400, "ossPath is required when fileID is given (the ossPath from POST files)")
    if not needs_image and not body.get("prompt"):
        raise ApiError(400, f"prompt is required by template {template_id}")
    body.setdefault("prompt", t["desc"])
    body["model"] = f"agent-template:{template_id}"
    video_body = {k: v for k, v in body.items() if k != "ossPath"}
    acc, origin, _ = prepare_video(core, {**video_body, "templateId": template_id}, request)
    job = make_video_job(core, acc, user_of(request), video_body, origin, TEMPLATE_CREDITS,
                         template_id=template_id, aspect=t["aspectRatio"])
    # The event-stream message format is not captured: every event here is one
    # `data:` line holding the video object as GET videos/{videoId} would return it,
    # sent when status or percent changes; the last event is the final video.
    resp = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                       "Cache-Control": "no-cache", "Connection": "keep-alive"})
    await resp.prepare(request)
    last: tuple[int, int] | None = None
    while True:
        now = core.clock.now()
        p = progress(job, now)
        if (p.status, p.percent) != last:
            last = (p.status, p.percent)
            await resp.write(_event(video_json(core, job)))
        if p.final:
            break
        left = core.clock.real_seconds(final_at(job) - now)
        await asyncio.sleep(min(max(left, 0.01), 0.25))
    await resp.write_eof()
    return resp


def register(routes: RouteTable) -> None:
    routes.add("GET", "videos/characters", characters)
    routes.add("GET", "videos/agent-templates", list_templates)
    routes.add("POST", "videos/agent-create", agent_create)
