"""Builds the aiohttp application: auth, request log and fault middleware + all routes."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from ..core import ApiError, Core, Received
from ..faults import STATUS_TEXT, Fault
from . import accounts, agent, cdn, control, files, images, scheduler, templates, videos
from .common import API_PREFIX, CORE, RECEIVED, USER, Handler, RouteTable, error, read_fields

MALFORMED = '{"videoId": "user:'  # a reply cut off mid-JSON
HTML_PAGE = ("<!DOCTYPE html><html><head><title>{status} Bad Gateway</title></head><body>"
             "<center><h1>{status} Bad Gateway</h1></center><hr><center>cloudflare</center>"
             "</body></html>")


def _endpoint(request: web.Request) -> str:
    """``videos/{videoId}`` for ``/v1/minimax/videos/user:1-…/`` (the fault key)."""
    resource = request.match_info.route.resource
    canonical = resource.canonical if resource is not None else request.path
    return canonical[len(API_PREFIX):].strip("/")


def _fault_response(fault: Fault) -> web.Response:
    if fault.body == "malformed":
        return web.Response(status=fault.status or 200, text=MALFORMED,
                            content_type="application/json")
    status = fault.status or 502
    if fault.body == "html":
        return web.Response(status=status, text=HTML_PAGE.format(status=status),
                            content_type="text/html")
    return error(status, fault.message or STATUS_TEXT.get(status, "Error"))


@web.middleware
async def api_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.path.startswith(API_PREFIX):
        return await handler(request)
    core = request.app[CORE]
    rec = Received(request.method, request.path, dict(request.query))
    core.received.append(rec)
    request[RECEIVED] = rec
    try:
        user = core.user_for(request.headers.get("Authorization"))
        if user is None:
            raise ApiError(401, "Unauthorized")
        request[USER] = user
        resp = await _with_faults(request, handler, core)
    except ApiError as exc:
        resp = error(exc.status, exc.message)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        text = "Not found" if exc.status == 404 else exc.reason
        resp = error(exc.status, text)
    rec.status = resp.status
    return resp


async def _with_faults(request: web.Request, handler: Handler, core: Core) -> web.StreamResponse:
    """Apply the matching fault, if any.

    Latency is a slow *reply*, not a slow arrival: when the fault lets the real work
    happen (latency only, or ``create_anyway``) the handler runs first - body read, job
    created - and only then do we sleep. That is what the real Hailuo does to a client
    that gives up waiting: the create it sent may have been accepted, and only a
    reconcile (list + match) can tell. Sleeping first would let a disconnect stop the
    handler from ever reading the body, so "timed out but created anyway" could never
    be tested. A pure error fault (a status without ``create_anyway``) does no work: its
    body is read for the request log, then it sleeps and answers the error."""
    fault = core.faults.take(_endpoint(request), request.method)
    if fault is None:
        return await handler(request)
    if fault.status is None and fault.body == "json":
        try:
            resp = await handler(request)  # latency only: the real reply, late
        except ApiError:
            await _sleep(fault.latency)  # an error reply is late too
            raise
        await _sleep(fault.latency)
        return resp
    if fault.create_anyway:
        try:
            await handler(request)  # the job exists although the caller hears an error
        except ApiError:
            pass
    elif request.content_type in ("application/json", "multipart/form-data"):
        try:
            await read_fields(request)  # keep the body in the request log
        except ApiError:
            pass
    await _sleep(fault.latency)
    return _fault_response(fault)


async def _sleep(seconds: float) -> None:
    if seconds:
        await asyncio.sleep(seconds)


def build_app(core: Core) -> web.Application:
    # 64 MB for JSON/multipart bodies (agent files); POST files streams and is not bound.
    app = web.Application(middlewares=[api_middleware], client_max_size=64 * 1024**2)
    app[CORE] = core
    routes = RouteTable(app)
    accounts.register(routes)
    files.register(routes)
    templates.register(routes)  # before videos/{videoId}
    videos.register(routes)
    images.register(routes)
    agent.register(routes)
    scheduler.register(routes)
    cdn.register(app)
    control.register(app)
    return app


def build_cdn_app(core: Core) -> web.Application:
    app = web.Application()
    app[CORE] = core
    cdn.register(app)
    return app


__all__: list[Any] = ["build_app", "build_cdn_app"]
