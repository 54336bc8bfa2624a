"""The one place every error and message goes. The window decides how to show them.

Qt-free at heart (a napari ``NotificationManager``-style list of ``Notice`` records); the
only Qt part is a pair of signals so widgets can render new notices without polling.

Usage from a view-model::

    notifier.error("Adding account", "The token was not accepted (401).")
    notifier.info("Accounts", "Account 123456 added.")
    notifier.warning("Keyring", "No keyring: the token is kept for this session only.")

Every notice carries a ``context`` (what the user was doing, shown as a bold prefix) and
a ``message`` (one readable sentence). Never put a traceback here: log it instead (the
task runner does that for you). ``notifier.posted`` fires with the ``Notice``;
``notifier.cleared`` fires when a context's notices are dismissed.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from PySide6.QtCore import QObject, Signal

from minimax_studio.viewmodels.error_words import human_reason

log = logging.getLogger(__name__)

__all__ = ["Level", "Notice", "Notifier"]


class Level(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


_ids = itertools.count(1)


@dataclass(frozen=True)
class Notice:
    level: Level
    context: str
    message: str
    id: int = field(default_factory=lambda: next(_ids))
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def text(self) -> str:
        """"Context: message." — how a banner or status line shows it: problems in the
        app's words (error_words), ``message`` keeps the raw text for the log / Details."""
        message = self.message
        if self.level in (Level.ERROR, Level.WARNING):
            message = human_reason(message) or message
        return f"{self.context}: {message}" if self.context else message


class Notifier(QObject):
    """Collects notices (bounded history) and announces each through ``posted``."""

    #: a new Notice
    posted = Signal(object)
    #: a context whose notices the user dismissed ("" = all)
    cleared = Signal(str)

    MAX_HISTORY = 200

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._history: list[Notice] = []

    # --- posting --------------------------------------------------------------------
    def post(self, level: Level, context: str, message: str) -> Notice:
        notice = Notice(Level(level), context.strip(), message.strip())
        self._history.append(notice)
        del self._history[: -self.MAX_HISTORY]
        # Messages are already redacted sentences; the log keeps them for bug reports.
        log.log(logging.WARNING if notice.level is not Level.INFO else logging.INFO,
                "notice [%s] %s", notice.level, notice.text)
        self.posted.emit(notice)
        return notice

    def error(self, context: str, message: str) -> Notice:
        return self.post(Level.ERROR, context, message)

    def warning(self, context: str, message: str) -> Notice:
        return self.post(Level.WARNING, context, message)

    def info(self, context: str, message: str) -> Notice:
        return self.post(Level.INFO, context, message)

    # --- reading / dismissing -------------------------------------------------------
    @property
    def history(self) -> list[Notice]:
        return list(self._history)

    def latest(self, level: Level | None = None) -> Notice | None:
        for n in reversed(self._history):
            if level is None or n.level is level:
                return n
        return None

    def clear(self, context: str = "") -> None:
        """Forget the notices of one context (all when ``context`` is empty)."""
        if context:
            self._history = [n for n in self._history if n.context != context]
        else:
            self._history.clear()
        self.cleared.emit(context)
