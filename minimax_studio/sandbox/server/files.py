"""files: raw-body uploads, the (retired) list, delete (files.md)."""

from __future__ import annotations

import os
from typing import Any

from aiohttp import web

from ..core import ApiError
from ..media import EXT_OF_MIME
from .common import (
    RECEIVED,
    RouteTable,
    core_of,
    int_query,
    note_account,
    ok,
    query_account,
    user_of,
)

ALLOWED_TYPES = tuple(EXT_OF_MIME)  # image/png, image/jpeg, audio/mpeg, audio/wav, video/mp4
CHUNK = 1 << 20


async def upload(request: web.Request) -> web.Response:
    core = core_of(request)
    acc = core.account_for_endpoint(query_account(request))
    note_account(request, acc.account)
    ctype = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
    rec = request.get(RECEIVED)
    if rec is not None:
        rec.body = {"content_type": ctype, "content_length": request.content_length}
    if ctype not in ALLOWED_TYPES:
        raise ApiError(400, f"Unsupported Content-Type {ctype or '(none)'}: use one of "
                            + ", ".join(ALLOWED_TYPES))
    limit = core.config.max_upload_bytes
    if request.content_length is not None and request.content_length > limit:
        raise ApiError(400, f"File is too large: the limit is {limit} bytes (5 GB)")
    hailuo_id = core.ids.hailuo_id(core.clock.now())
    disk_name = f"upload-{hailuo_id}.{EXT_OF_MIME[ctype]}"
    path = core.files_dir / disk_name
    size = 0
    try:
        with path.open("wb") as fh:
            async for chunk in request.content.iter_chunked(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise ApiError(400, f"File is too large: the limit is {limit} bytes (5 GB)")
                fh.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if size == 0:
        path.unlink(missing_ok=True)
        raise ApiError(400, "Empty body: send the raw bytes of the file")
    up = core.new_upload(acc.account, user_of(request), ctype, size, disk_name, hailuo_id)
    if rec is not None:
        rec.body["size"] = size
    ext = EXT_OF_MIME[ctype]
    return ok({"ossPath": core.cdn_url(f"file/{hailuo_id}.{ext}"), "fileID": up.file_id})


async def list_files(request: web.Request) -> web.Response:
    core = core_of(request)
    acc = core.account_for_endpoint(query_account(request))
    note_account(request, acc.account)
    limit = int_query(request, "limit", 10)
    if not core.config.list_uploads:
        # Upstream retired this in March 2025: it answers with no data (files.md).
        return ok([])
    items: list[dict[str, Any]] = []
    ups = sorted((u for u in core.state.uploads.values()
                  if u.account == acc.account and not u.deleted),
                 key=lambda u: u.created, reverse=True)
    for up in ups[:limit]:
        ext = EXT_OF_MIME.get(up.content_type, "bin")
        items.append({
            "file_id": up.file_id, "file_name": up.disk_name, "file_type": ext,
            "cdn_url": core.cdn_url(f"file/{up.hailuo_id}.{ext}"),
            "oss_path": f"upload/{up.disk_name}", "file_scene": 10, "file_status": 1,
        })
    return ok(items)


async def delete_file(request: web.Request) -> web.Response:
    core = core_of(request)
    up = core.state.uploads.get(request.match_info["fileID"])
    if up is not None and not up.deleted:
        up.deleted = True
        try:
            os.unlink(core.files_dir / up.disk_name)
        except OSError:
            pass
        core.dirty = True
    return ok({})  # documented: 200 even when the file does not exist


def register(routes: RouteTable) -> None:
    routes.add("POST", "files", upload)
    routes.add("GET", "files", list_files)
    routes.add("DELETE", "files/{fileID}", delete_file)
