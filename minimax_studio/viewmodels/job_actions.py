"""Which actions a job offers in its state, and the state labels people read.

``actions_for`` is a pure function of the job's state (plus whether a result file exists),
so the context menu, the toolbar and the tests all agree; qutebrowser's downloads view
builds its menu the same way. Performing an action lives in ``JobActionsVM`` below: it
only talks to the engine through coroutines and emits signals for what the UI must do
(fill the form, use a frame), so it never imports a widget.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication

from minimax_studio.core.jobs import FINAL_STATES, Job, JobState
from minimax_studio.core.remote_items import REMOTE_RUNNING, REMOTE_WAITING
from minimax_studio.viewmodels.tasks import describe_error

log = logging.getLogger(__name__)

#: The job snapshot type, for the UI layer to name (it may not import core).
JobSnapshot = Job


class JobAction(StrEnum):
    CANCEL = "cancel"
    OPEN = "open"
    REVEAL = "reveal"
    COPY_PROMPT = "copy_prompt"
    REUSE = "reuse"
    USE_AS_FIRST_FRAME = "use_as_first_frame"
    RETRY = "retry"
    RECHECK = "recheck"
    REMOVE = "remove"


LABELS: dict[JobAction, str] = {
    JobAction.CANCEL: "Cancel",
    JobAction.OPEN: "Open",
    JobAction.REVEAL: "Reveal in folder",
    JobAction.COPY_PROMPT: "Copy prompt",
    JobAction.REUSE: "Re-use settings",
    JobAction.USE_AS_FIRST_FRAME: "Use as first frame",
    JobAction.RETRY: "Retry",
    JobAction.RECHECK: "Check again",
    JobAction.REMOVE: "Remove",
}

_VIDEO_SUFFIXES = {".mp4", ".mov", ".webm", ".mkv", ".m4v"}

#: Actions that cannot be undone or may cost credits again: the UI asks first.
CONFIRM: dict[JobAction, str] = {
    JobAction.REMOVE: "Remove this job from the list? Downloaded files stay in the library.",
}

# Waiting states: the only useful thing is to stop waiting.
_RUNNING = (JobState.QUEUED, JobState.UPLOADING, JobState.SUBMITTING, JobState.SUBMITTED,
            JobState.PROCESSING, JobState.DOWNLOADING)
_A = JobAction
_DONE = (_A.OPEN, _A.REVEAL, _A.COPY_PROMPT, _A.REUSE, _A.USE_AS_FIRST_FRAME, _A.REMOVE)
_NOT_DONE = (_A.RETRY, _A.REUSE, _A.COPY_PROMPT, _A.REMOVE)

_TABLE: dict[JobState, tuple[JobAction, ...]] = {
    **{s: (_A.CANCEL, _A.COPY_PROMPT) for s in _RUNNING},
    JobState.COMPLETED: _DONE,
    JobState.FAILED: _NOT_DONE,
    JobState.MODERATED: _NOT_DONE,
    JobState.CANCELLED: _NOT_DONE,
    # "Check again" first: it only looks on Hailuo (never sends or pays again).
    JobState.NEEDS_ATTENTION: (_A.RECHECK, *_NOT_DONE),
}

# Why a needs-attention job asks before retrying: the create call may have reached Hailuo
# (502/504/timeout) and reconciling could not find the job; a retry might pay twice.
NEEDS_ATTENTION_EXPLANATION = (
    "The request may have reached Hailuo, but the app could not confirm it (the server "
    "timed out or answered 502/504, and the job was not found afterwards). Check the "
    "account on hailuoai.video before retrying: a retry may be charged again."
)


#: Why a job's row cannot be cancelled or removed from this window.
ELSEWHERE_REASON = ("Run by another MiniMax Studio window or batch on this profile; "
                    "this row follows it every few seconds.")


def actions_for(state: JobState | str, *, has_file: bool = True,
                elsewhere: bool = False) -> tuple[JobAction, ...]:
    """The actions a job in ``state`` offers, in menu order. A completed job whose file is
    missing (deleted from disk, never downloaded) cannot be opened or shown. A running job
    another process owns (``elsewhere``) can only be read here: that process cancels it."""
    actions = _TABLE[JobState(state)]
    if elsewhere and JobState(state) not in FINAL_STATES:
        return (_A.COPY_PROMPT, _A.REUSE)
    if not has_file:
        actions = tuple(a for a in actions
                        if a not in (_A.OPEN, _A.REVEAL, _A.USE_AS_FIRST_FRAME))
    return actions


def confirmation_for(action: JobAction, state: JobState | str) -> str | None:
    """The question to ask before ``action``, or None to run it at once."""
    if action is JobAction.RETRY and JobState(state) is JobState.NEEDS_ATTENTION:
        return NEEDS_ATTENTION_EXPLANATION + "\n\nRetry anyway?"
    return CONFIRM.get(action)


# --- state labels (the panel and the metadata pane) -----------------------------------------

STATE_LABELS: dict[JobState, str] = {
    JobState.QUEUED: "Queued",
    JobState.UPLOADING: "Uploading",
    JobState.SUBMITTING: "Sending",
    JobState.SUBMITTED: "Waiting for Hailuo",
    JobState.PROCESSING: "Generating",
    JobState.DOWNLOADING: "Downloading",
    JobState.COMPLETED: "Done",
    JobState.FAILED: "Failed",
    JobState.MODERATED: "Moderated",
    JobState.CANCELLED: "Cancelled",
    JobState.NEEDS_ATTENTION: "Needs attention",
}


#: Hailuo's own "not started yet" codes (pending, queued) and its "running" ones.
_REMOTE_WAITING = REMOTE_WAITING
_REMOTE_RUNNING = REMOTE_RUNNING
IN_REMOTE_QUEUE = "In Hailuo's queue"


def in_remote_queue(job: Job) -> bool:
    """Accepted by Hailuo but not started: "Generating 0 %" would promise work that is
    not happening yet (a busy account can hold a job there for minutes)."""
    if job.state is not JobState.PROCESSING:
        return False
    statuses = set(job.remote_status.values())
    return bool(statuses & _REMOTE_WAITING) and not statuses & _REMOTE_RUNNING


def state_text(job: Job) -> str:
    """``"Generating 40 %"``, ``"Done"``, ``"Failed"`` — what the state column reads."""
    if in_remote_queue(job):
        return IN_REMOTE_QUEUE
    label = STATE_LABELS[job.state]
    if job.state in (JobState.UPLOADING, JobState.PROCESSING, JobState.DOWNLOADING) \
            and job.progress is not None:
        return f"{label} {job.progress} %"
    return label


def result_paths(job: Job) -> list[Path]:
    """The job's downloaded files that exist on disk, in remote-id order."""
    out: list[Path] = []
    for info in job.downloads.values():
        p = info.get("path") if isinstance(info, dict) else None
        if p and info.get("state", "done") == "done" and Path(p).is_file():
            out.append(Path(p))
    return out


