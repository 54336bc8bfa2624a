"""The useapi.net token's only home: the OS keyring (service ``minimax-studio``).

This is the ONLY module that imports ``keyring``. Rules it keeps:

* every keyring call runs off the calling (GUI) thread and is bounded by a timeout — a
  locked collection can sit waiting for an unlock prompt forever;
* failures are classified into a ``Reason`` with a sentence a person can act on
  (no backend at all, no D-Bus session, collection locked, timed out, other error);
* when no keyring works, the user may choose "Use for this session only": the token is
  then kept in this object's memory and nowhere else. Never a plaintext file, never
  ``keyrings.alt`` (installing it would silently make a plaintext file the default —
  ``_backend_problem`` refuses such backends even if they are installed);
* the token never appears in a repr, a log line or an exception message.

``keyring`` itself is imported lazily, inside the worker thread: importing it (entry-point
discovery) costs ~50 ms, which would otherwise delay the first paint of the window.

Why a daemon thread rather than ``asyncio.to_thread``: a keyring call stuck on an unlock
prompt would keep a default-executor worker alive, and the loop's shutdown joins those
workers — the app could not quit. A daemon thread is abandoned at exit instead.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from types import ModuleType
from typing import Any, TypeVar

log = logging.getLogger(__name__)

__all__ = [
    "SERVICE",
    "USERNAME",
    "KeyringStatus",
    "KeyringUnavailable",
    "Reason",
    "SecretsError",
    "TokenSource",
    "TokenStore",
]

SERVICE = "minimax-studio"
USERNAME = "useapi-token"
DEFAULT_TIMEOUT = 8.0

T = TypeVar("T")


class Reason(StrEnum):
    NO_BACKEND = "no-backend"
    NO_DBUS = "no-dbus"
    LOCKED = "locked"
    TIMEOUT = "timeout"
    INSECURE = "insecure"
    ERROR = "error"


_MESSAGES = {
    Reason.NO_BACKEND: ("No secure password store (keyring) was found on this system, so the "
                        "token cannot be saved. Install and start GNOME Keyring or KWallet, or "
                        "use the token for this session only."),
    Reason.NO_DBUS: ("The password store cannot be reached: there is no D-Bus session (common "
                     "over SSH or in a container). Start the app from your desktop session, or "
                     "use the token for this session only."),
    Reason.LOCKED: ("The password store is locked and did not unlock. Unlock your keyring "
                    "(log in to the desktop, or open \"Passwords and Keys\") and try again, or "
                    "use the token for this session only."),
    Reason.TIMEOUT: ("The password store did not answer in time (it may be waiting for an "
                     "unlock prompt). Unlock it and try again, or use the token for this "
                     "session only."),
    Reason.INSECURE: ("The only password store available keeps secrets in a plain file, which "
                      "MiniMax Studio does not use. Install GNOME Keyring or KWallet, or use the "
                      "token for this session only."),
    Reason.ERROR: ("The password store reported an error. Try again, or use the token for this "
                   "session only."),
}


class SecretsError(Exception):
    """Base of this module's errors. ``message`` is the readable sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class KeyringUnavailable(SecretsError):
    def __init__(self, reason: Reason, detail: str = "") -> None:
        super().__init__(_MESSAGES[reason])
        self.reason = reason
        #: the backend's own words (never contains the secret), for the log / details line
        self.detail = detail

    def __repr__(self) -> str:
        return f"KeyringUnavailable(reason={self.reason.value!r})"


class TokenSource(StrEnum):
    KEYRING = "keyring"
    SESSION = "session"  # memory only, chosen by the user
    NONE = "none"


@dataclass(frozen=True)
class KeyringStatus:
    available: bool
    backend: str
    reason: Reason | None = None
    message: str = ""


def _keyring() -> ModuleType:
    import keyring
    import keyring.errors

    return keyring


# --- classification -------------------------------------------------------------------

_PLAINTEXT_HINTS = ("plaintext", "keyrings.alt", "uncrypted", "null.keyring")


def _backend_name(backend: Any) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _backend_problem(backend: Any) -> Reason | None:
    """Whether the configured backend is one we refuse to use."""
    name = _backend_name(backend).lower()
    if name.startswith("keyring.backends.fail"):
        # On Linux the usual cause is a missing D-Bus session (SSH, containers, cron).
        if sys.platform.startswith("linux") and not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
            return Reason.NO_DBUS
        return Reason.NO_BACKEND
    if any(h in name for h in _PLAINTEXT_HINTS):
        return Reason.INSECURE
    # The chainer wraps several; refuse it only when every member is refused.
    backends = getattr(backend, "backends", None)
    if name.startswith("keyring.backends.chainer") and backends is not None:
        if not backends:
            return Reason.NO_BACKEND
        problems = [_backend_problem(b) for b in backends]
        if all(p is not None for p in problems):
            return problems[0]
    return None


def classify(exc: BaseException) -> Reason:
    """Map whatever the backend raised to a Reason."""
    text = f"{type(exc).__module__}.{type(exc).__name__}: {exc}".lower()
    if isinstance(exc, _keyring().errors.NoKeyringError):
        return Reason.NO_BACKEND
    if "dbus_session_bus_address" in text or "d-bus" in text or ("dbus" in text and (
            "not" in text or "unable" in text or "no such" in text)):
        return Reason.NO_DBUS
    if "lock" in text or "prompt" in text or "dismissed" in text:
        return Reason.LOCKED
    if isinstance(exc, TimeoutError):
        return Reason.TIMEOUT
    return Reason.ERROR


