"""The job model: what a generation is, which states it moves through, and the only ways
it may move between them.

A ``Job`` changes state only through its named methods (``start_upload``, ``mark_submitted``
…). Each one checks the transition against ``ALLOWED`` and raises ``InvalidTransition``
otherwise, so an engine bug shows up as an exception in a test instead of a job that
silently jumps from "queued" to "completed" without a file.

Recovery rules live next to the transitions that implement them, each with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypedDict

from minimax_studio.api.catalog import DEFAULT_IMAGE_MODEL, default_video_model


class JobState(StrEnum):
    QUEUED = "queued"
    UPLOADING = "uploading"
    SUBMITTING = "submitting"
    SUBMITTED = "submitted"
    PROCESSING = "processing"
    DOWNLOADING = "downloading"
    COMPLETED = "completed"
    FAILED = "failed"
    MODERATED = "moderated"
    CANCELLED = "cancelled"
    NEEDS_ATTENTION = "needs_attention"


class JobKind(StrEnum):
    VIDEO = "video"
    IMAGE = "image"
    AGENT = "agent"


#: States in which nothing more will happen to the job on its own.
FINAL_STATES = frozenset({JobState.COMPLETED, JobState.FAILED, JobState.MODERATED, JobState.CANCELLED})

#: States in which the job exists remotely (ids known) and is waiting for Hailuo.
REMOTE_STATES = frozenset({JobState.SUBMITTED, JobState.PROCESSING})

#: Video jobs that hold (or are about to hold) one of an account's ``maxJobs`` slots.
SLOT_STATES = frozenset({JobState.UPLOADING, JobState.SUBMITTING, JobState.SUBMITTED, JobState.PROCESSING})

_Q, _U, _S, _SUB, _P, _D = (JobState.QUEUED, JobState.UPLOADING, JobState.SUBMITTING,
                            JobState.SUBMITTED, JobState.PROCESSING, JobState.DOWNLOADING)
_C, _F, _M, _X, _N = (JobState.COMPLETED, JobState.FAILED, JobState.MODERATED,
                      JobState.CANCELLED, JobState.NEEDS_ATTENTION)

ALLOWED: dict[JobState, frozenset[JobState]] = {
    # A queued job may fail before any request (unreadable file, rejected upload).
    _Q: frozenset({_U, _S, _F, _X}),
    # Back to queued: the chosen account was paused (412/596) while we uploaded to it.
    _U: frozenset({_S, _Q, _F, _X}),
    # From submitting: back to queued only when the server said for certain that nothing
    # was created (412, 596, 429); needs_attention when it may have been (502/504/timeout)
    # and reconciling could not find it.
    _S: frozenset({_SUB, _P, _D, _Q, _F, _M, _N}),
    _SUB: frozenset({_P, _D, _C, _F, _M, _X, _N}),
    _P: frozenset({_P, _D, _C, _F, _M, _X, _N}),
    _D: frozenset({_D, _C, _F, _X, _N}),
    # needs_attention is not final: a later reconcile or a working token may find the job.
    _N: frozenset({_SUB, _P, _D, _C, _F, _M, _X}),
    _C: frozenset(),
    _F: frozenset(),
    _M: frozenset(),
    _X: frozenset(),
}


class InvalidTransition(RuntimeError):
    def __init__(self, job_id: int, src: JobState, dst: JobState) -> None:
        super().__init__(f"job {job_id}: {src.value} → {dst.value} is not allowed")
        self.src = src
        self.dst = dst


# File slots are named by the API (videos.md / images.md). A value is either a local path
# (uploaded to the chosen account first) or a composite fileID that already lives on one.
FILE_SLOT_RE = re.compile(
    r"^(fileID\d*|end_frame_fileID|videoFileID\d+|audioFileID\d+|referenceFileId\d+|characterFileId)$"
)
_FILE_ID_ACCOUNT_RE = re.compile(r"-minimax:([^-:]+)-file:")


def file_slots(request: dict[str, Any]) -> dict[str, str]:
    """The request's file-slot fields with a non-empty value, in request order."""
    return {k: str(v) for k, v in request.items() if FILE_SLOT_RE.match(k) and v not in (None, "")}


def file_id_account(value: str) -> str | None:
    """The account a composite fileID belongs to, or None if ``value`` is not a fileID."""
    m = _FILE_ID_ACCOUNT_RE.search(value) if value.startswith("user:") else None
    return m.group(1) if m else None


def now() -> datetime:
    return datetime.now(UTC)


