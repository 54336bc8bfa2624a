"""The CDN stand-in: finished media and uploads under ``/cdn/...``, no auth, Range
support. Served on the API port and on a second "CDN" port so clients can prove they
never send their API token to a host other than the API's."""

from __future__ import annotations

import hashlib

from aiohttp import web

from minimax_studio.api.models import MediaStatus

from ..core import CdnHit, Core
from ..lifecycle import progress
from ..lookup import is_removed
from ..media import AUDIO, MIME, clip_for, read_resource, render_cover, render_image
from ..state import AgentJob, MediaJob
from .common import core_of
from .streaming import file_reader, serve

NOT_FOUND = "<html><body><h1>404 Not Found</h1></body></html>"


def _job_by_hid(core: Core, hid: str) -> MediaJob | None:
    for job in core.state.jobs.values():
        if job.hailuo_id == hid:
            return job
    return None


def _agent_attachment(core: Core, att_id: str) -> tuple[AgentJob, dict] | None:
    for job in core.state.agent_jobs.values():
        for spec in job.attachments:
            if spec["id"] == att_id:
                return job, spec
    return None


def _media_bytes(core: Core, kind: str, name: str) -> tuple[bytes, str] | None:
    stem, _, ext = name.rpartition(".")
    if kind in ("video", "cover", "image"):
        job = _job_by_hid(core, stem.removesuffix("_nowm"))
        if job is None or (is_removed(core, job) and kind != "image"):
            return None
        if progress(job, core.clock.now()).status != MediaStatus.COMPLETED:
            return None
        if kind == "video" and job.kind == "video":
            return read_resource(job.media_name), MIME["mp4"]
        if kind == "cover":
            return render_cover(job.prompt, job.aspect), MIME["jpeg"]
        if kind == "image" and job.kind == "image":
            return (render_image(job.prompt, job.width, job.height, job.media_name, job.model),
                    MIME[job.media_name])
        return None
    if kind == "template":
        from .templates import TEMPLATES

        t = next((t for t in TEMPLATES if t["id"] == stem), None)
        if t is None:
            return None
        if ext == "jpg":
            return render_cover(t["desc"], t["aspectRatio"]), MIME["jpeg"]
        return read_resource(clip_for(t["aspectRatio"]).name), MIME["mp4"]
    if kind == "agent":
        base = stem.removesuffix("_wm").removesuffix("_thumb")
        found = _agent_attachment(core, base)
        if found is None:
            return None
        agent_job, spec = found
        prompt = str(agent_job.request.get("prompt", ""))
        if stem.endswith("_thumb"):
            return render_cover(prompt, spec["aspect"]), MIME["jpeg"]
        if spec["kind"] == "video":
            return read_resource(clip_for(spec["aspect"]).name), MIME["mp4"]
        if spec["kind"] == "image":
            return render_image(prompt, spec["width"], spec["height"], "png", spec["model"]), MIME["png"]
        if spec["kind"] == "document":  # sandbox:oddattach: a tiny but real PDF
            return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf"
        file_name, mime, _ = AUDIO["mp3"]
        return read_resource(file_name), mime
    return None


async def media(request: web.Request) -> web.StreamResponse:
    core = core_of(request)
    kind, name = request.match_info["kind"], request.match_info["name"]
    hit = CdnHit(request.method, request.path, request.headers.get("Range"),
                 "Authorization" in request.headers)
    core.cdn_received.append(hit)
    fault = core.faults.take("cdn", request.method)
    drop_after = fault.drop_after if fault else None
    if fault and fault.latency:
        import asyncio

        await asyncio.sleep(fault.latency)
    if fault and fault.status:
        hit.status = fault.status
        return web.Response(status=fault.status, text=fault.message or "CDN error")
    if kind == "file":
        hid = name.rpartition(".")[0]
        up = next((u for u in core.state.uploads.values()
                   if u.hailuo_id == hid and not u.deleted), None)
        path = core.files_dir / up.disk_name if up else None
        if up is None or path is None or not path.exists():
            hit.status = 404
            return web.Response(status=404, text=NOT_FOUND, content_type="text/html")
        hit.status = 200
        return await serve(request, size=up.size, read=file_reader(str(path)),
                           content_type=up.content_type, etag=hid, drop_after=drop_after)
    found = _media_bytes(core, kind, name)
    if found is None:
        hit.status = 404
        return web.Response(status=404, text=NOT_FOUND, content_type="text/html")
    data, mime = found
    hit.status = 206 if request.headers.get("Range") else 200
    from .streaming import bytes_reader

    etag = hashlib.sha1(data).hexdigest()[:16]
    return await serve(request, size=len(data), read=bytes_reader(data), content_type=mime,
                       etag=etag, drop_after=drop_after)


def register(app: web.Application) -> None:
    app.router.add_get("/cdn/{kind}/{name}", media)