# --- performing actions ---------------------------------------------------------------------


class JobControl(Protocol):
    """The slice of ``core.engine.Engine`` the actions need."""

    async def cancel(self, job_id: int) -> Any: ...
    async def retry(self, job_id: int) -> Any: ...
    async def recheck(self, job_id: int) -> Any: ...
    async def remove(self, job_id: int) -> Any: ...


Spawn = Callable[[str, Coroutine[Any, Any, Any]], Any]


@dataclass(frozen=True)
class ActionFailure:
    job_id: int
    action: JobAction
    message: str


class JobActionsVM(QObject):
    """Performs a job action. Engine calls go through ``spawn(key, coro)`` (the app's task
    runner); when none is given a minimal local one keeps references and reports failures
    through ``failed`` so nothing is silently lost."""

    #: kind, exact API request — the form fills itself from it.
    reuseRequested = Signal(str, dict)
    #: an image file to put in the form's first-frame slot.
    firstFrameRequested = Signal(str)
    #: job, video path — "use as first frame" on a video means its last frame (frame
    #: chaining); the jobs area grabs that frame with its player and then emits
    #: ``firstFrameRequested`` with a PNG of it.
    lastFrameRequested = Signal(object, str)
    #: a sentence for the notifier / the panel's status line.
    failed = Signal(str)
    message = Signal(str)

    def __init__(self, engine: JobControl, spawn: Spawn | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._engine = engine
        self._spawn = spawn or self._local_spawn
        self._tasks: set[asyncio.Task[Any]] = set()

    def trigger(self, action: JobAction, job: Job) -> None:
        handler: Callable[[Job], None] = getattr(self, f"_do_{action.value}")
        handler(job)

    # engine-side actions -------------------------------------------------------------------
    def _do_cancel(self, job: Job) -> None:
        self._spawn(f"job-cancel-{job.id}", self._guard(job, JobAction.CANCEL,
                                                         self._engine.cancel(job.id)))

    def _do_retry(self, job: Job) -> None:
        self._spawn(f"job-retry-{job.id}", self._guard(job, JobAction.RETRY,
                                                        self._engine.retry(job.id)))

    def _do_recheck(self, job: Job) -> None:
        self._spawn(f"job-recheck-{job.id}", self._guard(job, JobAction.RECHECK,
                                                          self._engine.recheck(job.id)))

    def _do_remove(self, job: Job) -> None:
        self._spawn(f"job-remove-{job.id}", self._guard(job, JobAction.REMOVE,
                                                         self._engine.remove(job.id)))

    async def _guard(self, job: Job, action: JobAction, aw: Awaitable[Any]) -> None:
        try:
            await aw
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # every failure ends as a sentence, the trace in the log
            log.warning("job %s: %s failed", job.id, action.value, exc_info=True)
            self.failed.emit(f"Could not {LABELS[action].lower()} job {job.id}: {describe_error(exc)}")

    # local actions -------------------------------------------------------------------------
    def _do_open(self, job: Job) -> None:
        paths = result_paths(job)
        if not paths:
            self.failed.emit("The result file is no longer on disk.")
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths[0])))

    def _do_reveal(self, job: Job) -> None:
        # No portable "select in file manager": opening the folder works everywhere.
        paths = result_paths(job)
        if not paths:
            self.failed.emit("The result file is no longer on disk.")
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths[0].parent)))

    def _do_copy_prompt(self, job: Job) -> None:
        QGuiApplication.clipboard().setText(job.prompt)
        self.message.emit("Prompt copied.")

    def _do_reuse(self, job: Job) -> None:
        self.reuseRequested.emit(job.kind.value, dict(job.request))

    def _do_use_as_first_frame(self, job: Job) -> None:
        paths = result_paths(job)
        if not paths:
            self.failed.emit("The result file is no longer on disk.")
            return
        if paths[0].suffix.lower() in _VIDEO_SUFFIXES:
            self.lastFrameRequested.emit(job, str(paths[0]))
        else:
            self.firstFrameRequested.emit(str(paths[0]))

    def _local_spawn(self, key: str, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task