class DownloadState(StrEnum):
    """Where one planned download stands (stored in the journal as these strings)."""

    PENDING = "pending"
    DONE = "done"
    #: Not media (an agent's PDF): kept in the plan so the finished job names it, never fetched.
    SKIPPED = "skipped"


#: The kinds of result the library files (an agent may also attach other files).
MEDIA_KINDS = frozenset({"video", "image", "audio"})


def is_media_download(d: PlannedDownload) -> bool:
    """Whether a planned download is media the library files: its kind is one, and its
    MIME type (when known) says so too — journals from before "file" kinds planned a PDF
    as an "image" with ``application/pdf``."""
    mime = str(d.get("mime") or "")
    return (str(d.get("kind") or "video") in MEDIA_KINDS
            and (not mime or mime.split("/", 1)[0] in MEDIA_KINDS))


class PlannedDownload(TypedDict, total=False):
    """One file a finished job downloads, as journaled in ``Job.downloads`` (a plain dict
    in the journal's JSON, so old rows read back unchanged)."""

    url: str
    cover: str | None
    state: DownloadState | str
    #: Where it is written (journaled before the download starts, so a resume continues
    #: the same ``.part``); dropped again after bytes that were not the media.
    path: str
    #: "video" | "image" | "audio" (an agent's attachments may be any).
    kind: str
    mime: str
    #: The remote id the library item records (an agent attachment's id).
    remote: str
    #: The file's name as the API gave it (an agent attachment's ``fileName``).
    name: str
    file_id: str | None
    width: Any
    height: Any
    duration: Any
    item_id: int | None


@dataclass
class Job:
    id: int
    kind: JobKind
    state: JobState
    request: dict[str, Any]
    account: str | None = None
    remote_ids: list[str] = field(default_factory=list)
    progress: int | None = None
    reason: str | None = None
    cost: str | None = None
    route_reason: str | None = None
    created_at: datetime = field(default_factory=now)
    updated_at: datetime = field(default_factory=now)
    library_item_ids: list[int] = field(default_factory=list)
    # --- bookkeeping the engine needs to resume; journaled like the rest -------------
    #: The account the user pinned (a sheet's ``account`` column, a form's choice).
    pinned_account: str | None = None
    #: slot → fileID actually sent (local paths replaced for the chosen account).
    file_ids: dict[str, str] = field(default_factory=dict)
    #: When the create call was sent; None until then. A job in ``submitting`` with this
    #: set may have been created remotely (crash or timeout before the answer).
    create_sent_at: datetime | None = None
    #: remote id (agent: ``<job id>#<attachment id>``) → its planned download.
    downloads: dict[str, PlannedDownload] = field(default_factory=dict)
    #: remote id → last seen status code (for partial outcomes of image batches).
    remote_status: dict[str, int] = field(default_factory=dict)
    batch_key: str | None = None
    batch_row: int | None = None
    source: str = "app"
    #: The user asked to cancel while the create call was in flight.
    cancel_requested: bool = False
    # --- ownership, as last read from the journal; written only by its lease calls -------
    #: The engine (``Engine.owner_id``: host, pid, random suffix) that runs this job now;
    #: None when nobody does. Another id than ours: another window or batch runs it.
    owner: str | None = None
    #: Unix time the owner's lease runs out unless renewed (another process may then take
    #: the job over).
    lease_until: float | None = None

    # --- queries ----------------------------------------------------------------------
    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def holds_slot(self) -> bool:
        return self.kind is JobKind.VIDEO and self.state in SLOT_STATES

    @property
    def prompt(self) -> str:
        return str(self.request.get("prompt") or "")

    @property
    def model(self) -> str:
        if self.kind is JobKind.AGENT:
            models = self.request.get("models")
            return ",".join(models) if isinstance(models, list | tuple) else str(models or "agent")
        if model := self.request.get("model"):
            return str(model)
        # Left out, the API uses its documented default (images.md: image-01; videos.md:
        # T2V-01, or I2V-01 with a fileID): name that in progress lines and file names
        # rather than nothing ("[image ]", "…_model_…").
        if self.kind is JobKind.IMAGE:
            return DEFAULT_IMAGE_MODEL
        return default_video_model(self.request)

    # --- transitions --------------------------------------------------------------------
    def _move(self, dst: JobState, *, reason: str | None = None, keep_reason: bool = False) -> None:
        if dst not in ALLOWED[self.state]:
            raise InvalidTransition(self.id, self.state, dst)
        self.state = dst
        if not keep_reason:
            self.reason = reason
        self.updated_at = now()

    def route(self, account: str, why: str) -> None:
        """Record the routing decision ("runs on account X: 2 free slots")."""
        if self.state is not JobState.QUEUED:
            raise InvalidTransition(self.id, self.state, JobState.UPLOADING)
        self.account = account
        self.route_reason = why
        self.updated_at = now()

    def start_upload(self) -> None:
        self._move(JobState.UPLOADING)
        self.progress = 0

    def start_submit(self) -> None:
        self._move(JobState.SUBMITTING)
        self.progress = None

    def mark_create_sent(self) -> None:
        if self.state is not JobState.SUBMITTING:
            raise InvalidTransition(self.id, self.state, JobState.SUBMITTING)
        self.create_sent_at = now()
        self.updated_at = self.create_sent_at

    def requeue(self, reason: str) -> None:
        """Back to the local queue. Only used when the server told us for certain that no
        job was created (412/596/429 on create, an account paused during upload): sending
        it again elsewhere cannot pay twice."""
        self._move(JobState.QUEUED, reason=reason)
        self.account = None
        self.route_reason = None
        self.file_ids = {}
        self.create_sent_at = None
        self.progress = None

    def mark_submitted(self, remote_ids: list[str], *, reason: str | None = None) -> None:
        self._move(JobState.SUBMITTED, reason=reason)
        self.remote_ids = list(remote_ids)
        self.progress = 0

    def mark_processing(self, progress: int | None, message: str | None = None) -> None:
        self._move(JobState.PROCESSING, reason=message)
        if progress is not None:
            self.progress = max(0, min(100, int(progress)))

    def start_download(self) -> None:
        self._move(JobState.DOWNLOADING, keep_reason=self.state is JobState.DOWNLOADING)
        if self.progress is None or self.progress >= 100:
            self.progress = 0

    def download_progress(self, percent: int) -> None:
        self._move(JobState.DOWNLOADING, keep_reason=True)
        self.progress = max(0, min(100, percent))

    def mark_completed(self, reason: str | None = None) -> None:
        self._move(JobState.COMPLETED, reason=reason)
        self.progress = 100

    def mark_failed(self, reason: str) -> None:
        self._move(JobState.FAILED, reason=reason)

    def mark_moderated(self, reason: str) -> None:
        self._move(JobState.MODERATED, reason=reason)

    def mark_cancelled(self, reason: str = "Cancelled.") -> None:
        self._move(JobState.CANCELLED, reason=reason)

    def needs_attention(self, reason: str) -> None:
        self._move(JobState.NEEDS_ATTENTION, reason=reason)


