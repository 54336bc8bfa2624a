"""The one retry policy (replicate-python ``RetryTransport`` idea): only idempotent
requests are repeated, and only on answers that say "try again".

Why POSTs never retry here: every create call spends Hailuo credits and the API has no
idempotency key. After a 502/504 or a timeout the job may already be queued upstream
(useapi's docs say so), so the caller must reconcile (``GET scheduler`` / ``GET videos``)
instead of sending the same POST again.

Why 429 waits long: it means "no capacity" and useapi's docs advise waiting 20–30 s
before asking again (the agent: about 30 s, or until a running job ends) — asking again in
half a second only spends requests. 502/504, timeouts and dropped connections keep the
short jittered backoff.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random as _random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from .errors import APIConnectionError, APIStatusError, MiniMaxError

T = TypeVar("T")

SleepFn = Callable[[float], Awaitable[object]]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})


@dataclass
class RetryPolicy:
    """Up to ``max_attempts`` tries with jittered exponential backoff.

    ``sleep`` and ``random`` are injectable so tests run instantly and deterministically.
    """

    max_attempts: int = 3
    base_delay: float = 0.5
    multiplier: float = 2.0
    max_delay: float = 8.0
    #: Each delay is scaled by a factor in [1 - jitter, 1 + jitter].
    jitter: float = 0.25
    #: A 429 on a GET/DELETE waits ``busy_delay`` + up to ``busy_spread`` seconds (the
    #: docs' 20–30 s); on the agent endpoints ``agent_busy_delay`` (the docs' ~30 s).
    busy_delay: float = 20.0
    busy_spread: float = 10.0
    agent_busy_delay: float = 30.0
    retry_statuses: frozenset[int] = RETRY_STATUSES
    idempotent_methods: frozenset[str] = IDEMPOTENT_METHODS
    sleep: SleepFn = field(default=asyncio.sleep, repr=False)
    random: Callable[[], float] = field(default=_random.random, repr=False)

    @classmethod
    def never(cls) -> RetryPolicy:
        return cls(max_attempts=1)

    def should_retry(self, method: str, error: MiniMaxError, attempt: int) -> bool:
        """``attempt`` is the 1-based number of the try that just failed."""
        if attempt >= self.max_attempts or method.upper() not in self.idempotent_methods:
            return False
        if isinstance(error, APIConnectionError):  # includes timeouts
            return True
        return isinstance(error, APIStatusError) and error.status in self.retry_statuses

    def delay(self, attempt: int, error: MiniMaxError | None = None, endpoint: str | None = None) -> float:
        """Seconds to wait after failed try number ``attempt`` (1-based); ``error`` and
        ``endpoint`` (e.g. ``"GET agent/{jobId}"``) pick the docs' wait for a 429."""
        if isinstance(error, APIStatusError) and error.status == 429:
            path = (endpoint or "").split(" ")[-1]
            if path.startswith("agent"):
                return self.agent_busy_delay
            return self.busy_delay + self.busy_spread * self.random()
        raw = min(self.max_delay, self.base_delay * self.multiplier ** max(0, attempt - 1))
        factor = 1.0 + self.jitter * (2.0 * self.random() - 1.0)
        return max(0.0, raw * factor)

    async def run(self, method: str, call: Callable[[], Awaitable[T]], endpoint: str | None = None) -> T:
        attempt = 1
        while True:
            try:
                return await call()
            except MiniMaxError as exc:
                if not self.should_retry(method, exc, attempt):
                    raise
                wait = self.delay(attempt, exc, endpoint)
            await self.sleep(wait)
            attempt += 1

    def scaled(self, factor: float) -> RetryPolicy:
        """The same policy with every wait divided by ``factor`` (a sandbox whose clock
        runs ``factor`` times faster)."""
        f = max(1.0, factor)
        return dataclasses.replace(self, base_delay=self.base_delay / f, max_delay=self.max_delay / f,
                                   busy_delay=self.busy_delay / f, busy_spread=self.busy_spread / f,
                                   agent_busy_delay=self.agent_busy_delay / f)
