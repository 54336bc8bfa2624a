"""``/_sandbox/``: switches for a person or a test driving the sandbox over HTTP, plus the
benchmark helpers (``blob`` streams deterministic bytes, ``sink`` swallows uploads)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from typing import Any

from aiohttp import web

from ..core import Core
from .common import core_of
from .streaming import blob_reader, serve

HELP = """MiniMax Studio sandbox - a local emulator of the useapi.net MiniMax API v1.
Nothing here talks to the real service; the token it prints is for the sandbox only.

API:      {api}
CDN:      {cdn}/cdn/...

Control endpoints (no auth):
  GET    /_sandbox/                 this text
  GET    /_sandbox/faults           active faults and prompt keywords
  POST   /_sandbox/faults           JSON, one of:
           {{"endpoint": "videos/create", "status": 502, "times": 1, "create_anyway": true}}
           {{"endpoint": "*", "latency": 2.0}}
           {{"endpoint": "videos/{{videoId}}", "body": "malformed"}}   (or "html")
           {{"endpoint": "cdn", "drop_after": 1000, "times": 1}}
           {{"keywords": {{"moderate": ["blood"], "fail": ["explode"]}}}}
           {{"account": "<id>", "credits": 0}}   (412)   {{"account": "<id>", "error": "on hold"}} (596)
           {{"config": {{"list_uploads": true, "agent_max_running": 2}}}}
  DELETE /_sandbox/faults           remove every fault, reset keywords
  GET    /_sandbox/requests         API requests received so far (JSON)
  POST   /_sandbox/clock            {{"advance": 3600}} / {{"speed": 50}} / {{"pause": true}}
  GET    /_sandbox/blob/<n_bytes>   n deterministic bytes (byte i = i % 251), Range supported
  POST   /_sandbox/sink             consumes the body, answers {{"bytes": n}} (?sha256=1 adds a hash)

Prompt keywords (case-insensitive): sandbox:moderate (422 at create), sandbox:fail (job fails),
sandbox:face (ends moderated 7 "Face Detected"), sandbox:postmod (completes, then GET 404),
sandbox:slow (10x longer), sandbox:hang (agent job times out after 15 minutes).
"""


async def help_page(request: web.Request) -> web.Response:
    core = core_of(request)
    return web.Response(text=HELP.format(api=core.api_base, cdn=core.cdn_base))


def _bad(message: str) -> web.Response:
    return web.json_response({"error": message, "code": 400}, status=400)


def apply_control(core: Core, data: dict[str, Any]) -> dict[str, Any]:
    """One POST /_sandbox/faults body; raises ValueError with a readable message."""
    if "keywords" in data:
        kw = data["keywords"]
        if not isinstance(kw, dict):
            raise ValueError("keywords must be an object")
        for name, words in kw.items():
            if not hasattr(core.faults.keywords, name):
                raise ValueError(f"unknown keyword list {name!r}")
            setattr(core.faults.keywords, name, [str(w) for w in words])
        return {"keywords": asdict(core.faults.keywords)}
    if "config" in data:
        for name, value in dict(data["config"]).items():
            if not hasattr(core.config, name):
                raise ValueError(f"unknown config {name!r}")
            setattr(core.config, name, value)
        return {"config": asdict(core.config)}
    if "account" in data:
        acc = core.state.accounts.get(str(data["account"]))
        if acc is None:
            raise ValueError(f"unknown account {data['account']}")
        if "credits" in data:
            acc.credits = int(data["credits"])
        if "error" in data:
            acc.error = data["error"] or None
        if "paid" in data:
            acc.paid = bool(data["paid"])
        if "maxJobs" in data:
            acc.max_jobs = int(data["maxJobs"])
        core.dirty = True
        return {"account": acc.account, "credits": acc.credits, "error": acc.error,
                "paid": acc.paid, "maxJobs": acc.max_jobs}
    return asdict(core.faults.add_from_json(data))


async def add_fault(request: web.Request) -> web.Response:
    core = core_of(request)
    try:
        data = await request.json()
        if not isinstance(data, dict):
            raise ValueError("expected a JSON object")
        return web.json_response(apply_control(core, data), status=201)
    except (ValueError, TypeError) as exc:
        return _bad(str(exc))


async def list_faults(request: web.Request) -> web.Response:
    core = core_of(request)
    return web.json_response({"faults": core.faults.active(),
                              "keywords": asdict(core.faults.keywords)})


async def clear_faults(request: web.Request) -> web.Response:
    core_of(request).faults.clear()
    return web.Response(status=204)


async def requests_log(request: web.Request) -> web.Response:
    core = core_of(request)
    return web.json_response([asdict(r) for r in core.received], dumps=lambda o: json.dumps(o, default=str))


async def clock(request: web.Request) -> web.Response:
    core = core_of(request)
    try:
        data = await request.json()
        if "speed" in data:
            core.clock.set_speed(float(data["speed"]))
        if "advance" in data:
            core.clock.advance(float(data["advance"]))
        if data.get("pause") is True:
            core.clock.pause()
        if data.get("pause") is False:
            core.clock.resume()
    except (ValueError, TypeError, AttributeError) as exc:
        return _bad(str(exc))
    return web.json_response({"now": core.clock.now(), "speed": core.clock.speed,
                              "paused": core.clock.paused})


async def blob(request: web.Request) -> web.StreamResponse:
    core = core_of(request)
    try:
        size = int(request.match_info["size"])
    except ValueError:
        return _bad("size must be an integer number of bytes")
    if size < 0:
        return _bad("size must be >= 0")
    fault = core.faults.take("blob", request.method)
    return await serve(request, size=size, read=blob_reader(), content_type="application/octet-stream",
                       etag=f"blob-{size}", drop_after=fault.drop_after if fault else None)


async def sink(request: web.Request) -> web.Response:
    digest = hashlib.sha256() if request.query.get("sha256") else None
    total = 0
    async for chunk in request.content.iter_chunked(1 << 20):
        total += len(chunk)
        if digest is not None:
            digest.update(chunk)
    out: dict[str, Any] = {"bytes": total}
    if digest is not None:
        out["sha256"] = digest.hexdigest()
    return web.json_response(out)


def register(app: web.Application) -> None:
    app.router.add_get("/_sandbox/", help_page)
    app.router.add_get("/_sandbox", help_page)
    app.router.add_get("/_sandbox/faults", list_faults)
    app.router.add_post("/_sandbox/faults", add_fault)
    app.router.add_delete("/_sandbox/faults", clear_faults)
    app.router.add_get("/_sandbox/requests", requests_log)
    app.router.add_post("/_sandbox/clock", clock)
    app.router.add_get("/_sandbox/blob/{size}", blob)
    app.router.add_post("/_sandbox/sink", sink)
