"""Fault injection: make any endpoint answer a documented error, slow down, send broken
JSON or an HTML error page, or cut a download short - from Python or over HTTP.

Endpoint names are the spec's paths without the base, ids as placeholders:
``videos/create``, ``videos/{videoId}``, ``images``, ``files``, ``agent``, ``cdn`` (all
media downloads), ``blob`` ... or ``*`` for every API endpoint. Prompt keywords steer
what happens to a job (moderated at create, failed, moderated later, removed later)."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from typing import Any

STATUS_TEXT = {
    400: "Bad request",
    401: "Unauthorized",
    404: "Not found.",
    412: "Account does not have enough credits",
    422: "Moderated prompt",
    429: "Too many requests: all accounts are busy, try again later",
    500: "Internal server error",
    502: "Hailuo site is too busy, please try again later",
    503: "Service unavailable",
    504: "Hailuo site did not respond in time, please try again later",
    596: "Account is on hold or its session is in error",
}


@dataclass
class Fault:
    endpoint: str = "*"
    method: str | None = None  # None = any method
    status: int | None = None  # answer with this status instead of the real reply
    times: int | None = None  # None = until removed
    # Real seconds to wait before answering. The wait comes *after* the real work when
    # there is any (latency only, or create_anyway): a create whose reply times out may
    # still have made the job, as with the real Hailuo (see server/app.py).
    latency: float = 0.0
    create_anyway: bool = False  # run the real handler first (502/504 that still queued)
    body: str = "json"  # "json" | "malformed" (200 with cut JSON) | "html" (error page)
    message: str | None = None
    drop_after: int | None = None  # media/blob: close the connection after N body bytes
    id: int = 0

    def matches(self, endpoint: str, method: str) -> bool:
        if self.method and self.method.upper() != method.upper():
            return False
        if self.endpoint == "*":
            return endpoint not in ("cdn", "blob")
        return self.endpoint.strip("/") == endpoint


@dataclass
class Keywords:
    """Prompt words that steer a job; matching is case-insensitive substring."""

    moderate: list[str] = field(default_factory=lambda: ["sandbox:moderate"])  # 422 at create
    fail: list[str] = field(default_factory=lambda: ["sandbox:fail"])  # final status 3
    moderated_outcome: list[str] = field(default_factory=lambda: ["sandbox:face"])  # 7
    post_moderate: list[str] = field(default_factory=lambda: ["sandbox:postmod"])  # 404 later
    slow: list[str] = field(default_factory=lambda: ["sandbox:slow"])  # x10 duration
    hang: list[str] = field(default_factory=lambda: ["sandbox:hang"])  # agent: 15-min timeout
    #: Ends with status 9 "expired", statusFinal true: a final code the docs do not list.
    odd_final: list[str] = field(default_factory=lambda: ["sandbox:oddfinal"])
    #: Never finishes (x1e6 duration): for polling limits.
    stuck: list[str] = field(default_factory=lambda: ["sandbox:stuck"])


class Faults:
    """Thread-safe: tests add faults from their thread while the server runs in its own."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._next_id = 1
        self.keywords = Keywords()

    def add(self, endpoint: str = "*", status: int | None = None, *, times: int | None = None,
            method: str | None = None, latency: float = 0.0, create_anyway: bool = False,
            body: str = "json", message: str | None = None,
            drop_after: int | None = None) -> Fault:
        if body not in ("json", "malformed", "html"):
            raise ValueError("body must be 'json', 'malformed' or 'html'")
        with self._lock:
            fault = Fault(endpoint=endpoint.strip("/") or "*", method=method, status=status,
                          times=times, latency=latency, create_anyway=create_anyway, body=body,
                          message=message, drop_after=drop_after, id=self._next_id)
            self._next_id += 1
            self._faults.append(fault)
            return fault

    def add_from_json(self, data: dict[str, Any]) -> Fault:
        allowed = {"endpoint", "status", "times", "method", "latency", "create_anyway", "body",
                   "message", "drop_after"}
        unknown = set(data) - allowed
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
        return self.add(**data)

    def remove(self, fault: Fault) -> None:
        with self._lock:
            self._faults = [f for f in self._faults if f.id != fault.id]

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self.keywords = Keywords()

    def take(self, endpoint: str, method: str) -> Fault | None:
        """The first matching fault; counts one use against ``times``."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(endpoint, method):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault
        return None

    def active(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(f) for f in self._faults]

    # --- prompt keywords -------------------------------------------------------------
    def _hit(self, words: list[str], prompt: str) -> bool:
        low = prompt.lower()
        return any(w.lower() in low for w in words if w)

    def moderated_at_create(self, prompt: str) -> bool:
        return self._hit(self.keywords.moderate, prompt)

    def fails(self, prompt: str) -> bool:
        return self._hit(self.keywords.fail, prompt)

    def moderated_outcome(self, prompt: str) -> bool:
        return self._hit(self.keywords.moderated_outcome, prompt)

    def post_moderated(self, prompt: str) -> bool:
        return self._hit(self.keywords.post_moderate, prompt)

    def slow(self, prompt: str) -> bool:
        return self._hit(self.keywords.slow, prompt)

    def hangs(self, prompt: str) -> bool:
        return self._hit(self.keywords.hang, prompt)

    def odd_final(self, prompt: str) -> bool:
        return self._hit(self.keywords.odd_final, prompt)

    def stuck(self, prompt: str) -> bool:
        return self._hit(self.keywords.stuck, prompt)
