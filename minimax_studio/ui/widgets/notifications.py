"""A desktop notification when a job finishes while the window is not active.

Uses the system tray (``QSystemTrayIcon.showMessage``) when the desktop has one; otherwise
it does nothing at all — no fallback popup stealing focus. The tray icon is created only
when the first message is due, so a session without finished jobs never shows one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle, QSystemTrayIcon, QWidget

from minimax_studio.viewmodels.job_actions import STATE_LABELS
from minimax_studio.viewmodels.jobs_model import JobsModel

if TYPE_CHECKING:
    from minimax_studio.viewmodels.job_actions import JobSnapshot as Job

_TITLES = {
    "completed": "{kind} ready",
    "failed": "{kind} failed",
    "moderated": "{kind} moderated",
    "cancelled": "{kind} cancelled",
}


def message_for(job: Job) -> tuple[str, str]:
    """(title, body) for a finished job: what it was and what happened, in words."""
    kind = job.kind.value.capitalize()
    title = _TITLES.get(job.state.value, "{kind} finished").format(kind=kind)
    prompt = " ".join(job.prompt.split())
    if len(prompt) > 80:
        prompt = prompt[:79] + "…"
    body = f"{job.model}: {prompt}" if prompt else job.model
    if job.state.value != "completed" and job.reason:
        body += f"\n{STATE_LABELS[job.state]} — {job.reason}"
    return title, body


class JobNotifications(QObject):
    """Watches one or more JobsModels; ``window`` decides "is the user looking"."""

    def __init__(self, window: QWidget, *, icon: QIcon | None = None,
                 tray_available: Callable[[], bool] = QSystemTrayIcon.isSystemTrayAvailable,
                 parent: QObject | None = None) -> None:
        super().__init__(parent or window)
        self._window = window
        self._icon = icon
        self._available = tray_available
        self._tray: QSystemTrayIcon | None = None
        #: (title, body) of every message shown, newest last (the tests read it).
        self.shown: list[tuple[str, str]] = []

    def watch(self, model: JobsModel) -> None:
        model.jobFinished.connect(lambda job_id, _state, m=model: self._finished(m, job_id))

    def _finished(self, model: JobsModel, job_id: int) -> None:
        if self._window.isActiveWindow() or not self._available():
            return
        job = model.job(job_id)
        if job is None:
            return
        title, body = message_for(job)
        tray = self._ensure_tray()
        icon = QSystemTrayIcon.MessageIcon.Information if job.state.value == "completed" \
            else QSystemTrayIcon.MessageIcon.Warning
        tray.showMessage(title, body, icon, 8000)
        self.shown.append((title, body))

    def _ensure_tray(self) -> QSystemTrayIcon:
        if self._tray is None:
            icon = self._icon or self._window.windowIcon()
            if icon.isNull():
                icon = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay)
            self._tray = QSystemTrayIcon(icon, self)
            self._tray.setToolTip("MiniMax Studio")
            # A click on the message brings the window back (that is what people click it for).
            self._tray.messageClicked.connect(self._raise_window)
            self._tray.show()
        return self._tray

    def _raise_window(self) -> None:
        self._window.showNormal()
        self._window.raise_()
        self._window.activateWindow()