async def _off_thread(fn: Callable[[], T], timeout: float) -> T:
    """Run ``fn`` in a daemon thread; raise TimeoutError after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    fut: asyncio.Future[T] = loop.create_future()

    def deliver(ok: bool, value: Any) -> None:
        if fut.done():
            return
        if ok:
            fut.set_result(value)
        else:
            fut.set_exception(value)

    def work() -> None:
        try:
            result = fn()
        except BaseException as exc:
            outcome: tuple[bool, Any] = (False, exc)
        else:
            outcome = (True, result)
        try:
            loop.call_soon_threadsafe(deliver, *outcome)
        except RuntimeError:  # the loop closed while we were stuck: nobody is waiting
            pass

    threading.Thread(target=work, name="keyring-call", daemon=True).start()
    return await asyncio.wait_for(fut, timeout)


# --- the store ------------------------------------------------------------------------

class TokenStore:
    """Load / save / forget the useapi.net token. One per app.

    ``await load()`` returns the token or None (nothing saved), raising
    ``KeyringUnavailable`` when the keyring cannot be used at all. ``keep_for_session`` is
    the explicit memory-only fallback; once chosen, ``load`` returns that token and
    ``save`` is not attempted until ``forget`` or a later successful ``save``.
    """

    def __init__(self, *, service: str = SERVICE, username: str = USERNAME,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        self.service = service
        self.username = username
        self.timeout = timeout
        self._session_token: str | None = None
        self.source = TokenSource.NONE

    def __repr__(self) -> str:
        return f"TokenStore(service={self.service!r}, source={self.source.value!r})"

    # --- keyring calls, always bounded and off-thread ---------------------------------
    async def _call(self, what: str, fn: Callable[[], T]) -> T:
        def guarded() -> T:
            backend = _keyring().get_keyring()
            problem = _backend_problem(backend)
            if problem is not None:
                raise KeyringUnavailable(problem, _backend_name(backend))
            return fn()

        try:
            return await _off_thread(guarded, self.timeout)
        except KeyringUnavailable:
            raise
        except TimeoutError as exc:
            log.warning("keyring %s timed out after %.0f s", what, self.timeout)
            raise KeyringUnavailable(Reason.TIMEOUT, f"no answer in {self.timeout:g} s") from exc
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            reason = classify(exc)
            # The backend's text names the service and the failure, never the secret.
            log.warning("keyring %s failed (%s): %s: %s", what, reason.value,
                        type(exc).__name__, exc)
            raise KeyringUnavailable(reason, f"{type(exc).__name__}: {exc}") from None

    async def probe(self) -> KeyringStatus:
        """Which backend is configured and whether we would use it (no secret touched)."""
        try:
            backend = await _off_thread(lambda: _keyring().get_keyring(), self.timeout)
        except TimeoutError:
            return KeyringStatus(False, "", Reason.TIMEOUT, _MESSAGES[Reason.TIMEOUT])
        except Exception as exc:
            reason = classify(exc)
            return KeyringStatus(False, "", reason, _MESSAGES[reason])
        problem = _backend_problem(backend)
        name = _backend_name(backend)
        if problem is not None:
            return KeyringStatus(False, name, problem, _MESSAGES[problem])
        return KeyringStatus(True, name)

    async def load(self) -> str | None:
        if self._session_token is not None:
            self.source = TokenSource.SESSION
            return self._session_token
        token = await self._call(
            "read", lambda: _keyring().get_password(self.service, self.username))
        token = token.strip() if token else None
        self.source = TokenSource.KEYRING if token else TokenSource.NONE
        return token or None

    async def save(self, token: str) -> None:
        token = token.strip()
        if not token:
            raise SecretsError("The token is empty.")
        await self._call(
            "write", lambda: _keyring().set_password(self.service, self.username, token))
        self._session_token = None
        self.source = TokenSource.KEYRING

    async def forget(self) -> None:
        """Remove the token from memory and from the keyring (a missing entry is fine)."""
        had_session = self._session_token is not None
        self._session_token = None
        self.source = TokenSource.NONE

        def delete() -> None:
            kr = _keyring()
            try:
                kr.delete_password(self.service, self.username)
            except kr.errors.PasswordDeleteError:
                pass  # nothing was saved: already forgotten

        try:
            await self._call("delete", delete)
        except KeyringUnavailable:
            if not had_session:
                raise
            # Session-only users have nothing in the keyring to delete.

    def keep_for_session(self, token: str) -> None:
        """The explicit memory-only fallback the user chose; gone when the app quits."""
        token = token.strip()
        if not token:
            raise SecretsError("The token is empty.")
        self._session_token = token
        self.source = TokenSource.SESSION


async def load_token(timeout: float = DEFAULT_TIMEOUT) -> str | None:
    """The saved token, for command-line tools (``minimax-studio batch``). Raises
    ``KeyringUnavailable`` when no keyring can be read."""
    return await TokenStore(timeout=timeout).load()
