"""``Services``: what every view-model receives — settings, notifier, task runner, token
store and, once connected, the session (client, journal, library, engine).

The session exists only while a token is known (real server) or the sandbox runs. Tabs
that need it are built when ``AppVM.sessionReady`` fires and read ``services.session``.

Heavy modules (httpx, pydantic, SQLite, aiohttp) are imported inside ``open_session`` so
the window paints before they load.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from minimax_studio.core.locations import session_locations
from minimax_studio.core.secrets import TokenStore
from minimax_studio.core.settings import Settings, load_settings, save_settings
from minimax_studio.paths import AppPaths
from minimax_studio.viewmodels.notifier import Level, Notifier
from minimax_studio.viewmodels.tasks import TaskRunner

if TYPE_CHECKING:
    from minimax_studio.api.client import MiniMaxClient
    from minimax_studio.core.engine import Engine, EngineConfig
    from minimax_studio.core.journal import Journal
    from minimax_studio.core.library import Library
    from minimax_studio.sandbox import Sandbox
    from minimax_studio.viewmodels.accounts_vm import AccountsVM

log = logging.getLogger(__name__)

__all__ = ["Services", "Session", "open_session"]


@dataclass
class Session:
    """One connection: a server (real or sandbox), a token, and what runs on them."""

    client: MiniMaxClient
    journal: Journal
    library: Library
    engine: Engine
    base_url: str
    sandbox: Sandbox | None = None  # set in sandbox mode

    @property
    def is_sandbox(self) -> bool:
        return self.sandbox is not None

    def __repr__(self) -> str:  # the client holds the token; never print it
        return f"Session(base_url={self.base_url!r}, sandbox={self.is_sandbox})"

    async def close(self) -> None:
        """Engine first (stops polling; the journal resumes jobs next start), then storage,
        then the HTTP client. Each step runs even if an earlier one failed."""
        for what, closer in (("engine", self.engine.close), ("library", self.library.close),
                             ("journal", self.journal.close), ("client", self.client.aclose)):
            try:
                await closer()
            except Exception:
                log.exception("closing the %s failed", what)


@dataclass
class Services:
    paths: AppPaths
    settings: Settings
    notifier: Notifier
    runner: TaskRunner
    tokens: TokenStore
    session: Session | None = None
    #: The account board's view-model, shared by the tabs while a session is open: the
    #: Accounts tab builds it; the Video and Image forms follow it (routing line, Generate).
    accounts_vm: AccountsVM | None = None

    @classmethod
    def create(cls, paths: AppPaths, *, settings: Settings | None = None,
               tokens: TokenStore | None = None) -> Services:
        notifier = Notifier()
        return cls(paths=paths,
                   settings=settings if settings is not None else load_settings(paths.settings_file),
                   notifier=notifier, runner=TaskRunner(notifier), tokens=tokens or TokenStore())

    # convenient accessors for view-models (None before the session is open)
    @property
    def client(self) -> MiniMaxClient | None:
        return self.session.client if self.session else None

    @property
    def engine(self) -> Engine | None:
        return self.session.engine if self.session else None

    @property
    def library(self) -> Library | None:
        return self.session.library if self.session else None

    def save_settings(self) -> None:
        try:
            save_settings(self.settings, self.paths.settings_file)
        except OSError as exc:
            log.warning("could not save settings: %s", exc)
            self.notifier.warning("Settings", f"Could not save the settings: {exc.strerror or exc}")


def _engine_config(settings: Settings, *, library_dir: Path, thumbs_dir: Path,
                   speed: float = 1.0) -> EngineConfig:
    from minimax_studio.core.engine import EngineConfig

    # On the sandbox the clock runs `speed` times faster: poll as often, relatively.
    return EngineConfig.for_speed(speed, poll_seconds=settings.poll_video_seconds,
                                  poll_limits=settings.poll_limits(speed),
                                  library_dir=library_dir, thumbs_dir=thumbs_dir)


async def open_session(services: Services, token: str, base_url: str, *,
                       sandbox: Sandbox | None = None) -> Session:
    """Build client, journal, library and engine, and resume unfinished jobs.

    Sandbox sessions keep their journal and library in ``<data>/sandbox`` so pretend jobs
    never mix with real ones (and are never resumed against the real server).
    """
    from minimax_studio.api.client import MiniMaxClient
    from minimax_studio.core.session import open_core_session

    paths, settings = services.paths, services.settings
    where = session_locations(paths, settings, sandbox=sandbox is not None).ensure()
    speed = 1.0
    if sandbox is not None:
        speed = float(getattr(getattr(sandbox, "clock", None), "speed", 1.0) or 1.0)
    client = MiniMaxClient(token, base_url, fast_downloads=settings.fast_downloads)
    core = await open_core_session(
        client, where, _engine_config(settings, library_dir=where.library_dir,
                                      thumbs_dir=paths.thumbnails_dir, speed=speed))
    engine = core.engine
    try:
        # The status bar says why jobs wait (the API does not answer) and when it answers
        # again — the same sentence the jobs' rows and the batch show.
        engine.contact.listen(lambda reason: services.notifier.post(
            Level.WARNING if reason else Level.INFO, "Jobs", reason or "The API answers again."))
        await engine.start()
    except BaseException:
        await core.aclose()
        raise
    return Session(client=client, journal=core.journal, library=core.library, engine=engine,
                   base_url=base_url, sandbox=sandbox)
