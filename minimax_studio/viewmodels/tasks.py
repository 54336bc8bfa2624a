"""THE one way to start async work from the UI.

Widgets call plain methods on view-models; view-models start coroutines here::

    runner.start("accounts:refresh", self._refresh(),
                 error_context="Refreshing accounts",
                 on_done=lambda result: ...,          # optional, called with the result
                 on_error=lambda message: ...)        # optional, a readable sentence

What the runner guarantees:

* it keeps a reference to every task (asyncio only keeps weak ones — an unreferenced task
  can vanish mid-flight);
* one task per key: starting a key that is still running cancels the old task first
  (``if_running="keep"`` instead keeps the old one and drops the new coroutine — use it
  for "refresh" buttons pressed twice);
* a failure never escapes as a traceback: the full traceback goes to the log, a readable
  sentence goes to ``on_error`` (when given: show it inline next to what failed) and to
  the notifier under ``error_context``. Pass ``notify=False`` when the caller shows the
  error inline and a second banner would be noise;
* cancellation is quiet (not an error);
* ``cancel(key)``, ``cancel_all()`` and ``await shutdown()`` for closing windows / the app.

Other helpers' code that uses a ``spawn(key, coro)`` callable or ``runner.run(coro, key=)``
can be handed ``runner.spawn`` / the runner itself: both spellings are supported.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, Literal

from PySide6.QtCore import QObject, Signal

from minimax_studio.logs import redact
from minimax_studio.viewmodels.error_words import human_error
from minimax_studio.viewmodels.notifier import Notifier

log = logging.getLogger(__name__)

__all__ = ["TaskRunner", "describe_error"]

Coro = Coroutine[Any, Any, Any]


def describe_error(exc: BaseException) -> str:
    """One readable sentence for any exception: ``error_words.human_error``'s (the one place
    that words errors, so a failed task reads like a failed job), with tokens redacted.
    Never a traceback; the details go to the log."""
    return redact(human_error(exc))


def _details(exc: BaseException) -> str:
    """The raw text kept for Details (a notice's ``message``, the log): our exceptions'
    own message with its status and the server's words; else the sentence."""
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message.strip():
        return redact(message.strip())
    return describe_error(exc)


class TaskRunner(QObject):
    """Owns every UI-started task. One per app (in ``Services``); tests make their own."""

    #: key, True when a task with that key started / False when it ended (any outcome)
    busyChanged = Signal(str, bool)
    #: key, readable message — after a task failed
    failed = Signal(str, str)

    def __init__(self, notifier: Notifier | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._notifier = notifier
        self._tasks: dict[str, asyncio.Task[Any]] = {}
        self._anon = 0

    # --- starting ---------------------------------------------------------------------
    def start(
        self,
        key: str,
        coro: Coro,
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[str], None] | None = None,
        error_context: str = "",
        notify: bool = True,
        if_running: Literal["replace", "keep"] = "replace",
    ) -> asyncio.Task[Any]:
        """Schedule ``coro`` under ``key`` and return its task (awaitable in tests)."""
        old = self._tasks.get(key)
        if old is not None and not old.done():
            if if_running == "keep":
                coro.close()  # never scheduled: close it so Python does not warn
                return old
            old.cancel()
        task = asyncio.ensure_future(coro)
        self._tasks[key] = task
        self.busyChanged.emit(key, True)
        task.add_done_callback(
            lambda t: self._finished(key, t, on_done, on_error, error_context or key, notify))
        return task

    def run(self, coro: Coro, key: str | None = None, **kwargs: Any) -> asyncio.Task[Any]:
        """``start`` with the coroutine first; an anonymous key when none is given."""
        if key is None:
            self._anon += 1
            key = f"task-{self._anon}"
        return self.start(key, coro, **kwargs)

    def spawn(self, key: str, coro: Coro) -> asyncio.Task[Any]:
        """The ``spawn(key, coro)`` callable shape some view-models take."""
        return self.start(key, coro)

    # --- stopping ---------------------------------------------------------------------
    def cancel(self, key: str) -> bool:
        task = self._tasks.get(key)
        if task is None or task.done():
            return False
        task.cancel()
        return True

    def cancel_prefix(self, prefix: str) -> int:
        """Cancel every running task whose key starts with ``prefix`` (a closing dialog)."""
        keys = [k for k in self._tasks if k.startswith(prefix)]
        return sum(self.cancel(k) for k in keys)

    def cancel_all(self) -> None:
        for task in list(self._tasks.values()):
            task.cancel()

    async def shutdown(self, timeout: float = 3.0) -> None:
        """Cancel everything and wait (bounded) until the tasks have really ended."""
        tasks = [t for t in self._tasks.values() if not t.done()]
        for t in tasks:
            t.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)

    # --- inspecting -------------------------------------------------------------------
    def is_running(self, key: str) -> bool:
        task = self._tasks.get(key)
        return task is not None and not task.done()

    def running_keys(self) -> list[str]:
        return [k for k, t in self._tasks.items() if not t.done()]

    async def wait_idle(self, timeout: float = 10.0) -> None:
        """Await every running task (tests, and before the window closes)."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while pending := [t for t in self._tasks.values() if not t.done()]:
            left = end - loop.time()
            if left <= 0:
                raise TimeoutError(f"tasks still running: {self.running_keys()}")
            await asyncio.wait(pending, timeout=left)

    # --- completion -------------------------------------------------------------------
    def _finished(self, key: str, task: asyncio.Task[Any],
                  on_done: Callable[[Any], None] | None,
                  on_error: Callable[[str], None] | None,
                  context: str, notify: bool) -> None:
        if self._tasks.get(key) is task:
            del self._tasks[key]
            self.busyChanged.emit(key, False)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is None:
            if on_done is not None:
                try:
                    on_done(task.result())
                except Exception as cb_exc:  # a broken callback is a bug: log + show it
                    self._report(key, cb_exc, on_error, context, notify)
            return
        self._report(key, exc, on_error, context, notify)

    def _report(self, key: str, exc: BaseException, on_error: Callable[[str], None] | None,
                context: str, notify: bool) -> None:
        message = describe_error(exc)
        # The full traceback only in the log (the redacting filter scrubs tokens there).
        log.error("%s failed (task %s): %s", context, key, _details(exc), exc_info=exc)
        self.failed.emit(key, message)
        if on_error is not None:
            try:
                on_error(message)
            except Exception:
                log.exception("on_error callback of task %s raised", key)
        if notify and self._notifier is not None:
            # The notice keeps the raw text for Details; its ``text`` words it (error_words).
            self._notifier.error(context, _details(exc))
