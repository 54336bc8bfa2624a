"""Entering, replacing and forgetting the useapi.net token.

Flow: ``submit(text)`` trims and checks the shape, verifies the token with ``GET accounts``
(404 "Configuration not found" = valid token, no Hailuo accounts yet), saves it in the
keyring and asks ``AppVM`` to connect. When the keyring cannot be used the token waits in
this object's memory and ``keyringUnavailable`` offers the explicit choice
``keep_for_session()``; ``discard_pending()`` drops it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from minimax_studio.core.secrets import KeyringUnavailable
from minimax_studio.viewmodels.app_vm import AppVM
from minimax_studio.viewmodels.tasks import describe_error

log = logging.getLogger(__name__)

__all__ = ["TokenVM", "normalise_token", "token_shape_problem"]


def normalise_token(text: str) -> str:
    """What people paste: surrounding blanks and quotes, a ``Bearer`` prefix, a whole
    ``Authorization: Bearer …`` header line. Keep only the token."""
    t = text.strip().strip("'\"").strip()
    for prefix in ("authorization:", "bearer"):
        if t.lower().startswith(prefix):
            t = t[len(prefix):].strip()
    return t.strip("'\"").strip()


def token_shape_problem(token: str) -> str | None:
    if not token:
        return "Paste your useapi.net API token first."
    if any(c.isspace() for c in token):
        return "The token should be one piece of text without spaces or line breaks."
    if token.startswith("eyJ"):
        return ("This looks like a Hailuo session token (it starts with eyJ). That one belongs in "
                "Add account. Here you need the useapi.net API token from useapi.net → Account.")
    if len(token) < 8:
        return "That is too short to be a useapi.net API token."
    return None


async def verify_token(token: str, base_url: str) -> int:
    """Number of Hailuo accounts the token sees (0 when it has none yet). Raises the
    client's readable errors (401 for a wrong token, connection errors, …)."""
    from minimax_studio.api.client import MiniMaxClient
    from minimax_studio.api.errors import NotFoundError

    async with MiniMaxClient(token, base_url) as client:
        try:
            accounts = await client.accounts.list()
        except NotFoundError:
            return 0  # "Configuration not found": a valid token with no accounts yet
    return len(accounts)


class TokenVM(QObject):
    busyChanged = Signal(bool)
    #: a sentence for the line under the token field ("" = clear it)
    problem = Signal(str)
    #: the keyring cannot store the token: message; offer "Use for this session only"
    keyringUnavailable = Signal(str)
    #: done: a sentence saying where the token went
    accepted = Signal(str)

    def __init__(self, app_vm: AppVM, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app_vm
        self._services = app_vm.services
        self._pending: str | None = None
        self._pending_count = 0
        self.busy = False

    def __repr__(self) -> str:
        return f"TokenVM(pending={self._pending is not None})"

    @property
    def has_pending(self) -> bool:
        return self._pending is not None

    def _set_busy(self, busy: bool) -> None:
        if busy != self.busy:
            self.busy = busy
            self.busyChanged.emit(busy)

    def submit(self, text: str) -> asyncio.Task[Any] | None:
        """Verify and save. Problems go to ``problem`` (shown under the field), not the
        notifier: the user is looking at the field."""
        token = normalise_token(text)
        shape = token_shape_problem(token)
        if shape:
            self.problem.emit(shape)
            return None
        self.problem.emit("")
        self._set_busy(True)
        return self._services.runner.start(
            "token:submit", self._submit(token), error_context="Checking the token",
            notify=False, on_error=self._failed)

    def _failed(self, message: str) -> None:
        self._set_busy(False)
        self.problem.emit(message)

    async def _submit(self, token: str) -> None:
        base_url = self._services.settings.effective_api_url()
        try:
            count = await verify_token(token, base_url)
        except Exception as exc:
            self._set_busy(False)
            self.problem.emit(self._verify_message(exc))
            return
        try:
            await self._services.tokens.save(token)
        except KeyringUnavailable as exc:
            self._pending, self._pending_count = token, count
            self._set_busy(False)
            self.keyringUnavailable.emit(exc.message)
            return
        self._set_busy(False)
        self.accepted.emit(f"Token checked ({_accounts(count)}) and saved in the system keyring.")
        await self._app.connect_with_token(token)

    @staticmethod
    def _verify_message(exc: BaseException) -> str:
        status = getattr(exc, "status", None)
        if status == 401:
            return ("useapi.net did not accept this token (401). Copy it again from "
                    "useapi.net → Account → API token.")
        return f"The token could not be checked: {describe_error(exc)}"

    def keep_for_session(self) -> asyncio.Task[Any] | None:
        """The user chose memory-only use of the verified token (no keyring)."""
        token, self._pending = self._pending, None
        if token is None:
            return None
        self._services.tokens.keep_for_session(token)
        self.accepted.emit(f"Token checked ({_accounts(self._pending_count)}). It is used for "
                           "this session only and will be asked for again next time.")
        return self._app.connect_with_token(token)

    def discard_pending(self) -> None:
        self._pending = None

    def forget(self) -> asyncio.Task[Any]:
        self._pending = None
        return self._app.forget_token()


def _accounts(n: int) -> str:
    if n == 0:
        return "no Hailuo accounts yet"
    return f"{n} Hailuo account{'s' if n != 1 else ''}"
