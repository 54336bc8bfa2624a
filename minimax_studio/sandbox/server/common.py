"""Request/response helpers shared by the route modules."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from ..core import ApiError, Core, Received

API_PREFIX = "/v1/minimax"
CORE: web.AppKey[Core] = web.AppKey("core", Core)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def core_of(request: web.Request) -> Core:
    return request.app[CORE]


def user_of(request: web.Request) -> str:
    return request[USER]


def ok(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status)


def error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message, "code": status}, status=status)


def note_account(request: web.Request, account: str | None) -> None:
    rec = request.get(RECEIVED)
    if rec is not None and account:
        rec.account = account


@dataclass
class Part:
    """A file sent in a multipart body (agent ``file`` fields)."""

    field: str
    filename: str
    content_type: str
    data: bytes


RECEIVED: web.RequestKey[Received] = web.RequestKey("received", Received)
USER: web.RequestKey[str] = web.RequestKey("user", str)
FIELDS: web.RequestKey[dict[str, Any]] = web.RequestKey("fields", dict[str, Any])
PARTS: web.RequestKey[list[Part]] = web.RequestKey("parts", list)


async def read_fields(request: web.Request) -> dict[str, Any]:
    """JSON object or form fields (multipart / urlencoded) as one dict. Repeated form
    fields keep the last value; file parts go to ``request["parts"]``. Cached."""
    if FIELDS in request:
        cached: dict[str, Any] = request[FIELDS]
        return dict(cached)
    fields: dict[str, Any] = {}
    parts: list[Part] = []
    ctype = request.content_type
    if ctype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                parts.append(Part(key, value.filename, value.content_type, value.file.read()))
            else:
                fields[key] = str(value)
    elif request.can_read_body:
        raw = await request.read()
        if raw.strip():
            try:
                data = json.loads(raw)
            except ValueError:
                raise ApiError(400, "Body is not valid JSON") from None
            if not isinstance(data, dict):
                raise ApiError(400, "Body must be a JSON object")
            fields = data
    request[FIELDS] = fields
    request[PARTS] = parts
    rec = request.get(RECEIVED)
    if rec is not None:
        summary: dict[str, Any] = dict(fields)
        if "token" in summary and isinstance(summary["token"], str):
            summary["token"] = "…secured…"  # never keep a credential in the request log
        for p in parts:
            summary.setdefault(p.field + "[]", []).append(
                {"filename": p.filename, "content_type": p.content_type, "size": len(p.data)})
        rec.body = summary
        if isinstance(fields.get("account"), str):
            rec.account = fields["account"]
    return dict(fields)


def parts_of(request: web.Request) -> list[Part]:
    return list(request.get(PARTS, []))


def query_account(request: web.Request) -> str | None:
    value = request.query.get("account", "").strip()
    return value or None


def int_query(request: web.Request, name: str, default: int, lo: int = 1,
              hi: int = 1000) -> int:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"Parameter {name} must be an integer") from None
    if not lo <= value <= hi:
        raise ApiError(400, f"Parameter {name} must be between {lo} and {hi}")
    return value


def check_reply_fields(body: dict[str, Any]) -> tuple[str | None, str | None]:
    reply_url = body.get("replyUrl") or None
    reply_ref = body.get("replyRef") or None
    for name, value in (("replyUrl", reply_url), ("replyRef", reply_ref)):
        if value is not None and (not isinstance(value, str) or len(value) > 1024):
            raise ApiError(400, f"{name} must be a string of at most 1024 characters")
    return reply_url, reply_ref


def max_jobs_param(body: dict[str, Any], required: bool = False) -> int | None:
    raw = body.get("maxJobs")
    if raw is None or raw == "":
        if required:
            raise ApiError(400, "maxJobs is required (1…10)")
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ApiError(400, "maxJobs must be an integer between 1 and 10") from None
    if isinstance(raw, float) and raw != value:
        raise ApiError(400, "maxJobs must be an integer between 1 and 10")
    if not 1 <= value <= 10:
        raise ApiError(400, "maxJobs must be between 1 and 10")
    return value


class RouteTable:
    """Registers each API path with and without the trailing slash (emulator-notes §1)."""

    def __init__(self, app: web.Application) -> None:
        self.app = app

    def add(self, method: str, path: str, handler: Handler) -> None:
        full = f"{API_PREFIX}/{path}"
        self.app.router.add_route(method, full, handler)
        self.app.router.add_route(method, full + "/", handler)
