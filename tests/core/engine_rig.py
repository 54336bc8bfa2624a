"""What the engine tests share: a real sandbox over HTTP, a real journal and library in
tmp_path, real media files, and an engine with intervals small enough for speed=200.

Two ``make_rig`` on the same ``tmp_path`` are two processes on one profile: the same journal
and library files, each through its own connections, client and engine."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from PIL import Image

from minimax_studio.api.client import MiniMaxClient
from minimax_studio.api.retry import RetryPolicy
from minimax_studio.core.engine import Engine, EngineConfig
from minimax_studio.core.jobs import Job, JobEvent
from minimax_studio.core.journal import Journal
from minimax_studio.core.library import Library
from minimax_studio.sandbox import Sandbox

RESOURCES = Path(__file__).resolve().parents[2] / "resources" / "sandbox"

# The sandbox's clock runs `speed` times faster than ours, so its timestamps drift far
# from our send time within a test: the reconcile time window is opened wide and matching
# rests on prompt + "not owned by another job" (the window itself is tested in test_routing).
FAST = EngineConfig(
    poll_initial=0.05, poll_interval=0.06, poll_max=0.3, backoff_factor=1.5, poll_error_limit=200,
    busy_retry=0.1, route_refresh=0.05, reconcile_delay=0.05, reconcile_attempts=3,
    reconcile_window=1e7, transfer_retry=0.05,
    # Renewed often, so every engine test also runs the lease round (renew + take over).
    lease_seconds=3.0, lease_renew=0.2,
)


#: The docs' 20–30 s wait after a 429 on a GET, at the sandbox rigs' pace.
FAST_RETRY = RetryPolicy().scaled(400)


def make_png(path: Path, size: tuple[int, int] = (1280, 720), color: str = "#3a7") -> Path:
    Image.new("RGB", size, color).save(path, "PNG")
    return path


def media(tmp: Path) -> dict[str, Path]:
    """A small set of real reference files."""
    tmp.mkdir(parents=True, exist_ok=True)
    out = {
        "first": make_png(tmp / "first.png", color="#2a6"),
        "last": make_png(tmp / "last.png", color="#a62"),
        "ref2": make_png(tmp / "ref2.png", color="#26a"),
        "square": make_png(tmp / "square.png", (512, 512), "#888"),
    }
    for name in ("clip_16x9.mp4", "tone.mp3", "tone.wav"):
        shutil.copy(RESOURCES / name, tmp / name)
        out[name] = tmp / name
    return out


@dataclass
class Rig:
    sandbox: Sandbox
    client: MiniMaxClient
    journal: Journal
    library: Library
    engine: Engine
    home: Path
    files: dict[str, Path]
    config: EngineConfig
    events: list[JobEvent] = field(default_factory=list)
    _collector: asyncio.Task[None] | None = None

    def collect(self) -> None:
        async def run() -> None:
            async for ev in self.engine.events():
                self.events.append(ev)

        self._collector = asyncio.create_task(run())

    def received(self, method: str, path_contains: str) -> list[Any]:
        return [r for r in self.sandbox.received
                if r.method == method and path_contains in r.path]

    def creates(self) -> list[Any]:
        return [r for r in self.received("POST", "/create")]

    async def run(self, kind: str, request: dict[str, Any], *, account: str | None = None,
                  timeout: float = 20.0) -> Job:
        job = await self.engine.submit(kind, request, account)
        (done,) = await self.engine.wait([job.id], timeout=timeout, settled=True)
        return done

    async def restart(self, **config: Any) -> Engine:
        """A fresh engine on the same journal and library, as after an app restart."""
        await self.engine.close()
        self.config = replace(self.config, **config) if config else self.config
        self.engine = Engine(self.client, self.journal, self.library, config=self.config)
        if self._collector is not None:
            self._collector.cancel()
            self.collect()
        await self.engine.start()
        return self.engine

    def library_files(self) -> list[Path]:
        return sorted(p for p in (self.home / "library").rglob("*") if p.is_file())


@asynccontextmanager
async def make_rig(sandbox: Sandbox, tmp_path: Path, *, client: MiniMaxClient | None = None,
                   start: bool = True, **config: Any) -> AsyncIterator[Rig]:
    home = tmp_path / "rig"
    cfg = replace(FAST, library_dir=home / "library", thumbs_dir=home / "thumbs", **config)
    client = client or MiniMaxClient(sandbox.token, sandbox.base_url, retry=FAST_RETRY)
    journal = await Journal.open(home / "journal.sqlite3")
    library = await Library.open(home / "library.sqlite3", home / "library")
    engine = Engine(client, journal, library, config=cfg)
    rig = Rig(sandbox, client, journal, library, engine, home, media(tmp_path / "media"), cfg)
    rig.collect()
    if start:
        await engine.start()
    try:
        yield rig
    finally:
        await rig.engine.close()
        if rig._collector is not None:
            rig._collector.cancel()
        await library.close()
        await journal.close()
        await client.aclose()


def more_accounts(sandbox: Sandbox, n: int, *, max_jobs: int = 2, **kw: Any) -> list[str]:
    return [sandbox.add_account(max_jobs=max_jobs, **kw) for _ in range(n)]


def every_account(sandbox: Sandbox) -> Iterator[str]:
    yield from sorted(sandbox.state.accounts)
