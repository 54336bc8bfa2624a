"""The sandbox's background task: settles jobs that reached a final state (refunds,
webhooks) and saves ``--state`` when something changed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from minimax_studio.api.models import MediaStatus

from .core import Core
from .lifecycle import FINAL_STATUSES, agent_status, progress
from .views import agent_json, job_json

log = logging.getLogger(__name__)
TICK = 0.05
MAX_LOG = 20_000


@dataclass
class Webhook:
    url: str
    payload: dict[str, Any]
    status: int | None = None  # HTTP status of the delivery, None if it failed
    error: str | None = None


class Ticker:
    def __init__(self, core: Core, snapshot: Callable[[], Callable[[], None] | None]) -> None:
        self.core = core
        # Runs on the loop and returns the file write (run in a thread), or None.
        self.snapshot = snapshot
        self.webhooks: list[Webhook] = []
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None
        self._pending: set[asyncio.Task[None]] = set()
        self._last_progress: dict[str, tuple[int, int]] = {}

    def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        if self._pending:
            await asyncio.wait(self._pending, timeout=2)
        if self._session:
            await self._session.close()
        self.tick()
        write = self.snapshot()
        if write is not None:
            write()

    async def _run(self) -> None:
        saved_at = 0.0
        loop = asyncio.get_running_loop()
        while True:
            try:
                self.tick()
                if self.core.dirty and loop.time() - saved_at > 0.5:
                    self.core.dirty = False
                    saved_at = loop.time()
                    write = self.snapshot()
                    if write is not None:
                        await asyncio.to_thread(write)
            except Exception:  # keep ticking: one bad job must not stop the sandbox
                log.exception("sandbox ticker failed")
            await asyncio.sleep(TICK)

    def tick(self) -> None:
        core = self.core
        now = core.clock.now()
        for log_list in (core.received, core.cdn_received, self.webhooks):
            if len(log_list) > MAX_LOG:  # a long CLI session must not grow without bound
                del log_list[: len(log_list) - MAX_LOG // 2]
        for job in core.state.jobs.values():
            if job.settled:
                continue
            p = progress(job, now)
            wants_hook = job.tracked and job.reply_url and not job.deleted
            if not p.final:
                if wants_hook and core.config.webhook_progress:
                    key = (p.status, p.percent // 10)
                    if self._last_progress.get(job.composite_id) != key:
                        self._last_progress[job.composite_id] = key
                        self._post(str(job.reply_url), job_json(core, job), job.reply_ref)
                continue
            job.settled = True
            core.dirty = True
            self._last_progress.pop(job.composite_id, None)
            if p.status in FINAL_STATUSES - {MediaStatus.COMPLETED} and core.config.refund_failed:
                acc = core.state.accounts.get(job.account)
                if acc is not None:
                    acc.credits += job.cost  # Hailuo returns credits of failed jobs (inferred)
            if wants_hook:
                self._post(str(job.reply_url), job_json(core, job), job.reply_ref)
        for aj in core.state.agent_jobs.values():
            if aj.settled or agent_status(aj, now) == "started":
                continue
            aj.settled = True
            core.dirty = True
            url = aj.request.get("replyUrl") or core.config.default_reply_url
            if url:
                self._post(str(url), agent_json(core, aj), aj.request.get("replyRef"))

    def _post(self, url: str, payload: dict[str, Any], reply_ref: Any) -> None:
        # Callback shape is not captured: the GET object plus replyRef (inferred).
        # Delivered once, failures are not retried (not documented either way).
        body = dict(payload)
        if reply_ref:
            body["replyRef"] = reply_ref
        hook = Webhook(url, body)
        self.webhooks.append(hook)
        if self._session is None or self._session.closed:
            hook.error = "sandbox stopped"
            return
        task = asyncio.get_running_loop().create_task(self._deliver(hook))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _deliver(self, hook: Webhook) -> None:
        assert self._session is not None
        try:
            async with self._session.post(hook.url, json=hook.payload) as resp:
                hook.status = resp.status
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            hook.error = f"{type(exc).__name__}: {exc}"
