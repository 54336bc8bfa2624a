"""``Sandbox``: the emulator as an object - start it on a background thread with its own
event loop (tests, the app's --sandbox mode) or from the CLI."""

from __future__ import annotations

import asyncio
import random
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from aiohttp import web

from . import jwt as hjwt
from . import persist
from .clock import Clock
from .core import Config, Core, Received, Timings
from .demo import add_character, add_demo_history
from .faults import Faults
from .ids import IdMaker, user_of_token
from .server.app import build_app, build_cdn_app
from .state import State
from .state_lock import StateLock
from .ticker import Ticker, Webhook

T = TypeVar("T")
# Open requests (a held synchronous agent call, an event stream) are cut after this on stop.
_SHUTDOWN_S = 1.0


def make_hailuo_credentials(user_id: str, *, name: str = "Sandbox User",
                            expires_in_days: float = 30, now: float | None = None,
                            rng: random.Random | None = None) -> tuple[str, str]:
    """(cursor url, JWT) as a person would copy them from the Hailuo web app's DevTools,
    for exercising the Add Account flow against the sandbox."""
    now = time.time() if now is None else now
    rng = rng or random.Random()
    device_id = str(rng.randrange(10**8, 10**9))
    token = hjwt.make_jwt(str(user_id), name=name, iat=now, exp=now + expires_in_days * 86400,
                          device_id=device_id, rng=rng)
    return hjwt.cursor_url(device_id, int(now * 1000)), token