class EventType(StrEnum):
    QUEUED = "queued"
    UPLOADING = "uploading"
    SUBMITTED = "submitted"
    PROCESSING = "processing"
    DOWNLOADING = "downloading"
    COMPLETED = "completed"
    FAILED = "failed"
    MODERATED = "moderated"
    CANCELLED = "cancelled"
    NEEDS_ATTENTION = "needs_attention"
    #: The job left the list (engine.remove).
    REMOVED = "removed"


_EVENT_FOR_STATE: dict[JobState, EventType] = {
    JobState.QUEUED: EventType.QUEUED,
    JobState.UPLOADING: EventType.UPLOADING,
    # "submitting" is a moment, not something a user waits on: shown as still uploading.
    JobState.SUBMITTING: EventType.UPLOADING,
    JobState.SUBMITTED: EventType.SUBMITTED,
    JobState.PROCESSING: EventType.PROCESSING,
    JobState.DOWNLOADING: EventType.DOWNLOADING,
    JobState.COMPLETED: EventType.COMPLETED,
    JobState.FAILED: EventType.FAILED,
    JobState.MODERATED: EventType.MODERATED,
    JobState.CANCELLED: EventType.CANCELLED,
    JobState.NEEDS_ATTENTION: EventType.NEEDS_ATTENTION,
}


def event_type_for(state: JobState) -> EventType:
    return _EVENT_FOR_STATE[state]


@dataclass(frozen=True)
class JobEvent:
    """One thing that happened to a job. ``job`` is a snapshot taken when it happened."""

    job: Job
    #: An ``EventType`` (a str enum: ``ev.type == "removed"`` reads as before); a plain
    #: string given here is turned into one.
    type: EventType
    progress: int | None = None
    message: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.type, EventType):
            object.__setattr__(self, "type", EventType(self.type))
