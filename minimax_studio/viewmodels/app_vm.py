"""The app's own state: which phase it is in (starting, first run, connecting, ready), which
server it talks to, where the token came from, and the numbers the status bar shows.

Start-up (``start``): the token is read from the keyring off the GUI thread with a timeout;
no token -> the first-run page; a token -> a session on the real server. ``use_sandbox``
starts the built-in emulator in-process on a free loopback port and opens a session on it
with the sandbox's own token (the keyring is not involved).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from minimax_studio.core.locations import session_locations
from minimax_studio.core.secrets import KeyringUnavailable, TokenSource
from minimax_studio.viewmodels.services import Services, Session, open_session

if TYPE_CHECKING:
    from minimax_studio.sandbox import Sandbox

log = logging.getLogger(__name__)

__all__ = ["AppVM", "Phase"]

SessionOpener = Callable[..., Awaitable[Session]]

_FINAL = {"completed", "failed", "moderated", "cancelled", "needs_attention"}


class Phase(StrEnum):
    STARTING = "starting"
    FIRST_RUN = "first-run"
    CONNECTING = "connecting"
    READY = "ready"


class AppVM(QObject):
    phaseChanged = Signal(str)
    #: any of server / token / accounts / running-jobs text changed
    statusChanged = Signal()
    #: A job changed state (started, finished, failed…): credits and slots have moved.
    jobStateChanged = Signal()
    sessionReady = Signal()
    sessionClosed = Signal()
    #: the keyring cannot be used (message); the first-run page / token form explains it
    keyringProblem = Signal(str)
    settingsChanged = Signal()

    def __init__(self, services: Services, *, opener: SessionOpener = open_session,
                 sandbox_factory: Callable[[], Sandbox] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self._opener = opener
        self._sandbox_factory = sandbox_factory
        self._owned_sandbox: Sandbox | None = None
        self.phase = Phase.STARTING
        self.keyring_message = ""
        self.accounts_count: int | None = None
        self._job_states: dict[int, str] = {}
        self._base_url = ""

    # --- status-bar texts ----------------------------------------------------------------
    @property
    def session(self) -> Session | None:
        return self.services.session

    @property
    def is_sandbox(self) -> bool:
        return self.session is not None and self.session.is_sandbox

    @property
    def server_text(self) -> str:
        if self.session is None:
            return "Not connected"
        if self.session.is_sandbox:
            return f"Server: sandbox on {self.session.base_url.split('/v1')[0].removeprefix('http://')}"
        host = self.session.base_url.split("//", 1)[-1].split("/", 1)[0]
        return f"Server: {host}"

    @property
    def token_text(self) -> str:
        if self.is_sandbox:
            return "Token: sandbox (not stored)"
        source = self.services.tokens.source
        if source is TokenSource.KEYRING:
            return "Token: saved in the system keyring"
        if source is TokenSource.SESSION:
            return "Token: this session only (not saved)"
        if self.keyring_message:
            return "Token: keyring unavailable"
        return "No token"

    @property
    def accounts_text(self) -> str:
        n = self.accounts_count
        if n is None:
            return "Accounts: –"
        return f"{n} account" + ("" if n == 1 else "s")

    @property
    def has_sandbox_session(self) -> bool:
        """A sandbox was used on this profile before (its state file is there): the welcome
        page offers to continue it rather than only to "try" it. One stat, no I/O beyond."""
        where = session_locations(self.services.paths, self.services.settings, sandbox=True)
        return where.sandbox_state is not None and where.sandbox_state.is_file()

    @property
    def running_jobs(self) -> int:
        return sum(1 for s in self._job_states.values() if s not in _FINAL)

    @property
    def jobs_text(self) -> str:
        n = self.running_jobs
        return "No jobs running" if n == 0 else f"{n} job{'s' if n != 1 else ''} running"

    # --- settings the window reads and writes (the ui layer never imports core) ----------
    @property
    def settings(self) -> Any:
        return self.services.settings

    def window_state(self) -> tuple[str, str]:
        """(base64 geometry, last tab name) remembered from the previous run."""
        s = self.services.settings
        return s.window_geometry, s.last_tab

    def remember_window(self, geometry_b64: str, last_tab: str) -> None:
        s = self.services.settings
        s.window_geometry, s.last_tab = geometry_b64, last_tab
        self.services.save_settings()

    def apply_settings(self, values: dict[str, Any]) -> dict[str, str]:
        """Validate and save edited settings; returns field -> problem (empty = saved).
        Polling intervals and the API address apply to the next connection."""
        current = self.services.settings
        candidate = dataclasses.replace(current, **values)
        problems = candidate.problems()
        if problems:
            return problems
        for key, value in values.items():
            setattr(current, key, value)
        self.services.save_settings()
        self.settingsChanged.emit()
        return {}

    def set_accounts_count(self, n: int | None) -> None:
        if n != self.accounts_count:
            self.accounts_count = n
            self.statusChanged.emit()

    # --- phases ------------------------------------------------------------------------
    def _set_phase(self, phase: Phase) -> None:
        if phase != self.phase:
            self.phase = phase
            self.phaseChanged.emit(phase.value)
            self.statusChanged.emit()

    def start(self, *, sandbox: bool = False) -> asyncio.Task[Any]:
        """Kick off start-up (through the task runner: a failure becomes a notice)."""
        return self.services.runner.start("app:startup", self._startup(sandbox),
                                          error_context="Starting up")

    async def _startup(self, sandbox: bool) -> None:
        if sandbox:
            await self._open_sandbox(None)
            return
        try:
            token = await self.services.tokens.load()
        except KeyringUnavailable as exc:
            self.keyring_message = exc.message
            self.keyringProblem.emit(exc.message)
            self._set_phase(Phase.FIRST_RUN)
            return
        if not token:
            self._set_phase(Phase.FIRST_RUN)
            return
        await self._open_real(token)

    def use_sandbox(self, sandbox: Sandbox | None = None) -> asyncio.Task[Any]:
        """Switch to the built-in sandbox. ``sandbox``: an already started one (tests);
        otherwise one is made by ``sandbox_factory`` and stopped again on close."""
        return self.services.runner.start("app:connect", self._open_sandbox(sandbox),
                                          error_context="Starting the sandbox")

    def connect_with_token(self, token: str) -> asyncio.Task[Any]:
        """Open a session on the real server with a verified token (TokenVM calls this)."""
        return self.services.runner.start("app:connect", self._open_real(token),
                                          error_context="Connecting")

    def forget_token(self) -> asyncio.Task[Any]:
        return self.services.runner.start("app:forget", self._forget(),
                                          error_context="Forgetting the token")

    # --- session work -------------------------------------------------------------------
    def _make_sandbox(self) -> Sandbox:
        if self._sandbox_factory is not None:
            return self._sandbox_factory()
        from minimax_studio.sandbox import Sandbox

        where = session_locations(self.services.paths, self.services.settings,
                                  sandbox=True).ensure()
        assert where.sandbox_state is not None
        # demo_history: earlier "website" work on the demo account, so a new user's first
        # look at every tab (Accounts, Gallery import, jobs) shows something real.
        return Sandbox(speed=self.services.settings.sandbox_speed,
                       state_file=where.sandbox_state, demo_history=True)

    async def _open_sandbox(self, sandbox: Sandbox | None) -> None:
        await self._close_session()
        self._set_phase(Phase.CONNECTING)
        try:
            if sandbox is None:
                sandbox = await asyncio.to_thread(self._make_sandbox)
                await asyncio.to_thread(sandbox.start)  # blocks until it listens
                self._owned_sandbox = sandbox
            session = await self._opener(self.services, sandbox.token, sandbox.base_url,
                                         sandbox=sandbox)
        except BaseException:
            await self._stop_owned_sandbox()
            self._set_phase(Phase.FIRST_RUN)
            raise
        await self._ready(session)

    async def _open_real(self, token: str) -> None:
        await self._close_session()
        self._set_phase(Phase.CONNECTING)
        base_url = self.services.settings.effective_api_url()
        try:
            session = await self._opener(self.services, token, base_url)
        except BaseException:
            self._set_phase(Phase.FIRST_RUN)
            raise
        await self._ready(session)

    async def _ready(self, session: Session) -> None:
        self.services.session = session
        self.accounts_count = None
        self._job_states.clear()
        try:
            for job in await session.engine.jobs():
                self._job_states[job.id] = str(job.state)
        except Exception:
            log.exception("reading the job list failed")
        self.services.runner.start("app:job-events", self._follow_jobs(session),
                                   error_context="Following jobs")
        self._set_phase(Phase.READY)
        self.statusChanged.emit()
        self.sessionReady.emit()

    async def _follow_jobs(self, session: Session) -> None:
        async for ev in session.engine.events():
            state = str(ev.job.state)
            before = self.running_jobs
            moved = self._job_states.get(ev.job.id) != state
            if ev.type == "removed":
                self._job_states.pop(ev.job.id, None)
            else:
                self._job_states[ev.job.id] = state
            if self.running_jobs != before:
                self.statusChanged.emit()
            if moved and ev.type != "removed":
                self.jobStateChanged.emit()

    async def _forget(self) -> None:
        await self._close_session()
        self.keyring_message = ""
        try:
            await self.services.tokens.forget()
        finally:
            self._set_phase(Phase.FIRST_RUN)
            self.statusChanged.emit()
        self.services.notifier.info("Token", "The token was removed from this computer.")

    async def _close_session(self) -> None:
        session, self.services.session = self.services.session, None
        self.services.runner.cancel("app:job-events")
        if session is not None:
            self.sessionClosed.emit()
            await session.close()
            self._job_states.clear()
            self.accounts_count = None
        await self._stop_owned_sandbox()

    async def _stop_owned_sandbox(self) -> None:
        sb, self._owned_sandbox = self._owned_sandbox, None
        if sb is not None:
            with contextlib.suppress(Exception):
                await asyncio.to_thread(sb.stop)

    async def shutdown(self) -> None:
        """Close the session (jobs resume next start) and stop the sandbox if we own it."""
        await self._close_session()