class Sandbox:
    """A local emulator of the useapi.net MiniMax API v1 on 127.0.0.1."""

    def __init__(self, speed: float = 1.0, seed: int | None = None,
                 state_file: Path | str | None = None, demo_account: bool = True,
                 host: str = "127.0.0.1", port: int = 0, *, cdn_port: int = 0,
                 extra_tokens: Iterable[str] = (), paid_plan: bool = True,
                 demo_history: bool = False) -> None:
        self.host, self.port, self.cdn_port = host, port, cdn_port
        self.state_file = Path(state_file) if state_file else None
        rng = random.Random(seed)
        loaded = persist.load(self.state_file) if self.state_file else None
        state, extra = loaded if loaded else (State(user=str(rng.randrange(1000, 100000))), {})
        token = str(extra.get("token") or IdMaker(rng).sandbox_token(state.user))
        start = max(state.clock_now, time.time()) if loaded else None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if self.state_file:
            files_dir = persist.files_dir_for(self.state_file)
        else:
            self._tmp = tempfile.TemporaryDirectory(prefix="minimax-sandbox-")
            files_dir = Path(self._tmp.name)
        files_dir.mkdir(parents=True, exist_ok=True)
        tokens = {token, *extra_tokens}
        for t in tokens:
            if user_of_token(t) is None:
                raise ValueError("sandbox tokens look like user:<digits>-<letters and digits>")
        self.core = Core(state=state, clock=Clock(speed, start), rng=rng, files_dir=files_dir,
                         tokens=tokens, paid_default=paid_plan)
        self._token = token
        self.demo_account_id: str | None = str(extra["demo_account"]) if extra.get("demo_account") else None
        if demo_account and not state.accounts:
            self.demo_account_id = self._add_account(None, max_jobs=3, credits=1000,
                                                     name="Sandbox Demo", expires_in_days=30,
                                                     support_video=True, paid=None)
            if demo_history:
                add_demo_history(self.core, self.demo_account_id)
        self._ticker = Ticker(self.core, self._snapshot)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = StateLock(self.state_file) if self.state_file else None
        self._runner: web.AppRunner | None = None
        self._cdn_runner: web.AppRunner | None = None

    # --- public surface --------------------------------------------------------------
    @property
    def token(self) -> str:
        return self._token

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/v1/minimax"

    @property
    def cdn_url(self) -> str:
        return self.core.cdn_base

    @property
    def received(self) -> list[Received]:
        return self.core.received

    @property
    def faults(self) -> Faults:
        return self.core.faults

    @property
    def clock(self) -> Clock:
        return self.core.clock

    @property
    def config(self) -> Config:
        return self.core.config

    @property
    def timings(self) -> Timings:
        return self.core.timings

    @property
    def webhooks(self) -> list[Webhook]:
        return self._ticker.webhooks

    @property
    def state(self) -> State:
        return self.core.state

    def __repr__(self) -> str:  # never show the token
        return f"Sandbox(base_url={self.base_url!r}, speed={self.clock.speed})"

    def add_account(self, account_id: str | None = None, *, max_jobs: int = 3,
                    credits: int = 1000, name: str = "Sandbox User",
                    expires_in_days: float = 30, support_video: bool = True,
                    paid: bool | None = None) -> str:
        """Register a Hailuo account directly (as POST accounts would). Returns its id."""
        return self._call(lambda: self._add_account(account_id, max_jobs=max_jobs,
                                                    credits=credits, name=name,
                                                    expires_in_days=expires_in_days,
                                                    support_video=support_video, paid=paid))

    def set_account(self, account_id: str, *, credits: int | None = None,
                    error: str | bool | None = False, paid: bool | None = None,
                    max_jobs: int | None = None) -> None:
        """Change an account's state: ``credits=0`` -> 412, ``error="on hold"`` -> 596,
        ``error=None`` clears it, ``paid=False`` -> no downloadURL (free plan)."""
        def apply() -> None:
            acc = self.core.state.accounts[account_id]
            if credits is not None:
                acc.credits = credits
            if error is not False:
                acc.error = str(error) if error else None
            if paid is not None:
                acc.paid = paid
            if max_jobs is not None:
                acc.max_jobs = max_jobs
            self.core.dirty = True
        self._call(apply)

    def make_hailuo_credentials(self, user_id: str, **kw: Any) -> tuple[str, str]:
        kw.setdefault("now", self.clock.now())
        return make_hailuo_credentials(user_id, **kw)

    # --- lifecycle -------------------------------------------------------------------
    def start(self) -> Sandbox:
        if self._thread is not None:
            return self
        if self._lock is not None:
            self._lock.acquire()  # raises SandboxInUse: another process serves this state
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._startup())
            except BaseException as exc:
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(self._shutdown())
                loop.close()

        self._thread = threading.Thread(target=run, name="minimax-sandbox", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            self._thread = None
            if self._lock is not None:
                self._lock.release()
            raise failure[0]
        return self

    def stop(self) -> None:
        if self._thread is None or self._loop is None:
            self._cleanup_tmp()
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._thread = None
        self._loop = None
        if self._lock is not None:
            self._lock.release()  # after the shutdown wrote the state
        self._cleanup_tmp()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # --- internals -------------------------------------------------------------------
    async def _startup(self) -> None:
        self._runner = web.AppRunner(build_app(self.core), access_log=None,
                                     shutdown_timeout=_SHUTDOWN_S)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self._cdn_runner = web.AppRunner(build_cdn_app(self.core), access_log=None,
                                         shutdown_timeout=_SHUTDOWN_S)
        await self._cdn_runner.setup()
        cdn_site = web.TCPSite(self._cdn_runner, self.host, self.cdn_port)
        await cdn_site.start()
        self.cdn_port = self._cdn_runner.addresses[0][1]
        self.core.api_base = self.base_url
        self.core.cdn_base = f"http://{self.host}:{self.cdn_port}"
        self._ticker.start()

    async def _shutdown(self) -> None:
        await self._ticker.stop()
        for runner in (self._runner, self._cdn_runner):
            if runner is not None:
                await runner.cleanup()

    def _cleanup_tmp(self) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp.name, ignore_errors=True)
            self._tmp = None

    def _call(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on the server's loop (state is only touched there)."""
        loop = self._loop
        if loop is None or not loop.is_running() or threading.current_thread() is self._thread:
            return fn()

        async def wrapper() -> T:
            return fn()

        return asyncio.run_coroutine_threadsafe(wrapper(), loop).result(timeout=10)

    def _add_account(self, account_id: str | None, *, max_jobs: int, credits: int, name: str,
                     expires_in_days: float, support_video: bool, paid: bool | None) -> str:
        core = self.core
        account_id = account_id or core.ids.digits(9)
        url, token = make_hailuo_credentials(account_id, name=name, now=core.clock.now(),
                                             expires_in_days=expires_in_days, rng=core.rng)
        acc = core.register_account(url, token, max_jobs, credits=credits, paid=paid)
        acc.credits = credits
        acc.support_video = support_video
        add_character(core, acc.account)
        return acc.account

    def _snapshot(self) -> Callable[[], None] | None:
        """Called on the loop: copy the state now, return the slow part (the file write)
        for a worker thread; None without ``--state``."""
        if self.state_file is None:
            return None
        self.core.state.clock_now = self.core.clock.now()
        data = persist.snapshot(self.core.state, {"token": self._token,
                                                  "demo_account": self.demo_account_id})
        path = self.state_file
        return lambda: persist.write(path, data)
