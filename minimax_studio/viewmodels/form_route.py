"""The route half of ``FormModel`` (a mixin sharing the form's state and signals): which
account the current request would run on, kept up to date as jobs start and end and as the
account board changes, and whether no account could ever run it (then Generate is
disabled with the reason and a one-click fix instead of making a "Not sent" job).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from typing import TYPE_CHECKING, Any, Protocol

from minimax_studio.core.routing import RoutePreview
from minimax_studio.viewmodels.error_words import human_error

if TYPE_CHECKING:
    from minimax_studio.core.jobs import Job, JobEvent, JobKind

__all__ = ["FIX_ACCOUNTS", "FIX_ADD_ACCOUNT", "FormEngine", "RouteFollowing", "discard"]


class FormEngine(Protocol):
    """What a form needs from ``core.engine.Engine``: the route a request would take,
    submitting it, and the job events (progress of its uploads, capacity moving)."""

    async def preview_route(self, kind: JobKind | str,
                            request: dict[str, Any]) -> RoutePreview: ...
    async def submit(self, kind: JobKind | str, request: dict[str, Any]) -> Job: ...
    def events(self) -> AsyncIterator[JobEvent]: ...

#: What the button next to a blocked Generate does.
FIX_ADD_ACCOUNT = "add_account"
FIX_ACCOUNTS = "accounts"


class RouteFollowing:
    """Route preview, its blocker and the engine-event listener of a form."""

    _engine: FormEngine | None
    _closed: bool
    _problems: dict[str, str]
    _route: str
    _route_block: tuple[str, str] | None
    _route_timer: Any
    _listener: asyncio.Future[None] | None
    _my_jobs: set[int]
    _last_job: int | None
    kind: str
    routeChanged: Any
    lastJobChanged: Any

    def start(self, key: str, coro: Any) -> Any:
        raise NotImplementedError

    def build_request(self) -> dict[str, Any]:
        raise NotImplementedError

    def _update_blocker(self) -> None:
        raise NotImplementedError

    def set_upload_progress(self, percent: int | None, field: str | None = None) -> None:
        raise NotImplementedError

    def refresh_route(self) -> None:
        """Ask again now which account would run the current request (F5): capacity moves
        while the form sits still."""
        self._route_timer.stop()
        self._refresh_route()

    def accounts_changed(self) -> None:
        """The account board changed (added, removed, credits, on hold): ask the server
        again now rather than when the router's cached list runs out."""
        if self._closed or self._engine is None:
            return
        self._route_timer.stop()
        self.start("route", self._forced_route())

    async def _forced_route(self) -> None:
        router = getattr(self._engine, "router", None)
        if router is not None:
            try:
                await router.refresh(force=True)
            except Exception:  # the preview below says what went wrong
                pass
        if not self._problems:
            await self._route_preview(self.build_request())

    def _refresh_route(self) -> None:
        if self._closed:
            return
        if self._engine is None or self._problems:
            self._set_route("")
            return
        self._ensure_listening()
        self.start("route", self._route_preview(self.build_request()))

    def _route_soon(self) -> None:
        """Capacity moved (a job started or ended somewhere): re-ask shortly, at most once
        per debounce interval however many events arrive."""
        if not self._closed and self._engine is not None and not self._route_timer.isActive():
            self._route_timer.start()

    async def _route_preview(self, body: dict[str, Any]) -> None:
        engine = self._engine
        if engine is None:  # disconnected meanwhile: set_engine cleared the line already
            return
        try:
            preview = await engine.preview_route(self.kind, body)
        except Exception as e:  # a preview is advice; never block the form on it
            self._set_route(f"The account will be chosen when you press Generate "
                            f"({human_error(e).rstrip('.')}).")
            self._set_route_block(None)
            return
        block = self._block_of(preview)
        self._set_route_block(block)
        if block is not None:  # the warning under Generate says it; once is enough
            self._set_route("")
            return
        if not isinstance(preview, RoutePreview):  # a stand-in engine's plain answer
            preview = RoutePreview(getattr(preview, "account", None),
                                   getattr(preview, "reason", "") or "", None)
        self._set_route(preview.sentence())

    def _block_of(self, preview: Any) -> tuple[str, str] | None:
        """(sentence, fix) when the preview says no account could ever run the request."""
        if not getattr(preview, "blocked", False):
            return None
        accounts = getattr(getattr(self._engine, "router", None), "accounts", None)
        if not accounts:
            return ("No Hailuo account yet — add one to generate.", FIX_ADD_ACCOUNT)
        reason = str(getattr(preview, "reason", "") or "No account can run this job.")
        return (reason, FIX_ACCOUNTS)

    def _set_route_block(self, block: tuple[str, str] | None) -> None:
        if block != self._route_block:
            self._route_block = block
            self._update_blocker()

    def _set_route(self, text: str) -> None:
        if text != self._route:
            self._route = text
            self.routeChanged.emit(text)

    def _ensure_listening(self) -> None:
        if self._closed or self._engine is None:
            return
        if self._listener is None or self._listener.done():
            coro = self._follow_events(self._engine)
            try:
                self._listener = asyncio.ensure_future(coro)
            except RuntimeError:  # no event loop (a late Qt signal at exit)
                discard(coro)
                self._listener = None

    async def _follow_events(self, engine: FormEngine) -> None:
        """Every job event moves capacity: the route line is re-asked (debounced). Upload
        progress of the jobs this form submitted shows on the slots. Its own subscription
        to the engine's stream (``events()`` fans out to every caller)."""
        states: dict[int, str] = {}  # job id -> last state seen (progress alone is no news)
        async for ev in engine.events():
            kind = str(getattr(ev, "type", ""))
            state = str(getattr(ev.job, "state", kind))
            if states.get(ev.job.id) != state or (ev.job.id == self._last_job
                                                    and kind == "queued"):
                states[ev.job.id] = state
                self._route_soon()
                if ev.job.id == self._last_job:
                    self.lastJobChanged.emit(ev.job)
            if kind in ("completed", "failed", "moderated", "cancelled", "removed"):
                states.pop(ev.job.id, None)
            if ev.job.id not in self._my_jobs:
                continue
            if kind == "uploading":
                self.set_upload_progress(ev.progress)
            elif str(ev.type) != "queued":  # past the upload: the slots are done
                self.set_upload_progress(None)
                self._my_jobs.discard(ev.job.id)


def discard(coro: Awaitable[Any]) -> None:
    """Close a coroutine that will never be scheduled (no "never awaited" warning)."""
    close = getattr(coro, "close", None)
    if callable(close):
        close()
