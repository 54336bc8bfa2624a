"""Whether the API answers at all: the one waiting reason the batch prints and the app shows.

The engine reports every call that got an answer (``answered``) and every call that got
none (``unreachable``: refused, no route, DNS, timeout). A reason is built once, in words
("Waiting: cannot reach the API at … (connection refused); retrying in 5 s"), and
listeners hear it only when it changes — a batch prints one line per change, not one per
retry. ``silent_for`` is how long nothing has answered, so a headless run can give up
after a bounded time instead of hanging in silence.

An answer that is an error (429, 502, an HTML page) is still contact: the server is there
and busy, which the job's own reason says.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from minimax_studio.api.errors import APIConnectionError, APITimeoutError, MiniMaxError

log = logging.getLogger(__name__)

__all__ = ["WAITING_UNREACHABLE", "Contact", "is_unreachable"]

#: How every "no answer" reason begins (the job row and the batch show it as is).
WAITING_UNREACHABLE = "Waiting: cannot reach the API at "


def is_unreachable(exc: BaseException) -> bool:
    """True when the request got no answer at all (not even an error page)."""
    return isinstance(exc, APIConnectionError)


def _detail(exc: MiniMaxError) -> str:
    """The short cause a person understands, from the client's sentence."""
    text = exc.message
    low = text.lower()
    if isinstance(exc, APITimeoutError) or "timed out" in low or "timeout" in low:
        return "no answer in time"
    if "refused" in low or "all connection attempts failed" in low:
        return "connection refused"
    if "name or service" in low or "nodename" in low or "getaddrinfo" in low or "resolve" in low:
        return "the host name does not resolve"
    if "closed" in low or "dropped" in low or "reset" in low:
        return "the connection was dropped"
    # Unknown wording: the client's own sentence, without the endpoint prefix.
    return text.split(": ", 1)[-1].rstrip(".")


class Contact:
    def __init__(self, base_url: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.base_url = base_url
        self._clock = clock
        #: When the API last answered (or when watching began).
        self.last_answer = clock()
        #: The current waiting reason, or None while the API answers.
        self.reason: str | None = None
        self._cause: str | None = None
        self._listeners: list[Callable[[str | None], object]] = []

    def listen(self, fn: Callable[[str | None], object]) -> None:
        """``fn(reason)`` on every change; ``None`` when the API answers again."""
        self._listeners.append(fn)

    def answered(self) -> None:
        self.last_answer = self._clock()
        if self.reason is not None:
            self.reason = self._cause = None
            self._tell(None)

    def unreachable(self, exc: MiniMaxError, retry_in: float) -> str:
        """Record a call that got no answer; return the waiting reason to show."""
        cause = _detail(exc)
        text = f"{WAITING_UNREACHABLE}{self.base_url} ({cause}); retrying in {_secs(retry_in)}"
        # Heard only when the cause changes: the retry interval alone is not news.
        if cause != self._cause:
            self._cause = cause
            self.reason = text
            self._tell(text)
        return text

    @property
    def cause(self) -> str | None:
        """Why the API does not answer, in a few words ("connection refused"), or None."""
        return self._cause

    def silent_for(self) -> float:
        """Seconds since the API last answered, while it does not answer (else 0)."""
        return self._clock() - self.last_answer if self.reason is not None else 0.0

    def _tell(self, reason: str | None) -> None:
        for fn in list(self._listeners):
            try:
                fn(reason)
            except Exception:  # a listener's bug must not stop the engine
                log.exception("contact listener failed")


def _secs(seconds: float) -> str:
    if seconds >= 90:
        return f"{seconds / 60:.0f} min"
    if seconds >= 10:
        return f"{seconds:.0f} s"
    return f"{seconds:.1f} s".replace(".0 s", " s")
